#!/usr/bin/env bash
# CLI tests of exec, attach and the foreground run: exit codes (the
# command's is berth's), stdout and stderr apart and byte-exact, piped
# stdin with its end as end of file, --rm, signals passed on, and a
# terminal driven through a pseudo-terminal (raw mode, window size
# following SIGWINCH, the local terminal restored). Prints TAP.
# Environment: BERTH_CLI (the binary), BERTH_TEST_ENGINE (docker|podman).
# Creates only berth-t-* containers labelled io.berth.test.run=<run>, and
# removes only those.
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
E=${BERTH_TEST_ENGINE:-docker}
RUN="exec$$"
IMAGE=localhost/berth-test/busybox:latest
TMP=$(mktemp -d /tmp/berth-exec-cli-XXXXXX)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

trap 'reap_run; rm -rf "$TMP"' EXIT
require_engine
echo "1..42"

L=(-l "io.berth.test.run=$RUN")
BOX="berth-t-$RUN-box"
"$B" -E "$E" run -d --name "$BOX" "${L[@]}" "$IMAGE" sleep 600 >/dev/null

count_run() { "$B" -E "$E" ps -a -q --filter "label=io.berth.test.run=$RUN" | wc -l; }

# ---- exec: exit codes and streams ----
run "$B" -E "$E" exec "$BOX" sh -c 'echo out; echo err >&2'
check "exec: exit 0, stdout" [ "$rc" = 0 -a "$out" = out ]
check "exec: stderr apart" [ "$errout" = err ]
for code in 3 126 127; do
	run "$B" -E "$E" exec "$BOX" sh -c "exit $code"
	check "exec: exit $code is berth's" [ "$rc" = "$code" ]
done
run "$B" -E "$E" exec "$BOX" /no/such/command
check "exec: a missing command is 126 or 127 ($E)" [ "$rc" = 126 -o "$rc" = 127 ]

run "$B" -E "$E" exec -e A=1 -e "B=two words" -u 65534 -w /tmp "$BOX" sh -c 'echo "$A|$B|$(id -u)|$(pwd)"'
check "exec: -e -u -w" [ "$rc" = 0 -a "$out" = "1|two words|65534|/tmp" ]

run bash -c "echo hi | '$B' -E $E exec -i $BOX cat"
check "exec -i: piped stdin, its end ends cat" [ "$rc" = 0 -a "$out" = hi ]
run bash -c "printf 'a\nb\n' | '$B' -E $E exec -i $BOX sh -c 'cat; echo after-eof; exit 4'"
check "exec -i: output after the end of stdin, exit code" [ "$rc" = 4 -a "$out" = $'a\nb\nafter-eof' ]
run bash -c "echo hi | '$B' -E $E exec $BOX cat"
check "exec without -i: stdin not forwarded" [ "$rc" = 0 -a -z "$out" ]

run bash -c "'$B' -E $E exec $BOX sh -c 'head -c 3000000 /dev/urandom > /tmp/r; md5sum < /tmp/r >&2; cat /tmp/r' > $TMP/bin 2> $TMP/sum"
check "exec: 3 MB of binary stdout byte-exact" [ "$rc" = 0 -a "$(md5sum < "$TMP/bin" | cut -c1-32)" = "$(cut -c1-32 "$TMP/sum")" ]

# more input than the connection holds, echoed back while it is sent: berth
# must keep reading the output while it writes (Podman does not buffer stdin)
head -c 8000000 /dev/urandom > "$TMP/in"
run bash -c "timeout -s KILL 60 '$B' -E $E exec -i $BOX cat < $TMP/in > $TMP/echo"
check "exec -i: 8 MB through cat and back, no deadlock" [ "$rc" = 0 ]
check "exec -i: the echo is complete" cmp -s "$TMP/in" "$TMP/echo"

run "$B" -E "$E" exec -d "$BOX" sh -c 'sleep 0.3; touch /tmp/detached'
check "exec -d: returns at once" [ "$rc" = 0 -a -z "$out" ]
sleep 1
run "$B" -E "$E" exec "$BOX" test -f /tmp/detached
check "exec -d: the command ran" [ "$rc" = 0 ]

run "$B" -E "$E" exec "berth-t-$RUN-nosuch" true
check "exec: no such container is 1" [ "$rc" = 1 ]
check "exec: names the container" has "$errout" "nosuch"
"$B" -E "$E" create --name "berth-t-$RUN-stopped" "${L[@]}" "$IMAGE" sleep 600 >/dev/null
run "$B" -E "$E" exec "berth-t-$RUN-stopped" true
check "exec: a container not running is 1" [ "$rc" = 1 ]
run "$B" -E "$E" exec "$BOX"
check "exec: no command is a usage error (125)" [ "$rc" = 125 ]

