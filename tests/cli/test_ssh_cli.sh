#!/usr/bin/env bash
# The CLI with an engine over ssh: `berth -H ssh://...` and DOCKER_HOST /
# CONTAINER_HOST set to one, a run and ps through it, and the faults' words
# and exit codes within a bound (a port where nothing listens, an unknown
# key, a host key that does not match, no docker on the remote side,
# containerd refused). Prints TAP. Run through tests/scripts/sshd-fixture.sh,
# which sets BERTH_TEST_HOST, BERTH_SSH_OPTIONS and BERTH_SSH_FIXTURE.
# Environment: BERTH_CLI (the binary), BERTH_TEST_ENGINE (docker|podman).
# Creates only berth-t-* containers labelled io.berth.test.run=<run>, and
# removes only those.
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
E=${BERTH_TEST_ENGINE:-docker}
RUN="ssh$$"
IMAGE=localhost/berth-test/busybox:latest
TMP=$(mktemp -d /tmp/berth-ssh-cli-XXXXXX)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

if [ -z "${BERTH_SSH_FIXTURE:-}" ]; then
	echo "1..1"
	echo "not ok 1 - run through tests/scripts/sshd-fixture.sh (BERTH_SSH_FIXTURE is not set)"
	exit 1
fi
H=$BERTH_TEST_HOST
trap 'reap_run; rm -rf "$TMP"' EXIT
require_engine
echo "1..15"

# ---- through ssh ----
run "$B" -H "$H" ps
check "ps through ssh: exit 0, docker's header" eval '[ "$rc" = 0 ] && has "$out" "CONTAINER ID"'
run "$B" -H "$H" version
check "version through ssh: exit 0" [ "$rc" = 0 ]
check "version's output names $E" eval 'has "$out" "$E" || has "$out" "$([ "$E" = docker ] && echo Docker || echo Podman)"'
run "$B" -H "$H" run --rm --name "berth-t-$RUN-echo" -l "io.berth.test.run=$RUN" "$IMAGE" sh -c 'echo out; echo err >&2; exit 3'
check "run --rm: stdout, stderr apart, exit 3" [ "$rc" = 3 -a "$out" = out -a "$errout" = err ]
run "$B" -H "$H" run -d --name "berth-t-$RUN-box" -l "io.berth.test.run=$RUN" "$IMAGE" sleep 600
check "run -d" [ "$rc" = 0 ]
run "$B" -H "$H" ps --filter "label=io.berth.test.run=$RUN"
check "ps lists it" eval '[ "$rc" = 0 ] && has "$out" "berth-t-$RUN-box"'
run sh -c "printf 'piped\n' | '$B' -H '$H' exec -i berth-t-$RUN-box cat"
check "exec -i: stdin through ssh and back" [ "$rc" = 0 -a "$out" = piped ]

var=DOCKER_HOST
[ "$E" = podman ] && var=CONTAINER_HOST
run env -u DOCKER_HOST "$var=$H" "$B" ps -q --filter "label=io.berth.test.run=$RUN"
check "$var=ssh://...: ps" [ "$rc" = 0 -a -n "$out" ]

# ---- faults: exit 125, the host and the reason, quickly ----
refused=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
fault() { # fault NAME CONFIG HOST WORDS
	words=$4
	run env "BERTH_SSH_OPTIONS=-F $BERTH_SSH_FIXTURE/$2" "$B" -H "$3" --timeout 20 ps
	check "$1: exit 125, \"$4\", in ${took} ms" eval '[ "$rc" = 125 ] && has "$errout" "$words" &&
		has "$errout" 127.0.0.1 && [ "$took" -lt 8000 ]'
}
fault "nothing listens" ssh_config "ssh://root@127.0.0.1:$refused" "refused"
fault "unknown key" ssh_config_wrongkey "$H" "authentication refused"
fault "host key mismatch" ssh_config_hostkey "$H" "host key"
fault "no docker there" ssh_config_nodocker "$H" "lacks the command"
run "$B" -E containerd -H "$BERTH_SSH_HOST" ps
check "containerd over ssh: refused, said so" eval '[ "$rc" = 125 ] && has "$errout" "containerd over ssh"'
run "$B" -H "ssh://me:secret@127.0.0.1" ps
check "a password in the address: refused, not shown" eval '[ "$rc" = 125 ] && has "$errout" password && ! has "$errout" secret'

# nothing of berth's ssh is left running
reap_run
left=$(ps -eo args= | grep -F -- "-F $BERTH_SSH_FIXTURE/" | grep -v grep | grep -c -v sshd)
check "no ssh child left" [ "$left" = 0 ]

[ "$failed" = 0 ]
