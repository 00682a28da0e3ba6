#!/usr/bin/env bash
# sops mode (issue 12): veil linked as `sops` takes sops 3.13.2's command line.
# Every call helm-secrets 4.x makes, then the legacy and the subcommand form of
# every sops document command, each compared with the `veil` command that
# does the same work: one implementation, two command lines. Every format
# round-trips, files veil wrote with either cipher are read, and what sops
# mode writes is AES256_GCM (what sops reads), whatever the rules say.
. "$(dirname "$0")/common.bash"

"$VEIL" keygen -o key.txt 2>/dev/null || { echo "FAIL keygen"; exit 1; }
"$VEIL" keygen -o key2.txt 2>/dev/null || { echo "FAIL keygen"; exit 1; }
R=$(grep -o 'age1[0-9a-z]*' key.txt)
R2=$(grep -o 'age1[0-9a-z]*' key2.txt)
export SOPS_AGE_KEY_FILE="$T/key.txt"
unset SOPS_EDITOR EDITOR VEIL_EDITOR VEIL_AGE_RECIPIENTS SOPS_AGE_RECIPIENTS SOPS_CONFIG
mkdir -p bin run && chmod 700 run
export XDG_RUNTIME_DIR="$T/run"
ln -s "$VEIL" bin/sops
SOPS=$T/bin/sops
# veil's own extension in a rule (cipher:) must not leak into sops mode
printf 'creation_rules:\n  - age: %s\n    cipher: chacha20_poly1305\n' "$R" >.sops.yaml

cat >plain.yaml <<'EOF'
# the app's settings
app:
  name: demo
  password: hunter2 # veil:allow (test value)
  port: 5432
  ratio: 0.5
  on: true
list:
  - one
  - two
EOF

# dec FILE: veil's plaintext of FILE (the reference every form is held to)
dec() { "$VEIL" decrypt "$@"; }
aes_only() { grep -q 'ENC\[AES256_GCM' "$1" && ! grep -q 'CHACHA20' "$1"; }

# ---- the calls helm-secrets 4.x makes (scripts/lib/backends/sops.sh) ----
cp plain.yaml secrets.yaml
run "$SOPS" --encrypt --input-type yaml --output-type yaml --in-place secrets.yaml
expect_rc 0 "helm-secrets: encrypt in place"
check "  the file is encrypted" grep -q '^sops:' secrets.yaml
check "  with AES256_GCM although the rule says chacha (sops mode writes what sops reads)" aes_only secrets.yaml
check "  helm-secrets' own test for an encrypted file matches" grep -q 'mac.*,type:str]' secrets.yaml
check "  and its type detection says yaml" grep -xq 'sops:\s*' secrets.yaml
check "  it decrypts to the plaintext" test "$(dec secrets.yaml)" = "$(cat plain.yaml)"

run "$SOPS" --encrypt --input-type yaml --output-type yaml plain.yaml
expect_rc 0 "helm-secrets: encrypt to stdout"
cp "$T/out" values.enc.yaml
check "  decrypts to the plaintext" test "$(dec values.enc.yaml)" = "$(cat plain.yaml)"
check "  the file itself is unchanged" grep -q 'hunter2' plain.yaml

run "$SOPS" --encrypt --input-type yaml --output-type yaml --output out.enc.yaml plain.yaml
expect_rc 0 "helm-secrets: encrypt with --output"
check "  nothing on stdout" test ! -s "$T/out"
check "  --output decrypts to the plaintext" test "$(dec out.enc.yaml)" = "$(cat plain.yaml)"

run "$SOPS" --decrypt --input-type yaml --output-type yaml values.enc.yaml
expect_rc 0 "helm-secrets: decrypt to stdout"
check "  the same bytes as veil decrypt" test "$(cat "$T/out")" = "$(dec values.enc.yaml)"

cp values.enc.yaml v2.enc.yaml
run "$SOPS" --decrypt --input-type yaml --output-type yaml --in-place v2.enc.yaml
expect_rc 0 "helm-secrets: decrypt in place"
check "  the file is the plaintext" same plain.yaml v2.enc.yaml

run "$SOPS" --decrypt --input-type yaml --output-type yaml --output values.enc.yaml.dec values.enc.yaml
expect_rc 0 "helm-secrets: decrypt with --output"
check "  the output file is the plaintext" same plain.yaml values.enc.yaml.dec
check "  nothing on stdout" test ! -s "$T/out"

