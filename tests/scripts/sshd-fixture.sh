#!/usr/bin/env bash
# An sshd of the tests' own on 127.0.0.1, for the engines-over-ssh suites.
# Nothing of the system's ssh setup is used or touched: the server runs from
# a scratch directory with its own configuration, host key, authorized keys
# and pid file; the client side gets its own configuration file through
# BERTH_SSH_OPTIONS="-F DIR/ssh_config" (its keys and known_hosts are there).
#
#   sshd-fixture.sh start DIR   make DIR, start sshd on a free port, write
#                               DIR/env (shell assignments, see below)
#   sshd-fixture.sh stop DIR    stop that sshd, remove DIR
#   sshd-fixture.sh run CMD...  start in a fresh directory, run CMD with the
#                               variables exported, stop; CMD's exit status
#
# The variables: BERTH_SSH_FIXTURE (the directory), BERTH_SSH_PORT,
# BERTH_SSH_OPTIONS, BERTH_SSH_HOST (ssh://USER@127.0.0.1:PORT), and
# BERTH_TEST_HOST: BERTH_SSH_HOST for BERTH_TEST_ENGINE=docker (the remote
# runs `docker system dial-stdio`), with /run/podman/podman.sock after it
# for podman. The directory also holds the client configurations of the
# fault tests:
#   ssh_config           the right key, the server's host key known
#   ssh_config_wrongkey  a key the server does not know
#   ssh_config_hostkey   known_hosts with another key for this server
#   ssh_config_nodocker  a key whose sessions get PATH=/nonexistent-berth
#                        (no docker, no sh: the remote command is missing)
# Without sshd this fails (exit 1, "Bail out!"): the suites need it, in CI
# as anywhere (scripts/provision.sh installs openssh-server).
set -euo pipefail

SSHD=${SSHD:-/usr/sbin/sshd}

die() {
	echo "Bail out! sshd-fixture: $*"
	exit 1
}

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

port_open() {
	python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.settimeout(0.5)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
    sys.exit(0 if s.recv(4) == b"SSH-" else 1)
except OSError:
    sys.exit(1)
PY
}

start() {
	local dir=$1
	[ -x "$SSHD" ] || die "no $SSHD (apt-get install openssh-server)"
	command -v ssh >/dev/null || die "no ssh client (apt-get install openssh-client)"
	mkdir -p "$dir"
	chmod 700 "$dir"
	local user
	user=$(id -un)
	# sshd's privilege separation directory (Debian's package makes it at boot)
	[ -d /run/sshd ] || mkdir -p -m 0755 /run/sshd
	ssh-keygen -q -t ed25519 -N '' -C berth-test-host -f "$dir/host_ed25519"
	ssh-keygen -q -t ed25519 -N '' -C berth-test-other-host -f "$dir/other_host_ed25519"
	ssh-keygen -q -t ed25519 -N '' -C berth-test-client -f "$dir/id_ed25519"
	ssh-keygen -q -t ed25519 -N '' -C berth-test-wrong -f "$dir/wrong_ed25519"
	ssh-keygen -q -t ed25519 -N '' -C berth-test-nodocker -f "$dir/nodocker_ed25519"
	{
		cat "$dir/id_ed25519.pub"
		printf 'environment="PATH=/nonexistent-berth" %s\n' "$(cat "$dir/nodocker_ed25519.pub")"
	} >"$dir/authorized_keys"

	local port tries=0
	while :; do
		port=$(free_port)
		cat >"$dir/sshd_config" <<CFG
Port $port
ListenAddress 127.0.0.1
HostKey $dir/host_ed25519
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $user
UsePAM no
PermitUserEnvironment PATH
X11Forwarding no
AllowAgentForwarding no
AllowTcpForwarding no
PrintMotd no
MaxStartups 100:30:200
LogLevel VERBOSE
CFG
		"$SSHD" -t -f "$dir/sshd_config" || die "sshd refuses its configuration"
		rm -f "$dir/sshd.pid"
		"$SSHD" -f "$dir/sshd_config" -E "$dir/sshd.log"
		local i
		for i in $(seq 50); do
			if [ -s "$dir/sshd.pid" ] && port_open "$port"; then
				break 2
			fi
			sleep 0.1
		done
		stop_sshd "$dir"
		tries=$((tries + 1))
		[ $tries -lt 5 ] || die "sshd did not start (log: $(tail -3 "$dir/sshd.log" 2>/dev/null))"
	done

	local known="[127.0.0.1]:$port $(cut -d' ' -f1,2 "$dir/host_ed25519.pub")"
	local other="[127.0.0.1]:$port $(cut -d' ' -f1,2 "$dir/other_host_ed25519.pub")"
	echo "$known" >"$dir/known_hosts"
	echo "$other" >"$dir/known_hosts_other"
	client_config "$dir" id_ed25519 known_hosts >"$dir/ssh_config"
	client_config "$dir" wrong_ed25519 known_hosts >"$dir/ssh_config_wrongkey"
	client_config "$dir" id_ed25519 known_hosts_other >"$dir/ssh_config_hostkey"
	client_config "$dir" nodocker_ed25519 known_hosts >"$dir/ssh_config_nodocker"

	local host="ssh://$user@127.0.0.1:$port"
	local test_host=$host
	[ "${BERTH_TEST_ENGINE:-docker}" = podman ] && test_host="$host/run/podman/podman.sock"
	cat >"$dir/env" <<ENV
BERTH_SSH_FIXTURE=$dir
BERTH_SSH_PORT=$port
BERTH_SSH_OPTIONS="-F $dir/ssh_config"
BERTH_SSH_HOST=$host
BERTH_TEST_HOST=$test_host
ENV
}

# client_config DIR KEY KNOWN_HOSTS: a client configuration that reads
# nothing of the user's (no agent, no other keys, no other known hosts)
client_config() {
	cat <<CFG
Host *
	IdentityFile $1/$2
	IdentitiesOnly yes
	IdentityAgent none
	UserKnownHostsFile $1/$3
	GlobalKnownHostsFile /dev/null
	StrictHostKeyChecking yes
	UpdateHostKeys no
	LogLevel ERROR
CFG
}

stop_sshd() {
	local dir=$1 pid
	[ -s "$dir/sshd.pid" ] || return 0
	pid=$(cat "$dir/sshd.pid")
	# only our own sshd: its pid file, and its command line names our config
	if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF "$dir/sshd_config"; then
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
	fi
	rm -f "$dir/sshd.pid"
}

stop() {
	local dir=$1
	[ -d "$dir" ] || return 0
	stop_sshd "$dir"
	rm -rf "$dir"
}

case "${1:-}" in
start)
	[ $# = 2 ] || die "usage: $0 start DIR"
	start "$2"
	;;
stop)
	[ $# = 2 ] || die "usage: $0 stop DIR"
	stop "$2"
	;;
run)
	shift
	[ $# -ge 1 ] || die "usage: $0 run CMD..."
	dir=$(mktemp -d /tmp/berth-sshd-XXXXXX)
	trap 'stop "$dir"' EXIT
	start "$dir"
	set -a
	. "$dir/env"
	set +a
	set +e
	"$@"
	exit $?
	;;
*)
	die "usage: $0 start DIR | stop DIR | run CMD..."
	;;
esac
