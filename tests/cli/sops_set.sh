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
run "$VEIL" set e.yaml '["list"]["x"]' '1'
expect_rc 91 "a key into a list is sops's exit 91"
check "the file is untouched" same d.yaml e.yaml
run "$VEIL" unset e.yaml '["nope"]'
expect_rc 91 "unset of a missing key is exit 91"
run "$VEIL" unset --idempotent e.yaml '["nope"]'
expect_rc 0 "--idempotent unset of a missing key"
check "and the file is untouched" same d.yaml e.yaml
run "$VEIL" set e.yaml '["db"]' '{"a": 1, "a": 2}'
expect_rc 2 "an object with a duplicate key is refused"
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
# --value-file as sops 3.11+: a flag, and the VALUE operand names the file
printf '12.5' >val.json
run "$VEIL" set --value-file v.yaml '["db"]["port"]' val.json
expect_rc 0 "--value-file FILE PATH VALUE-FILE (sops's form)"
run "$VEIL" decrypt --extract '["db"]["port"]' v.yaml
check "--value-file sets a float" test "$(cat "$T/out")" = "12.5"
run "$VEIL" set --value-file v.yaml '["last"]'
expect_rc 2 "--value-file without the VALUE-FILE operand is a usage error"
run "$VEIL" set --value-file --value-stdin v.yaml '["last"]' val.json
expect_rc 2 "--value-file and --value-stdin together are a usage error"
# the secret never shows in the process list: argv holds the file's name only
printf '"s3cr3t-in-a-file"' >sec.json
VEIL_EDITOR= run sh -c '"$0" set --value-file v.yaml "[\"tok\"]" sec.json & p=$!; tr "\0" " " </proc/$p/cmdline 2>/dev/null; wait $p' "$VEIL"
check "the value is not in argv" sh -c "! grep -q s3cr3t-in-a-file '$T/out'"
run "$VEIL" decrypt --extract '["tok"]' v.yaml
check "and it is set" test "$(cat "$T/out")" = "s3cr3t-in-a-file"
run "$VEIL" help set
check "veil help set says why --value-file/--value-stdin" grep -q 'process list' "$T/out"

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
# JSON objects and lists (as sops set takes them): over a scalar or on a new
# key, written in block style under the key (or as "- k: v" lines), every
# leaf encrypted with its type
printf 'a:\n  b: 1\nc: x\nl:\n  - one\n' >p2.yaml
"$VEIL" encrypt -r "$R" p2.yaml >o.yaml
run "$VEIL" set o.yaml '["a"]["b"]' '{"x": 1.0, "y": [true, "z", null], "n": {}}'
expect_rc 0 "set an object over a scalar"
run "$VEIL" set o.yaml '["new"]' '["v", 2]'
expect_rc 0 "set a list on a new key"
run "$VEIL" set o.yaml '["l"][0]' '{"k": "w"}'
expect_rc 0 "set an object in a list item"
check "no leaf is left in plaintext" test "$(grep -cE '(: |- )(1\.0|true|z|v|2|w)$' o.yaml)" = 0
run "$VEIL" decrypt o.yaml
check "they read back with their types (1.0 stays a float)" test "$(cat "$T/out")" = \
	"$(printf 'a:\n  b:\n    x: 1.0\n    "y":\n      - true\n      - z\n      - null\n    "n": {}\nc: x\nl:\n  - k: w\nnew:\n  - v\n  - 2')"
cp o.yaml o.before
run "$VEIL" set o.yaml '["c"]' '{"bad": }'
expect_rc 2 "invalid JSON is refused"
check "  ... and the file is untouched" same o.yaml o.before
run "$VEIL" set s.json '["a"]["b"]' '[1, {"q": "w"}]'
run "$VEIL" decrypt s.json
check "JSON: a list replaces a value" test "$(cat "$T/out")" = \
	"$(printf '{\n  "a": {\n    "b": [\n      1,\n      {\n        "q": "w"\n      }\n    ],\n    "c": 1\n  },\n  "e": "last"\n}')"
run "$VEIL" set s.env '["A"]' '[1]'
expect_fail "dotenv: a list cannot be set"
err_has "dotenv and INI values are strings" "  ... and the message says why"

# Replacing maps and lists, as sops set does: the old value's lines (its
# comments with them) give way to the new value in block style at the old
# indentation; every other line stays byte-identical (the diff is those
# lines, mac and lastmodified), and the new leaves are encrypted.
cat >m.yaml <<'EOF'
# head comment
app:
  name: web # the name
  # about env
  env:
  - name: A
    value: "1"
  - name: B
    value: "2"
  ports: [80, 443]
