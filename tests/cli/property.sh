#!/usr/bin/env bash
# Issue 11, "Done means": for random documents of every format (YAML with
# comments, anchors and several documents, JSON, dotenv, INI, binary that is
# not UTF-8), `encrypt` then `decrypt` gives the input back, and whatever
# encrypt accepts, decrypt accepts, with both value ciphers. The generator
# is tests/cli/property_docs.py; it prints its seed, and
# VEIL_PROPERTY_SEED=N replays a run (VEIL_PROPERTY_COUNT: documents per
# format). First, the cases earlier runs found, fixed:
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

command -v python3 >/dev/null || { echo "skip: python3 is not installed"; exit 77; }
python3 -c 'import yaml' 2>/dev/null ||
	{ echo "skip: PyYAML (python3-yaml) is not installed: it judges the YAML round trips"; exit 77; }
"$VEIL" keygen -o k.txt 2>/dev/null
RECIPIENT=$(sed -n 2p k.txt | cut -d' ' -f4)
export RECIPIENT VEIL_AGE_KEY_FILE=$T/k.txt

# roundtrip NAME CIPHER: NAME encrypts and decrypts back byte for byte.
roundtrip() {
	run "$VEIL" encrypt --cipher "$2" -r "$RECIPIENT" -o "$1.enc" "$1"
	expect_rc 0 "$2: $1 encrypts"
	run "$VEIL" decrypt --input-type "${1##*.}" "$1.enc"
	check "$2: $1 decrypts to the input" rc0_same "$1" "$T/out"
}

# An INI file ending in a comment: the comment went to the [sops] section
# appended after it, so encrypt refused ("rendering changed the structure").
printf 'k = ab\n# trailing\n' >trail.ini
printf '[s]\nk = 1\n; note\n\n' >trail-section.ini
printf '# only a comment\n' >comment-only.ini
# An alias reaching an encrypted value in a second YAML document: writing it
# out for sops checked the first document ("did not read back as written").
printf 'k: 1\n---\na: &x v\nb: *x\n' >alias-doc2.yaml
# A tab inside a value was written as a plain scalar, which PyYAML (so
# Ansible's community.sops) cannot read.
printf 'a: "x\\ty"\n' >tab.yaml
for c in aes256-gcm chacha20-poly1305; do
	for f in trail.ini trail-section.ini comment-only.ini tab.yaml; do
		roundtrip "$f" "$c"
	done
	run "$VEIL" encrypt --cipher "$c" -r "$RECIPIENT" -o alias-doc2.enc.yaml alias-doc2.yaml
	expect_rc 0 "$c: an alias in a second YAML document encrypts"
	run "$VEIL" decrypt alias-doc2.enc.yaml
	check "$c: and decrypts to the same data" python3 -c '
import sys, yaml
a = list(yaml.safe_load_all(open(sys.argv[1])))
b = list(yaml.safe_load_all(open(sys.argv[2])))
sys.exit(a != b)' alias-doc2.yaml "$T/out"
	run "$VEIL" decrypt --input-type yaml tab.yaml.enc
	check "$c: a tab is written escaped, not in a plain scalar" grep -qF '"x\ty"' "$T/out"
done

# The random run: a few hundred documents, two at a time.
count=${VEIL_PROPERTY_COUNT:-30}
[ "${VEIL_TEST_SANITIZED:-0}" = 1 ] && count=${VEIL_PROPERTY_COUNT:-8}
mkdir docs
if python3 "$(dirname "$0")/property_docs.py" "$VEIL" "$T/docs" "$count" >"$T/prop" 2>&1; then
	ok "random documents round-trip ($(head -1 "$T/prop"))"
else
	fail "random documents: some do not round-trip"
fi
sed 's/^/     /' "$T/prop" | grep -v '^     seed' | head -40

finish
