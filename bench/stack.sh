#!/usr/bin/env bash
# bench/stack.sh - examples/stack (PostgreSQL, Redis, a seed one-shot, a
# web service) brought up until every service is ready, then taken down,
# by berth compose and by the compose tools Debian ships: docker-compose
# (v1) on Docker, podman-compose on Podman. Prints a Markdown table of
# medians; raw numbers in OUT/stack.tsv. Called by run.sh (section 8), or
# on its own:
#
#   bench/stack.sh [--berth PATH] [--engines docker,podman] [--rounds N] [--out DIR]
#
# What each client does, timed under /usr/bin/time (wall; user + sys CPU of
# the client's process and what it waited for, never the engine's):
#   berth           berth compose up -d --wait; berth compose down -v
#   docker-compose  docker-compose up -d, then bench/peers/stack_poll.py
#                   until every container is healthy or exited 0 (v1 has no
#                   --wait); docker-compose down -v
#   podman-compose  the same with podman-compose (1.0.3 starts in order
#                   without waiting for conditions; the seed waits for its
#                   backends by itself). The poll runs the health checks
#                   through the libpod API: without systemd nothing else does.
# The poll's own CPU is listed apart and not added to the peer's, which
# favours the peers. Every client gets the same bound (120 s) for "ready".
# The images are pulled into each engine first (untimed), so no client
# pulls. A round runs every client once; clients alternate who goes first.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
BERTH=$ROOT/build/src/berth
ENGINES=docker,podman
ROUNDS=3
OUT=""
BOUND=120
while [ $# -gt 0 ]; do
	case "$1" in
	--berth) BERTH=$2; shift ;;
	--engines) ENGINES=$2; shift ;;
	--rounds) ROUNDS=$2; shift ;;
	--out) OUT=$2; shift ;;
	-h | --help) sed -n '2,27p' "$0"; exit 0 ;;
	*) echo "stack.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$OUT" ] || OUT=$BENCH/results/stack-$(date +%Y%m%d-%H%M%S)-$$
mkdir -p "$OUT/stack"
TSV=$OUT/stack.tsv
: >"$TSV"
FILE=$ROOT/examples/stack/compose.yaml
P=bench-stack-$$
PY=/usr/bin/python3
POLL=$BENCH/peers/stack_poll.py
export STACK_PORT=$((18900 + $$ % 90))
PODMAN_CONF=/etc/berth/podman-containers.conf
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

sock_of() { case "$1" in docker) echo /var/run/docker.sock ;; podman) echo /run/podman/podman.sock ;; esac; }

# timed ID CMD...: run under /usr/bin/time; sets W U S (seconds); returns its status
timed() {
	local id=$1; shift
	local rc=0
	/usr/bin/time -f '%e %U %S' -o "$OUT/stack/$id.time" "$@" >"$OUT/stack/$id.out" 2>"$OUT/stack/$id.err" || rc=$?
	read -r W U S < <(grep -E '^[0-9.]+ [0-9.]+ [0-9.]+$' "$OUT/stack/$id.time" | tail -n 1)
	return $rc
}

peer_of() { case "$1" in docker) echo docker-compose ;; podman) echo podman-compose ;; esac; }

# run_client ENGINE CLIENT ROUND: one up-until-ready and one down; a TSV line
run_client() {
	local eng=$1 tool=$2 round=$3 sock id ok=ok note=""
	local upw upu ups pw=0 pu=0 ps=0 dw du ds
	sock=$(sock_of "$eng")
	id=$eng-$tool-$round
	local -a up down
	case "$tool" in
	berth)
		up=("$BERTH" -E "$eng" compose -f "$FILE" -p "$P" up -d --wait --timeout "$BOUND")
		down=("$BERTH" -E "$eng" compose -f "$FILE" -p "$P" down -v) ;;
	docker-compose)
		up=(env DOCKER_HOST="unix://$sock" docker-compose -f "$FILE" -p "$P" up -d)
		down=(env DOCKER_HOST="unix://$sock" docker-compose -f "$FILE" -p "$P" down -v) ;;
	podman-compose)
		up=(env "CONTAINERS_CONF=$PODMAN_CONF" podman-compose -f "$FILE" -p "$P" up -d)
		down=(env "CONTAINERS_CONF=$PODMAN_CONF" podman-compose -f "$FILE" -p "$P" down -v) ;;
	esac
	if ! timed "$id-up" "${up[@]}"; then ok=fail; note="up: $(tail -n 1 "$OUT/stack/$id-up.err" | cut -c1-100)"; fi
	upw=$W upu=$U ups=$S
	if [ "$ok" = ok ] && [ "$tool" != berth ]; then
		local -a pargs=("$sock" "$P" 4 "$BOUND")
		[ "$eng" = podman ] && pargs+=(--libpod)
		if ! timed "$id-poll" "$PY" "$POLL" "${pargs[@]}"; then ok=fail; note="poll: $(tail -n 1 "$OUT/stack/$id-poll.err" | cut -c1-100)"; fi
		pw=$W pu=$U ps=$S
	fi
	# the page answers with the seeded values (untimed)
	if [ "$ok" = ok ] && ! curl -sf -m 10 "http://127.0.0.1:$STACK_PORT/cgi-bin/value" | grep -q 'postgres: hello from postgres'; then
		ok=fail; note="the page did not answer"
	fi
	if ! timed "$id-down" "${down[@]}"; then ok=fail; note="${note:+$note; }down: $(tail -n 1 "$OUT/stack/$id-down.err" | cut -c1-100)"; fi
	dw=$W du=$U ds=$S
	# whatever is left, berth removes it (untimed): the next client starts clean
	"$BERTH" -E "$eng" compose -p "$P" down -v -t 1 >/dev/null 2>&1 || true
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$eng" "$tool" "$round" "$ok" \
		"$upw" "$upu" "$ups" "$pw" "$pu" "$ps" "$dw" "$du" "$ds" "$note" >>"$TSV"
	log "  $eng $tool round $round: $ok up ${upw}s + poll ${pw}s, down ${dw}s; cpu $(echo "$upu $ups $du $ds" | awk '{printf "%.2f", $1+$2+$3+$4}')s $note"
}

