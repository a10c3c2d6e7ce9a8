#!/bin/sh
# tls-proxy.sh - put a TLS front (Docker's tcp://...:2376 conventions) before
# an engine's unix socket, to try berth's TLS transport against a real engine.
#
#   tls-proxy.sh certs DIR
#       make DIR/{ca,cert,key}.pem (the client side, Docker's layout) and
#       DIR/server{,-key}.pem for 127.0.0.1 and localhost, unless they exist
#   tls-proxy.sh serve DIR PORT SOCKET [verify]
#       listen on 127.0.0.1:PORT (in the foreground; stop it with a signal)
#       and pass every connection to SOCKET; client certificates signed by
#       DIR/ca.pem are required unless the last argument is "noverify"
#
# Then, for example:
#   DOCKER_HOST=tcp://127.0.0.1:PORT DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=DIR berth ...
# Needs openssl and socat.
set -eu

usage() {
    sed -n '2,16s/^# \{0,1\}//p' "$0" >&2
    exit 2
}

make_certs() {
    dir=$1
    mkdir -p "$dir"
    cd "$dir"
    [ -s ca.pem ] && [ -s server.pem ] && [ -s cert.pem ] && return 0
    ec='-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes'
    # shellcheck disable=SC2086 # $ec is several words on purpose
    openssl req -x509 $ec -keyout ca-key.pem -out ca.pem -days 30 \
        -subj '/CN=berth tls-proxy CA' \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
    leaf() { # file-prefix common-name extensions
        # shellcheck disable=SC2086
        openssl req $ec -keyout "$1-key.pem" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
        printf '%s\n' "$3" > "$1.ext"
        openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
            -days 30 -out "$1.pem" -extfile "$1.ext" 2>/dev/null
        rm -f "$1.csr" "$1.ext"
    }
    leaf server 127.0.0.1 'subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth'
    leaf client berth-client 'extendedKeyUsage=clientAuth'
    mv client.pem cert.pem
    mv client-key.pem key.pem
    chmod 600 ca-key.pem server-key.pem key.pem
}

[ $# -ge 2 ] || usage
cmd=$1
dir=$2
case $cmd in
certs)
    [ $# -eq 2 ] || usage
    (make_certs "$dir")
    echo "certificates in $dir"
    ;;
serve)
    [ $# -eq 4 ] || [ $# -eq 5 ] || usage
    port=$3
    socket=$4
    verify=1
    [ "${5:-verify}" = noverify ] && verify=0
    (make_certs "$dir")
    [ -S "$socket" ] || { echo "tls-proxy.sh: $socket is not a socket" >&2; exit 1; }
    echo "tls-proxy: 127.0.0.1:$port -> $socket (DOCKER_CERT_PATH=$dir)" >&2
    exec socat "OPENSSL-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork,cert=$dir/server.pem,key=$dir/server-key.pem,cafile=$dir/ca.pem,verify=$verify" \
        "UNIX-CONNECT:$socket"
    ;;
*)
    usage
    ;;
esac
