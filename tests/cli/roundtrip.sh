#!/usr/bin/env bash
# veil age round trips: binary, armored, several recipients, -R files,
# -e -i, ssh-ed25519, passphrases, empty and multi-chunk inputs, pipes,
# the default identity lookup, and output files.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

for n in 1 2 3; do "$VEIL" keygen -o k$n.txt 2>/dev/null; done
pub() { sed -n 2p "$1" | cut -d' ' -f4; }
P1=$(pub k1.txt) P2=$(pub k2.txt) P3=$(pub k3.txt)

printf 'hello, veil\n' >small.txt
: >empty.txt
head -c 200000 /dev/urandom >big.bin      # four STREAM chunks
head -c 65536 /dev/urandom >chunk.bin     # exactly one full chunk

for f in small.txt empty.txt big.bin chunk.bin; do
	run "$VEIL" age -r "$P1" -o "$f.age" "$f"
	expect_rc 0 "encrypt $f"
	run "$VEIL" age -d -i k1.txt -o "$f.out" "$f.age"
	expect_rc 0 "decrypt $f"
	check "$f round-trips byte-exact" same "$f" "$f.out"
done
check "binary output starts with the age version line" \
	grep -q '^age-encryption.org/v1$' <(head -1 small.txt.age)
check "ciphertext file mode is 0600" test "$(stat -c %a small.txt.age)" = 600

run "$VEIL" age -a -r "$P1" -o big.asc big.bin
expect_rc 0 "encrypt armored"
check "armor BEGIN line" test "$(head -1 big.asc)" = "-----BEGIN AGE ENCRYPTED FILE-----"
check "armor END line" test "$(tail -1 big.asc)" = "-----END AGE ENCRYPTED FILE-----"
check "armor lines are at most 64 columns" test "$(awk '{ if (length > 64) n++ } END { print n+0 }' big.asc)" -eq 0
run "$VEIL" age -d -i k1.txt -o big.asc.out big.asc
check "armored round trip (armor detected)" rc0_same big.bin big.asc.out

run "$VEIL" age -r "$P1" -r "$P2" -r "$P3" -o multi.age small.txt
expect_rc 0 "encrypt to three recipients"
check "three X25519 stanzas" test "$(grep -ac '^-> X25519 ' multi.age)" -eq 3
for n in 1 2 3; do
	run "$VEIL" age -d -i k$n.txt multi.age
	check "recipient $n decrypts" test "$rc" -eq 0 -a "$(cat "$T/out")" = "hello, veil"
done

printf '# team\n%s\n\n%s\n' "$P2" "$P3" >recipients.txt
run "$VEIL" age -R recipients.txt -r "$P1" -o r.age small.txt
expect_rc 0 "encrypt with -R and -r"
check "-R adds each listed recipient" test "$(grep -ac '^-> X25519 ' r.age)" -eq 3
run "$VEIL" age -d -i k3.txt r.age
check "-R recipient decrypts" test "$rc" -eq 0 -a "$(cat "$T/out")" = "hello, veil"

run "$VEIL" age -e -i k2.txt -o sym.age small.txt
expect_rc 0 "encrypt with -e -i"
run "$VEIL" age -d -i k2.txt sym.age
check "-e -i round trip" test "$rc" -eq 0 -a "$(cat "$T/out")" = "hello, veil"

# Several -i files: any of them may match.
run "$VEIL" age -d -i k3.txt -i k1.txt small.txt.age
check "second of two -i files matches" test "$rc" -eq 0 -a "$(cat "$T/out")" = "hello, veil"

# Pipes: stdin to stdout, and "-" for stdin.
"$VEIL" age -r "$P1" <big.bin 2>/dev/null | "$VEIL" age -d -i k1.txt - >pipe.out 2>"$T/err"
check "stdin -> stdout pipeline round trip" same big.bin pipe.out

# Passphrases from a file (scripts); the stanza uses work factor 18.
printf 'correct horse battery staple\n' >pass.txt
run "$VEIL" age -p --passphrase-file pass.txt -o p.age big.bin
expect_rc 0 "encrypt with a passphrase file"
check "one scrypt stanza with work factor 18" grep -qaE '^-> scrypt [A-Za-z0-9+/]{22} 18$' p.age
run "$VEIL" age -d --passphrase-file pass.txt -o p.out p.age
check "passphrase round trip" rc0_same big.bin p.out
printf 'correct horse battery staple\r\nsecond line ignored\n' >pass-crlf.txt
run "$VEIL" age -d --passphrase-file pass-crlf.txt p.age
check "passphrase file: first line, CRLF stripped" test "$rc" -eq 0 -a "$(stat -c %s "$T/out")" -eq 200000

# A passphrase-encrypted identity file works with -i (as age).
run "$VEIL" age -p --passphrase-file pass.txt -a -o k1.enc k1.txt
run "$VEIL" age -d -i k1.enc --passphrase-file pass.txt small.txt.age
check "-i with a passphrase-encrypted identity file" test "$rc" -eq 0 -a "$(cat "$T/out")" = "hello, veil"
printf 'not the passphrase\n' >bad-pass.txt
run "$VEIL" age -d -i k1.enc --passphrase-file bad-pass.txt small.txt.age
check "... and a wrong passphrase for it fails" test "$rc" -eq 1 -a ! -s "$T/out"

