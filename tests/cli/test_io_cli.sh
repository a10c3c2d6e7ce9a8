#!/usr/bin/env bash
# CLI tests of stats, top, diff, cp, port and a foreground run's stdin: run the built berth binary
# against a real engine and check output and exit codes. Prints TAP.
# Environment: BERTH_CLI (the binary), BERTH_TEST_ENGINE (docker|podman|containerd).
# Creates only berth-t-* containers labelled io.berth.test.run=<run>, and
# removes only those.
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
E=${BERTH_TEST_ENGINE:-docker}
RUN="io$$"
IMAGE=localhost/berth-test/busybox:latest
TMP=$(mktemp -d /tmp/berth-io-cli-XXXXXX)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
n=0
failed=0

cleanup() {
	reap_run
	rm -rf "$TMP"
}
trap cleanup EXIT

plan 34

C="berth-t-$RUN-busy"
PUBLISH=(-p 127.0.0.1::8080)
"$B" -E "$E" run -d --name "$C" -l "io.berth.test.run=$RUN" -m 64m "${PUBLISH[@]}" "$IMAGE" \
	sh -c 'touch /added; rm /bin/vi; while :; do :; done' >/dev/null

# ---- stats --------------------------------------------------------------------
run "$B" -E "$E" stats --no-stream "$C"
check "stats --no-stream exits 0" [ "$rc" = 0 ]
check "stats prints docker's header" has "$out" "CONTAINER ID   NAME"
check "stats header has every column" bash -c "head -1 <<<'$out' | grep -q 'CPU %.*MEM USAGE / LIMIT.*MEM %.*NET I/O.*BLOCK I/O.*PIDS'"
check "stats row names the container with a 64MiB limit" bash -c "grep '$C' <<<'$out' | grep -q ' / 64MiB'"
check "stats row shows CPU use of a busy loop" bash -c "grep '$C' <<<'$out' | awk '{ sub(\"%\",\"\",\$3); exit !(\$3 + 0 > 20) }'"
run "$B" -E "$E" stats --no-stream --format json "$C"
check "stats --format json: one object with numbers" python3 -c "
import json,sys
o=json.loads(sys.argv[1]); assert o['name']=='$C' and o['memory_limit']==67108864 and o['pids']==1 and o['cpu_percent']>20
" "$out"
run "$B" -E "$E" stats --no-stream
check "stats without names lists running containers" has "$out" "$C"
run "$B" -E "$E" stats --no-stream "berth-t-$RUN-none"
check "stats of a missing container exits 1" [ "$rc" = 1 ]
check "stats of a missing container says so" has "$errout" "berth-t-$RUN-none"
run timeout 8 "$B" -E "$E" stats "$C"
lines=$(grep -c "$C" <<<"$out")
check "stats (live, piped) prints plain rows again and again" bash -c "[ $lines -ge 1 ] && ! grep -q $'\033' <<<'$out'"

# ---- top ------------------------------------------------------------------------
run "$B" -E "$E" top "$C"
check "top exits 0" [ "$rc" = 0 ]
check "top shows the loop" has "$out" "while :; do :; done"
run "$B" -E "$E" top "$C" -o pid,args
check "top with ps args: the columns asked for" bash -c "head -1 <<<'$out' | grep -Eq '^PID +COMMAND'"
check "top with ps args: the process" bash -c "sed -n 2p <<<'$out' | grep -Eq '^[0-9]+ +sh -c'"
run "$B" -E "$E" top "berth-t-$RUN-none"
check "top of a missing container exits 1" [ "$rc" = 1 ]

# ---- diff ----------------------------------------------------------------------
run "$B" -E "$E" diff "$C"
check "diff shows the added file" bash -c "grep -qx 'A /added' <<<'$out'"
check "diff shows the deleted file" bash -c "grep -qx 'D /bin/vi' <<<'$out'"
check "diff shows the changed directory" bash -c "grep -qx 'C /bin' <<<'$out'"
run "$B" -E "$E" diff "berth-t-$RUN-none"
check "diff of a missing container exits 1" [ "$rc" = 1 ]

