#!/usr/bin/env bash
# Scope binding (sealed-secrets style): with `scope: strict` in a .sops.yaml
# creation rule (or --scope strict), each value of a Secret is bound to its
# namespace and name through the AAD, so the same ciphertext moved to another
# name or namespace is refused; `scope: namespace` binds to the namespace only.
SRC=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/common.bash
. "$SRC/tests/cli/common.bash"

"$VEIL" keygen -o k1.txt 2>/dev/null
R1=$(sed -n 2p k1.txt | cut -d' ' -f4)
export VEIL_AGE_KEY_FILE=$T/k1.txt
mkdir -p repo/apps && cd repo || exit 1
cat >.sops.yaml <<X
creation_rules:
  - path_regex: strict/.*\.yaml$
    encrypted_regex: ^(data|stringData)$
    scope: strict
    age: $R1
  - path_regex: ns/.*\.yaml$
    encrypted_regex: ^(data|stringData)$
    scope: namespace
    age: $R1
  - encrypted_regex: ^(data|stringData)$
    age: $R1
X
mkdir -p strict ns plain
secret() {
	printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: %s\n  namespace: %s\ntype: Opaque\nstringData:\n  password: hunter2\n' "$1" "$2" # veil:allow (test value)
}
for d in strict ns plain; do secret db apps >"$d/s.yaml"; done

run "$VEIL" encrypt -i strict/s.yaml
expect_rc 0 "encrypt with scope: strict from .sops.yaml"
err_has "veil-only" "encrypt says the file is veil-only"
check "veil_scope recorded in the metadata" grep -q '^  veil_scope: strict$' strict/s.yaml
"$VEIL" encrypt -i ns/s.yaml 2>/dev/null
"$VEIL" encrypt -i plain/s.yaml 2>"$T/err"
check "no scope: no veil-only note" sh -c "! grep -q veil-only '$T/err'"

run "$VEIL" k8s decrypt strict/s.yaml
check "strict: decrypts in place" grep -q '^  password: hunter2$' "$T/out" # veil:allow

# move_to FILE NAME NS: the same ciphertext under another name/namespace
move_to() { sed -e "s/^  name: db\$/  name: $2/" -e "s/^  namespace: apps\$/  namespace: $3/" "$1"; }

# --ignore-mac: what is left is each value's own tag (as in a transformer
# after kustomize), which is exactly where the scope must hold
move_to strict/s.yaml other apps >moved.yaml
run "$VEIL" k8s decrypt --ignore-mac moved.yaml
expect_rc 25 "strict: moved to another name is refused"
err_has "scope-bound" "strict: the message says the file is scope-bound"
check "strict moved: no output" test ! -s "$T/out"
move_to strict/s.yaml db prod >moved.yaml
run "$VEIL" k8s decrypt --ignore-mac moved.yaml
expect_rc 25 "strict: moved to another namespace is refused"
run "$VEIL" decrypt --ignore-mac moved.yaml
expect_rc 25 "strict: veil decrypt refuses it too"
# removing the veil_scope line does not unbind it
grep -v veil_scope strict/s.yaml >unscoped.yaml
run "$VEIL" k8s decrypt --ignore-mac unscoped.yaml
expect_rc 25 "strict: dropping veil_scope does not help"
sed 's/veil_scope: strict/veil_scope: namespace/' strict/s.yaml >weaker.yaml
run "$VEIL" k8s decrypt --ignore-mac weaker.yaml
expect_rc 25 "strict: weakening veil_scope does not help"

move_to ns/s.yaml other apps >moved.yaml
run "$VEIL" k8s decrypt --ignore-mac moved.yaml
expect_rc 0 "namespace scope: another name in the same namespace is fine"
move_to ns/s.yaml db prod >moved.yaml
run "$VEIL" k8s decrypt --ignore-mac moved.yaml
expect_rc 25 "namespace scope: another namespace is refused"

