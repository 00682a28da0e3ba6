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
recipient=$(grep -v '^#' "$KEYS/example-recipients.txt" | head -n 1)
export VEIL_AGE_KEY_FILE="$KEYS/example-identity.txt"

echo
echo "== the main job: encrypt each value of a Kubernetes Secret, keys and layout stay readable"
show cat "$KEYS/sample-secret.yaml"
show "$VEIL" encrypt -r "$recipient" -o "$work/secret.enc.yaml" "$KEYS/sample-secret.yaml"
show cat "$work/secret.enc.yaml"

echo
echo "== decrypt it (the key comes from VEIL_AGE_KEY_FILE); the MAC is checked first"
show "$VEIL" decrypt -o "$work/secret.yaml" "$work/secret.enc.yaml"
show diff "$KEYS/sample-secret.yaml" "$work/secret.yaml"
echo "(identical to the original)"
show "$VEIL" decrypt --extract '["stringData"]["password"]' "$work/secret.enc.yaml"
echo

echo
echo "== for Flux: AES-256-GCM values and only data/stringData encrypted, as sops writes them"
show "$VEIL" encrypt -r "$recipient" --cipher aes256-gcm \
	--encrypted-regex '^(data|stringData)$' "$KEYS/sample-secret.yaml"

echo
echo "== a plaintext value pasted into the encrypted file is refused (exit 13)"
sed 's/^  password: .*/  password: pasted-by-hand/' "$work/secret.enc.yaml" >"$work/pasted.enc.yaml"
set +e
show "$VEIL" decrypt "$work/pasted.enc.yaml"
echo "exit status $?"
set -e

echo
echo "== the same file encrypted as a whole with veil age (age format)"

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
show "$VEIL" age -d "$work/secret.env.age"

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
