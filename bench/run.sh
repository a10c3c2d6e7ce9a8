#!/usr/bin/env bash
# bench/run.sh - how fast is berth next to the cheapest possible client and
# next to the clients people use today? Prints Markdown tables; keeps the raw
# numbers under bench/results/RUN/. See bench/README.md for what each row
# measures.
#
#   bench/run.sh [--quick] [--engines docker,podman,containerd] [--no-setup] [--no-build]
#                [--lifecycles-only] [--lifecycles N] [--logs-only] [--pull-only] [--no-pull]
#                [--stack-only] [--no-stack]
#
# This is a benchmark, not a test: it never fails because berth is slow, only
# when it cannot measure (no hyperfine, no engine, berth does not build).
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
IMAGE=localhost/berth-test/busybox:latest
LABEL=io.berth.bench=1
API=/v1.41

QUICK=0
ENGINES=docker,podman,containerd
SETUP=1
BUILD=1
LC_ONLY=0
LC50_N=""
LOGS_ONLY=0
LOGS_RUN=1
PULL_ONLY=0
PULL_RUN=1
STACK_ONLY=0
STACK_RUN=1
PY_ONLY=0
PY_RUN=1
SCALE_ONLY=0
SCALE_RUN=1

usage() {
	cat <<'EOF'
usage: bench/run.sh [options]
  --quick            fewer runs, one round, 50 created (not started) containers,
                     engine-bound rows skipped; about 2 minutes
  --engines LIST     docker,podman,containerd (default all three; containerd:
                     berth against ctr, per process)
  --no-setup         do not install missing tools (hyperfine, time, python3-docker,
                     dockerode)
  --no-build         use build/ as it is
  --lifecycles-only  only section 4: N container lifecycles, sequential and with
                     8 workers (xargs -P 8, and 8 threads through libberth)
  --lifecycles N     lifecycles per cell of section 4 (default 50, 16 in --quick)
  --logs-only        only section 5: log read throughput (sizes: LOGS_SHORT_MB,
                     LOGS_LONG_MB; default 200 each, 20 in --quick; LOGS_ROUNDS)
  --no-logs          skip section 5
  --pull-only        only section 7: pulls of berth-test/redis:bookworm from the
                     local registry into a cold store (PULL_ROUNDS, default 3)
  --no-pull          skip section 7
  --stack-only       only section 8: examples/stack (PostgreSQL, Redis, seed, web)
                     up until ready and down -v, berth compose against
                     docker-compose (v1) and podman-compose (STACK_ROUNDS,
                     default 3, 1 in --quick); bench/stack.sh
  --no-stack         skip section 8
  --python-only      only section 9: the Python package (python/) against
                     docker-py, in process (bench/python_inproc.py)
  --no-python        skip section 9
  --scale-only       only section 10: lists at 0/50/300/1000 containers and an
                     inspect of 100 labels and 50 mounts (bench/scale.sh), then
                     an events soak (bench/events_soak.c, SOAK_EVENTS, default
                     100000, 10000 in --quick) on each engine
  --no-scale         skip section 10
  -h, --help         this text
Results: one directory per run under bench/results/; report.md holds the tables.
EOF
}

while [ $# -gt 0 ]; do
	case "$1" in
	--quick) QUICK=1 ;;
	--engines) ENGINES=${2:?--engines needs a list}; shift ;;
	--engines=*) ENGINES=${1#*=} ;;
	--no-setup) SETUP=0 ;;
	--no-build) BUILD=0 ;;
	--lifecycles-only) LC_ONLY=1 ;;
	--lifecycles) LC50_N=${2:?--lifecycles needs a number}; shift ;;
	--lifecycles=*) LC50_N=${1#*=} ;;
	--logs-only) LOGS_ONLY=1 ;;
	--no-logs) LOGS_RUN=0 ;;
	--pull-only) PULL_ONLY=1 ;;
	--no-pull) PULL_RUN=0 ;;
	--stack-only) STACK_ONLY=1 ;;
	--no-stack) STACK_RUN=0 ;;
	--python-only) PY_ONLY=1; LC_ONLY=0; LOGS_ONLY=0; PULL_ONLY=0 ;;
	--no-python) PY_RUN=0 ;;
	--scale-only) SCALE_ONLY=1 ;;
	--no-scale) SCALE_RUN=0 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done

# ---- knobs -------------------------------------------------------------------
# Per-process cells: each (engine, operation, client) cell gets about
# CELL_BUDGET seconds, split over ROUNDS rounds; a round runs every client of
# a row once before the next round starts, so a burst of noise from other
# work on the machine lands on several clients rather than one.
if [ "$QUICK" = 1 ]; then
	ROUNDS=1; CELL_BUDGET=0.5; MIN_RUNS=2; MAX_RUNS=20; WARMUP=1
	INPROC_N=300; INPROC_BUDGET=0.5; INPROC_REPS=1
	LC_RUNS=3; PS_STARTED=0
	SKIP_SLOW=0.4   # skip a row whose floor takes longer than this (s)
else
	ROUNDS=3; CELL_BUDGET=4.5; MIN_RUNS=2; MAX_RUNS=80; WARMUP=3
	INPROC_N=2000; INPROC_BUDGET=1.5; INPROC_REPS=3
	LC_RUNS=10; PS_STARTED=1
	SKIP_SLOW=0
fi
NPS=50
# Section 4: LC50_N lifecycles per cell, one after the other and with LC50_P
# workers at once.
if [ -z "$LC50_N" ]; then
	LC50_N=50
	[ "$QUICK" = 1 ] && LC50_N=16
fi
case "$LC50_N" in '' | *[!0-9]* | 0) echo "run.sh: --lifecycles needs a positive number" >&2; exit 2 ;; esac
LC50_P=8

RUN_ID=$(date +%Y%m%d-%H%M%S)-$$
OUT=$BENCH/results/$RUN_ID
BIN=$BENCH/bin
mkdir -p "$OUT/hf" "$OUT/mem" "$OUT/log" "$BIN"
CELLS=$OUT/cells.tsv
INPROC=$OUT/inproc.tsv
LC50=$OUT/lc50.tsv
META=$OUT/meta.txt
: >"$CELLS"; : >"$INPROC"; : >"$LC50"; : >"$META"; : >"$OUT/pull.tsv"
T_START=$(date +%s)

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
meta() { printf '%s\t%s\n' "$1" "$2" >>"$META"; }

# Quote words for a POSIX shell (and for hyperfine's own word splitting).
shq() {
	local s out=""
	for s in "$@"; do out+="'${s//\'/\'\\\'\'}' "; done
	printf '%s' "${out% }"
}

# ---- setup -------------------------------------------------------------------
APT_UPDATED=0
apt_install() {
	[ "$SETUP" = 1 ] || { log "missing $*; run without --no-setup to install"; return 1; }
	if [ "$APT_UPDATED" = 0 ]; then
		log "apt-get update"
		apt-get update -qq >"$OUT/log/apt.log" 2>&1 || true
		APT_UPDATED=1
	fi
	log "apt-get install $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >>"$OUT/log/apt.log" 2>&1
}

command -v hyperfine >/dev/null || apt_install hyperfine || { echo "run.sh: hyperfine is needed" >&2; exit 2; }
[ -x /usr/bin/time ] || apt_install time || { echo "run.sh: /usr/bin/time is needed" >&2; exit 2; }
command -v curl >/dev/null || apt_install curl || true
command -v cc >/dev/null || apt_install gcc || { echo "run.sh: a C compiler is needed" >&2; exit 2; }
# docker-py: Debian's package, for Debian's python (not whatever python3 is first in PATH).
PY=/usr/bin/python3
[ -x "$PY" ] || apt_install python3 || true
HAVE_PY=0
if "$PY" -c 'import docker' 2>/dev/null || { apt_install python3-docker && "$PY" -c 'import docker' 2>/dev/null; }; then
	HAVE_PY=1