# without a scope the same move goes through when only the tags are checked
move_to plain/s.yaml db prod >moved.yaml
run "$VEIL" k8s decrypt --ignore-mac moved.yaml
expect_rc 0 "no scope: the move is not detected by the tags (contrast)"

# a value copied from one scoped Secret into another is refused
secret web apps >strict/t.yaml
"$VEIL" encrypt -i strict/t.yaml 2>/dev/null
v=$(grep '^  password:' strict/s.yaml)
sed "s|^  password:.*|$v|" strict/t.yaml >copied.yaml
run "$VEIL" k8s decrypt --ignore-mac copied.yaml
expect_rc 25 "strict: a value copied into another Secret is refused"

# --scope on the command line, and its refusals
secret db apps >cli.yaml
run "$VEIL" encrypt -r "$R1" --scope namespace --encrypted-regex '^(data|stringData)$' cli.yaml
expect_rc 0 "--scope namespace"
check "--scope recorded" grep -q '^    veil_scope: namespace$\|^  veil_scope: namespace$' "$T/out"
# (-r replaces the rule's keys only: its encrypted_regex would still apply)
run "$VEIL" encrypt -r "$R1" --scope strict --encrypted-regex . cli.yaml
expect_fail "--scope strict with metadata.name encrypted is refused"
err_has "plaintext" "the refusal says the name must stay in plaintext"
printf 'a: 1\n' >noname.yaml
run "$VEIL" encrypt -r "$R1" --scope strict noname.yaml
expect_fail "--scope strict without metadata is refused"
run "$VEIL" encrypt -r "$R1" --scope cluster cli.yaml
expect_rc 2 "--scope with an unknown value is a usage error"

# --- a scope-bound value only ever comes out in a Secret (apiVersion v1,
# kind Secret): the AAD binds namespace and name, kind and apiVersion are
# checked on both sides. The reproducer: strict + mac_only_encrypted (so the
# MAC does not cover kind) and kind edited to ConfigMap.
secret db apps >mo.yaml
"$VEIL" encrypt -r "$R1" --cipher aes256-gcm --scope strict --mac-only-encrypted \
	--encrypted-regex '^(data|stringData)$' mo.yaml >mo.enc.yaml 2>/dev/null
run "$VEIL" k8s decrypt mo.enc.yaml
expect_rc 0 "strict + mac_only_encrypted: the Secret decrypts"
sed 's/kind: Secret/kind: ConfigMap/' mo.enc.yaml >mo.cm.yaml
run "$VEIL" k8s decrypt mo.cm.yaml
expect_fail "kind edited to ConfigMap: refused"
check "kind edited: nothing on stdout" test ! -s "$T/out"
err_has "binds values to a Secret.*ConfigMap" "kind edited: the message says why"
err_lacks hunter2 "kind edited: no plaintext on stderr"
run "$VEIL" k8s decrypt --ignore-mac mo.cm.yaml
expect_fail "kind edited, --ignore-mac: still refused"
run "$VEIL" decrypt mo.cm.yaml
expect_fail "kind edited: veil decrypt refuses it too"
check "veil decrypt: nothing on stdout" test ! -s "$T/out"
for edit in 's/^apiVersion: v1$/apiVersion: example.com\/v1/' 's/^kind: Secret$/kind: secret/' \
	's/^kind: Secret$/kind: !!binary Q29uZmlnTWFw/' 's/^kind: Secret$/kind: SealedSecret/' \
	's/^kind: Secret$//'; do
	sed "$edit" mo.enc.yaml >mo.var.yaml
	run "$VEIL" k8s decrypt --ignore-mac mo.var.yaml
	expect_fail "scope-bound, edited with '$edit': refused"
	check "'$edit': nothing on stdout" test ! -s "$T/out"
