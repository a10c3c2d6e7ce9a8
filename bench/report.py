#!/usr/bin/python3
"""Turn one bench/run.sh result directory into Markdown tables.

    report.py RESULTS_DIR        (prints the report; writes details.md beside it)

Reads meta.txt, cells.tsv, hf/*.json (hyperfine exports), inproc.tsv,
inproc-*.jsonl and lc50.tsv, all written by run.sh. Times are medians over every run of
every round of a cell; ratios divide by the floor's median of the same row.
"""
import glob
import json
import os
import statistics
import sys

OUT = sys.argv[1]

TOOL_HEAD = {
    "floor": "floor",
    "berth": "berth",
    "berth-H": "berth -H",
    "curl": "curl",
    "cli": "{cli} CLI",
    "docker-py": "docker-py",
    "dockerode": "dockerode",
}
PP_TOOLS = ["floor", "berth", "berth-H", "curl", "cli", "docker-py", "dockerode"]
LC_TOOLS = ["floor", "berth", "curl", "cli"]
ENGINE_TITLE = {"docker": "Docker", "podman": "Podman"}

TARGET_PP_RATIO = 1.5    # berth CLI vs the bare C floor, per process
TARGET_CLI_FACTOR = 4.0  # docker CLI time / berth time
TARGET_RSS_MIB = 3.0
TARGET_INPROC = 1.2
TARGET_LIFECYCLE = 1.05
TARGET_LC50_PEER = 1.0   # berth wall time / the fastest peer's, N lifecycles
TARGET_LC50_CPU = 5.0    # docker CLI CPU per lifecycle / berth's


def read_meta():
    meta = {}
    path = os.path.join(OUT, "meta.txt")
    if os.path.exists(path):
        for line in open(path):
            k, _, v = line.rstrip("\n").partition("\t")
            meta[k] = v
    return meta


META = read_meta()


def read_cells():
    """{(section, engine, op, tool): cell dict}"""
    cells = {}
    path = os.path.join(OUT, "cells.tsv")
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        f += [""] * (8 - len(f))
        sec, eng, op, tool, status, rss, cid, extra = f[:8]
        cell = {"status": status, "note": "" if status == "ok" else extra, "cmd": extra if status == "ok" else ""}
        if status == "ok":
            times, cpu = [], 0.0
            for jf in sorted(glob.glob(os.path.join(OUT, "hf", cid + "-r*.json"))):
                try:
                    r = json.load(open(jf))["results"][0]
                except (OSError, ValueError, KeyError, IndexError):
                    continue
                times += r["times"]
                cpu += (r["user"] + r["system"]) * len(r["times"])
            if times:
                cell["times"] = times
                cell["median"] = statistics.median(times)
                cell["cpu"] = cpu / len(times)
            else:
                cell["status"] = "fail"
                cell["note"] = "no timing (hyperfine failed)"
            if rss:
                cell["rss_kib"] = int(rss)
        cells[(sec, eng, op, tool)] = cell
    return cells


CELLS = read_cells()


def read_lc50():
    """{(engine, mode, tool): record} from lc50.tsv (section 4)."""
    recs = {}
    path = os.path.join(OUT, "lc50.tsv")
    if not os.path.exists(path):
        return recs
    for line in open(path):
        f = line.rstrip("\n").split("\t") + [""] * 10
        eng, mode, tool, status, n, par, wall, user, sys_, note = f[:10]
        rec = {"status": status, "note": note, "n": int(n or 0), "workers": par}
        if status == "ok":
            try:
                rec["wall"] = float(wall)
                rec["cpu"] = float(user) + float(sys_)
            except ValueError:
                rec["status"] = "fail"
                rec["note"] = "no timing"
        recs[(eng, mode, tool)] = rec
    return recs


LC50 = read_lc50()
ENGINES = [e for e in ("docker", "podman") if any(k[1] == e for k in CELLS) or any(k[0] == e for k in LC50)]
HAVE_PP = any(k[0] == "pp" for k in CELLS)
HAVE_LC = any(k[0] == "lc" for k in CELLS)


def fmt_ms(sec):
    ms = sec * 1000.0
    if ms >= 100:
        return "%.0f ms" % ms
    if ms >= 10:
        return "%.1f ms" % ms
    return "%.2f ms" % ms


def ratio_txt(r):
    return "×%.2f" % r if r < 10 else "×%.1f" % r if r < 100 else "×%.0f" % r


def cell_txt(cell, base, value_key, fmt):
    if cell is None:
        return "–"
    if cell["status"] == "na":
        return "n/a"
    if cell["status"] == "skipped":
        return "skipped"
    if cell["status"] != "ok" or value_key not in cell:
        return "FAIL"
    v = cell[value_key]
    txt = fmt(v)
    if base:
        txt += " (%s)" % ratio_txt(v / base)
    return txt


