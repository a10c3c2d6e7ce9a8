#!/bin/sh
# Compile containerd's .proto files with protoc-c into one flat directory:
# meson wants outputs without subdirectories, so each generated file gets
# its import path with '/' turned into '_' (github.com/containerd/containerd/
# dropped), and the #include lines between them are rewritten to match.
# usage: gen-proto.sh PROTOC-C OUTDIR PROTOC-ARGS...
set -eu
protoc=$1
outdir=$(cd "$2" && pwd)
shift 2
tmp=$(mktemp -d "$outdir/.gen.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$protoc" --c_out="$tmp" "$@" 2>"$tmp/.log" || { cat "$tmp/.log" >&2; exit 1; }
flat() {
	echo "$1" | sed -e 's|^github.com/containerd/containerd/||' -e 's|^github.com/||' | tr / _
}
cd "$tmp"
files=$(find . -name '*.pb-c.[ch]' | sed 's|^\./||' | sort)
script=
for f in $files; do
	case $f in *.h) script="$script -e s|\"$f\"|\"$(flat "$f")\"|" ;; esac
done
for f in $files; do
	# shellcheck disable=SC2086
	sed $script "$f" >"$outdir/$(flat "$f").tmp"
	mv "$outdir/$(flat "$f").tmp" "$outdir/$(flat "$f")"
done
