#!/usr/bin/env bash
# bench/scale.sh - section 10: what a list costs as the engine fills up, and
# an inspect of a large container record. For each engine and each size
# (0, 50, 300, 1000 containers made by the bench, created and not started,
# on top of whatever the engine already holds):
#
#   per process   hyperfine -N of one list of every container:
#                 floor (bench/floor.c: GET /containers/json?all=1, the
#                 body read and written out, nothing parsed), berth ps -a,
#                 docker ps -a / podman ps -a, docker-py (peers/ps.py), on
#                 containerd ctr containers ls (no floor there: containerd
#                 speaks gRPC); peak RSS of one run under /usr/bin/time
#   in process    bench/inproc (N berth_container_list calls on one
#                 client) against bench/floor_keepalive (the same GET N
#                 times on one kept-alive socket, framing read, body not
#                 looked at): wall and CPU per call
#
# then one container with 100 labels and 50 bind mounts, inspected the
# same two ways. Prints Markdown tables; raw numbers in OUT/scale/.
#
#   bench/scale.sh [--berth PATH] [--bin DIR] [--engines docker,podman,containerd]
#                  [--sizes 0,50,300,1000] [--runs N] [--out DIR]
#
# The containers are named bench-scale-PID-I, labelled io.berth.bench=1,
# and removed by name at the end (also on Ctrl-C).
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
BERTH=$ROOT/build/src/berth
BIN=$BENCH/bin
ENGINES=docker,podman,containerd
SIZES=0,50,300,1000
RUNS=15
OUT=""
while [ $# -gt 0 ]; do
	case "$1" in
	--berth) BERTH=$2; shift ;;
	--bin) BIN=$2; shift ;;
	--engines) ENGINES=$2; shift ;;
	--sizes) SIZES=$2; shift ;;
	--runs) RUNS=$2; shift ;;
	--out) OUT=$2; shift ;;
	-h | --help) sed -n '2,27p' "$0"; exit 0 ;;
	*) echo "scale.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$OUT" ] || OUT=$BENCH/results/scale-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$OUT/scale"
TSV=$OUT/scale.tsv
: >"$TSV"
P=bench-scale-$$
IMAGE=localhost/berth-test/busybox:latest
PY=/usr/bin/python3
NS=${CONTAINERD_NAMESPACE:-berth}
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
sock_of() { case "$1" in docker) echo /var/run/docker.sock ;; podman) echo /run/podman/podman.sock ;; containerd) echo /run/containerd/containerd.sock ;; esac; }

for b in floor floor_keepalive inproc; do
	[ -x "$BIN/$b" ] || { echo "scale.sh: $BIN/$b is missing (bench/run.sh builds it)" >&2; exit 2; }
done

