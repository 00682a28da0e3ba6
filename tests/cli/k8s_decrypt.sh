#!/usr/bin/env bash
# veil k8s decrypt: a manifest stream in, the same stream out with every
# encrypted document (and List item) decrypted; other documents byte for
# byte; any failure leaves stdout empty and names the document.
SRC=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/common.bash
. "$SRC/tests/cli/common.bash"

"$VEIL" keygen -o k1.txt 2>/dev/null
"$VEIL" keygen -o k2.txt 2>/dev/null
R1=$(sed -n 2p k1.txt | cut -d' ' -f4)
export VEIL_AGE_KEY_FILE=$T/k1.txt

cat >secret.yaml <<'X'
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: apps
type: Opaque
stringData:
  password: hunter2
  cert: |
    line one
    line two
X
cat >cm.yaml <<'X'
# a comment that must survive
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg,   namespace: apps}
data:
  key: "quoted"    # trailing comment
  other: 'single'
X
"$VEIL" encrypt -r "$R1" --encrypted-regex '^(data|stringData)$' secret.yaml >secret.enc.yaml
"$VEIL" encrypt -r "$R1" --encrypted-regex '^(data|stringData)$' --cipher aes256-gcm \
	secret.yaml >secret.gcm.yaml

# --- a Secret encrypted without a rule: data and stringData only (what
# Flux, ksops and kustomize need), in YAML and JSON; any rule wins
run "$VEIL" encrypt -r "$R1" --cipher aes256-gcm secret.yaml
check "Secret, no rule: encrypted_regex ^(data|stringData)\$ recorded" \
	grep -q '^    encrypted_regex: \^(data|stringData)\$$\|^  encrypted_regex: \^(data|stringData)\$$' "$T/out"
check "Secret, no rule: kind and metadata stay plain" \
	sh -c "grep -q '^kind: Secret$' '$T/out' && grep -q '^  name: db$' '$T/out'"
check "Secret, no rule: the values are encrypted" grep -q '^  password: ENC\[AES256_GCM' "$T/out"
printf '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}, "data": {"a": "Yg=="}}\n' >ds.json
run "$VEIL" encrypt -r "$R1" --cipher chacha20-poly1305 ds.json
check "JSON Secret, no rule: kind plain, data encrypted" \
	sh -c "grep -q '\"kind\": \"Secret\"' '$T/out' && grep -q '\"a\": \"ENC\[CHACHA20' '$T/out'"
run "$VEIL" encrypt -r "$R1" --cipher aes256-gcm --unencrypted-suffix _unencrypted secret.yaml
check "an explicit rule wins (everything encrypted)" grep -q '^kind: ENC\[' "$T/out"
# sops mode (and --sops-defaults) writes what sops writes: everything
# encrypted, no veil_sorted_mac
for how in "sops -e --age $R1" "encrypt -r $R1 --cipher aes256-gcm --sops-defaults"; do
	# shellcheck disable=SC2086 # how is split on purpose
	run "$VEIL" $how secret.yaml
	check "${how%% *}: a Secret as sops encrypts it" \
		sh -c "grep -q '^kind: ENC\[' '$T/out' && ! grep -q 'veil_sorted_mac' '$T/out'"
done
{ cat secret.yaml; echo ---; cat cm.yaml; } >sc.yaml
run "$VEIL" encrypt -r "$R1" --cipher aes256-gcm sc.yaml
check "a Secret with a ConfigMap in one file: sops's default (all values)" grep -q '^kind: ENC\[' "$T/out"

# --- multi-document stream: plain documents byte-exact, Secrets decrypted
{ cat cm.yaml; echo '---'; cat secret.enc.yaml; echo '--- # marker comment'; cat cm.yaml
  echo '---'; cat secret.gcm.yaml; } >stream.yaml
{ cat cm.yaml; echo '---'; cat secret.yaml; echo '--- # marker comment'; cat cm.yaml
  echo '---'; cat secret.yaml; } >want.yaml
run "$VEIL" k8s decrypt stream.yaml
check "stream: decrypted, everything else byte-exact" rc0_same want.yaml "$T/out"
run "$VEIL" k8s decrypt - <stream.yaml
check "stream from stdin" rc0_same want.yaml "$T/out"
check "no sops block left" sh -c "! grep -q '^sops:' '$T/out'"

