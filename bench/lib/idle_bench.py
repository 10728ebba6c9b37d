#!/usr/bin/env python3
"""Copied from shared/anchors-bench/lib/idle_bench.py (same method).
Open N idle TCP connections to 127.0.0.1:PORT and report the server's memory per connection.
usage: idle_bench.py --label L --out FILE --server-pid PID --port PORT --conns N [--greeting]
Server memory = sum over the server's process tree of VmRSS and of Pss (smaps_rollup).
Slab delta (/proc/meminfo) covers kernel socket objects of both ends."""
import argparse, json, os, resource, socket, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import proctree  # noqa: E402


def snap(pid):
    rss, pss, n = proctree.memory_kib([pid])
    return {"rss": rss, "pss": pss, "procs": n, "slab": proctree.meminfo_kib("Slab"),
            "avail": proctree.meminfo_kib("MemAvailable")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--label", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--server-pid", type=int, required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--conns", type=int, required=True)
    ap.add_argument("--greeting", action="store_true", help="read the server greeting on each")
    ap.add_argument("--settle", type=float, default=2.0)
    a = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, a.conns + 1000), hard))
    time.sleep(a.settle)
    before = snap(a.server_pid)
    socks, t0 = [], time.perf_counter()
    for i in range(a.conns):
        s = socket.create_connection(("127.0.0.1", a.port), timeout=10)
        if a.greeting:
            s.recv(256)
        socks.append(s)
    t_open = time.perf_counter() - t0
    time.sleep(a.settle)
    during = snap(a.server_pid)
    # check the connections are still open (server has not closed them)
    alive = 0
    for s in socks:
        s.setblocking(False)
        try:
            alive += 1 if s.recv(1) else 0
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
    for s in socks:
        s.close()
    time.sleep(a.settle)
    after = snap(a.server_pid)
    n = a.conns
    rec = {"label": a.label, "rc": 0, "conns": n, "alive": alive, "open_s": round(t_open, 3),
           "rss_kib_per_conn": round((during["rss"] - before["rss"]) / n, 2),
           "pss_kib_per_conn": round((during["pss"] - before["pss"]) / n, 2),
           "slab_kib_per_conn": round((during["slab"] - before["slab"]) / n, 2),
           "memavail_kib_per_conn": round((before["avail"] - during["avail"]) / n, 2),
           "procs_per_conn": round((during["procs"] - before["procs"]) / n, 2),
           "before": before, "during": during, "after_close": after}
    with open(a.out, "a") as f:
        f.write(json.dumps(rec) + "\n")
    print(json.dumps(rec), flush=True)


if __name__ == "__main__":
    main()
