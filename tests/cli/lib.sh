# Shared by the CLI test scripts, which source it after setting B (the
# berth binary), E (docker|podman), RUN (this run's id) and TMP (a scratch
# directory): the engine's own CLI, running a command with its output
# kept, TAP lines, the clean-up of this run's containers, and the check
# that the engine is there at all.

n=0
failed=0
took=0

case $E in
docker) ENGINE_CLI=(/usr/bin/docker -H unix:///var/run/docker.sock) ;;
podman) ENGINE_CLI=(podman --url unix:///run/podman/podman.sock) ;;
containerd) ENGINE_CLI=(ctr -n "${CONTAINERD_NAMESPACE:-default}") ;;
*) echo "Bail out! unknown engine $E"; exit 1 ;;
esac

# run CMD...: sets $out, $errout, $rc and $took (ms)
run() {
	local t0
	t0=$(date +%s%N)
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	took=$((($(date +%s%N) - t0) / 1000000))
	out=$(cat "$TMP/out")
	errout=$(cat "$TMP/err")
}

# ok STATUS "description": one TAP line (STATUS 0 passes), with the last
# run's output when it fails
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		echo "#   rc=$rc took=${took}ms"
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

# Remove the containers labelled with this run's id, and nothing else.
reap_run() {
	local ids
	ids=$("$B" -E "$E" ps -a -q --no-trunc --filter "label=io.berth.test.run=$RUN" 2>/dev/null)
	[ -n "$ids" ] && "$B" -E "$E" rm -f $ids >/dev/null 2>&1
	return 0
}

# Print the plan of N tests, or end the script when the engine does not
# answer: a skip locally, a failure in CI.
plan() {
	if ! "$B" -E "$E" ping >/dev/null 2>&1; then
		if [ -n "${CI:-}" ]; then
			echo "1..1"
			echo "not ok 1 - engine $E answers (required in CI)"
			exit 1
		fi
		echo "1..0 # SKIP engine $E is not available"
		exit 0
	fi
	echo "1..$1"
}

# The same check for scripts that print their own plan line after it.
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