# --- a stream without anything encrypted passes through unchanged
{ printf -- '---\n'; cat cm.yaml; printf -- '...\n---\n'; cat cm.yaml; } >plain.yaml
run "$VEIL" k8s decrypt plain.yaml
check "plain stream unchanged" rc0_same plain.yaml "$T/out"

# --- --log json: one line per decrypted document, no secret
run "$VEIL" k8s decrypt --log json stream.yaml
check "--log json: two lines" test "$(grep -c '"msg":"decrypted"' "$T/err")" -eq 2
# documents and items are numbered from 1, as a reader counts them
err_has '"document":2,"kind":"Secret","namespace":"apps","name":"db","recipient":"'"$R1"'"' \
	"--log json names kind, namespace/name and the recipient"
err_lacks hunter2 "--log json: no plaintext"

# --- List with encrypted items (YAML and JSON)
{ printf 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n'
  sed '1s/^/- /;2,$s/^/  /' secret.enc.yaml; printf -- '- kind: Foo\n  metadata: {name: z}\n'; } >list.yaml
{ printf 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c\n'
  sed '1s/^/- /;2,$s/^/  /' secret.yaml; printf -- '- kind: Foo\n  metadata: {name: z}\n'; } >list.want
run "$VEIL" k8s decrypt --log json list.yaml
check "List: encrypted item decrypted in place" rc0_same list.want "$T/out"
err_has '"document":1,"item":2,"kind":"Secret"' "List: log names the item (from 1)"
run env VEIL_AGE_KEY_FILE="$T/k2.txt" "$VEIL" k8s decrypt list.yaml
expect_rc 128 "List: wrong key"
err_has 'document 1 \(List\), item 2 \(Secret apps/db\)' "List: the message counts from 1"

cat >secret.json <<'X'
{
  "apiVersion": "v1",
  "kind": "Secret",
  "metadata": {"name": "j", "namespace": "apps"},
  "stringData": {"password": "hunter2", "n": "a\nb"}
}
X
"$VEIL" encrypt -r "$R1" --encrypted-regex '^(data|stringData)$' secret.json >secret.enc.json
{ printf '{"apiVersion": "v1", "kind": "List", "items": [\n'; cat secret.enc.json
  printf ',\n{"kind": "ConfigMap", "metadata": {"name": "c"}}\n]}\n'; } >list.json
{ printf '{"apiVersion": "v1", "kind": "List", "items": [\n'; cat secret.json
  printf ',\n{"kind": "ConfigMap", "metadata": {"name": "c"}}\n]}\n'; } >list.json.want
run "$VEIL" k8s decrypt list.json
check "JSON List: item decrypted" rc0_same list.json.want "$T/out"
{ cat secret.enc.json; printf '\n{"kind":"ConfigMap","metadata":{"name":"c"}}\n'; } >objs.json
{ cat secret.json; printf '\n{"kind":"ConfigMap","metadata":{"name":"c"}}\n'; } >objs.want
run "$VEIL" k8s decrypt objs.json
check "JSON object stream" rc0_same objs.want "$T/out"
check "JSON output parses" python3 -c "import json,sys; json.loads(open('$T/list.json.want').read())"

# --- JSON documents inside a YAML stream (an Argo CD plugin joins every
# *.yaml and *.json file with "---" lines): decrypted as JSON, both ciphers
"$VEIL" encrypt -r "$R1" --cipher aes256-gcm secret.json >secret.gcm.json
"$VEIL" encrypt -r "$R1" --cipher chacha20-poly1305 secret.json >secret.cc.json
for c in gcm cc; do
	run sh -c "(echo ---; cat secret.$c.json) | '$VEIL' k8s decrypt -"
	{ echo ---; cat secret.json; } >one.want
	check "$c: '---' then an encrypted .json file (the Argo CD reproducer)" rc0_same one.want "$T/out"
	{ cat cm.yaml; echo ---; cat secret.$c.json; echo '--- # the YAML one'; cat secret.gcm.yaml
	  echo ---; printf '{"kind": "ConfigMap", "metadata": {"name": "c"}}\n'; } >mix.yaml
	{ cat cm.yaml; echo ---; cat secret.json; echo '--- # the YAML one'; cat secret.yaml
	  echo ---; printf '{"kind": "ConfigMap", "metadata": {"name": "c"}}\n'; } >mix.want
	run "$VEIL" k8s decrypt mix.yaml
	check "$c: YAML and JSON documents mixed" rc0_same mix.want "$T/out"
	{ cat secret.$c.json; echo ---; cat secret.gcm.yaml; } >first.yaml
	{ cat secret.json; echo ---; cat secret.yaml; } >first.want
	run "$VEIL" k8s decrypt first.yaml
	check "$c: a JSON document first, then '---' and YAML" rc0_same first.want "$T/out"
	{ printf -- '--- '; cat secret.$c.json; } >inline.yaml
	{ printf -- '--- '; cat secret.json; } >inline.want
	run "$VEIL" k8s decrypt inline.yaml
	check "$c: a JSON document on the '---' line" rc0_same inline.want "$T/out"
	{ echo ---; printf '{"apiVersion": "v1", "kind": "List", "items": [\n'; cat secret.$c.json
	  printf ']}\n'; echo ---; cat cm.yaml; } >jlist.yaml
	{ echo ---; printf '{"apiVersion": "v1", "kind": "List", "items": [\n'; cat secret.json
	  printf ']}\n'; echo ---; cat cm.yaml; } >jlist.want
	run "$VEIL" k8s decrypt jlist.yaml
	check "$c: a JSON List inside a YAML stream" rc0_same jlist.want "$T/out"
