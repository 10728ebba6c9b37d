#!/usr/bin/env python3
"""Turn bench/run's JSON lines into the tables of docs/BENCHMARKS.md: every figure as
median [min-max] over the measured runs, each NetDisk figure beside its anchor from the same
run with the ratio, and the targets marked hit or miss.
usage: summarize.py RAW.jsonl            markdown tables on stdout
       summarize.py --plot-data RAW.jsonl   concurrency vs MB/s columns for gnuplot"""
import json, re, statistics, sys
from collections import defaultdict

def load(path):
    runs, notes = defaultdict(list), {}
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        r = json.loads(line)
        if r.get("status") == "not_measured":
            notes[r["label"]] = r.get("reason", "not measured")
        elif r.get("rc", 0) == 0 or (r.get("mode") == "peer" and r.get("non2xx", 0) == 0 and
                                     not re.search(r"[1-9]", re.sub(r"timeout \d+", "", r.get("socket_errors", "x1")))):
            runs[r["label"]].append(r)
        else:
            notes[r["label"]] = "ERROR: " + str(r.get("error") or r.get("output_tail", ""))[:200]
    return runs, notes

RUNS, NOTES = {}, {}

def stat(label, field):
    vals = [r[field] for r in RUNS.get(label, []) if isinstance(r.get(field), (int, float))]
    if not vals:
        return None
    return statistics.median(vals), min(vals), max(vals)

def fmt(v):
    if v is None:
        return "–"
    a = abs(v)
    return f"{v:,.0f}" if a >= 100 else f"{v:.1f}" if a >= 10 else f"{v:.2f}" if a >= 0.1 else f"{v:.3f}"

def cell(label, field, scale=1.0):
    s = stat(label, field)
    if s is None:
        return NOTES.get(label, "–") if field else "–"
    m, lo, hi = (x * scale for x in s)
    return fmt(m) if lo == hi else f"{fmt(m)} [{fmt(lo)}–{fmt(hi)}]"

def med(label, field):
    s = stat(label, field)
    return s[0] if s else None

def ratio(a, b):
    return f"{a / b:.2f}×" if a is not None and b else "–"

def table(header, rows):
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()

def labels_like(prefix):
    return [l for l in list(RUNS) + list(NOTES) if l.startswith(prefix)]

def bulk():
    ceiling = med("iperf3 -l 1M", "MBps")
    ng = max([v for v in (med("nginx sendfile on GET", "MBps"), med("nginx sendfile off GET", "MBps")) if v] or [0]) or None
    vs_up = med("vsftpd STOR", "MBps")
    rows = []
    for label, anchor, aname in [
            ("iperf3 -l 1M", None, ""), ("nginx sendfile on GET", None, ""),
            ("nginx sendfile off GET", None, ""), ("vsftpd RETR", None, ""), ("vsftpd STOR", None, ""),
            ("netdisk download buffered", ng, "better nginx"), ("netdisk download sendfile", ng, "better nginx"),
            ("netdisk upload buffered", vs_up, "vsftpd STOR"), ("netdisk upload sendfile", vs_up, "vsftpd STOR")]:
        if label not in RUNS and label not in NOTES:
            continue
        mb = med(label, "MBps")
        rows.append([label, cell(label, "MBps"), cell(label, "server_cpu_s_per_GiB"),
                     cell(label, "server_MB_per_cpu_s"), ratio(mb, ceiling),
                     f"{ratio(mb, anchor)} {aname}" if anchor else "–"])
    print("### 1. 1 GiB download and upload\n")
    table(["item", "MB/s", "server CPU s per GiB", "MB per server CPU-s", "÷ iperf3 -l 1M", "÷ anchor"], rows)

def small():
    rows = []
    for kind, peer in (("4KiB download", "nginx 4KiB GET"), ("list 1000", "nginx autoindex 1000")):
        for c in (8, 64):
            for label, anchor in ((f"netdisk {kind} c{c}", f"{peer} c{c}"), (f"{peer} c{c}", None)):
                if label not in RUNS and label not in NOTES:
                    continue
                rows.append([label, cell(label, "ops_per_s"), cell(label, "p50_ms"), cell(label, "p99_ms"),
                             cell(label, "ops_per_server_cpu_s"),
                             ratio(med(label, "ops_per_s"), med(anchor, "ops_per_s")) if anchor else "–"])
    for label in labels_like("netdisk login"):
        rows.append([label, cell(label, "ops_per_s"), cell(label, "p50_ms"), cell(label, "p99_ms"),
                     cell(label, "ops_per_server_cpu_s"), "–"])
    print("### 2. Small operations (one request in flight per connection)\n")
    table(["item", "ops/s", "p50 ms", "p99 ms", "ops per server CPU-s", "÷ nginx"], rows)
    rows = [[l, cell(l, "server_rss_before_kib", 1 / 1024), cell(l, "server_rss_peak_kib", 1 / 1024),
             cell(l, "server_busy")] for l in labels_like("netdisk login")]
    if rows:
        print("Login storm memory (netdiskd VmRSS, MiB):\n")
        table(["item", "RSS before", "peak RSS during", "server_busy replies"], rows)

