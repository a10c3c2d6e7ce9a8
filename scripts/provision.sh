#!/usr/bin/env bash
# provision.sh - set up a Debian 12 machine for building and testing berth.
#
#   1. installs the Debian packages that are missing (build deps, tools, engines)
#   2. starts dockerd, containerd and the Podman API service unless they
#      already answer (engines that already run are left alone)
#   3. loads the offline test images into every engine:
#        localhost/berth-test/busybox:latest   busybox rootfs, CMD ["sh"]
#        localhost/berth-test/health:latest    same + HEALTHCHECK/ENV/EXPOSE
#   4. starts the test registries (plain, password, Bearer token, TLS with a
#      CA of its own, TLS with a CA nobody trusts) over one storage, and puts
#      berth-test/busybox:latest and a Debian image with Redis
#      (berth-test/redis:bookworm, made by mmdebstrap, cached) into them
#   5. prints one line per engine and registry, exits non-zero if one can't
#      be started
#
# Works without systemd and without network access (Debian's mirror aside:
# apt-get, and mmdebstrap once for the Redis image).
# Safe to run again: a second run only checks and prints the summary.
# Must run as root. Engines started here are recorded in /run/berth-provision/
# so that scripts/stop-engines.sh can stop exactly those.
set -euo pipefail

usage() {
    cat <<'EOF'
usage: provision.sh [options]
  --engines LIST     engines to install/start/load images into
                     (comma separated; default docker,podman,containerd)
  --no-engines       install build deps and tools only; no engines
  --build-only       install the build deps only (meson, gcc, libs); nothing else
  --rebuild-images   re-create the test images even if they exist (the Redis
                     root file system too; REBUILD_IMAGES=1 does the same)
  --defer-containerd-images
                     start containerd but leave its test images for a later
                     call with --berth (the tests' runner does this: the
                     images then reach containerd through berth's own import)
  --berth PATH       import containerd's test images with this berth binary
                     only (no fallback to ctr: a failed import is an error)
  --smoke            after provisioning, run a container with a published port
                     in each engine and check it answers (slower)
  -h, --help         this text
EOF
}

# --- settings ----------------------------------------------------------------
BUILD_PKGS=(meson ninja-build pkg-config gcc libhttp-parser-dev libjansson-dev libyajl-dev libyaml-dev
            libssl-dev libcmocka-dev zlib1g-dev libzstd-dev
            libnghttp2-dev libprotobuf-c-dev protobuf-c-compiler
            golang-github-containerd-containerd-dev golang-github-gogo-protobuf-dev
            golang-github-gogo-googleapis-dev)
TOOL_PKGS=(curl socat openssl python3 procps iproute2 time)
# engines over ssh: the suites start an sshd of their own per run
# (tests/scripts/sshd-fixture.sh); the system's sshd is not started
TOOL_PKGS+=(openssh-server openssh-client)
# a real docker credential helper for the credentials' unit test
TOOL_PKGS+=(golang-docker-credential-helpers pass)
# the Python package (python/) and its pytest suite: cffi in API mode needs
# the compiler and Python's headers; a venv over Debian's packages (no PyPI)
TOOL_PKGS+=(python3-cffi python3-dev python3-venv python3-pytest python3-setuptools python3-wheel python3-pip)
# the fuzzing pass of the tests: clang with libFuzzer and its sanitizers
FUZZ_PKGS=(clang libclang-rt-14-dev)
# iptables: dockerd/netavark need it; netavark+aardvark-dns: podman networks;
# catatonit: podman builds its pod "pause" image from it (no registry here).
DOCKER_PKGS=(docker.io containerd runc iptables)
PODMAN_PKGS=(podman runc netavark aardvark-dns catatonit iptables)
CONTAINERD_PKGS=(containerd runc containernetworking-plugins iptables)
# the registries, their certificates and token issuer; the Redis image
IMAGE_PKGS=(busybox-static docker-registry apache2-utils openssl python3-cryptography mmdebstrap)

DOCKER_SOCK=/var/run/docker.sock
CONTAINERD_SOCK=/run/containerd/containerd.sock
PODMAN_SOCK=/run/podman/podman.sock
PODMAN_CONF=/etc/berth/podman-containers.conf
STATE_DIR=/run/berth-provision        # pid files of the engines started here
APT_LOG=/var/log/berth-provision-apt.log

IMG_BUSYBOX=localhost/berth-test/busybox:latest
IMG_HEALTH=localhost/berth-test/health:latest
IMAGE_PATH_ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Use Debian's docker CLI (same version as the daemon) when it is there; a
# newer CLI elsewhere in PATH would otherwise need buildx for `docker build`.
DOCKER=docker
[ -x /usr/bin/docker ] && DOCKER=/usr/bin/docker
PODMAN=(podman --url "unix://$PODMAN_SOCK")
CTR=(ctr --address "$CONTAINERD_SOCK" -n default)

ENGINES=docker,podman,containerd
MODE=all                # all | no-engines | build-only
REBUILD_IMAGES=${REBUILD_IMAGES:-0}
SMOKE=0
DEFER_CTRD_IMAGES=0
BERTH_STRICT=""

while [ $# -gt 0 ]; do
    case "$1" in
        --engines) [ $# -ge 2 ] || { usage >&2; exit 2; }; ENGINES=$2; shift ;;
        --engines=*) ENGINES=${1#*=} ;;
        --no-engines) MODE=no-engines ;;
        --build-only) MODE=build-only ;;
        --rebuild-images) REBUILD_IMAGES=1 ;;
        --defer-containerd-images) DEFER_CTRD_IMAGES=1 ;;
        --berth) [ $# -ge 2 ] || { usage >&2; exit 2; }; BERTH_STRICT=$2; shift ;;
        --berth=*) BERTH_STRICT=${1#*=} ;;
        --smoke) SMOKE=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "provision.sh: unknown option: $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

WANT_DOCKER=0 WANT_PODMAN=0 WANT_CONTAINERD=0
if [ "$MODE" = all ]; then
    IFS=, read -r -a _list <<<"$ENGINES"
    for e in "${_list[@]}"; do
        case "$e" in
            docker) WANT_DOCKER=1 ;;
            podman) WANT_PODMAN=1 ;;
            containerd) WANT_CONTAINERD=1 ;;
            '') ;;
            *) echo "provision.sh: unknown engine '$e' (docker, podman, containerd)" >&2; exit 2 ;;
        esac
    done
fi

