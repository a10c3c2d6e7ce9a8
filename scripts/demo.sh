#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine (as root): install what berth
# needs, build it, make sure an engine answers (start dockerd if none does),
# then run the library demo (examples/demo.c) on the engine berth detects:
# start a daemon container, show its status, stop it, remove it.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/provision.sh --build-only >/dev/null
if [ ! -f build/build.ninja ]; then
	meson setup build --buildtype=release >/dev/null
fi
ninja -C build >/dev/null

# Which engine answers already? Provision only that one (its test image);
# with none, start Docker.
engine=$(./build/src/berth detect --format json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
c = d["Chosen"]
print(d["Candidates"][c]["Engine"] if c >= 0 else "")' 2>/dev/null || true)
bash scripts/provision.sh --engines "${engine:-docker}" | sed 's/^/provision: /'

echo
./build/src/berth detect
echo
exec ./build/examples/berth-demo