fi
HAVE_NODE=0
if command -v node >/dev/null; then
	if [ ! -f "$BENCH/node_modules/dockerode/package.json" ] && [ "$SETUP" = 1 ] && command -v npm >/dev/null; then
		log "npm install --no-save dockerode (into bench/node_modules)"
		(cd "$BENCH" && npm install --no-save --no-audit --no-fund dockerode >"$OUT/log/npm.log" 2>&1) || true
	fi
	[ -f "$BENCH/node_modules/dockerode/package.json" ] && HAVE_NODE=1
fi
# skopeo: the floor of a client-side pull (section 7)
if [ "$PULL_RUN" = 1 ] && ! command -v skopeo >/dev/null; then
	apt_install skopeo || log "skopeo is not available: its pull rows stay empty"
fi
# section 8's peers: Debian's docker-compose (v1) and podman-compose
if [ "$STACK_RUN" = 1 ] || [ "$STACK_ONLY" = 1 ]; then
	command -v docker-compose >/dev/null || apt_install docker-compose || log "docker-compose is not available: its stack row stays empty"
	command -v podman-compose >/dev/null || apt_install podman-compose || log "podman-compose is not available: its stack row stays empty"
fi
[ "$HAVE_PY" = 1 ] || log "docker-py is not available: its column stays empty"
[ "$HAVE_NODE" = 1 ] || log "node or dockerode is not available: its column stays empty"

# ---- build -------------------------------------------------------------------
BERTH=$ROOT/build/src/berth
if [ "$BUILD" = 1 ]; then
	if [ ! -f "$ROOT/build/build.ninja" ]; then
		log "meson setup build"
		(cd "$ROOT" && meson setup build -Dwerror=true) >"$OUT/log/meson.log" 2>&1 ||
			{ cat "$OUT/log/meson.log" >&2; exit 2; }
	fi
	# Only what the bench needs: other targets (tests, fuzzers) may be mid-edit.
	targets=$(ninja -C "$ROOT/build" -t targets all 2>/dev/null |
		sed -n 's/^\(src\/berth\|src\/berth-logger\|examples\/berth-streams-poll\|src\/libberth\.so[.0-9]*\): .*/\1/p' |
		sort -u | tr '\n' ' ')
	log "ninja -C build ${targets:-src/berth}"
	# shellcheck disable=SC2086
	if ! ninja -C "$ROOT/build" ${targets:-src/berth} >"$OUT/log/ninja.log" 2>&1; then
		if [ -x "$BERTH" ] && [ -e "$ROOT/build/src/libberth.so" ]; then
			log "build failed (see $OUT/log/ninja.log); measuring the binaries already in build/"
		else
			cat "$OUT/log/ninja.log" >&2; exit 2
		fi
	fi
fi
[ -x "$BERTH" ] || { echo "run.sh: $BERTH is missing" >&2; exit 2; }

log "cc -O2 bench/floor.c bench/floor_keepalive.c bench/inproc.c bench/lifecycle_threads.c"
CFLAGS=(-O2 -Wall -Wextra -std=gnu11)
cc "${CFLAGS[@]}" -o "$BIN/floor" "$BENCH/floor.c"
cc "${CFLAGS[@]}" -o "$BIN/floor_keepalive" "$BENCH/floor_keepalive.c"
cc "${CFLAGS[@]}" -o "$BIN/floor_logs" "$BENCH/floor_logs.c"
cc "${CFLAGS[@]}" -I"$ROOT/include" -o "$BIN/inproc" "$BENCH/inproc.c" \
	-L"$ROOT/build/src" -lberth -Wl,-rpath,"$ROOT/build/src"
cc "${CFLAGS[@]}" -pthread -I"$ROOT/include" -o "$BIN/lifecycle_threads" "$BENCH/lifecycle_threads.c" \
	-L"$ROOT/build/src" -lberth -Wl,-rpath,"$ROOT/build/src"
cc "${CFLAGS[@]}" -pthread -I"$ROOT/include" -o "$BIN/event_latency" "$BENCH/event_latency.c" \
	-L"$ROOT/build/src" -lberth -Wl,-rpath,"$ROOT/build/src"
cc "${CFLAGS[@]}" -pthread -I"$ROOT/include" -o "$BIN/events_soak" "$BENCH/events_soak.c" \
	-L"$ROOT/build/src" -lberth -Wl,-rpath,"$ROOT/build/src"
FLOOR=$BIN/floor
FLOOR_KA=$BIN/floor_keepalive
INPROC_BIN=$BIN/inproc
LT_BIN=$BIN/lifecycle_threads

# Discovery must find the default sockets, as it would for most users.
unset DOCKER_HOST DOCKER_CONTEXT CONTAINER_HOST CONTAINERD_ADDRESS

# Section 8 (bench/stack.sh): examples/stack up until ready and down -v.
STACK_ROUNDS=${STACK_ROUNDS:-$([ "$QUICK" = 1 ] && echo 1 || echo 3)}
stack_section() {
	local engines
	engines=$(tr ',' '\n' <<<"$ENGINES" | grep -xE 'docker|podman' | paste -sd, || true)
	[ -n "$engines" ] || return 0
	meta stack_rounds "$STACK_ROUNDS"
	meta docker_compose "$(docker-compose version --short 2>/dev/null || echo none)"
	meta podman_compose "$(podman-compose version 2>/dev/null | sed -n 's/^podman-composer* version *//p' | head -n1)"
	log "section 8: examples/stack, $STACK_ROUNDS round(s) on $engines"
	"$BENCH/stack.sh" --berth "$BERTH" --engines "$engines" --rounds "$STACK_ROUNDS" --out "$OUT" ||
		log "section 8 could not be measured (see $OUT/stack/)"
}
if [ "$STACK_ONLY" = 1 ]; then
	meta mode stack-only
	stack_section | tee "$OUT/report.md"
	ln -sfn "$RUN_ID" "$BENCH/results/latest"
	exit 0
fi

DOCKER_CLI=docker
[ -x /usr/bin/docker ] && DOCKER_CLI=/usr/bin/docker # Debian's, same version as the daemon

# ---- engines -----------------------------------------------------------------
engine_sock() { case "$1" in docker) echo /var/run/docker.sock ;; podman) echo /run/podman/podman.sock ;; esac; }

engine_up() { "$FLOOR" "$(engine_sock "$1")" GET /_ping >/dev/null 2>&1; }

IFS=, read -r -a WANT <<<"$ENGINES"
RUN_ENGINES=()
WANT_CTRD=0
for e in "${WANT[@]}"; do
	[ "$e" = containerd ] && { WANT_CTRD=1; continue; } # its own rows (ctrd_rows)
	case "$e" in docker | podman) ;; *) echo "run.sh: unknown engine $e (docker, podman, containerd)" >&2; exit 2 ;; esac
	if ! engine_up "$e" && [ -x "$ROOT/scripts/provision.sh" ]; then
		log "$e does not answer: scripts/provision.sh --engines $e"
		"$ROOT/scripts/provision.sh" --engines "$e" >"$OUT/log/provision-$e.log" 2>&1 || true
	fi
	if engine_up "$e"; then
		RUN_ENGINES+=("$e")
	else
		log "$e does not answer at $(engine_sock "$e"): skipped"
		meta "skipped_engine" "$e"
	fi
done
[ "${#RUN_ENGINES[@]}" -gt 0 ] || [ "$WANT_CTRD" = 1 ] || { echo "run.sh: no engine to measure" >&2; exit 2; }

