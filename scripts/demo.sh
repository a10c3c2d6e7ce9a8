#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine (as root): install what berth
# needs, build it, make sure an engine answers (start dockerd if none does),
# make the stack's images (PostgreSQL, Redis, a web service; Debian
# packages through mmdebstrap, cached, pushed to a local registry), then run
# examples/stack with berth compose on the engine berth detects: up --wait
# in dependency and health order, ps with health, a value read through the
# web service from Redis and PostgreSQL, down -v.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

bash scripts/provision.sh --build-only >/dev/null
if [ ! -f build/build.ninja ]; then
	meson setup build --buildtype=release >/dev/null
fi
ninja -C build >/dev/null     # berth, libberth, examples/berth-demo (the library example)
B=./build/src/berth

# Which engine answers already? The stack runs there. With none, start
# Docker. Docker also builds the images, so provisioning always includes it.
detected=$($B detect --format json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
c = d["Chosen"]
print(d["Candidates"][c]["Engine"] if c >= 0 else "")' 2>/dev/null || true)
case "$detected" in
docker | podman | containerd) engine=$detected ;;
*) engine=docker ;;
esac
step "provisioning (engine $engine, the test registry, the stack's images)"
if [ "$engine" = docker ]; then list=docker; else list=docker,$engine; fi
bash scripts/provision.sh --engines "$list" 2>&1 | sed 's/^/provision: /'

step "berth detect"
$B detect

C=("$B" -E "$engine" compose -f examples/stack/compose.yaml)
trap '"${C[@]}" down -v >/dev/null 2>&1 || true' ERR INT TERM
step "berth compose up -d --wait   (examples/stack/compose.yaml on $engine)"
t0=$(date +%s%N)
"${C[@]}" up -d --wait 2>&1
echo "(up and healthy in $((($(date +%s%N) - t0) / 1000000)) ms)"

step "berth compose ps"
"${C[@]}" ps

step "curl http://127.0.0.1:18080/cgi-bin/value   (web reads Redis and PostgreSQL)"
curl -sS -m 10 --fail http://127.0.0.1:18080/cgi-bin/value

step "berth compose down -v"
"${C[@]}" down -v 2>&1
