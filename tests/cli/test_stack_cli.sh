#!/usr/bin/env bash
# The real stack of examples/stack on one engine: PostgreSQL and Redis with
# health checks, a seed one-shot, a web service that reads both back.
# up -d --wait in dependency and health order, ps with health, the page on
# the published port carries the values this run seeded, up again leaves
# everything alone, down -v takes the containers, network and volume.
# On containerd the services find each other through the /etc/hosts berth
# keeps for the members of a network.
# Prints TAP.
# Environment: BERTH_CLI (the binary), BERTH_TEST_ENGINE
# (docker|podman|containerd). Makes only the project berth-t-RUN-stack and
# removes only that. The images come from the test registry
# (scripts/provision.sh pushes them): missing, a skip locally and a failure
# in CI.
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
E=${BERTH_TEST_ENGINE:-docker}
RUN="stk$$"
TMP=$(mktemp -d /tmp/berth-stack-cli-XXXXXX)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
FILE=$(cd "$HERE/../.." && pwd)/examples/stack/compose.yaml
P=berth-t-$RUN-stack
PORT=$((18100 + $$ % 800))
export STACK_PORT=$PORT STACK_GREETING="redis says $RUN" STACK_MESSAGE="postgres says $RUN"
C=("$B" -E "$E" compose -f "$FILE" -p "$P")

cleanup() {
	"${C[@]}" down -v -t 2 >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

require_engine
for img in postgres redis web; do
	if ! curl -sf -m 5 -o /dev/null -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
		"http://127.0.0.1:5000/v2/berth-test/$img/manifests/bookworm"; then
		if [ -n "${CI:-}" ]; then
			echo "1..1"
			echo "not ok 1 - 127.0.0.1:5000/berth-test/$img:bookworm is in the test registry (scripts/provision.sh pushes it)"
			exit 1
		fi
		echo "1..0 # SKIP 127.0.0.1:5000/berth-test/$img:bookworm is not in the test registry (run scripts/provision.sh)"
		exit 0
	fi
done

# the line number in $errout of "CONTAINER ... WORD"
line_of() { grep -n "$P-$1-1 .*$2" <<<"$errout" | head -n 1 | cut -d: -f1; }
before() { # A-SERVICE A-WORD B-SERVICE B-WORD
	local a b
	a=$(line_of "$1" "$2"); b=$(line_of "$3" "$4")
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ]
}

plan 13
run "${C[@]}" up -d --wait
check "up -d --wait: exit 0" [ "$rc" = 0 ]
check "up: db and cache healthy before seed started" bash -c "
	$(declare -f line_of before); P='$P'; errout=\$(cat '$TMP/err')
	before db Healthy seed Started && before cache Healthy seed Started"
check "up: seed exited before web started" bash -c "
	$(declare -f line_of before); P='$P'; errout=\$(cat '$TMP/err')
	before seed Exited web Started"
run "${C[@]}" ps -a --format json
check "ps: db, cache and web healthy, seed exited 0" python3 -c "
import json, sys
rows = {r['Service']: r for r in map(json.loads, sys.argv[1].splitlines())}
for s in ('db', 'cache', 'web'):
    assert rows[s]['State'] == 'running' and rows[s]['Health'] == 'healthy', rows[s]
assert rows['seed']['State'] == 'exited' and 'Exited (0)' in rows['seed']['Status'], rows['seed']
" "$out"
run curl -sS -m 10 "http://127.0.0.1:$PORT/cgi-bin/value"
check "the page carries the value seeded into Redis" has "$out" "redis: redis says $RUN"
check "the page carries the row seeded into PostgreSQL" has "$out" "postgres: postgres says $RUN"
before_ids=$("$B" -E "$E" ps -a -q --no-trunc --filter "label=com.docker.compose.project=$P" | sort)

run "${C[@]}" up -d --wait
check "up again: exit 0, nothing made anew" bash -c "[ $rc = 0 ] && ! grep -q 'Creating\|Recreating' '$TMP/err'"
after_ids=$("$B" -E "$E" ps -a -q --no-trunc --filter "label=com.docker.compose.project=$P" | sort)
check "up again: the same four containers" bash -c "[ -n '$before_ids' ] && [ '$before_ids' = '$after_ids' ] && [ \$(wc -l <<<'$after_ids') = 4 ]"
run curl -sS -m 10 "http://127.0.0.1:$PORT/cgi-bin/value"
check "up again: the page answers the same" bash -c "grep -q 'redis: redis says $RUN' <<<'$out' && grep -q 'postgres: postgres says $RUN' <<<'$out'"

run "${C[@]}" down -v -t 5
check "down -v: exit 0, no container of the project left" bash -c "[ $rc = 0 ] && [ -z \"\$('$B' -E '$E' compose -p '$P' ps -aq)\" ]"
check "down -v: web stopped before db and cache (dependants first)" bash -c "
	$(declare -f line_of before); P='$P'; errout=\$(cat '$TMP/err')
	before web Stopped db Stopping && before web Stopped cache Stopping"
run "$B" -E "$E" volume inspect "${P}_pgdata"
check "down -v: the data volume gone" [ "$rc" = 1 ]
run curl -sS -m 3 "http://127.0.0.1:$PORT/cgi-bin/value"
check "down -v: the port no longer answers" [ "$rc" != 0 ]
exit $((failed > 0))