# Containers this run makes: "SOCKET NAME" lines, written before each is
# created, so the exit trap removes exactly those (never anything else).
OURS=$OUT/containers.txt
: >"$OURS"
cleanup() {
	local sock name
	[ -s "$OURS" ] || return 0
	log "removing the containers this run made"
	sort -u "$OURS" | while read -r sock name; do
		"$FLOOR" "$sock" DELETE "$API/containers/$name?force=1" >/dev/null 2>&1 || true
	done
	: >"$OURS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Count containers: all, and those labelled as the bench's (leftovers of an
# earlier run that died are reported, not removed).
count_containers() { # SOCK [FILTER-QUERY]
	"$FLOOR" "$1" GET "$API/containers/json?all=1${2:-}" 2>/dev/null |
		"$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null || echo "?"
}
BENCH_FILTER='&filters=%7B%22label%22%3A%5B%22io.berth.bench%3D1%22%5D%7D'

# ---- per-process cells -------------------------------------------------------
# Sets CMD for (tool, op, engine); empty when the client has no such command.
ENGINE=""; SOCK=""; URI=""; BSEL=(); CLI=()
set_engine() {
	ENGINE=$1
	SOCK=$(engine_sock "$1")
	URI=unix://$SOCK
	if [ "$1" = docker ]; then
		BSEL=()
		CLI=("$DOCKER_CLI")
	else
		BSEL=(-E podman)
		CLI=(podman --url "$URI")
	fi
}

INSPECT_NAME=""
cmd_for() { # TOOL OP
	local tool=$1 op=$2
	local path
	case "$op" in
	ping) path=/_ping ;;
	ps0 | ps50) path="$API/containers/json?all=1" ;;
	inspect) path="$API/containers/$INSPECT_NAME/json" ;;
	version) path="$API/version" ;;
	esac
	CMD=""
	if [ "$ENGINE" = containerd ]; then # berth vs ctr (ctrd_rows below)
		case "$tool:$op" in
		berth:version) CMD=$(shq "$BERTH" -E containerd version) ;;
		berth:ps0) CMD=$(shq "$BERTH" -E containerd ps -a) ;;
		ctr:version) CMD=$(shq ctr -n default version) ;;
		ctr:ps0) CMD=$(shq ctr -n default containers ls) ;;
		esac
		return 0
	fi
	case "$tool" in
	floor) CMD=$(shq "$FLOOR" "$SOCK" GET "$path") ;;
	berth | berth-H)
		local sel=("${BSEL[@]}")
		[ "$tool" = berth-H ] && sel=(-H "$URI")
		case "$op" in
		ping) CMD=$(shq "$BERTH" "${sel[@]}" ping) ;;
		ps*) CMD=$(shq "$BERTH" "${sel[@]}" ps -a) ;;
		inspect) CMD=$(shq "$BERTH" "${sel[@]}" inspect "$INSPECT_NAME") ;;
		version) CMD=$(shq "$BERTH" "${sel[@]}" version) ;;
		esac ;;
	curl) command -v curl >/dev/null && CMD=$(shq curl -sf --unix-socket "$SOCK" "http://localhost$path") ;;
	cli)
		case "$op" in
		ping) CMD="" ;; # neither docker nor podman has a ping command
		ps*) CMD=$(shq "${CLI[@]}" ps -a) ;;
		inspect) CMD=$(shq "${CLI[@]}" inspect "$INSPECT_NAME") ;;
		version) CMD=$(shq "${CLI[@]}" version) ;;
		esac ;;
	docker-py)
		[ "$HAVE_PY" = 1 ] || return 0
		local s=${op%%[0-9]*}
		if [ "$op" = inspect ]; then
			CMD=$(shq "$PY" "$BENCH/peers/inspect.py" "$URI" "$INSPECT_NAME")
		else
			CMD=$(shq "$PY" "$BENCH/peers/$s.py" "$URI")
		fi ;;
	dockerode)
		[ "$HAVE_NODE" = 1 ] || return 0
		local s=${op%%[0-9]*}
		if [ "$op" = inspect ]; then
			CMD=$(shq node "$BENCH/peers/inspect.js" "$SOCK" "$INSPECT_NAME")
		else
			CMD=$(shq node "$BENCH/peers/$s.js" "$SOCK")
		fi ;;
	esac
	return 0
}

TOOLS=(floor berth berth-H curl cli docker-py dockerode)

# One row: probe every client once under /usr/bin/time -v (peak RSS, wall
# time, does it work at all), then ROUNDS rounds of hyperfine.
measure_row() { # OP
	local op=$1 tool id cmd rss wall runs warm round st
	declare -A RUNS=() CMDS=() SLOW=()
	local floor_wall=""
	for tool in "${TOOLS[@]}"; do
		cmd_for "$tool" "$op"
		id=pp-$ENGINE-$op-$tool
		if [ -z "$CMD" ]; then
			printf 'pp\t%s\t%s\t%s\tna\t\t\t\n' "$ENGINE" "$op" "$tool" >>"$CELLS"
			continue
		fi
		if [ -n "$floor_wall" ] && [ "$SKIP_SLOW" != 0 ] &&
			awk -v w="$floor_wall" -v m="$SKIP_SLOW" 'BEGIN { exit !(w > m) }'; then
			printf 'pp\t%s\t%s\t%s\tskipped\t\t\t%s\n' "$ENGINE" "$op" "$tool" "engine-bound: floor ${floor_wall}s" >>"$CELLS"
			continue
		fi
		local -a argv
		eval "argv=($CMD)"
		if ! /usr/bin/time -v -o "$OUT/mem/$id.txt" "${argv[@]}" >"$OUT/log/$id.out" 2>"$OUT/log/$id.err"; then
			st=$(grep -v '^\s*$' "$OUT/log/$id.err" | tail -n 1 | tr '\t' ' ' | cut -c1-120)
			printf 'pp\t%s\t%s\t%s\tfail\t\t\t%s\n' "$ENGINE" "$op" "$tool" "$st" >>"$CELLS"
			log "  $ENGINE $op $tool: FAILED: $st"
			continue
		fi
		rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/mem/$id.txt")
		# "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:00.01"
		wall=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$OUT/mem/$id.txt" |
			awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.3f", s }')
		[ "$tool" = floor ] && floor_wall=$wall
		runs=$(awk -v b="$CELL_BUDGET" -v r="$ROUNDS" -v w="$wall" -v lo="$MIN_RUNS" -v hi="$MAX_RUNS" \
			'BEGIN { if (w < 0.002) w = 0.002; n = int(b / r / w); if (n < lo) n = lo; if (n > hi) n = hi; print n }')
		# Engine-bound (a second or more a call): 3 runs, in the first round only.
		if awk -v w="$wall" 'BEGIN { exit !(w > 0.5) }'; then
			runs=3
			SLOW[$tool]=1
		fi
		RUNS[$tool]=$runs
		CMDS[$tool]=$CMD
		printf 'pp\t%s\t%s\t%s\tok\t%s\t%s\t%s\n' "$ENGINE" "$op" "$tool" "$rss" "$id" "$CMD" >>"$CELLS"
	done
	for ((round = 1; round <= ROUNDS; round++)); do
		for tool in "${TOOLS[@]}"; do
			[ -n "${CMDS[$tool]:-}" ] || continue
			[ -z "${SLOW[$tool]:-}" ] || [ "$round" = 1 ] || continue
			id=pp-$ENGINE-$op-$tool
			runs=${RUNS[$tool]}
			# The probe run warmed the caches already; slow cells need no more.
			warm=$WARMUP
			[ "$runs" -le 5 ] && warm=0
			if ! hyperfine -N --style none --warmup "$warm" --runs "$runs" --command-name "$tool" \
				--export-json "$OUT/hf/$id-r$round.json" -- "${CMDS[$tool]}" \
				>"$OUT/log/$id-hf.log" 2>&1; then
				log "  $ENGINE $op $tool: hyperfine failed (see $OUT/log/$id-hf.log)"
				rm -f "$OUT/hf/$id-r$round.json"
			fi
		done
	done
	log "  $ENGINE $op: done"
}

