#!/usr/bin/env bash
# veil set / veil unset: one value changes in place and, because the file is
# re-encrypted with itself as reuse, the diff is exactly that line plus the
# sops block's mac (and lastmodified); failures leave the file untouched.
. "$(dirname "$0")/common.bash"

"$VEIL" keygen -o key.txt 2>/dev/null || { echo "FAIL keygen"; exit 1; }
"$VEIL" keygen -o other.txt 2>/dev/null || { echo "FAIL keygen"; exit 1; }
R=$(grep -o 'age1[0-9a-z]*' key.txt | head -1)
export SOPS_AGE_KEY_FILE="$T/key.txt"

# changed LINES of `diff OLD NEW` other than mac/lastmodified, one per line
changed() {
	diff "$1" "$2" | grep '^[<>]' | grep -vE '^[<>] *(mac|lastmodified)[:=]' |
		sed -E 's/ENC\[.*//'
}
mac_changed() {
	diff "$1" "$2" | grep -qE '^> *mac:'
}

printf 'db:\n  user: admin\n  password: hunter2\n  port: 5432\nlist: [a, b]\nlast: z\n' >p.yaml
"$VEIL" encrypt -r "$R" p.yaml >s.yaml || { echo "FAIL encrypt"; exit 1; }

cp s.yaml a.yaml
run "$VEIL" set a.yaml '["db"]["password"]' '"correct horse"'
expect_rc 0 "set an existing string"
check "the diff is the password line alone (besides mac/lastmodified)" \
	test "$(changed s.yaml a.yaml)" = "$(printf '<   password: \n>   password: ')"
check "the mac changed with it" mac_changed s.yaml a.yaml
run "$VEIL" decrypt a.yaml
check "the new value decrypts, the others are as they were" test "$(cat "$T/out")" = \
	"$(printf 'db:\n  user: admin\n  password: correct horse\n  port: 5432\nlist: [a, b]\nlast: z')"

cp a.yaml b.yaml
run "$VEIL" set b.yaml '["db"]["port"]' '6543'
check "a number is stored with sops's int type" grep -q '  port: ENC\[.*type:int\]' b.yaml
check "and only its line changed" \
	test "$(changed a.yaml b.yaml)" = "$(printf '<   port: \n>   port: ')"

cp b.yaml c.yaml
run "$VEIL" set c.yaml '["db"]["host"]' '"db.local"'
expect_rc 0 "set a new key in a block map"
check "the diff adds one line after the map's last item" \
	test "$(changed b.yaml c.yaml)" = '>   host: '
run "$VEIL" decrypt --extract '["db"]["host"]' c.yaml
check "the added key decrypts" test "$(cat "$T/out")" = "db.local"

cp c.yaml d.yaml
run "$VEIL" unset d.yaml '["db"]["user"]'
expect_rc 0 "unset a key"
check "the diff removes its line only" test "$(changed c.yaml d.yaml)" = '<   user: '
run "$VEIL" decrypt d.yaml
check "the rest decrypts" test "$(grep -c user "$T/out")" -eq 0 -a "$(grep -c hunter2 "$T/out")" -eq 0

# failures: nothing written
cp d.yaml e.yaml
run "$VEIL" set e.yaml '["nope"]["x"]' '1'
expect_rc 91 "a path below a missing key is sops's exit 91"
check "the file is untouched" same d.yaml e.yaml
run "$VEIL" unset e.yaml '["nope"]'
expect_rc 91 "unset of a missing key is exit 91"
run "$VEIL" unset --idempotent e.yaml '["nope"]'
expect_rc 0 "--idempotent unset of a missing key"
check "and the file is untouched" same d.yaml e.yaml
run "$VEIL" set e.yaml '["db"]' '{"a": 1}'
expect_fail "a map is not replaced (only a scalar or a new key takes an object)"
run "$VEIL" set e.yaml '["last"]' '"unterminated'
expect_fail "a malformed JSON string is refused"
run "$VEIL" set e.yaml '["last"' '1'
expect_rc 91 "a malformed path is exit 91"
SOPS_AGE_KEY_FILE="$T/other.txt" run "$VEIL" set e.yaml '["last"]' '1'
expect_rc 128 "a wrong identity is exit 128"
check "after all of them the file is untouched" same d.yaml e.yaml
run "$VEIL" set e.yaml '["last"]' '"z"'
check "setting the value it already has writes nothing" same d.yaml e.yaml

# the value from stdin or a file keeps it out of argv
cp d.yaml v.yaml
printf '"from stdin"\n' | "$VEIL" set --value-stdin v.yaml '["last"]' >"$T/out" 2>"$T/err"
rc=$?
expect_rc 0 "--value-stdin"
run "$VEIL" decrypt --extract '["last"]' v.yaml
check "the value read from stdin is set" test "$(cat "$T/out")" = "from stdin"
printf '12.5' >val.json
run "$VEIL" set --value-file val.json v.yaml '["db"]["port"]'
run "$VEIL" decrypt --extract '["db"]["port"]' v.yaml
check "--value-file sets a float" test "$(cat "$T/out")" = "12.5"
run "$VEIL" set --value-file val.json v.yaml '["last"]' '1'
expect_rc 2 "a value operand besides --value-file is a usage error"