IFS=, read -r -a WANT <<<"$ENGINES"
for eng in "${WANT[@]}"; do
	case "$eng" in docker | podman) ;; *) log "stack: $eng: no peer and no service names there; skipped"; continue ;; esac
	if ! "$BERTH" -E "$eng" ping >/dev/null 2>&1; then log "stack: $eng does not answer; skipped"; continue; fi
	peer=$(peer_of "$eng")
	command -v "$peer" >/dev/null || { log "stack: $peer is not installed; berth alone on $eng"; peer=""; }
	log "stack: $eng: pulling the stack's images (untimed)"
	for img in postgres redis web; do
		"$BERTH" -E "$eng" pull -q "127.0.0.1:5000/berth-test/$img:bookworm" >/dev/null ||
			{ log "stack: 127.0.0.1:5000/berth-test/$img:bookworm cannot be pulled (scripts/provision.sh pushes it)"; exit 2; }
	done
	for ((r = 1; r <= ROUNDS; r++)); do
		if [ -z "$peer" ]; then order=(berth); elif [ $((r % 2)) = 1 ]; then order=(berth "$peer"); else order=("$peer" berth); fi
		for tool in "${order[@]}"; do run_client "$eng" "$tool" "$r"; done
	done
done

"$PY" - "$TSV" "$ROUNDS" <<'PYEOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
print("## Section 8 — examples/stack: up until ready, then down -v\n")
print("PostgreSQL, Redis, a seed one-shot and a web service (examples/stack/compose.yaml), "
      "images already in the engine. *ready* = every service healthy or, for the seed, exited 0; "
      "berth: `compose up -d --wait`; the peers: `up -d`, then a poll (bench/peers/stack_poll.py, "
      "0.1 s, same 120 s bound; v1 and podman-compose have no --wait). Client CPU = user + sys of "
      "the client's process tree for up and down; the poll's CPU apart, not added. Medians of %s "
      "round(s).\n" % sys.argv[2])
print("| engine | client | up until ready (s) | down -v (s) | total (s) | client CPU (s) | poll CPU (s) | ok |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
by = {}
for r in rows:
    by.setdefault((r[0], r[1]), []).append(r)
med = lambda xs: statistics.median(xs) if xs else float("nan")
summary = {}
for (eng, tool), rs in by.items():
    good = [r for r in rs if r[3] == "ok"]
    f = lambda i: [float(r[i] or 0) for r in good]
    up = med([a + b for a, b in zip(f(4), f(7))])
    down = med(f(10))
    tot = med([a + b + c for a, b, c in zip(f(4), f(7), f(10))])
    cpu = med([a + b + c + d for a, b, c, d in zip(f(5), f(6), f(11), f(12))])
    poll = med([a + b for a, b in zip(f(8), f(9))])
    summary[(eng, tool)] = (tot, cpu)
    pc = "%.2f" % poll if tool != "berth" else "-"
    print("| %s | %s | %.2f | %.2f | %.2f | %.3f | %s | %d/%d |" % (eng, tool, up, down, tot, cpu, pc, len(good), len(rs)))
print()
for (eng, tool), (tot, cpu) in summary.items():
    if tool == "berth":
        continue
    b = summary.get((eng, "berth"))
    if b:
        print("- %s: berth %.2f s vs %s %.2f s wall (%s); client CPU %.3f s vs %.3f s = 1/%.0f (target: at most 1/5)"
              % (eng, b[0], tool, tot, "no slower" if b[0] <= tot else "SLOWER", b[1], cpu, cpu / b[1] if b[1] else float("inf")))
fails = [r for r in rows if r[3] != "ok"]
for r in fails:
    print("- failed: %s %s round %s: %s" % (r[0], r[1], r[2], r[13] if len(r) > 13 else ""))
PYEOF