# ---- in-process cells --------------------------------------------------------
inproc_row() { # OP(ping|list0|list50|inspect|version)
	local op=$1 target bop=$1 probe mean n reps r
	case "$op" in
	ping) target=/_ping ;;
	list0 | list50) target="$API/containers/json?all=1"; bop=list ;;
	inspect) target="$API/containers/$INSPECT_NAME/json" ;;
	version) target="$API/version" ;;
	esac
	probe=$("$FLOOR_KA" "$SOCK" "$target" 3 1 2>>"$OUT/log/inproc.err") || {
		printf '%s\t%s\tfail\t\t\n' "$ENGINE" "$op" >>"$INPROC"; return 0; }
	mean=$(sed -n 's/.*"mean_us":\([0-9.]*\).*/\1/p' <<<"$probe")
	if [ "$SKIP_SLOW" != 0 ] && awk -v m="$mean" -v s="$SKIP_SLOW" 'BEGIN { exit !(m > s * 250000) }'; then
		printf '%s\t%s\tskipped\t\tengine-bound: %.0f ms a call\n' "$ENGINE" "$op" "$(awk -v m="$mean" 'BEGIN { print m / 1000 }')" >>"$INPROC"
		return 0
	fi
	n=$(awk -v b="$INPROC_BUDGET" -v m="$mean" -v hi="$INPROC_N" \
		'BEGIN { n = int(b * 1e6 / m / 2); if (n < 3) n = 3; if (n > hi) n = hi; print n }')
	reps=$INPROC_REPS
	awk -v m="$mean" 'BEGIN { exit !(m > 50000) }' && reps=1
	for ((r = 1; r <= reps; r++)); do
		"$FLOOR_KA" "$SOCK" "$target" "$n" 20 >>"$OUT/inproc-$ENGINE-$op.jsonl" 2>>"$OUT/log/inproc.err" ||
			log "  inproc floor $ENGINE $op failed"
		"$INPROC_BIN" "$URI" "$ENGINE" "$bop" "$n" 20 "$INSPECT_NAME" >>"$OUT/inproc-$ENGINE-$op.jsonl" \
			2>>"$OUT/log/inproc.err" || log "  inproc berth $ENGINE $op failed"
	done
	printf '%s\t%s\tok\t%s\t\n' "$ENGINE" "$op" "$OUT/inproc-$ENGINE-$op.jsonl" >>"$INPROC"
	log "  $ENGINE in-process $op: $n calls x $reps"
}

# ---- the 50 containers of the ps50/inspect rows --------------------------------
make_many() {
	local i name
	local -a verb=(create)
	[ "$PS_STARTED" = 1 ] && verb=(run -d)
	log "$ENGINE: $NPS containers (berth ${verb[*]}) ..."
	for ((i = 1; i <= NPS; i++)); do
		printf -v name 'bench-%s-ps-%02d' "$RUN_ID" "$i"
		echo "$SOCK $name" >>"$OURS"
		echo "$name"
	done | xargs -P 2 -I{} "$BERTH" -H "$URI" "${verb[@]}" --name {} -l "$LABEL" "$IMAGE" sleep 3600 \
		>"$OUT/log/make-$ENGINE.log" 2>&1 || true
	# Created ones must all be there, or the row is not "50 containers".
	local have
	have=$(count_containers "$SOCK" "$BENCH_FILTER")
	meta "bench_containers_$ENGINE" "$have"
	INSPECT_NAME=$(printf 'bench-%s-ps-%02d' "$RUN_ID" 1)
}

remove_many() {
	local i name
	log "$ENGINE: removing the $NPS containers"
	for ((i = 1; i <= NPS; i++)); do
		printf 'bench-%s-ps-%02d\n' "$RUN_ID" "$i"
	done | xargs -P 2 -I{} "$FLOOR" "$SOCK" DELETE "$API/containers/{}?force=1" >/dev/null 2>&1 || true
	grep -v "^$SOCK bench-$RUN_ID-ps-" "$OURS" >"$OURS.tmp" || true
	mv "$OURS.tmp" "$OURS"
}

# ---- lifecycle -----------------------------------------------------------------
lifecycle_engine() {
	local tool name cmd id create_body
	for tool in floor berth curl cli; do
		name=bench-$RUN_ID-lc-$tool
		echo "$SOCK $name" >>"$OURS"
		create_body=$(printf '{"Image":"%s","Cmd":["sleep","3600"],"Labels":{"io.berth.bench":"1"},"HostConfig":{}}' "$IMAGE")
		case "$tool" in
		floor)
			cmd=$(shq "$FLOOR" "$SOCK" POST "$API/containers/create?name=$name" "$create_body" \
				POST "$API/containers/$name/start" "" DELETE "$API/containers/$name?force=1") ;;
		berth)
			cmd="$(shq "$BERTH" "${BSEL[@]}" run -d --name "$name" -l "$LABEL" "$IMAGE" sleep 3600) && $(shq "$BERTH" "${BSEL[@]}" rm -f "$name")" ;;
		curl)
			command -v curl >/dev/null || continue
			cmd="$(shq curl -sf --unix-socket "$SOCK" -H 'Content-Type: application/json' -d "$create_body" \
				"http://localhost$API/containers/create?name=$name") && $(shq curl -sf --unix-socket "$SOCK" -X POST \
				"http://localhost$API/containers/$name/start") && $(shq curl -sf --unix-socket "$SOCK" -X DELETE \
				"http://localhost$API/containers/$name?force=1")" ;;
		cli)
			# podman rm -f sends SIGTERM and waits the stop timeout (10 s) before
			# SIGKILL; -t 0 kills at once, as docker rm -f and the API's force=1 do.
			local rmt=()
			[ "$ENGINE" = podman ] && rmt=(-t 0)
			cmd="$(shq "${CLI[@]}" run -d --name "$name" -l "$LABEL" "$IMAGE" sleep 3600) && $(shq "${CLI[@]}" rm -f "${rmt[@]}" "$name")" ;;
		esac
		id=lc-$ENGINE-$tool
		# One untimed run: does it work, and warm the engine's caches.
		if ! sh -c "$cmd" >"$OUT/log/$id.out" 2>"$OUT/log/$id.err"; then
			"$FLOOR" "$SOCK" DELETE "$API/containers/$name?force=1" >/dev/null 2>&1 || true
			printf 'lc\t%s\tlifecycle\t%s\tfail\t\t\t%s\n' "$ENGINE" "$tool" \
				"$(tail -n 1 "$OUT/log/$id.err" | tr '\t' ' ' | cut -c1-120)" >>"$CELLS"
			log "  $ENGINE lifecycle $tool: FAILED"
			continue
		fi
		if hyperfine --style none --warmup 0 --runs "$LC_RUNS" --command-name "$tool" \
			--export-json "$OUT/hf/$id-r1.json" -- "$cmd" >"$OUT/log/$id-hf.log" 2>&1; then
			printf 'lc\t%s\tlifecycle\t%s\tok\t\t%s\t%s\n' "$ENGINE" "$tool" "$id" "$cmd" >>"$CELLS"
		else
			"$FLOOR" "$SOCK" DELETE "$API/containers/$name?force=1" >/dev/null 2>&1 || true
			printf 'lc\t%s\tlifecycle\t%s\tfail\t\t\thyperfine failed\n' "$ENGINE" "$tool" >>"$CELLS"
		fi
		log "  $ENGINE lifecycle $tool: done"
	done
}

# ---- N lifecycles, sequential and concurrent ---------------------------------------
# Runs a command and writes "wall user sys rc" to FILE: wall around the
# command, user + sys of every process it waited for (getrusage of the
# children, microseconds; python's own start-up is in neither).
RUSAGE_PY='import resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.call(sys.argv[2:])
w = time.monotonic() - t
u = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write("%.6f\t%.6f\t%.6f\t%d\n" % (w, u.ru_utime, u.ru_stime, rc))'

# One lifecycle as one line of shell, for client TOOL and container NAME.
lc50_line() { # TOOL NAME
	local tool=$1 name=$2 body
	case "$tool" in
	berth)
		echo "$(shq "$BERTH" "${BSEL[@]}" run -d --name "$name" -l "$LABEL" "$IMAGE" sleep 3600) && $(shq "$BERTH" "${BSEL[@]}" rm -f "$name")" ;;
	cli)
		local rmt=()
		[ "$ENGINE" = podman ] && rmt=(-t 0) # see lifecycle_engine
		echo "$(shq "${CLI[@]}" run -d --name "$name" -l "$LABEL" "$IMAGE" sleep 3600) && $(shq "${CLI[@]}" rm -f "${rmt[@]}" "$name")" ;;
	curl)
		body=$(printf '{"Image":"%s","Cmd":["sleep","3600"],"Labels":{"io.berth.bench":"1"},"HostConfig":{}}' "$IMAGE")
		echo "$(shq curl -sf --unix-socket "$SOCK" -H 'Content-Type: application/json' -d "$body" \
			"http://localhost$API/containers/create?name=$name") && $(shq curl -sf --unix-socket "$SOCK" -X POST \
			"http://localhost$API/containers/$name/start") && $(shq curl -sf --unix-socket "$SOCK" -X DELETE \
			"http://localhost$API/containers/$name?force=1")" ;;
	# The empty loop of the same shape: the same sh and the same number of
	# fork+exec per lifecycle, of /bin/true. Its CPU is subtracted from the
	# clients', so neither xargs, sh nor the fork/exec of a process count.
	base2) echo "/bin/true && /bin/true" ;;
	base3) echo "/bin/true && /bin/true && /bin/true" ;;
	esac
}

