#!/bin/sh
# public-archive.sh OUT.a IN.a — the installed static libberth: every object
# of the internal archive linked into one relocatable object, in which the
# symbols compiled with hidden visibility (everything but BERTH_API) are
# made local, so that only berth_* stays global and nothing of berth's
# inside can collide with a name in the program that links it.
set -eu
out=$1
in=$2
ld=${LD:-ld}
objcopy=${OBJCOPY:-objcopy}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
in_dir=$(cd "$(dirname "$in")" && pwd)
# meson keeps archives it does not install thin: their members are paths
# (relative to the build directory, where this runs)
if head -c 8 "$in" | grep -q '^!<thin>'; then
	objs=$(ar t "$in" | while read -r m; do echo "$m"; done)
else
	(cd "$tmp" && ar x "$in_dir/$(basename "$in")")
	objs=$(ls "$tmp"/*.o)
fi
# shellcheck disable=SC2086 # one word per object path (no spaces in build paths)
"$ld" -r -o "$tmp/libberth.o" $objs
"$objcopy" --localize-hidden "$tmp/libberth.o"
rm -f "$out"
ar rcs "$out" "$tmp/libberth.o"
