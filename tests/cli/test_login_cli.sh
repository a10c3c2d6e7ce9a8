#!/usr/bin/env bash
# CLI tests of berth login and berth logout against the test registry that
# wants a password (127.0.0.1:5001, started by scripts/provision.sh): the
# check with the registry, where the credentials are stored (a temporary
# DOCKER_CONFIG, a Podman auth file), the prompt through a pseudo-terminal,
# exit codes, and that the password shows nowhere. No engine is needed.
# Prints TAP. Environment: BERTH_CLI (the binary).
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
E=docker
RUN="login$$"
TMP=$(mktemp -d /tmp/berth-login-cli-XXXXXX)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
export DOCKER_CONFIG=$TMP/docker
unset REGISTRY_AUTH_FILE
SERVER=127.0.0.1:5001
PWFILE=/var/lib/berth-test/registry-auth/password
trap 'rm -rf "$TMP"' EXIT

plan 13
if ! [ -r "$PWFILE" ] || [ "$(curl -s -m 3 -o /dev/null -w '%{http_code}' "http://$SERVER/v2/")" != 401 ]; then
	[ -n "${CI:-}" ] && { echo "not ok 1 - the password registry is not up (scripts/provision.sh starts it)"; exit 1; }
	for i in $(seq 1 13); do echo "ok $i # SKIP no password registry"; done
	exit 0
fi
PW=$(cat "$PWFILE")

run "$B" login -u berthtest --password-stdin "$SERVER" <<<"wrong-pw-4711"
check "a wrong password: exit 1, the registry's refusal naming the user" bash -c "[ $rc = 1 ] && grep -q 'refused the credentials of berthtest' '$TMP/err'"
check "... without the password anywhere, and nothing stored" bash -c "! grep -rq wrong-pw-4711 '$TMP/out' '$TMP/err' && [ ! -e '$DOCKER_CONFIG/config.json' ]"
run "$B" login -u berthtest --password-stdin "$SERVER" <<<"$PW"
check "the right one: Login Succeeded" bash -c "[ $rc = 0 ] && [ '$out' = 'Login Succeeded' ]"
check "stored in config.json, mode 0600, as docker stores it" bash -c "[ \"\$(stat -c %a '$DOCKER_CONFIG/config.json')\" = 600 ] && python3 -c \"import json,base64,sys; a=json.load(open('$DOCKER_CONFIG/config.json'))['auths']['$SERVER']['auth']; sys.exit(base64.b64decode(a).decode()!='berthtest:'+open('$PWFILE').read().strip())\""
check "the password shows in no output" bash -c "! grep -qF -- '$PW' '$TMP/out' '$TMP/err'"
run "$B" login "$SERVER" </dev/null
check "login without a username checks the stored credentials" bash -c "[ $rc = 0 ] && grep -q 'existing credentials' '$TMP/err'"
run "$B" logout "$SERVER"
check "logout erases them" bash -c "[ $rc = 0 ] && [ '$out' = 'Removing login credentials for $SERVER' ] && ! grep -q '$SERVER' '$DOCKER_CONFIG/config.json'"
run "$B" logout "$SERVER"
check "logout again: not logged in, exit 0" bash -c "[ $rc = 0 ] && [ '$out' = 'Not logged in to $SERVER' ]"
run "$B" login "$SERVER" </dev/null
check "login with nothing stored and no terminal: exit 125" [ "$rc" = 125 ]
run "$B" login -u berthtest --authfile "$TMP/auth.json" --password-stdin "$SERVER" <<<"$PW"
check "--authfile stores in a Podman auth file" bash -c "[ $rc = 0 ] && grep -q '\"$SERVER\"' '$TMP/auth.json' && ! grep -q '$SERVER' '$DOCKER_CONFIG/config.json'"
# the prompts, on a terminal: the password not echoed
run python3 "$HERE/pty_drive.py" "until:Username:;type:berthtest;until:Password:;type:$PW;until:Login Succeeded;wait:0.3" -- "$B" login "$SERVER"
check "on a terminal: prompts for user and password, then Login Succeeded" bash -c "grep -q 'Login Succeeded' '$TMP/out' && grep -qx 'exit 0' '$TMP/out'"
check "... the password not echoed" bash -c "! grep -qF -- '$PW' '$TMP/out'"
run "$B" login -u berthtest --password-stdin 127.0.0.1:5009 <<<"x"
check "no registry there: exit 1, naming it" bash -c "[ $rc = 1 ] && grep -q '127.0.0.1:5009' '$TMP/err'"

[ "$failed" = 0 ]
