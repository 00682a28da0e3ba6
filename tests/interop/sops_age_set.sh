#!/usr/bin/env bash
# veil set -> sops-age: maps and lists set over maps, lists and scalars of
# files written with --cipher aes256-gcm decrypt in sops-age (npm, an
# independent SOPS decrypter) to the tree veil decrypts and to the tree
# expected (all printed as canonical JSON by the wrapper, compared with cmp).
IDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/cli/common.bash
. "$IDIR/../cli/common.bash"

# shellcheck source=tests/interop/sops_age.bash
. "$IDIR/sops_age.bash"

"$VEIL" keygen -o k1.txt 2>/dev/null
R1=$(sed -n 2p k1.txt | cut -d' ' -f4)

# same_tree WHAT FILE TYPE WANT-JSON: sops-age's tree of FILE, veil's and
# WANT-JSON are one tree.
same_tree() {
	local what=$1 file=$2 type=$3 want=$4
	if ! sopsage decrypt -i k1.txt -t "$type" <"$file" >sa.json 2>"$T/err"; then
		fail "$what: sops-age failed"
		return
	fi
	run "$VEIL" decrypt --identity k1.txt --output-type json "$file"
	if [ "$rc" -ne 0 ]; then
		fail "$what: veil decrypt exit $rc"
		return
	fi
	sopsage canon <"$T/out" >veil.json 2>"$T/err"
	printf '%s' "$want" | sopsage canon >want.json 2>"$T/err"
	if cmp -s sa.json veil.json && cmp -s sa.json want.json; then
		ok "$what"
	else
		fail "$what: trees differ"
		diff sa.json veil.json | head -5 | sed 's/^/     veil: /'
		diff sa.json want.json | head -5 | sed 's/^/     want: /'
	fi
}

cat >p.yaml <<'EOF'
# settings
app:
  name: web # inline
  env:
  - name: A
    value: "1"
  ports: [80, 443]
other: keep
list:
  - one
  - two
EOF
"$VEIL" encrypt -r "$R1" --cipher aes256-gcm p.yaml >s.yaml || { fail "encrypt"; finish; }
run "$VEIL" set --identity k1.txt s.yaml '["app"]' '{"db": {"host": "h", "port": 5432, "tls": true}, "tags": ["x", 1.5, null]}'
run "$VEIL" set --identity k1.txt s.yaml '["other"]' '{"k": [1, {"d": "e"}]}'
run "$VEIL" set --identity k1.txt s.yaml '["list"][1]' '[["nested"], {"m": "n"}]'
run "$VEIL" set --identity k1.txt s.yaml '["new"]' '{"z": "\u00e9"}'
expect_rc 0 "the last of four sets"
same_tree "YAML: maps and lists replaced by veil set" s.yaml yaml \
	'{"app":{"db":{"host":"h","port":5432,"tls":true},"tags":["x",1.5,null]},"other":{"k":[1,{"d":"e"}]},"list":["one",[["nested"],{"m":"n"}]],"new":{"z":"é"}}'

printf '{\n  "a": {\n    "b": "x",\n    "c": [1, 2]\n  },\n  "d": "y"\n}\n' >p.json
"$VEIL" encrypt -r "$R1" --cipher aes256-gcm p.json >s.json || { fail "encrypt json"; finish; }
run "$VEIL" set --identity k1.txt s.json '["a"]' '{"z": [true, {"q": "w"}]}'
run "$VEIL" set --identity k1.txt s.json '["d"]' '[1, "two"]'
expect_rc 0 "JSON: the second set"
same_tree "JSON: a map over a map, a list over a scalar" s.json json \
	'{"a":{"z":[true,{"q":"w"}]},"d":[1,"two"]}'
finish
