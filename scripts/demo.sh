#!/usr/bin/env bash
# The demo: installs the build dependencies, builds veil with cmake, then
# encrypts and decrypts a file with the example keys in keys-examples/
# (EXAMPLE ONLY keys: never use them for real secrets).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh

echo "== build"
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" --target veil
VEIL=$PWD/build/veil
KEYS=$PWD/keys-examples

work=$(mktemp -d "${TMPDIR:-/tmp}/veil-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT

# show CMD...: prints the command, then runs it.
show() {
	printf '\n$ %s\n' "$*" | sed "s|$VEIL|veil|g; s|$KEYS|keys-examples|g; s|$work|\$work|g"
	"$@"
}

echo
echo "== the example identity and its recipient (EXAMPLE ONLY)"
show "$VEIL" keygen -y "$KEYS/example-identity.txt"

echo
echo "== encrypt a file to the recipient, ASCII-armored"
show cat "$KEYS/sample-secret.env"
show "$VEIL" age -a -R "$KEYS/example-recipients.txt" -o "$work/secret.env.age" \
	"$KEYS/sample-secret.env"
show cat "$work/secret.env.age"

echo
echo "== decrypt it with the identity"
show "$VEIL" age -d -i "$KEYS/example-identity.txt" -o "$work/secret.env" "$work/secret.env.age"
show cat "$work/secret.env"
cmp "$KEYS/sample-secret.env" "$work/secret.env"
echo "(identical to the original)"

echo
echo "== without -i, the key is found through VEIL_AGE_KEY_FILE (or sops's variables)"
VEIL_AGE_KEY_FILE="$KEYS/example-identity.txt" show "$VEIL" age -d "$work/secret.env.age"

echo
echo "== a passphrase instead of a key (scripts use --passphrase-file; -p alone asks)"
printf 'demo passphrase, not a real one\n' >"$work/pass.txt"
show "$VEIL" age -p --passphrase-file "$work/pass.txt" -o "$work/p.age" "$KEYS/sample-secret.env"
show "$VEIL" age -d --passphrase-file "$work/pass.txt" "$work/p.age"

echo
echo "== a modified file is refused, and no plaintext comes out"
"$VEIL" age -R "$KEYS/example-recipients.txt" -o "$work/tampered.age" "$KEYS/sample-secret.env"
# Flip one bit in the last byte of the payload.
last=$(($(stat -c %s "$work/tampered.age") - 1))
byte=$(od -An -tu1 -j "$last" -N1 "$work/tampered.age" | tr -d ' ')
# shellcheck disable=SC2059 # an octal escape built on purpose
printf "\\$(printf '%03o' $((byte ^ 1)))" |
	dd of="$work/tampered.age" bs=1 seek="$last" conv=notrunc status=none
if show "$VEIL" age -d -i "$KEYS/example-identity.txt" "$work/tampered.age"; then
	echo "demo: the tampered file decrypted, which must not happen" >&2
	exit 1
fi

echo
echo "== a fresh key of your own (mode 0600, never overwrites)"
show "$VEIL" keygen -o "$work/my-key.txt"
show stat -c '%a %n' "$work/my-key.txt"

if command -v age >/dev/null 2>&1; then
	echo
	echo "== the reference age decrypts what veil wrote"
	show age -d -i "$KEYS/example-identity.txt" "$work/secret.env.age"
fi

echo
echo "demo finished: veil $("$VEIL" --version | cut -d' ' -f2) encrypted and decrypted with keys-examples/"