done
cp one.want one.bad.json
{ echo ---; cat secret.gcm.json; } >jtamper.yaml
off=$(grep -b -o '"password": "ENC\[[A-Z0-9_]*,data:' jtamper.yaml | head -1 | cut -d: -f1)
swap_b64 jtamper.yaml $((off + 40))
run "$VEIL" k8s decrypt jtamper.yaml
expect_rc 25 "a tampered JSON document in a YAML stream is refused"
check "tampered JSON: no stdout" test ! -s "$T/out"
err_has "document 1 \(Secret apps/j\)" "tampered JSON: the document is named"

# --- empty stream
printf '' >empty.yaml
run "$VEIL" k8s decrypt empty.yaml
expect_fail "empty stream refused"
err_has "no document" "empty stream: says why"
check "empty stream: no stdout" test ! -s "$T/out"
printf '# only a comment\n---\n' >comments.yaml
run "$VEIL" k8s decrypt comments.yaml
expect_fail "stream of comments refused"
run "$VEIL" k8s decrypt --allow-empty empty.yaml
expect_rc 0 "--allow-empty"

# --- failures: nothing on stdout, the document named
cp stream.yaml tamper.yaml
off=$(grep -b -o 'password: ENC\[[A-Z0-9_]*,data:' tamper.yaml | head -1 | cut -d: -f1)
swap_b64 tamper.yaml $((off + 37))
run "$VEIL" k8s decrypt tamper.yaml
expect_fail "tampered value"
check "tampered: no stdout" test ! -s "$T/out"
err_has 'document 2 \(Secret apps/db\)' "tampered: names index (from 1), kind, namespace/name"
err_lacks hunter2 "tampered: no plaintext in the message"

run env VEIL_AGE_KEY_FILE="$T/k2.txt" "$VEIL" k8s decrypt stream.yaml
expect_rc 128 "wrong key"
check "wrong key: no stdout" test ! -s "$T/out"
err_has "document 2 \\(Secret apps/db\\).*$R1" "wrong key: names the document and its recipient"

awk '/^sops:/{skip=1} /^---/{skip=0} !skip' stream.yaml >cut.yaml
run "$VEIL" k8s decrypt cut.yaml
expect_fail "ciphertext without a sops block refused"
check "cut: no stdout" test ! -s "$T/out"

grep -v '^  mac:' stream.yaml >nomac.yaml
run "$VEIL" k8s decrypt nomac.yaml
expect_fail "sops block without mac refused"

# metadata rewritten after encryption, as kustomize does (namespace, key
# order): what veil writes for a Kubernetes object carries veil_sorted_mac
# (the encrypted values by key path), which still verifies in k8s decrypt
check "the Secrets carry veil_sorted_mac" test "$(grep -c '^  veil_sorted_mac: ENC' stream.yaml)" -eq 2
sed 's/^  namespace: apps$/  namespace: other/' stream.yaml >moved.yaml
run "$VEIL" k8s decrypt moved.yaml
expect_rc 0 "metadata rewritten: veil_sorted_mac verifies"
# veil decrypt holds a file to the sops MAC, as sops does
sed 's/^  namespace: apps$/  namespace: other/' secret.enc.yaml >moved1.yaml
run "$VEIL" decrypt moved1.yaml
expect_rc 51 "veil decrypt: the sops MAC catches a plaintext change"
# an encrypted value removed: only a MAC can see it
grep -v '^  cert: ENC' stream.yaml >removed.yaml
run "$VEIL" k8s decrypt removed.yaml
expect_rc 51 "an encrypted value removed: MAC mismatch"
check "removed: nothing on stdout" test ! -s "$T/out"
# without veil_sorted_mac (sops wrote it, or an older veil): the sops MAC only
grep -v veil_sorted_mac moved.yaml >old.yaml
run "$VEIL" k8s decrypt old.yaml
expect_rc 51 "no veil_sorted_mac: MAC mismatch"
err_has "ignore-mac" "MAC mismatch: hint names --ignore-mac"
run "$VEIL" k8s decrypt --ignore-mac old.yaml
expect_rc 0 "--ignore-mac accepts it (values still authenticated)"

