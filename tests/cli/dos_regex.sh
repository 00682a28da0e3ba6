#!/usr/bin/env bash
# Issue 11, "denial of service from a committed file", the regex part: a
# pattern in a file's own sops metadata ('((a{0,100}){0,100}){0,100}') cost
# 14 s and gigabytes in glibc's regcomp before the MAC was checked, and
# glibc's regexec is quadratic on patterns such as (a|aa)*b over a long
# key. Counted repetition is now bounded as Go bounds it, the expanded
# program is bounded, and matching is linear with a work budget: each case
# fails at once with the limit exit code (11), a message naming the
# pattern, nothing on stdout and the file as it was. Memory is held to
# 200 MB of address space (not under ASan). Both value ciphers.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

"$VEIL" keygen -o k.txt 2>/dev/null
R=$(sed -n 2p k.txt | cut -d' ' -f4)
export VEIL_AGE_KEY_FILE=$T/k.txt
CIPHERS="aes256-gcm chacha20-poly1305"
MEM_KB=200000
if [ "${VEIL_TEST_SANITIZED:-0}" = 1 ]; then
	MEM_KB=unlimited
	echo "note: no address-space cap under ASan (its shadow memory needs terabytes)"
fi

bounded() {
	(
		ulimit -v "$MEM_KB" 2>/dev/null
		"$@"
	) >"$T/out" 2>"$T/err"
	rc=$?
}

refused() {
	expect_rc 11 "$1"
	err_has "regex|repeat" "$1: the message names the regex"
	check "$1: nothing on stdout" test ! -s "$T/out"
}

# with_regex SRC PATTERN OUT: SRC's selection rule replaced by PATTERN, as
# an attacker edits a committed file (the MAC is checked after the walk).
with_regex() {
	python3 - "$@" <<'PY'
import json, re, sys
src, pattern, out = sys.argv[1:]
text = open(src).read()
if src.endswith(".json"):
    d = json.loads(text)
    for k in ("unencrypted_suffix", "encrypted_regex"):
        d["sops"].pop(k, None)
    d["sops"]["unencrypted_regex"] = pattern
    text = json.dumps(d)
else:
    text = re.sub(r"(?m)^( +)(un)?encrypted_(suffix|regex): .*$",
                  lambda m: m.group(1) + "unencrypted_regex: '" + pattern + "'", text)
open(out, "w").write(text)
PY
}

printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  greeting: hello\n' >s.yaml
BOMBS=(
	'((a{0,100}){0,100}){0,100}' # the reproducer
	'(a{0,1000}){0,1000}'
	'((((a{0,30}){0,30}){0,30}){0,30})'
	'a{1001}'
	'(xxxxxxxxxx){1000}' # 10000 instructions once expanded
)
for c in $CIPHERS; do
	run "$VEIL" encrypt --cipher "$c" -r "$R" s.yaml
	cp "$T/out" "s-$c.enc.yaml"
	for i in "${!BOMBS[@]}"; do
		f="bomb$i-$c.yaml"
		with_regex "s-$c.enc.yaml" "${BOMBS[$i]}" "$f"
		check "$c: $f holds the pattern" grep -qF "${BOMBS[$i]}" "$f"
		cp "$f" "$f.orig"
		bounded "$VEIL" decrypt "$f"
		refused "$c decrypt with unencrypted_regex '${BOMBS[$i]}'"
		bounded "$VEIL" decrypt -i "$f"
		refused "$c decrypt -i ($i)"
		check "$c decrypt -i ($i): the file is as it was" same "$f.orig" "$f"
		bounded sh -c '"$0" k8s decrypt - <"$1"' "$VEIL" "$f"
		refused "$c k8s decrypt - ($i, the sidecar's stdin)"
	done
done