def op_label(engine, op):
    if op == "ping":
        return "ping"
    if op == "ps0":
        n = META.get("containers_before_" + engine, "?")
        return "ps -a, no bench containers (%s in engine)" % n
    if op == "ps50":
        n = META.get("nps", "50")
        state = "running" if META.get("ps_started") == "1" else "created"
        total = META.get("containers_during_" + engine, "?")
        return "ps -a, %s %s containers (%s in engine)" % (n, state, total)
    if op == "inspect":
        return "inspect NAME"
    if op == "version":
        return "version"
    return op


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    for r in rows:
        out.append("| " + " | ".join(r) + " |")
    return "\n".join(out)


def cell(sec, eng, op, tool):
    return CELLS.get((sec, eng, op, tool))


def median_of(sec, eng, op, tool, key="median"):
    c = cell(sec, eng, op, tool)
    if c and c["status"] == "ok" and key in c:
        return c[key]
    return None


lines = []
p = lines.append


def section(on):
    """Print the next section only when it was measured (--lifecycles-only)."""
    global p
    p = lines.append if on else (lambda s: None)


p("# berth benchmark, run %s (%s)" % (META.get("run_id", "?"), META.get("mode", "?")))
p("")
p("Machine: %s; load average %s at the start, %s at the end; %s s in all." % (
    META.get("host", "?"), META.get("load_start", "?"), META.get("load_end", "?"), META.get("seconds", "?")))
p("")
p("Clients: %s; %s; %s; %s; %s; %s; %s." % (
    META.get("berth", "berth ?"), META.get("docker_cli", "?"), META.get("podman_cli", "?"), META.get("curl", "?"),
    META.get("docker_py") or "docker-py: not installed", META.get("dockerode") or "dockerode: not installed",
    META.get("hyperfine", "?")))
for e in ENGINES:
    p("%s server: %s." % (ENGINE_TITLE[e], META.get("server_" + e, "?")))
p("")

section(HAVE_PP)
# ---- 1. per process -------------------------------------------------------------
p("## 1. One process per call (median wall time; ratio to the floor)")
p("")
p("`berth` finds the engine itself (discovery%s); `berth -H` is given the socket. "
  "docker-py pins API 1.41; %s round(s), ~%s s of runs per cell." % (
      ", `-E podman` for Podman", META.get("rounds", "?"), META.get("cell_budget", "?")))
p("")
PP_OPS = ["ping", "ps0", "ps50", "inspect", "version"]
for e in ENGINES:
    cli = "docker" if e == "docker" else "podman"
    header = ["operation"] + [TOOL_HEAD[t].format(cli=cli) for t in PP_TOOLS]
    rows = []
    for op in PP_OPS:
        if not any(cell("pp", e, op, t) for t in PP_TOOLS):
            continue
        base = median_of("pp", e, op, "floor")
        row = [op_label(e, op)]
        for t in PP_TOOLS:
            c = cell("pp", e, op, t)
            row.append(cell_txt(c, None if t == "floor" else base, "median", fmt_ms))
        rows.append(row)
    p("### %s" % ENGINE_TITLE[e])
    p("")
    p(table(header, rows))
    p("")

p("n/a: neither the docker nor the podman CLI has a ping command. "
  "skipped: --quick leaves out rows whose floor alone is slow (engine-bound).")
p("")

p("### Client CPU time (user + system of the client process, mean; ratio to the floor)")
p("")
p("Less disturbed by other work on the machine than wall time, and blind to the engine's own time: "
  "what the client itself burns.")
p("")
for e in ENGINES:
    cli = "docker" if e == "docker" else "podman"
    header = ["operation"] + [TOOL_HEAD[t].format(cli=cli) for t in PP_TOOLS]
    rows = []
    for op in PP_OPS:
        if not any(cell("pp", e, op, t) for t in PP_TOOLS):
            continue
        base = median_of("pp", e, op, "floor", "cpu")
        row = [op_label(e, op)]
        for t in PP_TOOLS:
            row.append(cell_txt(cell("pp", e, op, t), None if t == "floor" else base, "cpu", fmt_ms))
        rows.append(row)
    p("#### %s" % ENGINE_TITLE[e])
    p("")
    p(table(header, rows))
    p("")

# ---- memory ----------------------------------------------------------------------
p("## Peak memory of one process (maximum resident set size; ratio to the floor)")
p("")
for e in ENGINES:
    cli = "docker" if e == "docker" else "podman"
    header = ["operation"] + [TOOL_HEAD[t].format(cli=cli) for t in PP_TOOLS]
    rows = []
    for op in PP_OPS:
        if not any(cell("pp", e, op, t) for t in PP_TOOLS):
            continue
        base = (cell("pp", e, op, "floor") or {}).get("rss_kib")
        row = [op_label(e, op)]
        for t in PP_TOOLS:
            c = cell("pp", e, op, t)
            if c and c["status"] in ("ok", "fail") and "rss_kib" in c:
                c = dict(c, status="ok")
            row.append(cell_txt(c, None if t == "floor" else base, "rss_kib", lambda k: "%.1f MiB" % (k / 1024.0)))
        rows.append(row)
    p("### %s" % ENGINE_TITLE[e])
    p("")
    p(table(header, rows))
    p("")