# Forget (and remove, if any is left) the containers of one batch.
lc50_forget() { # PREFIX
	local prefix=$1 i
	for ((i = 1; i <= LC50_N; i++)); do printf '%s-%02d\n' "$prefix" "$i"; done |
		xargs -P 2 -I{} "$FLOOR" "$SOCK" DELETE "$API/containers/{}?force=1" >/dev/null 2>&1 || true
	grep -v "^$SOCK $prefix-" "$OURS" >"$OURS.tmp" || true
	mv "$OURS.tmp" "$OURS"
}

# One cell: LC50_N lifecycles of TOOL, MODE seq (one at a time: xargs -P 1)
# or par (xargs -P LC50_P); lib1 / libP go through lifecycle_threads.
lc50_cell() { # MODE TOOL
	local mode=$1 tool=$2 i name p=1 id prefix st wall user sys rc ok note=""
	id=lc50-$ENGINE-$mode-$tool
	prefix=bench-$RUN_ID-lc-$mode-$tool
	case "$tool" in base*) ;; *)
		for ((i = 1; i <= LC50_N; i++)); do printf '%s %s-%02d\n' "$SOCK" "$prefix" "$i"; done >>"$OURS" ;;
	esac
	case "$mode" in
	seq | par)
		[ "$mode" = par ] && p=$LC50_P
		for ((i = 1; i <= LC50_N; i++)); do lc50_line "$tool" "$(printf '%s-%02d' "$prefix" "$i")"; done >"$OUT/lc50/$id.jobs"
		"$PY" -c "$RUSAGE_PY" "$OUT/lc50/$id.rusage" xargs -P "$p" -d '\n' -n 1 sh -c \
			<"$OUT/lc50/$id.jobs" >/dev/null 2>"$OUT/log/$id.err" || true
		wall="" user="" sys="" rc=""
		[ -s "$OUT/lc50/$id.rusage" ] && IFS=$'\t' read -r wall user sys rc <"$OUT/lc50/$id.rusage"
		ok=$LC50_N
		[ "$rc" = 0 ] || { ok="?"; note="xargs exit $rc: $(grep -v '^\s*$' "$OUT/log/$id.err" | tail -n 1 | tr '\t' ' ' | cut -c1-100)"; } ;;
	lib1 | libP)
		[ "$mode" = libP ] && p=$LC50_P
		"$LT_BIN" "$URI" "$ENGINE" "$IMAGE" "$prefix" "$LC50_N" "$p" >"$OUT/lc50/$id.json" 2>"$OUT/log/$id.err" || true
		wall=$(sed -n 's/.*"wall_s":\([0-9.]*\).*/\1/p' "$OUT/lc50/$id.json")
		user=$(sed -n 's/.*"user_s":\([0-9.]*\).*/\1/p' "$OUT/lc50/$id.json")
		sys=$(sed -n 's/.*"sys_s":\([0-9.]*\).*/\1/p' "$OUT/lc50/$id.json")
		ok=$(sed -n 's/.*"ok":\([0-9]*\).*/\1/p' "$OUT/lc50/$id.json")
		[ "$ok" = "$LC50_N" ] || note="$(grep -v '^\s*$' "$OUT/log/$id.err" | tail -n 1 | tr '\t' ' ' | cut -c1-100)" ;;
	esac
	st=ok
	[ -n "$wall" ] && [ "$ok" = "$LC50_N" ] || st=fail
	case "$tool" in base*) ;; *) lc50_forget "$prefix" ;; esac
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$ENGINE" "$mode" "$tool" "$st" "$LC50_N" "$p" \
		"${wall:-}" "${user:-}" "${sys:-}" "$note" >>"$LC50"
	log "  $ENGINE $mode $tool: $st, ${wall:-?} s"
}

lc50_engine() {
	local tool mode sampler name
	mkdir -p "$OUT/lc50"
	# Does every client work at all? One untimed lifecycle each (also warms the engine).
	local -a tools=()
	for tool in berth cli curl; do
		[ "$tool" = curl ] && ! command -v curl >/dev/null && continue
		name=bench-$RUN_ID-lc-warm-$tool
		echo "$SOCK $name" >>"$OURS"
		if sh -c "$(lc50_line "$tool" "$name")" >/dev/null 2>"$OUT/log/lc50-$ENGINE-warm-$tool.err"; then
			tools+=("$tool")
		else
			"$FLOOR" "$SOCK" DELETE "$API/containers/$name?force=1" >/dev/null 2>&1 || true
			for mode in seq par; do
				printf '%s\t%s\t%s\tfail\t%s\t\t\t\t\t%s\n' "$ENGINE" "$mode" "$tool" "$LC50_N" \
					"$(tail -n 1 "$OUT/log/lc50-$ENGINE-warm-$tool.err" | tr '\t' ' ' | cut -c1-100)" >>"$LC50"
			done
			log "  $ENGINE lifecycles $tool: FAILED (see $OUT/log/lc50-$ENGINE-warm-$tool.err)"
		fi
	done
	# The 1-min load average every 5 s while the section runs.
	(while :; do cut -d' ' -f1 /proc/loadavg; sleep 5; done) >"$OUT/lc50/load-$ENGINE.txt" 2>/dev/null &
	sampler=$!
	meta "lc50_load_start_$ENGINE" "$(cut -d' ' -f1-3 /proc/loadavg)"
	for mode in seq par; do
		lc50_cell "$mode" base2
		lc50_cell "$mode" base3
		for tool in "${tools[@]}"; do lc50_cell "$mode" "$tool"; done
		lc50_cell "$([ "$mode" = seq ] && echo lib1 || echo libP)" berth
	done
	meta "lc50_load_end_$ENGINE" "$(cut -d' ' -f1-3 /proc/loadavg)"
	kill "$sampler" 2>/dev/null || true
	wait "$sampler" 2>/dev/null || true
	meta "lc50_load_samples_$ENGINE" "$(tr '\n' ' ' <"$OUT/lc50/load-$ENGINE.txt")"
}

# ---- event latency ------------------------------------------------------------------
# EV_N containers are killed one at a time; curl, the berth CLI and libberth
# subscribe to their events with the same label filter (bench/event_latency.c).
EV_N=$([ "$QUICK" = 1 ] && echo 10 || echo 30)
events_engine() {
	local f="$OUT/log/events-$ENGINE.txt"
	if "$BIN/event_latency" "$SOCK" "$BERTH" "$EV_N" >"$f" 2>&1; then
		awk -v e="$ENGINE" 'NF == 5 && $2 ~ /^[0-9]+$/ { print e "\t" $1 "\t" $2 "\t" $3 "\t" $4 "\t" $5 }
			$1 == "berth_rss_kib" { print e "\trss\t" $2 }' "$f" >>"$OUT/events.tsv"
	else
		log "$ENGINE: event latency could not be measured (see $f)"
	fi
}

# ---- log read throughput -------------------------------------------------------
# Two containers write a log and exit: LOGS_SHORT_MB of short lines (41
# bytes) and LOGS_LONG_MB of 16 KiB lines. Each client then reads the whole
# stored log (no follow) to /dev/null, LOGS_ROUNDS times, round-robin, under
# /usr/bin/time -v: wall, user + sys CPU and peak RSS of the client.
if [ "$QUICK" = 1 ]; then
	LOGS_SHORT_MB=${LOGS_SHORT_MB:-20}; LOGS_LONG_MB=${LOGS_LONG_MB:-20}; LOGS_ROUNDS=${LOGS_ROUNDS:-1}
