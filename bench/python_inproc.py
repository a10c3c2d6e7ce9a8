#!/usr/bin/env python3
"""Section 9 of bench/run.sh: the Python package against docker-py, in one
process per client.

    python_inproc.py [--quick] [--engines docker,podman,containerd] [--out DIR]

For each engine, 50 `sleep 3600` containers are created (not started:
`--quick` and full alike; named bench-pyPID-NN, labelled io.berth.bench=1)
and a container that wrote a log of LOG_MB (default 8) MiB of 64-byte lines
exits. Then one worker process per client times, in that process, N calls
of each operation after 20 untimed ones: ping, the container list as the
engine holds it without and with the 50 (docker-py: sparse=True, one
request, as bench/peers/ps.py), inspect of one of the 50 (get), one
lifecycle (create + start a sleep, remove with force), and the read of the
whole stored log, in two rounds (one in --quick) with the clients
alternating. The table gives the median wall time per call and the
client CPU per call (user + system of the worker process, getrusage),
and the ratio docker-py / berth. podman-py is not packaged for Debian 12
(and there is no PyPI here): its column says so. Everything made is removed
by name at the end, also on Ctrl-C.
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGE = "localhost/berth-test/busybox:latest"
LABEL = "io.berth.bench"
SOCKS = {"docker": "unix:///var/run/docker.sock", "podman": "unix:///run/podman/podman.sock",
         "containerd": "unix:///run/containerd/containerd.sock"}


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def timed(fn, n, warm=20):
    for _ in range(min(warm, n)):
        fn()
    walls = []
    c0 = cpu()
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
    return {"median_ms": statistics.median(walls) * 1e3, "cpu_ms": (cpu() - c0) / n * 1e3, "n": n}


def worker(kind, engine, uri, inspect_name, log_name, n, n_lc, phase):
    """One client's measurements, printed as JSON."""
    res = {}
    if kind == "berth":
        import berth
        c = berth.Client(engine=engine, host=uri)
        ops = {
            "ping": c.ping,
            "list": lambda: c.containers.list(all=True),
            "inspect": lambda: c.containers.get(inspect_name).attrs,
        }
        seq = [0]

        def lifecycle():
            seq[0] += 1
            ct = c.containers.run(IMAGE, ["sleep", "3600"], name=f"bench-py{os.getppid()}-lc-b-{seq[0]}",
                                  labels={LABEL: "1"}, detach=True)
            ct.remove(force=True)

        def logs():
            total = 0
            with c.containers.get(log_name).logs(stream=True) as st:
                for chunk in st:
                    total += len(chunk)
            return total
    else:
        import docker
        c = docker.DockerClient(base_url=uri, version="1.41")
        ops = {
            "ping": c.ping,
            "list": lambda: c.containers.list(all=True, sparse=True),
            "inspect": lambda: c.containers.get(inspect_name).attrs,
        }
        seq = [0]

        def lifecycle():
            seq[0] += 1
            ct = c.containers.run(IMAGE, ["sleep", "3600"], name=f"bench-py{os.getppid()}-lc-d-{seq[0]}",
                                  labels={LABEL: "1"}, detach=True)
            ct.remove(force=True)

        api = c.api

        def logs():
            total = 0
            for chunk in api.logs(log_name, stdout=True, stderr=True, stream=True, follow=False):
                total += len(chunk)
            return total
    if phase == "empty":
        res["ping"] = timed(ops["ping"], n)
        res["list0"] = timed(ops["list"], n)
    else:
        res["list50"] = timed(ops["list"], max(n // 4, 20))
        res["inspect"] = timed(ops["inspect"], n)
        res["lifecycle"] = timed(lifecycle, n_lc, warm=1)
        res["logs"] = timed(logs, 3, warm=1)
        # VmHWM: ru_maxrss would carry the parent's peak across fork + exec
        with open("/proc/self/status") as f:
            res["rss_kib"] = next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
    print(json.dumps(res))


def run_worker(kind, engine, uri, inspect_name, log_name, n, n_lc, phase):
    p = subprocess.run([sys.executable, __file__, "--worker", kind, engine, uri, inspect_name, log_name,
                        str(n), str(n_lc), phase], capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write(f"{kind} on {engine} ({phase}) failed:\n{p.stderr[-2000:]}\n")
        return None
    return json.loads(p.stdout.strip().splitlines()[-1])


def merge(into, result):
    for op, cell in (result or {}).items():
        if isinstance(cell, dict):
            into.setdefault(op, []).append(cell)
        else:
            into[op] = max(into.get(op, 0), cell)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        k, e, u, i, l, n, nlc, ph = sys.argv[2:10]
        worker(k, e, u, i, l, int(n), int(nlc), ph)
        return
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--engines", default="docker,podman,containerd")
    ap.add_argument("--out")
    args = ap.parse_args()
    import berth
    try:
        import docker  # noqa: F401
        have_docker_py = True
    except ImportError:
        have_docker_py = False
    n = 200 if args.quick else 1000
    rounds = 1 if args.quick else 2
    n_lc = 3 if args.quick else 10
    log_mb = int(os.environ.get("LOG_MB", "2" if args.quick else "8"))
    lines = []
    raw = {}
    for engine in args.engines.split(","):
        uri = SOCKS[engine]
        try:
            c = berth.Client(engine=engine, host=uri)
            c.ping()
        except berth.Error as e:
            sys.stderr.write(f"{engine}: not available ({e})\n")
            continue
        made = []
        try:
            kinds = ["berth"] + (["docker-py"] if have_docker_py and engine != "containerd" else [])
            res = {k: {} for k in kinds}
            # ROUNDS rounds, the clients alternating, so that load from other
            # work falls on both; each cell is the mean of the rounds
            for _ in range(rounds):
                for k in kinds:
                    merge(res[k], run_worker(k, engine, uri, "-", "-", n, n_lc, "empty"))
            prefix = f"bench-py{os.getpid()}"
            for i in range(50):
                nm = f"{prefix}-{i:02d}"
                made.append(nm)
                c.containers.create(IMAGE, ["sleep", "3600"], name=nm, labels={LABEL: "1"})
            log_name = f"{prefix}-log"
            made.append(log_name)
            lg = c.containers.run(IMAGE, ["sh", "-c", f"yes 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde | head -c {log_mb << 20}"],
                                  name=log_name, labels={LABEL: "1"}, detach=True)
            lg.wait(timeout=120)
            for _ in range(rounds):
                for k in kinds:
                    merge(res[k], run_worker(k, engine, uri, made[0], log_name, n, n_lc, "full"))
            for k in kinds:
                for op, cell in res[k].items():
                    if isinstance(cell, list):
                        res[k][op] = {key: statistics.mean(c[key] for c in cell) for key in cell[0]}
            raw[engine] = res
        finally:
            for nm in made:
                try:
                    c.containers.get(nm).remove(force=True)
                except berth.Error:
                    pass
            for ct in c.containers.list(all=True, filters={"label": f"{LABEL}=1", "name": f"bench-py{os.getpid()}-lc"}):
                ct.remove(force=True)
            c.close()
    out = ["## Section 9 — Python in process: berth (cffi) vs docker-py", "",
           f"One worker process per client and round ({rounds} round(s), clients alternating; cells are "
           f"the means of the rounds' medians); N = {n} calls per row (list with 50: N/4; lifecycle: {n_lc}; "
           f"log read of {log_mb} MiB: 3), after untimed warm-up calls. podman-py: not packaged in Debian 12 "
           "(no PyPI here), so no column.", "",
           "| engine | op | berth wall ms | berth CPU ms | docker-py wall ms | docker-py CPU ms | CPU ratio docker-py/berth | wall ratio |",
           "|---|---|---:|---:|---:|---:|---:|---:|"]
    for engine, res in raw.items():
        for op in ("ping", "list0", "list50", "inspect", "lifecycle", "logs"):
            bb = res.get("berth", {}).get(op)
            dd = res.get("docker-py", {}).get(op)
            if not bb:
                continue
            cells = [f"{bb['median_ms']:.3f}", f"{bb['cpu_ms']:.3f}"]
            if dd:
                cells += [f"{dd['median_ms']:.3f}", f"{dd['cpu_ms']:.3f}",
                          f"{dd['cpu_ms'] / bb['cpu_ms']:.1f}x" if bb["cpu_ms"] > 0 else "-",
                          f"{dd['median_ms'] / bb['median_ms']:.2f}x"]
            else:
                cells += ["n/a"] * 4
            out.append(f"| {engine} | {op} | " + " | ".join(cells) + " |")
        rb = res.get("berth", {}).get("rss_kib")
        rd = res.get("docker-py", {}).get("rss_kib")
        out.append(f"| {engine} | peak RSS KiB | {rb} | | {rd or 'n/a'} | | | |")
    out.append("")
    out.append("Targets: berth's client CPU per call at least 5x below docker-py's for ping, list and inspect; "
               "a lifecycle no slower (wall) than docker-py's.")
    for engine, res in raw.items():
        if "docker-py" not in res:
            continue
        for op in ("ping", "list0", "list50", "inspect"):
            bb, dd = res["berth"].get(op), res["docker-py"].get(op)
            if bb and dd:
                ok = dd["cpu_ms"] >= 5 * bb["cpu_ms"]
                out.append(f"- {engine} {op}: {'met' if ok else 'missed'} ({dd['cpu_ms'] / max(bb['cpu_ms'], 1e-9):.1f}x CPU)")
        bb, dd = res["berth"].get("lifecycle"), res["docker-py"].get("lifecycle")
        if bb and dd:
            out.append(f"- {engine} lifecycle: {'met' if bb['median_ms'] <= dd['median_ms'] * 1.05 else 'missed'} "
                       f"({bb['median_ms']:.0f} ms vs {dd['median_ms']:.0f} ms)")
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if args.out:
        with open(os.path.join(args.out, "python.md"), "w") as f:
            f.write(text)
        with open(os.path.join(args.out, "python.json"), "w") as f:
            json.dump(raw, f, indent=1)


if __name__ == "__main__":
    main()
