#!/usr/bin/env python3
"""Count test results from meson's testlog.json files.

Every berth test prints TAP (cmocka in TAP mode, the shell and replay tests
by hand), so the count is per test case, not per binary. A binary that
failed or timed out without printing a failing case (a crash) counts as one
failure; one that skipped as a whole ("1..0 # SKIP", exit 77) as one skip.
Under CI a skip is a failure: every engine must be there.

Prints a line per test binary (and one for builds that failed, which
--build-failures=N counts as failures), then the closing line
    N passed, N failed, N skipped
and exits 1 when anything failed."""
import json
import os
import re
import sys

TAP = re.compile(r"^(not ok|ok)\b[^#]*(#\s*(SKIP|TODO)\b.*)?", re.IGNORECASE)
totals = {"passed": 0, "failed": 0, "skipped": 0}
ci = bool(os.environ.get("CI"))

args = sys.argv[1:]
if args and args[0].startswith("--build-failures="):
    # suites whose build failed ran no test: each counts as a failure
    totals["failed"] += int(args.pop(0).split("=", 1)[1])
    if totals["failed"]:
        print(f"  FAIL {totals['failed']} build(s) failed: their tests did not run")

def show_failure(out, err):
    """The failing cases with the diagnostic lines under them, and the tail
    of stderr, so that a CI record says why and not only how many."""
    shown = 0
    lines = out.splitlines()
    for i, l in enumerate(lines):
        if not l.startswith("not ok") or shown >= 8:
            continue
        shown += 1
        print(f"         {l[:200]}")
        for d in lines[i + 1:i + 7]:
            if not d.startswith("#"):
                break
            print(f"         {d[:200]}")
    tail = [l for l in err.splitlines() if l.strip()][-6:]
    for l in tail:
        print(f"         stderr: {l[:200]}")


for path in args:
    label = os.path.basename(os.path.dirname(os.path.dirname(path)))
    with open(path) as f:
        for line in f:
            t = json.loads(line)
            out = t.get("stdout") or ""
            p = f = s = 0
            for l in out.splitlines():
                m = TAP.match(l.strip())
                if not m:
                    continue
                if m.group(3) and m.group(3).upper() == "SKIP":
                    s += 1
                elif m.group(1) == "ok":
                    p += 1
                else:
                    f += 1
            result = t.get("result", "")
            if result in ("FAIL", "TIMEOUT", "ERROR", "UNEXPECTEDPASS") and f == 0:
                f += 1
            if result == "SKIP" and p + f + s == 0:
                s += 1
            if ci and s:
                f += s
                s = 0
            totals["passed"] += p
            totals["failed"] += f
            totals["skipped"] += s
            flag = "FAIL" if f else ("SKIP" if s else "ok")
            print(f"  {flag:4} {label}/{t['name']}: {p} passed, {f} failed, {s} skipped ({t.get('duration', 0):.1f} s)")
            if f:
                show_failure(out, t.get("stderr") or "")

print(f"{totals['passed']} passed, {totals['failed']} failed, {totals['skipped']} skipped")
sys.exit(1 if totals["failed"] else 0)
