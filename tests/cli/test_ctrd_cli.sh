#!/usr/bin/env bash
# containerd through the berth CLI: run -d, ps, inspect, exec-free
# lifecycle (stop, start, kill, wait, restart, pause, unpause, update, rm),
# the log file berth-logger keeps, the faults berth must leave nothing
# behind for (an image that is not there, a command that does not exist, a
# task killed under it), and at the end the check that the namespace holds
# nothing berth did not mean to leave: no container, task or snapshot of
# this run, no lease of berth's, no state directory or exec FIFO without
# its container. Prints TAP.
# Environment: BERTH_CLI, BERTH_LOGGER (the build's berth-logger).
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
E=containerd
RUN="ctrd$$"
NS=${CONTAINERD_NAMESPACE:-default}
STATE=${BERTH_CONTAINERD_STATE_DIR:-/run/berth/containerd}/$NS
CNI_LEASES=/run/berth/cni/networks/berth
IMAGE=localhost/berth-test/busybox:latest
TMP=$(mktemp -d /tmp/berth-ctrd-cli-XXXXXX)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
trap 'reap_run; rm -rf "$TMP"' EXIT

plan 50
C="$B -E containerd"
name=berth-t-$RUN-a

run $C run -d --name "$name" --label io.berth.test.run=$RUN $IMAGE \
	sh -c 'echo out-line; echo err-line >&2; trap "exit 42" TERM; while :; do sleep 0.1; done'
