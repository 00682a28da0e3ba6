#!/usr/bin/env bash
# sops mode's command line itself: urfave/cli's parsing rules, sops's exit
# codes, the version line tools parse, what veil refuses (key services it
# does not have) and how, shell completion, and the calls other wrappers
# (ansible's community.sops) make.
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
printf 'creation_rules:\n  - path_regex: \\.(yaml|json|env)$\n    age: %s\n' "$R" >.sops.yaml
printf 'a: 1\nb: secret\n' >p.yaml
"$SOPS" -e p.yaml >s.yaml || { echo "FAIL encrypt"; exit 1; }

# ---- the version line ----
run "$SOPS" --version
check "sops --version: 'sops 3.13.2 (veil ...)'" grep -qxE 'sops 3\.13\.2 \(veil [0-9.]+\)' "$T/out"
check "  awk '{print \$2}' gives the version" test "$(awk '{print $2}' "$T/out")" = 3.13.2
check "  ansible's community.sops regex matches" grep -qE '^sops ([0-9]+)\.([0-9]+)\.([0-9]+)' "$T/out"
run "$SOPS" --version --disable-version-check
check "--version --disable-version-check (what ansible runs)" test "$rc" -eq 0 -a "$(awk '{print $2}' "$T/out")" = 3.13.2
run "$SOPS" -v
check "-v" test "$rc" -eq 0 -a "$(awk '{print $2}' "$T/out")" = 3.13.2
run "$VEIL" sops --version
check "veil sops --version" test "$(awk '{print $2}' "$T/out")" = 3.13.2

# ---- urfave/cli v1 and Go flag parsing ----
run "$SOPS" -decrypt s.yaml
check "-decrypt (one dash, long name)" test "$rc" -eq 0 -a "$(cat "$T/out")" = "$(cat p.yaml)"
run "$SOPS" --d s.yaml
check "--d (two dashes, short name)" test "$rc" -eq 0
run "$SOPS" -d=true --output=o1.yaml s.yaml
check "-d=true --output=FILE" test "$rc" -eq 0 -a "$(cat o1.yaml)" = "$(cat p.yaml)"
run "$SOPS" -d=false -e p.yaml
check "-d=false turns it off" grep -q '^sops:' "$T/out"
run "$SOPS" -di s.yaml
expect_rc 1 "no clustering of short flags (-di is an unknown flag)"
err_has "flag provided but not defined: -di" "  said as Go's flag package says it"
run "$SOPS" --no-such-flag s.yaml
expect_rc 1 "an unknown flag: exit 1"
run "$SOPS" decrypt --output
expect_rc 1 "a flag without its value: exit 1"
err_has "flag needs an argument" "  said so"
run "$SOPS" --indent x -d s.yaml
expect_rc 1 "an int flag with a bad value: exit 1"
run "$SOPS" ---d s.yaml
expect_rc 1 "bad flag syntax (---d)"
EDITOR=true run "$SOPS" s.yaml -d
expect_rc 200 "top level: flags after the file are ignored (sops edits, here unchanged: 200)"
err_has "looks like a flag" "  with sops's warning about it"
run "$SOPS" decrypt s.yaml --output-type json --extract '["b"]'
check "a command's flags after the file are moved before it" test "$rc" -eq 0 -a "$(cat "$T/out")" = secret
run "$SOPS" decrypt -- --weird
expect_rc 100 "'--' ends the flags (a file named --weird, absent: 100)"
run "$SOPS" -e -d s.yaml
check "-e -d: the last command wins, with a warning" test "$rc" -eq 0 -a "$(cat "$T/out")" = "$(cat p.yaml)"
err_has "more than one command" "  the warning"
run "$SOPS" decrypt s.yaml p.yaml
check "decrypt with two files: the first, with a warning" test "$rc" -eq 0 -a "$(cat "$T/out")" = "$(cat p.yaml)"
err_has "only the first one" "  the warning"