log()  { printf '[provision] %s\n' "$*" >&2; }
die()  { printf '[provision] ERROR: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root"

TMP=$(mktemp -d /tmp/berth-provision.XXXXXX)
POLICY_RC_CREATED=0
cleanup() {
    rm -rf "$TMP"
    if [ "$POLICY_RC_CREATED" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
}
trap cleanup EXIT

# One provision run at a time (tests may call it concurrently).
mkdir -p "$STATE_DIR"
exec 9>"$STATE_DIR/lock"
flock 9

# --- 1. packages ---------------------------------------------------------------

PKGS=("${BUILD_PKGS[@]}")
if [ "$MODE" != build-only ]; then PKGS+=("${TOOL_PKGS[@]}" "${FUZZ_PKGS[@]}"); fi
if [ "$WANT_DOCKER" = 1 ]; then PKGS+=("${DOCKER_PKGS[@]}"); fi
if [ "$WANT_PODMAN" = 1 ]; then PKGS+=("${PODMAN_PKGS[@]}"); fi
if [ "$WANT_CONTAINERD" = 1 ]; then PKGS+=("${CONTAINERD_PKGS[@]}"); fi
if [ $((WANT_DOCKER + WANT_PODMAN + WANT_CONTAINERD)) -gt 0 ]; then PKGS+=("${IMAGE_PKGS[@]}"); fi

# Which of PKGS are not fully installed? (one dpkg-query call: fast on warm runs)
missing_pkgs() {
    local installed
    installed=$(dpkg-query -W -f='${Package} ${Status}\n' "${PKGS[@]}" 2>/dev/null |
                awk '$NF == "installed" && $(NF-1) == "ok" {print $1}' || true)
    local p
    for p in "${PKGS[@]}"; do
        grep -qxF "$p" <<<"$installed" || echo "$p"
    done | sort -u
}

# Another apt/dpkg run (e.g. a background install) may hold the locks: wait
# for it. DPkg::Lock::Timeout covers dpkg's lock but not the lists lock of
# `apt-get update`, so lock errors are also retried, for up to 10 minutes.
apt_run() {
    local i start
    for i in $(seq 1 120); do
        start=$(wc -l <"$APT_LOG")
        if DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@" >>"$APT_LOG" 2>&1; then
            return 0
        fi
        tail -n +"$((start + 1))" "$APT_LOG" | grep -qE 'Could not get lock|Unable to lock' || return 1
        [ "$i" = 1 ] && log "apt/dpkg is locked by another process; waiting..."
        sleep 5
    done
    return 1
}

mapfile -t MISSING < <(missing_pkgs)
if [ ${#MISSING[@]} -gt 0 ]; then
    log "installing: ${MISSING[*]} (log: $APT_LOG)"
    : >"$APT_LOG"
    # Keep package scripts from starting dockerd/containerd through init.d:
    # we start them ourselves below, with known flags and logs.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        POLICY_RC_CREATED=1
    fi
    # A failing third-party source must not stop us; the install says if
    # something is really missing.
    apt_run update || log "apt-get update reported errors (continuing; see $APT_LOG)"
    if ! apt_run install -y -q "${MISSING[@]}"; then
        tail -n 40 "$APT_LOG" >&2
        die "apt-get install failed (full log: $APT_LOG)"
    fi
    if [ "$POLICY_RC_CREATED" = 1 ]; then rm -f /usr/sbin/policy-rc.d; POLICY_RC_CREATED=0; fi
    mapfile -t STILL < <(missing_pkgs)
    [ ${#STILL[@]} -eq 0 ] || die "still not installed: ${STILL[*]}"
fi

if [ "$MODE" != all ]; then
    log "packages ready ($MODE); no engines requested"
    exit 0
fi

# --- 2. engines ----------------------------------------------------------------

docker_up()     { curl -sf -m 5 --unix-socket "$DOCKER_SOCK" http://d/_ping >/dev/null 2>&1; }
containerd_up() { [ -S "$CONTAINERD_SOCK" ] && timeout 5 ctr --address "$CONTAINERD_SOCK" version >/dev/null 2>&1; }
podman_up()     { curl -sf -m 5 --unix-socket "$PODMAN_SOCK" http://d/_ping >/dev/null 2>&1; }

# pid recorded by an earlier run, if that process is still alive as $2
recorded_pid() {
    local f="$STATE_DIR/$1.pid" pid
    [ -f "$f" ] || return 1
    pid=$(cat "$f")
    if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$2" ]; then
        echo "$pid"
    else
        rm -f "$f"
        return 1
    fi
}

# wait_up NAME CHECKFN SECONDS PID
wait_up() {
    local name=$1 check=$2 secs=$3 pid=$4 i
    for i in $(seq 1 "$((secs * 4))"); do
        if $check; then return 0; fi
        if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then
            log "$name exited during start-up"
            return 1
        fi
        sleep 0.25
    done
    log "$name did not answer within ${secs}s"
    return 1
}

# start_daemon NAME LOGFILE CMD... : run detached, record and print the pid
start_daemon() {
    local name=$1 logf=$2; shift 2
    printf '\n=== %s: started by berth provision.sh: %s\n' "$(date -Is)" "$*" >>"$logf"
    # New session, cwd /, no terminal; fd 9 (our run lock) is closed so the
    # daemon does not hold the lock forever. setsid execs in place here (a
    # background job of a script is not a group leader), so $! is the daemon.
    (cd / && exec setsid "$@" >>"$logf" 2>&1 </dev/null 9>&-) &
    local pid=$!
    echo "$pid" >"$STATE_DIR/$name.pid"
    echo "$pid"
}

# the part of a daemon log written since our last start of it
this_run_log() {
    awk '/started by berth provision.sh/ {buf = ""} {buf = buf $0 "\n"} END {printf "%s", buf}' "$1"
}

# on failure: show the log tail and forget the pid if the daemon died
start_failed() {
    local name=$1 logf=$2 pid
    log "last lines of $logf:"
    this_run_log "$logf" | tail -n 25 | sed 's/^/    /' >&2
    pid=$(cat "$STATE_DIR/$name.pid" 2>/dev/null || true)
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then rm -f "$STATE_DIR/$name.pid"; fi
}

declare -A STATUS=()    # engine -> "started" | "running" | "FAILED"

ensure_containerd() {
    [ "${STATUS[containerd]:-}" = FAILED ] && return 1
    if containerd_up; then
        STATUS[containerd]=${STATUS[containerd]:-running}; return 0
    fi
    local logf=/var/log/berth-containerd.log pid
    if pid=$(recorded_pid containerd containerd); then
        log "containerd (pid $pid, ours) is not answering yet; waiting"
    else
        log "starting containerd (log: $logf)"
        pid=$(start_daemon containerd "$logf" containerd)
    fi
    if wait_up containerd containerd_up 30 "$pid"; then
        STATUS[containerd]=started
    else
        start_failed containerd "$logf"; STATUS[containerd]=FAILED; return 1
    fi
}

# dockerd needs a working `iptables` for its NAT rules (port publishing).
# Debian 12 defaults to the nf_tables backend; if this kernel lacks nf_tables
# but legacy iptables works, switch the alternatives to legacy.
fix_iptables() {
    if iptables -t nat -nL >/dev/null 2>&1; then return 0; fi
    if command -v iptables-legacy >/dev/null && iptables-legacy -t nat -nL >/dev/null 2>&1; then
        log "iptables (nf_tables) does not work here; switching to iptables-legacy"
        update-alternatives --set iptables /usr/sbin/iptables-legacy >/dev/null
        update-alternatives --set ip6tables /usr/sbin/ip6tables-legacy >/dev/null || true
    else
        log "warning: neither iptables backend works; dockerd will likely fail"
    fi
}

ensure_docker() {
    if docker_up; then STATUS[docker]=running; return 0; fi
    # We run dockerd on the system containerd instead of letting it spawn a
    # private one under /var/run/docker/containerd: one containerd, no race
    # over which one dockerd picks (it silently uses the system socket when
    # it exists at start), and docker's containers stay in containerd's "moby"
    # namespace, apart from ctr's "default". Docker keeps running if that
    # containerd restarts; it reconnects once containerd is back.
    ensure_containerd || { log "docker needs containerd; not starting dockerd"; STATUS[docker]=FAILED; return 1; }
    local logf=/var/log/berth-dockerd.log pid
    if pid=$(recorded_pid docker dockerd); then
        log "dockerd (pid $pid, ours) is not answering yet; waiting"
    elif [ -f /var/run/docker.pid ] && [ "$(cat "/proc/$(cat /var/run/docker.pid)/comm" 2>/dev/null)" = dockerd ]; then
        pid=$(cat /var/run/docker.pid)
        log "a dockerd (pid $pid, not ours) is starting; waiting for it"
    else
        fix_iptables
        log "starting dockerd (log: $logf)"
        pid=$(start_daemon docker "$logf" \
              dockerd -H "unix://$DOCKER_SOCK" --containerd="$CONTAINERD_SOCK")
    fi
    if wait_up dockerd docker_up 60 "$pid"; then
        STATUS[docker]=started
    else
        start_failed docker "$logf"
        if this_run_log "$logf" | grep -qi iptables; then
            log "dockerd failed on iptables; check 'iptables -t nat -nL' and 'update-alternatives --display iptables'"
        fi
        STATUS[docker]=FAILED; return 1
    fi
}

# Podman 4.3.1 out of the box fails here: crun rejects hybrid cgroups, there is
# no systemd for the cgroup manager or journald for events, and the default
# nofile rlimit (1048576) is above this host's hard limit, so runc fails with
# "error setting rlimit type 7: operation not permitted". Our own
# containers.conf, used only by the service we start (not /etc/containers).
write_podman_conf() {
    mkdir -p "$(dirname "$PODMAN_CONF")"
    local want
    want=$(cat <<'EOF'
# Written by berth scripts/provision.sh for the Podman API service it starts.
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
log_driver = "k8s-file"

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"

[network]
network_backend = "netavark"
EOF
)
    if [ ! -f "$PODMAN_CONF" ] || [ "$(cat "$PODMAN_CONF")" != "$want" ]; then
        printf '%s\n' "$want" >"$PODMAN_CONF"
    fi
}

ensure_podman() {
    write_podman_conf
    if podman_up; then STATUS[podman]=running; return 0; fi
    local logf=/var/log/berth-podman.log pid
    if pid=$(recorded_pid podman podman); then
        log "podman service (pid $pid, ours) is not answering yet; waiting"
    else
        mkdir -p "$(dirname "$PODMAN_SOCK")"
        rm -f "$PODMAN_SOCK"       # stale socket of a dead service
        log "starting podman system service (log: $logf)"
        pid=$(CONTAINERS_CONF=$PODMAN_CONF start_daemon podman "$logf" \
              podman system service --time=0 "unix://$PODMAN_SOCK")
    fi
    if wait_up "podman service" podman_up 30 "$pid"; then
        STATUS[podman]=started
    else
        start_failed podman "$logf"; STATUS[podman]=FAILED; return 1
    fi
}

if [ "$WANT_CONTAINERD" = 1 ]; then ensure_containerd || true; fi
if [ "$WANT_DOCKER" = 1 ]; then ensure_docker || true; fi
if [ "$WANT_PODMAN" = 1 ]; then ensure_podman || true; fi

ok() { [ "${STATUS[$1]:-}" = started ] || [ "${STATUS[$1]:-}" = running ]; }

# --- 3. test images --------------------------------------------------------------

docker_has()     { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }
podman_has()     { "${PODMAN[@]}" image exists "$1" 2>/dev/null; }
containerd_has() { "${CTR[@]}" images ls -q 2>/dev/null | grep -qxF "$1"; }

# Build the busybox rootfs tarball and the health image's build context once.
CTX=$TMP/ctx
make_context() {
    [ -d "$CTX" ] && return 0
    local root=$TMP/rootfs a
    mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root" "$CTX"
    cp /bin/busybox "$root/bin/busybox"
    for a in $(/bin/busybox --list); do
        [ "$a" = busybox ] || ln -s busybox "$root/bin/$a"
    done
    chmod 1777 "$root/tmp"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
    printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"
    # fixed owner, order and mtime: the same layer digest on every build
    tar -C "$root" --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 \
        -cf "$CTX/rootfs.tar" .
    cat >"$CTX/Containerfile" <<'EOF'
FROM scratch
ADD rootfs.tar /
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ENV BERTH_IMAGE=health
EXPOSE 8080
HEALTHCHECK --interval=1s --timeout=1s --retries=2 CMD test -f /tmp/healthy
CMD ["sh","-c","sleep 1; touch /tmp/healthy; exec sleep 3600"]
EOF
}

# need ENGINE IMAGE: true when the image must be (re)built in that engine
need() { [ "$REBUILD_IMAGES" = 1 ] || ! "$1_has" "$2"; }

IMG_FAIL=()
img_fail() { log "image $2 could not be loaded into $1"; IMG_FAIL+=("$1:$2"); }

if ok docker; then
    if need docker "$IMG_BUSYBOX"; then
        make_context; log "docker: importing $IMG_BUSYBOX"
        "$DOCKER" import --change 'CMD ["sh"]' --change "ENV $IMAGE_PATH_ENV" \
            "$CTX/rootfs.tar" "$IMG_BUSYBOX" >/dev/null || img_fail docker "$IMG_BUSYBOX"
    fi
    if need docker "$IMG_HEALTH"; then
        make_context; log "docker: building $IMG_HEALTH"
        # legacy builder: works offline from scratch and needs no buildx
        DOCKER_BUILDKIT=0 "$DOCKER" build -q -f "$CTX/Containerfile" -t "$IMG_HEALTH" "$CTX" \
            >/dev/null || img_fail docker "$IMG_HEALTH"
    fi
fi

if ok podman; then
    # through the service, so that the service's storage has the images
    if need podman "$IMG_BUSYBOX"; then
        make_context; log "podman: importing $IMG_BUSYBOX"
        "${PODMAN[@]}" import --change 'CMD ["sh"]' --change "ENV $IMAGE_PATH_ENV" \
            "$CTX/rootfs.tar" "$IMG_BUSYBOX" >/dev/null || img_fail podman "$IMG_BUSYBOX"
    fi
    if need podman "$IMG_HEALTH"; then
        make_context; log "podman: building $IMG_HEALTH"
        # docker format: the OCI image format has no HEALTHCHECK
        "${PODMAN[@]}" build -q --format docker -f "$CTX/Containerfile" -t "$IMG_HEALTH" "$CTX" \
            >/dev/null || img_fail podman "$IMG_HEALTH"
    fi
fi

# containerd can't build images: export them from docker (or podman) as a
# docker archive and import that, through berth's own native import: the
# binary given with --berth (then nothing else), else BERTH_CLI or one a
# previous build left, else ctr (a first provisioning by hand, before
# anything is built; the tests' runner defers the step until it has built).
REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
berth_cli() {
    local b
    if [ -n "$BERTH_STRICT" ]; then
        [ -x "$BERTH_STRICT" ] && "$BERTH_STRICT" --engine containerd ping >/dev/null && { echo "$BERTH_STRICT"; return 0; }
        log "containerd: $BERTH_STRICT cannot reach containerd"
        return 1
    fi
    for b in "${BERTH_CLI:-}" "$REPO_ROOT/build-test/src/berth" "$REPO_ROOT/build/src/berth"; do
        [ -n "$b" ] && [ -x "$b" ] && "$b" --engine containerd ping >/dev/null 2>&1 && { echo "$b"; return 0; }
    done
    return 1
}
containerd_import() {
    local ref=$1 archive=$TMP/containerd-import.tar
    if docker_up && docker_has "$ref"; then
        "$DOCKER" save -o "$archive" "$ref"
    elif podman_up && podman_has "$ref"; then
        "${PODMAN[@]}" save --format docker-archive -o "$archive" "$ref"
    else
        log "containerd: no running docker or podman has $ref to export it from (add docker or podman to --engines)"
        return 1
    fi
    local berth
    if berth=$(berth_cli) && CONTAINERD_NAMESPACE=default "$berth" --engine containerd load -i "$archive" >/dev/null; then
        log "containerd: $ref imported by $berth"
    elif [ -n "$BERTH_STRICT" ]; then
        log "containerd: berth's import of $ref failed (see above)"
        return 1
    else
        "${CTR[@]}" images import --all-platforms "$archive" >/dev/null || return 1
    fi
    rm -f "$archive"
    # docker archives may name it docker.io/<ref>; give it our exact name
    if ! containerd_has "$ref" && containerd_has "docker.io/$ref"; then
        "${CTR[@]}" images tag "docker.io/$ref" "$ref" >/dev/null
    fi
    containerd_has "$ref"
}

if [ "$WANT_CONTAINERD" = 1 ] && [ "$DEFER_CTRD_IMAGES" = 0 ] && ok containerd; then
    for ref in "$IMG_BUSYBOX" "$IMG_HEALTH"; do
        if need containerd "$ref"; then
            log "containerd: importing $ref"
            if [ "$REBUILD_IMAGES" = 1 ]; then "${CTR[@]}" images rm "$ref" >/dev/null 2>&1 || true; fi
            containerd_import "$ref" || img_fail containerd "$ref"
        fi
    done
fi

# --- 3b. the test registries -------------------------------------------------------
# Debian's docker-registry (distribution 2.8), several instances over one
# storage, so that an image pushed to one is in all of them:
#   127.0.0.1:5000  plain HTTP, anonymous (Docker and berth treat 127.0.0.0/8
#                   as insecure by themselves)
#   127.0.0.1:5001  plain HTTP, htpasswd (user berthtest; the password is made
#                   here once, kept in $REGISTRY_AUTH_DIR/password, mode 0600)
#   127.0.0.1:5002  plain HTTP, Bearer tokens from tests/scripts/token-issuer.py
#                   on 127.0.0.1:5003 (the same user; anonymous pulls only
#                   under berth-test/public/)
#   127.0.0.1:5443  TLS with berth's test CA, htpasswd
#   127.0.0.1:5444  TLS with a certificate of a CA installed nowhere
# The test CA goes to each engine's certs.d (for 127.0.0.1:5443,
# localhost:5443 and 0.0.0.0:5443), never to the system's trust store.
# Docker skips the verification of registries in 127.0.0.0/8 (and berth on
# Podman does the same, as Docker does), so the tests that need it verified
# name the TLS instances 0.0.0.0:PORT: a connection to 0.0.0.0 reaches the
# loopback listener on Linux (Go dials it as the local system), but the
# address is in no insecure range. The certificates name 0.0.0.0 too.
REGISTRY_DIR=/var/lib/berth-test/registry
REGISTRY_LOG=/var/log/berth-registry.log
REGISTRY_AUTH_DIR=/var/lib/berth-test/registry-auth
TLS_DIR=/var/lib/berth-test/tls
TOKEN_ISSUER_LOG=/var/log/berth-token-issuer.log
TOKEN_ISSUER=$REPO_ROOT/tests/scripts/token-issuer.py
TOKEN_SERVICE=berth-test-registry
TOKEN_ISSUER_NAME=berth-test-issuer
TLS_PORT=5443
UNKNOWN_CA_PORT=5444
declare -A REG_ADDR=([registry]=127.0.0.1:5000 [registry-auth]=127.0.0.1:5001
                     [registry-token]=127.0.0.1:5002 [token-issuer]=127.0.0.1:5003
                     [registry-tls]=127.0.0.1:$TLS_PORT
                     [registry-unknown-ca]=127.0.0.1:$UNKNOWN_CA_PORT)
REGISTRY_ADDR=${REG_ADDR[registry]}

# reg_code NAME: the HTTP status of GET /v2/ (of /token for the issuer)
reg_code() {
    local a=${REG_ADDR[$1]} opts=(-s -m 3 -o /dev/null -w '%{http_code}')
    case "$1" in
        registry-tls) curl "${opts[@]}" --cacert "$TLS_DIR/ca.pem" "https://$a/v2/" ;;
        registry-unknown-ca*) curl "${opts[@]}" --cacert "$TLS_DIR/unknown/ca.pem" "https://$a/v2/" ;;
        token-issuer) curl "${opts[@]}" "http://$a/token?service=$TOKEN_SERVICE" ;;
        *) curl "${opts[@]}" "http://$a/v2/" ;;
    esac
}
# the answer each one gives when it is up: anonymous pulls, a challenge
declare -A REG_WANT=([registry]=200 [registry-auth]=401 [registry-token]=401 [token-issuer]=200
                     [registry-tls]=401 [registry-unknown-ca]=200)
reg_up() { [ "$(reg_code "$1")" = "${REG_WANT[$1]}" ]; }
registry_has() { curl -sf -m 5 -o /dev/null -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
                     "http://$REGISTRY_ADDR/v2/$1/manifests/$2"; }

# The test CA and the certificates it signs, kept across runs and made
# again only when missing or within a day of expiry; a CA of its own
# (installed nowhere) for the unknown-CA instances, and the key and
# self-signed certificate the token issuer signs with.
TLS_NEW=0
cert_fresh() { [ -s "$1" ] && openssl x509 -checkend 86400 -noout -in "$1" >/dev/null 2>&1; }
make_ca() { # DIR NAME
    cert_fresh "$1/ca.pem" && [ -s "$1/ca-key.pem" ] && return 0
    mkdir -p "$1"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1/ca-key.pem" \
        -out "$1/ca.pem" -days 825 -subj "/CN=$2" -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
    rm -f "$1/server.pem"
    TLS_NEW=1
}
SERVER_SAN='IP:127.0.0.1, IP:0.0.0.0, IP:::1, DNS:localhost'
make_server_cert() { # DIR
    cert_fresh "$1/server.pem" && [ -s "$1/server-key.pem" ] &&
        openssl x509 -noout -ext subjectAltName -in "$1/server.pem" 2>/dev/null | grep -qF 'IP Address:0.0.0.0' &&
        return 0
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1/server-key.pem" \
        -out "$TMP/server.csr" -subj '/CN=localhost' 2>/dev/null
    printf '%s\n' "subjectAltName = $SERVER_SAN" \
        'extendedKeyUsage = serverAuth' 'keyUsage = critical, digitalSignature' >"$TMP/server.ext"
    openssl x509 -req -in "$TMP/server.csr" -CA "$1/ca.pem" -CAkey "$1/ca-key.pem" -CAcreateserial \
        -days 365 -out "$1/server.pem" -extfile "$TMP/server.ext" 2>/dev/null
    TLS_NEW=1
}
ensure_certs() {
    mkdir -p "$TLS_DIR"
    chmod 700 "$TLS_DIR"
    make_ca "$TLS_DIR" 'berth test registry CA'
    make_server_cert "$TLS_DIR"
    make_ca "$TLS_DIR/unknown" 'berth test CA that nobody trusts'
    make_server_cert "$TLS_DIR/unknown"
    if ! cert_fresh "$TLS_DIR/token.pem" || [ ! -s "$TLS_DIR/token-key.pem" ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TLS_DIR/token-key.pem" -out "$TLS_DIR/token.pem" \
            -days 365 -subj "/CN=$TOKEN_ISSUER_NAME" 2>/dev/null
        TLS_NEW=1
    fi
    # the public halves may be read by anybody (the registry runs as root anyway)
    chmod 644 "$TLS_DIR/ca.pem" "$TLS_DIR/unknown/ca.pem" "$TLS_DIR/token.pem"
    local hp d
    for hp in "127.0.0.1:$TLS_PORT" "localhost:$TLS_PORT" "0.0.0.0:$TLS_PORT"; do
        for d in /etc/docker/certs.d /etc/containers/certs.d /etc/containerd/certs.d; do
            mkdir -p "$d/$hp"
            cmp -s "$TLS_DIR/ca.pem" "$d/$hp/ca.crt" || cp "$TLS_DIR/ca.pem" "$d/$hp/ca.crt"
        done
    done
}

# registry_conf FILE ADDR [YAML LINE...]: one instance over the shared storage
registry_conf() {
    local f=$1 addr=$2
    shift 2
    printf '%s\n' 'version: 0.1' 'log:' '  level: warn' 'storage:' '  filesystem:' \
        "    rootdirectory: $REGISTRY_DIR/data" '  delete:' '    enabled: true' 'http:' \
        "  addr: \"$addr\"" "$@" >"$f"
}
tls_lines() { printf '%s\n' '  tls:' "    certificate: $1/server.pem" "    key: $1/server-key.pem"; }
htpasswd_lines() { printf '%s\n' 'auth:' '  htpasswd:' '    realm: berth-test' "    path: $REGISTRY_AUTH_DIR/htpasswd"; }

# Write the configuration of instance NAME into its directory.
registry_config() {
    local name=$1 dir=$REGISTRY_DIR a=${REG_ADDR[$1]}
    local -a extra=()
    case "$name" in
        registry) ;;
        registry-auth) dir=$REGISTRY_AUTH_DIR; mapfile -t extra < <(htpasswd_lines) ;;
        registry-token)
            dir=/var/lib/berth-test/registry-token
            extra=(auth: '  token:' "    realm: http://${REG_ADDR[token-issuer]}/token"
                   "    service: $TOKEN_SERVICE" "    issuer: $TOKEN_ISSUER_NAME"
                   "    rootcertbundle: $TLS_DIR/token.pem") ;;
        registry-tls)
            dir=/var/lib/berth-test/$name
            mapfile -t extra < <(tls_lines "$TLS_DIR"; htpasswd_lines) ;;
        registry-unknown-ca*)
            dir=/var/lib/berth-test/$name
            mapfile -t extra < <(tls_lines "$TLS_DIR/unknown") ;;
    esac
    mkdir -p "$dir"
    registry_conf "$dir/config.yml" "$a" "${extra[@]}"
    echo "$dir/config.yml"
}

