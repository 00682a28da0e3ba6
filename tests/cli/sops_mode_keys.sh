#!/usr/bin/env bash
# What sops users rely on around keys and config (issue 12): files and rules
# that also name PGP/KMS keys (set, unset, edit, decrypt work and keep those
# stanzas as they were; rotate, updatekeys and encrypt refuse, naming them),
# .sops.yml found like .sops.yaml, stores: indents and --indent for text
# written anew. Through veil and through a `sops` link alike.
. "$(dirname "$0")/common.bash"

FIX=${VEIL_SHARED_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)/shared}/fixtures/sops
NIX=$FIX/sops-nix/pkgs/sops-install-secrets/test-assets
mkdir -p bin run && chmod 700 run
export XDG_RUNTIME_DIR="$T/run"
unset SOPS_EDITOR EDITOR VEIL_EDITOR VEIL_AGE_RECIPIENTS SOPS_AGE_RECIPIENTS SOPS_CONFIG
ln -s "$VEIL" bin/sops
SOPS=$T/bin/sops
"$VEIL" keygen -o key.txt 2>/dev/null || { echo "FAIL keygen"; exit 1; }
R=$(grep -o 'age1[0-9a-z]*' key.txt)

# pgp_block FILE: the sops block's pgp entries (what veil cannot re-wrap)
pgp_block() { awk '/^    pgp:/ { on = 1; next } on && /^    [a-z]/ { on = 0 } on' "$1"; }

if [ -f "$NIX/secrets.yaml" ]; then
	export SOPS_AGE_KEY_FILE="$NIX/age-keys.txt"
	cp "$NIX/secrets.yaml" nix.yaml
	pgp_block nix.yaml >pgp.want
	check "the sops-nix fixture has two PGP stanzas" test "$(grep -c 'fp:' pgp.want)" -eq 2
	run "$SOPS" -d nix.yaml
	check "sops -d of an age+pgp file (sops 3.7.1)" test "$rc" -eq 0 -a "$(head -1 "$T/out")" = "test_key: test_value"
	run "$VEIL" set nix.yaml '["test_key"]' '"changed"'
	expect_rc 0 "veil set on an age+pgp file"
	check "  the PGP stanzas are kept byte for byte" sh -c "pgp_block() { awk '/^    pgp:/ { on = 1; next } on && /^    [a-z]/ { on = 0 } on' \"\$1\"; }; pgp_block nix.yaml | cmp -s - pgp.want"
	check "  and the age ones still open it" test "$("$VEIL" decrypt --extract '["test_key"]' nix.yaml)" = changed
	run "$SOPS" unset nix.yaml '["a_list"]'
	expect_rc 0 "sops unset on it"
	EDITOR='sed -i s/changed/edited/' run "$SOPS" edit nix.yaml
	expect_rc 0 "sops edit on it"
	pgp_block nix.yaml >pgp.now
	check "  the PGP stanzas are still byte for byte the same" same pgp.want pgp.now
	check "  the edit is there" test "$("$VEIL" decrypt --extract '["test_key"]' nix.yaml)" = edited
	cp nix.yaml before.yaml
	run "$VEIL" rotate -i nix.yaml
	expect_rc 1 "veil rotate refuses it"
	err_has "pgp 7FB89715AADA920D65D25E63F9BA9DEBD03F57C0" "  naming the PGP keys it cannot re-wrap"
	run "$SOPS" -r -i nix.yaml
	expect_rc 1 "sops -r refuses it too"
	printf 'creation_rules:\n  - age: %s\n' "$R" >nix.sops.yaml
	run "$VEIL" updatekeys -y --config nix.sops.yaml nix.yaml
	expect_rc 1 "updatekeys refuses it"
	err_has "pgp 2504791468B153B8A3963CC97BA53D1919C5DFD4" "  naming the keys"
	check "the file is untouched by the refusals" same before.yaml nix.yaml
	unset SOPS_AGE_KEY_FILE
else
	echo "skip the age+pgp fixture: $NIX/secrets.yaml is missing (VEIL_SHARED_DIR)"
fi
export SOPS_AGE_KEY_FILE="$T/key.txt"

# a rule that names PGP/KMS keys: encrypting under it is refused (the file
# would lack keys the team relies on); the file's other rules still work
mkdir -p repo/dev repo/prod
cat >repo/.sops.yaml <<EOF
creation_rules:
  - path_regex: prod/
    kms: arn:aws:kms:eu-west-1:111122223333:key/prod
    age: $R
  - path_regex: dev/
    age: $R
EOF
printf 'k: v\n' >repo/dev/a.yaml
printf 'k: v\n' >repo/prod/a.yaml
run "$VEIL" encrypt repo/dev/a.yaml
expect_rc 0 "a .sops.yaml with a KMS rule: the age-only rule still encrypts"
run "$VEIL" encrypt repo/prod/a.yaml
expect_rc 1 "encrypting under the rule that names KMS keys is refused"
err_has "kms arn:aws:kms:eu-west-1:111122223333:key/prod" "  naming the key"
run "$SOPS" -e repo/prod/a.yaml
expect_rc 1 "  (sops mode too)"
run "$VEIL" encrypt -r "$R" repo/prod/a.yaml
expect_rc 0 "with -r the rule's other keys do not matter (-r replaces the keys)"