# ---- 2. in process ---------------------------------------------------------------
INPROC = {}
ipath = os.path.join(OUT, "inproc.tsv")
if os.path.exists(ipath):
    for line in open(ipath):
        f = line.rstrip("\n").split("\t") + [""] * 5
        eng, op, status, path, note = f[:5]
        rec = {"status": status, "note": note}
        if status == "ok":
            by = {"floor": [], "berth": []}
            for l in open(path):
                try:
                    j = json.loads(l)
                except ValueError:
                    continue
                by.setdefault(j["impl"], []).append(j)
            rec["by"] = by
        INPROC[(eng, op)] = rec

section(bool(INPROC))
IN_OPS = [("ping", "ping"), ("list0", "list all, no bench containers"), ("list50", "list all, 50 bench containers"),
          ("inspect", "inspect"), ("version", "version")]


def inproc_stat(rec, impl, key):
    runs = [r for r in rec.get("by", {}).get(impl) or [] if key in r]
    if not runs:
        return None
    return statistics.median(r[key] for r in runs)


p("## 2. In process: many calls on one kept-alive connection (µs per call)")
p("")
p("berth: one `berth_client` (opened before the clock starts), each call parses the reply into berth's records "
  "and frees them. floor: the same raw GET on one socket, framing parsed, body not. Median of the per-call "
  "latencies, the mean (total time / calls) and the client's own CPU time per call (user + system, getrusage); "
  "each the median over the repetitions.")
p("")
for e in ENGINES:
    rows = []
    for op, label in IN_OPS:
        rec = INPROC.get((e, op))
        if not rec:
            continue
        if rec["status"] != "ok":
            rows.append([label, "", rec["status"] + (": " + rec["note"] if rec["note"] else "")] + [""] * 8)
            continue
        fm, bm = inproc_stat(rec, "floor", "median_us"), inproc_stat(rec, "berth", "median_us")
        fa, ba = inproc_stat(rec, "floor", "mean_us"), inproc_stat(rec, "berth", "mean_us")
        fc, bc = inproc_stat(rec, "floor", "cpu_us"), inproc_stat(rec, "berth", "cpu_us")
        calls = (rec["by"].get("floor") or rec["by"].get("berth") or [{}])[0].get("calls", "?")
        reps = len(rec["by"].get("berth") or [])

        def us(v):
            return "FAIL" if v is None else ("%.0f" % v if v >= 100 else "%.1f" % v)

        def rt(a, b):
            return ratio_txt(b / a) if a and b else "–"
        rows.append([label, "%s × %d" % (calls, reps), us(fm), us(bm), rt(fm, bm), us(fa), us(ba), rt(fa, ba),
                     us(fc) if fc else "–", us(bc) if bc else "–", rt(fc, bc)])
    p("### %s" % ENGINE_TITLE[e])
    p("")
    p(table(["operation", "calls × reps", "floor median", "berth median", "ratio", "floor mean",
             "berth mean", "ratio", "floor CPU", "berth CPU", "ratio"], rows))
    p("")

section(HAVE_LC)
# ---- 3. lifecycle ----------------------------------------------------------------
p("## 3. One container lifecycle: create + start + remove -f (median; ratio to the floor)")
p("")
p("floor: three raw requests in one process; berth: `berth run -d` then `berth rm -f`; curl: three curl "
  "processes; CLI: `run -d` then `rm -f`. %s runs each, after one untimed run." % META.get("lc_runs", "?"))
p("")
rows = []
for e in ENGINES:
    if not any(cell("lc", e, "lifecycle", t) for t in LC_TOOLS):
        continue
    base = median_of("lc", e, "lifecycle", "floor")
    row = [ENGINE_TITLE[e]]
    for t in LC_TOOLS:
        row.append(cell_txt(cell("lc", e, "lifecycle", t), None if t == "floor" else base, "median", fmt_ms))
    rows.append(row)
p(table(["engine", "floor", "berth", "curl", "engine CLI (docker / podman)"], rows))
p("")

section(bool(LC50))
# ---- 4. N lifecycles --------------------------------------------------------------
LC50_ROWS = [("seq", "CLI, sequential (xargs -P 1)"), ("par", "CLI, %s workers (xargs -P %s)"),
             ("lib1", "library, 1 thread"), ("libP", "library, %s threads, one client")]
LC50_PEER_ROW = {"seq": "seq", "par": "par", "lib1": "seq", "libP": "par"}
LC50_TOOLS = ["berth", "cli", "curl"]


