#!/usr/bin/env bash
# CLI tests of restart, kill, pause, unpause, rename, update, wait, ps
# --filter status, prune and port: run the built berth binary against a
# real engine and check output, effects and exit codes. Prints TAP.
# Environment: BERTH_CLI (the binary), BERTH_TEST_ENGINE (docker|podman).
# Creates only berth-t-* containers labelled io.berth.test.run=<run>, and
# removes only those (prune runs with this run's own label filter).
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
E=${BERTH_TEST_ENGINE:-docker}
RUN="ops$$"
IMAGE=localhost/berth-test/busybox:latest
TMP=$(mktemp -d /tmp/berth-ops-cli-XXXXXX)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

cleanup() {
	ids=$("$B" -E "$E" ps -a -q --no-trunc --filter "label=io.berth.test.run=$RUN" 2>/dev/null)
	[ -n "$ids" ] && "$B" -E "$E" rm -f $ids >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

# A field of `berth inspect --format json` (python expression on o).
field() {
	"$B" -E "$E" inspect --format json "$1" 2>/dev/null |
		python3 -c "import json,sys; o=json.load(sys.stdin)[0]; print($2)"
}

# The value of a cgroup v1 file of a container's main process.
cgroup_file() {
	local pid line
	pid=$(field "$1" 'o["Pid"]')
	line=$(grep -E "^[0-9]+:([^:]*,)?$2(,[^:]*)?:" "/proc/$pid/cgroup") || return 1
	cat "/sys/fs/cgroup/$(echo "$line" | cut -d: -f2)$(echo "$line" | cut -d: -f3-)/$3"
}

require_engine

echo "1..55"
L="io.berth.test.run=$RUN"
T="berth-t-$RUN-trap"
MISSING="berth-t-$RUN-missing"

bad_help=
for verb in restart kill pause unpause rename update wait prune port; do
	"$B" "$verb" --help >/dev/null 2>&1 || bad_help="$bad_help $verb"
done
rc=0 out=$bad_help errout=
check "every new verb answers --help with 0" [ -z "$bad_help" ]

# ---- kill ---------------------------------------------------------------------
"$B" -E "$E" run -d --name "$T" -l "$L" "$IMAGE" sh -c \
	"trap 'echo usr1 > /tmp/marker' USR1; trap 'exit 42' TERM; while :; do sleep 0.1; done" >/dev/null
sleep 0.5
PID=$(field "$T" 'o["Pid"]')
run "$B" -E "$E" kill -s USR1 "$T"
check "kill -s USR1 exits 0 and prints the name" bash -c "[ $rc = 0 ] && [ '$out' = '$T' ]"
for _ in $(seq 50); do [ -f "/proc/$PID/root/tmp/marker" ] && break; sleep 0.1; done
check "USR1 arrived: the trap wrote its marker" bash -c "[ \"\$(cat /proc/$PID/root/tmp/marker)\" = usr1 ]"
run "$B" -E "$E" kill -s NOPE "$T"
check "kill -s NOPE is a usage error (125) naming the signal" bash -c "[ $rc = 125 ] && grep -q NOPE '$TMP/err'"
run "$B" -E "$E" kill -s 0 "$T"
check "kill -s 0 is a usage error (125)" [ $rc = 125 ]
run "$B" -E "$E" kill -s sigterm "$T"
check "kill -s sigterm exits 0" [ $rc = 0 ]
run "$B" -E "$E" wait "$T"
check "wait prints the exit code the TERM trap chose (42)" bash -c "[ $rc = 0 ] && [ '$out' = 42 ]"
run "$B" -E "$E" kill "$T"
check "kill of a stopped container exits 1 (not running)" bash -c "[ $rc = 1 ] && grep -qi 'not running\|improper' '$TMP/err'"
run "$B" -E "$E" kill "$MISSING"
check "kill of a missing container exits 1 and names it" bash -c "[ $rc = 1 ] && grep -q '$MISSING' '$TMP/err'"

# ---- restart ------------------------------------------------------------------
R="berth-t-$RUN-restart"
"$B" -E "$E" run -d --name "$R" -l "$L" "$IMAGE" sleep 300 >/dev/null
PID=$(field "$R" 'o["Pid"]')
run "$B" -E "$E" restart -t 1 "$R"
check "restart -t 1 exits 0 and prints the name" bash -c "[ $rc = 0 ] && [ '$out' = '$R' ]"
NEWPID=$(field "$R" 'o["Pid"]')
check "after restart: running with a new pid" \
	bash -c "[ '$(field "$R" 'o["State"]')' = running ] && [ '$NEWPID' -gt 0 ] && [ '$NEWPID' != '$PID' ]"
run "$B" -E "$E" restart -t x "$R"
check "restart -t x is a usage error (125)" [ $rc = 125 ]
run "$B" -E "$E" restart "$MISSING"
check "restart of a missing container exits 1" [ $rc = 1 ]

# ---- pause / unpause --------------------------------------------------------------
run "$B" -E "$E" pause "$R"
check "pause exits 0 and prints the name" bash -c "[ $rc = 0 ] && [ '$out' = '$R' ]"
check "paused: the state says so" [ "$(field "$R" 'o["State"]')" = paused ]
check "paused: the freezer cgroup is FROZEN" [ "$(cgroup_file "$R" freezer freezer.state)" = FROZEN ]
run "$B" -E "$E" pause "$R"
check "pause of a paused container exits 1" bash -c "[ $rc = 1 ] && grep -q 'already paused' '$TMP/err'"
run "$B" -E "$E" unpause "$R"
check "unpause exits 0" bash -c "[ $rc = 0 ] && [ '$out' = '$R' ]"
check "unpaused: running again" [ "$(field "$R" 'o["State"]')" = running ]
run "$B" -E "$E" unpause "$R"
check "unpause of a running container exits 1" [ $rc = 1 ]
run "$B" -E "$E" pause "$MISSING"
check "pause of a missing container exits 1" [ $rc = 1 ]

# ---- update -------------------------------------------------------------------------
run "$B" -E "$E" update -m 64m --memory-swap 128m --cpus 0.5 -c 512 --pids-limit 50 "$R"
check "update exits 0 and prints the name" bash -c "[ $rc = 0 ] && [ '$out' = '$R' ]"
check "update: memory.limit_in_bytes is 64 MiB" [ "$(cgroup_file "$R" memory memory.limit_in_bytes)" = 67108864 ]
check "update: cpu.cfs_quota_us is 50000 (0.5 CPU)" [ "$(cgroup_file "$R" cpu cpu.cfs_quota_us)" = 50000 ]
check "update: cpu.shares is 512" [ "$(cgroup_file "$R" cpu cpu.shares)" = 512 ]
check "update: pids.max is 50" [ "$(cgroup_file "$R" pids pids.max)" = 50 ]
run "$B" -E "$E" update "$R"
check "update without a limit is a usage error (125)" [ $rc = 125 ]
run "$B" -E "$E" update --cpus abc "$R"
check "update --cpus abc is a usage error (125)" [ $rc = 125 ]
run "$B" -E "$E" update -m 1k "$R"
check "update -m 1k: 125, the message names memory" bash -c "[ $rc = 125 ] && grep -q 'memory' '$TMP/err'"
run "$B" -E "$E" update --restart on-failure:2 "$R"
if [ "$E" = docker ]; then
	check "update --restart on-failure:2 exits 0 (Docker)" [ $rc = 0 ]
else
	check "update --restart: Podman cannot, 125 naming restart_policy" \
		bash -c "[ $rc = 125 ] && grep -q 'restart_policy' '$TMP/err'"
fi
run "$B" -E "$E" update -m 64m "$MISSING"
check "update of a missing container exits 1" [ $rc = 1 ]

# ---- rename ---------------------------------------------------------------------------
R2="berth-t-$RUN-renamed"
run "$B" -E "$E" rename "$R" "$R2"
check "rename exits 0 and prints nothing" bash -c "[ $rc = 0 ] && [ -z '$out' ]"
check "the container answers to its new name" [ "$(field "$R2" 'o["Name"]')" = "$R2" ]
run "$B" -E "$E" rename "$R2" "$T"
check "rename to a taken name exits 1" bash -c "[ $rc = 1 ] && grep -q 'already in use' '$TMP/err'"
run "$B" -E "$E" rename "$R2" "-bad"
check "rename to an invalid name exits 125" [ $rc = 125 ]
run "$B" -E "$E" rename "$R2"
check "rename without a new name is a usage error (125)" [ $rc = 125 ]

# ---- wait ---------------------------------------------------------------------------------
"$B" -E "$E" run -d --name "berth-t-$RUN-w3" -l "$L" "$IMAGE" sh -c 'exit 3' >/dev/null
"$B" -E "$E" run -d --name "berth-t-$RUN-w5" -l "$L" "$IMAGE" sh -c 'sleep 1; exit 5' >/dev/null
run "$B" -E "$E" wait "berth-t-$RUN-w3" "berth-t-$RUN-w5"
check "wait of two prints both codes in order" bash -c "[ $rc = 0 ] && [ \"\$(cat '$TMP/out' | tr '\n' ' ')\" = '3 5 ' ]"
run "$B" -E "$E" wait "berth-t-$RUN-w3" "$MISSING"
check "wait with a missing one: its error, the other's code, exit 1" \
	bash -c "[ $rc = 1 ] && [ '$out' = 3 ] && grep -q '$MISSING' '$TMP/err'"
run "$B" -E "$E" kill "$R2"
run "$B" -E "$E" wait --format json "$R2"
check "wait --format json: 137, signal 9, not OOM" bash -c "python3 -c '
import json,sys
o=json.loads(sys.stdin.readline())
assert o[\"ExitCode\"]==137 and o[\"Signal\"]==9 and o[\"OOMKilled\"] is False, o' < '$TMP/out'"
"$B" -E "$E" run -d --name "berth-t-$RUN-slow" -l "$L" "$IMAGE" sleep 300 >/dev/null
start=$(date +%s%N)
run "$B" -E "$E" wait -t 1 "berth-t-$RUN-slow"
took=$((($(date +%s%N) - start) / 1000000))
check "wait -t 1 on a running container: 125 within about a second (${took} ms)" \
	bash -c "[ $rc = 125 ] && [ $took -lt 4000 ] && grep -q 'within' '$TMP/err'"
run "$B" -E "$E" wait --condition sometime "$R2"
check "wait --condition sometime is a usage error (125)" [ $rc = 125 ]

# ---- ps --filter status -------------------------------------------------------------------------
run "$B" -E "$E" ps -q --no-trunc --filter "label=$L" --filter status=running
check "ps --filter status=running lists the running one only" \
	[ "$out" = "$("$B" -E "$E" inspect --format json "berth-t-$RUN-slow" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Id"])')" ]
run "$B" -E "$E" ps --format json --filter "label=$L" --filter status=exited
check "ps --filter status=exited (no -a): only exited ones, all four" bash -c "python3 -c '
import json,sys
rows=[json.loads(l) for l in sys.stdin if l.strip()]
assert len(rows)==4 and all(r[\"State\"]==\"exited\" for r in rows), rows' < '$TMP/out'"
run "$B" -E "$E" ps --filter status=sleeping
check "ps --filter status=sleeping is a usage error (125)" [ $rc = 125 ]

# ---- prune -------------------------------------------------------------------------------------------
P="io.berth.test.prune=$RUN"
"$B" -E "$E" run -d --name "berth-t-$RUN-p1" -l "$L" -l "$P" "$IMAGE" true >/dev/null
"$B" -E "$E" run -d --name "berth-t-$RUN-p2" -l "$L" -l "$P" "$IMAGE" true >/dev/null
"$B" -E "$E" run -d --name "berth-t-$RUN-p3" -l "$L" -l "$P" "$IMAGE" sleep 300 >/dev/null
"$B" -E "$E" wait "berth-t-$RUN-p1" "berth-t-$RUN-p2" >/dev/null
run "$B" -E "$E" prune --filter "label=$P" </dev/null
check "prune without -f and without a terminal refuses (125)" \
	bash -c "[ $rc = 125 ] && grep -q 'confirmation' '$TMP/err' && grep -q -- '-f' '$TMP/err'"
check "... and removed nothing" bash -c "'$B' -E '$E' inspect 'berth-t-$RUN-p1' >/dev/null 2>&1"
run script -qec "'$B' -E '$E' prune --filter 'label=$P'" /dev/null <<<"n"
check "prune on a terminal answered 'n': exit 0, nothing removed" \
	bash -c "[ $rc = 0 ] && grep -q 'Are you sure' '$TMP/out' && '$B' -E '$E' inspect 'berth-t-$RUN-p1' >/dev/null 2>&1"
P1=$(field "berth-t-$RUN-p1" 'o["Id"]')
run "$B" -E "$E" prune -f --filter "label=$P"
check "prune -f --filter label: exit 0, lists the removed ids" \
	bash -c "[ $rc = 0 ] && grep -q '^Deleted Containers:' '$TMP/out' && grep -qx '$P1' '$TMP/out' && \
		[ \$(grep -c '^[0-9a-f]\{64\}\$' '$TMP/out') = 2 ] && grep -q '^Total reclaimed space: ' '$TMP/out'"
check "prune kept the running container and this run's others" \
	bash -c "'$B' -E '$E' inspect 'berth-t-$RUN-p3' >/dev/null && '$B' -E '$E' inspect 'berth-t-$RUN-w3' >/dev/null"
run "$B" -E "$E" prune -f --filter name=x
check "prune --filter name=x is a usage error (125)" [ $rc = 125 ]

# ---- port -------------------------------------------------------------------------------------------
PT="berth-t-$RUN-ports"
"${ENGINE_CLI[@]}" run -d --name "$PT" -l "$L" -p 127.0.0.1::80 -p 127.0.0.1::53/udp "$IMAGE" sleep 300 >/dev/null
run "$B" -E "$E" port "$PT"
check "port lists both bindings like docker" bash -c "[ $rc = 0 ] && \
	grep -qE '^53/udp -> 127\.0\.0\.1:[0-9]+\$' '$TMP/out' && grep -qE '^80/tcp -> 127\.0\.0\.1:[0-9]+\$' '$TMP/out'"
HP=$("${ENGINE_CLI[@]}" port "$PT" 80/tcp | head -1)
run "$B" -E "$E" port "$PT" 80
check "port NAME 80 prints the host address, as the engine's CLI does ($HP)" bash -c "[ $rc = 0 ] && [ '$out' = '$HP' ]"
run "$B" -E "$E" port "$PT" 81/tcp
check "port of an unpublished port exits 1" bash -c "[ $rc = 1 ] && grep -q \"no public port '81/tcp'\" '$TMP/err'"
run "$B" -E "$E" port "$PT" 70000
check "port 70000 is a usage error (125)" [ $rc = 125 ]
run "$B" -E "$E" port "$MISSING"
check "port of a missing container exits 1" [ $rc = 1 ]

[ $failed = 0 ]
