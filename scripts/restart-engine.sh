#!/usr/bin/env bash
# restart-engine.sh - restart one engine exactly as provision.sh starts it.
#
#   restart-engine.sh docker|podman|containerd [--down-seconds N]
#
# Stops the engine with stop-engines.sh (only an engine that provision.sh
# started, recorded in /run/berth-provision/<engine>.pid: the same program,
# flags and log), keeps it down N seconds (default 0), then brings it back
# with `provision.sh --engines <engine>`, which starts it with the flags it
# always uses (dockerd on the system containerd; the Podman service with
# berth's containers.conf) and waits until it answers. Never starts a second
# dockerd: provision.sh only starts one when none answers.
#
# For the events conformance test (BERTH_TEST_RESTART_ENGINES=1). dockerd
# stops its containers when it stops; the Podman service does not (conmon
# keeps them), so restarting Podman harms no container; nor does restarting
# containerd (each task's shim keeps it; dockerd, which runs on this
# containerd, reconnects when it is back, its containers still running).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
eng=${1:-}
shift || true
down=0
while [ $# -gt 0 ]; do
    case "$1" in
        --down-seconds) down=$2; shift ;;
        --down-seconds=*) down=${1#*=} ;;
        *) echo "restart-engine.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
case "$eng" in
    docker|podman|containerd) ;;
    *) echo "usage: restart-engine.sh docker|podman|containerd [--down-seconds N]" >&2; exit 2 ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "restart-engine.sh: must run as root" >&2; exit 1; }

if [ ! -f "/run/berth-provision/$eng.pid" ]; then
    echo "restart-engine.sh: $eng was not started by provision.sh; not restarting it" >&2
    exit 1
fi
out=$(bash "$here/stop-engines.sh" "$eng")
echo "$out"
grep -q "stopped" <<<"$out" || { echo "restart-engine.sh: $eng did not stop" >&2; exit 1; }
sleep "$down"
bash "$here/provision.sh" --engines "$eng"