def lc50_rec(e, mode, tool):
    r = LC50.get((e, mode, tool))
    return r if r and r["status"] == "ok" else None


def lc50_cpu_ms(e, mode, tool):
    """Client CPU per lifecycle in ms: the clients' user + sys minus that of the
    empty loop of the same shape (CLIs); the process's own (library)."""
    r = lc50_rec(e, mode, tool)
    if not r or not r["n"]:
        return None
    if mode in ("lib1", "libP"):
        return r["cpu"] * 1000.0 / r["n"]
    b = lc50_rec(e, mode, "base3" if tool == "curl" else "base2")
    if not b:
        return None
    return max(0.0, r["cpu"] - b["cpu"]) * 1000.0 / r["n"]


def lc50_fastest_peer(e, mode):
    walls = [r["wall"] for t in ("cli", "curl") for r in [lc50_rec(e, LC50_PEER_ROW[mode], t)] if r]
    return min(walls) if walls else None


if LC50:
    n = META.get("lc50_n", "50")
    w = META.get("lc50_workers", "8")
    p("## 4. %s lifecycles: sequential and with %s workers (wall seconds; ratio to the fastest peer; "
      "client CPU per lifecycle)" % (n, w))
    p("")
    p("A lifecycle: create + start a `sleep 3600` container, then remove it by force. berth: `berth run -d` + "
      "`berth rm -f` (discovery in each process); CLI: `run -d` + `rm -f`; curl: three `curl` processes "
      "(create, start, DELETE ?force=1). CLI rows: the %s lifecycles as %s lines through `xargs -P 1` or "
      "`xargs -P %s`, one `sh -c` each. Library rows: `bench/lifecycle_threads` with one `berth_client` shared "
      "by the threads; their ratio is to the fastest peer of the CLI row of the same concurrency. CPU: user + "
      "sys of the client processes minus that of the same loop running `/bin/true` instead (so neither xargs, "
      "sh nor a bare fork+exec counts); library: the process's own. One run per cell." % (n, n, w))
    p("")
    for e in ENGINES:
        if not any(k[0] == e for k in LC50):
            continue
        cli = "docker" if e == "docker" else "podman"
        rows = []
        for mode, label in LC50_ROWS:
            if not any((e, mode, t) in LC50 for t in LC50_TOOLS):
                continue
            fastest = lc50_fastest_peer(e, mode)
            row = [label.replace("%s", w)]
            for t in LC50_TOOLS:
                rec = LC50.get((e, mode, t))
                if rec is None:
                    row.append("n/a")
                    continue
                if rec["status"] != "ok":
                    row.append("FAIL")
                    continue
                txt = "%.2f s" % rec["wall"]
                if fastest:
                    txt += " (%s)" % ratio_txt(rec["wall"] / fastest)
                c = lc50_cpu_ms(e, mode, t)
                txt += ", %s CPU" % ("%.1f ms" % c if c is not None else "?")
                row.append(txt)
            rows.append(row)
        p("### %s" % ENGINE_TITLE[e])
        p("")
        p(table(["%s lifecycles" % n, "berth", "%s CLI" % cli, "curl"], rows))
        p("")
        base = []
        for mode in ("seq", "par"):
            for t, k in (("base2", 2), ("base3", 3)):
                r = lc50_rec(e, mode, t)
                if r and r["n"]:
                    base.append("%d processes %s %.1f ms" % (k, "sequential" if mode == "seq" else "with %s workers" % w,
                                                              r["cpu"] * 1000.0 / r["n"]))
        if base:
            p("Subtracted (the `/bin/true` loop's CPU per lifecycle): %s." % "; ".join(base))
            p("")
        samples = META.get("lc50_load_samples_" + e, "").split()
        try:
            vals = [float(x) for x in samples]
        except ValueError:
            vals = []
        p("Load average (1 min) during these rows: %s at the start, %s at the end%s." % (
            META.get("lc50_load_start_" + e, "?").split(" ")[0], META.get("lc50_load_end_" + e, "?").split(" ")[0],
            "; sampled every 5 s: min %.2f, mean %.2f, max %.2f" % (min(vals), sum(vals) / len(vals), max(vals))
            if vals else ""))
        p("")
    bad = [(k, r) for k, r in sorted(LC50.items()) if r["status"] != "ok"]
    if bad:
        p("Failed: " + "; ".join("%s %s %s: %s" % (k[0], k[1], k[2], r["note"] or "failed") for k, r in bad))
        p("")

# ---- 5. event latency ---------------------------------------------------------------
TARGET_EVENT_US = 1000   # berth's subscriber vs curl's, median of the paired differences


