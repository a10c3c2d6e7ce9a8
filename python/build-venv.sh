#!/usr/bin/env bash
# Install the berth Python package into BUILD_DIR/python-venv, built against
# that meson build tree's libberth.so and the source tree's headers. The
# venv sees Debian's packages (python3-cffi, python3-pytest): no PyPI.
#   python/build-venv.sh BUILD_DIR
# Quiet when the venv is up to date with python/ and libberth.so.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:?usage: build-venv.sh BUILD_DIR}" && pwd)
VENV=$BUILD/python-venv
STAMP=$VENV/.berth-installed
exec 9>"$BUILD/python-venv.lock"
flock 9
if [ -f "$STAMP" ] && [ -z "$(find "$SRC/python/berth" "$SRC/python/setup.py" "$SRC/include/berth" "$BUILD/src/libberth.so" -newer "$STAMP" -print -quit)" ]; then
	exit 0
fi
PY=/usr/bin/python3
[ -d "$VENV" ] || "$PY" -m venv --system-site-packages "$VENV"
# setup.py builds in a fresh temporary directory; python/*.egg-info is git-ignored
BERTH_INCLUDE_DIR=$SRC/include BERTH_LIB_DIR=$BUILD/src \
	"$VENV/bin/pip" install -q --no-build-isolation --no-index --force-reinstall --no-deps "$SRC/python" >"$BUILD/python-venv.log" 2>&1 ||
	{ cat "$BUILD/python-venv.log" >&2; exit 1; }
touch "$STAMP"
