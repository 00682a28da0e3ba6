#!/usr/bin/env bash
# veil filestatus: sops's {"encrypted":true|false} answer, from the metadata
# block (mac and version present), for YAML, JSON and a missing file.
. "$(dirname "$0")/common.bash"

"$VEIL" keygen -o key.txt 2>/dev/null || { echo "FAIL keygen"; exit 1; }
R=$(grep -o 'age1[0-9a-z]*' key.txt | head -1)
printf 'a: 1\nb: two\n' >plain.yaml
printf '{"a": 1}\n' >plain.json
"$VEIL" encrypt -r "$R" plain.yaml >enc.yaml
"$VEIL" encrypt -r "$R" plain.json >enc.json

run "$VEIL" filestatus enc.yaml
check "an encrypted YAML file is reported encrypted" \
	test "$rc" -eq 0 -a "$(cat "$T/out")" = '{"encrypted":true}'
run "$VEIL" filestatus enc.json
check "an encrypted JSON file is reported encrypted" \
	test "$rc" -eq 0 -a "$(cat "$T/out")" = '{"encrypted":true}'
run "$VEIL" filestatus plain.yaml
check "a plaintext file is reported not encrypted, exit 0" \
	test "$rc" -eq 0 -a "$(cat "$T/out")" = '{"encrypted":false}'

# a sops block without a mac is not a finished sops file (sops's rule)
sed "/^ *mac:/d" enc.yaml >nomac.yaml
run "$VEIL" filestatus nomac.yaml
check "metadata without a mac is not encrypted" test "$(cat "$T/out")" = '{"encrypted":false}'

run "$VEIL" filestatus missing.yaml
expect_rc 100 "a missing file is sops's exit 100"
printf 'a: [\n' >bad.yaml
run "$VEIL" filestatus bad.yaml
expect_rc 10 "an invalid document is exit 10"
run "$VEIL" filestatus
expect_rc 2 "no FILE is a usage error"
finish