def read_events():
    """{engine: {"curl": (n, median_us, p90_us, diff_us), ..., "rss": kib}}"""
    ev = {}
    path = os.path.join(OUT, "events.tsv")
    if os.path.exists(path):
        for line in open(path):
            f = line.rstrip("\n").split("\t")
            if len(f) == 3 and f[1] == "rss":
                ev.setdefault(f[0], {})["rss"] = int(f[2])
            elif len(f) == 6:
                ev.setdefault(f[0], {})[f[1]] = tuple(int(x) for x in f[2:])
    return ev


EVENTS = read_events()
if EVENTS:
    p("## 5. Event latency: a container killed through the API until its `die` reaches the subscriber")
    p("")
    p("Each engine: %s containers killed one at a time (SIGKILL, 150 ms apart); three subscribers with the "
      "same label filter: `curl -sN --unix-socket` on /events and `berth events --format json` (both processes "
      "whose stdout lines bench/event_latency reads), and libberth in that process. Latency: from the start of "
      "the kill call to the line's arrival (median, p90); the last column is the median of the per-event "
      "differences to curl. The machine is shared and loaded: the absolute times are mostly the engine's." %
      META.get("ev_n", "N"))
    p("")
    if "containerd" in EVENTS:
        p("containerd: the same method with `ctr -n default events` as the peer (its `/tasks/exit` line) and "
          "`berth -E containerd events --format json`; the last column is then the difference to ctr.")
        p("")
    rows = []
    for e in ENGINES + (["containerd"] if "containerd" in EVENTS else []):
        rec = EVENTS.get(e, {})
        title = ENGINE_TITLE.get(e, e)
        for sub, head in (("curl", "curl"), ("ctr", "ctr events"), ("berth_cli", "berth events"),
                          ("libberth", "libberth")):
            if sub in rec:
                n, med, p90, diff = rec[sub]
                rows.append([title, head, str(n), "%.1f ms" % (med / 1000.0), "%.1f ms" % (p90 / 1000.0),
                             "–" if sub in ("curl", "ctr") else "%+.3f ms" % (diff / 1000.0)])
        if "rss" in rec:
            rows.append([title, "berth events peak RSS", "", "%.2f MiB" % (rec["rss"] / 1024.0), "", ""])
    p(table(["engine", "subscriber", "events", "median", "p90", "vs curl (ctr)"], rows))
    p("")

section(True)

# ---- log read throughput (section 5) ----------------------------------------------
LOGS_TOOLS = ["floor", "berth", "curl", "cli", "docker-py"]
TARGET_LOGS_WALL = 1.05
TARGET_LOGS_CPU = 1.2
TARGET_LOGS_RSS_MIB = 4.0


def read_logs():
    """{(engine, shape): {tool: [records]}} from logs.tsv."""
    out = {}
    path = os.path.join(OUT, "logs.tsv")
    if not os.path.exists(path):
        return out
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        f += [""] * (10 - len(f))
        eng, shape, mb, tool, st, wall, user, sys_, rss, note = f[:10]
        rec = {"mb": mb, "status": st, "note": note}
        if st == "ok":
            rec.update(wall=float(wall), cpu=float(user) + float(sys_), rss_kib=int(rss))
        out.setdefault((eng, shape), {}).setdefault(tool, []).append(rec)
    return out


LOGS = read_logs()


def logs_stat(eng, shape, tool):
    recs = [r for r in LOGS.get((eng, shape), {}).get(tool, []) if r["status"] == "ok"]
    if not recs:
        return None
    return {"wall": statistics.median([r["wall"] for r in recs]), "cpu": statistics.median([r["cpu"] for r in recs]),
            "rss": max(r["rss_kib"] for r in recs) / 1024.0, "runs": len(recs), "mb": recs[0]["mb"]}


if LOGS:
    p("## 6. Log read throughput")
    p("")
    p("Each client reads a container's whole stored log (no follow) to /dev/null: median wall and client CPU "
      "(user + sys) over the rounds, peak RSS the largest seen; ratios divide by the bare C reader's "
      "(`floor_logs`: one socket, 64 KiB reads, no parsing). The engine bounds the wall time; the CPU ratio "
      "is what the client itself costs, and load from other work disturbs it much less.")
    p("")
    for (eng, shape) in sorted(LOGS):
        fl = logs_stat(eng, shape, "floor")
        rows = []
        for tool in LOGS_TOOLS:
            st = logs_stat(eng, shape, tool)
            if not st:
                recs = LOGS[(eng, shape)].get(tool)
                if recs:
                    rows.append([TOOL_HEAD[tool].format(cli=eng), "failed: " + (recs[0]["note"] or "?"), "", "", "", "", ""])
                continue
            mbs = float(st["mb"]) * 1.048576 / st["wall"] if st["wall"] else 0
            rows.append([TOOL_HEAD[tool].format(cli=eng), "%.2f s" % st["wall"], "%.0f MB/s" % mbs,
                         "%.2f s" % st["cpu"], "%.1f MiB" % st["rss"],
                         ratio_txt(st["wall"] / fl["wall"]) if fl else "–",
                         ratio_txt(st["cpu"] / fl["cpu"]) if fl and fl["cpu"] else "–"])
        mb = fl["mb"] if fl else "?"
        p("### %s, %s MB of %s" % (ENGINE_TITLE.get(eng, eng), mb,
                                   "short lines (41 bytes)" if shape == "short" else "16 KiB lines"))
        p("")
        p(table(["client", "wall", "rate", "CPU", "peak RSS", "wall / floor", "CPU / floor"], rows))
        p("")

