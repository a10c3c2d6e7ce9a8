#!/usr/bin/env bash
# CLI tests of `berth logs`: stdout to stdout and stderr to stderr,
# byte-exact into files (binary on engines that keep bytes), --tail,
# --since/--until, -t, -f ending when the container stops, a closed pipe,
# the order across stdout and stderr, exit codes. Prints TAP.
# Environment: BERTH_CLI (the binary), BERTH_TEST_ENGINE
# (docker|podman|containerd).
# Creates only berth-t-* containers labelled io.berth.test.run=<run>, and
# removes only those.
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
E=${BERTH_TEST_ENGINE:-docker}
RUN="logs$$"
IMAGE=localhost/berth-test/busybox:latest
TMP=$(mktemp -d /tmp/berth-logs-cli-XXXXXX)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

cleanup() {
	reap_run
	rm -rf "$TMP"
}
trap cleanup EXIT

# the order written across the channels is checked on containerd (berth's logger)
ORDER_WRITTEN=0
[ "$E" = containerd ] && ORDER_WRITTEN=1
plan $((19 + ORDER_WRITTEN))

# start NAME [run flags] -- CMD...: run a container of this run, wait for its end
start_done() {
	local name=$1
	shift
	"$B" -E "$E" run -d --name "berth-t-$RUN-$name" --label "io.berth.test.run=$RUN" "$@" >/dev/null || return 1
	"$B" -E "$E" wait "berth-t-$RUN-$name" >/dev/null
}

# Docker's default json-file driver rewrites bytes that are not UTF-8
KEEP=()
[ "$E" = docker ] && KEEP=(--log-driver local)

# 1-3: channels apart, byte-exact into files (every byte value, a long line)
start_done bin "${KEEP[@]}" "$IMAGE" sh -c \
	'i=0; while [ $i -lt 256 ]; do printf "\\$(printf %o $i)"; i=$((i+1)); done; head -c 16000 /dev/zero | tr "\0" x; echo; echo to-stderr >&2'
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) + b"x" * 16000 + b"\n")' >"$TMP/want"
"$B" -E "$E" logs "berth-t-$RUN-bin" >"$TMP/o" 2>"$TMP/e"
rc=$?
out=""
errout=$(cat "$TMP/e")
check "logs exits 0" [ $rc = 0 ]
check "stdout is byte-exact (256 byte values and a 16000-byte line)" cmp -s "$TMP/want" "$TMP/o"
check "stderr holds stderr only" [ "$(cat "$TMP/e")" = "to-stderr" ]

# 4: a 3 MiB line on the default driver (Docker: json-file, text)
start_done big "$IMAGE" sh -c 'head -c 3145728 /dev/zero | tr "\0" y; echo'
python3 -c 'import sys; sys.stdout.buffer.write(b"y" * 3145728 + b"\n")' >"$TMP/want"
"$B" -E "$E" logs "berth-t-$RUN-big" >"$TMP/o" 2>"$TMP/e"
check "a 3 MiB line comes back byte-exact" cmp -s "$TMP/want" "$TMP/o"

# 5-7: tail
start_done tail "$IMAGE" sh -c 'for i in 1 2 3 4 5 6; do echo l$i; done'
run "$B" -E "$E" logs --tail 2 "berth-t-$RUN-tail"
check "--tail 2 prints the last two lines" [ "$out" = "$(printf 'l5\nl6')" ]
run "$B" -E "$E" logs --tail all "berth-t-$RUN-tail"
check "--tail all prints all" [ "$(echo "$out" | wc -l)" = 6 ]
run "$B" -E "$E" logs -n 0 "berth-t-$RUN-tail"
check "-n 0 prints nothing" bash -c "[ -z '$out' ] && [ $rc = 0 ]"

# 8-10: timestamps, since, until
run "$B" -E "$E" logs -t --tail 1 "berth-t-$RUN-tail"
check "-t prefixes RFC 3339 with nanoseconds" \
	bash -c "[[ '$out' =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z\ l6$ ]]"
run "$B" -E "$E" logs --since 1h "berth-t-$RUN-tail"
check "--since 1h prints all" [ "$(echo "$out" | wc -l)" = 6 ]
run "$B" -E "$E" logs --until 1h "berth-t-$RUN-tail"
check "--until 1h prints nothing" bash -c "[ -z '$out' ] && [ $rc = 0 ]"

# 11-12: follow ends when the container stops
"$B" -E "$E" run -d --name "berth-t-$RUN-follow" --label "io.berth.test.run=$RUN" "$IMAGE" \
	sh -c 'echo one; sleep 1; echo two >&2; sleep 1; echo three' >/dev/null
run timeout 30 "$B" -E "$E" logs -f "berth-t-$RUN-follow"
check "-f ends by itself when the container stops (exit 0)" [ $rc = 0 ]
check "-f printed the whole output" bash -c "[ '$out' = \"\$(printf 'one\nthree')\" ] && [ '$errout' = two ]"

# 13: a closed pipe ends berth quietly
start_done many "$IMAGE" sh -c 'i=0; while [ $i -lt 20000 ]; do echo line $i; i=$((i+1)); done'
"$B" -E "$E" logs "berth-t-$RUN-many" 2>"$TMP/e" | head -1 >/dev/null
rc=${PIPESTATUS[0]}
errout=$(cat "$TMP/e")
check "| head -1: exit 0, nothing on stderr" bash -c "[ $rc = 0 ] && [ -z '$errout' ]"

# 14-15 (16 on containerd): a program alternating stdout and stderr:
# --tail 5 keeps the channels apart and prints the last five entries of
# the whole log in its order (both outputs into one file); on containerd
# that is the order written
start_done inter "$IMAGE" sh -c 'i=1; while [ $i -le 2000 ]; do echo out$i; echo err$i >&2; i=$((i+1)); done'
run "$B" -E "$E" logs --tail 5 "berth-t-$RUN-inter"
check "--tail 5: stdout's lines on stdout, stderr's on stderr" bash -c \
	"[ \$(cat '$TMP/out' '$TMP/err' | wc -l) = 5 ] && ! grep -qv '^out' '$TMP/out' && ! grep -qv '^err' '$TMP/err'"
"$B" -E "$E" logs "berth-t-$RUN-inter" >"$TMP/all" 2>&1
"$B" -E "$E" logs --tail 5 "berth-t-$RUN-inter" >"$TMP/last" 2>&1
check "--tail 5 is the end of the whole log, in its order across the channels" \
	bash -c "[ \$(wc -l <'$TMP/all') = 4000 ] && tail -5 '$TMP/all' | cmp -s - '$TMP/last'"
[ $ORDER_WRITTEN = 1 ] && check "containerd: --tail 5 in the order written" \
	[ "$(cat "$TMP/last")" = "$(printf 'err1998\nout1999\nerr1999\nout2000\nerr2000')" ]

# errors (17-20 on containerd)
run "$B" -E "$E" logs "berth-t-$RUN-nothere"
check "a missing container exits 1" [ $rc = 1 ]
run "$B" -E "$E" logs --since yesterday "berth-t-$RUN-tail"
check "a bad --since exits 125 and names the flag" bash -c "[ $rc = 125 ] && grep -q -- '--since' '$TMP/err'"
run "$B" -E "$E" logs --tail x "berth-t-$RUN-tail"
check "a bad --tail exits 125" [ $rc = 125 ]
run "$B" -E "$E" logs
check "no container exits 125" [ $rc = 125 ]

[ $failed = 0 ]