done
# what Kubernetes reads as the same Secret stays accepted
sed 's/^kind: Secret$/kind: "Secret"/; s/^apiVersion: v1$/apiVersion: '"'v1'"'/' mo.enc.yaml >mo.q.yaml
run "$VEIL" k8s decrypt mo.q.yaml
expect_rc 0 "kind and apiVersion quoted: still the same Secret"
sed 's/^kind: Secret$/kind: !!binary U2VjcmV0/' mo.enc.yaml >mo.b.yaml
run "$VEIL" k8s decrypt --ignore-mac mo.b.yaml
expect_rc 0 "kind: !!binary U2VjcmV0 (\"Secret\" as Kubernetes decodes it): the same Secret"
# a scope-bound Secret moved into a List, its kind edited there
{ printf 'apiVersion: v1\nkind: List\nitems:\n'; sed '1s/^/- /;2,$s/^/  /' mo.cm.yaml; } >mo.list.yaml
run "$VEIL" k8s decrypt --ignore-mac mo.list.yaml
expect_fail "List item with its kind edited: refused"
check "List item: nothing on stdout" test ! -s "$T/out"
# the KRM transformer (kustomize hands it the items)
{ printf 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig:\n'
  printf '  apiVersion: veil/v1\n  kind: Decrypt\n  metadata: {name: d}\nitems:\n'
  sed '1s/^/- /;2,$s/^/  /' mo.cm.yaml; } >mo.rl.yaml
run "$VEIL" k8s krm <mo.rl.yaml
expect_fail "KRM transformer: an item with its kind edited is refused"
check "KRM: no plaintext in the output" sh -c "! grep -q hunter2 '$T/out'"
# the generator would hand the plaintext to kustomize's later transforms
# (namespace, namePrefix, a JSON patch of /kind): scope-bound files are refused
mkdir -p gen && cp mo.enc.yaml gen/s.enc.yaml && cd gen || exit 1
printf 'apiVersion: veil/v1\nkind: SecretGenerator\nmetadata: {name: g}\nfiles: [s.enc.yaml]\n' >g1.yaml
printf 'apiVersion: veil/v1\nkind: SecretGenerator\nmetadata: {name: g}\nsecretFrom:\n- metadata: {name: other, namespace: apps}\n  files: [s.enc.yaml]\n' >g2.yaml
for g in g1 g2; do
	run "$VEIL" k8s krm "$g.yaml"
	expect_fail "generator $g: a scope-bound file is refused"
	err_has "scope-bound.*decrypt after kustomize" "generator $g: says where it can be decrypted"
	check "generator $g: no plaintext out" sh -c "! grep -q hunter2 '$T/out'"
done
cd .. || exit 1
# encrypting: scope applies to Secrets only, and kind stays in plaintext
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: apps\ndata:\n  k: v\n' >cm.yaml
run "$VEIL" encrypt -r "$R1" --scope strict --encrypted-regex '^data$' cm.yaml
expect_fail "--scope strict on a ConfigMap is refused"
err_has "binds values to a Secret" "ConfigMap: the message says why"
run "$VEIL" encrypt -r "$R1" --scope strict --encrypted-regex '^(kind|data|stringData)$' mo.yaml
expect_fail "--scope with kind encrypted is refused"
err_has "must stay in plaintext" "encrypted kind: the message says why"

# the scope survives rotate (same file, new data key)
run "$VEIL" rotate -i strict/s.yaml
check "rotate keeps veil_scope" grep -q '^  veil_scope: strict$' strict/s.yaml
move_to strict/s.yaml other apps >moved.yaml
run "$VEIL" k8s decrypt --ignore-mac moved.yaml
expect_rc 25 "after rotate: still bound"

run "$VEIL" set strict/s.yaml '["stringData"]["extra"]' '"x"'
check "set keeps veil_scope" grep -q '^  veil_scope: strict$' strict/s.yaml
move_to strict/s.yaml db prod >moved.yaml
run "$VEIL" k8s decrypt --ignore-mac moved.yaml
expect_rc 25 "after set: still bound"

finish
