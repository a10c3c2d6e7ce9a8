#!/usr/bin/env bash
# CLI tests of berth compose on one engine: config (normalized, --services,
# -q, a bad file's position and exit code 125), up -d --wait of a two-service
# project with a health-checked dependency, ps (table, JSON with health),
# logs with service prefixes, exec in a service, stop/start, up again
# leaving it alone, down (volume kept) and down -v, down of a project that
# does not exist. Prints TAP.
# Environment: BERTH_CLI (the binary), BERTH_TEST_ENGINE
# (docker|podman|containerd). Makes only the project berth-t-RUN-cli (its
# containers, network and volume) and removes only that.
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
E=${BERTH_TEST_ENGINE:-docker}
RUN="cmp$$"
TMP=$(mktemp -d /tmp/berth-compose-cli-XXXXXX)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
IMAGE=localhost/berth-test/busybox:latest
P=berth-t-$RUN-cli

cleanup() {
	"$B" -E "$E" compose -p "$P" down -v -t 1 >/dev/null 2>&1
	"$B" -E "$E" compose -p "berth-t-$RUN-blink" down -v -t 1 >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

if [ "$E" = containerd ]; then plan 21; else plan 23; fi

cat >"$TMP/compose.yaml" <<EOF
name: $P
services:
  db:
    image: $IMAGE
    command: ["sh", "-c", "echo db says \${GREETING:-hello}; touch /data/ready; exec sleep 600"]
    volumes: [store:/data]
    healthcheck:
      test: ["CMD", "test", "-f", "/data/ready"]
      interval: 1s
      retries: 20
    stop_grace_period: 1s
  app:
    image: $IMAGE
    command: sh -c 'echo app up; exec sleep 600'
    depends_on:
      db:
        condition: service_healthy
    environment:
      - ROLE=app
    stop_grace_period: 1s
volumes:
  store: {}
EOF
cd "$TMP" || exit 1

run "$B" -E "$E" compose config --services
check "config --services: sorted names" [ "$rc" = 0 -a "$out" = $'app\ndb' ]
run "$B" -E "$E" compose config
check "config: normalized, the variable filled in" bash -c "[ $rc = 0 ] && grep -q 'db says hello' <<<'$out' && grep -q 'service_healthy' <<<'$out'"
GREETING=hi run "$B" -E "$E" compose config
check "config: \${VAR:-default} takes the environment" bash -c "grep -q 'db says hi' <<<'$out'"
run "$B" -E "$E" compose config -q
check "config -q: silent" [ "$rc" = 0 -a -z "$out" ]
printf 'services:\n  a:\n    image: x\n    bogus: 1\n' >"$TMP/bad.yaml"
run "$B" -E "$E" compose -f "$TMP/bad.yaml" config
check "a bad file: exit 125, FILE:LINE:COL and the key" bash -c "[ $rc = 125 ] && grep -q 'bad.yaml:4:' <<<'$errout' && grep -q bogus <<<'$errout'"
run "$B" -E "$E" compose -f "$TMP/none.yaml" config
check "a missing file: exit 1 or 125 with its name" bash -c "[ $rc != 0 ] && grep -q none.yaml <<<'$errout'"

run "$B" -E "$E" compose up -d --wait
check "up -d --wait: exit 0" [ "$rc" = 0 ]
check "up: the dependency healthy before the dependant started" bash -c "
	h=\$(grep -n '$P-db-1 .*Healthy' <<<'$errout' | cut -d: -f1); s=\$(grep -n '$P-app-1 .*Started' <<<'$errout' | cut -d: -f1)
	[ -n \"\$h\" ] && [ -n \"\$s\" ] && [ \"\$h\" -lt \"\$s\" ]"
run "$B" -E "$E" compose ps
check "ps: both services in the table" bash -c "head -n 1 <<<'$out' | grep -q '^NAME  *IMAGE  *SERVICE  *STATUS' && grep -q '$P-db-1' <<<'$out' && grep -q '$P-app-1' <<<'$out'"
run "$B" -E "$E" compose ps --format json
check "ps --format json: the db healthy" python3 -c "
import json, sys
rows = {r['Service']: r for r in map(json.loads, sys.argv[1].splitlines())}
assert rows['db']['Health'] == 'healthy' and rows['db']['State'] == 'running', rows
assert rows['app']['Project'] == '$P', rows
" "$out"
run "$B" -E "$E" compose logs db app
check "logs: lines prefixed with their service" bash -c "grep -q '^db-1 *| db says hello' <<<'$out' && grep -q '^app-1 *| app up' <<<'$out'"
run "$B" -E "$E" compose exec -T app sh -c 'echo $ROLE'
check "exec -T: runs in the service" [ "$rc" = 0 -a "$out" = app ]
run "$B" -E "$E" compose exec -T nope true
check "exec in a service that does not exist: exit 125" [ "$rc" = 125 ]

run "$B" -E "$E" compose up -d
check "up again: nothing made anew" bash -c "[ $rc = 0 ] && ! grep -q 'Creating\|Recreating' <<<'$errout' && grep -q 'Running' <<<'$errout'"
run "$B" -E "$E" compose stop
check "stop: dependants first" bash -c "
	a=\$(grep -n '$P-app-1 .*Stopped' <<<'$errout' | cut -d: -f1); d=\$(grep -n '$P-db-1 .*Stopped' <<<'$errout' | cut -d: -f1)
	[ $rc = 0 ] && [ -n \"\$a\" ] && [ -n \"\$d\" ] && [ \"\$a\" -lt \"\$d\" ]"
run "$B" -E "$E" compose start
run2=$("$B" -E "$E" compose ps --format json 2>/dev/null)
check "start: both run again" bash -c "[ $rc = 0 ] && [ \$(grep -c '\"State\": *\"running\"' <<<'$run2') = 2 ]"

run "$B" -E "$E" compose down -t 1
check "down: exit 0, the containers gone" bash -c "[ $rc = 0 ] && [ -z \"\$('$B' -E '$E' compose -p '$P' ps -q)\" ]"
run "$B" -E "$E" volume inspect "${P}_store"
check "down: the named volume kept" [ "$rc" = 0 ]
run "$B" -E "$E" compose down -v -t 1
run "$B" -E "$E" volume inspect "${P}_store"
check "down -v: the volume gone" [ "$rc" = 1 ]
run "$B" -E "$E" compose -p "berth-t-$RUN-nothing" down
check "down of a project that does not exist: exit 0" [ "$rc" = 0 ]

# An engine that goes away in the middle of an up (a proxy on the Engine API
# socket drops everything at the second container create and is gone for
# 2 s): a clear error, no hang; the next up completes the project.
if [ "$E" != containerd ]; then
	case "$E" in docker) ESOCK=/var/run/docker.sock ;; *) ESOCK=/run/podman/podman.sock ;; esac
	P2=berth-t-$RUN-blink
	cat >"$TMP/blink.yaml" <<EOF
services:
  first:
    image: $IMAGE
    command: sleep 600
    stop_grace_period: 1s
  second:
    image: $IMAGE
    command: sleep 600
    stop_grace_period: 1s
    depends_on: [first]
EOF
	python3 "$HERE/../scripts/engine-blink.py" "$TMP/blink.sock" "$ESOCK" 1 2 &
	BLINK=$!
	for _ in $(seq 1 50); do [ -S "$TMP/blink.sock" ] && break; sleep 0.1; done
	run timeout 60 "$B" -E "$E" -H "unix://$TMP/blink.sock" compose -f "$TMP/blink.yaml" -p "$P2" up -d
	check "an engine gone in the middle of up: an error naming the engine, no hang" bash -c \
		"[ $rc != 0 ] && [ $rc != 124 ] && grep -q 'blink.sock' <<<'$errout'"
	sleep 2.5
	run "$B" -E "$E" compose -f "$TMP/blink.yaml" -p "$P2" up -d
	run2=$("$B" -E "$E" compose -p "$P2" ps --format json 2>/dev/null)
	check "the next up completes the project" bash -c "[ $rc = 0 ] && [ \$(grep -c '\"State\": *\"running\"' <<<'$run2') = 2 ]"
	kill $BLINK 2>/dev/null
	wait $BLINK 2>/dev/null
	"$B" -E "$E" compose -p "$P2" down -v -t 1 >/dev/null 2>&1
fi
exit $((failed > 0))
