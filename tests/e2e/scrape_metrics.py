#!/usr/bin/python3
"""Scrapes a netdiskd /metrics URL and parses it with the Prometheus text parser of
python3-prometheus-client (Debian), as a Prometheus server would. Prints one JSON object:
{"content_type": ..., "samples": [[name, {labels}, value], ...], "types": {family: type}}.
A body the parser refuses makes the script fail (exit 1) with the parser's message."""
import json
import math
import sys
import urllib.request

from prometheus_client.parser import text_string_to_metric_families


def main():
    with urllib.request.urlopen(sys.argv[1], timeout=20) as response:
        content_type = response.headers.get("Content-Type", "")
        text = response.read().decode("utf-8")
    samples = []
    types = {}
    for family in text_string_to_metric_families(text):
        types[family.name] = family.type
        for sample in family.samples:
            value = sample.value
            if math.isinf(value):
                value = "+Inf" if value > 0 else "-Inf"
            samples.append([sample.name, dict(sample.labels), value])
    json.dump({"content_type": content_type, "samples": samples, "types": types}, sys.stdout)


if __name__ == "__main__":
    main()
