#!/usr/bin/env bash
# The git filter: `veil git setup` from .sops.yaml rules, `git add` stores
# ciphertext, checkout with a key restores plaintext, `git status` stays
# clean, an edit of one value changes one value line (plus mac and
# lastmodified), and no key never breaks a checkout.
. "$(dirname "$0")/common.bash"

command -v git >/dev/null || { echo "skip: git is not installed"; exit 77; }
mkdir -p "$T/bin" "$XDG_CONFIG_HOME/veil"
ln -s "$VEIL" "$T/bin/veil"
export PATH="$T/bin:$PATH"
g() { git -c user.name=veil-test -c user.email=test@example.invalid "$@"; }

"$VEIL" keygen -o "$XDG_CONFIG_HOME/veil/keys.txt" 2>"$T/pub" || exit 1
recipient=$(grep -o 'age1[0-9a-z]*' "$T/pub")
git init -q -b main repo && cd repo || exit 1
printf 'creation_rules:\n  - path_regex: ^secrets/.*\\.yaml$\n    age: %s\n' "$recipient" >.sops.yaml

run "$VEIL" git setup
expect_rc 0 "git setup takes its patterns from the .sops.yaml rule"
check "the filter and diff drivers are in .git/config" \
	test "$(git config filter.veil.clean)" = "veil git clean -- %f" -a \
	"$(git config filter.veil.required)" = true -a "$(git config diff.veil.textconv)" = "veil git textconv"
mkdir -p secrets/prod other
check "rule paths get filter=veil at any depth below secrets/" \
	test "$(git check-attr filter -- secrets/a.yaml secrets/prod/b.yaml other/c.yaml .sops.yaml |
		awk '{print $3}' | tr '\n' ' ')" = "veil veil unspecified unset "
run "$VEIL" git setup
check "a second setup adds no duplicate lines" test "$(grep -c 'filter=veil' .gitattributes)" -eq 2

# values made up at run time, so this script holds none
old=$(head -c 12 /dev/urandom | base64 | tr -d '/+=') new=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
printf 'db:\n  user: admin\n  password: %s\napi_token: %s\n' "$old" "$(head -c 9 /dev/urandom | base64)" >secrets/a.yaml
cp secrets/a.yaml "$T/plain.yaml"
run g add .
expect_rc 0 "git add runs the clean filter"
git cat-file -p :secrets/a.yaml >"$T/staged"
check "the index holds ciphertext, not the plaintext" \
	eval '! grep -qF "$old" "$T/staged" && grep -q "password: ENC\[" "$T/staged" && grep -q "^sops:" "$T/staged"'
check "the working tree keeps the plaintext" same "$T/plain.yaml" secrets/a.yaml
check "git status shows no unstaged change after add" test -z "$(git status --porcelain | grep -v '^A  ')"
touch secrets/a.yaml
check "git status shows no change after the file was touched (clean gives the same bytes)" \
	test -z "$(git status --porcelain | grep -v '^A  ')"
run g commit -qm "encrypted secrets"
expect_rc 0 "commit"

rm secrets/a.yaml
run git checkout -- secrets/a.yaml
check "checkout with a key restores the plaintext" same "$T/plain.yaml" secrets/a.yaml
check "git status is clean after checkout" test -z "$(git status --porcelain)"

sed -i "s/$old/$new/" secrets/a.yaml
run g add secrets/a.yaml
git diff --cached --no-textconv -U0 >"$T/diff"
changed=$(grep -E '^[-+] ' "$T/diff" | sed -E 's/^[-+] *//; s/:.*//' | sort | uniq -c | awk '{print $2 "=" $1}' | tr '\n' ' ')
check "an edit of one value changes its line, mac and lastmodified only ($changed)" \
	eval 'test "$changed" = "lastmodified=2 mac=2 password=2 " ||
		test "$changed" = "mac=2 password=2 "' # lastmodified has one-second steps
git diff --cached >"$T/tdiff"
check "git diff shows the decrypted change through textconv" \
	eval 'grep -qxF -- "-  password: $old" "$T/tdiff" && grep -qxF -- "+  password: $new" "$T/tdiff"'
g commit -qm edit

# Without a key: checkout leaves the file encrypted and never fails.
mv "$XDG_CONFIG_HOME/veil/keys.txt" "$T/keys.txt"
rm secrets/a.yaml
run git checkout -- secrets/a.yaml
expect_rc 0 "checkout without a key succeeds"
check "without a key the working tree gets the ciphertext" cmp -s secrets/a.yaml <(git cat-file -p :secrets/a.yaml)
touch secrets/a.yaml
check "git status is clean (encrypted input passes through clean unchanged)" \
	test -z "$(git status --porcelain)"
run "$VEIL" git textconv secrets/a.yaml
check "textconv without a key prints the file as it is" rc0_same secrets/a.yaml "$T/out"
mv "$T/keys.txt" "$XDG_CONFIG_HOME/veil/keys.txt"

# An empty file has nothing to encrypt: stored empty, not refused.
: >secrets/empty.yaml
run g add secrets/empty.yaml
check "an empty file is stored as it is" test "$rc" -eq 0 -a -z "$(git cat-file -p :secrets/empty.yaml)"

# A new file in a directory with no rule is refused, since required=true.
printf 'x: 1\n' >other/c.yaml
run "$VEIL" git setup 'other/*.yaml'
expect_rc 0 "setup with an explicit pattern"
run g add other/c.yaml
check "git add of a filtered file with no creation rule fails (filter.veil.required)" test "$rc" -ne 0
err_has "creation rule|recipients" "the error says why"

# setup without patterns needs translatable rules
cd "$T" && git init -q -b main bare-rules && cd bare-rules || exit 1
printf 'creation_rules:\n  - age: %s\n' "$recipient" >.sops.yaml
run "$VEIL" git setup
expect_fail "a rule without path_regex covers every file: setup wants patterns"
err_has "give the patterns" "with a hint"
finish
