#!/usr/bin/env bash
# A YAML file over 1 MiB is decrypted a group of root entries at a time
# (veil_sops_decrypt_pieces). Its plaintext must be the original bytes, with
# comments, block scalars, sequences, flow collections and both ciphers; a value
# changed in the middle or a MAC that does not match must still fail with
# nothing on stdout and the file untouched; -i must work.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

"$VEIL" keygen -o key.txt 2>/dev/null
R=$(sed -n 2p key.txt | cut -d' ' -f4)
export SOPS_AGE_KEY_FILE=$T/key.txt

# ~1.1 MiB: 13,000 root entries of varied shape. Values are written the way
# veil writes them back (plain unless they need quotes), so the round trip
# is byte-exact.
python3 - >big.yaml <<'PY'
import random
rnd = random.Random(7)
print("# generated for decrypt_large.sh")
for i in range(13000):
    kind = i % 5
    if kind == 0:
        print(f"service_{i}:\n  # the database\n  user: app{i}\n  password: pw-{rnd.getrandbits(64):x}\n"
              f"  port: {1000 + i}\n  ratio: {i}.5\n  enabled: {'true' if i % 2 else 'false'}")
    elif kind == 1:
        print(f"list_{i}:\n- one-{i}\n- {{k: v{i}, n: {i}}}\n- - nested-{i}\n  - {i}")
    elif kind == 2:
        print(f"block_{i}: |\n  line one {i}\n  line two: {i}\n\n  after a blank")
    elif kind == 3:
        print(f"nested_{i}:\n  a:\n    b:\n      host: h{i}.internal\n      tags: [x, z]")
        print(f"quoted_{i}: \"needs: quotes #{i}\"")
    else:
        print(f"# root comment {i}\nflow_{i}: [a, b, {i}]\nempty_{i}: ''\nnull_{i}:")
print("\n# trailing comment")
PY
size=$(stat -c %s big.yaml)
check "the input is over 1 MiB ($size bytes)" [ "$size" -gt 1048576 ]

for cipher in chacha20-poly1305 aes256-gcm; do
	run "$VEIL" encrypt --cipher "$cipher" -r "$R" -o "big.$cipher.yaml" big.yaml
	expect_rc 0 "$cipher: encrypt"
	run "$VEIL" decrypt "big.$cipher.yaml"
	check "$cipher: decrypt gives the original bytes" rc0_same big.yaml "$T/out"
	cp "big.$cipher.yaml" inplace.yaml
	run "$VEIL" decrypt -i inplace.yaml
	check "$cipher: decrypt -i gives the original bytes" rc0_same big.yaml inplace.yaml
done

# One value in the middle changed: exit 25 (a value fails), no plaintext.
cp big.chacha20-poly1305.yaml tampered.yaml
off=$(grep -a -b -m1 'service_1000:' tampered.yaml | cut -d: -f1)
off=$((off + $(tail -c +$((off + 1)) tampered.yaml | grep -a -b -m1 'password: ENC' | cut -d: -f1) + 45))
swap_b64 tampered.yaml "$off"
cp tampered.yaml tampered.orig
run "$VEIL" decrypt tampered.yaml
expect_rc 25 "a changed value in the middle fails"
check "  ... with nothing on stdout" [ ! -s "$T/out" ]
err_has 'service_1000' "  ... and the message names the value's path"
run "$VEIL" decrypt -i tampered.yaml
expect_fail "decrypt -i of the changed file fails"
check "  ... and leaves the file as it was" same tampered.yaml tampered.orig

# Two root entries swapped keep every value valid but change the MAC.
python3 - big.chacha20-poly1305.yaml >swapped.yaml <<'PY'
import sys
text = open(sys.argv[1]).read()
a = text.index("service_0:")
b = text.index("list_1:")
c = text.index("block_2:")
sys.stdout.write(text[:a] + text[b:c] + text[a:b] + text[c:])
PY
run "$VEIL" decrypt swapped.yaml
expect_rc 51 "root entries in another order fail the MAC"
check "  ... with nothing on stdout" [ ! -s "$T/out" ]

# A root key written twice is refused as in a small file.
{ cat big.chacha20-poly1305.yaml; } | sed '0,/^list_1:/s//service_0:/' >dup.yaml
run "$VEIL" decrypt dup.yaml
expect_fail "a root key written twice fails"
err_has "duplicate key" "  ... naming the duplicate key"
check "  ... with nothing on stdout" [ ! -s "$T/out" ]

finish
