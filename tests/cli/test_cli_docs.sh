#!/bin/bash
# The CLI's option tables and what is made of them, without an engine:
# every verb's --help lists its table's options, the man pages exist and
# format without warnings, the bash completion completes, and an unknown
# option is still a usage error (125). Prints TAP. Environment:
# BERTH_CLI (the binary), BERTH_DOC_DIR (where the build wrote the pages
# and completions).
set -u
B=${BERTH_CLI:?BERTH_CLI is not set}
DOC=${BERTH_DOC_DIR:?BERTH_DOC_DIR is not set}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

n=0
failed=0
ok() { # STATUS "description" [DETAIL]
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		[ -n "${3:-}" ] && echo "#   ${3:0:600}"
		failed=$((failed + 1))
	fi
}

# The verbs as `berth --help` lists them, and the tables' options.
verbs=$("$B" --help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z]*\) .*/\1/p')
"$B" __gendoc options >"$TMP/options"
nverbs=$(wc -w <<<"$verbs")
ok "$([ "$nverbs" -ge 30 ] && echo 0 || echo 1)" "berth --help lists the verbs ($nverbs)"
ok "$([ -s "$TMP/options" ] && echo 0 || echo 1)" "__gendoc options lists the tables"

# --help of every verb (and image subcommand): exit 0, the usage line,
# and each option of the table, with its letter where it has one.
bad=
while IFS=$'\t' read -r verb long short; do
	# shellcheck disable=SC2086 # "image ls" is two words
	if ! "$B" $verb --help >"$TMP/help" 2>&1; then
		bad="$bad [$verb --help: exit $?]"
		continue
	fi
	grep -q "^Usage: berth $verb" "$TMP/help" || bad="$bad [$verb: no usage line]"
	grep -q -- "$long\\b" "$TMP/help" || bad="$bad [$verb: $long]"
	if [ "$short" != - ] && ! grep -q -- "$short, $long" "$TMP/help"; then
		bad="$bad [$verb: $short, $long]"
	fi
done <"$TMP/options"
ok "$([ -z "$bad" ] && echo 0 || echo 1)" "every verb's --help exits 0 and lists its table's options" "$bad"

missing=
for v in $verbs; do
	grep -q "^$v	" "$TMP/options" || missing="$missing $v"
done
ok "$([ -z "$missing" ] && echo 0 || echo 1)" "every verb has a table entry" "$missing"

# --- man pages ---
missing=
for v in $verbs; do
	[ -s "$DOC/berth-$v.1" ] || missing="$missing berth-$v.1"
done
[ -s "$DOC/berth.1" ] || missing="$missing berth.1"
ok "$([ -z "$missing" ] && echo 0 || echo 1)" "a man page for berth and for each verb" "$missing"

if command -v groff >/dev/null; then
	warned=
	for page in "$DOC"/berth.1 "$DOC"/berth-*.1; do
		w=$(groff -man -ww -z "$page" 2>&1)
		[ -n "$w" ] && warned="$warned [$(basename "$page"): $w]"
	done
	ok "$([ -z "$warned" ] && echo 0 || echo 1)" "the man pages format without warnings (groff -man -ww)" "$warned"
elif command -v man >/dev/null; then
	warned=
	for page in "$DOC"/berth.1 "$DOC"/berth-*.1; do
		w=$(man --warnings -l "$page" 2>&1 >/dev/null)
		[ -n "$w" ] && warned="$warned [$(basename "$page"): $w]"
	done
	ok "$([ -z "$warned" ] && echo 0 || echo 1)" "the man pages format without warnings (man --warnings)" "$warned"
else
	n=$((n + 1))
	echo "ok $n - # SKIP neither groff nor man is installed"
fi

# Every documented option is in its verb's page (image's subcommands in
# berth-image.1); roff writes '-' as '\-'.
absent=
while IFS=$'\t' read -r verb long _; do
	page=$DOC/berth-${verb%% *}.1
	grep -q -- "${long//-/\\\\-}" "$page" 2>/dev/null || absent="$absent [$verb $long]"
