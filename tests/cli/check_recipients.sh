#!/usr/bin/env bash
# veil check: who can decrypt what. A teammate removed from a .sops.yaml
# creation rule whose age recipient is still in the encrypted files is a
# finding (sops-recipient-removed, fix: veil updatekeys), in text, JSON and
# SARIF; a recipient the rule lists that a file lacks is a warning; the
# pre-commit hook (check --staged) refuses a commit that changes .sops.yaml
# without re-keying, and lets it through once the files are re-keyed.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

command -v git >/dev/null || { echo "skip: git is not installed"; exit 77; }
g() { git -c user.name=veil-test -c user.email=test@example.invalid "$@"; }

for who in alice bob carol; do
	"$VEIL" keygen -o "$T/$who.txt" 2>/dev/null
done
A=$("$VEIL" keygen -y "$T/alice.txt")
B=$("$VEIL" keygen -y "$T/bob.txt")
C=$("$VEIL" keygen -y "$T/carol.txt")

git init -q -b main repo && cd repo || exit 1
mkdir -p secrets app
rule() { printf 'creation_rules:\n  - path_regex: ^secrets/\n    age: %s\n' "$1" >.sops.yaml; }
rule "$A,$B"
for f in db api; do
	printf 'user: app\npassword: pw-%s\n' "$f" >secrets/$f.yaml
	"$VEIL" encrypt -i secrets/$f.yaml 2>"$T/err" || fail "encrypt $f: $(cat "$T/err")"
done
printf '{"token": "t"}\n' >secrets/c.json
"$VEIL" encrypt -i secrets/c.json 2>"$T/err" || fail "encrypt c.json: $(cat "$T/err")"
run "$VEIL" check
expect_rc 0 "files keyed as their rule says: clean"
check "  and silent" test ! -s "$T/out"

VEIL="$VEIL" run "$VEIL" hook install
g add -A && VEIL="$VEIL" run g commit -qm "secrets for alice and bob"
expect_rc 0 "the first commit passes the hook"

# bob leaves the team: his recipient goes from the rule, not from the files
rule "$A"
run "$VEIL" check
expect_rc 1 "a removed teammate's recipient left in the files is a finding"
line=$(grep -n "recipient: $B" secrets/db.yaml | cut -d: -f1)
check "  at the recipient's line, with the rule" \
	grep -q "^secrets/db.yaml:$line:[0-9]* sops-recipient-removed: $B can still decrypt this file, but its .sops.yaml creation rule (path_regex ^secrets/) no longer lists it" "$T/out"
check "  every file is named (YAML and JSON)" test "$(grep -c 'sops-recipient-removed' "$T/out")" -eq 3
check "  the fix is veil updatekeys" grep -q "fix: veil updatekeys -y secrets/db.yaml" "$T/out"
check "  alice (still listed) is not reported" sh -c "! grep -q '$A' '$T/out'"

run "$VEIL" check --format json
if command -v jq >/dev/null; then
	check "JSON: three errors, each naming the recipient" jq -e >/dev/null --arg b "$B" \
		'.errors == 3 and ([.findings[] | select(.rule == "sops-recipient-removed" and
		 .severity == "error" and (.message | contains($b)))] | length) == 3' "$T/out"
	run "$VEIL" check --format sarif
	check "SARIF: the rule is listed and results point at it" jq -e >/dev/null \
		'([.runs[0].results[] | select(.ruleId == "sops-recipient-removed" and .level == "error")] | length) == 3 and
		 (.runs[0].tool.driver.rules | map(.id) | index("sops-recipient-removed")) != null' "$T/out"
else
	check "JSON names the rule (no jq)" grep -q '"rule":"sops-recipient-removed"' "$T/out"
fi

# the hook: a commit of the new .sops.yaml alone is refused
g add .sops.yaml
VEIL="$VEIL" run g commit -qm "remove bob"
check "the hook refuses .sops.yaml changed without re-keying" test "$rc" -ne 0
check "  and says why" grep -q "sops-recipient-removed" "$T/out" "$T/err"
check "  nothing was committed" test "$(git rev-list --count HEAD)" -eq 1
VEIL="$VEIL" run "$VEIL" check --staged --format sarif
expect_rc 1 "check --staged reports it too"

# re-keyed: the commit passes
for f in secrets/db.yaml secrets/api.yaml secrets/c.json; do
	SOPS_AGE_KEY_FILE=$T/alice.txt "$VEIL" updatekeys -y "$f" >/dev/null 2>"$T/err" ||
		fail "updatekeys $f: $(cat "$T/err")"
done
g add -A && VEIL="$VEIL" run g commit -qm "remove bob, re-keyed"
expect_rc 0 "re-keyed, the commit passes"
run "$VEIL" check
expect_rc 0 "  and check is clean"

# carol joins in the rule only: a warning, not a refusal
rule "$A,$C"
run "$VEIL" check
expect_rc 0 "a recipient the files lack is a warning (exit 0)"
check "  sops-recipient-missing, once per file" test "$(grep -c "sops-recipient-missing (warning): $C cannot decrypt this file" "$T/out")" -eq 3
rule "$A"

# a catch-all rule gives keys too (it does not make every file a secret)
printf 'creation_rules:\n  - age: %s\n' "$C" >.sops.yaml
run "$VEIL" check
expect_rc 1 "a catch-all rule: alice's recipient is not in it"
check "  named with the rule" grep -q "no longer lists it" "$T/out"
check "  plain files are not findings" sh -c "! grep -q '^app/' '$T/out'"
rule "$A"

# a directory with its own .sops.yaml: updatekeys takes that one, so the
# root rule does not judge its files
mkdir -p secrets/team
printf 'creation_rules:\n  - age: %s\n' "$C" >secrets/team/.sops.yaml
printf 'x: 1\n' >secrets/team/t.yaml
"$VEIL" encrypt -i secrets/team/t.yaml 2>"$T/err" || fail "encrypt under a nested rule: $(cat "$T/err")"
run "$VEIL" check
expect_rc 0 "a file under a nearer .sops.yaml is not judged by the root rule"
rm -r secrets/team

# key groups: same keys, different grouping or threshold: a warning
groups() { printf 'creation_rules:\n  - path_regex: ^secrets/g\n    shamir_threshold: %s\n    key_groups:\n      - age: [%s]\n      - age: [%s]\n      - age: [%s]\n  - path_regex: ^secrets/\n    age: %s\n' "$1" "$A" "$B" "$C" "$A" >.sops.yaml; }
groups 2
printf 'x: 1\n' >secrets/g.yaml
"$VEIL" encrypt -i secrets/g.yaml 2>"$T/err" || fail "encrypt with key groups: $(cat "$T/err")"
run "$VEIL" check
expect_rc 0 "key groups as the rule has them: clean"
groups 3
run "$VEIL" check
expect_rc 0 "a changed Shamir threshold is a warning"
check "  sops-key-groups-changed" grep -q "^secrets/g.yaml:1:1 sops-key-groups-changed (warning): the file's key groups or Shamir threshold (3 groups, threshold 2) differ" "$T/out"
rm secrets/g.yaml
rule "$A"

# history: past blobs keep the recipients they had; not findings
run "$VEIL" check --history
check "check --history does not report the old recipients" sh -c "! grep -q sops-recipient '$T/out'"

finish
