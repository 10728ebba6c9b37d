#!/usr/bin/env python3
"""Put generated text into a document between two marker lines, so that tables in
docs/BENCHMARKS.md come out of a run and are never typed by hand.
usage: splice_doc.py DOC NAME FILE   replaces what lies between the lines
       <!-- bench/run NAME -->  and  <!-- /bench/run NAME -->  in DOC with FILE's text."""
import sys

def main():
    doc, name, src = sys.argv[1:4]
    text = open(doc).read()
    begin, end = f"<!-- bench/run {name} -->\n", f"<!-- /bench/run {name} -->"
    if begin not in text or end not in text:
        sys.exit(f"splice_doc.py: {doc} has no '{begin.strip()}' ... '{end}' block")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    body = open(src).read().rstrip("\n") + "\n"
    with open(doc, "w") as f:
        f.write(head + begin + body + end + tail)

if __name__ == "__main__":
    main()
