#!/usr/bin/env python3
"""Turn bench/run's JSON lines into the tables of docs/BENCHMARKS.md: every figure as
median [min-max] over the measured runs, each NetDisk figure beside its anchor from the same
run with the ratio, and the targets marked hit or miss.
usage: summarize.py RAW.jsonl            markdown tables on stdout (targets first)
       summarize.py --only targets|results RAW.jsonl   the Targets table, or all the others
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

def times(r):
    """A ratio as text: two decimals, or two significant digits when it is below 0.1."""
    return f"{r:.2f}×" if r >= 0.1 or r == 0 else f"{r:.2g}×"

def ratio(a, b):
    return times(a / b) if a is not None and b else "–"

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

def best(labels, field):
    """(value, label) of the highest median among labels, or (None, None)."""
    got = [(med(l, field), l) for l in labels if med(l, field)]
    return max(got) if got else (None, None)

NGINX_TO_FILE = ("curl -o file from nginx sendfile on", "curl -o file from nginx sendfile off")
USER_SIDE = [  # (label, anchor labels, anchor name)
    ("curl -o file from nginx sendfile on", (), ""), ("curl -o file from nginx sendfile off", (), ""),
    ("vsftpd STOR", (), ""),
    ("netdisk get to file", NGINX_TO_FILE, "curl from better nginx"),
    ("curl -o file from /files", NGINX_TO_FILE, "curl from better nginx"),
    ("netdisk put", ("vsftpd STOR",), "curl -T vsftpd"),
    ("curl -T to /files", ("vsftpd STOR",), "curl -T vsftpd"),
    ("curl -o file from Apache mod_dav", (), ""), ("curl -T to Apache mod_dav", (), "")]

def user_side():
    rows = []
    for label, anchors, aname in USER_SIDE:
        if label not in RUNS and label not in NOTES:
            continue
        a_mb = best(anchors, "MBps")[0] if anchors else None
        a_eff = best(anchors, "server_MB_per_cpu_s")[0] if anchors else None
        rows.append([label, cell(label, "MBps"), cell(label, "server_cpu_s_per_GiB"),
                     cell(label, "server_MB_per_cpu_s"), cell(label, "client_cpu_s"),
                     f"{ratio(med(label, 'MBps'), a_mb)} / {ratio(med(label, 'server_MB_per_cpu_s'), a_eff)} {aname}"
                     if a_mb else "–"])
    if not rows:
        return
    print("### 1b. From the users' side: 1 GiB to and from a file in tmpfs, every result checked\n")
    table(["item", "MB/s", "server CPU s per GiB", "MB per server CPU-s", "client CPU s",
           "÷ anchor (MB/s / MB per CPU-s)"], rows)

ENCRYPTED = [  # (label, sftp anchor, FTPS anchor): issue #19, every channel encrypted
    ("sftp get", None, None), ("curl FTPS RETR", None, None), ("netdisk get TLS", "sftp get", "curl FTPS RETR"),
    ("sftp put", None, None), ("curl FTPS STOR", None, None), ("netdisk put TLS", "sftp put", "curl FTPS STOR")]

def netdisk_channel():
    """What the TLS server's port and the client really did (bench/lib/encrypted.sh's probe):
    'TLSv1.3, key pinned', or why it was plain text; None when the section did not run."""
    probe = (RUNS.get("netdisk TLS probe") or [None])[-1]
    if probe is None:
        return None
    tls, pinned = probe.get("server_tls", "none"), probe.get("client_pinned")
    if tls != "none" and pinned:
        return tls + ", the client pinned the server's key"
    return f"PLAIN TEXT (server TLS handshake: {tls}; client pinned a key: {'yes' if pinned else 'no'})"

def netdisk_encrypted():
    channel = netdisk_channel()
    return channel is not None and not channel.startswith("PLAIN")

def encrypted():
    rows = []
    for label, sftp, ftps in ENCRYPTED:
        if label not in RUNS and label not in NOTES:
            continue
        mb, eff = med(label, "MBps"), med(label, "server_MB_per_cpu_s")
        vs = lambda a: (f"{ratio(mb, med(a, 'MBps'))} / {ratio(eff, med(a, 'server_MB_per_cpu_s'))}"
                        if a and med(a, "MBps") else "–")
        rows.append([label, cell(label, "MBps"), cell(label, "server_cpu_s_per_GiB"),
                     cell(label, "server_MB_per_cpu_s"), cell(label, "client_cpu_s"), vs(sftp), vs(ftps)])
    if not rows:
        return
    print("### 1c. Encrypted transfers: 1 GiB each way with the users' tools, every result checked\n")
    table(["item", "MB/s", "server CPU s per GiB", "MB per server CPU-s", "client CPU s",
           "÷ sftp (MB/s / MB per CPU-s)", "÷ FTPS (MB/s / MB per CPU-s)"], rows)
    print("Channels: netdisk " + (netdisk_channel() or "–") + "; sftp " +
          str((RUNS.get("sftp channel") or [{}])[-1].get("channel", "–")) + "; FTPS " +
          str((RUNS.get("FTPS channel") or [{}])[-1].get("channel", "–")) + ".\n")

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
    for c in (8, 64):
        label = f"netdisk /files 4KiB GET Basic c{c}"
        if label in RUNS or label in NOTES:
            rows.append([f"{label} (2xx only; {med(label, 'non2xx') or 0:,.0f} others)", cell(label, "ops_per_s"), cell(label, "p50_ms"), cell(label, "p99_ms"),
                         cell(label, "ops_per_server_cpu_s"),
                         ratio(med(label, "ops_per_s"), med(f"nginx 4KiB GET c{c}", "ops_per_s"))])
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

def dav():
    rows = []
    for n in (1000, 10000):
        for label, anchor in ((f"netdisk PROPFIND {n} c8", f"apache PROPFIND {n} c8"), (f"apache PROPFIND {n} c8", None)):
            if label not in RUNS and label not in NOTES:
                continue
            rows.append([label, cell(label, "ops_per_s"), cell(label, "p50_ms"), cell(label, "p99_ms"),
                         cell(label, "ops_per_server_cpu_s"),
                         ratio(med(label, "ops_per_s"), med(anchor, "ops_per_s")) if anchor else "–"])
    if not rows:
        return
    print("### 6. WebDAV: PROPFIND with Depth 1 of a folder of N files (8 connections)\n")
    table(["item", "PROPFINDs/s", "p50 ms", "p99 ms", "PROPFINDs per server CPU-s", "÷ Apache mod_dav"], rows)

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

class Targets:
    """The rows of issue #17's targets: each a measured ratio (or value), its goal, hit/miss."""
    def __init__(self):
        self.rows = []

    def ratio(self, name, a, b, goal, note="", verdict=None):
        """verdict: a result to show instead of hit/miss (a ratio that does not measure the goal)."""
        r = a / b if a is not None and b else None
        self.rows.append([name, (times(r) if r is not None else "–") + (f" ({note})" if note and r else ""),
                          f"≥ {goal}×", verdict if verdict and r is not None else result(r, lambda v: v >= goal)])

    def value(self, name, v, unit, goal, ok):
        self.rows.append([name, f"{fmt(v)} {unit}" if v is not None else "–", goal, result(v, ok)])