cp values.enc.yaml e.enc.yaml
EDITOR='sed -i s/hunter2/swordfish/' run "$SOPS" --input-type yaml --output-type yaml e.enc.yaml
expect_rc 0 "helm-secrets: edit (a bare FILE)"
check "  the change is saved" test "$(dec --extract '["app"]["password"]' e.enc.yaml)" = swordfish
check "  only that value's line changed (besides mac and lastmodified)" test \
	"$(diff values.enc.yaml e.enc.yaml | grep '^>' | grep -cvE '^> *(mac|lastmodified):')" -eq 1

printf '{"k": "v", "n": 1}\n' >lit.json
"$VEIL" encrypt --cipher aes256-gcm -r "$R" lit.json >lit.enc.json
run sh -c 'cat lit.enc.json | "$0" --decrypt --input-type json --output-type json /dev/stdin' "$SOPS"
expect_rc 0 "helm-secrets: decrypt a literal from /dev/stdin as json"
check "  the same bytes as veil decrypt" test "$(cat "$T/out")" = "$(dec lit.enc.json)"

# ---- every document command: legacy form, subcommand form, veil form ----
cp values.enc.yaml f.yaml
"$VEIL" decrypt f.yaml >want.yaml
for form in "-d" "--decrypt" "-decrypt" "decrypt"; do
	run "$SOPS" $form f.yaml
	check "decrypt: sops $form FILE = veil decrypt" rc0_same want.yaml "$T/out"
done
run "$SOPS" decrypt --extract '["app"]["port"]' f.yaml
check "decrypt --extract (subcommand) = veil's" test "$rc" -eq 0 -a "$(cat "$T/out")" = "$(dec --extract '["app"]["port"]' f.yaml)"
run "$SOPS" -d --extract '["list"][1]' f.yaml
check "-d --extract (legacy)" test "$rc" -eq 0 -a "$(cat "$T/out")" = two
run "$SOPS" decrypt f.yaml --output-type json
check "decrypt: flags after the file move before it (urfave)" test "$rc" -eq 0 -a "$(cat "$T/out")" = "$(dec --output-type json f.yaml)"

for form in "-e" "--encrypt" "encrypt"; do
	run "$SOPS" $form plain.yaml
	cp "$T/out" enc.yaml
	check "encrypt: sops $form FILE decrypts to the plaintext, AES" \
		sh -c "[ $rc -eq 0 ] && [ \"\$('$VEIL' decrypt enc.yaml)\" = \"\$(cat plain.yaml)\" ] && grep -q AES256_GCM enc.yaml"
	check "  same structure as veil encrypt --cipher aes256-gcm" test \
		"$(grep -c ENC enc.yaml)" -eq "$("$VEIL" encrypt --cipher aes256-gcm plain.yaml | grep -c ENC)"
done
run "$SOPS" encrypt --age "$R2" plain.yaml
cp "$T/out" enc2.yaml
check "encrypt --age R: that recipient, not the rule's" test "$rc" -eq 0 -a \
	"$(grep -c "recipient: $R2" enc2.yaml)" -eq 1 -a "$(grep -c "recipient: $R\$" enc2.yaml)" -eq 0
SOPS_AGE_RECIPIENTS=$R2 run "$SOPS" -e plain.yaml
check "SOPS_AGE_RECIPIENTS is --age's variable" grep -q "recipient: $R2" "$T/out"
run "$SOPS" -e --encrypted-regex '^password$' plain.yaml
check "encrypt --encrypted-regex (legacy)" test "$(grep -c '^  name: demo$' "$T/out")" -eq 1 -a \
	"$(grep -c '^ *encrypted_regex: \^password\$' "$T/out")" -eq 1
run "$SOPS" -e --unencrypted-comment-regex 'plain' plain.yaml
check "the top level has the comment-regex flags" grep -q 'unencrypted_comment_regex: plain' "$T/out"
run "$SOPS" encrypt --unencrypted-comment-regex 'plain' plain.yaml
expect_rc 1 "sops encrypt has no --unencrypted-comment-regex (as 3.13.2)"
run "$SOPS" --mac-only-encrypted encrypt --encrypted-regex '^password$' plain.yaml
check "--mac-only-encrypted is a top-level flag, also for encrypt" grep -q 'mac_only_encrypted: true' "$T/out"

