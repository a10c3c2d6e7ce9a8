#!/usr/bin/env bash
# CLI tests of the container flags of `berth run` and `berth create`: parsed
# like docker's, sent to the engine (checked in the engine's own inspect
# reply and, where it matters, in /proc and the cgroup of the container),
# and refused with a message naming the field and exit status 125.
# Prints TAP. Environment: BERTH_CLI, BERTH_TEST_ENGINE (docker|podman).
# Creates only berth-t-* containers and one volume, labelled
# io.berth.test.run=<run>, and removes only those.
set -u
B=${BERTH_CLI:?BERTH_CLI must name the berth binary}
E=${BERTH_TEST_ENGINE:-docker}
RUN="clispec$$"
IMAGE=localhost/berth-test/busybox:latest
HEALTH_IMAGE=localhost/berth-test/health:latest
TMP=$(mktemp -d /tmp/berth-t-clispec-XXXXXX)
VOL="berth-t-$RUN-vol"
. "$(dirname "$0")/lib.sh"

cleanup() {
	reap_run
	"${ENGINE_CLI[@]}" volume rm -f "$VOL" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT

# python3 CHECKS: assertions over the engine's inspect reply of $TMP/out
# (berth inspect --format json), bound as `c` (Config), `h` (HostConfig), `r`.
raw_check() {
	python3 -c "
import json, sys
r = json.load(open('$TMP/out'))[0]['Raw']
c, h = r['Config'], r['HostConfig']
$1" 2>&1
}

plan 43
L=(-l "io.berth.test.run=$RUN")
mkdir -p "$TMP/in" && echo berth-cli-bind >"$TMP/in/file.txt"

# ---- one container with most of the flags ------------------------------------
NAME="berth-t-$RUN-full"
run "$B" -E "$E" run -d --name "$NAME" "${L[@]}" -e BERTH_CLI_SPEC=yes \
	-p 127.0.0.1::8080 -v "$TMP/in:/in:ro" -v "$VOL:/data" -v /anon --tmpfs /scratch:size=1m,mode=1777 \
	-w /work -u 1000:1001 -h berth-cli -t -i --cap-add ipc_lock --cap-drop CAP_NET_RAW \
	--ulimit nofile=1024:2048 --ulimit nproc=512:1024 --sysctl net.ipv4.ip_unprivileged_port_start=1000 \
	--security-opt no-new-privileges --restart on-failure:3 \
	--health-cmd 'true' --health-interval 1s --health-timeout 2s --health-retries 2 --health-start-period 500ms \
	-m 64m --memory-swap -1 --cpus 0.5 --cpu-shares 512 --pids-limit 100 --stop-signal SIGUSR1 --stop-timeout 7 \
	--add-host berth-db:10.1.2.3 --dns 10.0.0.53 --init --shm-size 16m --log-driver json-file \
	--log-opt max-size=1m --device /dev/null:/dev/bnull:rw --entrypoint sh \
	"$IMAGE" -c 'echo berth-cli-port > /scratch/index.html; exec httpd -f -p 8080 -h /scratch'
check "run -d with the container flags exits 0" [ $rc = 0 ]
ID=$out

run "$B" -E "$E" inspect --format json "$NAME"
check "the engine has env, user, workdir, hostname, tty, stdin, entrypoint" raw_check "
assert 'BERTH_CLI_SPEC=yes' in c['Env']
assert c['User'] == '1000:1001' and c['WorkingDir'] == '/work' and c['Hostname'] == 'berth-cli'
assert c['Tty'] and c['OpenStdin'] and c['Entrypoint'] == ['sh']"
check "the engine has the caps, ulimits, sysctl, security option, device" raw_check "
assert any(x in h['CapAdd'] for x in ('CAP_IPC_LOCK', 'IPC_LOCK')), h['CapAdd']
assert any(x in h['CapDrop'] for x in ('CAP_NET_RAW', 'NET_RAW')), h['CapDrop']
u = {x['Name'].replace('RLIMIT_', '').lower(): (x['Soft'], x['Hard']) for x in h['Ulimits']}
assert u['nofile'] == (1024, 2048) and u['nproc'] == (512, 1024), u
assert any(o.startswith('no-new-privileges') for o in h['SecurityOpt'])
assert h['Devices'][0]['PathOnHost'] == '/dev/null' and h['Devices'][0]['PathInContainer'] == '/dev/bnull'"
check "the engine has restart on-failure:3 and the health check" raw_check "
assert h['RestartPolicy'] == {'Name': 'on-failure', 'MaximumRetryCount': 3}, h['RestartPolicy']
hc = c['Healthcheck']
assert hc['Test'] == ['CMD-SHELL', 'true'] and hc['Interval'] == 10**9 and hc['Timeout'] == 2 * 10**9
assert hc['Retries'] == 2 and hc['StartPeriod'] == 5 * 10**8, hc"
check "the engine has the resources, stop signal and timeout, init, shm, logging" raw_check "
assert h['Memory'] == 64 << 20 and h['NanoCpus'] == 5 * 10**8 and h['CpuShares'] == 512 and h['PidsLimit'] == 100
assert h['MemorySwap'] in (-1, 9223372036854771712), h['MemorySwap']
assert c['StopSignal'] in ('SIGUSR1', '10') and c['StopTimeout'] == 7
assert h['Init'] and h['ShmSize'] == 16 << 20 and h['LogConfig']['Type'] == 'json-file'"
check "the engine has the mounts and the published port" raw_check "
d = {m['Destination']: m for m in r['Mounts']}
assert d['/in']['RW'] is False and d['/data']['Name'] == '$VOL' and d['/anon']['Type'] == 'volume', d
assert '/scratch' in h['Tmpfs'] and h['Tmpfs']['/scratch'].startswith('size=1048576'), h['Tmpfs']
p = r['NetworkSettings']['Ports']['8080/tcp'][0]
assert p['HostIp'] == '127.0.0.1' and int(p['HostPort']) > 0, p
assert h['ExtraHosts'] == ['berth-db:10.1.2.3'] and h['Dns'] == ['10.0.0.53']"
PORT=$(python3 -c "import json; print(json.load(open('$TMP/out'))[0]['Raw']['NetworkSettings']['Ports']['8080/tcp'][0]['HostPort'])" 2>/dev/null)
PID=$(python3 -c "import json; print(json.load(open('$TMP/out'))[0]['Pid'])" 2>/dev/null)

# the effects inside
body=""
for _ in $(seq 40); do
	body=$(curl -s --max-time 2 "http://127.0.0.1:$PORT/index.html" 2>/dev/null) && has "$body" berth-cli-port && break
	sleep 0.1
done
out=$body
check "-p 127.0.0.1::8080 serves on the port the engine chose ($PORT)" has "$body" berth-cli-port
CHILD=$(cut -d' ' -f1 "/proc/$PID/task/$PID/children" 2>/dev/null)
for _ in $(seq 100); do [ -n "$CHILD" ] && break; sleep 0.05; CHILD=$(cut -d' ' -f1 "/proc/$PID/task/$PID/children" 2>/dev/null); done
check "--init: PID 1 is the engine's init, httpd below it" bash -c "[ \"\$(cat /proc/$CHILD/comm)\" = httpd ] && [ \"\$(cat /proc/$PID/comm)\" != httpd ]"
check "-u 1000:1001 inside" grep -q "^Uid:	1000	1000	1000	1000" "/proc/$CHILD/status"
check "--ulimit nofile=1024:2048 inside" grep -q "^Max open files  *1024  *2048 " "/proc/$CHILD/limits"
check "--cap-drop NET_RAW inside (for uid 1000 Docker clears all caps, Podman keeps IPC_LOCK)" python3 -c "
eff = int([l for l in open('/proc/$CHILD/status') if l.startswith('CapEff')][0].split()[1], 16)
assert not eff & (1 << 13)
assert ('$E' == 'docker' and eff == 0) or ('$E' == 'podman' and eff & (1 << 14)), hex(eff)"
MEMCG=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' "/proc/$PID/cgroup")
check "-m 64m in the cgroup" grep -qx 67108864 "/sys/fs/cgroup/memory$MEMCG/memory.limit_in_bytes"
check "-v $TMP/in:/in:ro: the file is inside" grep -qx berth-cli-bind "/proc/$PID/root/in/file.txt"
check "-h berth-cli inside" grep -q berth-cli "/proc/$PID/root/etc/hostname"
check "--add-host inside" grep -q "10.1.2.3.*berth-db" "/proc/$PID/root/etc/hosts"
"$B" -E "$E" rm -f "$NAME" >/dev/null

# ---- smaller ones -------------------------------------------------------------
run "$B" -E "$E" create --name "berth-t-$RUN-nohc" "${L[@]}" --no-healthcheck "$HEALTH_IMAGE"
check "create --no-healthcheck exits 0" [ $rc = 0 ]
run "$B" -E "$E" inspect --format json "berth-t-$RUN-nohc"
check "--no-healthcheck: the test is NONE" raw_check "assert c['Healthcheck']['Test'] == ['NONE']"

run "$B" -E "$E" create --name "berth-t-$RUN-ep" "${L[@]}" --entrypoint "" -p 8081 -p 127.0.0.1:18090-18091:90-91/udp \
	--restart unless-stopped --memory-swap 96m -m 32m --pid host --ipc host "$IMAGE" sleep 1
check "create with --entrypoint \"\", port ranges, --pid/--ipc host exits 0" [ $rc = 0 ]
run "$B" -E "$E" inspect --format json "berth-t-$RUN-ep"
check "the ranges, the policy, swap and the namespaces reached the engine" raw_check "
b = h['PortBindings']
assert b['8081/tcp'] == [{'HostIp': '', 'HostPort': ''}] or int(b['8081/tcp'][0]['HostPort']) >= 0, b
assert b['90/udp'][0]['HostPort'] == '18090' and b['91/udp'][0]['HostPort'] == '18091', b
assert h['RestartPolicy']['Name'] == 'unless-stopped' and h['MemorySwap'] == 96 << 20
assert h['PidMode'] == 'host' and c['Entrypoint'] in (None, [''], []), (h['PidMode'], c['Entrypoint'])"

run "$B" -E "$E" create --name "berth-t-$RUN-logopt" "${L[@]}" --log-driver json-file --log-opt max-file=3 "$IMAGE"
if [ "$E" = podman ]; then
	check "--log-opt max-file on Podman: 125, unsupported, named" bash -c "[ $rc = 125 ] && grep -q 'log-opt: Podman does not honour max-file' '$TMP/err'"
else
	check "--log-opt max-file on Docker exits 0" [ $rc = 0 ]
fi

run "$B" -E "$E" create --help
check "create --help lists the container options" bash -c "[ $rc = 0 ] && grep -q -- '--health-start-period' '$TMP/out' && grep -q -- '--ulimit' '$TMP/out'"

# ---- refused before any request: 125 and the field's name ------------------------
refuse() {
	local what=$1 needle=$2
	shift 2
	run "$B" -E "$E" create --name "berth-t-$RUN-bad" "${L[@]}" "$@" "$IMAGE"
	check "$what: 125, \"$needle\"" bash -c "[ $rc = 125 ] && grep -qF -- '$needle' '$TMP/err'"
}
refuse "-p 70000" "port: 70000 out of range" -p 70000
refuse "-p 8080:abc" '-p "8080:abc"' -p 8080:abc
refuse "--ulimit nofiles=1" 'ulimit: unknown name "nofiles"' --ulimit nofiles=1
refuse "--ulimit nofile=x" '--ulimit "nofile=x"' --ulimit nofile=x
refuse "--cap-add CAP_FOO" 'cap: unknown capability "CAP_FOO"' --cap-add CAP_FOO
refuse "-m 1m" "memory: must be at least 6 MiB" -m 1m
refuse "--memory-swap below -m" "memory-swap: 10485760 is below the memory limit" -m 64m --memory-swap 10m
refuse "--restart sometimes" 'restart: unknown policy "sometimes"' --restart sometimes
refuse "--rm with --restart always" "restart: always conflicts with auto-remove" --rm --restart always
refuse "--stop-signal SIGFOO" 'stop-signal: signal "SIGFOO": unknown name' --stop-signal SIGFOO
refuse "--health-interval 5x" '--health-interval "5x"' --health-interval 5x
refuse "--no-healthcheck with --health-cmd" "conflicts" --no-healthcheck --health-cmd true
refuse "--sysctl vm.swappiness=1" "sysctl: vm.swappiness is not namespaced" --sysctl vm.swappiness=1
refuse "--tmpfs /t:size=abc" 'tmpfs: size "abc"' --tmpfs /t:size=abc
refuse "--device perms rwx" 'device: permissions "rwx"' --device /dev/null:/dev/x:rwx
refuse "--security-opt bogus=1" 'security-opt: unknown option "bogus"' --security-opt bogus=1
refuse "--network a:b" 'network mode: unknown mode "a:b"' --network a:b
refuse "-u 'a b'" 'user: "a b"' -u 'a b'
refuse "-w relative" 'workdir: "relative" is not an absolute path' -w relative
refuse "-v ./rel:/x" 'volume: name "./rel"' -v ./rel:/x
refuse "-p with --network host" "port: cannot publish ports with network mode host" -p 80 --network host
run "$B" -E "$E" ps -a -q --filter "name=berth-t-$RUN-bad"
check "nothing was created by the refused commands" [ -z "$out" ]

[ $failed = 0 ]