# ---- pull (section 7) ---------------------------------------------------------------
PULL_TOOLS = ["berth", "cli", "skopeo"]
PULL_CLI = {"docker": "docker pull", "podman": "podman pull", "containerd": "ctr images pull"}
TARGET_PULL_WALL = 1.05       # berth on Docker/Podman vs the engine's CLI
TARGET_PULL_RSS_MIB = 4.0
TARGET_PULL_CTRD_RSS_MIB = 16.0  # berth's own registry client on containerd


def read_pull():
    """{engine: {tool: [records]}} from pull.tsv."""
    out = {}
    path = os.path.join(OUT, "pull.tsv")
    if not os.path.exists(path):
        return out
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        f += [""] * (9 - len(f))
        eng, tool, rnd, st, wall, user, sys_, rss, note = f[:9]
        rec = {"status": st, "note": note}
        if st == "ok":
            rec.update(wall=float(wall), cpu=float(user) + float(sys_), rss_kib=int(rss))
        out.setdefault(eng, {}).setdefault(tool, []).append(rec)
    return out


PULLS = read_pull()


def pull_stat(eng, tool):
    recs = [r for r in PULLS.get(eng, {}).get(tool, []) if r["status"] == "ok"]
    if not recs:
        return None
    return {"wall": statistics.median([r["wall"] for r in recs]), "cpu": statistics.median([r["cpu"] for r in recs]),
            "rss": max(r["rss_kib"] for r in recs) / 1024.0, "runs": len(recs)}


if PULLS:
    p("## 7. Pull from the local registry into a cold store")
    p("")
    p("`%s` (Debian bookworm with Redis, three layers, ~180 MB unpacked) from the plain-HTTP test registry; "
      "the image is removed before every pull. Median wall and client CPU (user + sys of the client process "
      "only: the engine does the work) over %s round(s), peak RSS the largest seen; ratios divide by the "
      "engine's own CLI. skopeo copies to a local directory: the floor of a client-side pull (no store, no "
      "unpack). %s; %s." % (META.get("pull_ref", "?"), META.get("pull_rounds", "?"), META.get("skopeo", "skopeo ?"),
                              META.get("ctr", "ctr ?")))
    p("")
    for eng in [e for e in ("docker", "podman", "containerd") if e in PULLS]:
        cli = pull_stat(eng, "cli")
        rows = []
        for tool in PULL_TOOLS:
            recs = PULLS[eng].get(tool)
            if not recs:
                continue
            name = {"berth": "berth", "cli": PULL_CLI[eng], "skopeo": "skopeo copy (dir:)"}[tool]
            st = pull_stat(eng, tool)
            if not st:
                bad = recs[0]
                what = "unsupported" if bad["status"] == "unsupported" else "failed"
                rows.append([name, "%s: %s" % (what, bad["note"] or "?"), "", "", "", ""])
                continue
            # /usr/bin/time counts CPU in hundredths of a second
            cpu_txt, cpu_ratio = "%.2f s" % st["cpu"], "–"
            if cli and cli["cpu"]:
                cpu_ratio = ratio_txt(st["cpu"] / cli["cpu"])
            if st["cpu"] == 0:
                cpu_txt = "< 0.01 s"
                if cli and cli["cpu"]:
                    cpu_ratio = "< " + ratio_txt(0.01 / cli["cpu"])
            rows.append([name, "%.2f s" % st["wall"], cpu_txt, "%.1f MiB" % st["rss"],
                         ratio_txt(st["wall"] / cli["wall"]) if cli else "–", cpu_ratio])
        p("### %s" % ENGINE_TITLE.get(eng, eng))
        p("")
        p(table(["client", "wall", "client CPU", "peak RSS", "wall / CLI", "CPU / CLI"], rows))
        p("")

# ---- targets ---------------------------------------------------------------------
p("## Targets")
p("")


def verdict(ok):
    return "met" if ok else "**missed**"


