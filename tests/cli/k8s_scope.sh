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