# ensure_reg NAME: start one instance (or the token issuer) unless it answers
ensure_reg() {
    local name=$1 pid cfg
    if reg_up "$name"; then STATUS[$name]=${STATUS[$name]:-running}; return 0; fi
    if [ "$name" = token-issuer ]; then
        pid=$(start_daemon "$name" "$TOKEN_ISSUER_LOG" /usr/bin/python3 "$TOKEN_ISSUER" \
              --listen "${REG_ADDR[$name]}" --key "$TLS_DIR/token-key.pem" --cert "$TLS_DIR/token.pem" \
              --issuer "$TOKEN_ISSUER_NAME" --service "$TOKEN_SERVICE" --user berthtest \
              --password-file "$REGISTRY_AUTH_DIR/password" --public berth-test/public/)
    else
        cfg=$(registry_config "$name")
        pid=$(start_daemon "$name" "$REGISTRY_LOG" docker-registry serve "$cfg")
    fi
    if wait_up "$name" "reg_up $name" 20 "$pid"; then
        STATUS[$name]=started
    else
        start_failed "$name" "$([ "$name" = token-issuer ] && echo "$TOKEN_ISSUER_LOG" || echo "$REGISTRY_LOG")"
        STATUS[$name]=FAILED
        return 1
    fi
}

# The password of user berthtest, made once; the htpasswd file from it
# (the password on stdin, never in an argument).
ensure_password() {
    mkdir -p "$REGISTRY_AUTH_DIR"
    chmod 700 "$REGISTRY_AUTH_DIR"
    if [ ! -s "$REGISTRY_AUTH_DIR/password" ]; then
        (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$REGISTRY_AUTH_DIR/password")
    fi
    if [ ! -s "$REGISTRY_AUTH_DIR/htpasswd" ] ||
        ! htpasswd -vi "$REGISTRY_AUTH_DIR/htpasswd" berthtest <"$REGISTRY_AUTH_DIR/password" >/dev/null 2>&1; then
        htpasswd -Bci "$REGISTRY_AUTH_DIR/htpasswd" berthtest <"$REGISTRY_AUTH_DIR/password" >/dev/null 2>&1
    fi
}

# Certificates made anew: the instances of ours that use them start again.
restart_for_new_certs() {
    local name pid
    for name in registry-tls registry-unknown-ca registry-token token-issuer; do
        if pid=$(recorded_pid "$name" "$([ "$name" = token-issuer ] && echo python3 || echo docker-registry)"); then
            log "$name: new certificates; restarting it (pid $pid)"
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
        fi
    done
}

# push_to_registry LOCAL REPO:TAG: push a docker image to 127.0.0.1:5000, no
# name of it left behind in docker
push_to_registry() {
    local tmpref="$REGISTRY_ADDR/$2" rc=0
    "$DOCKER" tag "$1" "$tmpref" && "$DOCKER" push -q "$tmpref" >/dev/null || rc=1
    "$DOCKER" rmi "$tmpref" >/dev/null 2>&1 || true
    return $rc
}

REG_NAMES=(registry registry-auth token-issuer registry-token registry-tls registry-unknown-ca)
if [ $((WANT_DOCKER + WANT_PODMAN + WANT_CONTAINERD)) -gt 0 ] && ensure_reg registry; then
    ensure_password
    ensure_certs
    [ "$TLS_NEW" = 1 ] && restart_for_new_certs
    for name in "${REG_NAMES[@]:1}"; do ensure_reg "$name" || true; done
    if [ "$REBUILD_IMAGES" = 1 ] || ! registry_has berth-test/busybox latest ||
        ! registry_has berth-test/public/busybox latest; then
        if ok docker && docker_has "$IMG_BUSYBOX"; then
            log "registry: pushing berth-test/busybox:latest and berth-test/public/busybox:latest"
            push_to_registry "$IMG_BUSYBOX" berth-test/busybox:latest &&
                push_to_registry "$IMG_BUSYBOX" berth-test/public/busybox:latest ||
                img_fail registry berth-test/busybox
        else
            img_fail registry berth-test/busybox
        fi
    fi
fi

# --- 3c. a realistic image: Debian's Redis -------------------------------------------
# mmdebstrap builds a Debian root file system with redis-server through the
# Debian mirror (~15 s, ~180 MB), kept in $IMAGES_DIR and built again only
# when missing or with REBUILD_IMAGES=1. Docker's legacy builder (offline,
# FROM scratch) makes three layers of it: the system, Redis' own files, a
# configuration; it goes to the registry as berth-test/redis:bookworm and no
# engine keeps a copy (the tests and the bench pull it cold).
IMAGES_DIR=/var/lib/berth-test/images
REDIS_ROOTFS=$IMAGES_DIR/redis-bookworm.tar
REDIS_REF=berth-test/redis:bookworm
# Cut a root file system tarball in two: what the named packages installed
# (their dpkg file lists; a directory only when its path holds KEYWORD) and
# everything else.   usage: SRC BASE EXTRA KEYWORD PACKAGE...
SPLIT_PY='import sys, tarfile
src, base, extra, keyword = sys.argv[1:5]
listed = set()
with tarfile.open(src) as t:
    for pkg in sys.argv[5:]:
        try:
            f = t.extractfile("./var/lib/dpkg/info/%s.list" % pkg)
        except KeyError:
            try:
                f = t.extractfile("./var/lib/dpkg/info/%s:amd64.list" % pkg)
            except KeyError:
                continue
        listed |= {l.strip().lstrip("/") for l in f.read().decode().splitlines() if l.strip()}
with tarfile.open(src) as t, tarfile.open(base, "w") as b, tarfile.open(extra, "w") as e:
    for m in t:
        name = m.name.lstrip("./")
        mine = name in listed and (not m.isdir() or keyword in name)
        (e if mine else b).addfile(m, t.extractfile(m) if m.isfile() else None)'
ensure_redis_image() {
    if [ "$REBUILD_IMAGES" != 1 ] && registry_has berth-test/redis bookworm; then return 0; fi
    ok docker || { log "registry: $REDIS_REF needs docker to be built"; return 1; }
    mkdir -p "$IMAGES_DIR"
    if [ "$REBUILD_IMAGES" = 1 ] || [ ! -s "$REDIS_ROOTFS" ]; then
        log "images: mmdebstrap bookworm with redis-server (log: $IMAGES_DIR/mmdebstrap.log)"
        rm -f "$REDIS_ROOTFS.part"
        mmdebstrap --variant=apt --include=redis-server --format=tar bookworm "$REDIS_ROOTFS.part" \
            >"$IMAGES_DIR/mmdebstrap.log" 2>&1 || { tail -n 20 "$IMAGES_DIR/mmdebstrap.log" >&2; return 1; }
        mv "$REDIS_ROOTFS.part" "$REDIS_ROOTFS"
    fi
    local ctx=$TMP/redis
    mkdir -p "$ctx"
    /usr/bin/python3 -c "$SPLIT_PY" "$REDIS_ROOTFS" "$ctx/system.tar" "$ctx/redis.tar" redis \
        redis-server redis-tools || return 1
    printf '%s\n' '# berth test image' 'bind 0.0.0.0 ::' 'port 6379' 'protected-mode no' 'daemonize no' \
        'supervised no' 'logfile ""' 'save ""' 'appendonly no' 'dir /var/lib/redis' >"$ctx/berth.conf"
    cat >"$ctx/Containerfile" <<'EOR'
FROM scratch
ADD system.tar /
ADD redis.tar /
COPY berth.conf /etc/redis/berth.conf
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
EXPOSE 6379
USER redis
CMD ["redis-server", "/etc/redis/berth.conf"]
EOR
    local local_ref=localhost/berth-provision/redis:bookworm rc=0
    log "registry: building and pushing $REDIS_REF"
    DOCKER_BUILDKIT=0 "$DOCKER" build -q -f "$ctx/Containerfile" -t "$local_ref" "$ctx" >/dev/null &&
        push_to_registry "$local_ref" "$REDIS_REF" || rc=1
    "$DOCKER" rmi "$local_ref" >/dev/null 2>&1 || true
    rm -rf "$ctx"
    return $rc
}
if [ "${STATUS[registry]:-}" = started ] || [ "${STATUS[registry]:-}" = running ]; then
    ensure_redis_image || img_fail registry "$REDIS_REF"
fi

# --- 3d. the stack's images: PostgreSQL and a web service over both -----------------
# berth-test/postgres:bookworm (Debian's postgresql-15, an entry point that
# initializes PGDATA on first start) and berth-test/web:bookworm (busybox
# httpd with a CGI page that reads Redis and PostgreSQL, the seed one-shot,
# redis-tools and postgresql-client-15), for examples/stack and its tests.
# Made as the Redis image is: an mmdebstrap root file system (without
# documentation, man pages and translations; PostgreSQL's LLVM JIT left
# out: 100 MB it would only load with jit = on) cached in $IMAGES_DIR, cut
# into a system layer and the packages' own files, plus the files of
# scripts/images/NAME/ over it, built by Docker's legacy builder and pushed.
# A stamp beside the tarball holds a digest of the mmdebstrap arguments and
# of scripts/images/NAME/: either changing makes the image (or the root file
# system) again; so does a registry without it.
SLIM_OPTS=(--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright'
           --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*'
           --dpkgopt='path-exclude=/usr/share/info/*')
PG_OPTS=(--include=postgresql-15 "${SLIM_OPTS[@]}"
         --dpkgopt='path-exclude=/usr/lib/*/libLLVM-*' --dpkgopt='path-exclude=/usr/lib/*/libz3.so*'
         --dpkgopt='path-exclude=/usr/lib/postgresql/15/lib/llvmjit*'
         --dpkgopt='path-exclude=/usr/lib/postgresql/15/lib/bitcode/*'
         # the package's own cluster is not wanted: the entry point makes one in PGDATA
         --customize-hook='rm -rf "$1/var/lib/postgresql/15" "$1/etc/postgresql/15"'
         --customize-hook='chroot "$1" install -d -o postgres -g postgres -m 700 /var/lib/postgresql/data /run/postgresql')
WEB_OPTS=(--include=busybox,redis-tools,postgresql-client-15 "${SLIM_OPTS[@]}")
STACK_SRC=$REPO_ROOT/scripts/images

# ensure_deb_image NAME KEYWORD "SPLIT-PACKAGES" MMDEBSTRAP-OPTION...:
# berth-test/NAME:bookworm in the registry
ensure_deb_image() {
    local name=$1 keyword=$2 split=$3; shift 3
    local ref=berth-test/$name:bookworm rootfs=$IMAGES_DIR/$name-bookworm.tar
    local stamp=$IMAGES_DIR/$name-bookworm.stamp fs_sum img_sum t0
    fs_sum=$(printf '%s\n' "$@" | sha256sum | cut -c1-16)
    img_sum=$fs_sum-$(cd "$STACK_SRC/$name" && tar --sort=name --mtime=@0 --owner=0 --group=0 -cf - . |
                      sha256sum | cut -c1-16)
    if [ "$REBUILD_IMAGES" != 1 ] && [ "$(cat "$stamp" 2>/dev/null)" = "$img_sum" ] &&
        registry_has "berth-test/$name" bookworm; then
        return 0
    fi
    ok docker || { log "registry: $ref needs docker to be built"; return 1; }
    mkdir -p "$IMAGES_DIR"
    if [ "$REBUILD_IMAGES" = 1 ] || [ ! -s "$rootfs" ] || [ "$(cut -d- -f1 "$stamp" 2>/dev/null)" != "$fs_sum" ]; then
        log "images: mmdebstrap bookworm for $ref (log: $IMAGES_DIR/mmdebstrap-$name.log)"
        t0=$(date +%s)
        rm -f "$rootfs.part" "$stamp"
        mmdebstrap --variant=essential --format=tar "$@" bookworm "$rootfs.part" \
            >"$IMAGES_DIR/mmdebstrap-$name.log" 2>&1 || { tail -n 20 "$IMAGES_DIR/mmdebstrap-$name.log" >&2; return 1; }
        mv "$rootfs.part" "$rootfs"
        log "images: $name root file system in $(($(date +%s) - t0)) s ($(du -m "$rootfs" | cut -f1) MB)"
    fi
    local ctx=$TMP/$name local_ref=localhost/berth-provision/$name:bookworm rc=0
    mkdir -p "$ctx"
    # shellcheck disable=SC2086
    /usr/bin/python3 -c "$SPLIT_PY" "$rootfs" "$ctx/system.tar" "$ctx/$name.tar" "$keyword" $split || return 1
    cp -p "$STACK_SRC/$name"/* "$ctx/"
    log "registry: building and pushing $ref"
    t0=$(date +%s)
    DOCKER_BUILDKIT=0 "$DOCKER" build -q -f "$ctx/Containerfile" -t "$local_ref" "$ctx" >/dev/null &&
        push_to_registry "$local_ref" "$ref" || rc=1
    "$DOCKER" rmi "$local_ref" >/dev/null 2>&1 || true
    rm -rf "$ctx"
    [ $rc = 0 ] && echo "$img_sum" >"$stamp" && log "registry: $ref built and pushed in $(($(date +%s) - t0)) s"
    return $rc
}
if [ "${STATUS[registry]:-}" = started ] || [ "${STATUS[registry]:-}" = running ]; then
    ensure_deb_image postgres postgresql "postgresql-15" "${PG_OPTS[@]}" ||
        img_fail registry berth-test/postgres:bookworm
    ensure_deb_image web postgresql "busybox redis-tools postgresql-client-15 libpq5" "${WEB_OPTS[@]}" ||
        img_fail registry berth-test/web:bookworm
fi

# --- optional smoke test ---------------------------------------------------------

SMOKE_FAIL=()
smoke_http() {   # ENGINE CLI... : run busybox httpd with a published port, fetch a file
    local eng=$1 port=$2; shift 2
    local name="berth-provision-smoke-$$" out
    "$@" run -d --name "$name" -p "127.0.0.1:$port:8080" "$IMG_BUSYBOX" \
        httpd -f -p 8080 -h /etc >/dev/null || { SMOKE_FAIL+=("$eng:run"); return; }
    out=""
    for _ in $(seq 1 20); do
        out=$(curl -sf -m 2 "http://127.0.0.1:$port/passwd" 2>/dev/null) && break
        sleep 0.25
    done
    "$@" rm -f -t 0 "$name" >/dev/null 2>&1 || "$@" rm -f "$name" >/dev/null 2>&1 || true
    grep -q '^root:' <<<"$out" || SMOKE_FAIL+=("$eng:port")
}
if [ "$SMOKE" = 1 ]; then
    if ok docker && [ "$WANT_DOCKER" = 1 ]; then
        [ "$("$DOCKER" run --rm "$IMG_BUSYBOX" echo ok 2>&1)" = ok ] || SMOKE_FAIL+=(docker:echo)
        smoke_http docker 18980 "$DOCKER"
    fi
    if ok podman && [ "$WANT_PODMAN" = 1 ]; then
        [ "$("${PODMAN[@]}" run --rm "$IMG_BUSYBOX" echo ok 2>&1)" = ok ] || SMOKE_FAIL+=(podman:echo)
        smoke_http podman 18981 "${PODMAN[@]}"
    fi
    if ok containerd && [ "$WANT_CONTAINERD" = 1 ]; then
        [ "$("${CTR[@]}" run --rm "$IMG_BUSYBOX" "berth-provision-smoke-$$" echo ok 2>&1)" = ok ] ||
            SMOKE_FAIL+=(containerd:echo)
    fi
fi

# --- 4. summary ------------------------------------------------------------------

docker_version()     { "$DOCKER" version --format '{{.Server.Version}}' 2>/dev/null || echo '?'; }
podman_version()     { "${PODMAN[@]}" version --format '{{.Server.Version}}' 2>/dev/null || echo '?'; }
containerd_version() { timeout 5 ctr --address "$CONTAINERD_SOCK" version 2>/dev/null |
                       awk '/^Server:/ {s=1} s && $1 == "Version:" {print $2; exit}'; }

declare -A SOCK=([docker]="unix://$DOCKER_SOCK" [podman]="unix://$PODMAN_SOCK"
                 [containerd]="unix://$CONTAINERD_SOCK")
FAILED=()
for eng in docker podman containerd; do
    want_var="WANT_${eng^^}"
    st=${STATUS[$eng]:-}
    if [ "${!want_var}" != 1 ] && [ -z "$st" ]; then continue; fi
    note=""
    [ "${!want_var}" != 1 ] && note=" (needed by docker)"
    case "$st" in
        started|running)
            [ "$st" = started ] && how="started now" || how="already running"
            echo "$eng: up ($("${eng}_version")) at ${SOCK[$eng]} [$how]$note" ;;
        *)
            echo "$eng: DOWN (could not be started; see /var/log/berth-${eng/docker/dockerd}.log)$note"
            FAILED+=("$eng") ;;
    esac
done

declare -A REG_DESC=(
    [registry]="registry: up at http://${REG_ADDR[registry]}"
    [registry-auth]="registry (password): up at http://${REG_ADDR[registry-auth]}"
    [token-issuer]="token issuer: up at http://${REG_ADDR[token-issuer]}/token"
    [registry-token]="registry (Bearer token): up at http://${REG_ADDR[registry-token]}"
    [registry-tls]="registry (TLS + password): up at https://${REG_ADDR[registry-tls]}"
    [registry-unknown-ca]="registry (TLS, unknown CA): up at https://${REG_ADDR[registry-unknown-ca]}"
)
for name in "${REG_NAMES[@]}"; do
    case "${STATUS[$name]:-}" in
        started|running) echo "${REG_DESC[$name]} [${STATUS[$name]/started/started now}]" ;;
        FAILED) echo "${REG_DESC[$name]%%: up at*}: DOWN (could not be started; see $REGISTRY_LOG or $TOKEN_ISSUER_LOG)"
                FAILED+=("$name") ;;
    esac
done
if registry_has berth-test/redis bookworm 2>/dev/null; then
    echo "image: ${REG_ADDR[registry]}/$REDIS_REF (rootfs cached in $REDIS_ROOTFS)"
fi
for name in postgres web; do
    if registry_has "berth-test/$name" bookworm 2>/dev/null; then
        echo "image: ${REG_ADDR[registry]}/berth-test/$name:bookworm (rootfs cached in $IMAGES_DIR/$name-bookworm.tar)"
    fi
done
if [ ${#IMG_FAIL[@]} -gt 0 ]; then
    echo "provision.sh: test images missing: ${IMG_FAIL[*]}" >&2
fi
if [ ${#SMOKE_FAIL[@]} -gt 0 ]; then
    echo "provision.sh: smoke test failed: ${SMOKE_FAIL[*]}" >&2
elif [ "$SMOKE" = 1 ]; then
    echo "smoke test: ok (run, echo, published port on 127.0.0.1)"
fi
if [ ${#FAILED[@]} -gt 0 ]; then
    echo "provision.sh: FAILED to start: ${FAILED[*]}" >&2
    exit 1
fi
[ ${#IMG_FAIL[@]} -eq 0 ] && [ ${#SMOKE_FAIL[@]} -eq 0 ] || exit 1
exit 0
