#!/usr/bin/env python3
"""Copied from shared/anchors-bench/lib/measure.py (same method), plus wrk --latency percentiles.
Run a client command several times; record wall time, throughput, client CPU
(rusage of the child tree) and server CPU (from /proc of the server PIDs).
Appends one JSON line per measured run to --out.

usage: measure.py --label L --out FILE [--bytes N] [--runs R] [--warmup W]
                  [--server-pid P]... [--before SHELLCMD] [--check SHELLCMD]
                  [--parse wrk|iperf3|dd] [--non2xx-is-data] [--settle S] -- command args...
--check runs after each run, outside the timed interval: a non-zero exit (a transfer whose
bytes are not the expected ones) makes the run rc 1 with "check failed", so a failed transfer
never counts as fast. Exits 1 when any measured run failed.
"""
import argparse, json, os, re, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import proctree  # noqa: E402


def parse_output(kind, out):
    rec = {}
    if kind == "wrk":
        m = re.search(r"Requests/sec:\s+([\d.]+)", out)
        rec["req_per_s"] = float(m.group(1)) if m else None
        m = re.search(r"(\d+) requests in ([\d.]+)(\w+), ([\d.]+)(\w+) read", out)
        if m:
            rec["requests"] = int(m.group(1))
        m = re.search(r"Latency\s+([\d.]+)(\w+)", out)
        if m:
            v, u = float(m.group(1)), m.group(2)
            rec["lat_avg_ms"] = v * {"us": 1e-3, "ms": 1, "s": 1e3}.get(u, 1)
        for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
            m = re.search(r"^\s+" + pct + r"(?:\.000)?%\s+([\d.]+)(\w+)", out, re.M)
            if m:
                rec[key] = float(m.group(1)) * {"us": 1e-3, "ms": 1, "s": 1e3}.get(m.group(2), 1)
        errs = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        rec["non2xx"] = int(errs.group(1)) if errs else 0
        sock = re.search(r"Socket errors: (.*)", out)
        if sock:
            rec["socket_errors"] = sock.group(1)
    elif kind == "iperf3":
        j = json.loads(out)
        e = j["end"]
        rec["MBps"] = e["sum_received"]["bits_per_second"] / 8 / 1e6
        rec["Gbit_s"] = e["sum_received"]["bits_per_second"] / 1e9
        rec["cpu_host_pct"] = e["cpu_utilization_percent"]["host_total"]
        rec["cpu_remote_pct"] = e["cpu_utilization_percent"]["remote_total"]
    elif kind == "dd":
        m = re.search(r"(\d+) bytes .* copied, ([\d.]+) s", out)
        rec["MBps"] = int(m.group(1)) / float(m.group(2)) / 1e6
    elif kind == "memcpy":
        m = re.search(r"MBps=([\d.]+)", out)
        rec["MBps"] = float(m.group(1))
    return rec


def server_cpu(a):
    if a.server_cgroup:
        with open(os.path.join(a.server_cgroup, "cpuacct.usage")) as f:
            return int(f.read()) / 1e9
    return proctree.cpu_seconds(a.server_pid)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--bytes", type=int, default=0)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--server-pid", type=int, action="append", default=[])
    ap.add_argument("--server-cgroup", default="", help="cpuacct cgroup dir of the server")
    ap.add_argument("--before", default=None)
    ap.add_argument("--check", default=None, help="shell command verifying the result")
    ap.add_argument("--non2xx-is-data", action="store_true",
                    help="wrk: count only 2xx/3xx replies in ops_per_s; others are data, not errors")
    ap.add_argument("--parse", default=None)
    ap.add_argument("--settle", type=float, default=0.3)
    ap.add_argument("--ops", type=int, default=0, help="operations per run (for ops/s)")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    failed = False
    for i in range(a.warmup + a.runs):
        if a.before:
            subprocess.run(a.before, shell=True, check=True)
        time.sleep(a.settle)
        s0 = server_cpu(a)
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        out = p.stdout.read().decode(errors="replace")
        _, status, ru = os.wait4(p.pid, 0)
        t1 = time.perf_counter()
        time.sleep(a.settle)
        s1 = server_cpu(a)
        rc = os.waitstatus_to_exitcode(status)
        wall = t1 - t0
        rec = {"label": a.label, "mode": "peer", "run": i - a.warmup, "rc": rc, "wall_s": round(wall, 4),
               "client_cpu_s": round(ru.ru_utime + ru.ru_stime, 4)}
        if a.server_pid or a.server_cgroup:
            rec["server_cpu_s"] = round(s1 - s0, 4)
        if a.bytes:
            rec["MBps"] = round(a.bytes / wall / 1e6, 1)
            rec["bytes"] = a.bytes
        if a.bytes and rec.get("server_cpu_s"):
            rec["server_cpu_s_per_GiB"] = round(rec["server_cpu_s"] / (a.bytes / 2**30), 4)
            rec["server_MB_per_cpu_s"] = round(a.bytes / 1e6 / rec["server_cpu_s"], 1)
        if a.ops:
            rec["ops_per_s"] = round(a.ops / wall, 1)
            rec["ms_per_op"] = round(wall / a.ops * 1e3, 3)
        if a.parse:
            rec.update(parse_output(a.parse, out))
        if a.parse == "wrk" and rec.get("req_per_s"):
            ok_share = 1.0
            if a.non2xx_is_data and rec.get("requests"):
                ok_share = max(0, rec["requests"] - rec["non2xx"]) / rec["requests"]
            rec["ops_per_s"] = round(rec["req_per_s"] * ok_share, 1)
            if rec.get("server_cpu_s"):
                rec["ops_per_server_cpu_s"] = round(rec["ops_per_s"] * wall / rec["server_cpu_s"], 1)
        if a.parse == "iperf3" and rec.get("MBps"):
            rec["bytes"] = int(rec["MBps"] * 1e6 * wall)
        # wrk's own 2 s timeouts under overload are data (they show in p99), not a failure.
        sock_err = re.sub(r"timeout \d+", "", rec.get("socket_errors", ""))
        if a.parse == "wrk" and ((rec.get("non2xx") and not a.non2xx_is_data) or re.search(r"[1-9]", sock_err)):
            rec["rc"] = rec["rc"] or 1
        if rc != 0:
            rec["output_tail"] = out[-500:]
        if a.check and rc == 0:
            c = subprocess.run(a.check, shell=True, capture_output=True, text=True)
            if c.returncode != 0:
                for k in ("MBps", "server_MB_per_cpu_s", "server_cpu_s_per_GiB"):
                    rec.pop(k, None)  # the bytes were wrong: no speed to report
                rec["rc"] = 1
                rec["error"] = "check failed: " + (c.stdout + c.stderr).strip()[-300:]
                print(f"measure.py: {a.label}: CHECK FAILED: {rec['error']}", file=sys.stderr, flush=True)
        if i >= a.warmup:
            with open(a.out, "a") as f:
                f.write(json.dumps(rec) + "\n")
        print(("warmup " if i < a.warmup else "") + json.dumps(rec), flush=True)
        failed = failed or rec["rc"] != 0  # a warm-up that moved the wrong bytes fails too
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
