#!/usr/bin/env bash
# bench/containerd_lifecycle.sh - one full container lifecycle on containerd:
# berth (run -d + kill + rm -f: three processes) against ctr's chain (run -d,
# task kill, task delete, container delete: four processes), median wall
# time with hyperfine and each tool's peak resident memory for the run -d
# step with /usr/bin/time -v. Prints a Markdown table. Like for like, berth
# runs with --network none (ctr run gives the task a network namespace
# without CNI); a second berth row shows the default bridge network (the CNI
# plugins' ADD and DEL). Run by bench/run.sh
# when containerd answers; on its own: bench/containerd_lifecycle.sh [RUNS].
#
# Creates only containers named bench-ctrd-<pid>-* labelled io.berth.bench=1
# in the namespace $CONTAINERD_NAMESPACE (default "default"), and removes them.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
RUNS=${1:-20}
NS=${CONTAINERD_NAMESPACE:-default}
IMAGE=localhost/berth-test/busybox:latest
BERTH=${BERTH:-$ROOT/build/src/berth}
export BERTH_LOGGER=${BERTH_LOGGER:-$ROOT/build/src/berth-logger}
TMP=$(mktemp -d /tmp/berth-bench-ctrd-XXXXXX)
ID=bench-ctrd-$$
trap 'ctr -n "$NS" t kill -s SIGKILL $ID-ctr >/dev/null 2>&1; ctr -n "$NS" t rm -f $ID-ctr >/dev/null 2>&1;
      ctr -n "$NS" c rm $ID-ctr >/dev/null 2>&1; "$BERTH" -E containerd rm -f $ID-berth >/dev/null 2>&1; rm -rf "$TMP"' EXIT

command -v hyperfine >/dev/null || { echo "containerd_lifecycle.sh: hyperfine is missing" >&2; exit 1; }
command -v ctr >/dev/null || { echo "containerd_lifecycle.sh: ctr is missing" >&2; exit 1; }
"$BERTH" -E containerd ping >/dev/null 2>&1 || { echo "containerd_lifecycle.sh: containerd does not answer" >&2; exit 1; }

B="$BERTH -E containerd"
berth_cmd="$B run -d --network none --name $ID-berth -l io.berth.bench=1 $IMAGE sleep 3600 >/dev/null && $B kill $ID-berth && $B rm -f $ID-berth >/dev/null"
bridge_cmd="$B run -d --name $ID-berth -l io.berth.bench=1 $IMAGE sleep 3600 >/dev/null && $B kill $ID-berth && $B rm -f $ID-berth >/dev/null"
ctr_cmd="ctr -n $NS run -d --null-io --label io.berth.bench=1 $IMAGE $ID-ctr sleep 3600 >/dev/null && ctr -n $NS t kill -s SIGKILL $ID-ctr && ctr -n $NS t rm -f $ID-ctr >/dev/null && ctr -n $NS c rm $ID-ctr"
hyperfine --style none --warmup 2 --runs "$RUNS" --export-json "$TMP/hf.json" \
	--command-name berth "$berth_cmd" --command-name ctr "$ctr_cmd" --command-name bridge "$bridge_cmd" \
	>"$TMP/hf.log" 2>&1

# peak RSS of the create-and-start process of each tool (KiB)
rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ { print $2 }'; }
berth_rss=$(rss $B run -d --network none --name $ID-berth -l io.berth.bench=1 $IMAGE sleep 3600)
$B rm -f $ID-berth >/dev/null
ctr_rss=$(rss ctr -n "$NS" run -d --null-io --label io.berth.bench=1 $IMAGE $ID-ctr sleep 3600)
ctr -n "$NS" t kill -s SIGKILL $ID-ctr >/dev/null; ctr -n "$NS" t rm -f $ID-ctr >/dev/null; ctr -n "$NS" c rm $ID-ctr >/dev/null

python3 - "$TMP/hf.json" "$berth_rss" "$ctr_rss" "$RUNS" <<'PY'
import json, sys
res = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
b, c, g = res["berth"], res["ctr"], res["bridge"]
print("## containerd: one full lifecycle (median of %s; run -d + kill + remove)" % sys.argv[4])
print()
print("| client | processes | median | min | max | peak RSS of run -d | ratio to ctr |")
print("|---|---|---|---|---|---|---|")
for name, r, n, rss in (("berth (--network none)", b, 3, sys.argv[2]), ("ctr", c, 4, sys.argv[3]),
                        ("berth, bridge network (CNI ADD + DEL)", g, 3, "")):
    print("| %s | %d | %.1f ms | %.1f ms | %.1f ms | %s | %.2f |" % (name, n, r["median"] * 1e3, r["min"] * 1e3,
          r["max"] * 1e3, rss + " KiB" if rss else "", r["median"] / c["median"]))
PY
