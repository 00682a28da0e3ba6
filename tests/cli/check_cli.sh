#!/usr/bin/env bash
# veil check on paths: exit codes, output formats (JSON and SARIF parsed with
# jq or node when present), directory walking, .sops.yaml rules, pasted
# plaintext, MAC verification, allowlists (inline and .veilignore, the entry
# from --print-ignore), kustomize file references and the Flux warning.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

# Fake tokens are assembled at run time so this script holds none itself.
AKID="AK""IAQ3EGT5IZJ2K7VNW4"
PW="Xk9#mQ2v""Lp7w"

mkdir -p repo/.git repo/app repo/secrets repo/clusters/prod repo/other
cd repo || exit 1
printf 'name: app\nreplicas: 2\n' >app/values.yaml
run "$VEIL" check
[ "$rc" = 0 ] && [ ! -s "$T/out" ] && ok "clean tree: exit 0, no output" || fail "clean tree (exit $rc)"

run "$VEIL" check --format nope
[ "$rc" = 2 ] && ok "unknown --format: exit 2" || fail "unknown --format: exit $rc"
run "$VEIL" check no-such-file
[ "$rc" = 2 ] && ok "missing path: exit 2" || fail "missing path: exit $rc"

printf 'AWS_ACCESS_KEY_ID=%s\n' "$AKID" >app/.env
printf 'AWS_ACCESS_KEY_ID=%s\n' "$AKID" >.git/config-copy
run "$VEIL" check
[ "$rc" = 1 ] && grep -q '^app/.env:1:19 aws-access-key-id' "$T/out" &&
	ok "finding: exit 1, path:line:col rule" || fail "finding (exit $rc): $(cat "$T/out")"
grep -q "$AKID" "$T/out" "$T/err" && fail "the secret is printed" || ok "the secret is masked"
grep -q 'fix: veil encrypt -i app/.env' "$T/out" && ok "fix command shown" || fail "no fix command"
grep -q '\.git/' "$T/out" && fail ".git was scanned" || ok ".git is skipped"
(cd app && run "$VEIL" check .env)
grep -q '^app/.env:' "$T/out" && ok "paths are relative to the work tree root" ||
	fail "path not root-relative: $(cat "$T/out")"

# JSON and SARIF must parse
run "$VEIL" check --format json
cp "$T/out" out.json
run "$VEIL" check --format sarif
cp "$T/out" out.sarif
if command -v jq >/dev/null; then
	jq -e '.findings[0].rule == "aws-access-key-id" and .errors == 1' out.json >/dev/null &&
		ok "json parses (jq)" || fail "json: $(cat out.json)"
	jq -e '.version == "2.1.0" and (.runs[0].results | length) == 1 and
		.runs[0].results[0].locations[0].physicalLocation.region.startLine == 1 and
		.runs[0].tool.driver.rules[.runs[0].results[0].ruleIndex].id == .runs[0].results[0].ruleId' \
		out.sarif >/dev/null && ok "sarif parses, result points at its rule (jq)" ||
		fail "sarif: $(cat out.sarif)"
elif command -v node >/dev/null; then
	node -e 'const fs=require("fs");const j=JSON.parse(fs.readFileSync("out.json"));
		const s=JSON.parse(fs.readFileSync("out.sarif"));
		if (j.findings[0].rule!=="aws-access-key-id"||s.version!=="2.1.0"||
		    s.runs[0].results.length!==1) process.exit(1)' &&
		ok "json and sarif parse (node)" || fail "json/sarif do not parse"
else
	echo "skip: neither jq nor node to parse JSON/SARIF"
fi

# allowlists
printf 'AWS_ACCESS_KEY_ID=%s # veil:allow\n' "$AKID" >app/.env
run "$VEIL" check
[ "$rc" = 0 ] && ok "inline veil:allow" || fail "inline veil:allow: exit $rc"
printf 'AWS_ACCESS_KEY_ID=%s\n' "$AKID" >app/.env
"$VEIL" check --print-ignore >.veilignore
grep -qE '^app/.env aws-access-key-id [0-9a-f]{64}$' .veilignore && ok "--print-ignore entry" ||
	fail "--print-ignore: $(cat .veilignore)"