other: keep
EOF
"$VEIL" encrypt -r "$R" m.yaml >sm.yaml || { echo "FAIL encrypt m.yaml"; exit 1; }
# setm FILE PATH VALUE: FILE is a copy of sm.yaml with the value set
setm() {
	cp sm.yaml "$1"
	run "$VEIL" set "$1" "$2" "$3"
	expect_rc 0 "set $2 $3"
}
# plain FILE: its decryption (what `veil decrypt` prints)
plain() {
	"$VEIL" decrypt "$1" 2>"$T/err"
}

setm ma.yaml '["app"]' '{"db": {"host": "h", "port": 5432}, "tags": ["x", "y"]}'
check "map over map: the tree is the new one, lists indented as the file does" \
	test "$(plain ma.yaml)" = "$(printf '# head comment\napp:\n  db:\n    host: h\n    port: 5432\n  tags:\n  - x\n  - "y"\nother: keep')"
check "  ... only the old value's lines (comments too) left, the new ones came" \
	test "$(changed sm.yaml ma.yaml)" = "$(printf '%s\n' '<   name: ' '<   #' '<   env:' \
		'<   - name: ' '<     value: ' '<   - name: ' '<     value: ' '<   ports: ["' \
		'>   db:' '>     host: ' '>     port: ' '>   tags:' '>   - ' '>   - ')"
check "  ... every new leaf is encrypted with its type" \
	test "$(grep -cE '^ +(host:|port:|-) ENC\[.*type:(str|int)\]$' ma.yaml)" = 4
check "  ... the mac changed" mac_changed sm.yaml ma.yaml

setm mb.yaml '["app"]["env"]' '"none"'
check "map over list: a scalar after the key, the list's lines gone" \
	test "$(changed sm.yaml mb.yaml | grep -vE '^[<>] +(- enc|-----|[A-Za-z0-9+/=]+$|recipient)')" = \
	"$(printf '%s\n' '<   env:' '<   - name: ' '<     value: ' '<   - name: ' '<     value: ' '>   env: ')"
check "  ... and decrypts so" test "$(plain mb.yaml)" = \
	"$(printf '# head comment\napp:\n  name: web # the name\n  # about env\n  env: none\n  ports: [80, 443]\nother: keep')"

setm mc.yaml '["other"]' '{"k": [1, {"d": "e"}]}'
check "map over scalar: block lines below the key" test "$(changed sm.yaml mc.yaml)" = \
	"$(printf '%s\n' '< other: ' '> other:' '>   k:' '>   - ' '>   - d: ')"
check "  ... and decrypts so" test "$(plain mc.yaml | tail -4)" = \
	"$(printf 'other:\n  k:\n  - 1\n  - d: e')"

setm md.yaml '["app"]["env"][1]' '[1, [2, 3]]'
check "list over a list item: '- - ' lines where the item was" \
	test "$(changed sm.yaml md.yaml)" = \
	"$(printf '%s\n' '<   - name: ' '<     value: ' '>   - - ' '>     - - ' '>       - ')"
check "  ... and decrypts so" test "$(plain md.yaml | sed -n 5,10p)" = \
	"$(printf '  env:\n  - name: A\n    value: "1"\n  - - 1\n    - - 2\n      - 3')"

setm me.yaml '["app"]["env"][0]["value"]' '{"x": {"y": {"z": "deep"}}}'
check "nested: a map three deep in a list item" test "$(plain me.yaml | sed -n 6,10p)" = \
	"$(printf '  - name: A\n    value:\n      x:\n        "y":\n          z: deep')"
check "  ... only that line changed" test "$(changed sm.yaml me.yaml)" = \
	"$(printf '%s\n' '<     value: ' '>     value:' '>       x:' '>         "y":' '>           z: ')"