def result(v, ok):
    return "–" if v is None else ("hit" if ok(v) else "**miss**")

def transfer_targets(t):
    tcp_dl = best(("netdisk download buffered", "netdisk download sendfile"), "MBps")
    tcp_up = best(("netdisk upload buffered", "netdisk upload sendfile"), "MBps")
    ng = best(("nginx sendfile on GET", "nginx sendfile off GET"), "MBps")[0]
    ng_file = best(NGINX_TO_FILE, "MBps")[0]
    vs = med("vsftpd STOR", "MBps")
    mode = lambda l: l.split()[-1] if l else ""
    t.ratio("1 GiB download, TCP ÷ better nginx", tcp_dl[0], ng, 1.2, mode(tcp_dl[1]))
    t.ratio("1 GiB download, curl from /files ÷ curl from better nginx", med("curl -o file from /files", "MBps"), ng_file, 1.2)
    t.ratio("1 GiB `netdisk get` to a file ÷ curl from better nginx", med("netdisk get to file", "MBps"), ng_file, 1.2)
    t.ratio("1 GiB upload, TCP ÷ vsftpd STOR", tcp_up[0], vs, 1.5, mode(tcp_up[1]))
    t.ratio("1 GiB upload, `curl -T` to /files ÷ `curl -T` to vsftpd", med("curl -T to /files", "MBps"), vs, 1.5)
    t.ratio("1 GiB `netdisk put` ÷ `curl -T` to vsftpd", med("netdisk put", "MBps"), vs, 1.5)
    f = "server_MB_per_cpu_s"
    ng_eff = best(("nginx sendfile on GET", "nginx sendfile off GET"), f)[0]
    ng_file_eff = best(NGINX_TO_FILE, f)[0]
    vs_eff = med("vsftpd STOR", f)
    tcp_dl_eff = best(("netdisk download buffered", "netdisk download sendfile"), f)
    tcp_up_eff = best(("netdisk upload buffered", "netdisk upload sendfile"), f)
    t.ratio("server MB per CPU-s, download TCP ÷ nginx", tcp_dl_eff[0], ng_eff, 1.2, mode(tcp_dl_eff[1]))
    t.ratio("server MB per CPU-s, download /files ÷ nginx", med("curl -o file from /files", f), ng_file_eff, 1.2)
    t.ratio("server MB per CPU-s, `netdisk get` ÷ nginx", med("netdisk get to file", f), ng_file_eff, 1.2)
    t.ratio("server MB per CPU-s, upload TCP ÷ vsftpd", tcp_up_eff[0], vs_eff, 1.5, mode(tcp_up_eff[1]))
    t.ratio("server MB per CPU-s, upload /files ÷ vsftpd", med("curl -T to /files", f), vs_eff, 1.5)
    t.ratio("server MB per CPU-s, `netdisk put` ÷ vsftpd", med("netdisk put", f), vs_eff, 1.5)