run "$VEIL" check
[ "$rc" = 0 ] && ok ".veilignore entry (path rule sha256) applies" || fail ".veilignore: exit $rc"
printf '\n\n# moved down\nAWS_ACCESS_KEY_ID=%s\n' "$AKID" >app/.env
run "$VEIL" check
[ "$rc" = 0 ] && ok ".veilignore survives line moves" || fail ".veilignore after a move: exit $rc"
cp app/.env other/.env
run "$VEIL" check
[ "$rc" = 1 ] && grep -q '^other/.env' "$T/out" && ok ".veilignore is per path" ||
	fail ".veilignore per path: exit $rc"
run "$VEIL" check --no-ignore app
[ "$rc" = 1 ] && ok "--no-ignore reports allowlisted findings" || fail "--no-ignore: exit $rc"
rm -f other/.env .veilignore app/.env

# .sops.yaml rules
"$VEIL" keygen -o ../key.txt 2>/dev/null
R=$(sed -n 2p ../key.txt | cut -d' ' -f4)
printf 'creation_rules:\n  - path_regex: ^secrets/\n    age: %s\n' "$R" >.sops.yaml
printf 'db:\n  user: app\n' >secrets/plain.yaml
printf '\0\1binary\2' >secrets/blob.bin
run "$VEIL" check
grep -q '^secrets/plain.yaml:1:1 sops-unencrypted' "$T/out" && ok "rule-matched plaintext YAML" ||
	fail "rule-matched YAML: $(cat "$T/out")"
grep -q '^secrets/blob.bin:1:1 sops-unencrypted' "$T/out" && ok "rule-matched plaintext binary" ||
	fail "rule-matched binary: $(cat "$T/out")"
"$VEIL" encrypt -i secrets/plain.yaml 2>"$T/err" || fail "encrypt: $(cat "$T/err")"
"$VEIL" encrypt -i secrets/blob.bin 2>"$T/err" || fail "encrypt binary: $(cat "$T/err")"
run "$VEIL" check
[ "$rc" = 0 ] && ok "encrypted files pass" || fail "encrypted files: exit $rc $(cat "$T/out")"
# a plaintext value pasted into the encrypted file
sed -i "s/^db:\$/db:\n  password: $PW/" secrets/plain.yaml
run "$VEIL" check
grep -q '^secrets/plain.yaml:2:13 sops-plaintext-value' "$T/out" && ok "pasted plaintext value" ||
	fail "pasted plaintext: $(cat "$T/out")"
# its fix hint is what works (veil encrypt -i refuses the file, exit 203):
# take the line out, put the value back with veil set
grep -q "fix: take the plaintext out (git restore --staged --worktree secrets/plain.yaml, or delete the line), rotate the secret, then set it encrypted: veil set --value-stdin secrets/plain.yaml '\\[\"db\"\\]\\[\"password\"\\]'" "$T/out" &&
	ok "the hint names veil set and the value's path" || fail "hint: $(cat "$T/out")"