def idle():
    rows = []
    for label in labels_like("netdisk idle") + labels_like("nginx idle"):
        rows.append([label, cell(label, "conns"), cell(label, "rss_kib_per_conn"), cell(label, "pss_kib_per_conn")])
    print("### 3. Idle connections (server user-space memory per connection, KiB)\n")
    table(["item", "connections", "RSS delta per conn", "PSS delta per conn"], rows)
    l = "netdisk ping under 8 downloads"
    if l in RUNS or l in NOTES:
        print("Ping latency (one ping every 2 ms on its own connection):\n")
        table(["item", "idle p50 ms", "idle p99 ms", "loaded p50 ms", "loaded p99 ms", "max ms", "bulk MB/s"],
              [[l, cell(l, "idle_p50_ms"), cell(l, "idle_p99_ms"), cell(l, "p50_ms"), cell(l, "p99_ms"),
                cell(l, "max_ms"), cell(l, "bulk_MBps")]])

def chat():
    rows = []
    for label in labels_like("netdisk chat") + labels_like("redis chat"):
        peer = label.replace("netdisk chat", "redis chat")
        rows.append([label, cell(label, "p50_ms"), cell(label, "p99_ms"), cell(label, "msgs_per_s"),
                     cell(label, "deliveries_per_s"), cell(label, "server_cpu_s"),
                     ratio(med(label, "msgs_per_s"), med(peer, "msgs_per_s")) if peer != label else "–"])
    print("### 4. Chat fan-out (1 sender; wN = N messages in flight)\n")
    table(["item", "p50 ms", "p99 ms", "msgs/s (to all)", "deliveries/s", "server CPU s", "msgs/s ÷ redis"], rows)

def levels():
    out = []
    for mode in ("buffered", "sendfile"):
        for label in labels_like("netdisk concurrency "):
            parts = label.split()
            if parts[-1] == mode:
                out.append((mode, int(parts[2]), label))
    return sorted(out, key=lambda x: (x[0], x[1]))

def concurrency():
    rows = [[label, cell(label, "MBps"), cell(label, "server_MB_per_cpu_s"),
             cell(label, "server_rss_peak_kib", 1 / 1024)] for _, _, label in levels()]
    print("### 5. Download throughput and server memory by concurrent transfers\n")
    table(["item", "MB/s (all transfers)", "MB per server CPU-s", "server peak RSS MiB"], rows)

def targets():
    ng = max([v for v in (med("nginx sendfile on GET", "MBps"), med("nginx sendfile off GET", "MBps")) if v] or [0]) or None
    best_dl = max([v for v in (med("netdisk download buffered", "MBps"), med("netdisk download sendfile", "MBps")) if v] or [0]) or None
    best_up = max([v for v in (med("netdisk upload buffered", "MBps"), med("netdisk upload sendfile", "MBps")) if v] or [0]) or None
    eff_nd = max([v for v in (med("netdisk download buffered", "server_MB_per_cpu_s"), med("netdisk download sendfile", "server_MB_per_cpu_s")) if v] or [0]) or None
    eff_ng = max([v for v in (med("nginx sendfile on GET", "server_MB_per_cpu_s"), med("nginx sendfile off GET", "server_MB_per_cpu_s")) if v] or [0]) or None
    rows = []
    def add(name, value, goal, ok):
        rows.append([name, value, goal, "–" if ok is None else ("hit" if ok else "**miss**")])
    r = best_dl / ng if best_dl and ng else None
    add("download vs better nginx", f"{r:.2f}×" if r else "–", "≥ 1.0×", None if r is None else r >= 1.0)
    r = best_up / med("vsftpd STOR", "MBps") if best_up and med("vsftpd STOR", "MBps") else None
    add("upload vs vsftpd STOR", f"{r:.2f}×" if r else "–", "≥ 1.0×", None if r is None else r >= 1.0)
    r = eff_nd / eff_ng if eff_nd and eff_ng else None
    add("server MB per CPU-s vs nginx (download)", f"{r:.2f}×" if r else "–", "≥ 1.0×", None if r is None else r >= 1.0)
    for c in (8, 64):
        a, b = med(f"netdisk 4KiB download c{c}", "ops_per_s"), med(f"nginx 4KiB GET c{c}", "ops_per_s")
        r = a / b if a and b else None
        add(f"4 KiB downloads/s vs nginx, {c} conns", f"{r:.2f}×" if r else "–", "≥ 0.8×", None if r is None else r >= 0.8)
    for l in labels_like("netdisk idle"):
        v = med(l, "pss_kib_per_conn")
        add(f"{l}: user memory per conn (PSS)", f"{v:.2f} KiB" if v is not None else "–", "≤ 2 KiB", None if v is None else v <= 2)
    for l in labels_like("netdisk chat"):
        v = med(l, "p99_ms")
        add(f"{l}: fan-out p99", f"{v:.1f} ms" if v is not None else NOTES.get(l, "–"), "≤ 50 ms", None if v is None else v <= 50)
    print("### Targets\n")
    table(["target", "measured", "goal", "result"], rows)

def plot_data():
    by = defaultdict(dict)
    for mode, level, label in levels():
        by[level][mode] = med(label, "MBps")
    print("# concurrency buffered_MBps sendfile_MBps")
    for level in sorted(by):
        print(level, by[level].get("buffered") or "NaN", by[level].get("sendfile") or "NaN")

def main():
    global RUNS, NOTES
    args = sys.argv[1:]
    plot = args and args[0] == "--plot-data"
    RUNS, NOTES = load(args[-1])
    if plot:
        return plot_data()
    print("All figures: median [min–max] of the measured runs; 1 MB = 10^6 B.\n")
    for section in (bulk, small, idle, chat, concurrency, targets):
        section()
    if NOTES:
        print("Notes:\n")
        for k, v in NOTES.items():
            print(f"- {k}: {v}")

if __name__ == "__main__":
    main()