def request_targets(t):
    for c in (8, 64):
        ng = med(f"nginx 4KiB GET c{c}", "ops_per_s")
        t.ratio(f"4 KiB downloads/s, TCP, {c} conns ÷ nginx", med(f"netdisk 4KiB download c{c}", "ops_per_s"), ng, 1.0)
        t.ratio(f"4 KiB GETs/s, /files + Basic, {c} conns ÷ nginx",
                med(f"netdisk /files 4KiB GET Basic c{c}", "ops_per_s"), ng, 1.0)
    for c in (8, 64):
        t.ratio(f"listing 1,000 files/s, {c} conns ÷ nginx autoindex",
                med(f"netdisk list 1000 c{c}", "ops_per_s"), med(f"nginx autoindex 1000 c{c}", "ops_per_s"), 2.0)
    for l in labels_like("netdisk idle"):
        v, held, wanted = med(l, "pss_kib_per_conn"), med(l, "alive"), med(l, "conns")
        note = "" if held is None or held == wanted else f", only {held:,.0f} held"
        t.value(f"idle logged-in connection, user memory (PSS), {l.split()[-1]} held{note}", v, "KiB", "≤ 1 KiB",
                lambda x: x <= 1 and (held is None or held == wanted))
    for l in labels_like("netdisk chat"):
        if not l.endswith(" w1"):
            continue
        t.ratio(f"chat, one message in flight ({l.split()[2]} receivers), msgs/s ÷ Redis",
                med(l, "msgs_per_s"), med(l.replace("netdisk chat", "redis chat"), "msgs_per_s"), 1.0)
        t.value(f"chat, one message in flight ({l.split()[2]} receivers), p99", med(l, "p99_ms"), "ms", "≤ 20 ms",
                lambda x: x <= 20)

