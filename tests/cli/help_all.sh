#!/usr/bin/env bash
# --help and -h on every command and subcommand, in every position, print
# help and change nothing (`veil git setup --help` once wrote "--help
# filter=veil" into .gitattributes). Run in a scratch git repository: files,
# git config and hooks are compared before and after each call. The commands
# come from `veil --help` and `sops --help` themselves, so a new command is
# covered without editing this test.
. "$(dirname "$0")/common.bash"

git init -q -b main repo && cd repo || exit 1
git config user.email t@example.com && git config user.name t
"$VEIL" keygen -o key.txt 2>/dev/null
R=$(grep -o 'age1[0-9a-z]*' key.txt)
printf 'creation_rules:\n  - path_regex: \\.yaml$\n    age: %s\n' "$R" >.sops.yaml
printf 'a: 1\n' >p.yaml
SOPS_AGE_RECIPIENTS=$R "$VEIL" encrypt p.yaml >s.yaml
git add -A && git commit -qm init
ln -s "$VEIL" "$T/sops"

state() {
	{
		find . -path ./.git/objects -prune -o -path ./.git/logs -prune -o -type f -print0 |
			sort -z | xargs -0 sha256sum
		git config --list --local
		ls -la .git/hooks
	} 2>&1 | grep -v ' ./.git/index$'
}
state >"$T/before"

# try WHAT ARGV...: help on stdout, status 0, nothing changed, nothing asked.
try() {
	local what=$1
	shift
	"$@" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
	state >"$T/after"
	if [ "$rc" -ne 0 ]; then
		fail "$what: exit $rc"
	elif [ ! -s "$T/out" ]; then
		fail "$what: no help on stdout"
	elif ! cmp -s "$T/before" "$T/after"; then
		fail "$what: the repository changed"
		diff "$T/before" "$T/after" | head -5
		git reset -q --hard && git clean -qfdx -e key.txt && state >"$T/before"
	else
		ok "$what"
	fi
}

# the commands `veil --help` lists
mapfile -t cmds < <("$VEIL" --help | sed -n '/^commands:/,/^$/p' | awk '/^  [a-z]/ { print $1 }')
check "veil --help lists the commands" test "${#cmds[@]}" -ge 15

# subcommands: the words after "veil CMD " in its usage lines, and after "|"
subs_of() {
	"$VEIL" "$1" --help 2>/dev/null | grep -E "^(usage: |       )veil $1 " |
		sed -E "s/^(usage: |       )veil $1 //" | tr '|' '\n' |
		awk '{ print $1 }' | grep -E '^[a-z][a-z-]+$' | sort -u
}

for c in "${cmds[@]}"; do
	[ "$c" = help ] && continue
	for h in --help -h; do
		try "veil $c $h" "$VEIL" "$c" "$h"
	done
	try "veil help $c" "$VEIL" help "$c"
	[ "$c" = sops ] && continue
	try "veil $c x $h (after an operand)" "$VEIL" "$c" x --help
	try "veil $c --identity key.txt -h (after an option)" "$VEIL" "$c" --identity key.txt -h
	for s in $(subs_of "$c"); do
		try "veil $c $s --help" "$VEIL" "$c" "$s" --help
		try "veil $c $s -h" "$VEIL" "$c" "$s" -h
		try "veil $c $s s.yaml --help" "$VEIL" "$c" "$s" s.yaml --help
		try "veil help $c $s" "$VEIL" help "$c" "$s"
	done
done
check "git has its subcommands found" test "$(subs_of git | grep -c -E '^(setup|clean|smudge|textconv)$')" -eq 4
check "hook has its subcommands found" test "$(subs_of hook | grep -c -E '^(install|uninstall)$')" -eq 2

# the exact reports
try "veil git setup --help" "$VEIL" git setup --help
try "veil git setup 'x/*.yaml' -h" "$VEIL" git setup 'x/*.yaml' -h
try "veil hook install --help" "$VEIL" hook install --help
try "veil help version" "$VEIL" help version
try "veil version --help" "$VEIL" version --help
try "veil -v" "$VEIL" -v
try "veil --version" "$VEIL" --version
try "veil version" "$VEIL" version
try "veil --help" "$VEIL" --help
try "veil -h" "$VEIL" -h
try "veil help" "$VEIL" help
check "veil -v prints the version" test -n "$("$VEIL" -v | grep '^veil [0-9]')"
# a file literally named --help is still a file for git's filter ("--" first)
run "$VEIL" git clean -- --help </dev/null
check "git clean -- --help reads the file named --help (not help)" sh -c "! grep -q '^usage:' '$T/out'"

# sops mode: every command sops --help lists, its subcommands, -h/--help
# anywhere before "--"
mapfile -t scmds < <("$T/sops" --help | sed -n '/^COMMANDS:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
check "sops --help lists sops's commands" test "${#scmds[@]}" -ge 14
for c in "${scmds[@]}"; do
	try "sops $c --help" "$T/sops" "$c" --help
	try "sops $c -h" "$T/sops" "$c" -h
	try "sops help $c" "$T/sops" help "$c"
	try "veil sops $c --help" "$VEIL" sops "$c" --help
	[ "$c" = help ] && continue
	try "sops $c s.yaml --help (flags move before operands)" "$T/sops" "$c" s.yaml --help
done
for s in add delete; do
	try "sops groups $s --help" "$T/sops" groups "$s" --help
	try "sops groups $s -h" "$T/sops" groups "$s" -h
done
for s in bash zsh; do
	try "sops completion $s --help" "$T/sops" completion "$s" --help
done
try "sops groups" "$T/sops" groups
try "sops --help" "$T/sops" --help
try "sops -h" "$T/sops" -h
try "sops help" "$T/sops" help
try "sops --version" "$T/sops" --version
try "sops -v" "$T/sops" -v
try "sops -d --help s.yaml" "$T/sops" -d --help s.yaml
try "sops -e -i -h p.yaml" "$T/sops" -e -i -h p.yaml
finish