for form in "-r" "--rotate" "rotate"; do
	run "$SOPS" $form f.yaml
	cp "$T/out" rot.yaml
	check "rotate: sops $form FILE: same plaintext" test "$rc" -eq 0 -a "$(dec rot.yaml)" = "$(cat want.yaml)"
	check "  under a new data key (every value's ciphertext changed)" test \
		"$(grep '^  name:' rot.yaml)" != "$(grep '^  name:' f.yaml)"
done
cp f.yaml r.yaml
run "$SOPS" rotate -i --add-age "$R2" r.yaml
check "rotate -i --add-age: the new recipient can decrypt" test "$rc" -eq 0 -a \
	"$(SOPS_AGE_KEY_FILE=$T/key2.txt "$VEIL" decrypt r.yaml)" = "$(cat want.yaml)"
run "$SOPS" -r -i --rm-age "$R2" r.yaml
check "-r -i --rm-age (legacy): it no longer can" sh -c \
	"[ $rc -eq 0 ] && ! SOPS_AGE_KEY_FILE='$T/key2.txt' '$VEIL' decrypt r.yaml >/dev/null 2>&1"
cp f.yaml r2.yaml
"$VEIL" rotate -i --add-age "$R2" r2.yaml
check "veil rotate --add-age does the same" test "$(grep -c 'recipient:' r2.yaml)" -eq 2

for form in "" "edit"; do
	cp f.yaml ed.yaml
	EDITOR='sed -i s/5432/6000/' run "$SOPS" $form ed.yaml
	check "edit: sops $form FILE saves the change" test "$rc" -eq 0 -a \
		"$(dec --extract '["app"]["port"]' ed.yaml)" = 6000
done
cp f.yaml ed.yaml
EDITOR=true run "$SOPS" edit ed.yaml
expect_rc 200 "edit with no change: 200"

cp f.yaml s1.yaml && cp f.yaml s2.yaml && cp f.yaml s3.yaml
run "$SOPS" --set '["app"]["name"] "other"' s1.yaml
expect_rc 0 "set: sops --set '[path] json' FILE"
run "$SOPS" set s2.yaml '["app"]["name"]' '"other"'
expect_rc 0 "set: sops set FILE PATH JSON"
"$VEIL" set s3.yaml '["app"]["name"]' '"other"'
check "both forms = veil set" test "$(dec s1.yaml)" = "$(dec s3.yaml)" -a "$(dec s2.yaml)" = "$(dec s3.yaml)"
printf '"from-file"' >val.json
run "$SOPS" set --value-file s2.yaml '["app"]["name"]' val.json
check "set --value-file FILE PATH VALUE-FILE" test "$rc" -eq 0 -a "$(dec --extract '["app"]["name"]' s2.yaml)" = from-file
printf '"from-stdin"' | "$SOPS" set --value-stdin s2.yaml '["app"]["name"]' 2>"$T/err"
check "set --value-stdin FILE PATH" test "$(dec --extract '["app"]["name"]' s2.yaml)" = from-stdin
run "$SOPS" set --idempotent s2.yaml '["app"]["name"]' '"from-stdin"'
expect_rc 0 "set --idempotent"
run "$SOPS" unset s2.yaml '["app"]["ratio"]'
check "unset FILE PATH" test "$rc" -eq 0 -a "$(dec s2.yaml | grep -c ratio)" -eq 0
run "$SOPS" unset s2.yaml '["app"]["ratio"]'
expect_rc 1 "unset of a missing key: sops's generic error"
run "$SOPS" unset --idempotent s2.yaml '["app"]["ratio"]'
expect_rc 0 "unset --idempotent of a missing key"

run "$SOPS" filestatus f.yaml
check "filestatus = veil filestatus" test "$rc" -eq 0 -a "$(cat "$T/out")" = "$("$VEIL" filestatus f.yaml)"
run "$SOPS" filestatus plain.yaml
check "filestatus of a plain file" test "$(cat "$T/out")" = '{"encrypted":false}'

