# Shared by the CLI test scripts (sourced): TAP output and how to run a
# command. The script sets B (the berth binary), E (docker|podman) and TMP
# (a scratch directory) first; this sets ENGINE_CLI, the engine's own CLI.
n=0
failed=0

case $E in
docker) ENGINE_CLI=(/usr/bin/docker -H unix:///var/run/docker.sock) ;;
podman) ENGINE_CLI=(podman --url unix:///run/podman/podman.sock) ;;
*) echo "Bail out! unknown engine $E"; exit 1 ;;
esac

# run CMD...: sets $out, $errout, $rc
run() {
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	out=$(cat "$TMP/out")
	errout=$(cat "$TMP/err")
}

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		echo "#   rc=$rc"
		echo "#   stdout: ${out:0:400}" | head -5
		echo "#   stderr: ${errout:0:400}" | head -5
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

# Is the engine there at all? Locally a missing engine skips the script;
# in CI it is a failure.
require_engine() {
	"$B" -E "$E" ping >/dev/null 2>&1 && return 0
	if [ -n "${CI:-}" ]; then
		echo "1..1"
		echo "not ok 1 - engine $E answers (required in CI)"
		exit 1
	fi
	echo "1..0 # SKIP engine $E is not available"
	exit 0
}
