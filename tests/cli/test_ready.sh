#!/usr/bin/env bash
# CLI tests of `berth ready`: run the built binary against a real engine and
# check its output and exit codes (0 ready, 1 not ready: exited, unhealthy or
# timed out; 125 usage and engine errors). Prints TAP. Environment:
# BERTH_CLI (the binary), BERTH_TEST_ENGINE (docker|podman). Creates only
# berth-t-* containers labelled io.berth.test.run=<run>, removes only those.
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
E=${BERTH_TEST_ENGINE:-docker}
RUN="cliready$$"
IMAGE=localhost/berth-test/busybox:latest
HEALTH=localhost/berth-test/health:latest
TMP=$(mktemp -d /tmp/berth-cli-ready-XXXXXX)
n=0
failed=0

. "$(dirname "$0")/lib.sh"

cleanup() {
	reap_run
	rm -rf "$TMP"
}
trap cleanup EXIT


# start NAME IMAGE [CMD...]: a detached container of this run
start() {
	local name=$1
	shift
	"$B" -E "$E" run -d --name "berth-t-$RUN-$name" -l "io.berth.test.run=$RUN" "$@" >/dev/null
}

require_engine

echo "1..34"

# --- health: the image's check (1 s interval) turns healthy after ~1 s ---
start healthy "$HEALTH"
run "$B" -E "$E" ready --timeout 30 "berth-t-$RUN-healthy"
check "healthy container: exit 0" [ $rc = 0 ]
check "healthy container: says ready and healthy" has "$out" "ready after"
check "healthy container: health healthy" has "$out" "health healthy"
check "healthy container: as soon as known (${took} ms)" [ $took -lt 8000 ]
run "$B" -E "$E" wait --ready --timeout 30 "berth-t-$RUN-healthy"
check "wait --ready is the same command: exit 0" [ $rc = 0 ]
check "wait --ready says ready" has "$out" "ready after"
run "$B" -E "$E" inspect "berth-t-$RUN-healthy"
check "inspect shows the health" has "$out" "Health:      healthy (last check exited 0)"

# --- a health check given on the command line (berth runs it on Podman) ---
start cmdline-health --health-cmd 'test -f /tmp/up' --health-interval 500ms --health-retries 3 \
	"$IMAGE" sh -c 'sleep 1; touch /tmp/up; sleep 300'
run "$B" -E "$E" ready --timeout 30 "berth-t-$RUN-cmdline-health"
check "--health-cmd container: ready once its check passes (${took} ms)" bash -c "[ $rc = 0 ] && [ $took -ge 800 ] && [ $took -lt 8000 ]"

# --- unhealthy: the check never passes ---
start unhealthy "$HEALTH" sh -c 'echo waiting for the database; sleep 300'
run "$B" -E "$E" ready --timeout 30 "berth-t-$RUN-unhealthy"
check "unhealthy: exit 1" [ $rc = 1 ]
check "unhealthy: fails fast, well before the timeout (${took} ms)" [ $took -lt 15000 ]
check "unhealthy: says so" has "$errout" "turned unhealthy"
check "unhealthy: shows the last check's exit code" has "$errout" "last health check: exit 1"
check "unhealthy: shows the container's last output" has "$errout" "waiting for the database"

# --- exits before it is ready ---
start exits "$IMAGE" sh -c 'echo cannot bind >&2; sleep 1; exit 3'
run "$B" -E "$E" ready --timeout 30 --probe 'log:never printed' "berth-t-$RUN-exits"
check "exited first: exit 1" [ $rc = 1 ]
check "exited first: prints the exit code" [ "$out" = 3 ]
check "exited first: says it exited" has "$errout" "exited with code 3 before it was ready"
check "exited first: shows the last output" has "$errout" "cannot bind"
check "exited first: fails fast (${took} ms)" [ $took -lt 8000 ]

# --- timeout ---
start sleeper "$IMAGE" sh -c 'echo booting; sleep 1; echo "accepting connections"; sleep 300'
run "$B" -E "$E" ready --timeout 2 --probe 'log:never printed' "berth-t-$RUN-sleeper"
check "timeout: exit 1" [ $rc = 1 ]
check "timeout: says what is missing" has "$errout" "not ready after 2.0 s: probe log:never printed: no line matches"
check "timeout: within the deadline (${took} ms)" bash -c "[ $took -ge 2000 ] && [ $took -lt 5000 ]"

# --- probes: log and exec, all and any ---
run "$B" -E "$E" ready --timeout 20 --probe 'log:^accepting connections$' --probe 'exec:test -d /proc' "berth-t-$RUN-sleeper"
check "log + exec probes pass: exit 0" [ $rc = 0 ]
run "$B" -E "$E" ready --timeout 2 --probe 'exec:exit 7' --probe 'log:accepting' "berth-t-$RUN-sleeper"
check "one failing probe of all: exit 1 with its reason" bash -c "[ $rc = 1 ] && grep -q 'exec:exit 7: exited 7' '$TMP/err'"
run "$B" -E "$E" ready --timeout 10 --any --probe 'exec:exit 7' --probe 'log:accepting' "berth-t-$RUN-sleeper"
check "--any: one passing probe is enough" [ $rc = 0 ]

# --- tcp and http on a port published on 127.0.0.1 ---
start web -p 127.0.0.1::8080 -p 127.0.0.1::9090 \
	"$IMAGE" sh -c 'sleep 1; mkdir -p /www; echo hi > /www/index.html; exec httpd -f -p 8080 -h /www'
run "$B" -E "$E" ready --timeout 20 --probe tcp:8080 --probe http:8080/ "berth-t-$RUN-web"
check "tcp + http probes pass once httpd listens" [ $rc = 0 ]
run "$B" -E "$E" inspect "berth-t-$RUN-web"
check "inspect shows the published ports" has "$out" "8080/tcp -> 127.0.0.1:"
run "$B" -E "$E" inspect --format json "berth-t-$RUN-web"
check "inspect --format json has the ports" bash -c "python3 -c 'import json,sys; d=json.load(sys.stdin)[0]; assert len(d[\"Ports\"]) == 2 and d[\"Ports\"][0][\"HostIp\"] == \"127.0.0.1\"' <'$TMP/out'"
run "$B" -E "$E" ready --timeout 2 --probe tcp:9090 "berth-t-$RUN-web"
check "tcp probe on a published port nobody listens on: exit 1" [ $rc = 1 ]
run "$B" -E "$E" ready --timeout 10 --probe 'http:8080/nothere#404' "berth-t-$RUN-web"
check "http probe with an expected status" [ $rc = 0 ]
run "$B" -E "$E" ready --timeout 10 --probe tcp:7777 "berth-t-$RUN-web"
check "tcp probe on an unpublished port: 125, said at once" bash -c "[ $rc = 125 ] && grep -q 'not published' '$TMP/err' && [ $took -lt 3000 ]"

# --- usage and errors ---
run "$B" -E "$E" ready --probe bogus:1 "berth-t-$RUN-web"
check "a bad probe is a usage error (125)" bash -c "[ $rc = 125 ] && grep -q 'unknown kind' '$TMP/err'"
run "$B" -E "$E" ready
check "no container: 125" [ $rc = 125 ]
run "$B" -E "$E" ready "berth-t-$RUN-nosuch"
check "no such container: 1 (as docker)" [ $rc = 1 ]
run "$B" -E "$E" ready --help
check "--help: 0 and the usage" bash -c "[ $rc = 0 ] && grep -q 'Usage: berth ready' '$TMP/out'"

exit $((failed > 0))