else
	LOGS_SHORT_MB=${LOGS_SHORT_MB:-200}; LOGS_LONG_MB=${LOGS_LONG_MB:-200}; LOGS_ROUNDS=${LOGS_ROUNDS:-3}
fi
LOGS=$OUT/logs.tsv

logs_cmd() { # TOOL NAME
	local tool=$1 name=$2 target="$API/containers/$2/logs?stdout=1&stderr=1"
	CMD=""
	case "$tool" in
	floor) CMD=$(shq "$BIN/floor_logs" "$SOCK" "$target") ;;
	berth) CMD=$(shq "$BERTH" "${BSEL[@]}" logs "$name") ;;
	curl) command -v curl >/dev/null && CMD=$(shq curl -s --unix-socket "$SOCK" -o /dev/null "http://localhost$target") ;;
	cli) CMD=$(shq "${CLI[@]}" logs "$name") ;;
	docker-py) [ "$HAVE_PY" = 1 ] && CMD=$(shq "$PY" "$BENCH/peers/logs.py" "$URI" "$name") ;;
	esac
	return 0
}

logs_engine() {
	local shape mb name script tool round id rss wall user sys cmd
	for shape in short long; do
		name=bench-$RUN_ID-logs-$shape
		if [ "$shape" = short ]; then
			mb=$LOGS_SHORT_MB
			script="yes 'a short log line of forty-one bytes ..' | head -c $((mb << 20))"
		else
			mb=$LOGS_LONG_MB
			script="head -c 16383 /dev/zero | tr '\\0' x > /tmp/l; echo >> /tmp/l; i=0; while [ \$i -lt 64 ]; do cat /tmp/l; i=\$((i+1)); done > /tmp/b; i=0; while [ \$i -lt $mb ]; do cat /tmp/b; i=\$((i+1)); done"
		fi
		echo "$SOCK $name" >>"$OURS"
		log "$ENGINE: writing $mb MB of $shape lines"
		"$BERTH" -H "$URI" run -d --name "$name" -l "$LABEL" "$IMAGE" sh -c "$script" >/dev/null 2>"$OUT/log/logs-make-$ENGINE-$shape.err" ||
			{ log "  $ENGINE logs $shape: container failed"; continue; }
		"$BERTH" -H "$URI" wait "$name" >/dev/null 2>&1 || true
		for ((round = 1; round <= LOGS_ROUNDS; round++)); do
			for tool in floor berth curl cli docker-py; do
				logs_cmd "$tool" "$name"
				[ -n "$CMD" ] || continue
				id=logs-$ENGINE-$shape-$tool-$round
				local -a argv
				eval "argv=($CMD)"
				if ! /usr/bin/time -v -o "$OUT/mem/$id.txt" "${argv[@]}" >/dev/null 2>"$OUT/log/$id.err"; then
					printf '%s\t%s\t%s\t%s\tfail\t\t\t\t\t%s\n' "$ENGINE" "$shape" "$mb" "$tool" \
						"$(tail -n 1 "$OUT/log/$id.err" | tr '\t' ' ' | cut -c1-100)" >>"$LOGS"
					continue
				fi
				rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/mem/$id.txt")
				user=$(sed -n 's/.*User time (seconds): //p' "$OUT/mem/$id.txt")
				sys=$(sed -n 's/.*System time (seconds): //p' "$OUT/mem/$id.txt")
				wall=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$OUT/mem/$id.txt" |
					awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.3f", s }')
				printf '%s\t%s\t%s\t%s\tok\t%s\t%s\t%s\t%s\t\n' "$ENGINE" "$shape" "$mb" "$tool" \
					"$wall" "$user" "$sys" "$rss" >>"$LOGS"
				log "  $ENGINE logs $shape $tool: ${wall}s, cpu ${user}+${sys}s, ${rss} KiB"
			done
		done
		"$FLOOR" "$SOCK" DELETE "$API/containers/$name?force=1" >/dev/null 2>&1 || true
	done
}

# ---- pull from the local registry ------------------------------------------------
# The Debian Redis image provisioning pushes to the test registry (~180 MB in
# three layers) is pulled into a store that does not have it: the image is
# removed (untimed) before every pull. Clients per engine: berth, the
# engine's CLI (docker pull, podman pull, ctr images pull), and skopeo copy
# to a local directory, the floor of a client-side pull (no store, no
# unpack). Each pull runs under /usr/bin/time -v: wall, user + sys CPU and
# peak RSS of the client process (not the engine's). PULL_ROUNDS rounds
# (3, 1 with --quick), every client once per round.
PULL_REGISTRY=127.0.0.1:5000
PULL_REF=$PULL_REGISTRY/berth-test/redis:bookworm
PULL_ROUNDS=${PULL_ROUNDS:-$([ "$QUICK" = 1 ] && echo 1 || echo 3)}
PULL=$OUT/pull.tsv
PULL_DIR=$OUT/skopeo-dir

pull_ready() {
	curl -sf -m 5 -o /dev/null -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
		"http://$PULL_REGISTRY/v2/berth-test/redis/manifests/bookworm"
}

pull_cmd() { # ENGINE TOOL
	local eng=$1 tool=$2
	CMD=""
	case "$eng:$tool" in
	docker:berth) CMD=$(shq "$BERTH" pull -q "$PULL_REF") ;;
	docker:cli) CMD=$(shq "$DOCKER_CLI" pull -q "$PULL_REF") ;;
	podman:berth) CMD=$(shq "$BERTH" -E podman pull -q "$PULL_REF") ;;
	podman:cli) CMD=$(shq podman --url unix:///run/podman/podman.sock pull -q --tls-verify=false "$PULL_REF") ;;
	# (env execs berth in place: the same process, measured as berth; the
	# namespace is ctr's, whatever the caller's environment says)
	containerd:berth) CMD=$(shq env CONTAINERD_NAMESPACE=default "$BERTH" -E containerd pull -q "$PULL_REF") ;;
	containerd:cli) CMD=$(shq ctr -n default images pull --plain-http "$PULL_REF") ;;
	*:skopeo) command -v skopeo >/dev/null &&
		CMD=$(shq skopeo copy -q --src-tls-verify=false "docker://$PULL_REF" "dir:$PULL_DIR") ;;
	esac
	return 0
}

# Make the store cold for the next pull (untimed).
pull_forget() { # ENGINE TOOL
	case "$1:$2" in
	*:skopeo) rm -rf "$PULL_DIR" ;;
	docker:*) "$DOCKER_CLI" rmi -f "$PULL_REF" >/dev/null 2>&1 || true ;;
	podman:*) podman --url unix:///run/podman/podman.sock rmi -f "$PULL_REF" >/dev/null 2>&1 || true ;;
	containerd:*) ctr -n default images rm --sync "$PULL_REF" >/dev/null 2>&1 || true ;;
	esac
}

pull_engine() { # ENGINE
	local eng=$1 round tool id rss wall user sys note
	if ! pull_ready; then
		log "$eng: $PULL_REF is not in the registry (scripts/provision.sh pushes it): no pull rows"
		meta "pull_missing_$eng" "$PULL_REF"
		return 0
	fi
	meta "pull_load_start_$eng" "$(cut -d' ' -f1-3 /proc/loadavg)"
	for ((round = 1; round <= PULL_ROUNDS; round++)); do
		for tool in berth cli skopeo; do
			pull_cmd "$eng" "$tool"
			[ -n "$CMD" ] || continue
			id=pull-$eng-$tool-$round
			pull_forget "$eng" "$tool"
			local -a argv
			eval "argv=($CMD)"
			if ! /usr/bin/time -v -o "$OUT/mem/$id.txt" "${argv[@]}" >"$OUT/log/$id.out" 2>"$OUT/log/$id.err"; then
				note=$(grep -v '^\s*$' "$OUT/log/$id.err" | grep -v 'Command exited with non-zero status' |
					tail -n 1 | tr '\t' ' ' | cut -c1-120)
				# berth on an engine it cannot pull from yet: a row that says so
				if [ "$tool" = berth ] && grep -qiE 'cannot do image_pull|unsupported|not supported' "$OUT/log/$id.err"; then
					printf '%s\t%s\t%s\tunsupported\t\t\t\t\t%s\n' "$eng" "$tool" "$round" "$note" >>"$PULL"
				else
					printf '%s\t%s\t%s\tfail\t\t\t\t\t%s\n' "$eng" "$tool" "$round" "$note" >>"$PULL"
				fi
				log "  $eng pull $tool: FAILED: $note"
				continue
			fi
			rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/mem/$id.txt")
			user=$(sed -n 's/.*User time (seconds): //p' "$OUT/mem/$id.txt")
			sys=$(sed -n 's/.*System time (seconds): //p' "$OUT/mem/$id.txt")
			wall=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$OUT/mem/$id.txt" |
				awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.3f", s }')
			printf '%s\t%s\t%s\tok\t%s\t%s\t%s\t%s\t\n' "$eng" "$tool" "$round" "$wall" "$user" "$sys" "$rss" >>"$PULL"
			log "  $eng pull $tool: ${wall}s, cpu ${user}+${sys}s, ${rss} KiB"
		done
	done
	# leave the store as it was before the section: without the image
	pull_forget "$eng" berth
	rm -rf "$PULL_DIR"
	meta "pull_load_end_$eng" "$(cut -d' ' -f1-3 /proc/loadavg)"
}

