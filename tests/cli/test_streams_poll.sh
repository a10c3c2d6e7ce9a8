#!/usr/bin/env bash
# The example examples/streams_poll.c (berth-streams-poll) against a real
# engine: one thread serving 100 followed logs streams and an events watch
# from one client, with a container list every second, for 10 s. Checks its
# verdict (every stream's lines contiguous, none starved), the summary's
# events and lists, that it removes its containers at the end and after a
# SIGTERM. Prints TAP; the example's summary goes into the TAP comments.
# Environment: BERTH_STREAMS_POLL (the example), BERTH_CLI (the berth
# binary: the engine check, the leftovers), BERTH_TEST_ENGINE
# (docker|podman|containerd); BERTH_STREAMS_POLL_N and
# BERTH_STREAMS_POLL_SECONDS change the 100 streams and the 10 s.
# The example names its containers berth-ex-PID-I; they carry
# io.berth.test.run=<run> too, and only those are removed here.
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
X=${BERTH_STREAMS_POLL:?BERTH_STREAMS_POLL must name the berth-streams-poll example}
E=${BERTH_TEST_ENGINE:-docker}
RUN="spoll$$"
STREAMS=${BERTH_STREAMS_POLL_N:-100}
SECONDS_=${BERTH_STREAMS_POLL_SECONDS:-10}
TMP=$(mktemp -d /tmp/berth-streams-poll-XXXXXX)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

cleanup() {
	reap_run
	rm -rf "$TMP"
}
trap cleanup EXIT

plan 13

# the containers of this run the engine still has
leftovers() {
	"$B" -E "$E" ps -a -q --filter "label=io.berth.test.run=$RUN" 2>/dev/null
}

# a number out of the summary: field LINE-PREFIX SED-EXPR
field() { sed -n "s/^$1: $2/\1/p" "$TMP/out" | head -1; }

# ---- a full run: N streams for a few seconds ---------------------------------------------
# the example cleans up after SIGTERM: a hung one is stopped that way
run timeout -s TERM 480 "$X" -E "$E" -n "$STREAMS" -d "$SECONDS_" --label "io.berth.test.run=$RUN"
sed 's/^/# /' "$TMP/out"
[ "$rc" = 0 ] || sed 's/^/# stderr: /' "$TMP/err" | head -20
check "$STREAMS streams for ${SECONDS_} s: exit 0" [ "$rc" = 0 ]
check "the verdict is PASS" grep -qx 'result: PASS' "$TMP/out"
check "it started $STREAMS containers, each with a logs stream" grep -q "^started: $STREAMS containers" "$TMP/out"
check "no stream had a gap (every stream contiguous from line 0)" grep -qx 'sequence: no gaps (every stream contiguous from line 0)' "$TMP/out"
min=$(field lines '.*per stream min \([0-9]*\) .*')
check "every stream received lines (the fewest: ${min:-none})" [ "${min:-0}" -gt 0 ]
check "no stream ended early" grep -q "^ended early: 0 of $STREAMS logs streams$" "$TMP/out"
events=$(field events '\([0-9]*\) .*')
started=$(field events '.*started \([0-9]*\),.*')
check "events were seen (${events:-none}; started ${started:-none})" [ "${events:-0}" -gt 0 ]
lists=$(field lists '\([0-9]*\) .*')
check "periodic lists were done (${lists:-none})" [ "${lists:-0}" -gt 0 ]
check "the summary has the peak RSS and the CPU time" bash -c "grep -q '^memory: peak RSS [0-9]* kB' '$TMP/out' && grep -q '^cpu: [0-9.]* s' '$TMP/out'"
check "it removed its $STREAMS containers" grep -qx "removed: $STREAMS containers" "$TMP/out"
left=$(leftovers)
check "no berth-ex container of this run is left" [ -z "$left" ]

# ---- SIGTERM while serving: it stops, says so and still removes its containers -----------
"$X" -E "$E" -n 3 -d 300 --label "io.berth.test.run=$RUN" >"$TMP/term.out" 2>"$TMP/term.err" &
pid=$!
for _ in $(seq 1 600); do
	grep -q '^started:' "$TMP/term.out" && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.2
done
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
out=$(cat "$TMP/term.out")
errout=$(cat "$TMP/term.err")
check "SIGTERM while serving: exit 1, says so, removes its 3 containers" \
	bash -c "[ $rc = 1 ] && grep -q 'stopped by signal 15' '$TMP/term.err' && grep -qx 'removed: 3 containers' '$TMP/term.out'"
left=$(leftovers)
check "... and none is left" [ -z "$left" ]

exit $((failed > 0))
