#!/usr/bin/env bash
# CLI tests of berth pull: from the test registry (127.0.0.1:5000, started
# by scripts/provision.sh), plain output, the terminal's progress (through
# a pseudo-terminal), -q, and the exit codes of failures. Prints TAP.
# Environment: BERTH_CLI (the binary), BERTH_TEST_ENGINE (docker|podman|containerd).
# Pulls only 127.0.0.1:5000/berth-test/* and removes only those.
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
E=${BERTH_TEST_ENGINE:-docker}
RUN="img$$"
TMP=$(mktemp -d /tmp/berth-images-cli-XXXXXX)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
REF=127.0.0.1:5000/berth-test/busybox

PUSHED=127.0.0.1:5000/berth-test/push-$RUN:1
ALIAS=localhost/berth-t-$RUN/alias:1
cleanup() {
	"$B" -E "$E" image rm -f "$ALIAS" >/dev/null 2>&1
	"$B" -E "$E" image rm -f "$REF:latest" >/dev/null 2>&1
	"$B" -E "$E" image rm -f "$PUSHED" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

plan 23
if ! curl -sf -m 3 http://127.0.0.1:5000/v2/ >/dev/null; then
	[ -n "${CI:-}" ] && { echo "not ok 1 - the test registry is not up (scripts/provision.sh starts it)"; exit 1; }
	for i in $(seq 1 20); do echo "ok $i # SKIP no test registry"; done
	exit 0
fi

"$B" -E "$E" image rm -f "$REF:latest" >/dev/null 2>&1
run "$B" -E "$E" pull "$REF"
check "pull exits 0" [ "$rc" = 0 ]
check "pull ends with the reference and its tag" [ "$(tail -n 1 <<<"$out")" = "$REF:latest" ]
if [ "$E" != podman ]; then
	check "pull prints the digest ($E)" bash -c "grep -q '^Digest: sha256:[0-9a-f]\{64\}$' <<<'$out'"
else
	check "pull says where it pulls from (podman)" bash -c "grep -q '^Trying to pull $REF:latest' <<<'$out'"
fi
check "the image is there" "$B" -E "$E" image inspect "$REF:latest"
check "plain output has no terminal escapes" bash -c "! grep -q $'\\033' <<<'$out'"

run "$B" -E "$E" pull -q "$REF"
check "pull -q prints only the reference" [ "$out" = "$REF:latest" ]

"$B" -E "$E" image rm -f "$REF:latest" >/dev/null 2>&1
run python3 "$HERE/pty_drive.py" "until:$REF:latest;wait:0.5" -- "$B" -E "$E" pull "$REF"
check "pull on a terminal shows the progress and the reference" bash -c "grep -q 'berth-test/busybox:latest' '$TMP/out' && grep -qx 'exit 0' '$TMP/out'"

run "$B" -E "$E" pull "$REF:no-such-tag"
check "a missing tag: exit 1, the registry's words" bash -c "[ $rc = 1 ] && grep -qi 'not found\|unknown' <<<'$errout'"
run "$B" -E "$E" pull 127.0.0.1:5009/berth-test/busybox
check "no registry there: exit 125, naming it" bash -c "[ $rc = 125 ] && grep -q '127.0.0.1:5009' <<<'$errout'"
run "$B" -E "$E" pull 'Bad/Ref'
check "a bad reference: exit 125 before any request" bash -c "[ $rc = 125 ] && grep -qi 'lower *case' '$TMP/err'"

# run pulls an image that is not there, as docker does; --pull never does not
"$B" -E "$E" image rm -f "$REF:latest" >/dev/null 2>&1
run "$B" -E "$E" run --rm --pull never "$REF" true
check "run --pull never of a missing image: exit 125" bash -c "[ $rc = 125 ] && grep -q 'no such image' '$TMP/err'"
run "$B" -E "$E" run --rm "$REF" echo pulled-and-ran
check "run pulls a missing image first (progress on stderr)" bash -c "[ $rc = 0 ] && [ '$out' = pulled-and-ran ] && grep -qF \"Unable to find image '$REF' locally\" '$TMP/err'"
run "$B" -E "$E" run --rm --pull always "$REF" true
check "run --pull always pulls again" bash -c "[ $rc = 0 ] && [ -s '$TMP/err' ]"

# push: to a repository of this run, then its manifest goes again
"$B" -E "$E" image tag localhost/berth-test/busybox:latest "$PUSHED"
run "$B" -E "$E" push "$PUSHED"
check "push exits 0 and ends with the reference" bash -c "[ $rc = 0 ] && [ \"\$(tail -n 1 '$TMP/out')\" = '$PUSHED' ]"
check "the registry has it" curl -sf -o /dev/null -H 'Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' "http://127.0.0.1:5000/v2/berth-test/push-$RUN/manifests/1"
d=$(curl -sf -I -H 'Accept: application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' \
	"http://127.0.0.1:5000/v2/berth-test/push-$RUN/manifests/1" | tr -d '\r' | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p')
[ -n "$d" ] && curl -sf -X DELETE "http://127.0.0.1:5000/v2/berth-test/push-$RUN/manifests/$d" >/dev/null
run "$B" -E "$E" push 127.0.0.1:5000/berth-test/push-$RUN:none
check "push of an image that is not here: exit 1" [ "$rc" = 1 ]

# image prune: only this run's labelled image (built by the engine's CLI)
printf 'FROM localhost/berth-test/busybox:latest\nLABEL io.berth.test.prune=%s\n' "$RUN" >"$TMP/Containerfile"
if [ "$E" = docker ]; then
	DOCKER_BUILDKIT=0 "${ENGINE_CLI[@]}" build -q -f "$TMP/Containerfile" -t "localhost/berth-t-$RUN/pruneme:1" "$TMP" >/dev/null 2>&1
elif [ "$E" = containerd ]; then
	# containerd builds nothing: docker builds, containerd imports its save
	DOCKER_BUILDKIT=0 docker build -q -f "$TMP/Containerfile" -t "localhost/berth-t-$RUN/pruneme:1" "$TMP" >/dev/null 2>&1 &&
		docker save "localhost/berth-t-$RUN/pruneme:1" | "${ENGINE_CLI[@]}" images import - >/dev/null 2>&1
	docker rmi "localhost/berth-t-$RUN/pruneme:1" >/dev/null 2>&1
else
	"${ENGINE_CLI[@]}" build -q -f "$TMP/Containerfile" -t "localhost/berth-t-$RUN/pruneme:1" "$TMP" >/dev/null 2>&1
fi
run "$B" -E "$E" image prune -a --filter "label=io.berth.test.prune=$RUN" </dev/null
check "image prune without -f and without a terminal: 125, nothing removed" bash -c "[ $rc = 125 ] && '$B' -E '$E' image inspect 'localhost/berth-t-$RUN/pruneme:1' >/dev/null"
run "$B" -E "$E" image prune -a -f --filter "label=io.berth.test.prune=$RUN"
check "image prune -a -f --filter removes the labelled image" bash -c "[ $rc = 0 ] && grep -q '^Deleted Images:' '$TMP/out' && grep -q 'Total reclaimed space' '$TMP/out'"
check "it is gone, the test image is not" bash -c "! '$B' -E '$E' image inspect 'localhost/berth-t-$RUN/pruneme:1' >/dev/null 2>&1 && '$B' -E '$E' image inspect localhost/berth-test/busybox:latest >/dev/null"

# docker's short forms of image tag and image rm
run "$B" -E "$E" tag localhost/berth-test/busybox:latest "$ALIAS"
check "tag gives the image another name" bash -c "[ $rc = 0 ] && '$B' -E '$E' image inspect '$ALIAS' >/dev/null"
run "$B" -E "$E" rmi "$ALIAS"
check "rmi removes that name, not the image's other one" bash -c "[ $rc = 0 ] && grep -qx 'Untagged: $ALIAS' '$TMP/out' && ! '$B' -E '$E' image inspect '$ALIAS' >/dev/null 2>&1 && '$B' -E '$E' image inspect localhost/berth-test/busybox:latest >/dev/null"
run "$B" -E "$E" rmi "$ALIAS"
check "rmi of a name not there: exit 1, saying so" bash -c "[ $rc = 1 ] && grep -qi 'no such image\\|not known' '$TMP/err'"

# search: Podman and containerd read the registry's catalog; Docker asks
# the v1 search the test registry lacks (exit 125 with its words)
run "$B" -E "$E" search 127.0.0.1:5000/busybox
if [ "$E" = docker ]; then
	check "search of a registry without v1 search: exit 125, the engine's words" bash -c "[ $rc = 125 ] && [ -s '$TMP/err' ]"
else
	check "search lists the registry's repository in docker's table" bash -c "[ $rc = 0 ] && head -n 1 '$TMP/out' | grep -q '^NAME *DESCRIPTION *STARS *OFFICIAL *AUTOMATED' && grep -q '^127.0.0.1:5000/berth-test/busybox ' '$TMP/out'"
fi

[ "$failed" = 0 ]
