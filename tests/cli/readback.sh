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

## Binary files that are not UTF-8 (issue 11): the file veil writes decrypts to
## the same bytes, as sops's binary store keeps them
head -c 64 /dev/urandom >rand.bin
python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 3)' >all.bin
printf '\377\376\000\r\200' >invalid.bin
printf 'nul\000 cr\r lone\rend' >ctl.bin
head -c 1048576 /dev/urandom >big.bin
: >empty.bin
for c in $CIPHERS; do
	for f in rand.bin all.bin invalid.bin ctl.bin big.bin empty.bin; do
		cp "$f" "w-$c-$f"
		run "$VEIL" encrypt --cipher "$c" -r "$R" -i "w-$c-$f"
		expect_rc 0 "$c $f: encrypt -i"
		run "$VEIL" decrypt "w-$c-$f"
		check "$c $f: decrypt gives the same bytes" rc0_same "$f" "$T/out"
		run "$VEIL" decrypt -o "o-$c-$f" "w-$c-$f"
		check "$c $f: decrypt -o gives the same bytes" rc0_same "$f" "o-$c-$f"
		run "$VEIL" decrypt --input-type binary - <"w-$c-$f"
		check "$c $f: decrypt from stdin gives the same bytes" rc0_same "$f" "$T/out"
	done
	cp rand.bin "ip-$c.bin"
	run "$VEIL" encrypt --cipher "$c" -r "$R" -i "ip-$c.bin"
	run "$VEIL" decrypt -i "ip-$c.bin"
	check "$c: decrypt -i restores the binary file" rc0_same rand.bin "ip-$c.bin"
	run "$VEIL" encrypt --cipher "$c" -r "$R" --input-type binary - <rand.bin
	cp "$T/out" "stdin-$c.enc"
	run "$VEIL" decrypt --input-type binary "stdin-$c.enc"
	check "$c: binary from stdin round-trips" rc0_same rand.bin "$T/out"

	# other output types: YAML holds any bytes as !!binary (as go-yaml
	# writes them); JSON, dotenv and INI cannot, and say so
	run "$VEIL" decrypt --output-type yaml "w-$c-rand.bin"
	expect_rc 0 "$c: binary data as YAML"
	check "$c: YAML of bytes that are not UTF-8 is !!binary base64" \
		grep -qx "data: !!binary $(base64 -w0 rand.bin)" "$T/out"
	cp "$T/out" "bin-$c.yaml"
	run "$VEIL" encrypt --cipher "$c" -r "$R" "bin-$c.yaml"
	cp "$T/out" "bin-$c.enc.yaml"
	check "$c: an encrypted !!binary value has no tag left (sops reads it)" \
		grep -q '^data: ENC\[' "bin-$c.enc.yaml"
	run "$VEIL" decrypt "bin-$c.enc.yaml"
	check "$c: the !!binary YAML round-trips" rc0_same "bin-$c.yaml" "$T/out"
	for t in json dotenv; do
		run "$VEIL" decrypt --output-type "$t" "w-$c-rand.bin"
		expect_fail "$c: binary data that is not UTF-8 as $t is refused"
		err_has "not valid UTF-8" "$c: $t: the message says why"
		check "$c: $t: nothing on stdout" test ! -s "$T/out"
	done
	printf 'caf\303\251 \000\n' >utf8.bin
	cp utf8.bin "u-$c.bin"
	run "$VEIL" encrypt --cipher "$c" -r "$R" -i "u-$c.bin"
	run "$VEIL" decrypt --output-type json "u-$c.bin"
	check "$c: UTF-8 binary data as JSON" \
		test "$rc" -eq 0 -a "$(jq -j .data "$T/out" | od -An -tx1)" = "$(od -An -tx1 utf8.bin)"
	run "$VEIL" decrypt --extract '["data"]' "w-$c-rand.bin"
	check "$c: --extract '[\"data\"]' gives the bytes" rc0_same rand.bin "$T/out"
done

## YAML !!binary values: their bytes are the value (go-yaml), in the MAC and
## the ciphertext; the tag goes when the value is encrypted
printf 'k: !!binary %s\nt: &a !!binary aGVsbG8=\nu: *a\nl: !!binary |\n  %s\n' \
	"$(base64 -w0 invalid.bin)" "$(base64 -w0 rand.bin)" >tagged.yaml
for c in $CIPHERS; do
	run "$VEIL" encrypt --cipher "$c" -r "$R" tagged.yaml
	cp "$T/out" "tagged-$c.enc.yaml"
	check "$c: no tag before an ENC value" sh -c "! grep -q '!!binary ENC' tagged-$c.enc.yaml"
	check "$c: the anchor stays" grep -q '^t: &a ENC\[' "tagged-$c.enc.yaml"
	run "$VEIL" decrypt "tagged-$c.enc.yaml"
	check "$c: bytes that are not UTF-8 come back as !!binary" \
		grep -qx "k: !!binary $(base64 -w0 invalid.bin)" "$T/out"
	check "$c: a !!binary that is UTF-8 comes back as its text (as sops writes it)" \
		grep -qx "t: &a hello" "$T/out"
	check "$c: a !!binary block comes back as !!binary" \
		grep -qx "l: !!binary $(base64 -w0 rand.bin)" "$T/out"
done
printf 'k: !!binary not base64!\n' >badb64.yaml
run "$VEIL" encrypt --cipher aes256-gcm -r "$R" badb64.yaml
expect_rc 10 "a !!binary that is not base64 is an invalid document"
err_has "invalid base64" "bad !!binary: the message says so"

## The kustomize generator's binaryFiles: any bytes
mkdir gen
cp rand.bin gen/blob.bin
( cd gen && "$VEIL" encrypt --cipher aes256-gcm -r "$R" blob.bin >blob.enc &&
	"$VEIL" encrypt --cipher chacha20-poly1305 -r "$R" blob.bin >blob2.enc ) 2>/dev/null
cat >gen/veil.yaml <<'X'
apiVersion: veil/v1
kind: SecretGenerator
metadata:
  name: app
secretFrom:
  - metadata:
      name: blobs
    binaryFiles: [blob=blob.enc, blob2=blob2.enc]
X
run sh -c 'cd gen && "$0" k8s krm veil.yaml' "$VEIL"
expect_rc 0 "generator with binaryFiles that are not UTF-8"
B64=$(base64 -w0 rand.bin)
check "generator: the AES file's bytes in data" grep -Fqx -e "  blob: $B64" -e "  \"blob\": $B64" "$T/out"
check "generator: the ChaCha file's bytes in data" grep -Fqx -e "  blob2: $B64" -e "  \"blob2\": $B64" "$T/out"

finish