trows = []
for e in ENGINES:
    E = ENGINE_TITLE[e]
    for op in ("ping", "ps0", "ps50", "inspect"):
        f = median_of("pp", e, op, "floor")
        for tool in ("berth", "berth-H"):
            b = median_of("pp", e, op, tool)
            fc = median_of("pp", e, op, "floor", "cpu")
            bc = median_of("pp", e, op, tool, "cpu")
            if f and b:
                trows.append([E, "%s: `%s` ≤ %.2g× floor" % (op, TOOL_HEAD[tool], TARGET_PP_RATIO),
                              ratio_txt(b / f), verdict(b / f <= TARGET_PP_RATIO),
                              ratio_txt(bc / fc) if fc and bc else "–"])
    for op in ("ps0", "ps50", "inspect"):
        b = median_of("pp", e, op, "berth")
        c = median_of("pp", e, op, "cli")
        if b and c:
            cc = median_of("pp", e, op, "cli", "cpu")
            bc = median_of("pp", e, op, "berth", "cpu")
            trows.append([E, "%s: %s CLI ≥ %.0f× slower than berth" % (op, e, TARGET_CLI_FACTOR),
                          "%.1f×" % (c / b), verdict(c / b >= TARGET_CLI_FACTOR),
                          "%.1f×" % (cc / bc) if cc and bc else "–"])
    rss = [c.get("rss_kib") for k, c in CELLS.items() if k[0] == "pp" and k[1] == e and k[3] in ("berth", "berth-H")
           and c.get("rss_kib")]
    if rss:
        m = max(rss) / 1024.0
        trows.append([E, "berth CLI peak RSS < %.0f MiB (worst row)" % TARGET_RSS_MIB, "%.2f MiB" % m,
                      verdict(m < TARGET_RSS_MIB), ""])
    for op, label in IN_OPS:
        rec = INPROC.get((e, op))
        if rec and rec["status"] == "ok":
            fm, bm = inproc_stat(rec, "floor", "median_us"), inproc_stat(rec, "berth", "median_us")
            fc, bc = inproc_stat(rec, "floor", "cpu_us"), inproc_stat(rec, "berth", "cpu_us")
            if fm and bm:
                trows.append([E, "in-process %s ≤ %.2g× kept-alive floor" % (op, TARGET_INPROC),
                              ratio_txt(bm / fm), verdict(bm / fm <= TARGET_INPROC),
                              ratio_txt(bc / fc) if fc and bc else "–"])
    f = median_of("lc", e, "lifecycle", "floor")
    b = median_of("lc", e, "lifecycle", "berth")
    if f and b:
        trows.append([E, "lifecycle ≤ %.3g× floor" % TARGET_LIFECYCLE, ratio_txt(b / f),
                      verdict(b / f <= TARGET_LIFECYCLE), ""])
for e in ENGINES:
    E = ENGINE_TITLE[e]
    for mode, label in LC50_ROWS:
        b = lc50_rec(e, mode, "berth")
        f = lc50_fastest_peer(e, mode)
        if b and f:
            trows.append([E, "%s lifecycles, %s: berth ≤ fastest peer" % (
                META.get("lc50_n", "50"), label.replace("%s", META.get("lc50_workers", "8"))),
                ratio_txt(b["wall"] / f), verdict(b["wall"] / f <= TARGET_LC50_PEER), ""])
    for mode in ("seq", "par"):
        bc, cc = lc50_cpu_ms(e, mode, "berth"), lc50_cpu_ms(e, mode, "cli")
        if bc is not None and cc:
            trows.append([E, "lifecycle CPU, %s: berth ≤ 1/%.0f of the %s CLI's" % (
                "sequential" if mode == "seq" else "%s workers" % META.get("lc50_workers", "8"), TARGET_LC50_CPU, e),
                "%.1f ms vs %.1f ms (1/%.1f)" % (bc, cc, cc / bc if bc else float("inf")),
                verdict(bc * TARGET_LC50_CPU <= cc), ""])
for e in ENGINES + (["containerd"] if "containerd" in EVENTS else []):
    rec = EVENTS.get(e, {})
    for sub, head in (("berth_cli", "berth events"), ("libberth", "libberth")):
        if sub in rec and rec[sub][3] != -1:
            d = rec[sub][3]
            trows.append([ENGINE_TITLE.get(e, e), "event: %s within %.0f ms of %s" % (
                head, TARGET_EVENT_US / 1000.0, "ctr" if e == "containerd" else "curl"),
                          "%+.3f ms" % (d / 1000.0), verdict(d <= TARGET_EVENT_US), ""])
for (eng, shape) in sorted(LOGS):
    fl, b = logs_stat(eng, shape, "floor"), logs_stat(eng, shape, "berth")
    if fl and b:
        what = "short lines" if shape == "short" else "16 KiB lines"
        E = ENGINE_TITLE.get(eng, eng)
        trows.append([E, "logs, %s: berth ≤ %.3g× the bare reader" % (what, TARGET_LOGS_WALL),
                      ratio_txt(b["wall"] / fl["wall"]), verdict(b["wall"] / fl["wall"] <= TARGET_LOGS_WALL),
                      ratio_txt(b["cpu"] / fl["cpu"]) if fl["cpu"] else "–"])
        if fl["cpu"]:
            trows.append([E, "logs, %s: berth CPU ≤ %.2g× the bare reader's" % (what, TARGET_LOGS_CPU),
                          ratio_txt(b["cpu"] / fl["cpu"]), verdict(b["cpu"] / fl["cpu"] <= TARGET_LOGS_CPU), ""])
        trows.append([E, "logs, %s: berth peak RSS < %.0f MiB" % (what, TARGET_LOGS_RSS_MIB), "%.2f MiB" % b["rss"],
                      verdict(b["rss"] < TARGET_LOGS_RSS_MIB), ""])
