#!/usr/bin/env bash
# CLI tests of save, load, import, export and commit: the built berth
# binary against a real engine, output and exit codes. Prints TAP.
# Environment: BERTH_CLI (the binary), BERTH_TEST_ENGINE (docker|podman|containerd).
# Makes only berth-t-* containers labelled io.berth.test.run=<run> and
# images named localhost/berth-t-<run>/..., and removes only those.
# An engine whose backend lacked save, import, export and commit would
# have its refusal checked instead (native=0).
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
E=${BERTH_TEST_ENGINE:-docker}
RUN="arc$$"
IMAGE=localhost/berth-test/busybox:latest
TMP=$(mktemp -d /tmp/berth-archive-cli-XXXXXX)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
N="localhost/berth-t-$RUN"

cleanup() {
	reap_run
	for i in saved committed imported; do "$B" -E "$E" image rm -f "$N/$i:1" >/dev/null 2>&1; done
	rm -rf "$TMP"
}
trap cleanup EXIT

plan 24

# 0 for an engine whose backend lacks these verbs (none now)
native=1
unsupported() { [ "$rc" = 125 ] && grep -q 'cannot do' "$TMP/err"; }

# ---- save -------------------------------------------------------------------------
"$B" -E "$E" image tag "$IMAGE" "$N/saved:1"
if [ $native = 1 ]; then
	run "$B" -E "$E" save -o "$TMP/saved.tar" "$N/saved:1"
	check "save -o FILE exits 0, prints nothing" [ "$rc:$out" = "0:" ]
	check "the file is a docker-save archive" bash -c "tar -tf '$TMP/saved.tar' | grep -qx manifest.json"
	run bash -c "'$B' -E '$E' save '$N/saved:1' >'$TMP/stdout.tar'"
	check "save to a redirected stdout gives the same archive" cmp -s "$TMP/saved.tar" "$TMP/stdout.tar"
	run python3 "$HERE/pty_drive.py" "wait:0.5" -- "$B" -E "$E" save "$N/saved:1"
	check "save to a terminal is refused" bash -c "grep -q 'refusing' '$TMP/out' && grep -qx 'exit 125' '$TMP/out'"
	run "$B" -E "$E" save -o "$TMP/none.tar" "$N/none:1"
	check "save of a missing image: exit 1, no file left" bash -c "[ $rc = 1 ] && [ ! -e '$TMP/none.tar' ]"
else
	run "$B" -E "$E" save -o "$TMP/saved.tar" "$N/saved:1"
	check "save: not supported on $E (exit 125)" unsupported
	check "... and no file left" [ ! -e "$TMP/saved.tar" ]
	/usr/bin/docker -H unix:///var/run/docker.sock tag "$IMAGE" "$N/saved:1" 2>/dev/null &&
		/usr/bin/docker -H unix:///var/run/docker.sock save -o "$TMP/saved.tar" "$N/saved:1" &&
		/usr/bin/docker -H unix:///var/run/docker.sock rmi "$N/saved:1" >/dev/null
	check "(the archive made by docker instead)" [ -s "$TMP/saved.tar" ]
	ok 0 "terminal refusal # SKIP no save on $E"
	ok 0 "missing image # SKIP no save on $E"
fi

# ---- load -------------------------------------------------------------------------
"$B" -E "$E" image rm "$N/saved:1" >/dev/null 2>&1
run "$B" -E "$E" load -i "$TMP/saved.tar"
check "load -i FILE names the image" [ "$out" = "Loaded image: $N/saved:1" ]
"$B" -E "$E" image rm "$N/saved:1" >/dev/null 2>&1
gzip -c "$TMP/saved.tar" >"$TMP/saved.tar.gz"
run bash -c "'$B' -E '$E' load -q <'$TMP/saved.tar.gz'"
check "load of a gzip archive from stdin (-q)" [ "$out" = "Loaded image: $N/saved:1" ]
"$B" -E "$E" image rm "$N/saved:1" >/dev/null 2>&1
zstd -q -c "$TMP/saved.tar" >"$TMP/saved.tar.zst"
run "$B" -E "$E" image load -i "$TMP/saved.tar.zst"
check "image load of a zstd archive" [ "$out" = "Loaded image: $N/saved:1" ]
head -c 5000 "$TMP/saved.tar.zst" >"$TMP/cut.tar.zst"
run "$B" -E "$E" load -i "$TMP/cut.tar.zst"
check "a zstd archive cut short: exit 125, says so" bash -c "[ $rc = 125 ] && grep -q 'zstd' '$TMP/err'"
run bash -c "echo 'not an archive at all' | '$B' -E '$E' load"
check "not an archive: exit 125, says so" bash -c "[ $rc = 125 ] && grep -q 'not a tar archive' '$TMP/err'"
run python3 "$HERE/pty_drive.py" "wait:0.5" -- "$B" -E "$E" load
check "load from a terminal is refused" bash -c "grep -q 'pipe one in' '$TMP/out' && grep -qx 'exit 125' '$TMP/out'"

