#!/usr/bin/env bash
# veil check with .sops.yaml rules that select values by a comment
# (encrypted_comment_regex / unencrypted_comment_regex): files encrypted by
# veil under such a rule pass; a plaintext value pasted under a selecting
# comment (or, with unencrypted_comment_regex, anywhere but under the
# marker) is refused; a plaintext value the rule leaves clear is not. In
# YAML, dotenv and INI. Values are made up at run time.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

rnd() { head -c 18 /dev/urandom | base64 | tr -d '/+=\n'; }
"$VEIL" keygen -o key.txt 2>/dev/null || { fail "keygen"; finish; }
R=$(sed -n 2p key.txt | cut -d' ' -f4)
mkdir -p repo/enc repo/clear && cd repo || exit 1
cat >.sops.yaml <<EOF
creation_rules:
  - path_regex: ^enc/
    encrypted_comment_regex: sops:enc
    age: $R
  - path_regex: ^clear/
    unencrypted_comment_regex: sops:clear
    age: $R
EOF

# encrypted_comment_regex: only the item after "# sops:enc" is encrypted
cat >enc/app.yaml <<EOF
name: api
# sops:enc
password: $(rnd)
db:
  host: db.internal
  # sops:enc
  token: $(rnd)
  port: 5432
EOF
printf 'MODE=prod\n# sops:enc\nAPI_KEY=%s\n' "$(rnd)" >enc/app.env
printf '[db]\nhost = db\n# sops:enc\npassword = %s\n' "$(rnd)" >enc/app.ini
for f in enc/app.yaml enc/app.env enc/app.ini; do
	"$VEIL" encrypt -i "$f" 2>"$T/err" || fail "encrypt $f"
done
check "the marker comments stay readable" grep -q '^# sops:enc$' enc/app.yaml
check "the values after them are encrypted" grep -q '^password: ENC\[' enc/app.yaml
check "the others are not" grep -q '^  host: db.internal$' enc/app.yaml
run "$VEIL" check
expect_rc 0 "files encrypted under comment rules pass"

# a value pasted under a selecting comment is refused, elsewhere it is not
sed -i "s/^  port: 5432\$/  port: 5432\n  # sops:enc\n  apikey: $(rnd)/" enc/app.yaml
sed -i "s/^MODE=prod\$/MODE=prod\nLOG=debug\n# sops:enc\nSECRET=$(rnd)/" enc/app.env
sed -i "s/^host = db\$/host = db\nuser = app\n# sops:enc\ntoken = $(rnd)/" enc/app.ini
run "$VEIL" check --format json
expect_rc 1 "plaintext values under a selecting comment are refused"
check "in YAML, at the pasted value" grep -q '"path":"enc/app.yaml","line":10,"column":11,"rule":"sops-plaintext-value"' "$T/out"
check "in dotenv" grep -q '"path":"enc/app.env","line":4,[^}]*"rule":"sops-plaintext-value"' "$T/out"
check "in INI" grep -q '"path":"enc/app.ini","line":5,[^}]*"rule":"sops-plaintext-value"' "$T/out"
check "exactly those three" test "$(grep -o '"rule":"sops-plaintext-value"' "$T/out" | wc -l)" -eq 3
check "LOG=debug and user = app (not selected) are not reported" \
	sh -c '! grep -q "\"line\":2,[^}]*sops-plaintext" "$1"' _ "$T/out"

# a comment selects the next item only: a value two items down is clear
cat >enc/next.yaml <<EOF
# sops:enc
password: $(rnd)
EOF
"$VEIL" encrypt -i enc/next.yaml 2>"$T/err" || fail "encrypt next.yaml"
printf 'note: not-a-secret-here\n' >>enc/next.yaml
run "$VEIL" check enc/next.yaml
expect_rc 0 "an item after the selected one is not selected"

# unencrypted_comment_regex: everything but the item after "# sops:clear"
cat >clear/app.yaml <<EOF
# sops:clear
region: eu-west-1
password: $(rnd)
EOF
"$VEIL" encrypt -i clear/app.yaml 2>"$T/err" || fail "encrypt clear/app.yaml"
check "the item after the marker stays clear" grep -q '^region: eu-west-1$' clear/app.yaml
run "$VEIL" check clear/app.yaml
expect_rc 0 "a file encrypted under unencrypted_comment_regex passes"
sed -i "s/^region: eu-west-1\$/region: eu-west-1\napitoken: $(rnd)/" clear/app.yaml
run "$VEIL" check --format json clear/app.yaml
expect_rc 1 "a value pasted outside the marker is refused"
check "named at its line" grep -q '"line":3,"column":11,"rule":"sops-plaintext-value"' "$T/out"
sed -i "s/^region: eu-west-1\$/region: eu-west-1\n# sops:clear\nzone: b/" clear/app.yaml
sed -i '/^apitoken: /d' clear/app.yaml
run "$VEIL" check clear/app.yaml
expect_rc 0 "a value pasted under the marker is not"
finish
