#!/usr/bin/env bash
# Re-keying a repository: veil updatekeys -r over 200 encrypted files after
# a teammate left the .sops.yaml rule and another joined. One combined plan
# (per file, then who gains and who loses access), one question; every file
# re-keyed (each decrypts with the new key, none with the removed one); a
# file made unwritable between the plan and the answer (its path replaced
# by a directory, which stops root as well) stays as it was and is
# reported, the others are done (--keep-going); a write that fails (a file
# size limit, which binds root too) leaves that file as it was and, without
# --keep-going, every file after it untouched. veil rotate -r the same way.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

for who in alice bob carol; do
	"$VEIL" keygen -o "$T/$who.txt" 2>/dev/null
done
A=$("$VEIL" keygen -y "$T/alice.txt")
B=$("$VEIL" keygen -y "$T/bob.txt")
C=$("$VEIL" keygen -y "$T/carol.txt")
export SOPS_AGE_KEY_FILE=$T/alice.txt

mkdir repo && cd repo || exit 1
printf 'creation_rules:\n  - path_regex: ^(d|src)\n    age: %s,%s\n' "$A" "$B" >.sops.yaml
# ten distinct files, each copied to twenty places: 200 files
mkdir -p src
for i in $(seq 0 9); do
	printf 'db:\n  user: app%s\n  value: v-%s\n' "$i" "$i" >src/s$i.yaml
	"$VEIL" encrypt -i src/s$i.yaml 2>"$T/err" || fail "encrypt: $(cat "$T/err")"
done
for d in $(seq -w 0 19); do
	mkdir -p d$d
	for i in $(seq 0 9); do cp src/s$i.yaml d$d/s$i.yaml; done
done
rm -r src
printf '# not a secret\n' >d00/README.md
snapshot() { find d* -type f -name '*.yaml' | sort | xargs sha256sum >"$1"; }
snapshot "$T/before"
check "200 encrypted files" test "$(wc -l <"$T/before")" -eq 200

# bob leaves, carol joins
printf 'creation_rules:\n  - path_regex: ^d\n    age: %s,%s\n' "$A" "$C" >.sops.yaml

run "$VEIL" updatekeys -r . </dev/null
expect_rc 1 "no answer (no terminal, no -y): fails"
snapshot "$T/after"
check "  and changes nothing" same "$T/before" "$T/after"
check "  the plan names every file once" test "$(grep -c '^d[0-9]*/s[0-9].yaml: key changes:$' "$T/out")" -eq 200
check "  one question" test "$(grep -o 'Is this okay?' "$T/out" | wc -l)" -eq 1
check "  the totals: who gains, who loses" sh -c "
	grep -qx 'plan: 200 files to change, 0 already up to date' '$T/out' &&
	grep -qx '  + $C gains access to 200 files' '$T/out' &&
	grep -qx '  - $B loses access to 200 files' '$T/out'"
check "  plain files are passed over" sh -c "! grep -q README '$T/out' '$T/err'"

run "$VEIL" updatekeys d00
expect_rc 2 "a directory without -r is a usage error"

# a file no rule covers fails while planning: without --keep-going nothing
# is changed, not even the files planned before it
mkdir other && cp d00/s0.yaml other/x.yaml
run "$VEIL" updatekeys -y -r d01 other/x.yaml
expect_rc 1 "a file no creation rule covers fails the plan"
err_has "no creation rule matches other/x.yaml" "  the error names it"
snapshot "$T/after"
check "  nothing changed" same "$T/before" "$T/after"
rm -r other

# the answer comes after d07/s3.yaml's path became a directory
mkfifo "$T/answer"
trap '' PIPE # should veil be gone early, the answer's write fails, not the script
"$VEIL" updatekeys -r --keep-going . <"$T/answer" >"$T/out" 2>"$T/err" &
pid=$!
exec 3>"$T/answer"
for _ in $(seq 1 600); do
	grep -q 'Is this okay?' "$T/out" && break
	sleep 0.1
done
mv d07/s3.yaml "$T/s3.away" && mkdir d07/s3.yaml
echo y >&3
exec 3>&-
trap - PIPE
wait "$pid"
rc=$?
rmdir d07/s3.yaml && mv "$T/s3.away" d07/s3.yaml
expect_rc 1 "--keep-going with one file failing: exit 1"
check "  the failure is reported, naming the file" grep -q "d07/s3.yaml" "$T/err"
check "  and the summary says it was left as it was" grep -q "1 file failed and is left as it was: d07/s3.yaml" "$T/err"
check "  it is byte for byte as before" test "$(sha256sum d07/s3.yaml | cut -c1-64)" = "$(grep ' d07/s3.yaml$' "$T/before" | cut -c1-64)"
check "  the other 199 were re-keyed" test "$(grep -c ': keys updated$' "$T/out")" -eq 199