# ---- section 9: the Python package against docker-py, in process ------------
python_section() {
	log "python: installing the package into build/python-venv"
	if ! bash "$ROOT/python/build-venv.sh" "$ROOT/build" >"$OUT/log/python-venv.log" 2>&1; then
		log "python: the package does not build (see $OUT/log/python-venv.log): section 9 skipped"
		return 0
	fi
	local engines=(${RUN_ENGINES[@]+"${RUN_ENGINES[@]}"})
	[ "$WANT_CTRD" = 1 ] && engines+=(containerd)
	log "python: berth vs docker-py in process ($(IFS=,; echo "${engines[*]}"))"
	"$ROOT/build/python-venv/bin/python" "$BENCH/python_inproc.py" $([ "$QUICK" = 1 ] && echo --quick) \
		--engines "$(IFS=,; echo "${engines[*]}")" --out "$OUT" 2>"$OUT/log/python.txt" >/dev/null ||
		log "python: section 9 failed (see $OUT/log/python.txt)"
}
# ---- section 10: scale (bench/scale.sh) and the events soak ---------------------
SOAK_EVENTS=${SOAK_EVENTS:-$([ "$QUICK" = 1 ] && echo 10000 || echo 100000)}
# Section 10's follows: FOLLOWS_N streams in one process for FOLLOWS_S seconds.
FOLLOWS_N=${FOLLOWS_N:-100}
FOLLOWS_S=${FOLLOWS_S:-$([ "$QUICK" = 1 ] && echo 10 || echo 30)}
scale_section() {
	local engines eng
	engines=$(tr ',' '\n' <<<"$ENGINES" | paste -sd, || true)
	[ "$WANT_CTRD" = 1 ] && [[ ",$engines," != *,containerd,* ]] && engines="$engines,containerd"
	log "section 10: lists as the engine fills up, on $engines"
	"$BENCH/scale.sh" --berth "$BERTH" --bin "$BIN" --engines "$engines" --out "$OUT" \
		$([ "$QUICK" = 1 ] && echo --runs 5) || log "section 10 could not be measured (see $OUT/scale/)"
	echo
	echo "### $FOLLOWS_N follows in one process: examples/streams_poll, one thread, ${FOLLOWS_S} s"
	echo
	echo "Each container writes a numbered line every 100 ms; one poll() loop serves every logs stream, an"
	echo "events watch and a list every second on one client. CPU and RSS are the whole process's."
	echo
	echo "| engine | streams | lines/s | MB delivered | CPU in the window | CPU per MB | CPU per 1000 lines | peak RSS | gaps | verdict |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"
	local ex=$ROOT/build/examples/berth-streams-poll
	for eng in ${engines//,/ }; do
		[ -x "$ex" ] || { log "section 10: $ex is missing: no follows row"; break; }
		"$BERTH" -E "$eng" ping >/dev/null 2>&1 || continue
		log "section 10: $FOLLOWS_N follows on $eng"
		BERTH_LOGGER=$ROOT/build/src/berth-logger timeout -s TERM 600 "$ex" -E "$eng" -n "$FOLLOWS_N" \
			-d "$FOLLOWS_S" --label io.berth.bench=1 >"$OUT/follows-$eng.txt" 2>"$OUT/log/follows-$eng.txt" || true
		"$PY" - "$OUT/follows-$eng.txt" "$eng" <<'PYEOF' || log "follows on $eng: no summary (see $OUT/log/follows-$eng.txt)"
import re, sys
t = open(sys.argv[1]).read()
def f(pat):
    m = re.search(pat, t, re.M)
    if not m:
        raise SystemExit("no match: " + pat)
    return m.groups()
streams = int(f(r"^started: (\d+) containers")[0])
rate, lines = f(r"^rate: ([\d.]+) lines/s in the window \((\d+) lines")
rate, lines = float(rate), int(lines)
nbytes, mbs = f(r"^bytes: (\d+) of logs frames in the window \(([\d.]+) MB/s\)")
cpu = float(f(r"^cpu: ([\d.]+) s user\+sys")[0])
rss = int(f(r"^memory: peak RSS (\d+) kB")[0])
gaps = "none" if re.search(r"^sequence: no gaps", t, re.M) else f(r"^sequence: (.*)$")[0]
verdict = f(r"^result: (\w+)")[0]
mb = int(nbytes) / 1e6
print("| %s | %d | %.0f | %.2f | %.2f s | %.2f s | %.0f ms | %.1f MiB | %s | %s |" % (sys.argv[2], streams, rate, mb,
      cpu, cpu / mb if mb > 0 else float("nan"), cpu / lines * 1e6 if lines else float("nan"), rss / 1024, gaps,
      verdict))
PYEOF
	done
	echo
	echo "### Events soak: $SOAK_EVENTS events (Docker, Podman: image tag + remove; containerd: container create + remove), one watch"
	echo
	echo "| engine | events made | seen | lost | seconds | watch+generator CPU | RSS after warm-up | RSS at end | end/start |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
	for eng in ${engines//,/ }; do
		"$BERTH" -E "$eng" ping >/dev/null 2>&1 || continue
		log "section 10: events soak on $eng ($SOAK_EVENTS events)"
		# containerd's watch carries container events only: containers made and removed there
		local mode=image
		[ "$eng" = containerd ] && mode=container
		"$BIN/events_soak" "$eng" "$SOAK_EVENTS" localhost/berth-test/busybox:latest "$mode" \
			>"$OUT/soak-$eng.json" 2>"$OUT/log/soak-$eng.txt" || true
		"$PY" - "$OUT/soak-$eng.json" <<'PYEOF' || log "events soak on $eng failed (see $OUT/log/soak-$eng.txt)"
import json, sys
r = json.loads(open(sys.argv[1]).read())
print("| %s | %d | %d | %d | %.0f | %.1f s | %.1f MiB | %.1f MiB | %.3f |" % (r["engine"], r["events_made"], r["events_seen"],
      r["lost"], r["seconds"], r["cpu_s"], r["rss_first_kib"] / 1024, r["rss_last_kib"] / 1024, r["rss_ratio"]))
PYEOF
	done
}
if [ "$SCALE_ONLY" = 1 ]; then
	meta mode scale-only
	scale_section | tee "$OUT/report.md"
	ln -sfn "$RUN_ID" "$BENCH/results/latest"
	exit 0
fi

if [ "$PY_ONLY" = 1 ]; then
	python_section
	[ -f "$OUT/python.md" ] && cat "$OUT/python.md"
	ln -sfn "$RUN_ID" "$BENCH/results/latest"
	exit 0
fi

# ---- run -------------------------------------------------------------------------
meta mode "$([ "$QUICK" = 1 ] && echo quick || echo full)"
meta run_id "$RUN_ID"
meta host "$(uname -srm), $(nproc) cores"
meta load_start "$(cut -d' ' -f1-3 /proc/loadavg)"
meta berth "$("$BERTH" --version 2>/dev/null | head -n1) ($(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD -- src include 2>/dev/null || echo ', with local changes'))"
meta hyperfine "$(hyperfine --version)"
meta docker_cli "$("$DOCKER_CLI" --version 2>/dev/null || echo none)"
meta podman_cli "$(podman --version 2>/dev/null || echo none)"
meta curl "$(curl --version 2>/dev/null | head -n1 | cut -d' ' -f1-2)"
meta docker_py "$([ "$HAVE_PY" = 1 ] && "$PY" -c 'import docker,sys; print("docker-py", docker.__version__, "on python", sys.version.split()[0])')"
meta dockerode "$([ "$HAVE_NODE" = 1 ] && echo "dockerode $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$BENCH/node_modules/dockerode/package.json" | head -n1) on node $(node --version)")"
meta rounds "$ROUNDS"
meta cell_budget "$CELL_BUDGET"
meta nps "$NPS"
meta ps_started "$PS_STARTED"
meta lc_runs "$LC_RUNS"
meta lc50_n "$LC50_N"
meta lc50_workers "$LC50_P"
meta ev_n "$EV_N"
meta lifecycles_only "$LC_ONLY"
meta pull_ref "$PULL_REF"
meta pull_rounds "$PULL_ROUNDS"
meta skopeo "$(skopeo --version 2>/dev/null || echo none)"
meta ctr "$(ctr --version 2>/dev/null || echo none)"

for e in ${RUN_ENGINES[@]+"${RUN_ENGINES[@]}"}; do
	set_engine "$e"
	meta "server_$e" "$("$FLOOR" "$SOCK" GET "$API/version" 2>/dev/null |
		"$PY" -c 'import json,sys; v=json.load(sys.stdin); print(v.get("Version","?"), "API", v.get("ApiVersion","?"))' 2>/dev/null || echo '?')"
	stale=$(count_containers "$SOCK" "$BENCH_FILTER")
	[ "$stale" = 0 ] || log "$e: $stale container(s) labelled $LABEL from an earlier run are left; they are not touched (remove them by hand)"
	meta "stale_$e" "$stale"
	meta "containers_before_$e" "$(count_containers "$SOCK")"

	if [ "$LC_ONLY" = 0 ] && [ "$LOGS_ONLY" = 0 ] && [ "$PULL_ONLY" = 0 ]; then
		log "$e: per-process rows with no bench containers"
		for op in ping ps0 version; do measure_row "$op"; done
		log "$e: in-process rows"
		for op in ping list0 version; do inproc_row "$op"; done

		make_many
		meta "containers_during_$e" "$(count_containers "$SOCK")"
		log "$e: per-process rows with $NPS containers"
		for op in ps50 inspect; do measure_row "$op"; done
		for op in list50 inspect; do inproc_row "$op"; done
		remove_many

		log "$e: container lifecycle, $LC_RUNS runs per client"
		lifecycle_engine
	fi

	if [ "$LOGS_ONLY" = 0 ] && [ "$PULL_ONLY" = 0 ]; then
		log "$e: $LC50_N lifecycles per client, sequential and with $LC50_P workers"
		lc50_engine
	fi
	if [ "$LC_ONLY" = 0 ] && [ "$LOGS_ONLY" = 0 ] && [ "$PULL_ONLY" = 0 ]; then
		log "$e: event latency, $EV_N die events per subscriber"
		events_engine
	fi
	if [ "$LOGS_RUN" = 1 ] && [ "$LC_ONLY" = 0 ] && [ "$PULL_ONLY" = 0 ]; then
		meta "logs_load_start_$e" "$(cut -d' ' -f1-3 /proc/loadavg)"
		logs_engine
		meta "logs_load_end_$e" "$(cut -d' ' -f1-3 /proc/loadavg)"
	fi
	if [ "$PULL_RUN" = 1 ] && [ "$LC_ONLY" = 0 ] && [ "$LOGS_ONLY" = 0 ]; then
		log "$e: pulls of $PULL_REF into a cold store, $PULL_ROUNDS round(s)"
		pull_engine "$e"
	fi
	meta "containers_after_$e" "$(count_containers "$SOCK")"
