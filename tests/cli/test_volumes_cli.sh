#!/usr/bin/env bash
# CLI tests of berth volume create|ls|inspect|rm|prune on one engine: the
# printed name, docker's table and JSON, inspect's JSON with the containers
# that use a volume, -v NAME:/path through run, rm of a volume in use,
# prune's confirmation and its label filter, and exit codes. Prints TAP.
# Environment: BERTH_CLI (the binary), BERTH_TEST_ENGINE
# (docker|podman|containerd). Makes only volumes and containers named
# berth-t-RUN-... and labelled io.berth.test.run=RUN, and removes only those.
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
E=${BERTH_TEST_ENGINE:-docker}
RUN="vol$$"
TMP=$(mktemp -d /tmp/berth-volumes-cli-XXXXXX)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
IMAGE=localhost/berth-test/busybox:latest
V=berth-t-$RUN-data
V2=berth-t-$RUN-spare
L="io.berth.test.run=$RUN"

cleanup() {
	reap_run
	local vols
	vols=$("$B" -E "$E" volume ls -q --filter "label=$L" 2>/dev/null)
	for v in $vols "$V"; do "$B" -E "$E" volume rm "$v" >/dev/null 2>&1; done
	rm -rf "$TMP"
}
trap cleanup EXIT

plan 22

run "$B" -E "$E" volume create --label "$L" --label tier=db "$V"
check "create prints the name" [ "$rc" = 0 -a "$out" = "$V" ]
run "$B" -E "$E" volume create --label "$L"
check "create without a name prints the engine's (64 hex digits)" bash -c "[ $rc = 0 ] && grep -qx '[0-9a-f]\{64\}' <<<'$out'"
ANON=$out
run "$B" -E "$E" volume create --label "$L" --label tier=cache "$V2"
check "create a second" [ "$rc" = 0 ]

run "$B" -E "$E" volume ls --filter "label=$L"
check "ls: docker's table" bash -c "head -n 1 <<<'$out' | grep -q '^DRIVER  *VOLUME NAME$' && grep -q '^local  *$V$' <<<'$out'"
check "ls --filter: this run's three" [ "$(tail -n +2 <<<"$out" | wc -l)" = 3 ]
run "$B" -E "$E" volume ls -q --filter "label=$L" --filter label=tier=db
check "ls -q with two filters: only the one" [ "$out" = "$V" ]
run "$B" -E "$E" volume ls --format json --filter "label=$L" --filter tier=x
check "ls: a filter that is not label=: exit 125" [ "$rc" = 125 ]
run "$B" -E "$E" volume ls --format json --filter "label=$L"
check "ls --format json: one object a line" bash -c "[ \$(wc -l <<<'$out') = 3 ] && python3 -c 'import json,sys; [json.loads(l)[\"Name\"] for l in sys.stdin]' <<<'$out'"

run "$B" -E "$E" volume inspect "$V"
check "inspect: a JSON array of docker's shape" python3 -c "
import json, sys
v = json.loads(sys.argv[1])[0]
assert v['Name'] == '$V' and v['Driver'] == 'local' and v['Mountpoint'].startswith('/'), v
assert v['Labels']['tier'] == 'db' and v['UsedBy'] == [], v
" "$out"
run "$B" -E "$E" volume inspect "$V" berth-t-$RUN-none
check "inspect of one missing: exit 1, the found one printed" bash -c "[ $rc = 1 ] && grep -q '$V' <<<'$out' && grep -qi 'no such volume' <<<'$errout'"

# a container writes, another reads it after the first is gone
run "$B" -E "$E" run --name "berth-t-$RUN-w" --label "$L" -v "$V:/data" "$IMAGE" sh -c 'echo kept > /data/f'
check "run -v NAME:/path writes into the volume" [ "$rc" = 0 ]
run "$B" -E "$E" rm -v "berth-t-$RUN-w"
check "rm -v of the writer" [ "$rc" = 0 ]
run "$B" -E "$E" run --rm --name "berth-t-$RUN-r" --label "$L" -v "$V:/data:ro" "$IMAGE" cat /data/f
check "another container reads what the first wrote" [ "$rc" = 0 -a "$out" = kept ]

# in use
"$B" -E "$E" create --name "berth-t-$RUN-u" --label "$L" -v "$V:/data" "$IMAGE" true >/dev/null
run "$B" -E "$E" volume inspect "$V"
check "inspect names the container that uses it" bash -c "grep -q 'berth-t-$RUN-u' <<<'$out'"
run "$B" -E "$E" volume rm "$V"
check "rm of a volume in use: exit 1 naming the container" bash -c "[ $rc = 1 ] && grep -q 'berth-t-$RUN-u' <<<'$errout'"

# prune: asks, refuses without a terminal, keeps what is in use
run "$B" -E "$E" volume prune --filter "label=$L" </dev/null
check "prune without -f and without a terminal: exit 125, nothing removed" bash -c "[ $rc = 125 ] && '$B' -E '$E' volume inspect '$V2' >/dev/null"
run python3 "$HERE/pty_drive.py" "until:[y/N];type:n;wait:1" -- "$B" -E "$E" volume prune --filter "label=$L"
check "prune on a terminal asks; no keeps everything" bash -c "grep -q 'Are you sure' '$TMP/out' && '$B' -E '$E' volume inspect '$V2' >/dev/null"
run "$B" -E "$E" volume prune -f --filter "label=$L"
check "prune -f: the unused ones go" bash -c "[ $rc = 0 ] && grep -qx '$V2' <<<'$out' && grep -qx '$ANON' <<<'$out' && grep -q 'Total reclaimed space' <<<'$out'"
check "prune never takes a volume in use" "$B" -E "$E" volume inspect "$V"

"$B" -E "$E" rm "berth-t-$RUN-u" >/dev/null
run "$B" -E "$E" volume rm "$V" "berth-t-$RUN-none"
check "rm: each name, exit 1 for the missing one" bash -c "[ $rc = 1 ] && grep -qx '$V' <<<'$out'"
run "$B" -E "$E" volume rm "bad/name"
check "rm of a malformed name: exit 125" [ "$rc" = 125 ]
run "$B" -E "$E" volume create -o novalue "berth-t-$RUN-bad"
check "create -o without =: exit 125" [ "$rc" = 125 ]

exit $((failed > 0))
