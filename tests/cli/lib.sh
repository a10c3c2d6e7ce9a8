# Shared by the CLI test scripts (sourced): the engine's own CLI, the check
# that the engine under test answers, and the TAP helpers. The scripts set
# B (berth), E (engine), TMP (a scratch directory), n=0 and failed=0.

# ENGINE_CLI: the engine's own command line, for what berth cannot do yet.
case ${E:?E must name the engine} in
docker) ENGINE_CLI=(/usr/bin/docker -H unix:///var/run/docker.sock) ;;
podman) ENGINE_CLI=(podman --url unix:///run/podman/podman.sock) ;;
*) echo "Bail out! unknown engine $E"; exit 1 ;;
esac

# Exit the script unless the engine answers: a TAP skip, or a failure in CI.
require_engine() {
	if "$B" -E "$E" ping >/dev/null 2>&1; then
		return 0
	fi
	if [ -n "${CI:-}" ]; then
		echo "1..1"
		echo "not ok 1 - engine $E answers (required in CI)"
		exit 1
	fi
	echo "1..0 # SKIP engine $E is not available"
	exit 0
}

# run CMD...: sets $out, $errout, $rc and $took (milliseconds)
run() {
	local t0
	t0=$(date +%s%N)
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	took=$((($(date +%s%N) - t0) / 1000000))
	out=$(cat "$TMP/out")
	errout=$(cat "$TMP/err")
}

# ok STATUS "description": one TAP line; details of the last run on failure
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		echo "#   rc=$rc took=${took:-?}ms"
		echo "#   stdout: ${out:0:400}" | head -5
		echo "#   stderr: ${errout:0:600}" | head -8
		failed=$((failed + 1))
	fi
}

# check "description" CONDITION...
check() {
	local what=$1
	shift
	if "$@"; then ok 0 "$what"; else ok 1 "$what"; fi
}

has() { [[ "$1" == *"$2"* ]]; }
