#!/usr/bin/env bash
# Meson's wrapper of the Python suite: makes sure the package is installed
# in BUILD/python-venv (python/build-venv.sh), runs pytest against
# BERTH_TEST_ENGINE, sends pytest's own report to stderr and prints TAP (one
# line per test) on stdout for scripts/tap-summary.py.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${BERTH_SOURCE_DIR:-$(cd "$HERE/../.." && pwd)}
BUILD=${BERTH_BUILD_DIR:?BERTH_BUILD_DIR must name the meson build directory}
E=${BERTH_TEST_ENGINE:-docker}
if ! /usr/bin/python3 -c 'import cffi, pytest' 2>/dev/null; then
	echo "1..0 # SKIP python3-cffi or python3-pytest is not installed"
	exit 77
fi
if ! bash "$SRC/python/build-venv.sh" "$BUILD" >&2; then
	echo "1..1"
	echo "not ok 1 - $E: the berth Python package builds and installs"
	exit 1
fi
TAP=$(mktemp /tmp/berth-py-tap-XXXXXX)
trap 'rm -f "$TAP"' EXIT
cd "$HERE"
BERTH_PY_TAP=$TAP "$BUILD/python-venv/bin/python" -m pytest -p no:cacheprovider -q -rfEs "$HERE" >&2
rc=$?
if [ -s "$TAP" ]; then
	cat "$TAP"
else
	echo "1..1"
	echo "not ok 1 - $E: pytest ran (exit $rc)"
	rc=1
fi
[ $rc = 5 ] && rc=0 # no test collected is reported above
exit $rc