printf 'DB_USER: admin\nPORT: 5432\n' >envp.yaml
"$VEIL" encrypt --cipher aes256-gcm envp.yaml >envs.yaml
run "$SOPS" exec-env envs.yaml 'echo "$DB_USER:$PORT"'
check "exec-env = veil exec-env" test "$rc" -eq 0 -a "$(cat "$T/out")" = "$("$VEIL" exec-env envs.yaml 'echo "$DB_USER:$PORT"')"
run "$SOPS" exec-env --pristine envs.yaml 'echo "${HOME-none}:$DB_USER"'
check "exec-env --pristine" test "$(cat "$T/out")" = none:admin
run "$SOPS" exec-env envs.yaml 'exit 9'
expect_rc 9 "exec-env passes the command's status through"
run "$SOPS" exec-file envs.yaml 'cat {}'
check "exec-file = veil exec-file" test "$rc" -eq 0 -a "$(cat "$T/out")" = "$(dec envs.yaml)"
run "$SOPS" exec-file --no-fifo --filename x.yaml --output-type json envs.yaml 'basename {}; cat {}'
check "exec-file --no-fifo --filename --output-type" test "$(head -1 "$T/out")" = x.yaml -a \
	"$(grep -c '"DB_USER": "admin"' "$T/out")" -eq 1
run "$SOPS" exec-env --background envs.yaml 'true'
expect_rc 1 "exec-env --background (deprecated in sops) is refused"

# ---- every format, and files veil wrote with either cipher ----
printf '{"a": {"b": "x"}, "n": 2}\n' >p.json
printf 'A=1\nB=two\n' >p.env
printf '[s]\nk = v\n' >p.ini
head -c 300 /dev/urandom | base64 >p.bin
for f in p.yaml p.json p.env p.ini p.bin; do
	[ "$f" = p.yaml ] && cp plain.yaml p.yaml
	run "$SOPS" -e "$f"
	cp "$T/out" "enc.$f"
	check "$f: sops -e writes AES256_GCM" aes_only "enc.$f"
	run "$SOPS" -d "enc.$f"
	check "$f: sops -d gives it back" rc0_same "$f" "$T/out"
	for c in aes256-gcm chacha20-poly1305; do
		"$VEIL" encrypt --cipher "$c" -r "$R" "$f" >"v.$c.$f"
		run "$SOPS" decrypt "v.$c.$f"
		check "$f: sops decrypt reads veil's $c file" rc0_same "$f" "$T/out"
	done
done
run "$SOPS" -d --output-type json enc.p.yaml
check "decrypt --output-type json converts" test "$rc" -eq 0 -a "$(grep -c '"port": 5432' "$T/out")" -eq 1
run "$SOPS" -e --output-type json p.env
cp "$T/out" conv.json
check "encrypt --output-type json converts (dotenv -> json)" sh -c \
	"[ $rc -eq 0 ] && grep -q '\"A\": \"ENC' conv.json && [ \"\$('$VEIL' decrypt conv.json | tr -d ' \t\n')\" = '{\"A\":\"1\",\"B\":\"two\"}' ]"
"$VEIL" encrypt --cipher aes256-gcm --output-type json p.env >conv2.json
check "veil encrypt --output-type json does the same" test "$(dec conv2.json)" = "$(dec conv.json)"

# ---- stdin as sops takes it: no FILE (decrypt, encrypt with
# --filename-override), /dev/stdin; "-" is a file named "-" ----
run sh -c '"$0" decrypt --input-type yaml <f.yaml' "$SOPS"
check "decrypt with no FILE reads stdin" rc0_same want.yaml "$T/out"
run sh -c '"$0" encrypt --filename-override x.yaml <plain.yaml' "$SOPS"
cp "$T/out" stdin.enc.yaml
check "encrypt with no FILE and --filename-override reads stdin (format from the name)" \
	test "$rc" -eq 0 -a "$(dec stdin.enc.yaml)" = "$(cat plain.yaml)"
run sh -c '"$0" encrypt <plain.yaml' "$SOPS"
expect_rc 8 "encrypt from stdin without --filename-override: 8"
run "$SOPS" decrypt -
expect_rc 100 "'-' is a file named '-' (absent: 100), not stdin"
cp f.yaml ./-
run "$SOPS" decrypt --input-type yaml -- -
check "a file named '-' after --" test "$rc" -eq 0 -a "$(cat "$T/out")" = "$(cat want.yaml)"
rm -f ./-
finish