id=$out
check "run -d prints a 64-hex id" [ "$rc" = 0 -a ${#id} = 64 ]
run $C ps --filter "label=io.berth.test.run=$RUN"
check "ps shows it by name, Up" has "$out" "$name"
run $C inspect --format json "$name"
check "inspect by name: running, a pid" python3 -c "import json,sys; o=json.loads(sys.argv[1])[0]; assert o['State']=='running' or o.get('Running') or 'running' in sys.argv[1]" "$out"
sleep 0.5
check "berth-logger keeps stdout and stderr with channel and time" \
	grep -q ' stdout F out-line$' "$STATE/$id/container.log"
check "... stderr too" grep -q ' stderr F err-line$' "$STATE/$id/container.log"
run $C logs "$name"
check "logs: stdout to stdout, stderr to stderr" [ "$rc" = 0 -a "$out" = out-line -a "$errout" = err-line ]
( sleep 1; $C kill -s TERM "$name" >/dev/null ) &
run timeout 20 $C logs -f --tail 0 "$name"
check "logs -f ends by itself when the task stops" [ "$rc" = 0 -a "$took" -lt 5000 ]
wait
run $C start "$name"
sleep 0.5 # the shell sets its trap first: PID 1 ignores a signal it has no handler for
run $C kill -s TERM "$name"
check "kill -s TERM" [ "$rc" = 0 ]
run timeout 30 $C wait "$name"
check "wait prints the exit code (42 from the trap)" [ "$out" = 42 ]
run $C start "$name"
check "start again" [ "$rc" = 0 ]
run sh -c "echo piped | timeout 20 $C exec -i '$name' cat"
check "exec -i: piped stdin reaches cat, whose end of file ends it" [ "$rc" = 0 -a "$out" = piped ]
head -c 2000000 /dev/urandom >"$TMP/rnd"
run sh -c "timeout 60 $C exec -i '$name' cat <'$TMP/rnd' | cmp - '$TMP/rnd'"
check "exec -i: 2 MB of random bytes through cat, byte-exact" [ "$rc" = 0 ]
# the shim holds the task's stdio until the task is deleted (here by the
# start): then berth-logger writes its end record
check "the first run's output ends with berth's end record" \
	sh -c "for i in 1 2 3 4 5 6 7 8 9 10; do grep -q ' berth E exit' '$STATE/$id/container.log' && exit 0; sleep 0.2; done; exit 1"
run $C pause "$name"
check "pause" [ "$rc" = 0 ]
run $C pause "$name"
check "pause twice: an error" [ "$rc" != 0 ]
run $C unpause "$name"
check "unpause" [ "$rc" = 0 ]
run $C stop -t 1 "$name"
check "stop with grace: the trap's code" sh -c "$C ps -a --filter label=io.berth.test.run=$RUN | grep -q 'Exited (42)'"
run $C rm "$name"
check "rm removes the container and its state directory" [ "$rc" = 0 -a ! -e "$STATE/$id" ]

# the bridge: a port published on 127.0.0.1 answers, also after a restart
web=berth-t-$RUN-web
run $C run -d --name $web --label io.berth.test.run=$RUN -p 127.0.0.1::8080 $IMAGE \
	sh -c 'mkdir -p /www && echo berth-cni-ok >/www/index.html && exec httpd -f -p 8080 -h /www'
fetch() {
	local hp
	hp=$($C port $web 8080/tcp | sed 's/.*://')
	for i in $(seq 1 30); do
		curl -fsS -m 2 "http://127.0.0.1:$hp/" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
run fetch
check "run -p 127.0.0.1::8080: the server answers on the host port" [ "$out" = berth-cni-ok ]
run $C restart -t 0 $web
run fetch
check "... and again after a restart" [ "$out" = berth-cni-ok ]
run $C rm -f $web
check "rm -f of the published container" [ "$rc" = 0 ]

# faults: nothing may be left behind
run $C run -d --pull never --name berth-t-$RUN-noimg --label io.berth.test.run=$RUN localhost/berth-test/no-such:never true
check "an image that is not there (--pull never): exit 125, no such image" [ "$rc" = 125 ] && has "$errout" "no such image"
run $C run -d --name berth-t-$RUN-nocmd --label io.berth.test.run=$RUN $IMAGE /no/such/binary
check "a command that does not exist: the start fails, the container is removed again" \
	sh -c "[ $rc != 0 ] && ! ctr -n $NS c ls -q | xargs -r -n1 ctr -n $NS c info 2>/dev/null | grep -q berth-t-$RUN-nocmd"
run $C run -d --name berth-t-$RUN-victim --label io.berth.test.run=$RUN $IMAGE sleep 300
victim=$out
pid=$(ctr -n "$NS" t ls | awk -v id="$victim" '$1 == id { print $2 }')
kill -9 "$pid" 2>/dev/null
sleep 0.5
run $C rm -f berth-t-$RUN-victim
check "a task killed under berth: rm -f cleans up" [ "$rc" = 0 -a ! -e "$STATE/$victim" ]
run $C rm -f berth-t-$RUN-victim
check "rm -f twice: idempotent" [ "$rc" = 0 ]

run $C run -d --name berth-t-$RUN-shim --label io.berth.test.run=$RUN $IMAGE sleep 300
shim_id=$out
shim_pid=$(ps -eo pid=,args= | awk -v want="-id $shim_id " '$2 ~ /containerd-shim-runc-v2$/ && index($0 " ", want) { print $1 }')
( sleep 1; [ -n "$shim_pid" ] && kill -9 "$shim_pid" ) &
run $C wait berth-t-$RUN-shim
check "a shim killed under a wait: the wait ends with the lost status 255" [ "$rc" = 0 -a "$out" = 255 ]
wait
run $C rm berth-t-$RUN-shim
check "... and the container is removable, nothing left" [ "$rc" = 0 -a ! -e "$STATE/$shim_id" ]

# the foreground run: attached before the start, stdout and stderr apart,
# the process's exit code, nothing left with --rm
fg=berth-t-$RUN-fg
run timeout 30 $C run --rm --name $fg --label io.berth.test.run=$RUN $IMAGE sh -c 'echo out; echo err >&2; exit 3'
check "run --rm in the foreground: stdout, stderr, exit code 3" [ "$rc" = 3 -a "$out" = out -a "$errout" = err ]
run $C ps -a -q --filter "label=io.berth.test.run=$RUN" --filter "name=$fg"
check "... and the container is gone" [ -z "$out" ]
run timeout 30 $C run --rm --name $fg-seq --label io.berth.test.run=$RUN $IMAGE sh -c 'seq 1 3000; printf no-newline'
check "run: every line of quick output, and the last piece without a newline" \
	eval '[ "$rc" = 0 -a "$(printf "%s\n" "$out" | wc -l)" = 3001 ] && has "$out" "$(printf "3000\nno-newline")"'
run sh -c "echo hi | timeout 30 $C run -i --rm --name $fg-i --label io.berth.test.run=$RUN $IMAGE cat"
check "run -i: piped stdin reaches cat, its end ends it" [ "$rc" = 0 -a "$out" = hi ]
run $C ps -a -q --filter "label=io.berth.test.run=$RUN" --filter "name=$fg-i"
check "... nothing left" [ -z "$out" ]
run sh -c "timeout 60 $C run -i --rm --label io.berth.test.run=$RUN $IMAGE cat <'$TMP/rnd' | cmp - '$TMP/rnd'"
check "run -i: 2 MB through stdin and back byte-exact" [ "$rc" = 0 ]

# stdin kept open (-i without a foreground run): an attach writes a line
# and goes, stdin stays open for the next; the log keeps stdout and stderr
# apart; a start again gives the new task stdin too
ki=berth-t-$RUN-keep
run $C run -d -i --name $ki --label io.berth.test.run=$RUN $IMAGE \
	sh -c 'read a; echo got-$a; echo err-$a >&2; read b; echo got-$b; exit 5'
ki_id=$out
run sh -c "echo one | timeout 30 $C attach $ki"
run sh -c "echo two | timeout 30 $C attach $ki"
check "attach with stdin, twice: the second line ends the process, its exit code" [ "$rc" = 5 ]
run $C logs $ki
check "logs: stdout of both attaches' lines, stderr apart" \
	[ "$out" = $'got-one\ngot-two' -a "$errout" = err-one ]
run $C start $ki
run sh -c "printf 'x\ny\n' | timeout 30 $C attach $ki"
run $C logs $ki
check "start again: the new task reads stdin too, the log goes on" \
	eval 'has "$out" got-x && has "$out" got-y && [ "$rc" = 0 ]'
run $C rm -f $ki
check "... removed, its stdin FIFO with its state directory" [ "$rc" = 0 -a ! -e "$STATE/$ki_id" ]

# a terminal: keys typed reach the shell, its size follows SIGWINCH
AFTER='; stty -a | tr " " "\n" | grep -x -- "-\{0,1\}icanon" | sed "s/^/LOCAL:/"'
run python3 "$HERE/pty_drive.py" 'until:# ;type:stty size;until:24 80;size:30x90;wait:0.5;type:stty size;until:30 90;type:exit 6' -- \
	sh -c "$C run -it --rm --label io.berth.test.run=$RUN $IMAGE sh; echo RC:\$? $AFTER"
check "run -it: a line typed is read, the size at start and after SIGWINCH" has "$out" "30 90"
check "run -it: exit code, the local terminal restored" eval 'has "$out" RC:6 && has "$out" LOCAL:icanon'

# restart policies: containerd's restart monitor (it looks every 10 s)
run $C run -d --restart on-failure:2 --name $fg-rpf --label io.berth.test.run=$RUN $IMAGE true
check "run --restart on-failure: exit 125 naming on-failure and containerd" \
	eval '[ "$rc" = 125 ] && has "$errout" on-failure && has "$errout" containerd'
rp=berth-t-$RUN-rp
run $C run -d --restart always --name $rp --label io.berth.test.run=$RUN $IMAGE sh -c 'echo rp-run; sleep 1; exit 3'
rpid=$out
runs=0
for _ in $(seq 1 100); do
	runs=$($C logs $rp 2>/dev/null | grep -c rp-run)
	[ "$runs" -ge 2 ] && break
	sleep 0.25
done
check "run --restart always: the monitor starts it again, logs hold both runs" [ "$runs" -ge 2 ]
run $C stop -t 0 $rp
sleep 13
run $C ps -a --filter "label=io.berth.test.run=$RUN" --filter "name=$rp"
check "... stopped, it stays down past the monitor's next look" eval 'has "$out" Exited && ! has "$out" Up'
run $C rm $rp
check "... and removed, its state directory with it" [ "$rc" = 0 -a ${#rpid} = 64 -a ! -e "$STATE/$rpid" ]

# stdin open with the restart monitor: berth's start gives the task stdin
# (berth-logger on FIFOs), the monitor's restart none (binary://), and the
# log holds both runs
ri=berth-t-$RUN-rpi
run $C run -d -i --restart always --name $ri --label io.berth.test.run=$RUN $IMAGE \
	sh -c 'echo rpi-run; read x; echo got-$x; exit 3'
run sh -c "echo hi | timeout 30 $C attach $ri"
check "run -d -i --restart always: attach feeds the first run, its exit code" eval '[ "$rc" = 3 ] && has "$out" got-hi'
runs=0
for _ in $(seq 1 100); do
	runs=$($C logs $ri 2>/dev/null | grep -c rpi-run)
	[ "$runs" -ge 2 ] && break
	sleep 0.25
done
check "... the monitor starts it again, the log goes on" eval '[ "$runs" -ge 2 ] && $C logs $ri 2>/dev/null | grep -qx got-hi'
run $C rm -f $ri
check "... removed" [ "$rc" = 0 ]

# attach to a running container: its output from then on, its exit code
at=berth-t-$RUN-attach
run $C run -d --name $at --label io.berth.test.run=$RUN $IMAGE \
	sh -c 'echo before; while [ ! -e /tmp/go ]; do sleep 0.05; done; echo after; echo after-err >&2; exit 7'
at_id=$out
( timeout 30 $C attach $at >"$TMP/at.out" 2>"$TMP/at.err"; echo $? >"$TMP/at.rc" ) &
# the attach reads the log once it has it open
for i in $(seq 1 100); do
	ls -l /proc/[0-9]*/fd 2>/dev/null | grep -q "$at_id/container.log" && break
	sleep 0.05
done
$C exec $at touch /tmp/go >/dev/null
wait
check "attach: only the output after it, stdout and stderr apart, the exit code" \
	[ "$(cat "$TMP/at.out")" = after -a "$(cat "$TMP/at.err")" = after-err -a "$(cat "$TMP/at.rc")" = 7 ]
run timeout 10 $C attach $at
check "attach to an exited container: exit 1, start it first" eval '[ "$rc" = 1 ] && has "$errout" "start it first"'
run $C rm $at
check "rm after attach" [ "$rc" = 0 ]

# the namespace holds nothing berth did not mean to leave (things that
# persist over three looks a second apart: other runs may be mid-create)
leftovers() {
	{
		ctr -n "$NS" c ls -q | while read -r c; do
			ctr -n "$NS" c info "$c" 2>/dev/null | grep -q "\"io.berth.test.run\": \"$RUN\"" && echo "container $c"
		done
		ctr -n "$NS" t ls -q | while read -r t; do ctr -n "$NS" c info "$t" >/dev/null 2>&1 || echo "task $t"; done
		keys=$(ctr -n "$NS" c ls -q | xargs -r -n1 ctr -n "$NS" c info 2>/dev/null | python3 -c '
import sys, json, re
text = sys.stdin.read()
for m in re.finditer(r"\"SnapshotKey\": \"([^\"]*)\"", text): print(m.group(1))')
		ctr -n "$NS" snapshots --snapshotter overlayfs ls | awk '$3 == "Active" { print $1 }' | while read -r k; do
			grep -qx "$k" <<<"$keys" || echo "snapshot $k"
		done
		ctr -n "$NS" leases ls -q | grep -E '^[0-9a-f]{64}$' | sed 's/^/lease /'
		for d in "$STATE"/*; do
			[ -d "$d" ] || continue
			ctr -n "$NS" c info "$(basename "$d")" >/dev/null 2>&1 || echo "state dir $d"
			ls "$d" | grep -q '^exec-' && echo "exec FIFO in $d"
		done
		# the bridge network: namespace mounts, address leases, the
		# plugins' iptables rules, each of a container that still exists
		grep -o " $STATE/[0-9a-f]*/netns " /proc/self/mountinfo | while read -r m; do
			ctr -n "$NS" c info "$(basename "$(dirname "$m")")" >/dev/null 2>&1 || echo "netns mount $m"
		done
		for f in "$CNI_LEASES"/[0-9]*; do
			[ -f "$f" ] || continue
			ctr -n "$NS" c info "$(head -1 "$f" | tr -d '\r')" >/dev/null 2>&1 || echo "address lease $f"
		done
		iptables-save 2>/dev/null | grep -oE 'id: \\"[0-9a-f]{64}\\"' | grep -oE '[0-9a-f]{64}' | sort -u | while read -r c; do
			ctr -n "$NS" c info "$c" >/dev/null 2>&1 || echo "iptables rule of $c"
		done
		iptables-save 2>/dev/null | grep -oE -- '-A CNI-FORWARD -s 10\.213\.0\.[0-9]+/32' | awk '{ print $4 }' | while read -r a; do
			[ -f "$CNI_LEASES/${a%/32}" ] || echo "firewall rule of $a"
		done
	} | sort
}
a=$(leftovers); sleep 1; b=$(leftovers); sleep 1; c=$(leftovers)
left=$(comm -12 <(echo "$a") <(echo "$b") | comm -12 - <(echo "$c"))
out=$left
check "nothing left in namespace $NS that berth did not mean to leave" [ -z "$left" ]
exit $((failed > 0))