run "$VEIL" encrypt -i secrets/plain.yaml
[ "$rc" = 203 ] && ok "veil encrypt -i is no fix (exit 203)" || fail "encrypt -i: exit $rc"
sed -i '/^  password: /d' secrets/plain.yaml
SOPS_AGE_KEY_FILE=$PWD/../key.txt run "$VEIL" set --value-stdin secrets/plain.yaml '["db"]["password"]' <<<"\"$PW\""
expect_rc 0 "veil set --value-stdin, as the hint says"
run "$VEIL" check
[ "$rc" = 0 ] && ok "after the hint the file passes" || fail "after the hint: exit $rc $(cat "$T/out")"
# the file's own metadata declares a value unencrypted, its .sops.yaml rule
# encrypts it (issue 11): refused, and its hint (re-encrypt under the rule)
# works; for each way the metadata can say so
for sel in "--unencrypted-regex ^password\$" "--encrypted-regex ^nothing\$" "--unencrypted-suffix word"; do
	printf 'user: app\npassword: %s\n' "$PW" >secrets/self.yaml
	# shellcheck disable=SC2086
	"$VEIL" encrypt $sel -i secrets/self.yaml 2>"$T/err" || fail "encrypt $sel: $(cat "$T/err")"
	run "$VEIL" check
	grep -q "^secrets/self.yaml:2:11 sops-plaintext-value: plaintext value password in an encrypted file: its .sops.yaml rule (path_regex ^secrets/) encrypts it" "$T/out" &&
		grep -q "fix: re-encrypt under the .sops.yaml rule: veil decrypt -i secrets/self.yaml && veil encrypt -i secrets/self.yaml" "$T/out" &&
		ok "metadata self-declaration ($sel) refused" || fail "self-declared ($sel): $(cat "$T/out")"
	SOPS_AGE_KEY_FILE=$PWD/../key.txt "$VEIL" decrypt -i secrets/self.yaml &&
		"$VEIL" encrypt -i secrets/self.yaml || fail "the hint's commands failed"
	run "$VEIL" check
	[ "$rc" = 0 ] && ok "re-encrypted under the rule, it passes" || fail "after the hint: $(cat "$T/out")"
done
rm -f secrets/self.yaml
# MAC: an edited unencrypted value is caught only with the identity
printf 'user_unencrypted: app\npassword: %s\n' "$PW" >secrets/mac.yaml
"$VEIL" encrypt -i secrets/mac.yaml 2>"$T/err" || fail "encrypt: $(cat "$T/err")"
sed -i 's/^user_unencrypted: app$/user_unencrypted: root/' secrets/mac.yaml
run "$VEIL" check
[ "$rc" = 0 ] && ok "without an identity the MAC is not checked" || fail "no identity: exit $rc"
run "$VEIL" check --identity ../key.txt
grep -q '^secrets/mac.yaml:1:1 sops-mac-mismatch' "$T/out" && ok "MAC mismatch with --identity" ||
	fail "MAC mismatch: $(cat "$T/out")"
SOPS_AGE_KEY_FILE=$PWD/../key.txt run "$VEIL" check
grep -q 'sops-mac-mismatch' "$T/out" && ok "MAC checked with the default identity lookup" ||
	fail "default identity: $(cat "$T/out")"
rm -f secrets/mac.yaml

# kustomize secretGenerator files, Flux and ChaCha
printf 'PASSWORD=%s\n' "$PW" >clusters/prod/app.env
cat >clusters/prod/kustomization.yaml <<'K'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
secretGenerator:
  - name: app
    envs: [app.env]
K
run "$VEIL" check clusters
grep -q '^clusters/prod/kustomization.yaml:5:12 kustomize-secret-file' "$T/out" &&
	ok "secretGenerator reading a plaintext file" || fail "secretGenerator file: $(cat "$T/out")"
"$VEIL" encrypt --cipher chacha20-poly1305 -r "$R" -i clusters/prod/app.env
run "$VEIL" check clusters
[ "$rc" = 0 ] && ok "secretGenerator reading an encrypted file" ||
	fail "encrypted generator file: $(cat "$T/out")"
cat >clusters/flux.yaml <<'K'
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: prod, namespace: flux-system}
spec:
  path: ./clusters/prod
  decryption: {provider: sops}
K
run "$VEIL" check
[ "$rc" = 0 ] && grep -q '^clusters/prod/app.env:1:1 flux-chacha20 (warning)' "$T/out" &&
	ok "Flux + CHACHA20_POLY1305: a warning, exit 0" || fail "flux warning (exit $rc): $(cat "$T/out")"
SOPS_AGE_KEY_FILE=$PWD/../key.txt "$VEIL" decrypt -i clusters/prod/app.env && "$VEIL" encrypt --cipher aes256-gcm -r "$R" -i clusters/prod/app.env
run "$VEIL" check
grep -q flux-chacha20 "$T/out" && fail "AES256_GCM still warned" || ok "Flux + AES256_GCM: no warning"

finish