# every key type sops knows and veil does not, in a rule: refused by name;
# destination_rules (publish) and aws_profile alone change nothing
mkdir -p kinds
cat >kinds/.sops.yaml <<EOF
destination_rules:
  - path_regex: .*
    s3_bucket: b
creation_rules:
  - path_regex: pgp/
    pgp: 85D77543B3D624B63CEA9E6DBC17301B491B3F21
  - path_regex: gcp/
    gcp_kms: projects/p/locations/l/keyRings/r/cryptoKeys/k
  - path_regex: azure/
    azure_keyvault: https://v.vault.azure.net/keys/k/1
  - path_regex: vault/
    hc_vault_transit_uri: https://vault:8200/v1/transit/keys/k
  - path_regex: huawei/
    hckms: region:uuid
  - path_regex: groups/
    key_groups:
      - age: [$R]
        merge:
          - kms: [{arn: 'arn:aws:kms:x', aws_profile: p}]
  - aws_profile: dev
    age: $R
EOF
for k in pgp gcp azure vault huawei groups; do
	mkdir -p "kinds/$k" && printf 'x: 1\n' >"kinds/$k/a.yaml"
	run "$VEIL" encrypt "kinds/$k/a.yaml"
	check "a rule with $k keys: refused" test "$rc" -eq 1 -a ! -s "$T/out"
	err_has "names keys veil cannot use" "  saying so"
done
err_has "kms arn:aws:kms:x" "a key in a merged group is named too"
printf 'x: 1\n' >kinds/a.yaml
run "$VEIL" encrypt kinds/a.yaml
expect_rc 0 "destination_rules and an age rule's aws_profile change nothing"

# SOPS_EDITOR before EDITOR (sops's order); VEIL_EDITOR before both
printf 'k: v\n' >ed.yaml
"$VEIL" encrypt -r "$R" -i ed.yaml
SOPS_EDITOR='sed -i s/v$/sops/' EDITOR=false run "$SOPS" edit ed.yaml
check "SOPS_EDITOR wins over EDITOR" test "$rc" -eq 0 -a "$("$VEIL" decrypt ed.yaml)" = "k: sops"
VEIL_EDITOR='sed -i s/sops$/veil/' SOPS_EDITOR=false run "$SOPS" edit ed.yaml
check "VEIL_EDITOR wins over SOPS_EDITOR" test "$rc" -eq 0 -a "$("$VEIL" decrypt ed.yaml)" = "k: veil"

# .sops.yml is found like .sops.yaml; .sops.yaml wins in one directory
mkdir -p yml/sub
printf 'creation_rules:\n  - age: %s\n    encrypted_regex: ^only$\n' "$R" >yml/.sops.yml
printf 'only: 1\nother: 2\n' >yml/sub/a.yaml
run "$VEIL" encrypt yml/sub/a.yaml
check ".sops.yml is used" test "$rc" -eq 0 -a "$(grep -c '^other: 2$' "$T/out")" -eq 1
run "$SOPS" -e yml/sub/a.yaml
check "  (sops mode too)" test "$rc" -eq 0 -a "$(grep -c '^other: 2$' "$T/out")" -eq 1
printf 'creation_rules:\n  - age: %s\n' "$R" >yml/.sops.yaml
run "$VEIL" encrypt yml/sub/a.yaml
check ".sops.yaml wins over .sops.yml in the same directory" test "$rc" -eq 0 -a "$(grep -c '^other: 2$' "$T/out")" -eq 0

# stores: indents for text written anew, and --indent over them
mkdir -p st
printf 'creation_rules:\n  - age: %s\nstores:\n  yaml:\n    indent: 2\n  json:\n    indent: 3\n' "$R" >st/.sops.yaml
printf 'flat: 1\nother: x\n' >st/flat.yaml
run "$VEIL" encrypt st/flat.yaml
check "stores.yaml.indent: the sops block of a file with no indent of its own" grep -q '^  age:$' "$T/out"
run "$VEIL" encrypt --indent 6 st/flat.yaml
check "--indent overrides it" grep -q '^      age:$' "$T/out"
printf 'nested:\n    deep: 1\n' >st/nested.yaml
run "$VEIL" encrypt st/nested.yaml
check "a file with an indent of its own keeps it for the block" grep -q '^    age:$' "$T/out"
"$VEIL" encrypt st/nested.yaml >st/nested.enc.yaml
run "$VEIL" decrypt --output-type json st/nested.enc.yaml
check "stores.json.indent: decrypt --output-type json" grep -q '^   "nested": {$' "$T/out"
run "$SOPS" -d --output-type json --indent 1 st/nested.enc.yaml
check "sops -d --indent 1 overrides it" grep -q '^ "nested": {$' "$T/out"
run "$SOPS" --config st/.sops.yaml -d --output-type yaml st/nested.enc.yaml
check "yaml output of a yaml file keeps the file's layout" test "$(cat "$T/out")" = "$(cat st/nested.yaml)"
printf '{"a": {"b": 1}}\n' >st/j.json
run "$VEIL" encrypt --output-type yaml st/j.json
check "encrypt --output-type yaml writes the stores.yaml.indent" grep -q '^  b: ENC' "$T/out"
finish
