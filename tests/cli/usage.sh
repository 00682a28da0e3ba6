#!/usr/bin/env bash
# Usage errors exit 2 with a "veil: error:" line; --help exits 0 on stdout.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

printf 'data\n' >in.txt
R=age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p

usage() {
	local what=$1
	shift
	run "$VEIL" "$@"
	if [ "$rc" -eq 2 ] && grep -q '^veil: error: ' "$T/err" && [ ! -s "$T/out" ]; then
		ok "usage error: $what"
	else
		fail "usage error: $what: exit $rc, want 2 with 'veil: error:' and no stdout"
	fi
}

usage "no command"
usage "unknown command" frobnicate
usage "age without a mode" age in.txt
usage "-e with -d" age -e -d -r "$R" in.txt
usage "-p with -d" age -d -p in.txt
usage "-a with -d" age -d -a in.txt
usage "-r with -d" age -d -r "$R" in.txt
usage "-R with -d" age -d -R in.txt in.txt
usage "-i without -e in encrypt" age -i in.txt in.txt
usage "-p with -r" age -p -r "$R" in.txt
usage "-e without recipients" age -e in.txt
usage "--passphrase-file without -p on encrypt" age -r "$R" --passphrase-file in.txt in.txt
usage "two inputs" age -r "$R" in.txt in.txt
usage "unknown short option" age -z in.txt
usage "unknown long option" age --frob in.txt
usage "-o without a value" age -r "$R" -o
usage "-o twice" age -r "$R" -o a -o b in.txt
usage "long flag given a value it does not take" age --armor=yes -r "$R" in.txt
usage "stdin used twice" age -d -i - -
usage "keygen with an input but no -y" keygen in.txt
usage "keygen -o twice" keygen -o a -o b
usage "keygen -y with two inputs" keygen -y in.txt in.txt

run "$VEIL" age -d in.txt -o out.txt
expect_rc 2 "flag after the input"
err_has "hint: .*before the input" "flag after the input gets a hint"
check "no output file from a usage error" test ! -e out.txt

run "$VEIL" age -r "$R" -- -o
expect_rc 1 "'--' makes '-o' an input name (missing file)"
err_has "cannot open the input '-o'" "'--' ends the options"

for h in --help -h; do
	run "$VEIL" $h
	check "veil $h exits 0 with usage on stdout" test "$rc" -eq 0 -a -s "$T/out"
done
run "$VEIL" age --help
check "veil age --help lists -e and exit codes" grep -q -- "--passphrase-file" "$T/out"
run "$VEIL" help keygen
check "veil help keygen prints keygen usage" grep -q "keygen -y" "$T/out"
run "$VEIL" --version
check "veil --version" grep -qE '^veil [0-9]+\.[0-9]+' "$T/out"

finish
