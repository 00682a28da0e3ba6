#!/usr/bin/env bash
# Issue 11, "veil writes what it cannot read back": every file a command
# writes, veil decrypts again to the same bytes, and what sops decrypts,
# veil decrypts. Binary files that are not UTF-8, limits checked alike on
# both sides, and sops blocks without a version. Both value ciphers,
# always named (the default cipher is not what these tests are about).
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

"$VEIL" keygen -o k.txt 2>/dev/null
R=$(sed -n 2p k.txt | cut -d' ' -f4)
export VEIL_AGE_KEY_FILE=$T/k.txt
CIPHERS="aes256-gcm chacha20-poly1305"
FIX=${VEIL_SHARED_DIR:-${VEIL_SOURCE_DIR:-.}/../shared}/fixtures/sops

## A sops block without a version decrypts (sops needs one only in filestatus)
ROPS=$FIX/rops/crates/lib/tests/sops_references
if [ -d "$ROPS" ]; then
	for f in "$ROPS"/age_*.yaml; do
		case $f in *_plaintext.yaml) continue ;; esac
		b=$(basename "$f")
		run "$VEIL" decrypt --identity "$FIX/rops/age-key.txt" "$f"
		check "rops $b (no version) decrypts to its plaintext" rc0_same "${f%.yaml}_plaintext.yaml" "$T/out"
	done
else
	echo "skip: rops fixtures not found at $ROPS (../shared missing)"
fi
printf 'a: 1\nb: two\n' >v.yaml
printf '{"a": 1, "b": "two"}\n' >v.json
printf 'A=1\nB=two\n' >v.env
printf '[s]\na = 1\nb = two\n' >v.ini
for c in $CIPHERS; do
	for f in v.yaml v.json v.env v.ini; do
		run "$VEIL" encrypt --cipher "$c" -r "$R" -o "nv-$c-$f" "$f"
		if [ "$f" = v.json ]; then
			python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); del d["sops"]["version"]; print(json.dumps(d, indent="\t"))' \
				"nv-$c-$f" >"nv2-$c-$f"
		else
			grep -v -E '^\s*(sops_)?version\s*[:=]' "nv-$c-$f" >"nv2-$c-$f"
		fi
		if cmp -s "nv-$c-$f" "nv2-$c-$f"; then fail "$c $f: no version line was removed"; fi
		run "$VEIL" decrypt "nv2-$c-$f"
		if [ "$f" = v.json ]; then # re-serialised: compare the values
			check "$c $f without a version decrypts" \
				test "$rc" -eq 0 -a "$(jq -cS . "$T/out")" = "$(jq -cS . v.json)"
		else
			check "$c $f without a version decrypts" rc0_same "$f" "$T/out"
		fi
		run "$VEIL" filestatus "nv2-$c-$f"
		check "$c $f without a version: filestatus says not encrypted (as sops)" \
			grep -q '"encrypted":false' "$T/out"
		run "$VEIL" encrypt --cipher "$c" -r "$R" "nv2-$c-$f"
		expect_rc 203 "$c $f without a version is already encrypted for encrypt"
	done
done

finish
