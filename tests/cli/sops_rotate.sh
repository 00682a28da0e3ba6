#!/usr/bin/env bash
# veil rotate (new data key, every ciphertext new, recipients and rules kept)
# and veil updatekeys (same data key re-wrapped for the creation rule's
# recipients; values, mac and lastmodified byte-identical).
. "$(dirname "$0")/common.bash"

for k in a b c; do
	"$VEIL" keygen -o "$k.txt" 2>/dev/null || { echo "FAIL keygen"; exit 1; }
done
RA=$(grep -o 'age1[0-9a-z]*' a.txt | head -1)
RB=$(grep -o 'age1[0-9a-z]*' b.txt | head -1)
RC=$(grep -o 'age1[0-9a-z]*' c.txt | head -1)
export SOPS_AGE_KEY_FILE="$T/a.txt"
mkdir -p proj && cd proj || exit 1
printf 'creation_rules:\n  - encrypted_regex: ^(pw|token)$\n    age: %s,%s\n' "$RA" "$RB" >.sops.yaml
printf 'pw: s3cret\ntoken: t0k\nname: plain\n' >p.yaml
"$VEIL" encrypt p.yaml >s.yaml || { echo "FAIL encrypt"; exit 1; }
"$VEIL" decrypt s.yaml >plain.out

values() { grep -E '^(pw|token):' "$1"; }

cp s.yaml r.yaml
run "$VEIL" rotate -i r.yaml
expect_rc 0 "rotate -i"
check "every encrypted value has a new ciphertext" \
	test -z "$(comm -12 <(values s.yaml | sort) <(values r.yaml | sort))"
check "the unencrypted value (by the file's encrypted_regex) stays plain" grep -qx 'name: plain' r.yaml
check "the selection rule is kept" grep -q 'encrypted_regex: \^(pw|token)\$' r.yaml
run "$VEIL" decrypt r.yaml
check "the plaintext is the same" cmp -s "$T/out" plain.out
SOPS_AGE_KEY_FILE="$T/b.txt" run "$VEIL" decrypt r.yaml
check "the second recipient still opens it" cmp -s "$T/out" plain.out
check "the wrapped keys changed" \
	test "$(grep -A2 'enc: |' s.yaml | tail -1)" != "$(grep -A2 'enc: |' r.yaml | tail -1)"
run "$VEIL" rotate r.yaml
check "without -i it prints the result and leaves the file" \
	test "$rc" -eq 0 -a -s "$T/out" -a "$(grep -c 'pw: ENC' "$T/out")" -eq 1
SOPS_AGE_KEY_FILE="$T/c.txt" run "$VEIL" rotate -i r.yaml
expect_rc 128 "rotate without a working identity is exit 128"

# The default cipher is sops's; --cipher converts a ChaCha20-Poly1305 file
# (veil's former default) to it, and back.
check "a file encrypted without --cipher has AES256_GCM values, as sops writes" \
	test "$(grep -c 'ENC\[AES256_GCM,' s.yaml)" -ge 3 -a "$(grep -c CHACHA20 s.yaml)" -eq 0
"$VEIL" encrypt --cipher chacha20-poly1305 p.yaml >ch.yaml
run "$VEIL" rotate --cipher aes256-gcm -i ch.yaml
expect_rc 0 "rotate --cipher aes256-gcm -i"
check "every value and the MAC are AES256_GCM now" \
	test "$(grep -c CHACHA20 ch.yaml)" -eq 0 -a "$(grep -c 'ENC\[AES256_GCM,' ch.yaml)" -ge 3
run "$VEIL" decrypt ch.yaml
check "the converted file decrypts to the same plaintext" cmp -s "$T/out" plain.out
check "the selection rule is kept by the conversion" grep -q 'encrypted_regex: \^(pw|token)\$' ch.yaml
run "$VEIL" rotate --cipher chacha20_poly1305 -i ch.yaml
check "and back, with the .sops.yaml spelling" \
	test "$rc" -eq 0 -a "$(grep -c 'ENC\[AES256_GCM,' ch.yaml)" -eq 0
run "$VEIL" rotate --cipher des -i ch.yaml
expect_rc 2 "an unknown cipher is a usage error"

# updatekeys: B out, C in
printf 'creation_rules:\n  - encrypted_regex: ^(pw|token)$\n    age: %s,%s\n' "$RA" "$RC" >.sops.yaml
cp s.yaml u.yaml
run "$VEIL" updatekeys u.yaml </dev/null
check "without -y and no 'y' answered nothing is written" same s.yaml u.yaml
run "$VEIL" updatekeys -y u.yaml
expect_rc 0 "updatekeys -y"
check "it names the added recipient" grep -qx "+ $RC" "$T/out"
check "it names the removed recipient" grep -qx -- "- $RB" "$T/out"
check "values, mac and lastmodified are byte-identical" \
	test "$(grep -vE '^ {2,}' s.yaml; grep -E '^ *(mac|lastmodified):' s.yaml)" = \
	"$(grep -vE '^ {2,}' u.yaml; grep -E '^ *(mac|lastmodified):' u.yaml)"
SOPS_AGE_KEY_FILE="$T/c.txt" run "$VEIL" decrypt u.yaml
check "the added recipient opens it (MAC verified)" cmp -s "$T/out" plain.out
SOPS_AGE_KEY_FILE="$T/b.txt" run "$VEIL" decrypt u.yaml
expect_rc 128 "the removed recipient no longer does"
check "recipient B is gone from the block" test "$(grep -c "$RB" u.yaml)" -eq 0
cp u.yaml u2.yaml
run "$VEIL" updatekeys -y u2.yaml
check "a second run has nothing to do and writes nothing" \
	test "$rc" -eq 0 && same u.yaml u2.yaml && grep -q 'up to date' "$T/out"
run "$VEIL" updatekeys -y p.yaml
expect_rc 12 "updatekeys of a plaintext file is exit 12"
finish