setm mf.yaml '["app"]["ports"]' '{"http": 80}'
check "a flow list is replaced in flow style" test "$(changed sm.yaml mf.yaml)" = \
	"$(printf '%s\n' '<   ports: ["' '>   ports: {http: "')"
run "$VEIL" decrypt --extract '["app"]["ports"]["http"]' mf.yaml
check "  ... and its leaf decrypts" test "$(cat "$T/out")" = 80

cp md.yaml mg.yaml
run "$VEIL" set mg.yaml '["app"]' '{"a": 1}'
run "$VEIL" set mg.yaml '["app"]["a"]' '"back to a scalar"'
check "set twice: a map, then a scalar inside it" \
	test "$(plain mg.yaml)" = "$(printf '# head comment\napp:\n  a: back to a scalar\nother: keep')"

# an empty {} placeholder (as Helm values have) takes block lines too
printf 'ann: {}\nz: 1\n' >ph.yaml
"$VEIL" encrypt -r "$R" ph.yaml >sph.yaml
run "$VEIL" set sph.yaml '["ann"]' '{"a": "b"}'
check "an empty {} is replaced in block style" \
	test "$(plain sph.yaml)" = "$(printf 'ann:\n  a: b\nz: 1')"

# paths that do not exist yet, as sops set takes them: missing keys are
# made (an index below them makes a list), an index past a list's end
# appends, a scalar in the way is replaced
setm mh.yaml '["new"]["sub"][3]' '"v"'
check "missing keys are made, an index below them makes a list" \
	test "$(plain mh.yaml | tail -3)" = "$(printf 'new:\n  sub:\n  - v')"
setm mi.yaml '["app"]["env"][7]' '{"name": "C"}'
check "an index past the end appends a '- ' line after the last item" \
	test "$(changed sm.yaml mi.yaml)" = '>   - name: '
setm mj.yaml '["app"]["ports"][2]' '8080'
check "  ... and ', x' to a flow list" grep -qx '  ports: \[80, 443, 8080\]' <(plain mj.yaml)
setm mk.yaml '["app"]["name"]["first"]' '"w"'
check "a scalar in the way is replaced by a map" \
	test "$(plain mk.yaml | sed -n 3,4p)" = "$(printf '  name: # the name\n    first: w')"
printf '{\n    "a": {\n        "b": 1,\n        "c": [1, 2]\n    },\n    "d": "x"\n}\n' >jb.json
"$VEIL" encrypt -i -r "$R" jb.json
run "$VEIL" set jb.json '["a"]["c"][2]' '{"n": [1]}'
run "$VEIL" set jb.json '["e"]["f"]' 'true'
run "$VEIL" decrypt jb.json
check "JSON: appended and made the same way" test "$(cat "$T/out")" = \
	"$(printf '{\n    "a": {\n        "b": 1,\n        "c": [1, 2, {"n": [1]}]\n    },\n    "d": "x",\n    "e": {\n        "f": true\n    }\n}')"

printf 'l:\n    - port: 1\nf: {a: 1}\ne: {}\nd:\n  x:\n    y: 1\nz: 1\n' >nk.yaml
"$VEIL" encrypt -r "$R" nk.yaml >snk.yaml
run "$VEIL" set snk.yaml '["l"][0]["k"]' '2'
run "$VEIL" set snk.yaml '["f"]["b"]' '3'
run "$VEIL" set snk.yaml '["e"]["c"]' '4'
run "$VEIL" set snk.yaml '["d"]["w"]' '5'
check "new keys: after a '- ' item's key, in a flow map, in {}, after a nested map" \
	test "$(plain snk.yaml)" = \
	"$(printf 'l:\n    - port: 1\n      k: 2\nf: {a: 1, "b": 3}\ne:\n    c: 4\nd:\n  x:\n    y: 1\n  w: 5\nz: 1')"

# a tag belongs to the old value's kind: it goes when the kind changes
printf 'b: !!map\n  c: 1\nd: &x !!str 5\n' >tag.yaml
"$VEIL" encrypt -r "$R" tag.yaml >stag.yaml
run "$VEIL" set stag.yaml '["b"]' '7'
run "$VEIL" set stag.yaml '["d"]' '{"k": 1}'
check "tags go with the kind they named, anchors stay" \
	test "$(plain stag.yaml)" = "$(printf 'b: 7\nd: &x\n  k: 1')"

# selection rules: a map set under an unencrypted key stays plaintext
"$VEIL" encrypt -r "$R" --encrypted-regex '^(env|db)$' m.yaml >rm.yaml
cp rm.yaml rn.yaml
run "$VEIL" set rn.yaml '["other"]' '{"k": "plainval", "db": {"pw": "secretval"}}'
expect_rc 0 "set a map under an unencrypted key"
check "  ... its leaves stay plaintext as sops would leave them" grep -q '^  k: plainval$' rn.yaml
check "  ... except under a key the rule encrypts" \
	test "$(grep -c secretval rn.yaml)" = 0 -a "$(grep -c '^    pw: ENC\[' rn.yaml)" = 1
run "$VEIL" decrypt --extract '["other"]["db"]["pw"]' rn.yaml
check "  ... which decrypts" test "$(cat "$T/out")" = secretval

# JSON: the file's indentation (4 spaces here) for a value over lines
printf '{\n    "a": {\n        "b": 1,\n        "c": [1, 2]\n    },\n    "d": "x"\n}\n' >m.json
"$VEIL" encrypt -r "$R" m.json >sm.json
cp sm.json ja.json
run "$VEIL" set ja.json '["a"]' '{"z": [1, {"q": null}], "e": {}}'
expect_rc 0 "JSON: a map over a map"
run "$VEIL" decrypt ja.json
check "  ... laid out in the file's indentation" test "$(cat "$T/out")" = \
	"$(printf '{\n    "a": {\n        "z": [\n            1,\n            {\n                "q": null\n            }\n        ],\n        "e": {}\n    },\n    "d": "x"\n}')"
check "  ... the other values are byte-identical" \
	test "$(grep '"d":' sm.json)" = "$(grep '"d":' ja.json)"
run "$VEIL" set ja.json '["a"]' '"s"'
run "$VEIL" decrypt ja.json
check "JSON: a scalar over a map" test "$(cat "$T/out")" = \
	"$(printf '{\n    "a": "s",\n    "d": "x"\n}')"

# CRLF files get CRLF lines
printf 'a:\r\n  b: 1\r\nc: x\r\n' >crlf.yaml
"$VEIL" encrypt -r "$R" crlf.yaml >scrlf.yaml
run "$VEIL" set scrlf.yaml '["a"]' '{"z": [1]}'
run "$VEIL" set scrlf.yaml '["n"]' '{"k": "v"}'
"$VEIL" decrypt scrlf.yaml >crlf.out 2>/dev/null
check "CRLF: the new lines end in CRLF too" \
	test "$(od -An -c crlf.out | tr -d ' \n')" = \
	"$(printf 'a:\r\n  z:\r\n    - 1\r\nc: x\r\nn:\r\n  k: v\r\n' | od -An -c | tr -d ' \n')"

# failures: a clear message, nothing on stdout, the file untouched
# bad VALUE WANT-RC WHAT REGEX [FILE [PATH]]
bad() {
	local f=${5:-sm.yaml} path=${6:-'["app"]'}
	cp "$f" "bad.${f##*.}"
	run "$VEIL" set "bad.${f##*.}" "$path" "$1"
	expect_rc "$2" "$3"
	err_has "$4" "  ... says why"
	check "  ... prints nothing on stdout" test ! -s "$T/out"
	check "  ... leaves the file untouched" same "$f" "bad.${f##*.}"
}
bad '{"a": }' 2 "invalid JSON" "not valid JSON"
bad '{"a": 1, "a": 2}' 2 "a duplicate key" "duplicate key"
bad '[1, 2' 2 "an unclosed list" "not valid JSON"
bad '{"a": 01}' 2 "a JSON number with a leading zero" "not valid JSON"
bad "$(printf '%0300d' 0 | tr 0 '[')$(printf '%0300d' 0 | tr 0 ']')" 11 "nesting too deep" \
	"deeper than"
bad '{"a": "\ud800"}' 2 "a lone surrogate" "surrogate"
bad '{"a": [1]}' 1 "dotenv: an object" "dotenv and INI values are strings" s.env '["B"]'
bad '"x"' 1 "INI: a section replaced by a value" "INI section" s.ini '["db"]'
printf 'base: &b\n  x: 1\nuse: *b\n' >al.yaml
"$VEIL" encrypt --cipher chacha20-poly1305 -r "$R" al.yaml >sal.yaml # aliases stay
bad '{"y": 2}' 1 "a path through a YAML alias" "alias" sal.yaml '["use"]["x"]'
awk 'BEGIN { printf "["; for (i = 0; i < 300000; i++) printf "\"abcd\","; print "1]" }' >huge.json
cp sm.yaml bad.yaml
run "$VEIL" set --value-file bad.yaml '["app"]' huge.json
expect_rc 11 "a value over 1 MiB"
err_has "larger than" "  ... says why"
check "  ... leaves the file untouched" same sm.yaml bad.yaml
printf '{"a": "\377"}' >badutf8.json
run "$VEIL" set --value-file bad.yaml '["app"]' badutf8.json
expect_rc 2 "a value that is not UTF-8"
check "  ... leaves the file untouched" same sm.yaml bad.yaml
finish
