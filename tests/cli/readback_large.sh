#!/usr/bin/env bash
# Issue 11: a value whose ENC[...] string passed the old 64 MiB value cap
# encrypted (and with -i replaced its plaintext) but decrypt refused it.
# Limits are now one on both sides: a 49 MiB value (65 MiB encrypted)
# round-trips with -i, both ciphers. A binary file is used because it is
# the cheapest carrier of one big value; the cap is the same for every
# format. Kept apart from readback.sh: it is the slow part.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

if [ "${VEIL_TEST_SANITIZED:-0}" = 1 ]; then
	echo "skip: only the size is new here, and it is slow under ASan; readback.sh runs the same code"
	exit 77
fi
"$VEIL" keygen -o k.txt 2>/dev/null
R=$(sed -n 2p k.txt | cut -d' ' -f4)
export VEIL_AGE_KEY_FILE=$T/k.txt
head -c $((49 * 1024 * 1024)) /dev/zero | tr '\0' 'v' >big.bin
for c in aes256-gcm chacha20-poly1305; do
	cp big.bin "w-$c.bin"
	run "$VEIL" encrypt --cipher "$c" -r "$R" -i "w-$c.bin"
	expect_rc 0 "$c: a 49 MiB value encrypts in place"
	check "$c: its ENC[...] string is over 64 MiB (the file, within 2 KiB of it)" \
		test "$(wc -c <"w-$c.bin")" -gt $((64 * 1024 * 1024 + 2048))
	run "$VEIL" decrypt -i "w-$c.bin"
	check "$c: and decrypts back to the same bytes" rc0_same big.bin "w-$c.bin"
	rm -f "w-$c.bin"
done

finish