# ---- sops's exit codes ----
run "$SOPS"
expect_rc 100 "no file: 100"
run "$SOPS" -d absent.yaml
expect_rc 100 "a file that does not exist: 100"
run "$SOPS" decrypt absent.yaml
expect_rc 100 "  (subcommand too)"
run "$SOPS" -d -i --output x.yaml s.yaml
expect_rc 8 "--in-place with --output: 8"
run sh -c '"$0" decrypt -i <s.yaml' "$SOPS"
expect_rc 8 "decrypt -i from stdin: 8"
run "$SOPS" set s.yaml 'a' '1'
expect_rc 7 "set with a bad path: 7"
run "$SOPS" set s.yaml '["a"]' 'not json'
expect_rc 7 "set with a value that is not JSON: 7"
run "$SOPS" --set 'noformat' s.yaml
expect_rc 7 "--set without '] ': 7"
run "$SOPS" set s.yaml '["a"]'
expect_rc 100 "set without its value: 100"
run "$SOPS" -d --extract 'a]' s.yaml
expect_rc 91 "--extract that does not parse: 91"
run "$SOPS" -d --extract '["zz"]' s.yaml
expect_rc 1 "--extract of a path that is not there: sops's generic 1"
run "$SOPS" -r --add-age "$R2" absent.yaml
expect_rc 49 "--add-age on a file that does not exist: 49"
run "$SOPS" -d --decryption-order age,age s.yaml
expect_rc 112 "a key type twice in --decryption-order: 112"
run "$SOPS" -d --decryption-order age,pgp s.yaml
expect_rc 0 "--decryption-order age,pgp is fine"
run "$SOPS" -e s.yaml
expect_rc 203 "encrypting an encrypted file: 203"
EDITOR=true run "$SOPS" s.yaml
expect_rc 200 "edit without a change: 200"
EDITOR=false run "$SOPS" s.yaml
expect_rc 201 "an editor that fails: 201"
SOPS_AGE_KEY_FILE=$T/key2.txt run "$SOPS" -d s.yaml
expect_rc 128 "no key opens the data key: 128"
sed 's/^\( *mac: ENC\[AES256_GCM,data:\)./\1A/' s.yaml >m.yaml
cmp -s s.yaml m.yaml && sed -i 's/^\( *mac: ENC\[AES256_GCM,data:\)A/\1B/' m.yaml
run "$SOPS" -d m.yaml
expect_rc 51 "a MAC that does not match: 51"
run "$SOPS" -d --ignore-mac m.yaml
expect_rc 0 "--ignore-mac"
run "$SOPS" -e --config absent.sops.yaml p.yaml
expect_rc 61 "--config naming no file: 61"
SOPS_CONFIG=$T/absent.sops.yaml run "$SOPS" -e p.yaml
expect_rc 61 "SOPS_CONFIG naming no file: 61"
mkdir -p norule && printf 'x: 1\n' >norule/p.txt
(cd norule && printf 'creation_rules: []\n' >.sops.yaml)
run "$SOPS" -e norule/p.txt
expect_rc 1 "a config without a matching rule: sops's 1"
mkdir -p /tmp/veil-nocfg-$$ && printf 'x: 1\n' >/tmp/veil-nocfg-$$/p.yaml
if [ ! -e /tmp/.sops.yaml ] && [ ! -e /tmp/.sops.yml ] && [ ! -e /.sops.yaml ]; then
	run "$SOPS" -e /tmp/veil-nocfg-$$/p.yaml
	expect_rc 111 "no config and no --age: 111 (no encryption key)"
fi
rm -rf /tmp/veil-nocfg-$$
printf 'a: [\n' >bad.yaml
run "$SOPS" -e bad.yaml
expect_rc 2 "a plaintext that does not parse: sops's 2 (could not read the input)"
printf 'a: 1\nsops:\n    version: 3.13.2\n    age: []\n' >nomac.yaml
run "$SOPS" -d nomac.yaml
expect_rc 52 "a sops block without its mac: 52 (MacNotFound)"
run "$VEIL" decrypt p.yaml
expect_rc 12 "no sops block at all: veil's 12 (not encrypted)"

# ---- key services veil does not have: refused, naming them ----
for flag in "--kms arn:aws:kms:x" "-k arn:aws:kms:x" "--pgp 85D77543B3D624B63CEA9E6DBC17301B491B3F21" "-p 85D7" \
	"--gcp-kms projects/x" "--azure-kv https://v.vault.azure.net/keys/k/1" \
	"--hc-vault-transit https://v:8200/v1/transit/keys/k" "--hckms region:uuid"; do
	# shellcheck disable=SC2086 # flag and value, two words
	run "$SOPS" -e $flag p.yaml
	check "encrypt $flag: refused (1), nothing written" test "$rc" -eq 1 -a ! -s "$T/out"
	err_has "veil has no .* support" "  the message names what is missing"