MADE=()   # "engine name"
cleanup() {
	local e m x n
	for e in docker podman containerd; do
		local -a names=()
		for m in "${MADE[@]+"${MADE[@]}"}"; do
			read -r x n <<<"$m"
			if [ "$x" = "$e" ]; then names+=("$n"); fi
		done
		[ ${#names[@]} -gt 0 ] || continue
		printf '%s\n' "${names[@]}" | xargs -r -n 50 "$BERTH" -E "$e" rm -f >/dev/null 2>&1 || true
	done
	rm -rf "/tmp/$P-binds"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# make ENGINE FROM TO: containers FROM..TO-1 (created, not started)
make_containers() {
	local eng=$1 from=$2 to=$3 sock i body
	[ "$from" -lt "$to" ] || return 0
	sock=$(sock_of "$eng")
	if [ "$eng" = containerd ]; then
		for ((i = from; i < to; i++)); do
			"$BERTH" -E containerd create --name "$P-$i" -l io.berth.bench=1 "$IMAGE" sleep 3600 >/dev/null
			MADE+=("$eng $P-$i")
		done
		return 0
	fi
	# one floor process, many raw creates (the cheapest way in)
	body="{\"Image\":\"$IMAGE\",\"Cmd\":[\"sleep\",\"3600\"],\"Labels\":{\"io.berth.bench\":\"1\"}}"
	local -a args=()
	for ((i = from; i < to; i++)); do
		args+=(POST "/v1.41/containers/create?name=$P-$i" "$body")
		MADE+=("$eng $P-$i")
		if [ ${#args[@]} -ge 300 ]; then "$BIN/floor" "$sock" "${args[@]}" >/dev/null; args=(); fi
	done
	[ ${#args[@]} = 0 ] || "$BIN/floor" "$sock" "${args[@]}" >/dev/null
}

# cell ENGINE WHAT SIZE CLIENT CMD...: hyperfine + one /usr/bin/time run; a TSV line
cell() {
	local eng=$1 what=$2 size=$3 client=$4; shift 4
	local id="$eng-$what-$size-$client" rss
	if ! /usr/bin/time -f '%M' -o "$OUT/scale/$id.rss" "$@" >/dev/null 2>"$OUT/scale/$id.err"; then
		log "  $id: fails ($(tail -n 1 "$OUT/scale/$id.err" | cut -c1-100)); skipped"
		return 0
	fi
	rss=$(tail -n 1 "$OUT/scale/$id.rss")
	hyperfine -N -w 2 -r "$RUNS" --export-json "$OUT/scale/$id.json" -- "$(printf '%q ' "$@")" >/dev/null 2>&1 ||
		{ log "  $id: hyperfine failed"; return 0; }
	"$PY" - "$OUT/scale/$id.json" "$eng" "$what" "$size" "$client" "$rss" >>"$TSV" <<'EOF'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("\t".join(sys.argv[2:6] + ["proc", "%.3f" % (statistics.median(r["times"]) * 1e3),
      "%.3f" % ((r["user"] + r["system"]) * 1e3), sys.argv[6]]))
EOF
}

# inproc_cell ENGINE WHAT SIZE CLIENT CMD...: the JSON line's median and CPU per call
inproc_cell() {
	local eng=$1 what=$2 size=$3 client=$4; shift 4
	local id="$eng-$what-$size-$client-inproc" best=""
	for rep in 1 2 3; do
		"$@" >"$OUT/scale/$id.$rep.json" 2>"$OUT/scale/$id.err" || { log "  $id: fails ($(tail -n 1 "$OUT/scale/$id.err" | cut -c1-100))"; return 0; }
	done
	"$PY" - "$eng" "$what" "$size" "$client" "$OUT/scale/$id".*.json >>"$TSV" <<'EOF'
import json, statistics, sys
runs = [json.loads(open(f).read().strip().splitlines()[-1]) for f in sys.argv[5:]]
print("\t".join(sys.argv[1:5] + ["inproc", "%.1f" % statistics.median(r["median_us"] for r in runs),
      "%.1f" % statistics.median(r["cpu_us"] for r in runs), ""]))
EOF
}

calls_for() { # fewer calls for big replies: about 0.5 s of calls
	case "$1" in 0) echo 2000 ;; 50) echo 500 ;; 300) echo 120 ;; *) echo 40 ;; esac
}

IFS=, read -r -a WANT <<<"$ENGINES"
IFS=, read -r -a SZ <<<"$SIZES"
for eng in "${WANT[@]}"; do
	if ! "$BERTH" -E "$eng" ping >/dev/null 2>&1; then log "scale: $eng does not answer; skipped"; continue; fi
	sock=$(sock_of "$eng")
	have=0
	for size in "${SZ[@]}"; do
		log "scale: $eng: $size bench containers (making $((size - have)))"
		make_containers "$eng" "$have" "$size"
		have=$size
		total=$("$BERTH" -E "$eng" ps -aq | wc -l)
		echo -e "$eng\ttotal\t$size\t-\t-\t$total\t\t" >>"$TSV"
		case "$eng" in
		docker)
			cell "$eng" list "$size" floor "$BIN/floor" "$sock" GET /v1.41/containers/json?all=1
			cell "$eng" list "$size" berth "$BERTH" -E docker ps -a
			cell "$eng" list "$size" "docker CLI" /usr/bin/docker ps -a
			cell "$eng" list "$size" docker-py "$PY" "$BENCH/peers/ps.py" "unix://$sock" ;;
		podman)
			cell "$eng" list "$size" floor "$BIN/floor" "$sock" GET /v1.41/containers/json?all=1
			cell "$eng" list "$size" berth "$BERTH" -E podman ps -a
			cell "$eng" list "$size" "podman CLI" podman --url "unix://$sock" ps -a
			cell "$eng" list "$size" docker-py "$PY" "$BENCH/peers/ps.py" "unix://$sock" ;;
		containerd)
			cell "$eng" list "$size" berth "$BERTH" -E containerd ps -a
			cell "$eng" list "$size" ctr ctr -n "$NS" containers ls ;;
		esac
		n=$(calls_for "$size")
		if [ "$eng" != containerd ]; then
			inproc_cell "$eng" list "$size" floor "$BIN/floor_keepalive" "$sock" /v1.41/containers/json?all=1 "$n" 10
		fi
		inproc_cell "$eng" list "$size" berth "$BIN/inproc" "unix://$sock" "$eng" list "$n" 10
	done
	# one container with 100 labels and 50 bind mounts
	big=$P-big
	mkdir -p "/tmp/$P-binds"
	args=(-E "$eng" create --name "$big" -l io.berth.bench=1)
	for i in $(seq 1 100); do args+=(-l "bench.label.$i=value-of-label-$i"); done
	for i in $(seq 1 50); do mkdir -p "/tmp/$P-binds/$i"; args+=(-v "/tmp/$P-binds/$i:/m/$i:ro"); done
	if "$BERTH" "${args[@]}" "$IMAGE" sleep 3600 >/dev/null 2>"$OUT/scale/$eng-big.err"; then
		MADE+=("$eng $big")
		case "$eng" in
		docker)
			cell "$eng" inspect big floor "$BIN/floor" "$sock" GET "/v1.41/containers/$big/json"
			cell "$eng" inspect big berth "$BERTH" -E docker inspect "$big"
			cell "$eng" inspect big "docker CLI" /usr/bin/docker inspect "$big" ;;
		podman)
			cell "$eng" inspect big floor "$BIN/floor" "$sock" GET "/v1.41/containers/$big/json"
			cell "$eng" inspect big berth "$BERTH" -E podman inspect "$big"
			cell "$eng" inspect big "podman CLI" podman --url "unix://$sock" inspect "$big" ;;
		containerd)
			cell "$eng" inspect big berth "$BERTH" -E containerd inspect "$big"
			cell "$eng" inspect big ctr ctr -n "$NS" containers info "$big" ;;
		esac
		[ "$eng" = containerd ] || inproc_cell "$eng" inspect big floor "$BIN/floor_keepalive" "$sock" "/v1.41/containers/$big/json" 500 10
		inproc_cell "$eng" inspect big berth "$BIN/inproc" "unix://$sock" "$eng" inspect 500 10 "$big"
	else
		log "scale: $eng: the big container cannot be made ($(tail -n 1 "$OUT/scale/$eng-big.err"))"
	fi
	cleanup
	MADE=()