# every file: carol's key opens it, bob's does not (d07/s3 is still bob's)
find d* -type f -name '*.yaml' | sort >"$T/files"
decrypts() { # decrypts KEYFILE: the files that key opens, one per line
	xargs -P 2 -I{} sh -c 'SOPS_AGE_KEY_FILE="$1" "$2" decrypt "$3" >/dev/null 2>&1 && echo "$3"' _ "$1" "$VEIL" {} <"$T/files" | sort
}
start=$(date +%s)
decrypts "$T/carol.txt" >"$T/carol-opens"
decrypts "$T/bob.txt" >"$T/bob-opens"
echo "note: 400 decryptions took $(($(date +%s) - start)) s"
check "carol opens the 199 re-keyed files" test "$(grep -vc '^d07/s3.yaml$' "$T/carol-opens")" -eq 199
check "  bob opens none of them, only the untouched one" test "$(cat "$T/bob-opens")" = "d07/s3.yaml"
check "  each decrypts to its content" sh -c "SOPS_AGE_KEY_FILE='$T/carol.txt' '$VEIL' decrypt d19/s4.yaml | grep -qx '  value: v-4'"

run "$VEIL" updatekeys -y -r .
expect_rc 0 "the left-over file re-keyed in a second run"
check "  the others are already up to date" grep -qx 'plan: 1 file to change, 199 already up to date' "$T/out"

# a write that fails: a file larger than the process may write (RLIMIT_FSIZE
# binds root as well); no --keep-going: the files after it are not touched
printf 'creation_rules:\n  - path_regex: ^d\n    age: %s,%s,%s\n' "$A" "$B" "$C" >.sops.yaml
{ printf 'blob: '; head -c 48000 /dev/zero | tr '\0' x; printf '\n'; } >d05/s5.yaml
"$VEIL" encrypt -r "$A" -r "$C" -i d05/s5.yaml 2>"$T/err" || fail "encrypt big: $(cat "$T/err")"
snapshot "$T/before"
(
	trap '' XFSZ
	ulimit -f 40
	exec "$VEIL" updatekeys -y -r .
) >"$T/out" 2>"$T/err"
rc=$?
snapshot "$T/after"
expect_rc 1 "a failed write stops the run"
check "  the error names the file" grep -q "d05/s5.yaml" "$T/err"
check "  and says the rest was not attempted" grep -q "not attempted" "$T/err"
changed=$(diff "$T/before" "$T/after" | grep -c '^>')
check "  the 55 files before it were re-keyed" test "$changed" -eq 55
check "  it and every file after it are as they were" sh -c "
	diff '$T/before' '$T/after' | grep '^>' | awk '{print \$3}' | sort -c &&
	test \"\$(diff '$T/before' '$T/after' | grep '^>' | awk '{print \$3}' | tail -1)\" = d05/s4.yaml"
(
	trap '' XFSZ
	ulimit -f 40
	exec "$VEIL" updatekeys -y -r --keep-going .
) >"$T/out" 2>"$T/err"
rc=$?
expect_rc 1 "--keep-going past the failed write"
check "  the files after it were done" test "$(grep -c ': keys updated$' "$T/out")" -eq 144
check "  it is as it was" test "$(sha256sum d05/s5.yaml | cut -c1-64)" = "$(grep ' d05/s5.yaml$' "$T/before" | cut -c1-64)"
rm d05/s5.yaml

# veil rotate over a directory: one plan, new data keys, same plaintext
SOPS_AGE_KEY_FILE=$T/carol.txt "$VEIL" decrypt d03/s1.yaml >"$T/plain" 2>/dev/null
snapshot "$T/before"
export SOPS_AGE_KEY_FILE=$T/carol.txt
run "$VEIL" rotate -r d03
expect_rc 2 "rotate of a directory wants -i"
run "$VEIL" rotate -r -i d03 </dev/null
expect_rc 1 "rotate -r -i without an answer fails"
snapshot "$T/after"
check "  and changes nothing" same "$T/before" "$T/after"
run "$VEIL" rotate -r -i -y --rm-age "$B" d03 d04/s0.yaml
expect_rc 0 "rotate -r -i -y --rm-age over a directory and a file"
check "  one plan: 11 files, bob loses access to each" sh -c "
	test \"\$(grep -c ': new data key:$' '$T/out')\" -eq 11 &&
	grep -qx '  - $B loses access to 11 files' '$T/out' &&
	test \"\$(grep -c ': rotated$' '$T/out')\" -eq 11"
check "  the values' ciphertext changed" sh -c "test \"\$(grep '^  value:' d03/s1.yaml)\" != \"\$(grep '^  value:' d04/s1.yaml)\""
check "  the plaintext is the same" sh -c "'$VEIL' decrypt d03/s1.yaml | cmp -s - '$T/plain'"
check "  bob's key no longer opens it" sh -c "! SOPS_AGE_KEY_FILE='$T/bob.txt' '$VEIL' decrypt d03/s1.yaml >/dev/null 2>&1"
run "$VEIL" rotate -r -i -y d03
expect_rc 0 "rotate again: the rule still lists bob"
check "  the plan notes, per file, that the rule lists other keys" \
	test "$(grep -c '^  note: its .sops.yaml creation rule lists other keys: veil updatekeys' "$T/out")" -eq 10

finish
