#!/usr/bin/env bash
# Set up and run all of berth's tests on a Debian 12 machine (as root).
#
#   1. scripts/provision.sh: install what is missing (build deps, dockerd,
#      Podman, containerd, test tools), start the engines that do not answer,
#      build the offline test images
#   2. build with -Werror and run every suite (unit, fuzz replay,
#      conformance on Docker and Podman, CLI)
#   3. build again with AddressSanitizer + UndefinedBehaviorSanitizer and run
#      the suites once more (BERTH_SANITIZE=0 skips this)
#   4. a short fuzzing pass: clang builds every libFuzzer target in fuzz/
#      (ASan+UBSan) and runs each BERTH_FUZZ_SECONDS (15) from its seeds,
#      two at a time (BERTH_FUZZ=0 skips this)
#   5. print one line per test binary and the closing
#      "N passed, N failed, N skipped"
#
# Locally, a missing engine skips its suites loudly; with CI set, a skip is
# a failure.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

echo "== provisioning (packages, engines, test images)"
# containerd's test images come later, through the berth just built
if ! bash scripts/provision.sh --defer-containerd-images; then
	echo "provisioning failed: see above" >&2
	[ -n "${CI:-}" ] && { echo "0 passed, 1 failed, 0 skipped"; exit 1; }
fi

# CI runs the conformance suites one at a time on engines of its own: there
# the events suite also restarts dockerd and the Podman service
# (scripts/restart-engine.sh) to prove no event is lost across a restart.
if [ -n "${CI:-}" ]; then
	export BERTH_TEST_RESTART_ENGINES=${BERTH_TEST_RESTART_ENGINES:-1}
fi

logs=()
ctrd_images=""
run_suites() {
	local dir=$1
	shift
	echo "== build $dir ($*)"
	if [ -d "$dir" ]; then
		meson setup --reconfigure "$dir" "$@" >"$dir.setup.log" 2>&1 || meson setup --wipe "$dir" "$@" >"$dir.setup.log" 2>&1
	else
		meson setup "$dir" "$@" >"$dir.setup.log" 2>&1
	fi || { cat "$dir.setup.log"; return 1; }
	ninja -C "$dir" || return 1
	if [ -z "$ctrd_images" ]; then
		echo "== containerd test images, imported by $dir/src/berth"
		ctrd_images=done
		bash scripts/provision.sh --engines containerd --berth "$dir/src/berth" ||
			echo "provisioning containerd's images failed: see above" >&2
	fi
	if [ "$dir" = build-test ]; then
		# the Python suite's package, against this build's libberth.so
		# (the plain build only: python3 cannot load the ASan build)
		echo "== python package into $dir/python-venv"
		bash python/build-venv.sh "$dir" || echo "building the Python package failed: its suites will fail" >&2
	fi
	echo "== test $dir"
	# --no-rebuild: built just above; the TAP of each test lands in testlog.json
	meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes 2 >"$dir.test.log" 2>&1
	tail -n 15 "$dir.test.log"
	logs+=("$ROOT/$dir/meson-logs/testlog.json")
}

status=0
build_failures=0
run_suites build-test -Dwerror=true --buildtype=debugoptimized || { status=1; build_failures=$((build_failures + 1)); }
if [ "${BERTH_SANITIZE:-1}" = 1 ]; then
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	run_suites build-asan -Dwerror=true --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false ||
		{ status=1; build_failures=$((build_failures + 1)); }
fi

# Every parser of foreign bytes is fuzzed a little on every run, so that a
# new one cannot land unfuzzed. Only the fuzz targets and the library they
# link are built (meson test builds what the selected suite needs).
if [ "${BERTH_FUZZ:-1}" = 1 ]; then
	echo "== fuzzing pass (build-fuzz, ${BERTH_FUZZ_SECONDS:-15} s a target)"
	fuzz_opts=(-Dfuzz=true -Dfuzz_seconds="${BERTH_FUZZ_SECONDS:-15}" --buildtype=debugoptimized)
	if { [ -d build-fuzz ] && CC=clang meson setup --reconfigure build-fuzz "${fuzz_opts[@]}" >build-fuzz.setup.log 2>&1; } ||
		CC=clang meson setup --wipe build-fuzz "${fuzz_opts[@]}" >build-fuzz.setup.log 2>&1 ||
		CC=clang meson setup build-fuzz "${fuzz_opts[@]}" >build-fuzz.setup.log 2>&1; then
		meson test -C build-fuzz --suite fuzz-pass --print-errorlogs --num-processes 2 >build-fuzz.test.log 2>&1
		tail -n 8 build-fuzz.test.log
		logs+=("$ROOT/build-fuzz/meson-logs/testlog.json")
	else
		cat build-fuzz.setup.log
		status=1
		build_failures=$((build_failures + 1))
	fi
fi

echo "== results"
python3 scripts/tap-summary.py --build-failures=$build_failures "${logs[@]}" || status=1
exit $status
