#!/usr/bin/env bash
# CLI tests of `berth events`: replay with --since/--until and a label
# filter (docker-like text lines, JSON lines), a live watch that flushes
# each event and ends cleanly on Ctrl-C (SIGINT), and bad input answered
# with 125 before any request. Prints TAP.
# containerd keeps no event history: there the same window is watched live
# (started before the container, ended by --until) instead of replayed,
# and the actions are its topics.
# Environment: BERTH_CLI (the binary), BERTH_TEST_ENGINE (docker|podman|containerd).
# Creates only berth-t-* containers labelled io.berth.test.run=<run>.
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
E=${BERTH_TEST_ENGINE:-docker}
RUN="ev$$"
IMAGE=localhost/berth-test/busybox:latest
TMP=$(mktemp -d /tmp/berth-events-cli-XXXXXX)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

watcher=
w1= w2=
cleanup() {
	[ -n "$watcher" ] && kill "$watcher" 2>/dev/null
	[ -n "$w1$w2" ] && kill $w1 $w2 2>/dev/null
	reap_run
	rm -rf "$TMP"
}
trap cleanup EXIT

plan 12
LABEL="io.berth.test.run=$RUN"

# the action words of create, start, die and the removal
if [ "$E" = containerd ]; then
	W_CREATE=/containers/create W_START=/tasks/start W_DIE=/tasks/exit W_RM=/containers/delete
else
	W_CREATE=create W_START=start W_DIE=die W_RM='(destroy|remove)'
fi

# --- replay: a container that ran and went, between two times -------------------
t0=$(date +%s.%N)
if [ "$E" = containerd ]; then
	# nothing to replay: watch the window live, to an --until ahead
	tend=$(($(date +%s) + 6))
	timeout 20 "$B" -E "$E" events --until "$tend" --filter "label=$LABEL" >"$TMP/w1" 2>"$TMP/w1.err" &
	w1=$!
	timeout 20 "$B" -E "$E" events --until "$tend" --filter "label=$LABEL" --filter event=die --format json \
		>"$TMP/w2" 2>"$TMP/w2.err" &
	w2=$!
	sleep 1
fi
run "$B" -E "$E" run -d --name "berth-t-$RUN-a" --label "$LABEL" "$IMAGE" sh -c 'exit 5'
id=$out
check "run a container that exits 5" [ "$rc" = 0 ]
run "$B" -E "$E" wait "$id"
"$B" -E "$E" rm "$id" >/dev/null 2>&1
sleep 0.3
t1=$(date +%s.%N)

# run_window N ARGS...: the replay of the window (containerd: watcher N's output)
run_window() {
	local w=$1
	shift
	if [ "$E" = containerd ]; then
		local pid=$w1
		[ "$w" = 2 ] && pid=$w2
		wait "$pid"
		rc=$?
		out=$(cat "$TMP/w$w")
		errout=$(cat "$TMP/w$w.err")
	else
		run timeout 20 "$B" -E "$E" events --since "$t0" --until "$t1" "$@"
	fi
}

run_window 1 --filter "label=$LABEL"
check "events --since --until ends by itself with 0" [ "$rc" = 0 ]
die_line=$(grep " container $W_DIE " <<<"$out")
check "a docker-like die line: TIME container die ID (exitCode=5, ..., name=...)" \
	grep -Eq "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z container $W_DIE $id \(.*exitCode=5.*name=berth-t-$RUN-a" <<<"$die_line"
check "create, start, die in that order, once each" \
	[ "$(grep -oE " container ($W_CREATE|$W_START|$W_DIE) " <<<"$out" | tr -d ' ' | tr '\n' ,)" = "container$W_CREATE,container$W_START,container$W_DIE," ]
check "the removal is there (destroy on Docker, remove on Podman, /containers/delete on containerd)" \
	grep -Eq " container $W_RM $id" <<<"$out"

run_window 2 --filter "label=$LABEL" --filter event=die --format json
check "--format json: JSON lines as the engine sends them" python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.argv[1].splitlines()]
assert len(lines) == 1, lines
assert lines[0]["Action"] == sys.argv[2] and lines[0]["Actor"]["Attributes"]["exitCode"] == "5"
' "$out" "$W_DIE"

# --- live: flushed per event, Ctrl-C ends it -----------------------------------------
"$B" -E "$E" events --filter "label=$LABEL" --format json >"$TMP/live" 2>"$TMP/live.err" &
watcher=$!
sleep 0.5
"$B" -E "$E" run -d --name "berth-t-$RUN-b" --label "$LABEL" "$IMAGE" sh -c 'exit 6' >/dev/null
seen=1
for _ in $(seq 1 100); do
	grep -q "\"Action\":\"$W_DIE\"" "$TMP/live" && { seen=0; break; }
	sleep 0.1
done
out=$(cat "$TMP/live")
ok $seen "a live die is in the output while berth still runs (flushed per event)"
kill -INT "$watcher"
t=0
while kill -0 "$watcher" 2>/dev/null && [ $t -lt 30 ]; do sleep 0.1; t=$((t + 1)); done
wait "$watcher"
rc=$?
watcher=
errout=$(cat "$TMP/live.err")
check "SIGINT ends it at once with 0" [ "$rc" = 0 ] && [ $t -lt 30 ]

# --- bad input: 125 before any request ----------------------------------------------------
run "$B" -E "$E" events --since yesterday
check "--since yesterday: 125 naming the time" [ "$rc" = 125 ] && has "$errout" yesterday
run "$B" -E "$E" events --filter bogus=1
check "--filter bogus=1: 125" [ "$rc" = 125 ]
run "$B" -E "$E" events --filter type=nonsense
check "--filter type=nonsense: 125 naming the type" [ "$rc" = 125 ] && has "$errout" nonsense
run "$B" -E "$E" events --since 2h --until 3h
check "--until before --since: 125" [ "$rc" = 125 ]
exit $((failed > 0))
