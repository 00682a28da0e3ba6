#!/usr/bin/env bash
# Damaged files fail with a message naming the cause, write no plaintext for
# a one-chunk file, leave no output file (and an existing one untouched), and
# no error ever shows a secret key or a passphrase.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

"$VEIL" keygen -o k1.txt 2>/dev/null
"$VEIL" keygen -o k2.txt 2>/dev/null
P1=$(sed -n 2p k1.txt | cut -d' ' -f4)
P2=$(sed -n 2p k2.txt | cut -d' ' -f4)
S1=$(sed -n 3p k1.txt)
S2=$(sed -n 3p k2.txt)
PASS='Tr0ub4dor&3 is not it'
WRONG='wrong horse battery'
printf '%s\n' "$PASS" >pass.txt
printf '%s\n' "$WRONG" >wrong.txt
printf 'the launch code is 0000\n' >plain.txt

"$VEIL" age -r "$P1" -o one.age plain.txt
"$VEIL" age -r "$P1" -r "$P2" -o two.age plain.txt
"$VEIL" age -a -r "$P1" -o one.asc plain.txt
"$VEIL" age -p --passphrase-file pass.txt -o pass.age plain.txt

no_secrets() {
	err_lacks "$S1" "$1: no secret key 1 on stderr"
	err_lacks "$S2" "$1: no secret key 2 on stderr"
	err_lacks "$PASS" "$1: no passphrase on stderr"
	err_lacks "$WRONG" "$1: no wrong passphrase on stderr"
}

# bad_decrypt WHAT FILE CAUSE-REGEX ARGS...: decryption to stdout fails with
# the cause named and no plaintext; with -o, no file appears and an existing
# one keeps its content.
bad_decrypt() {
	local what=$1 file=$2 cause=$3
	shift 3
	run "$VEIL" age -d "$@" "$file"
	expect_fail "$what"
	err_has "^veil: error: .*($cause)" "$what: the message names the cause"
	check "$what: no plaintext on stdout" test ! -s "$T/out"
	no_secrets "$what"
	rm -rf od && mkdir od
	run "$VEIL" age -d "$@" -o od/new.out "$file"
	check "$what: -o leaves no output or temp file" test "$rc" -ne 0 -a -z "$(ls -A od)"
	printf 'precious\n' >od/old.txt
	run "$VEIL" age -d "$@" -o od/old.txt "$file"
	check "$what: an existing output file is untouched, no temp file" \
		test "$rc" -ne 0 -a "$(cat od/old.txt)" = precious -a "$(ls -A od)" = old.txt
}

run "$VEIL" age -d -i k1.txt one.age
check "the untampered file decrypts" test "$rc" -eq 0 -a "$(cat "$T/out")" = "the launch code is 0000"

cp one.age stanza.age
swap_b64 stanza.age $(($(line_offset stanza.age '-> X25519 ') + 12))
bad_decrypt "header: the only stanza modified" stanza.age "no identity matched" -i k1.txt
err_has "X25519" "no-match message lists the stanza type"

# k1 unwraps its own stanza; the other one changed, so the header MAC fails.
cp two.age other.age
second=$(grep -a -b '^-> X25519 ' other.age | sed -n 2p | cut -d: -f1)
swap_b64 other.age $((second + 12))
run "$VEIL" age -d -i k1.txt other.age
r1=$rc
grep -qiE 'mac' "$T/err" && m1=1 || m1=0
run "$VEIL" age -d -i k2.txt other.age
r2=$rc
grep -qiE 'mac' "$T/err" && m2=1 || m2=0
check "header: another recipient's stanza modified fails for both keys" test "$r1" -ne 0 -a "$r2" -ne 0
check "header: ... and one of them reports the header MAC" test $((m1 + m2)) -ge 1
if [ "$m1" -eq 1 ]; then
	bad_decrypt "header: other stanza modified" other.age "mac" -i k1.txt
else
	bad_decrypt "header: other stanza modified" other.age "mac" -i k2.txt
fi

cp one.age mac.age
swap_b64 mac.age $(($(line_offset mac.age '--- ') + 4))
bad_decrypt "header MAC modified" mac.age "mac" -i k1.txt

cp one.age payload.age
flip payload.age $(($(stat -c %s payload.age) - 1))
bad_decrypt "payload: last byte flipped" payload.age "payload|authenticat|tamper|corrupt" -i k1.txt

head -c $(($(stat -c %s one.age) - 1)) one.age >trunc.age
bad_decrypt "payload: truncated by one byte" trunc.age "payload|truncat|authenticat|corrupt" -i k1.txt

cp one.age trailing.age
printf 'x' >>trailing.age
bad_decrypt "payload: trailing byte" trailing.age "payload|trailing|authenticat|corrupt" -i k1.txt

sed '2s/^./@/' one.asc >armor.asc
bad_decrypt "armor: invalid base64 character" armor.asc "armor" -i k1.txt

bad_decrypt "wrong identity" one.age "no identity matched" -i k2.txt
bad_decrypt "wrong passphrase" pass.age "passphrase" --passphrase-file wrong.txt
bad_decrypt "passphrase file with only -i" pass.age "passphrase" -i k1.txt

# Keys in the wrong place are refused without being echoed.
run "$VEIL" age -r "$S1" plain.txt
check "-r with a secret key is refused" test "$rc" -ne 0 -a ! -s "$T/out"
no_secrets "-r with a secret key"
cp k1.txt as-recipients.txt
run "$VEIL" age -R as-recipients.txt plain.txt
check "-R with an identity file is refused" test "$rc" -ne 0 -a ! -s "$T/out"
no_secrets "-R with an identity file"
printf '%s \n' "$S1" >spaced.txt
run "$VEIL" age -d -i spaced.txt one.age
check "-i with a malformed key line is refused" test "$rc" -ne 0 -a ! -s "$T/out"
no_secrets "-i with a malformed key line"
run env VEIL_AGE_KEY="x$S1" "$VEIL" age -d one.age
check "VEIL_AGE_KEY malformed is refused" test "$rc" -ne 0 -a ! -s "$T/out"
no_secrets "VEIL_AGE_KEY malformed"

finish
