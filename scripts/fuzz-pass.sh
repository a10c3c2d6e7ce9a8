#!/bin/sh
# fuzz-pass.sh FUZZER SEEDS SECONDS FUZZDIR - one libFuzzer target run for
# SECONDS from its seed corpus, as a TAP test: "ok" with the number of runs
# when nothing was found; otherwise the fuzzer's report, the input in
# base64 (to add to fuzz/corpus/<target>/ once fixed) and "not ok".
# New inputs go to a scratch directory, never into the committed corpus.
set -u
exe=$1
seeds=$2
secs=$3
dir=$4
name=$(basename "$exe")
name=${name#fuzz_}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dict=""
[ -f "$dir/$name.dict" ] && dict="-dict=$dir/$name.dict"
case $name in http_*) dict="-dict=$dir/http.dict" ;; esac
mkdir "$work/corpus"
cd "$work" || exit 1 # crash-*, leak-*, timeout-* land here
# shellcheck disable=SC2086 # $dict is empty or one word
"$exe" $dict -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 corpus "$seeds" >log 2>&1
rc=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' log)
echo "1..1"
if [ "$rc" -ne 0 ]; then
	tail -n 60 log | sed 's/^/# /'
	for f in crash-* leak-* timeout-* oom-*; do
		[ -e "$f" ] || continue
		echo "# input $f, base64:"
		base64 "$f" | head -n 40 | sed 's/^/# /'
	done
	echo "not ok 1 - $name: the fuzzer found a problem after ${runs:-?} runs (exit $rc)"
	exit 1
fi
echo "ok 1 - $name: ${runs:-?} runs in ${secs} s, nothing found"