done

"$PY" - "$TSV" <<'PYEOF'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
total = {(r[0], r[2]): r[5] for r in rows if r[1] == "total"}
cells = [r for r in rows if r[1] != "total"]
def floor_of(eng, what, size, mode):
    for r in cells:
        if r[:3] == [eng, what, size] and r[3] == "floor" and r[4] == mode:
            return float(r[5]), float(r[6])
    return None
print("## Section 10 — scale: lists as the engine fills up, a large inspect\n")
print("Per process: one run of each client (hyperfine -N, median wall, mean user+sys CPU, "
      "peak RSS of one run). In process: one client or socket, N calls, per call (median of 3 "
      "program runs). ×floor = CPU over the floor's CPU in the same row; the target is at most "
      "2× per process and in process, and under 3 MiB peak RSS for `berth ps -a` up to 1000 "
      "containers.\n")
print("| engine | request | containers (all) | mode | client | wall | client CPU | CPU ×floor | peak RSS |")
print("|---|---|---:|---|---|---:|---:|---:|---:|")
for r in cells:
    eng, what, size, client, mode, wall, cpu, rss = r[:8]
    f = floor_of(eng, what, size, mode)
    ratio = "%.2f" % (float(cpu) / f[1]) if f and f[1] > 0 and client != "floor" else ""
    unit = "ms" if mode == "proc" else "µs"
    rss_s = "%.1f MiB" % (int(rss) / 1024) if rss else ""
    label = "list" if what == "list" else "inspect (100 labels, 50 mounts)"
    count = "%s (%s)" % (size, total.get((eng, size), "?")) if what == "list" else "1"
    print("| %s | %s | %s | %s | %s | %s %s | %s %s | %s | %s |" % (eng, label, count,
          "per process" if mode == "proc" else "in process", client, wall, unit, cpu, unit, ratio, rss_s))
PYEOF