done <"$TMP/options"
ok "$([ -z "$absent" ] && echo 0 || echo 1)" "each verb's man page documents its options" "$absent"

# --- completions ---
complete_words() { # WORDS...: what the completion offers for the last word
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _berth; echo "${COMPREPLY[*]}"' \
		_ "$DOC/berth" "$@" 2>&1
}
ok "$(bash -n "$DOC/berth" 2>/dev/null && bash -c 'source "$1" && complete -p berth' _ "$DOC/berth" >/dev/null 2>&1 &&
	echo 0 || echo 1)" "the bash completion loads and registers for berth"
got=$(complete_words berth ru)
ok "$([ "$got" = run ] && echo 0 || echo 1)" "berth ru<TAB> completes to run" "got: $got"
got=$(complete_words berth -E docker ps --a)
ok "$([ "$got" = --all ] && echo 0 || echo 1)" "berth -E docker ps --a<TAB> completes to --all" "got: $got"
got=$(complete_words berth run --restart un)
ok "$([ "$got" = unless-stopped ] && echo 0 || echo 1)" "a flag's value completes from its choices" "got: $got"
got=$(complete_words berth image i)
ok "$(has() { [[ " $got " == *" $1 "* ]]; }; has inspect && has import && echo 0 || echo 1)" \
	"berth image i<TAB> offers the image subcommands" "got: $got"
if command -v zsh >/dev/null; then
	ok "$(zsh -n "$DOC/_berth" 2>/dev/null && echo 0 || echo 1)" "the zsh completion parses"
else
	ok "$([ -s "$DOC/_berth" ] && head -1 "$DOC/_berth" | grep -q '^#compdef berth' && echo 0 || echo 1)" \
		"the zsh completion is written (zsh is not installed to parse it)"
fi

# --- usage errors ---
bad=
for v in $verbs; do
	"$B" "$v" --no-such-option >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" != 125 ] || ! [ -s "$TMP/err" ]; then
		bad="$bad [$v: rc=$rc $(head -c 200 "$TMP/err")]"
	fi
done
ok "$([ -z "$bad" ] && echo 0 || echo 1)" "an unknown option exits 125 with a message, for every verb" "$bad"
"$B" ps --no-such-option >"$TMP/out" 2>"$TMP/err"
rc=$?
ok "$([ $rc = 125 ] && grep -q "unrecognized option '--no-such-option'" "$TMP/err" &&
	grep -q "^Usage: berth ps" "$TMP/err" && echo 0 || echo 1)" \
	"ps --no-such-option: 125, names the option, shows the usage" "rc=$rc $(cat "$TMP/err")"
"$B" --no-such-option >"$TMP/out" 2>"$TMP/err"
rc=$?
ok "$([ $rc = 125 ] && [ -s "$TMP/err" ] && echo 0 || echo 1)" "an unknown global option exits 125 with a message"

# --- structure: no command file uses what another defines (functions or
# tables); shared code lives in common.c, pump.c, options.c ---
objs=("${BERTH_BUILD_DIR:-}"/src/berth.p/cli_cmd_*.o)
if command -v nm >/dev/null && [ -e "${objs[0]}" ]; then
	cross=
	for o in "${objs[@]}"; do
		for d in "${objs[@]}"; do
			[ "$o" = "$d" ] && continue
			both=$(comm -12 <(nm -u "$o" | awk '{print $2}' | sort -u) \
				<(nm --defined-only -g "$d" | awk '{print $3}' | sort -u))
			[ -n "$both" ] && cross="$cross [$(basename "$o") uses $(basename "$d"): $both]"
		done
	done
	ok "$([ -z "$cross" ] && echo 0 || echo 1)" "no cmd_*.c uses a symbol another cmd_*.c defines" "$cross"
else
	n=$((n + 1))
	echo "ok $n - # SKIP nm or the CLI's objects are not there"
fi

echo "1..$n"
[ "$failed" = 0 ]