def dav_targets(t):
    """Issue #18's: big folders listed, and bytes moved, through WebDAV against Apache mod_dav."""
    for n in (1000, 10000):
        t.ratio(f"WebDAV PROPFIND Depth 1 of {n:,} entries/s ÷ Apache mod_dav",
                med(f"netdisk PROPFIND {n} c8", "ops_per_s"), med(f"apache PROPFIND {n} c8", "ops_per_s"), 2.0)
    t.ratio("1 GiB WebDAV PUT, `curl -T` to /files ÷ to Apache mod_dav",
            med("curl -T to /files", "MBps"), med("curl -T to Apache mod_dav", "MBps"), 1.2)
    t.ratio("1 GiB WebDAV GET, `curl -o` from /files ÷ from Apache mod_dav",
            med("curl -o file from /files", "MBps"), med("curl -o file from Apache mod_dav", "MBps"), 1.2)

def encrypted_targets(t):
    """Issue #19's: netdisk over TLS against sftp (3x) and FTPS (1.2x), each way."""
    plain = not netdisk_encrypted() and netdisk_channel() is not None
    note, verdict = ("PLAIN TEXT: no TLS in these binaries", "**not TLS**") if plain else ("", None)
    for way, nd, sftp, ftps in (("download", "netdisk get TLS", "sftp get", "curl FTPS RETR"),
                                ("upload", "netdisk put TLS", "sftp put", "curl FTPS STOR")):
        t.ratio(f"encrypted 1 GiB {way}, `{nd[:-4]}` over TLS ÷ `{sftp}`",
                med(nd, "MBps"), med(sftp, "MBps"), 3.0, note, verdict)
        t.ratio(f"encrypted 1 GiB {way}, `{nd[:-4]}` over TLS ÷ `curl` FTPS {ftps.split()[-1]}",
                med(nd, "MBps"), med(ftps, "MBps"), 1.2, note, verdict)

def cliff_targets(t):
    by_mode = defaultdict(list)
    for mode, level, label in levels():
        by_mode[mode].append((level, label))
    for mode in sorted(by_mode, key=lambda m: m != "sendfile"):
        for field, what in (("MBps", "MB/s"), ("server_MB_per_cpu_s", "MB per CPU-s")):
            vals = [(med(l, field), lv) for lv, l in by_mode[mode] if med(l, field)]
            top = max((v for v, _ in vals), default=None)
            high = [(v, lv) for v, lv in vals if lv >= 8]
            if not top or not high or len(vals) < 2:
                continue
            worst, at = min(high)
            t.ratio(f"no cliff ({mode}): {what}, worst level from 8 transfers up ÷ best level",
                    worst, top, 0.8, f"at {at}")

def targets():
    t = Targets()
    transfer_targets(t)
    request_targets(t)
    cliff_targets(t)
    dav_targets(t)
    encrypted_targets(t)
    table(["target", "measured", "goal", "result"], t.rows)

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
    only = args[1] if args and args[0] == "--only" else None
    RUNS, NOTES = load(args[-1])
    if args and args[0] == "--plot-data":
        return plot_data()
    if only != "results":
        if only is None:
            print("### Targets (issues #17, #18 and #19: ratios to the peers in the same run, medians)\n")
        targets()
    if only == "targets":
        return
    print("All figures: median [min–max] of the measured runs; 1 MB = 10^6 B.\n")
    for section in (bulk, user_side, encrypted, small, idle, chat, concurrency, dav):
        section()
    if NOTES:
        print("Notes:\n")
        for k, v in NOTES.items():
            print(f"- {k}: {v}")

if __name__ == "__main__":
    main()
