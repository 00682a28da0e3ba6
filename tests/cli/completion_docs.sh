#!/usr/bin/env bash
# The help, the man pages and the shell completions against the option
# tables the parsers use (`veil completion list`): every command, subcommand
# and option is in its --help, in its section of veil(1) or veil-sops(1),
# and offered by the bash, zsh and fish completions (run, not grepped); and
# every option an option list in --help shows, and every subcommand a usage
# line names, is in the tables. The man pages render without a groff
# warning; the scripts load without an error.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

# The man pages: beside the binary (the build's man/, configured by CMake),
# or an installed tree's share/man/man1 (VEIL_MAN_DIR).
MAN_DIR=${VEIL_MAN_DIR:-$(dirname "$VEIL")/man}
if [ ! -f "$MAN_DIR/veil.1" ]; then
	echo "skip: no man pages next to $VEIL (expected $MAN_DIR/veil.1)"
	exit 77
fi
command -v groff >/dev/null || { echo "skip: groff is not installed" && exit 77; }

"$VEIL" completion list >list.tsv
check "veil completion list lists commands" test "$(grep -c '^command' list.tsv)" -ge 40
check "veil completion list lists options" test "$(grep -c '^option' list.tsv)" -ge 300

# --- man pages: no warning; rendered as plain text, wide (no line breaks
# inside a section line), for the section checks below
for p in veil veil-sops; do
	run env LC_ALL=C groff -ww -z -man "$MAN_DIR/$p.1"
	check "$p.1: groff -ww renders it without a warning" test "$rc" -eq 0 -a ! -s "$T/err"
	if command -v man >/dev/null; then
		run env LC_ALL=C MANWIDTH=80 man --warnings -l "$MAN_DIR/$p.1"
		check "$p.1: man -l renders it without a warning" test "$rc" -eq 0 -a ! -s "$T/err" -a -s "$T/out"
	fi
	LC_ALL=C groff -man -Tascii -rLL=400n -P-cbou "$MAN_DIR/$p.1" 2>/dev/null >"$p.txt"
done

# section PAGE PATH: the text of the .SS section of PATH ("veil k8s decrypt",
# "sops groups add"), else of its closest parent that has one, else the page.
section() {
	local page=$1 path=$2
	while [ "${path#* }" != "$path" ]; do
		if awk -v h="$path" '
			function starts(l) { return index(l, "   " h) == 1 &&
				substr(l, length(h) + 4, 1) ~ /^([ |,]|)$/ }
			starts($0) { on = 1; found = 1; print; next }
			on && (/^   [^ ]/ || /^[A-Z]/) { on = 0 }
			on { print }
			END { exit !found }' "$page" 2>/dev/null; then
			return
		fi
		path=${path% *}
	done
	cat "$page"
}

# Every token ("--in-place", "-i", "k8s-keys") of a file, indexed once:
# has FILE WORD is then a lookup ("--in-place" is not "--in-place-x").
declare -A tokens=() indexed=()
has() {
	local t
	if [ -z "${indexed[$1]+x}" ]; then
		indexed[$1]=1
		while read -r t; do tokens["$1|$t"]=1; done < <(grep -oE -- '[A-Za-z0-9_-]+' "$1")
	fi
	[ -n "${tokens["$1|$2"]+x}" ]
}
# sect PAGE PATH: the name of a file holding that section (made once)
sect() {
	local f="sect.$1.$2.txt"
	[ -f "$f" ] || section "$1" "$2" >"$f"
	sectfile=$f
}

# --- bash, zsh and fish, loaded
"$VEIL" completion bash >veil.bash
"$VEIL" completion zsh >_veil
"$VEIL" completion fish >veil.fish
run bash -c 'set -u; source ./veil.bash && complete -p veil'
check "bash: the script loads without an error (set -u)" test "$rc" -eq 0 -a ! -s "$T/err"
have_zsh=0 have_fish=0
if command -v zsh >/dev/null; then
	have_zsh=1
	run zsh -f -c 'autoload -Uz compinit && compinit -u -d "$PWD/.zcd" && source ./_veil &&
		(( $+functions[_veil] )) && [[ $_comps[veil] == _veil ]]'
	check "zsh: the script loads after compinit without an error" test "$rc" -eq 0 -a ! -s "$T/err"
else
	echo "note: zsh is not installed: its completion is not tested"
fi
if command -v fish >/dev/null; then
	have_fish=1
	run fish --no-config -c 'source ./veil.fish; and complete -c veil | string match -q "*encrypt*"'
	check "fish: the script loads without an error" test "$rc" -eq 0 -a ! -s "$T/err"
else
	echo "note: fish is not installed: its completion is not tested"
fi