# ---- run in the foreground ----
before=$(count_run)
run "$B" -E "$E" run --rm "${L[@]}" "$IMAGE" sh -c 'echo out; echo err >&2; exit 7'
check "run: exit 7 is berth's" [ "$rc" = 7 ]
check "run: stdout only on stdout" [ "$out" = out ]
check "run: stderr only on stderr" [ "$errout" = err ]
check "run --rm: the container is gone" [ "$(count_run)" = "$before" ]

run bash -c "printf 'a\nb\n' | '$B' -E $E run -i --rm ${L[*]} $IMAGE sh -c 'cat; echo done; exit 3'"
check "run -i: piped stdin and its end" [ "$rc" = 3 -a "$out" = $'a\nb\ndone' ]

run "$B" -E "$E" run --rm "${L[@]}" "$IMAGE" /no/such/command
check "run: a missing command is 127" [ "$rc" = 127 ]
check "run --rm: removed after a failed start too" [ "$(count_run)" = "$before" ]

run bash -c "'$B' -E $E run --rm ${L[*]} $IMAGE sh -c 'head -c 2000000 /dev/urandom > /tmp/r; md5sum < /tmp/r >&2; cat /tmp/r' > $TMP/bin 2> $TMP/sum"
check "run: 2 MB of binary stdout byte-exact" [ "$rc" = 0 -a "$(md5sum < "$TMP/bin" | cut -c1-32)" = "$(cut -c1-32 "$TMP/sum")" ]

run "$B" -E "$E" run --name "berth-t-$RUN-kept" "${L[@]}" "$IMAGE" sh -c 'exit 5'
check "run without --rm: exit 5, container kept" [ "$rc" = 5 -a "$("$B" -E "$E" ps -a -q --filter "name=berth-t-$RUN-kept" | wc -l)" = 1 ]

# signals reach the container (--sig-proxy, docker's default for run)
"$B" -E "$E" run --rm "${L[@]}" "$IMAGE" sh -c 'trap "echo got-term; exit 42" TERM; echo ready; while :; do sleep 0.1; done' > "$TMP/sig" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q ready "$TMP/sig" && break; sleep 0.1; done
kill -TERM $pid
wait $pid
rc=$?
out=$(cat "$TMP/sig")
check "run: SIGTERM passed to the container, its exit code back" [ "$rc" = 42 ]
check "run: the trap's output arrived" has "$out" got-term

# ---- attach ----
"$B" -E "$E" run -d --name "berth-t-$RUN-att" "${L[@]}" "$IMAGE" sh -c 'sleep 1.5; echo attached; echo to-err >&2; exit 9' >/dev/null
run "$B" -E "$E" attach --no-stdin "berth-t-$RUN-att"
check "attach: output and exit code" [ "$rc" = 9 -a "$out" = attached -a "$errout" = to-err ]
run "$B" -E "$E" attach "berth-t-$RUN-att"
check "attach: a stopped container is 1" [ "$rc" = 1 ]
run "$B" -E "$E" attach "berth-t-$RUN-nosuch"
check "attach: no such container is 1" [ "$rc" = 1 ]

# ---- a terminal ----
PTY="$HERE/pty_drive.py"
# the local terminal's mode after berth: "icanon" when restored
AFTER='; stty -a | tr " " "\n" | grep -x -- "-\{0,1\}icanon" | sed "s/^/LOCAL:/"'
run python3 "$PTY" 'until:# ;type:stty size;until:24 80;size:40x132;wait:0.5;type:stty size;until:40 132;type:exit 5' -- \
	sh -c "'$B' -E $E exec -it $BOX sh; echo RC:\$? $AFTER"
check "exec -it: the terminal size at start" has "$out" "24 80"
check "exec -it: SIGWINCH resizes" has "$out" "40 132"
check "exec -it: exit code" has "$out" "RC:5"
check "exec -it: raw mode (no local echo of typed lines twice)" [ "$(grep -o 'stty size' <<<"$out" | wc -l)" = 2 ]
check "exec -it: the local terminal restored" has "$out" "LOCAL:icanon"

run python3 "$PTY" 'until:# ;type:stty size;until:24 80;size:30x90;wait:0.5;type:stty size;until:30 90;type:exit 6' -- \
	sh -c "'$B' -E $E run -it --rm ${L[*]} $IMAGE sh; echo RC:\$? $AFTER"
check "run -it: size at start and after SIGWINCH" has "$out" "30 90"
check "run -it: exit code" has "$out" "RC:6"
check "run -it: the local terminal restored" has "$out" "LOCAL:icanon"

# a signal to berth itself in a terminal session still restores the terminal
run python3 "$PTY" 'until:# ;wait:0.3' -- \
	sh -c "'$B' -E $E exec -it $BOX sh & p=\$!; sleep 1.5; kill -TERM \$p; wait \$p; echo RC:\$? $AFTER"
check "exec -it: SIGTERM to berth restores the terminal" has "$out" "LOCAL:icanon"
