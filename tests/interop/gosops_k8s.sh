#!/usr/bin/env bash
# What veil writes for Kubernetes, read by real Go sops 3.9.2 (the decrypt
# oracle in gosops/, which verifies the sops MAC): Secrets encrypted without
# a rule (so with encrypted_regex ^(data|stringData)$) that carry veil's
# extra veil_sorted_mac key, in YAML and JSON, AES256_GCM (the cipher sops
# has); Go sops gives the tree veil gives, also after `veil rotate -i` and
# `veil set` rewrote the file (and kept veil_sorted_mac).
IDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/cli/common.bash
. "$IDIR/../cli/common.bash"
# shellcheck source=tests/interop/gosops.bash
. "$IDIR/gosops.bash"

"$VEIL" keygen -o k.txt 2>/dev/null
R=$(sed -n 2p k.txt | cut -d' ' -f4)
export VEIL_AGE_KEY_FILE=$T/k.txt

cat >s.yaml <<'X'
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: apps
  labels: {app: web}
type: Opaque
stringData:
  zpassword: hunter2
  alpha: |
    line one
    line two
data:
  token: dG9rZW4=
X
printf '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "j"},\n "stringData": {"z": "zz", "a": "aa"}}\n' >j.json

# same_tree A B: two JSON documents are equal as trees
same_tree() {
	python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1])) != json.load(open(sys.argv[2])))' "$1" "$2"
}

for f in s.yaml j.json; do
	t=yaml
	[ "$f" = j.json ] && t=json
	"$VEIL" encrypt -r "$R" --cipher aes256-gcm "$f" >"enc.$f"
	check "$f: veil wrote veil_sorted_mac and the Secret rule" \
		sh -c "grep -q veil_sorted_mac 'enc.$f' && grep -q 'encrypted_regex' 'enc.$f'"
	run gosops decrypt --input-type "$t" --key k.txt "enc.$f"
	expect_rc 0 "$f: Go sops decrypts it (MAC verified)"
	cp "$T/out" go.json
	"$VEIL" decrypt --output-type json "enc.$f" >veil.json
	check "$f: Go sops and veil give the same tree" same_tree go.json veil.json
	"$VEIL" rotate -i "enc.$f"
	"$VEIL" set "enc.$f" '["stringData"]["extra"]' '"more"'
	check "$f: rotate and set keep veil_sorted_mac" grep -q veil_sorted_mac "enc.$f"
	run gosops decrypt --input-type "$t" --key k.txt "enc.$f"
	expect_rc 0 "$f: after rotate and set, Go sops still decrypts it"
	check "$f: with the new value" grep -q '"extra": "more"' "$T/out"
done

finish
