#!/usr/bin/env bash
# stop-engines.sh - stop the engines that scripts/provision.sh started itself.
#
#   stop-engines.sh                  stop docker, podman and containerd
#   stop-engines.sh podman           stop only the ones named
#
# Only processes recorded in /run/berth-provision/<engine>.pid are touched,
# and only if that pid still is the expected program: engines that were
# already running before provision.sh are left alone. Run provision.sh again
# to bring them back. Note: dockerd runs on the system containerd, so while
# containerd is stopped docker calls fail (docker reconnects when it's back).
set -euo pipefail

STATE_DIR=/run/berth-provision
declare -A COMM=([docker]=dockerd [podman]=podman [containerd]=containerd)

engines=("$@")
# docker before containerd, which it uses
[ ${#engines[@]} -gt 0 ] || engines=(docker podman containerd)

[ "$(id -u)" -eq 0 ] || { echo "stop-engines.sh: must run as root" >&2; exit 1; }

rc=0
for eng in "${engines[@]}"; do
    comm=${COMM[$eng]:-}
    [ -n "$comm" ] || { echo "stop-engines.sh: unknown engine '$eng'" >&2; rc=2; continue; }
    f="$STATE_DIR/$eng.pid"
    if [ ! -f "$f" ]; then
        echo "$eng: not started by provision.sh, left alone"
        continue
    fi
    pid=$(cat "$f")
    if [ -z "$pid" ] || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "$comm" ]; then
        echo "$eng: pid ${pid:-?} no longer running"
        rm -f "$f"
        continue
    fi
    kill -TERM "$pid"
    # dockerd stops its containers first, which can take a while
    for _ in $(seq 1 240); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "$eng: pid $pid ignored SIGTERM for 60s; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.5
    fi
    rm -f "$f"
    echo "$eng: stopped (pid $pid)"
done
exit "$rc"