# A long key and a pattern that keeps about 4000 NFA threads alive: linear,
# but over the work budget, so it stops at once rather than after minutes.
python3 - >long.json <<'PY'
import json
d = {"a" * 200000: "x"}
d.update({f"b{i}": "y" for i in range(20)})
print(json.dumps(d))
PY
for c in $CIPHERS; do
	"$VEIL" encrypt --cipher "$c" -r "$R" long.json >"long-$c.enc.json"
	with_regex "long-$c.enc.json" '.{0,999}.{0,999}b' "costly-$c.json"
	bounded "$VEIL" decrypt "costly-$c.json"
	refused "$c: a pattern too costly over a 200 KB key"
	err_has "costs too much" "$c: the message says the match costs too much"
	# quadratic in glibc (minutes on this key), linear now: decrypts to
	# the MAC check, which the edited selection fails (51), not a limit
	with_regex "long-$c.enc.json" '(a|aa)*b' "quad-$c.json"
	bounded "$VEIL" decrypt "quad-$c.json"
	expect_rc 51 "$c: (a|aa)*b over a 200 KB key runs to the MAC check"
done

# veil check on such a file never passes it silently: a pattern past Go's
# bounds (no sops reads the file either) has every value judged as one that
# must be encrypted, so a pasted plaintext value is an error; a pattern veil
# does not read is a warning; a pattern too costly stops at the budget.
printf 'db:\n  conn: x\n  user: admin\n' >h.yaml
"$VEIL" encrypt -r "$R" -o h.enc.yaml h.yaml
sed 's/^  conn: .*/  conn: Pasted9PlainValue/' h.enc.yaml >pasted.yaml
with_regex pasted.yaml '((a{0,100}){0,100}){0,100}' check-bomb.yaml
bounded "$VEIL" check check-bomb.yaml
expect_rc 1 "check: a pattern past Go's bounds, and a pasted plaintext value"
check "  the plaintext value is an error" grep -q 'sops-plaintext-value' "$T/out"
check "  and the skipped rule is said" grep -q 'check-skipped.*nested repeat counts' "$T/out"
with_regex pasted.yaml '(unclosed' check-bad.yaml
bounded "$VEIL" check check-bad.yaml
check "check: a pattern veil cannot read is a warning, not a silent pass" \
	grep -q "check-skipped.*missing ')'" "$T/out"
with_regex long-aes256-gcm.enc.json '.{0,999}.{0,999}b' check-costly.json
# the regex runs only for plaintext values: paste one under the long key
python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
d["a" * 200000] = "Pasted9PlainValue"
json.dump(d, open(sys.argv[1], "w"))' check-costly.json
bounded "$VEIL" check check-costly.json
check "check: a pattern too costly over a 200 KB key stops at the budget, said" \
	grep -q 'check-skipped.*costs too much' "$T/out"

# The same patterns in .sops.yaml: refused when the rule is read.
mkdir cfg && cd cfg || exit 1
printf 'a: 1\n' >s.yaml
for key in path_regex encrypted_regex unencrypted_regex encrypted_comment_regex; do
	{
		echo "creation_rules:"
		[ "$key" = path_regex ] || echo "  - path_regex: .*"
		[ "$key" = path_regex ] && printf '  - ' || printf '    '
		echo "$key: '((a{0,100}){0,100}){0,100}'"
		echo "    age: $R"
	} >.sops.yaml
	bounded "$VEIL" encrypt s.yaml
	expect_fail ".sops.yaml $key with the reproducer"
	err_has "\.sops\.yaml:[0-9]+:[0-9]+: regex '\(\(a\{0,100\}\)" ".sops.yaml $key: the message names the file, line and pattern"
	check ".sops.yaml $key: nothing on stdout" test ! -s "$T/out"
done
cd "$T" || exit 1

# Realistic patterns keep working, in both ciphers.
printf 'user: admin\ngreeting: hello\napi_key: k\nnote: plain\n' >r.yaml
for c in $CIPHERS; do
	run "$VEIL" encrypt --cipher "$c" -r "$R" --encrypted-regex '^(greeting|.*_key)$' r.yaml
	expect_rc 0 "$c: an ordinary encrypted_regex encrypts"
	check "$c: it selects what it names" grep -q '^user: admin' "$T/out"
	cp "$T/out" "r-$c.enc.yaml"
	run "$VEIL" decrypt "r-$c.enc.yaml"
	check "$c: and decrypts back" rc0_same r.yaml "$T/out"
done

finish