# The completions each shell offers after "veil PATH WORD" (WORD being
# typed), one query per line of queries.txt ("PATH|WORD"), answers as
# "PATH<TAB>WORD<TAB>offer".
tr '\t' '|' <list.tsv >list.psv # "|" keeps empty fields apart for read
awk -F'\t' '$1 == "command" { print $2 "|-"; print $2 "|" }' list.tsv >queries.txt
printf '|-\n|\n' >>queries.txt
cat >query.bash <<'X'
source ./veil.bash
while IFS='|' read -r path word; do
	read -ra ws <<<"$path"
	COMP_WORDS=(veil "${ws[@]}" "$word")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_veil
	for r in "${COMPREPLY[@]}"; do printf '%s\t%s\t%s\n' "$path" "$word" "$r"; done
done <queries.txt
X
bash query.bash >bash.txt 2>bash.err
check "bash: every query ran without an error" test ! -s bash.err
if [ "$have_zsh" = 1 ]; then
	# _veil_complete with the completion builtins replaced by functions that
	# print what they would offer
	cat >query.zsh <<'X'
compdef() { :; }
source ./_veil
compadd() { [[ $1 == -- ]] && shift; local w; for w in "$@"; do print -r -- "$qpath	$qword	$w"; done; }
_describe() { local d; for d in "${(@P)4}"; do print -r -- "$qpath	$qword	${d%%:*}"; done; }
_files() { :; }
_message() { :; }
compset() { :; }
while IFS='|' read -r qpath qword; do
	words=(veil ${=qpath} "$qword")
	CURRENT=${#words}
	_veil
done <queries.txt
X
	zsh -f query.zsh >zsh.txt 2>zsh.err
	check "zsh: every query ran without an error" test ! -s zsh.err
fi
if [ "$have_fish" = 1 ]; then
	cat >query.fish <<'X'
source ./veil.fish
while read -l line
	set -l f (string split '|' -- $line)
	for r in (complete -C "veil $f[1] $f[2]")
		printf '%s\t%s\t%s\n' $f[1] "$f[2]" (string split -f1 \t -- $r)
	end
end <queries.txt
X
	fish --no-config query.fish >fish.txt 2>fish.err
	check "fish: every query ran without an error" test ! -s fish.err
fi

# offered SHELL PATH WORD OFFER: the shell offered OFFER after "veil PATH WORD"
declare -A answers=()
for sh in bash zsh fish; do
	[ -f "$sh.txt" ] || continue
	while IFS= read -r l; do answers["$sh|$l"]=1; done <"$sh.txt"
done
offered() {
	[ -n "${answers["$1|$2	$3	$4"]+x}" ]
}

# --- every command and subcommand
bad_help=() bad_man=() bad_comp=()
while IFS='|' read -r kind path _; do
	[ "$kind" = command ] || continue
	read -ra ws <<<"$path"
	"$VEIL" "${ws[@]}" --help >"help.$path.txt" 2>/dev/null </dev/null ||
		bad_help+=("veil $path --help: exit $?")
	name=${ws[-1]} parent=${path% *}
	[ "$parent" = "$path" ] && parent=
	page=veil.txt man_path="veil $path"
	if [ "${ws[0]}" = sops ] && [ "${#ws[@]}" -gt 1 ]; then
		page=veil-sops.txt man_path=$path
	fi
	sect "$page" "$man_path"
	has "$sectfile" "$name" || bad_man+=("$man_path: '$name' not in its man section")
	for sh in bash zsh fish; do
		[ -f "$sh.txt" ] || continue
		offered "$sh" "$parent" "" "$name" || bad_comp+=("$sh: 'veil $parent' does not offer '$name'")
	done
done <list.psv

# --- every option
"$VEIL" --help >help..txt
while IFS='|' read -r kind path long short what; do
	[ "$kind" = option ] || continue
	read -ra ws <<<"$path"
	helpf="help.$path.txt"
	[ -z "$path" ] && helpf=help..txt
	page=veil.txt man_path="veil $path"
	[ "${ws[0]:-}" = sops ] && page=veil-sops.txt man_path=$path
	[ -z "$path" ] && man_path=veil
	sect "$page" "$man_path"
	for o in "$long" "$short"; do
		[ "$o" = - ] && continue
		for sh in bash zsh fish; do
			[ -f "$sh.txt" ] || continue
			offered "$sh" "$path" - "$o" || bad_comp+=("$sh: 'veil $path -' does not offer $o")
		done
		# --help and -h: every command has them, said once per page
		if [ "$o" = --help ] || [ "$o" = -h ]; then
			has "$page" "$o" || bad_man+=("${page%.txt}.1 does not mention $o")
			continue
		fi
		# keygen's help shows age-keygen's spelling, -pq
		has "$helpf" "$o" || { [ "$o" = --pq ] && has "$helpf" -pq; } ||
			bad_help+=("veil $path --help does not mention $o")
		has "$sectfile" "$o" || bad_man+=("$man_path: $o not in its man section")
	done
done <list.psv

# --- the other way: what --help shows is in the tables
declare -A table=()
while IFS='|' read -r kind path long short _; do
	[ "$kind" = option ] && table["$path|$long"]=1 table["$path|$short"]=1
done <list.psv
while IFS='|' read -r kind path _; do
	[ "$kind" = command ] || continue
	read -ra ws <<<"$path"
	[ "${ws[0]}" = sops ] && continue # sops's help is printed from its tables
	# option lines: "  -x, --long ARG   text", "      --long ARG", "  --long   text"
	grep -oE '^ {2,6}(-[A-Za-z0-9], )?--?[a-z][a-z0-9-]*' "help.$path.txt" |
		sed -E 's/^ +//; s/, / /' | tr ' ' '\n' >shown.txt
	while read -r o; do
		[ -n "$o" ] || continue
		[ "$o" = -pq ] && o=--pq # keygen's help shows age-keygen's spelling
		[ -n "${table["$path|$o"]+x}" ] || bad_help+=("veil $path --help shows $o, which its table lacks")
	done <shown.txt
	# subcommands: "usage: veil PATH SUB ..." lines and "SUB | SUB" lists
	grep -E "^(usage: |       )veil $path [a-z]" "help.$path.txt" |
		sed -E "s/^(usage: |       )veil $path //" | tr '|' '\n' | awk '{ print $1 }' |
		grep -E '^[a-z][a-z-]+$' | sort -u >subs.txt
	while read -r s; do
		grep -qxF "command	$path $s" list.tsv ||
			bad_help+=("veil $path --help names subcommand '$s', which the registry lacks")
	done <subs.txt
done <list.psv

for m in "${bad_help[@]}"; do fail "$m"; done
for m in "${bad_man[@]}"; do fail "$m"; done
for m in "${bad_comp[@]}"; do fail "$m"; done
check "help: every command and option is there (${#bad_help[@]} missing)" test "${#bad_help[@]}" -eq 0
check "man pages: every command and option is there (${#bad_man[@]} missing)" test "${#bad_man[@]}" -eq 0
check "completions: every command and option is offered (${#bad_comp[@]} missing)" test "${#bad_comp[@]}" -eq 0

# --- values and operands, in each shell
in_file() {
	grep -qxF -- "$2	$3	$4" "$1"
}
if true; then
	printf '%s|\n' "encrypt --input-type" "k8s decrypt --log" "check --format" \
		"encrypt --cipher" >queries.txt
	bash query.bash >bash2.txt 2>/dev/null
	check "bash: --input-type offers the formats" in_file bash2.txt "encrypt --input-type" "" dotenv
	check "bash: k8s decrypt --log offers json" in_file bash2.txt "k8s decrypt --log" "" json
	check "bash: check --format offers sarif" in_file bash2.txt "check --format" "" sarif
	check "bash: --cipher offers chacha20-poly1305" in_file bash2.txt "encrypt --cipher" "" chacha20-poly1305
	if [ "$have_zsh" = 1 ]; then
		zsh -f query.zsh >zsh2.txt 2>/dev/null
		check "zsh: --input-type offers the formats" in_file zsh2.txt "encrypt --input-type" "" dotenv
		check "zsh: check --format offers sarif" in_file zsh2.txt "check --format" "" sarif
	fi
	if [ "$have_fish" = 1 ]; then
		fish --no-config query.fish >fish2.txt 2>/dev/null
		check "fish: --input-type offers the formats" in_file fish2.txt "encrypt --input-type" "" dotenv
		check "fish: check --format offers sarif" in_file fish2.txt "check --format" "" sarif
	fi
fi
# a value is not an operand, an operand ends the subcommands, "--" ends the options
mkdir -p d && : >d/secret.enc.yaml
cat >edge.bash <<'X'
source ./veil.bash
q() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _veil; printf '%s\n' "${COMPREPLY[@]}"; }
echo "== 1"; q veil encrypt -o d/x d/sec
echo "== 2"; q veil k8s decrypt --log json ''
echo "== 3"; q veil encrypt --input-type = j
echo "== 4"; q veil decrypt -- -
echo "== 5"; q veil help k8
echo "== 6"; q veil encrypt --recipient ''
echo "== 7"; q sops --dec
X
bash edge.bash >edge.txt 2>&1
check "bash: files complete as an operand" sh -c "sed -n '/== 1/,/== 2/p' edge.txt | grep -qx d/secret.enc.yaml"
check "bash: after k8s decrypt --log json, no subcommand is offered" sh -c "! sed -n '/== 2/,/== 3/p' edge.txt | grep -qx krm"
check "bash: --input-type=j (split at =) offers json" sh -c "sed -n '/== 3/,/== 4/p' edge.txt | grep -qx json"
check "bash: after --, '-' is not an option" sh -c "! sed -n '/== 4/,/== 5/p' edge.txt | grep -q '^--'"
check "bash: veil help completes command names" sh -c "sed -n '/== 5/,/== 6/p' edge.txt | grep -qx k8s-keys"
check "bash: a recipient is free text (no files offered)" sh -c "! sed -n '/== 6/,/== 7/p' edge.txt | grep -q d"
check "bash: a link named sops completes sops's flags" sh -c "sed -n '/== 7/,\$p' edge.txt | grep -qx -- --decrypt"

finish