done
for v in SOPS_KMS_ARN SOPS_PGP_FP SOPS_GCP_KMS_IDS SOPS_AZURE_KEYVAULT_URLS SOPS_VAULT_URIS \
	SOPS_HUAWEICLOUD_KMS_IDS; do
	env "$v=x" "$SOPS" -e p.yaml >"$T/out" 2>"$T/err"
	rc=$?
	check "$v set while encrypting: refused" test "$rc" -eq 1 -a ! -s "$T/out"
	err_has "$v is set" "  naming the variable"
	env "$v=x" "$SOPS" -d s.yaml >"$T/out" 2>"$T/err"
	check "$v set while decrypting: no effect, as in sops" test "$?" -eq 0
done
run "$SOPS" -r --add-kms arn:x s.yaml
expect_rc 1 "rotate --add-kms: refused"
run "$SOPS" rotate --rm-pgp FP s.yaml
expect_rc 1 "rotate --rm-pgp: refused"
run "$SOPS" -d --keyservice tcp://localhost:5000 s.yaml
expect_rc 1 "--keyservice: refused"
SOPS_KEYSERVICE=tcp://x:1 run "$SOPS" -d s.yaml
expect_rc 1 "SOPS_KEYSERVICE: refused"
run "$SOPS" -d --enable-local-keyservice=false s.yaml
expect_rc 1 "--enable-local-keyservice=false: refused (no key left)"
run "$SOPS" -d --enable-local-keyservice s.yaml
expect_rc 0 "--enable-local-keyservice (true) is fine"
run "$SOPS" keyservice
expect_rc 1 "sops keyservice: refused"
run "$SOPS" publish s.yaml
expect_rc 1 "sops publish: refused"
check "  saying why" grep -q 'not supported' "$T/err"
run "$SOPS" -d --aws-profile dev --encryption-context a:b --verbose s.yaml
expect_rc 0 "modifiers of key services veil lacks change nothing for age files"

# ---- the rest of the flags ----
EDITOR=true run "$SOPS" -s s.yaml
expect_rc 1 "-s/--show-master-keys: refused (veil does not open the metadata in the editor)"
err_has "show-master-keys" "  naming it"
run "$SOPS" --version --check-for-updates
check "--check-for-updates: the version, no network" test "$rc" -eq 0 -a "$(awk '{print $2}' "$T/out")" = 3.13.2
run "$SOPS" -e --shamir-secret-sharing-threshold 1 p.yaml
expect_rc 0 "--shamir-secret-sharing-threshold (one group: no effect)"
run sh -c '"$0" decrypt --filename-override x.yaml <s.yaml' "$SOPS"
check "decrypt --filename-override: the format from that name (stdin)" test "$rc" -eq 0 -a "$(cat "$T/out")" = "$(cat p.yaml)"
run "$SOPS" rotate --output-type json s.yaml
check "rotate --output-type json" test "$rc" -eq 0 -a "$(grep -c '"sops": {' "$T/out")" -eq 1
run "$SOPS" filestatus --input-type yaml s.yaml
check "filestatus --input-type" test "$(cat "$T/out")" = '{"encrypted":true}'
run "$SOPS" exec-env --user no-such-user-veil s.yaml 'echo ran'
check "exec-env --user: an unknown user fails before anything runs" test "$rc" -ne 0 -a ! -s "$T/out"
run "$SOPS" set --shamir-secret-sharing-threshold 2 --ignore-mac s.yaml '["a"]' 1
expect_rc 0 "set --shamir-secret-sharing-threshold --ignore-mac: accepted"
run "$SOPS" keyservice --network unix --address /tmp/x --prompt
expect_rc 1 "keyservice with its flags: refused"
run "$SOPS" publish --yes --recursive --omit-extensions s.yaml
expect_rc 1 "publish with its flags: refused"
run "$SOPS" groups add --file s.yaml --age "$R2" --shamir-secret-sharing-threshold 2
check "groups add --shamir-secret-sharing-threshold 2" test "$rc" -eq 0 -a \
	"$(grep -c 'shamir_threshold: 2' "$T/out")" -eq 1
run "$SOPS" groups add --file s.yaml --age "$R2" --shamir-secret-sharing-threshold 1
expect_rc 1 "a threshold of 1 is refused (Shamir needs 2 or more, as in sops)"

# ---- what ansible's community.sops runs ----
run sh -c 'cat s.yaml | "$0" --config .sops.yaml decrypt --input-type yaml --output-type yaml --extract "[\"b\"]" /dev/stdin' "$SOPS"
check "community.sops decrypt: --config first, then decrypt ... /dev/stdin" test "$rc" -eq 0 -a "$(cat "$T/out")" = secret
run sh -c 'cat p.yaml | "$0" encrypt --age "$1" --input-type yaml --output-type yaml --filename-override x.yaml /dev/stdin' "$SOPS" "$R2"
cp "$T/out" ans.yaml
check "community.sops encrypt: --age, --filename-override, /dev/stdin" test "$rc" -eq 0 -a \
	"$(SOPS_AGE_KEY_FILE=$T/key2.txt "$VEIL" decrypt ans.yaml)" = "$(cat p.yaml)"

