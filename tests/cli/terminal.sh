#!/usr/bin/env bash
# Behaviour on a terminal, driven through a pty with script(1): binary
# ciphertext is refused on a terminal, armor is not, and passphrases are read
# from /dev/tty with echo off (asked twice when encrypting).
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

if ! command -v script >/dev/null; then
	echo "skip: script(1) from util-linux is not installed"
	exit 77
fi

"$VEIL" keygen -o k.txt 2>/dev/null
P=$(sed -n 2p k.txt | cut -d' ' -f4)
printf 'hello, terminal\n' >small.txt
q() { printf '%q' "$1"; }

# tty CMD: runs CMD on a pty; the transcript in $T/out, status in $rc.
tty() {
	script -qec "$1" /dev/null >"$T/out" 2>&1 </dev/null
	rc=$?
}

tty "$(q "$VEIL") age -r $P small.txt"
check "binary ciphertext to a terminal is refused" test "$rc" -eq 1
check "... with a message and a hint about -a" grep -q "hint: use -a" "$T/out"
check "... and no ciphertext on the terminal" sh -c "! grep -qa 'age-encryption.org' '$T/out'"
tty "$(q "$VEIL") age -a -r $P small.txt"
check "armored ciphertext to a terminal is fine" grep -q -- "-----BEGIN AGE ENCRYPTED FILE-----" "$T/out"
tty "$(q "$VEIL") age -r $P -o - small.txt"
check "-o - forces binary to the terminal" grep -qa 'age-encryption.org/v1' "$T/out"

PW='s3cret tty phrase'
pty_type "$(q "$VEIL") age -p -o p.age small.txt" "$PW" "$PW"
check "passphrase from the terminal, confirmed" test "$rc" -eq 0 -a -s p.age
check "the prompt is shown" grep -q "Enter passphrase" "$T/tty"
check "the passphrase is not echoed" sh -c "! grep -qF '$PW' '$T/tty'"
printf '%s\n' "$PW" >pw.txt
run "$VEIL" age -d --passphrase-file pw.txt p.age
check "what was typed is the passphrase" test "$rc" -eq 0 -a "$(cat "$T/out")" = "hello, terminal"

pty_type "$(q "$VEIL") age -d -o p.out p.age" "$PW"
check "decrypt asks for the passphrase on the terminal" test "$rc" -eq 0 -a "$(cat p.out 2>/dev/null)" = "hello, terminal"

pty_type "$(q "$VEIL") age -p -o mismatch.age small.txt" "$PW" "something else"
check "different confirmation fails" test "$rc" -eq 1 -a ! -e mismatch.age
check "... saying they differ" grep -q "do not match" "$T/tty"

# Without a terminal there is nothing to prompt on: a clear error, no hang.
run setsid "$VEIL" age -p -o nottty.age small.txt </dev/null
check "no terminal: -p fails with a hint to use --passphrase-file" \
	test "$rc" -eq 1 -a ! -e nottty.age
err_has "passphrase-file" "no terminal: the error mentions --passphrase-file"

finish