# ---- port ----------------------------------------------------------------------
run "$B" -E "$E" port "$C" 8080/tcp
check "port PORT/PROTO prints the host address" bash -c "grep -Eqx '127.0.0.1:[0-9]+' <<<'$out'"
run "$B" -E "$E" ps
check "ps lists the published port" bash -c 'grep -F -- "$1" <<<"$2" | grep -Eq "127.0.0.1:[0-9]+->8080/tcp"' _ "$C" "$out"

# ---- cp ------------------------------------------------------------------------
mkdir -p "$TMP/tree/sub"
head -c 3000000 /dev/urandom >"$TMP/blob"
echo a >"$TMP/tree/a"
echo b >"$TMP/tree/sub/b"
ln -s a "$TMP/tree/link"
run "$B" -E "$E" cp "$TMP/blob" "$C:/tmp/blob"
run "$B" -E "$E" cp "$C:/tmp/blob" "$TMP/blob.back"
check "cp a binary file there and back, byte-exact" cmp "$TMP/blob" "$TMP/blob.back"
run "$B" -E "$E" cp "$TMP/tree" "$C:/tmp/"
run "$B" -E "$E" cp "$C:/tmp/tree" "$TMP/tree.back"
check "cp a directory tree there and back" diff -r "$TMP/tree" "$TMP/tree.back"
mkdir "$TMP/into"
run "$B" -E "$E" cp "$C:/tmp/tree" "$TMP/into"
check "cp a directory into an existing one" diff -r "$TMP/tree" "$TMP/into/tree"
mkdir "$TMP/content"
run "$B" -E "$E" cp "$C:/tmp/tree/." "$TMP/content"
check "cp SRC/. copies the content" diff -r "$TMP/tree" "$TMP/content"
run "$B" -E "$E" cp "$C:/tmp/tree/a" "$TMP/into"
check "cp a file into a directory keeps its name" cmp "$TMP/tree/a" "$TMP/into/a"
run "$B" -E "$E" cp "$C:/tmp/tree" "$TMP/blob"
check "cp a directory onto a file is refused (exit 1)" [ "$rc" = 1 ]
run "$B" -E "$E" cp "$TMP/tree" "$C:/tmp/blob"
check "cp a directory onto a file in the container is refused (exit 1)" [ "$rc" = 1 ]
run "$B" -E "$E" cp "$C:/no/such" "$TMP/x"
check "cp of a missing path exits 1" bash -c "[ $rc = 1 ] && grep -q 'no such path' <<<'$errout'"
"$B" -E "$E" cp "$C:/tmp/tree" - >"$TMP/t.tar" 2>/dev/null
check "cp to - writes a tar" bash -c "tar -tf '$TMP/t.tar' | grep -qx 'tree/sub/b'"
run bash -c "tar -c -C '$TMP/tree' sub | '$B' -E '$E' cp - '$C:/tmp' && '$B' -E '$E' cp '$C:/tmp/sub/b' - | tar -xO"
check "cp from - unpacks a tar in the container" [ "$out" = b ]

# ---- stdin of a foreground run (-i): piped, its end is the process's end of file
run bash -c "echo hi | timeout 60 '$B' -E '$E' run -i --rm -l io.berth.test.run=$RUN '$IMAGE' cat"
check "run -i: piped stdin echoed by cat" [ "$rc" = 0 -a "$out" = hi ]
run bash -c "printf 'a\nb\n' | timeout 60 '$B' -E '$E' run -i --rm -l io.berth.test.run=$RUN '$IMAGE' sh -c 'cat; echo done; echo err >&2; exit 3'"
check "run -i: output after the end of stdin, stderr apart, exit code" [ "$rc" = 3 -a "$out" = $'a\nb\ndone' -a "$errout" = err ]
run bash -c "echo hi | timeout 60 '$B' -E '$E' run --rm -l io.berth.test.run=$RUN '$IMAGE' sh -c 'cat; echo end'"
check "run without -i: stdin is empty" [ "$rc" = 0 -a "$out" = end ]

[ "$failed" = 0 ]
