#!/usr/bin/env bash
# CLI tests: run the built berth binary against a real engine and check its
# output and exit codes. Prints TAP. Environment: BERTH_CLI (the binary),
# BERTH_TEST_ENGINE (docker|podman). Creates only berth-t-* containers and
# volumes labelled io.berth.test.run=<run>, and removes only those.
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
E=${BERTH_TEST_ENGINE:-docker}
RUN="cli$$"
IMAGE=localhost/berth-test/busybox:latest
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d /tmp/berth-cli-XXXXXX)
PIDS=()

. "$HERE/lib.sh"

cleanup() {
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	reap_run # only what this run made
	"${ENGINE_CLI[@]}" volume rm -f "berth-t-$RUN-vol" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

require_engine

echo "1..57"
NAME="berth-t-$RUN-web"

run "$B" --version
check "--version exits 0" [ $rc = 0 ]
check "--version names berth" has "$out" "berth version"

run "$B" -E "$E" version
check "version exits 0" [ $rc = 0 ]
check "version names the engine" has "$out" "Server: $E"

run "$B" -E "$E" detect
check "detect exits 0 when an engine is usable" [ $rc = 0 ]
check "detect marks the chosen $E endpoint" bash -c "grep -q '^\* .*ok: $E' '$TMP/out'"

run "$B" -E "$E" info
check "info exits 0" [ $rc = 0 ]

run "$B" -E nosuch ps
check "unknown engine exits 125" [ $rc = 125 ]
check "unknown engine message" has "$errout" 'berth: unknown engine "nosuch"'

run "$B" -H unix:///nonexistent/berth.sock ps
check "missing socket exits 125" [ $rc = 125 ]
check "missing socket message names the endpoint" has "$errout" "unix:///nonexistent/berth.sock"

run "$B" -H tcp://127.0.0.1:99999 ps
check "malformed DOCKER_HOST-style address exits 125" [ $rc = 125 ]

run env DOCKER_HOST=bogus://x "$B" ps
check "malformed DOCKER_HOST is reported" bash -c "[ $rc = 125 ] && grep -q 'bogus://x' '$TMP/err'"

run "$B" frobnicate
check "unknown command exits 125" [ $rc = 125 ]

run "$B" -E "$E" run -d --name "$NAME" -e BERTH_X=1 -l "io.berth.test.run=$RUN" -l tier=web "$IMAGE" sleep 300
check "run -d exits 0" [ $rc = 0 ]
check "run -d prints a 64-hex id" bash -c "[[ '$out' =~ ^[0-9a-f]{64}\$ ]]"
ID=$out

run "$B" -E "$E" ps
check "ps lists the container by name" has "$out" "$NAME"
check "ps has docker's header" has "$out" "CONTAINER ID   IMAGE"

run "$B" -E "$E" ps -q --filter "label=io.berth.test.run=$RUN"
check "ps -q --filter label prints the short id" [ "$out" = "${ID:0:12}" ]

run "$B" -E "$E" ps --format json --filter "name=$NAME"
check "ps --format json is JSON with the name" bash -c "python3 -c 'import json,sys; o=json.loads(sys.stdin.readline()); assert o[\"Name\"]==\"$NAME\" and o[\"Labels\"][\"tier\"]==\"web\"' < '$TMP/out'"

run "$B" -E "$E" inspect "$NAME"
check "inspect shows running" has "$out" "State:       running"

run "$B" -E "$E" inspect --format json "$NAME"
check "inspect --format json: running, env, labels, raw" bash -c "python3 -c '
import json,sys
o=json.load(sys.stdin)[0]
assert o[\"Running\"] and o[\"Pid\"]>0 and \"BERTH_X=1\" in o[\"Env\"]
assert o[\"Labels\"][\"io.berth.managed\"]==\"true\" and o[\"Raw\"][\"Id\"]==\"$ID\"' < '$TMP/out'"

run "$B" -E "$E" inspect "berth-t-$RUN-missing"
check "inspect of a missing container exits 1" [ $rc = 1 ]
check "inspect of a missing container names it" has "$errout" "berth-t-$RUN-missing"

run "$B" -E "$E" stop -t abc "$NAME"
check "stop -t abc is a usage error (125)" [ $rc = 125 ]

run "$B" -E "$E" stop -t 1 "$NAME"
check "stop -t 1 exits 0 and prints the name" bash -c "[ $rc = 0 ] && [ '$out' = '$NAME' ]"
run "$B" -E "$E" inspect --format json "$NAME"
check "after stop: exited 137 (SIGKILL after the grace)" bash -c "python3 -c 'import json,sys; o=json.load(sys.stdin)[0]; assert o[\"State\"]==\"exited\" and o[\"ExitCode\"]==137' < '$TMP/out'"

run "$B" -E "$E" stop "berth-t-$RUN-missing"
check "stop of a missing container exits 1" [ $rc = 1 ]

run "$B" -E "$E" rm "$NAME"
check "rm of a stopped container exits 0" [ $rc = 0 ]
run "$B" -E "$E" rm "$NAME"
check "rm of a missing container exits 1" [ $rc = 1 ]
run "$B" -E "$E" rm -f "$NAME"
check "rm -f of a missing container exits 0" [ $rc = 0 ]

run "$B" -E "$E" run -d --name x "$IMAGE"
check "an invalid name is refused with 125" bash -c "[ $rc = 125 ] && grep -q 'name' '$TMP/err'"
run "$B" -E "$E" run -d ""
check "an empty image is refused with 125" [ $rc = 125 ]
run "$B" -E "$E" run -d "Bad:Image"
check "a malformed image is refused with 125" bash -c "[ $rc = 125 ] && grep -qi 'lower *case' '$TMP/err'"
run "$B" -E "$E" run -d --pull never -l "io.berth.test.run=$RUN" localhost/berth-test/none:never
check "a missing image with --pull never: 125, 'no such image'" bash -c "[ $rc = 125 ] && grep -q 'no such image' '$TMP/err'"
run "$B" -E "$E" run -d --name "berth-t-$RUN-nocmd" -l "io.berth.test.run=$RUN" "$IMAGE" /no/such/cmd
check "a command that does not exist exits 127" [ $rc = 127 ]
run "$B" -E "$E" run --rm -l "io.berth.test.run=$RUN" "$IMAGE" sh -c 'echo fg; exit 3'
check "run without -d runs in the foreground: output, exit code" bash -c "[ $rc = 3 ] && [ \"\$(cat '$TMP/out')\" = fg ]"

# Named volumes survive a forced remove.
"${ENGINE_CLI[@]}" volume create "berth-t-$RUN-vol" >/dev/null
"${ENGINE_CLI[@]}" run -d --name "berth-t-$RUN-vol" -l "io.berth.test.run=$RUN" -v "berth-t-$RUN-vol:/data" "$IMAGE" sleep 300 >/dev/null
run "$B" -E "$E" rm -f "berth-t-$RUN-vol"
check "rm -f of a container with a named volume exits 0" [ $rc = 0 ]
run "${ENGINE_CLI[@]}" volume inspect "berth-t-$RUN-vol"
check "the named volume is still there" [ $rc = 0 ]

run "$B" -E containerd ps
check "--engine containerd ps answers (0) or says containerd is not there (125)" bash -c "[ $rc = 0 ] && grep -q 'CONTAINER ID' '$TMP/out' || { [ $rc = 125 ] && grep -q 'containerd' '$TMP/err'; }"

run "$B" platform --format json
check "platform --format json is JSON" bash -c "python3 -c 'import json,sys; o=json.load(sys.stdin); assert \"InContainer\" in o' < '$TMP/out'"
# On the host (this run's containers up): no, and what decided, also about
# a stray /.dockerenv these machines carry
run "$B" platform
check "platform on the host: not in a container" has "$out" "In container: no"
check "platform on the host prints the evidence that decided" bash -c "grep -q '^Evidence: .*nothing about this process marks a container' '$TMP/out' &&
	{ [ ! -e /.dockerenv ] || grep -q '/.dockerenv seen but alone not trusted' '$TMP/out'; }"

# Ownership: up replaces berth's own container of a name; reap removes an owner's.
OWN="berth-cli-$RUN"
UP="berth-t-$RUN-up"
run "$B" -E "$E" --owner "$OWN" up --name "$UP" -l "io.berth.test.run=$RUN" "$IMAGE" sleep 300
check "up exits 0 and prints the id" bash -c "[ $rc = 0 ] && [[ '$out' =~ ^[0-9a-f]{64}\$ ]]"
FIRST=$out
run "$B" -E "$E" --owner "$OWN" up --name "$UP" -l "io.berth.test.run=$RUN" "$IMAGE" sleep 301
check "up again replaces the container" bash -c "[ $rc = 0 ] && [ '$out' != '$FIRST' ]"
SECOND=$out
run "$B" -E "$E" --owner "$OWN" up --name "$UP" -l "io.berth.test.run=$RUN" localhost/berth-test/none:never
check "up with a missing image exits 125" [ $rc = 125 ]
run "$B" -E "$E" ps -q --no-trunc --filter "name=$UP"
check "and the running container is untouched" [ "$out" = "$SECOND" ]
run "$B" -E "$E" --owner other-owner up --name "$UP" "$IMAGE" sleep 5
check "up over another owner's container exits 1" bash -c "[ $rc = 1 ] && grep -q 'left alone' '$TMP/err'"
run "$B" -E "$E" reap --owner "$OWN"
check "reap --owner removes the owner's container" bash -c "[ $rc = 0 ] && grep -q '^1 container of' '$TMP/out'"
run "$B" -E "$E" reap
check "reap without an owner is a usage error (125)" [ $rc = 125 ]

# Inside a container of this engine: berth knows it is in one, finds its own
# id, and inspects itself through the engine's socket. The binary runs with
# the host's loader and libraries mounted read-only (the image is busybox).
LIBDIR=$(readlink -f "$(dirname "$(ldd "$B" | awk '/libc\.so/ {print $3}')")")
LOADER=$LIBDIR/$(basename "$(readlink -f /lib64/ld-linux-x86-64.so.2)")
case $E in docker) SOCK=/var/run/docker.sock ;; podman) SOCK=/run/podman/podman.sock ;; esac
SELF="berth-t-$RUN-self"
run "${ENGINE_CLI[@]}" run --rm --name "$SELF" -l "io.berth.test.run=$RUN" \
	-v "$LIBDIR:$LIBDIR:ro" -v "$B:/berth:ro" -v "$SOCK:/engine.sock" "$IMAGE" \
	"$LOADER" --library-path "$LIBDIR" /berth -H unix:///engine.sock platform --self --format json
check "platform --self inside a $E container exits 0" [ $rc = 0 ]
echo "$out" >"$TMP/self.json"
check "inside: in a container, runtime $E" bash -c "python3 -c '
import json,sys
o=json.load(sys.stdin)
assert o[\"InContainer\"] and o[\"Runtime\"]==\"$E\", o' < '$TMP/self.json'"
check "inside: the id found is 64 hex digits" bash -c "python3 -c '
import json,re,sys
o=json.load(sys.stdin)
assert re.fullmatch(\"[0-9a-f]{64}\", o[\"ContainerId\"]), o' < '$TMP/self.json'"
check "inside: inspect-self names this container" bash -c "python3 -c '
import json,sys
o=json.load(sys.stdin)
assert o[\"Name\"]==\"$SELF\" and o[\"Image\"]==\"$IMAGE\", o' < '$TMP/self.json'"

# Faults: an engine that never answers, one that is not JSON, one that truncates.
python3 "$HERE/fake_engine.py" "$TMP/silent.sock" silent & PIDS+=($!)
python3 "$HERE/fake_engine.py" "$TMP/notjson.sock" notjson & PIDS+=($!)
python3 "$HERE/fake_engine.py" "$TMP/trunc.sock" truncate & PIDS+=($!)
for _ in $(seq 50); do [ -S "$TMP/silent.sock" ] && [ -S "$TMP/notjson.sock" ] && [ -S "$TMP/trunc.sock" ] && break; sleep 0.1; done

start=$(date +%s%N)
run "$B" --timeout 1 -H "unix://$TMP/silent.sock" ps
took=$((($(date +%s%N) - start) / 1000000))
check "a silent engine: 125 with a timeout message, within the deadline (${took} ms)" bash -c "[ $rc = 125 ] && grep -q 'no answer' '$TMP/err' && [ $took -lt 5000 ]"
run "$B" -H "unix://$TMP/notjson.sock" ps
check "a reply that is not JSON: 125 and says so" bash -c "[ $rc = 125 ] && grep -q 'not JSON' '$TMP/err'"
run "$B" -H "unix://$TMP/trunc.sock" ps
check "a truncated reply: 125 and says so" bash -c "[ $rc = 125 ] && grep -q 'truncated' '$TMP/err'"

[ $failed = 0 ]