done
# containerd: berth against ctr, one process per call (version, and the
# container list of the default namespace as it is). Cells "pp containerd".
ctrd_rows() {
	local saved=("${TOOLS[@]}")
	ENGINE=containerd
	TOOLS=(berth ctr)
	meta server_containerd "$(ctr version 2>/dev/null | sed -n 's/^ *Version: *//p' | tail -n1)"
	meta containers_containerd "$(ctr -n default containers ls -q 2>/dev/null | wc -l)"
	log "containerd: berth vs ctr, per process"
	for op in version ps0; do measure_row "$op"; done
	TOOLS=("${saved[@]}")
}
# containerd's event latency: the same method, `ctr events` as the peer
ctrd_events() {
	local f="$OUT/log/events-containerd.txt"
	log "containerd: event latency, $EV_N die events per subscriber (ctr events as the peer)"
	if BERTH_LOGGER=${BERTH_LOGGER:-$ROOT/build/src/berth-logger} \
		"$BIN/event_latency" /run/containerd/containerd.sock "$BERTH" "$EV_N" containerd >"$f" 2>&1; then
		awk 'NF == 5 && $2 ~ /^[0-9]+$/ { print "containerd\t" $1 "\t" $2 "\t" $3 "\t" $4 "\t" $5 }
			$1 == "berth_rss_kib" { print "containerd\trss\t" $2 }' "$f" >>"$OUT/events.tsv"
	else
		log "containerd: event latency could not be measured (see $f)"
	fi
}
if [ "$WANT_CTRD" = 1 ] && [ -S /run/containerd/containerd.sock ] && command -v ctr >/dev/null &&
	"$BERTH" -E containerd ping >/dev/null 2>&1; then
	[ "$PULL_ONLY" = 0 ] && ctrd_rows
	if [ "$LC_ONLY" = 0 ] && [ "$LOGS_ONLY" = 0 ] && [ "$PULL_ONLY" = 0 ]; then
		ctrd_events
	fi
	if [ "$PULL_RUN" = 1 ] && [ "$LC_ONLY" = 0 ] && [ "$LOGS_ONLY" = 0 ]; then
		log "containerd: pulls of $PULL_REF into a cold store (ctr as the peer), $PULL_ROUNDS round(s)"
		pull_engine containerd
	fi
else
	meta skipped_engine containerd
fi
cleanup

meta load_end "$(cut -d' ' -f1-3 /proc/loadavg)"
meta seconds "$(($(date +%s) - T_START))"
[ "$PY_RUN" = 1 ] && [ "$LC_ONLY" = 0 ] && [ "$LOGS_ONLY" = 0 ] && [ "$PULL_ONLY" = 0 ] && python_section
"$PY" "$BENCH/report.py" "$OUT" | tee "$OUT/report.md"
ln -sfn "$RUN_ID" "$BENCH/results/latest"
if [ "$STACK_RUN" = 1 ] && [ "$LC_ONLY" = 0 ] && [ "$LOGS_ONLY" = 0 ] && [ "$PULL_ONLY" = 0 ]; then
	echo
	stack_section | tee -a "$OUT/report.md"
fi
[ -f "$OUT/python.md" ] && { echo; cat "$OUT/python.md"; } | tee -a "$OUT/report.md"
if [ "$SCALE_RUN" = 1 ] && [ "$LC_ONLY" = 0 ] && [ "$LOGS_ONLY" = 0 ] && [ "$PULL_ONLY" = 0 ]; then
	echo
	scale_section | tee -a "$OUT/report.md"
fi
log "raw results: $OUT (report.md, cells.tsv, hf/*.json, mem/*.txt)"

# containerd: one full lifecycle, berth against ctr's chain (its own table)
if [ "$PULL_ONLY" = 0 ] && "$BERTH" -E containerd ping >/dev/null 2>&1; then
	log "containerd: one lifecycle, berth vs ctr"
	"$BENCH/containerd_lifecycle.sh" "$LC_RUNS" | tee "$OUT/containerd-lifecycle.md" || true
fi