# ---- commit, export, import ------------------------------------------------------------
C="berth-t-$RUN-made"
"$B" -E "$E" run --name "$C" -l "io.berth.test.run=$RUN" "$IMAGE" sh -c 'echo berth-made >/made' >/dev/null 2>&1
if [ $native = 1 ]; then
	run "$B" -E "$E" commit -c 'CMD ["cat", "/made"]' -m "cli test" -a "berth" "$C" "$N/committed:1"
	check "commit prints the new image's id" bash -c "grep -qx 'sha256:[0-9a-f]\{64\}' <<<'$out'"
	run "$B" -E "$E" run --rm -l "io.berth.test.run=$RUN" "$N/committed:1"
	check "the committed image has the file and the new CMD" [ "$out" = berth-made ]
	run "$B" -E "$E" commit "$C" 'Bad Ref'
	check "commit to a malformed name: exit 125" [ "$rc" = 125 ]
	run "$B" -E "$E" commit -c 'FROB x' "$C"
	check "commit with an unknown instruction: exit 125, names them" bash -c "[ $rc = 125 ] && grep -q 'CMD, ENTRYPOINT' '$TMP/err'"
	run "$B" -E "$E" export -o "$TMP/rootfs.tar" "$C"
	check "export -o FILE: a tar with the file" bash -c "[ $rc = 0 ] && tar -tf '$TMP/rootfs.tar' | grep -qx 'made'"
	run python3 "$HERE/pty_drive.py" "wait:0.5" -- "$B" -E "$E" export "$C"
	check "export to a terminal is refused" bash -c "grep -q 'refusing' '$TMP/out' && grep -qx 'exit 125' '$TMP/out'"
	run "$B" -E "$E" export "berth-t-$RUN-none"
	check "export of an unknown container: exit 1" [ "$rc" = 1 ]
	run bash -c "gzip -c '$TMP/rootfs.tar' | '$B' -E '$E' import -c 'CMD [\"cat\", \"/made\"]' -m 'from a tar' - '$N/imported:1'"
	check "import of a gzip tarball from stdin prints the id" bash -c "grep -qx 'sha256:[0-9a-f]\{64\}' <<<'$out'"
	run "$B" -E "$E" run --rm -l "io.berth.test.run=$RUN" "$N/imported:1"
	check "the imported image runs with its CMD" [ "$out" = berth-made ]
	run "$B" -E "$E" image import "$TMP/saved.tar.gz"
	check "image import without a name: docker's import, an id" bash -c "grep -qx 'sha256:[0-9a-f]\{64\}' <<<'$out'"
	[ "$rc" = 0 ] && "$B" -E "$E" image rm "$out" >/dev/null 2>&1
else
	run "$B" -E "$E" commit "$C" "$N/committed:1"
	check "commit: not supported on $E (exit 125)" unsupported
	ok 0 "committed image # SKIP no commit on $E"
	run "$B" -E "$E" commit "$C" 'Bad Ref'
	check "commit to a malformed name: exit 125" [ "$rc" = 125 ]
	run "$B" -E "$E" commit -c 'FROB x' "$C"
	check "commit with an unknown instruction: exit 125, names them" bash -c "[ $rc = 125 ] && grep -q 'CMD, ENTRYPOINT' '$TMP/err'"
	run "$B" -E "$E" export -o "$TMP/rootfs.tar" "$C"
	check "export: not supported on $E (exit 125), no file left" bash -c "[ $rc = 125 ] && [ ! -e '$TMP/rootfs.tar' ]"
	ok 0 "export to a terminal # SKIP no export on $E"
	ok 0 "export of an unknown container # SKIP no export on $E"
	run "$B" -E "$E" import "$TMP/saved.tar" "$N/imported:1"
	check "import: not supported on $E (exit 125)" unsupported
	ok 0 "imported image # SKIP no import on $E"
	ok 0 "image import # SKIP no import on $E"
fi
run "$B" -E "$E" import /nonexistent/rootfs.tar "$N/imported:1"
check "import of a missing file: exit 1" [ "$rc" = 1 ]

exit $((failed > 0))
