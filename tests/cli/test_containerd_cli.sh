#!/usr/bin/env bash
# CLI tests of berth on containerd: version, info, ps, inspect, rm, images,
# image inspect|tag|rm|import. Containers are made with `ctr` (berth's
# own create is the lifecycle's), named berth-t-<run>-* and labelled
# io.berth.test.run=<run>; only those, and the image names of this run,
# are removed. Prints TAP. Environment: BERTH_CLI (the binary).
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
E=containerd
RUN="ctrd$$"
IMAGE=localhost/berth-test/busybox:latest
TMP=$(mktemp -d /tmp/berth-ctrd-cli-XXXXXX)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
C=berth-t-$RUN-cli

cleanup() {
	reap_run
	"$B" -E "$E" image rm "localhost/berth-t-$RUN/saved:1" "localhost/berth-t-$RUN/tagged:1" \
		"localhost/berth-t-$RUN/layered:1" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

plan 42

run "$B" -E "$E" version
check "version: exit 0" [ "$rc" = 0 ]
check "version names containerd and its version" has "$out" "Server: containerd"
run "$B" -E "$E" version --format json
check "version --format json is JSON" python3 -c "import json,sys; json.loads(sys.argv[1])" "$out"
run "$B" -E "$E" info
check "info: storage driver overlayfs" has "$out" "overlayfs"

run "${ENGINE_CLI[@]}" containers create --label "io.berth.test.run=$RUN" --label "app=web" "$IMAGE" "$C" sleep 300
check "a container made with ctr" [ "$rc" = 0 ]
run "$B" -E "$E" ps -a --filter "label=io.berth.test.run=$RUN"
check "ps -a shows it as Created" has "$out" "Created"
run "$B" -E "$E" ps --filter "label=io.berth.test.run=$RUN" -q
check "ps without -a leaves it out" [ -z "$out" ]
run "$B" -E "$E" ps -a -q --filter "label=app=nope" --filter "label=io.berth.test.run=$RUN"
check "ps label filters must all match" [ -z "$out" ]
run "$B" -E "$E" inspect "$C"
check "inspect: state created" has "$out" "State:       created"
run "$B" -E "$E" inspect "$C"
check "inspect: the image id is the image's config digest, as image inspect says" has "$out" "$("$B" -E "$E" image inspect "$IMAGE" | sed -n 's/^Id: *//p')"
run "$B" -E "$E" inspect --format json "$C"
check "inspect --format json: its labels" python3 -c "import json,sys; o=json.loads(sys.argv[1])[0]; assert o['Labels']['app']=='web', o" "$out"

run "${ENGINE_CLI[@]}" tasks start -d "$C"
check "its task started with ctr" [ "$rc" = 0 ]
run "$B" -E "$E" ps --filter "label=io.berth.test.run=$RUN"
check "ps shows it Up" has "$out" "Up"
run "$B" -E "$E" inspect --format json "$C"
check "inspect: running with a pid" python3 -c "import json,sys; o=json.loads(sys.argv[1])[0]; assert o['Running'] and o['Pid']>0, o" "$out"
run "$B" -E "$E" stats --no-stream --format json "$C"
check "stats of a task ctr started: one pid, memory within the host's" python3 -c "import json,sys; o=json.loads(sys.argv[1]); o=o[0] if isinstance(o,list) else o; assert o['pids']==1 and 0<o['memory_usage']<o['memory_limit'], o" "$out"
run "$B" -E "$E" top "$C"
check "top shows its command" has "$out" "sleep 300"
run "$B" -E "$E" top "$C" aux
check "top with ps arguments containerd cannot take: exit 125" [ "$rc" = 125 ]
check "top names them" has "$errout" "aux"
run "$B" -E "$E" rm "$C"
check "rm of a running container: exit 1" [ "$rc" = 1 ]
check "rm says it is running" has "$errout" "running"
run "$B" -E "$E" rm -f "$C"
check "rm -f: exit 0" [ "$rc" = 0 ]
run "${ENGINE_CLI[@]}" containers ls -q
check "the container record is gone" bash -c "! grep -qx '$C' <<<'$out'"
run "${ENGINE_CLI[@]}" snapshots ls
check "its snapshot is gone" bash -c "! grep -q '$C' <<<'$out'"
run "$B" -E "$E" rm -f "$C"
check "rm -f again: exit 0 (idempotent)" [ "$rc" = 0 ]
run "$B" -E "$E" rm "$C"
check "rm of a missing container: exit 1" [ "$rc" = 1 ]

# prune: the created one goes, the running one stays
"${ENGINE_CLI[@]}" containers create --label "io.berth.test.run=$RUN" "$IMAGE" "$C-idle" sleep 300 >/dev/null
"${ENGINE_CLI[@]}" containers create --label "io.berth.test.run=$RUN" "$IMAGE" "$C-busy" sleep 300 >/dev/null
"${ENGINE_CLI[@]}" tasks start -d "$C-busy" >/dev/null
run "$B" -E "$E" prune -f --filter "label=io.berth.test.run=$RUN"
check "prune: exit 0" [ "$rc" = 0 ]
check "prune names the created container" has "$out" "$C-idle"
run "$B" -E "$E" ps -a -q --no-trunc --filter "label=io.berth.test.run=$RUN"
check "prune left the running one" [ "$out" = "$C-busy" ]
run "$B" -E "$E" rm -f "$C-busy"
check "rm -f of the running one" [ "$rc" = 0 ]

run "$B" -E "$E" images
check "images lists the test image" has "$out" "localhost/berth-test/busybox"
run "$B" -E "$E" image inspect localhost/berth-test/health:latest
check "image inspect: exposed port and health check" bash -c "grep -q 8080/tcp <<<'$out' && grep -q CMD-SHELL <<<'$out'"
run "$B" -E "$E" image tag "$IMAGE" "localhost/berth-t-$RUN/tagged:1"
check "image tag" [ "$rc" = 0 ]
run "$B" -E "$E" image rm "localhost/berth-t-$RUN/tagged:1"
check "image rm of the new name" [ "$rc" = 0 ]
run "$B" -E "$E" image inspect "localhost/berth-t-$RUN/tagged:1"
check "image inspect of a removed name: exit 1" [ "$rc" = 1 ]

run env CONTAINERD_NAMESPACE="berth-t-$RUN-ns" "$B" -E "$E" ps -a -q
check "a namespace that does not exist reads as empty" [ "$rc:$out" = "0:" ]
run "${ENGINE_CLI[@]}" namespaces ls -q
check "... and reading it does not create it" bash -c "! grep -qx 'berth-t-$RUN-ns' <<<'$out'"

if /usr/bin/docker -H unix:///var/run/docker.sock tag "$IMAGE" "localhost/berth-t-$RUN/saved:1" 2>/dev/null &&
	/usr/bin/docker -H unix:///var/run/docker.sock save "localhost/berth-t-$RUN/saved:1" -o "$TMP/saved.tar" &&
	/usr/bin/docker -H unix:///var/run/docker.sock rmi "localhost/berth-t-$RUN/saved:1" >/dev/null; then
	# the loading process's pid: its leases and snapshots carry it, so the
	# check below is blind to other pulls and loads running meanwhile
	run bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$TMP/load.pid" "$B" -E "$E" image load - <"$TMP/saved.tar"
	LOAD_PID=$(cat "$TMP/load.pid")
	check "image load from a pipe names the image" has "$out" "Loaded image: localhost/berth-t-$RUN/saved:1"
	run "${ENGINE_CLI[@]}" images check
	check "ctr sees it complete and unpacked" bash -c "grep 'berth-t-$RUN/saved:1' <<<'$out' | grep -q 'complete.*true'"
	check "the import left no lease and no unpack snapshot behind" bash -c \
		"! ${ENGINE_CLI[*]} leases ls -q | grep -q 'berth-import-$LOAD_PID-' && ! ${ENGINE_CLI[*]} snapshots ls | grep -q 'berth-unpack-$LOAD_PID-'"
else
	ok 0 "image import # SKIP no docker to make the archive"
	ok 0 "unpacked # SKIP no docker to make the archive"
	ok 0 "nothing left # SKIP no docker to make the archive"
fi
# A layer containerd has never seen: the import unpacks it for real.
mkdir -p "$TMP/ctx"
echo "$RUN" >"$TMP/ctx/run.txt"
printf 'FROM %s\nCOPY run.txt /run.txt\n' "$IMAGE" >"$TMP/ctx/Dockerfile"
D=(/usr/bin/docker -H unix:///var/run/docker.sock)
if DOCKER_BUILDKIT=0 "${D[@]}" build -q -t "localhost/berth-t-$RUN/layered:1" "$TMP/ctx" >/dev/null 2>&1 &&
	"${D[@]}" save "localhost/berth-t-$RUN/layered:1" -o "$TMP/layered.tar" &&
	"${D[@]}" rmi "localhost/berth-t-$RUN/layered:1" >/dev/null; then
	run bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$TMP/load.pid" "$B" -E "$E" load -i "$TMP/layered.tar"
	LOAD_PID=$(cat "$TMP/load.pid")
	check "import of an image with a new layer" [ "$rc" = 0 ]
	run "${ENGINE_CLI[@]}" run --rm --label "io.berth.test.run=$RUN" "localhost/berth-t-$RUN/layered:1" "$C-cat" cat /run.txt
	check "its unpacked root file system has the new file" [ "$out" = "$RUN" ]
	"$B" -E "$E" image rm "localhost/berth-t-$RUN/layered:1" >/dev/null
	run "${ENGINE_CLI[@]}" snapshots ls
	check "no unpack snapshot left behind" bash -c "! grep -q 'berth-unpack-$LOAD_PID-' <<<'$out'"
else
	ok 0 "layered import # SKIP no docker to build the image"
	ok 0 "unpacked file # SKIP no docker to build the image"
	ok 0 "nothing left # SKIP no docker to build the image"
fi
exit $((failed > 0))