# ---- completion ----
run "$SOPS" completion bash
check "completion bash prints a bash script for sops" grep -q 'complete -o bashdefault .* sops$' "$T/out"
check "  which bash reads" bash -n "$T/out"
run "$SOPS" completion zsh
check "completion zsh prints a zsh script" grep -q '^compdef .* sops$' "$T/out"
run "$SOPS" --generate-bash-completion
check "the script's question: the commands" grep -qx decrypt "$T/out"
run "$SOPS" decrypt --ou --generate-bash-completion
check "  and a command's flags" grep -qx -- --output-type "$T/out"
run "$SOPS" groups --generate-bash-completion
check "  and a parent's subcommands" test "$(grep -cxE 'add|delete' "$T/out")" -eq 2

# ---- updatekeys on several files; groups ----
cp s.yaml u1.yaml && cp s.yaml u2.yaml
printf 'creation_rules:\n  - age: %s,%s\n' "$R" "$R2" >upd.sops.yaml
run "$SOPS" --config upd.sops.yaml updatekeys -y u1.yaml u2.yaml
expect_rc 0 "updatekeys -y on two files"
check "  both now open with the second key" test \
	"$(SOPS_AGE_KEY_FILE=$T/key2.txt "$VEIL" decrypt u1.yaml; SOPS_AGE_KEY_FILE=$T/key2.txt "$VEIL" decrypt u2.yaml)" = "$(cat p.yaml p.yaml)"
cp s.yaml u3.yaml
run "$SOPS" --config upd.sops.yaml updatekeys u3.yaml </dev/null
expect_rc 1 "updatekeys without -y and without an answer fails (not 0)"
check "  and changes nothing" same s.yaml u3.yaml
run sh -c 'echo n | "$0" --config upd.sops.yaml updatekeys u3.yaml' "$SOPS"
check "answered n: exit 0, nothing changed" test "$rc" -eq 0 && same s.yaml u3.yaml
run sh -c 'echo y | "$0" --config upd.sops.yaml updatekeys u3.yaml' "$SOPS"
check "answered y on stdin: applied" test "$rc" -eq 0 -a "$(grep -c 'recipient:' u3.yaml)" -eq 2
run "$SOPS" --config upd.sops.yaml updatekeys -y u1.yaml absent.yaml
expect_rc 1 "updatekeys: one of several fails: 1 after trying all"
run "$VEIL" updatekeys --config upd.sops.yaml u3.yaml </dev/null
expect_rc 0 "veil updatekeys: already up to date is 0"
cp s.yaml g.yaml
run "$SOPS" groups add --file g.yaml --age "$R2" -i
expect_rc 0 "groups add --file F --age R -i"
check "  two key groups now" grep -q '^  key_groups:$\|^    key_groups:$' g.yaml
# sops's threshold for new groups is all of them: both keys are needed now
cat key.txt key2.txt >both.txt
SOPS_AGE_KEY_FILE=$T/both.txt run "$VEIL" decrypt g.yaml
check "  the data key is the same: both keys decrypt it" test "$rc" -eq 0 -a "$(cat "$T/out")" = "$(cat p.yaml)"
run "$VEIL" decrypt g.yaml
expect_rc 128 "  one key alone no longer does (threshold: every group)"
export SOPS_AGE_KEY_FILE=$T/both.txt
run "$SOPS" groups delete --file g.yaml -i 1
expect_rc 0 "groups delete --file F -i INDEX"
check "  back to one group: key 2 no longer opens it" sh -c "! SOPS_AGE_KEY_FILE='$T/key2.txt' '$VEIL' decrypt g.yaml >/dev/null 2>&1"
export SOPS_AGE_KEY_FILE=$T/key.txt
run "$SOPS" groups delete --file g.yaml x
expect_rc 1 "groups delete with an index that is not a number"
run "$SOPS" groups add --file g.yaml --pgp FP
expect_rc 1 "groups add --pgp: refused"
run "$SOPS" groups add --file g.yaml --age "$R2"
check "groups add without -i writes to stdout" test "$rc" -eq 0 -a "$(grep -c recipient: "$T/out")" -eq 2 && same s.yaml g.yaml
finish
