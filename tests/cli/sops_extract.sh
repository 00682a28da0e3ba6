#!/usr/bin/env bash
# veil decrypt --extract, as sops decrypt --extract: a scalar prints bare, a
# map or a list prints as a YAML (or --output-type json) document, and a path
# that does not lead anywhere exits 91 with nothing on stdout.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

"$VEIL" keygen -o k.txt 2>/dev/null
P=$(sed -n 2p k.txt | cut -d' ' -f4)
cat >in.yaml <<'YAML'
db:
  user: admin
  ports: [5432, 5433]
hosts:
- a.internal
- b.internal
nested:
- k: v
  j: [1, 2]
- []
empty: []
YAML
run "$VEIL" encrypt -r "$P" -o in.enc.yaml in.yaml
expect_rc 0 "encrypt"

extract() { run "$VEIL" decrypt --identity k.txt --extract "$@" in.enc.yaml; }

extract '["db"]["user"]'
check "a scalar prints bare" test "$(cat "$T/out")" = admin
extract '["db"]'
check "a map prints as YAML" diff -u <(printf 'user: admin\nports:\n    - 5432\n    - 5433\n') "$T/out"
extract '["hosts"]'
expect_rc 0 "a list extracts"
check "a list prints as a YAML sequence" diff -u <(printf -- '- a.internal\n- b.internal\n') "$T/out"
extract '["nested"]'
check "a list of maps and lists prints as YAML" \
	diff -u <(printf -- '- k: v\n  j:\n      - 1\n      - 2\n- []\n') "$T/out"
extract '["empty"]'
check "an empty list prints as []" test "$(cat "$T/out")" = '[]'
extract '["hosts"][1]'
check "a list item prints bare" test "$(cat "$T/out")" = b.internal
run "$VEIL" decrypt --identity k.txt --output-type json --extract '["nested"]' in.enc.yaml
expect_rc 0 "a list extracts as JSON"
check "the JSON list is the same value (tab-indented, as sops prints JSON)" \
	diff -u <(printf '[\n\t{\n\t\t"k": "v",\n\t\t"j": [\n\t\t\t1,\n\t\t\t2\n\t\t]\n\t},\n\t[]\n]\n') "$T/out"

for bad in '["nope"]' '["hosts"][2]' '["db"][0]' '["hosts"]["x"]'; do
	extract "$bad"
	expect_rc 91 "--extract $bad fails"
	check "--extract $bad prints nothing" test ! -s "$T/out"
done

finish
