#!/usr/bin/env bash
# veil encrypt / veil decrypt round trips on real-world documents
# (tests/data/roundtrip: a Secret, a Deployment, Helm values, a stream,
# anchors, block scalars, flow styles and comments; plus JSON, dotenv, INI):
# the decrypted file is the original byte for byte, except that an encrypted
# scalar may come back in another style (quotes dropped, a > block as |, 0x1F
# as 31); where it does, only lines that held an encrypted scalar differ and
# both files hold the same tree. Then a minimal diff with --reuse, and bad
# inputs: the right exit code, nothing on stdout, the input untouched.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

SRC=${VEIL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
DATA=$SRC/tests/data
"$VEIL" keygen -o k1.txt 2>/dev/null
"$VEIL" keygen -o k2.txt 2>/dev/null
R1=$(sed -n 2p k1.txt | cut -d' ' -f4)
R2=$(sed -n 2p k2.txt | cut -d' ' -f4)

# changed_old A B: numbers of A's lines that diff A B changes or removes.
changed_old() {
	diff --unchanged-line-format= --new-line-format= --old-line-format=$'%dn\n' "$1" "$2"
}

# Numbers of FILE's lines that are empty or blanks only.
blank_lines() {
	grep -nE '^[[:space:]]*$' "$1" | cut -d: -f1
}

# Numbers of FILE's lines that are comments only.
comment_lines() {
	grep -nE '^[[:space:]]*[#;]' "$1" | cut -d: -f1
}

# tree FILE: the document's values as JSON, through an encryption (veil reads
# plaintext trees only from encrypted files). JSON has no .inf, .nan, 0x1F:
# such YAML is read by the npm yaml package instead when node has it (it comes
# with tests/interop's peers), with the non-finite numbers spelled out.
NODE_YAML=$SRC/tests/interop/node_modules
tree() {
	if "$VEIL" encrypt -r "$R1" -o "tree.enc.${1##*.}" "$1" &&
		"$VEIL" decrypt --identity k1.txt --output-type json "tree.enc.${1##*.}"; then
		return 0
	fi
	command -v node >/dev/null && [ -d "$NODE_YAML/yaml" ] || return 1
	: >"$T/err"
	NODE_PATH=$NODE_YAML node -e '
		const fs = require("fs"), YAML = require("yaml");
		const t = YAML.parse(fs.readFileSync(process.argv[1], "utf8"), { merge: true });
		const num = (k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v);
		process.stdout.write(JSON.stringify(t, num, 1) + "\n");' "$1"
}

# Files that must come back byte for byte (no quoting or block style to lose).
# (nested-2space.json spells escapes its own way, \u00e9 and \/, which come
# back as é and /; app.ini has quoted values, which sops's INI unquotes.)
# (block-header-comments*.yaml: "key: | # note" blocks come back as blocks
# around their comments.)
exact="stream.yaml block-header-comments.yaml block-header-comments-4space.yaml
	compact.json tabs.json app.env no-final-newline.env"

files=("$DATA"/roundtrip/*.yaml "$DATA"/json/*.json "$DATA"/dotenv/*.env "$DATA"/ini/app.ini)
for src in "${files[@]}"; do
	f=$(basename "$src")
	ext=${f##*.}
	cp "$src" "$f"
	enc=enc-$f dec=dec-$f
	# ChaCha20-Poly1305: format preservation without exception (YAML
	# aliases stay aliases); the default cipher is checked below.
	run "$VEIL" encrypt --cipher chacha20-poly1305 -r "$R1" -o "$enc" "$f"
	[ "$rc" -eq 0 ] || { fail "encrypt $f: exit $rc"; continue; }
	run "$VEIL" decrypt --identity k1.txt -o "$dec" "$enc"
	[ "$rc" -eq 0 ] || { fail "decrypt $f: exit $rc"; continue; }
	check "$f: the original is untouched" same "$src" "$f"
	check "$f: every value was encrypted" test "$(grep -o 'ENC\[' "$enc" | wc -l)" -gt 2
	if same "$f" "$dec"; then
		ok "$f: decrypts to the original bytes"
		continue
	fi
	case " $exact " in
	*" $f "*)
		fail "$f: decrypts to other bytes"
		diff "$f" "$dec" | head -6 | sed 's/^/     /'
		continue
		;;
	esac
	# Lines the round trip changed must be lines encryption changed (value
	# lines), never a comment line or a line encryption left alone.
	changed_old "$f" "$enc" >enc.lines
	comment_lines "$f" >comment.lines
	changed_old "$f" "$dec" >dec.lines
	# (A blank line inside a re-rendered block scalar is part of its value,
	# but diff may have paired it with another blank line of the encrypted
	# file: blank lines are not counted as stray.)
	blank_lines "$f" >blank.lines
	stray=$({ grep -vxFf enc.lines dec.lines | grep -vxFf blank.lines; } || :
		grep -xFf comment.lines dec.lines)
	if [ -z "$stray" ]; then
		ok "$f: only lines holding encrypted scalars differ ($(wc -l <dec.lines) of them)"
	else
		fail "$f: lines $(echo $stray) differ but held no encrypted scalar"
	fi
	# Added lines on the decrypted side are values too, not comments.
	if diff --unchanged-line-format= --old-line-format= --new-line-format='%L' "$f" "$dec" |
		grep -qE '^[[:space:]]*#'; then
		fail "$f: the decrypted file has a comment line the original lacks"
	else
		ok "$f: no comment line changed"
	fi
	if ! tree "$f" >orig.json 2>"$T/err" && ! { command -v node >/dev/null &&
		[ -d "$NODE_YAML/yaml" ]; }; then
		# Values JSON cannot hold (.inf, 0x1F) need the npm yaml reader.
		echo "SKIP $f: value comparison needs node and $NODE_YAML/yaml" \
			"(scripts/install-deps.sh --test installs them)"
	elif tree "$f" >orig.json 2>"$T/err" && tree "$dec" >dec.json 2>>"$T/err" &&
		same orig.json dec.json; then
		ok "$f: the changed lines hold the same values"
	else
		fail "$f: the decrypted file holds other values"
		diff orig.json dec.json | head -6 | sed 's/^/     /'
	fi
done

# The default cipher (AES256_GCM, what sops reads): the bytes the ChaCha file
# gave back, unless a YAML alias reaching encrypted values had to be written
# out in full, or a %YAML 1.2 directive removed, for sops (veil says so):
# then the same tree.
for src in "${files[@]}"; do
	f=$(basename "$src")
	run "$VEIL" encrypt -r "$R1" -o "aes-$f" "$f"
	[ "$rc" -eq 0 ] || { fail "encrypt $f with the default cipher: exit $rc"; continue; }
	grep -q 'CHACHA20' "aes-$f" && fail "$f: the default cipher is not AES256_GCM"
	if grep -q 'written out in full' "$T/err"; then
		"$VEIL" decrypt --identity k1.txt --output-type json "aes-$f" >aes.json &&
			"$VEIL" decrypt --identity k1.txt --output-type json "enc-$f" >chacha.json
		check "$f (AES256_GCM): aliases written out for sops, the same tree" \
			cmp -s aes.json chacha.json
	elif grep -q 'directive was removed' "$T/err"; then
		run "$VEIL" decrypt --identity k1.txt -o "aesdec-$f" "aes-$f"
		grep -v '^%YAML' "dec-$f" >nodirective.out
		check "$f (AES256_GCM): the %YAML directive removed for sops, all else the same" \
			same nodirective.out "aesdec-$f"
	else
		run "$VEIL" decrypt --identity k1.txt -o "aesdec-$f" "aes-$f"
		check "$f (AES256_GCM): decrypts to the same bytes" same "dec-$f" "aesdec-$f"
	fi
done

# set and edit put a multi-line value back around a header-line comment.
cp "$DATA/roundtrip/block-header-comments-4space.yaml" hc.yaml
"$VEIL" encrypt -r "$R1" -o hc.enc.yaml hc.yaml
run "$VEIL" set --identity k1.txt hc.enc.yaml '["app"]["config"]' '"a=1\nb=2\n"'
expect_rc 0 "set a multi-line value where a block had a header comment"
run "$VEIL" decrypt --identity k1.txt hc.enc.yaml
check "  ... it comes back as a block, comment in place" test "$(sed -n 2,4p "$T/out")" = \
	"$(printf '    config: | # four spaces\n        a=1\n        b=2')"
sed '2,4c\    config: | # four spaces\n        a=1\n        b=2' hc.yaml >hc.want.yaml
check "  ... and every other byte is the original's" same hc.want.yaml "$T/out"
run "$VEIL" set --identity k1.txt hc.enc.yaml '["app"]["config"]' '"one line"'
run "$VEIL" decrypt --identity k1.txt hc.enc.yaml
check "a one-line value keeps the comment after it" test "$(sed -n 2p "$T/out")" = \
	"    config: one line # four spaces"

# INI values whose quote the comment after them would close, and a
# multi-line value with """ on its last line, come back byte for byte; a
# comment after a section header comes back on its own line above it.
printf '%s\n' 'a=E`#"""' '[s]' 'k = """a#b""" ;c `x`' 'm = """l1' 'l2"""c""" ; n' >q.ini
run "$VEIL" encrypt -r "$R1" -o q.enc.ini q.ini
expect_rc 0 "encrypt INI values beside comments that close quotes"
run "$VEIL" decrypt --identity k1.txt q.enc.ini
check "  ... they decrypt to the original bytes" test "$(cat "$T/out")" = "$(cat q.ini)"
printf '[db] ; primary\nhost = x\n' >h.ini
run "$VEIL" encrypt -r "$R1" -o h.enc.ini h.ini
expect_rc 0 "encrypt an INI file with a comment after a section header"
check "  ... the header keeps its name" grep -qx '\[db\]' h.enc.ini
run "$VEIL" decrypt --identity k1.txt h.enc.ini
check "  ... and the comment comes back above it" test "$(cat "$T/out")" = \
	"$(printf '; primary\n[db]\nhost = x')"

# The same with aes256-gcm values and a selection rule (a Flux repository).
cp "$DATA/roundtrip/k8s-secret.yaml" flux.yaml
run "$VEIL" encrypt --cipher aes256-gcm --encrypted-regex '^(data|stringData)$' -r "$R1" \
	-o flux.enc.yaml flux.yaml
expect_rc 0 "encrypt a Secret for Flux"
check "metadata stays readable" grep -q '^  name: app-credentials$' flux.enc.yaml
run "$VEIL" decrypt --identity k1.txt -o flux.dec.yaml flux.enc.yaml
expect_rc 0 "decrypt the Flux Secret"
changed_old flux.yaml flux.dec.yaml >dec.lines
check "only stringData lines that were quoted change" test "$(cat dec.lines | tr '\n' ' ')" = "23 25 "

# Minimal diff: one changed value, re-encrypted with --reuse, changes exactly
# that value's line, the mac and (unless within the same second) lastmodified.
cp "$DATA/roundtrip/four-space.yaml" values.yaml
"$VEIL" encrypt -r "$R1" -r "$R2" -o old.enc.yaml values.yaml
"$VEIL" decrypt --identity k2.txt -o new.yaml old.enc.yaml
sed -i 's/^\(        min:\) 2$/\1 3/' new.yaml
check "the edit applied" grep -q '^        min: 3$' new.yaml
run "$VEIL" encrypt --reuse old.enc.yaml --identity k1.txt -o new.enc.yaml new.yaml
expect_rc 0 "re-encrypt with --reuse"
diff old.enc.yaml new.enc.yaml | grep '^>' >delta.txt
want='^>         min: ENC\[|^>     mac: ENC\[|^>     lastmodified: '
check "diff shows the value, mac (and lastmodified) only" \
	test "$(grep -cvE "$want" delta.txt)" -eq 0 -a "$(grep -cE ' min:| mac:' delta.txt)" -eq 2
check "both recipients are kept" test "$(grep -c 'recipient: age1' new.enc.yaml)" -eq 2
run "$VEIL" decrypt --identity k2.txt -o new.dec.yaml new.enc.yaml
check "the re-encrypted file decrypts to the edit" rc0_same new.yaml new.dec.yaml

# Bad input: exit code, message, empty stdout and the file unchanged, with
# output to stdout and with -i.
# bad WANT_RC ERR_REGEX WHAT FILE CMD...: CMD FILE; then CMD -i FILE.
bad() {
	local want=$1 re=$2 what=$3 file=$4 sum
	shift 4
	sum=$(sha256sum <"$file")
	run "$@" "$file"
	expect_rc "$want" "$what"
	err_has "$re" "$what: the message says why"
	check "$what: nothing on stdout" test ! -s "$T/out"
	run "$@" -i "$file"
	check "$what, -i: exit $want and the file unchanged" \
		test "$rc" -eq "$want" -a "$(sha256sum <"$file")" = "$sum"
}
printf 'a: [1, 2\nb: c\n' >invalid.yaml
bad 10 '[0-9]+:[0-9]+' "invalid YAML" invalid.yaml "$VEIL" encrypt -r "$R1"
printf 'a: 1\nb: 2\na: 3\n' >dup.yaml
bad 10 'duplicate|a' "duplicate keys" dup.yaml "$VEIL" encrypt -r "$R1"
printf -- '- a\n- b\n' >list.yaml
bad 10 'map|mapping|root' "a list at the root" list.yaml "$VEIL" encrypt -r "$R1"
printf 'just a scalar\n' >scalar.yaml
bad 10 'map|mapping|root' "a scalar at the root" scalar.yaml "$VEIL" encrypt -r "$R1"
printf '{"a": 1, "a": 2}\n' >dup.json
bad 10 'duplicate|"a"' "duplicate JSON keys" dup.json "$VEIL" encrypt -r "$R1"

cp "$DATA/roundtrip/k8s-secret.yaml" s.yaml
"$VEIL" encrypt -r "$R1" -o s.enc.yaml s.yaml
bad 203 'already encrypted' "already encrypted" s.enc.yaml "$VEIL" encrypt -r "$R1"

# A changed ciphertext byte in one value.
sed 's/^\(  DB_PASSWORD: ENC\[[A-Z0-9_]*,data:\)\(.\)/\1\2\2/' s.enc.yaml >tampered.yaml
sed -i 's/^\(  DB_PASSWORD: ENC\[[A-Z0-9_]*,data:.\)./\1/' tampered.yaml
grep '^  DB_PASSWORD:' s.enc.yaml | cut -c1-48 >a.txt
grep '^  DB_PASSWORD:' tampered.yaml | cut -c1-48 >b.txt
if same a.txt b.txt; then
	# The edit above was a no-op (first two data characters equal): swap one.
	sed -i 's/^\(  DB_PASSWORD: ENC\[[A-Z0-9_]*,data:\)A/\1B/; t; s/^\(  DB_PASSWORD: ENC\[[A-Z0-9_]*,data:\)./\1A/' tampered.yaml
fi
check "the tampered file differs" test "$(cmp -s s.enc.yaml tampered.yaml; echo $?)" -eq 1
bad 25 'DB_PASSWORD' "tampered value" tampered.yaml "$VEIL" decrypt --identity k1.txt

# Plaintext outside the encrypted set changed: only the MAC can tell.
sed 's/^  name: app-credentials$/  name: app-credentials-2/' flux.enc.yaml >outside.yaml
check "the unencrypted edit applied" grep -q 'app-credentials-2' outside.yaml
bad 51 'mac' "changed plaintext outside the encrypted set" outside.yaml \
	"$VEIL" decrypt --identity k1.txt

bad 128 "$R1" "wrong key" s.enc.yaml "$VEIL" decrypt --identity k2.txt

sed 's/^\(  API_TOKEN:\) ENC\[.*\]$/\1 dG9rZW4tMTIzNDU2Nzg5MA==/' s.enc.yaml >pasted.yaml
check "the pasted value is in place" grep -q '^  API_TOKEN: dG9rZW4' pasted.yaml
bad 13 'API_TOKEN' "a pasted plaintext value" pasted.yaml "$VEIL" decrypt --identity k1.txt

# A flow-style root ({...}) has no line for the sops block: like sops, veil
# writes the document in block style first, says so, and the values survive.
printf '{"a": 1, "b": {"c": "x", "d": [1, "two"]}}\n' >flowroot.yaml
run "$VEIL" encrypt -r "$R1" flowroot.yaml
expect_rc 0 "a flow-style root is encrypted"
err_has "rewritten in block style" "  ... with a warning that its layout changed"
cp "$T/out" flowroot.enc.yaml
run "$VEIL" decrypt --identity k1.txt flowroot.enc.yaml
check "  ... and decrypts to the same values in block style" test "$(cat "$T/out")" = \
	"$(printf 'a: 1\nb:\n    c: x\n    d:\n        - 1\n        - two')"

finish