# Default identity lookup: every source together, as sops (key_discovery.sh
# covers each source and their combinations).
lookup() {
	local what=$1 want=$2
	run env "${@:3}" "$VEIL" age -d small.txt.age
	if [ "$want" = ok ]; then
		check "lookup: $what" test "$rc" -eq 0 -a "$(cat "$T/out")" = "hello, veil"
	else
		check "lookup: $what (fails)" test "$rc" -eq 1 -a ! -s "$T/out"
	fi
}
lookup "VEIL_AGE_KEY holds the key text" ok VEIL_AGE_KEY="$(cat k1.txt)"
lookup "VEIL_AGE_KEY_FILE" ok VEIL_AGE_KEY_FILE="$T/k1.txt"
lookup "SOPS_AGE_KEY" ok SOPS_AGE_KEY="$(sed -n 3p k1.txt)"
lookup "SOPS_AGE_KEY_FILE" ok SOPS_AGE_KEY_FILE="$T/k1.txt"
lookup "VEIL_AGE_KEY and SOPS_AGE_KEY_FILE are both used" ok VEIL_AGE_KEY="$(cat k2.txt)" SOPS_AGE_KEY_FILE="$T/k1.txt"
lookup "VEIL_AGE_KEY_FILE and SOPS_AGE_KEY are both used" ok VEIL_AGE_KEY_FILE="$T/k2.txt" SOPS_AGE_KEY="$(cat k1.txt)"
lookup "a wrong key alone does not open it" bad VEIL_AGE_KEY_FILE="$T/k2.txt"
mkdir -p "$XDG_CONFIG_HOME/veil" "$XDG_CONFIG_HOME/sops/age"
cp k1.txt "$XDG_CONFIG_HOME/sops/age/keys.txt"
lookup "sops's keys.txt" ok
lookup "sops's keys.txt in ~/.config when XDG_CONFIG_HOME is unset" ok -u XDG_CONFIG_HOME
cp k2.txt "$XDG_CONFIG_HOME/veil/keys.txt"
lookup "veil's keys.txt and sops's are both used" ok
lookup "env wins over keys.txt" ok SOPS_AGE_KEY_FILE="$T/k1.txt"
rm -r "$XDG_CONFIG_HOME/veil" "$XDG_CONFIG_HOME/sops"
run "$VEIL" age -d small.txt.age
expect_rc 1 "no identity anywhere"
err_has "hint: looked for identities in" "the hint lists where identities were looked for"
err_has "hint: +SOPS_AGE_KEY_FILE: not set" "... naming the variables to set"

# ssh-ed25519 identities from ssh-keygen.
if command -v ssh-keygen >/dev/null; then
	ssh-keygen -q -t ed25519 -N '' -C 'test@veil' -f ssh_id
	run "$VEIL" age -r "$(cat ssh_id.pub)" -o ssh.age big.bin
	expect_rc 0 "encrypt to an ssh-ed25519 public key"
	check "one ssh-ed25519 stanza" test "$(grep -ac '^-> ssh-ed25519 ' ssh.age)" -eq 1
	run "$VEIL" age -d -i ssh_id -o ssh.out ssh.age
	check "ssh-ed25519 round trip" rc0_same big.bin ssh.out
	run "$VEIL" age -R ssh_id.pub -o ssh2.age small.txt
	run "$VEIL" age -d -i ssh_id ssh2.age
	check "ssh-ed25519 via -R authorized_keys line" test "$rc" -eq 0 -a "$(cat "$T/out")" = "hello, veil"
else
	echo "note: ssh-keygen not installed; ssh-ed25519 checks skipped"
fi

# Output files: /dev/null, 0600, the same file as the input.
run "$VEIL" age -d -i k1.txt -o /dev/null big.bin.age
expect_rc 0 "-o /dev/null"
check "/dev/null is still a character device" test -c /dev/null
run "$VEIL" age -r "$P1" -o /dev/null big.bin
expect_rc 0 "encrypt -o /dev/null"
check "/dev/null is still a character device after encrypt" test -c /dev/null
cp small.txt same.txt
run "$VEIL" age -r "$P1" -o same.txt same.txt
expect_fail "refuses to write over its own input"
check "the input is untouched" same small.txt same.txt
"$VEIL" age -d -i k1.txt -o /dev/stdout big.bin.age 2>"$T/err" | cat >devstdout.out
check "-o /dev/stdout into a pipe" same big.bin devstdout.out
cp k1.txt k1.keep
run "$VEIL" age -d -i k1.txt -o k1.txt small.txt.age
check "refuses to write over its identity file" test "$rc" -eq 1 -a "$(cat k1.txt)" = "$(cat k1.keep)"
run "$VEIL" age -R recipients.txt -o recipients.txt small.txt
check "refuses to write over its recipients file" test "$rc" -eq 1 -a "$(grep -c age1 recipients.txt)" -eq 2
run "$VEIL" age -r "$P1" -o - small.txt
check "-o - writes to stdout" test "$rc" -eq 0 -a "$(head -c 21 "$T/out")" = "age-encryption.org/v1"

finish
