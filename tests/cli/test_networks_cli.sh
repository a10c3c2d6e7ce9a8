#!/usr/bin/env bash
# CLI tests of berth network create|ls|inspect|rm|connect|disconnect|prune
# and run --network/--network-alias: the built berth binary against a real
# engine, output and exit codes. Prints TAP.
# Environment: BERTH_CLI (the binary), BERTH_TEST_ENGINE (docker|podman|containerd).
# Makes only berth-t-<run>-* containers and networks labelled
# io.berth.test.run=<run>, and removes only those (the networks by a
# labelled prune). On containerd names resolve through the /etc/hosts berth
# writes (no DNS server there), so the client reads that file.
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
E=${BERTH_TEST_ENGINE:-docker}
RUN="net$$"
IMAGE=localhost/berth-test/busybox:latest
TMP=$(mktemp -d /tmp/berth-networks-cli-XXXXXX)
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
P="berth-t-$RUN"
L="io.berth.test.run=$RUN"

cleanup() {
	reap_run
	"$B" -E "$E" network prune -f --filter "label=$L" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

unsupported() { [ "$rc" = 125 ] && grep -qi 'cannot do\|unsupported\|not supported' "$TMP/err"; }

plan 31
N="$P-net"
THIRD=$(( ($$ % 200) + 20 ))
SUBNET="10.218.$THIRD.0/24"
GW="10.218.$THIRD.1"

# ---- create, ls, inspect -------------------------------------------------------------
run "$B" -E "$E" network create --label "$L" --label io.berth.test.kind=cli --subnet "$SUBNET" --gateway "$GW" "$N"
ID=$out
check "create exits 0 and prints the id" bash -c "[ $rc = 0 ] && [[ '$out' =~ ^[0-9a-f]{12,64}$ ]]"
run "$B" -E "$E" network create --label "$L" "$N"
check "create of a taken name: exit 1" [ "$rc" = 1 ]
run "$B" -E "$E" network ls --filter "label=$L"
check "ls has docker's header" bash -c "head -1 '$TMP/out' | grep -q '^NETWORK ID *NAME *DRIVER *SCOPE$'"
check "ls --filter lists the network with its short id and driver" \
	bash -c "grep -q '^${ID:0:12} *$N *bridge *local' '$TMP/out' && [ \$(wc -l <'$TMP/out') = 2 ]"
run "$B" -E "$E" network ls -q --filter "label=io.berth.test.kind=cli" --filter "label=$L"
check "ls -q prints the short id alone" [ "$out" = "${ID:0:12}" ]
run "$B" -E "$E" network ls --format json --filter "label=$L"
check "ls --format json: one object a line with name, driver and labels" python3 -c "
import json,sys
rows=[json.loads(l) for l in open('$TMP/out')]
assert len(rows)==1 and rows[0]['Name']=='$N' and rows[0]['Driver']=='bridge', rows
assert rows[0]['Labels']['io.berth.test.kind']=='cli' and rows[0]['Labels']['io.berth.managed']=='true'"
run "$B" -E "$E" network inspect "$N"
check "inspect shows the subnet and the gateway" bash -c "grep -q '^  $SUBNET gateway $GW$' '$TMP/out'"
check "inspect shows the labels" grep -q "^  io.berth.test.kind=cli$" "$TMP/out"
run "$B" -E "$E" network inspect --format json "$N" "$P-absent"
check "inspect --format json of one there and one not: exit 1, the one as JSON" python3 -c "
import json
j=json.load(open('$TMP/out'))
assert $rc==1 and len(j)==1 and j[0]['Name']=='$N' and j[0]['Id']=='$ID', j"

# ---- two containers by name and alias --------------------------------------------
run "$B" -E "$E" run -d --name "$P-web" --label "$L" --network "$N" --network-alias web-alias -p 127.0.0.1::8080 "$IMAGE" \
	sh -c 'mkdir -p /www && echo hi-cli > /www/index.html && exec httpd -f -p 8080 -h /www'
check "run -d --network --network-alias: exit 0" [ "$rc" = 0 ]
run "$B" -E "$E" run -d --name "$P-cli" --label "$L" --network "$N" "$IMAGE" sleep 600
check "a second container on the network" [ "$rc" = 0 ]
# reach HOST: the page from the client container, tried for up to ten
# seconds: the name resolved by the engine's DNS through busybox's nslookup
# (the static busybox's wget crashes on glibc's NSS), asked with nc
reach() {
	local look="nslookup $1 2>/dev/null | sed -n '/^Name:/,\$ s/^Address:* *//p' | head -1"
	[ "$E" = containerd ] && look="awk -v h=$1 '{for(i=2;i<=NF;i++) if(\$i==h){print \$1; exit}}' /etc/hosts"
	local script="a=\$($look); [ -n \"\$a\" ] || exit 2; printf 'GET / HTTP/1.0\r\n\r\n' | nc -w 3 \$a 8080 | tail -n 1 | grep ."
	for _ in $(seq 1 20); do
		run "$B" -E "$E" exec "$P-cli" sh -c "$script"
		[ "$rc" = 0 ] && return 0
		sleep 0.5
	done
	return 1
}
reach "$P-web"
check "the client reaches the server by its container name" [ "$rc:$out" = "0:hi-cli" ]
reach web-alias
check "... and by its alias" [ "$rc:$out" = "0:hi-cli" ]
run "$B" -E "$E" port "$P-web" 8080
HOSTPORT=${out##*:}
check "a port published on the network answers on the host" python3 -c "
import urllib.request,time
for _ in range(20):
    try:
        assert urllib.request.urlopen('http://127.0.0.1:$HOSTPORT/', timeout=3).read().strip()==b'hi-cli'; break
    except Exception as e:
        err=e; time.sleep(0.5)
else:
    raise SystemExit(str(err))"
run "$B" -E "$E" network inspect "$N"
check "inspect lists both containers with addresses" \
	bash -c "grep -q '^  $P-cli [0-9a-f]\{12\} 10\.218\.$THIRD\.[0-9]*/24' '$TMP/out' && grep -q '^  $P-web ' '$TMP/out'"
run "$B" -E "$E" network rm "$N"
check "rm of a network in use: exit 1, the containers named" bash -c "[ $rc = 1 ] && grep -q 'in use by.*$P-cli' '$TMP/err'"

# ---- connect, disconnect ------------------------------------------------------------
run "$B" -E "$E" run -d --name "$P-late" --label "$L" "$IMAGE" \
	sh -c 'mkdir -p /www && echo late-cli > /www/index.html && exec httpd -f -p 8080 -h /www'
run "$B" -E "$E" network connect --alias late-alias "$N" "$P-late"
check "connect --alias: exit 0, prints nothing" [ "$rc:$out" = "0:" ]
reach late-alias
check "the connected container answers by its alias" [ "$rc:$out" = "0:late-cli" ]
run "$B" -E "$E" network connect "$N" "$P-late"
check "connect again: exit 1" [ "$rc" = 1 ]
run "$B" -E "$E" network disconnect "$N" "$P-late"
check "disconnect: exit 0" [ "$rc:$out" = "0:" ]
run "$B" -E "$E" network inspect "$N"
check "... and it is off the network" bash -c "! grep -q '^  $P-late ' '$TMP/out'"
run "$B" -E "$E" network disconnect "$N" "$P-late"
check "disconnect again: exit 1" [ "$rc" = 1 ]
run "$B" -E "$E" network connect "$N" "$P-absent"
check "connect of a missing container: exit 1" [ "$rc" = 1 ]

# ---- prune, rm -------------------------------------------------------------------------
run "$B" -E "$E" network create --label "$L" --label "io.berth.test.prune=$RUN" "$P-idle"
run "$B" -E "$E" network prune --filter "label=io.berth.test.prune=$RUN" </dev/null
check "prune without a terminal and without -f: exit 125, nothing removed" \
	bash -c "[ $rc = 125 ] && '$B' -E '$E' network inspect '$P-idle' >/dev/null 2>&1"
run python3 "$HERE/pty_drive.py" "until:Are you sure;type:n;wait:1" -- "$B" -E "$E" network prune --filter "label=$L"
check "prune on a terminal asks, and 'n' keeps everything" \
	bash -c "grep -q 'Are you sure' '$TMP/out' && '$B' -E '$E' network inspect '$P-idle' >/dev/null 2>&1"
run "$B" -E "$E" network prune -f --filter "label=$L"
check "prune -f --filter: the unused network of the run goes, not the one in use" \
	bash -c "[ $rc = 0 ] && grep -qx 'Deleted Networks:' '$TMP/out' && grep -qx '$P-idle' '$TMP/out' && ! grep -qx '$N' '$TMP/out'"
"$B" -E "$E" rm -f "$P-web" "$P-cli" "$P-late" >/dev/null 2>&1
run "$B" -E "$E" network rm "$N"
check "rm once unused: exit 0, prints the name" [ "$rc:$out" = "0:$N" ]
run "$B" -E "$E" network rm "$N"
check "rm of a missing network: exit 1" [ "$rc" = 1 ]

# ---- bad input -------------------------------------------------------------------------
run "$B" -E "$E" network create --subnet 10.1.2.3/24 "$P-bad"
check "a subnet with host bits: exit 125, the subnet meant named" bash -c "[ $rc = 125 ] && grep -q '10.1.2.0/24' '$TMP/err'"
run "$B" -E "$E" network create --driver overlay "$P-bad"
check "another driver: exit 125" [ "$rc" = 125 ]
run "$B" -E "$E" network create "bad name"
check "a bad name: exit 125" [ "$rc" = 125 ]
run "$B" -E "$E" run -d --name "$P-noalias" --label "$L" --network-alias x "$IMAGE" true
check "--network-alias without a user network: exit 125" [ "$rc" = 125 ]
exit $((failed > 0))