for eng in [e for e in ("docker", "podman", "containerd") if e in PULLS]:
    b, c = pull_stat(eng, "berth"), pull_stat(eng, "cli")
    E = ENGINE_TITLE.get(eng, eng)
    if b and c:
        want = 1.0 if eng == "containerd" else TARGET_PULL_WALL
        trows.append([E, "pull: berth ≤ %.3g× `%s`" % (want, PULL_CLI[eng]), ratio_txt(b["wall"] / c["wall"]),
                      verdict(b["wall"] / c["wall"] <= want),
                      ratio_txt(max(b["cpu"], 0.01) / c["cpu"]) if c["cpu"] else "–"])
    if b:
        lim = TARGET_PULL_CTRD_RSS_MIB if eng == "containerd" else TARGET_PULL_RSS_MIB
        trows.append([E, "pull: berth peak RSS < %.0f MiB" % lim, "%.2f MiB" % b["rss"], verdict(b["rss"] < lim), ""])
    elif PULLS[eng].get("berth"):
        st = PULLS[eng]["berth"][0]["status"]
        trows.append([E, "pull: berth", st, "not measured", ""])
p("Verdicts use the median wall time, as the targets do; the last column gives the same ratio in client CPU "
  "time, which load from other work on the machine disturbs much less.")
p("")
p(table(["engine", "target", "measured (wall)", "verdict", "CPU-time ratio"], trows))
p("")

# ---- containerd: berth vs ctr ----------------------------------------------------
TARGET_CTR_RATIO = 4.0   # berth at least 4x faster than ctr per process
if any(k[1] == "containerd" for k in CELLS):
    p("## containerd: berth vs `ctr`, one process per call (median wall; peak RSS)")
    p("")
    p("containerd %s; %s container(s) in the default namespace during the list row. Target: berth at least "
      "%.0f× faster than ctr." % (META.get("server_containerd", "?"), META.get("containers_containerd", "?"),
                                  TARGET_CTR_RATIO))
    p("")
    rows = []
    for op, label in (("version", "version"), ("ps0", "list containers")):
        b, c = cell("pp", "containerd", op, "berth"), cell("pp", "containerd", op, "ctr")
        if not b or not c or "median" not in b or "median" not in c:
            rows.append([label, (b or {}).get("note", "n/a"), (c or {}).get("note", "n/a"), "", "", "", ""])
            continue
        speed = c["median"] / b["median"]
        rows.append([label, fmt_ms(b["median"]), fmt_ms(c["median"]), "%.1f×" % speed,
                     "%.1f MiB" % (b.get("rss_kib", 0) / 1024.0), "%.1f MiB" % (c.get("rss_kib", 0) / 1024.0),
                     "met" if speed >= TARGET_CTR_RATIO else "MISSED"])
    p(table(["operation", "berth", "ctr", "ctr / berth", "berth RSS", "ctr RSS", "≥ %.0f×" % TARGET_CTR_RATIO], rows))
    p("")

fails = [(k, c) for k, c in sorted(CELLS.items()) if c["status"] == "fail"]
if fails:
    p("Failed cells:")
    for k, c in fails:
        p("- %s %s %s: %s" % (k[1], k[2], k[3], c["note"] or "failed"))
    p("")

print("\n".join(lines))

# ---- details (file only) ---------------------------------------------------------
d = ["# Details of run %s" % META.get("run_id", "?"), "",
     "| section | engine | op | client | runs | median | mean | stddev | min | max | CPU | peak RSS | command |",
     "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
for k, c in sorted(CELLS.items()):
    if c["status"] != "ok":
        d.append("| %s | %s | %s | %s | %s | | | | | | | | %s |" % (k + (c["status"], c["note"])))
        continue
    t = c["times"]
    d.append("| %s | %s | %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | `%s` |" % (
        k[0], k[1], k[2], k[3], len(t), fmt_ms(statistics.median(t)), fmt_ms(statistics.mean(t)),
        fmt_ms(statistics.pstdev(t)), fmt_ms(min(t)), fmt_ms(max(t)), fmt_ms(c["cpu"]),
        "%.1f MiB" % (c["rss_kib"] / 1024.0) if c.get("rss_kib") else "", c["cmd"].replace("|", "\\|")))
with open(os.path.join(OUT, "details.md"), "w") as fh:
    fh.write("\n".join(d) + "\n")