# several identities at once (key rotation)
cat k2.txt k1.txt >both.txt
run env VEIL_AGE_KEY_FILE="$T/both.txt" "$VEIL" k8s decrypt stream.yaml
check "two identities: the second one opens it" rc0_same want.yaml "$T/out"
run "$VEIL" k8s decrypt --identity k2.txt --identity k1.txt stream.yaml
check "--identity twice" rc0_same want.yaml "$T/out"

# --- real sops-written Secrets (Flux's test data)
FIX=${VEIL_SHARED_DIR:-$SRC/../shared}/fixtures/sops
KC=$FIX/kustomize-controller/internal/controller/testdata/sops
if [ -f "$KC/global/secret.yaml" ] && [ -f "$KC/algorithms/age.yaml" ]; then
	cat "$KC/keys/age.txt" "$KC/keys/age-global.txt" >fix.txt
	{ cat "$KC/global/secret.yaml"; echo '---'; cat cm.yaml; echo '---'
	  cat "$KC/algorithms/age.yaml"; } >fix.yaml
	run env VEIL_AGE_KEY_FILE="$T/fix.txt" "$VEIL" k8s decrypt fix.yaml
	expect_rc 0 "sops 3.x Secrets in a stream"
	check "sops fixtures: values" grep -q 'key: global-value' "$T/out"
	check "sops fixtures: plain document kept" grep -q "metadata: {name: cfg,   namespace: apps}" "$T/out"
	{ VEIL_AGE_KEY_FILE=$T/fix.txt "$VEIL" decrypt "$KC/global/secret.yaml"; echo '---'
	  cat cm.yaml; echo '---'
	  VEIL_AGE_KEY_FILE=$T/fix.txt "$VEIL" decrypt "$KC/algorithms/age.yaml"; } >fix.want
	check "sops fixtures: each document as veil decrypt gives it" same fix.want "$T/out"
else
	echo "skip (part): sops fixtures not found under $FIX"
fi

# --- a multi-document file encrypted as one (one MAC over all its
# documents, as sops and veil write it) decrypts in the stream, between
# other documents; a tampered or partial one is still refused
{ cat secret.yaml; echo '---'; cat secret.yaml | sed 's/name: db/name: db2/'; } >pair.yaml
"$VEIL" encrypt -r "$R1" --encrypted-regex '^(data|stringData)$' pair.yaml >pair.enc.yaml
{ cat cm.yaml; echo '---'; cat pair.enc.yaml; echo '---'; cat secret.enc.yaml; } >mixed.yaml
run "$VEIL" k8s decrypt mixed.yaml
expect_rc 0 "a multi-document encrypted file inside a stream"
check "both of its Secrets are decrypted" test "$(grep -c 'password: hunter2' "$T/out")" -eq 3 # veil:allow (test value)
check "no ciphertext or sops block is left" test "$(grep -cE 'ENC\[|^sops:' "$T/out")" -eq 0
check "the ConfigMap comes through" grep -q 'key: "quoted"    # trailing comment' "$T/out"
cp mixed.yaml mixed.bad
off=$(grep -b -o 'password: ENC\[[A-Z0-9_]*,data:' mixed.bad | sed -n 2p | cut -d: -f1)
swap_b64 mixed.bad $((off + 37))
run "$VEIL" k8s decrypt mixed.bad
expect_fail "a tampered multi-document file in a stream"
err_has "documents 2 to 3 \(one encrypted file\)" "its documents are counted from 1"
awk '/^---/{exit} {print}' pair.enc.yaml >half.yaml
run "$VEIL" k8s decrypt half.yaml
expect_rc 51 "one document of a two-document file alone: MAC mismatch"
check "and nothing on stdout" test ! -s "$T/out"
finish