# YAML layouts: a key sharing its line with a "- " is refused (removing its
# bytes alone would restructure the list); flow maps lose one item and comma
printf 'l:\n  - a: 1\n    b: 2\n  - c: 3\nf: {x: 1, y: 2}\n' >q.yaml
"$VEIL" encrypt -r "$R" q.yaml >sq.yaml
cp sq.yaml q1.yaml
run "$VEIL" unset q1.yaml '["l"][0]["a"]'
expect_fail "unset of a key on a '- ' line is refused"
check "and the file is untouched" same sq.yaml q1.yaml
run "$VEIL" unset q1.yaml '["l"][0]["b"]'
run "$VEIL" unset q1.yaml '["f"]["x"]'
run "$VEIL" unset q1.yaml '["l"][1]'
run "$VEIL" decrypt q1.yaml
check "block and flow items are removed cleanly" \
	test "$(cat "$T/out")" = "$(printf 'l:\n  - a: 1\nf: {y: 2}')"

# JSON: commas follow the removed and added items
printf '{\n  "a": {\n    "b": "x",\n    "c": 1\n  },\n  "e": "last"\n}\n' >p.json
"$VEIL" encrypt -r "$R" p.json >s.json
cp s.json j.json
run "$VEIL" unset j.json '["e"]'
expect_rc 0 "unset the last item of a JSON object"
run "$VEIL" set j.json '["a"]["k"]' '"\u00e9"'
expect_rc 0 "add a key to a JSON object"
run "$VEIL" decrypt j.json
check "the JSON stays valid with its commas right" test "$(cat "$T/out")" = \
	"$(printf '{\n  "a": {\n    "b": "x",\n    "c": 1,\n    "k": "\xc3\xa9"\n  }\n}')"

# dotenv
printf 'A=1\nB=two\n' >p.env
"$VEIL" encrypt -r "$R" p.env >s.env
cp s.env k.env
run "$VEIL" unset k.env '["A"]'
run "$VEIL" set k.env '["C"]' '"three"'
run "$VEIL" decrypt k.env
check "dotenv: unset and a new key" test "$(cat "$T/out")" = "$(printf 'B=two\nC=three')"
check "dotenv: B kept its ciphertext" test "$(grep '^B=' s.env)" = "$(grep '^B=' k.env)"

# INI: values are strings; a new key goes after the section's last line
printf '[db]\nuser = admin\npass = x\n\n[web]\nport = 80\n' >p.ini
"$VEIL" encrypt -r "$R" p.ini >s.ini
cp s.ini i.ini
run "$VEIL" set i.ini '["db"]["n"]' '5'
expect_rc 0 "INI: a number is set (as a string)"
run "$VEIL" set i.ini '["web"]["host"]' '"h"'
run "$VEIL" unset i.ini '["db"]["user"]'
run "$VEIL" decrypt i.ini
check "INI: added and removed keys in their sections" test "$(cat "$T/out")" = \
	"$(printf '[db]\npass = x\nn = 5\n\n[web]\nport = 80\nhost = h')"
check "INI: untouched values keep their ciphertext" \
	test "$(grep -E '^(pass|port) ' s.ini)" = "$(grep -E '^(pass|port) ' i.ini)"
# JSON objects and lists (as sops set takes them): written as flow
# collections with the value's own tokens, every leaf encrypted
printf 'a:\n  b: 1\nc: x\nl:\n  - one\n' >p2.yaml
"$VEIL" encrypt -r "$R" p2.yaml >o.yaml
run "$VEIL" set o.yaml '["a"]["b"]' '{"x": 1.0, "y": [true, "z", null], "n": {}}'
expect_rc 0 "set an object over a scalar"
run "$VEIL" set o.yaml '["new"]' '["v", 2]'
expect_rc 0 "set a list on a new key"
run "$VEIL" set o.yaml '["l"][0]' '{"k": "w"}'
expect_rc 0 "set an object in a list item"
check "no leaf is left in plaintext" test "$(grep -cE '(: |\[|, )(1\.0|true|z|v|2|w)[],}]' o.yaml)" = 0
run "$VEIL" decrypt o.yaml
check "they read back with their types (1.0 stays a float)" test "$(cat "$T/out")" = \
	"$(printf 'a:\n  b: {"x": 1.0, "y": [true, z, null], "n": {}}\nc: x\nl:\n  - {"k": w}\nnew: [v, 2]')"
cp o.yaml o.before
run "$VEIL" set o.yaml '["c"]' '{"bad": }'
expect_rc 2 "invalid JSON is refused"
check "  ... and the file is untouched" same o.yaml o.before
run "$VEIL" set s.json '["a"]["b"]' '[1, {"q": "w"}]'
run "$VEIL" decrypt s.json
check "JSON: a list replaces a value" test "$(cat "$T/out")" = \
	"$(printf '{\n  "a": {\n    "b": [1, {"q": "w"}],\n    "c": 1\n  },\n  "e": "last"\n}')"
run "$VEIL" set s.env '["A"]' '[1]'
expect_fail "dotenv: a list cannot be set"
err_has "dotenv and INI values are strings" "  ... and the message says why"
finish
