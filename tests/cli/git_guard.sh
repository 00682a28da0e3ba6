#!/usr/bin/env bash
# The guard in real git repositories: each commit below is refused, and a
# correctly encrypted one passes, both through veil's own hook
# (`veil hook install`) and through the pre-commit framework (Debian
# pre-commit, `repo:` a git copy of .pre-commit-hooks.yaml, language: system).
#   a plaintext Secret (data), stringData, a plaintext key added to an
#   encrypted Secret, a plaintext value pasted into an encrypted file, an
#   age identity file, a file a .sops.yaml rule covers but left unencrypted.
# Secret values are made up at run time, so this script holds none.
src=${VEIL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$(dirname "$0")/common.bash"

command -v git >/dev/null || { echo "skip: git is not installed"; exit 77; }
if ! "$VEIL" check --help >/dev/null 2>&1; then
	echo "skip: this veil has no 'check' command yet"
	exit 77
fi
mkdir -p "$T/bin"
ln -s "$VEIL" "$T/bin/veil"
export PATH="$T/bin:$PATH"
g() { git -c user.name=veil-test -c user.email=test@example.invalid "$@"; }
rnd() { head -c 18 /dev/urandom | base64 | tr -d '/+=\n'; }

"$VEIL" keygen -o "$T/key.txt" 2>"$T/pub" || exit 1
recipient=$(grep -o 'age1[0-9a-z]*' "$T/pub")
export VEIL_AGE_KEY_FILE="$T/key.txt"

# The base repository every case starts from: a .sops.yaml rule for
# secrets/, and an encrypted Secret and config already committed.
git init -q -b main base && cd base || exit 1
printf 'creation_rules:\n  - path_regex: ^secrets/\n    encrypted_regex: ^(data|stringData|password|token)$\n    age: %s\n' \
	"$recipient" >.sops.yaml
mkdir -p secrets k8s
printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  password: %s\n' \
	"$(rnd | base64 | tr -d '\n')" >k8s/db-secret.yaml
"$VEIL" encrypt -r "$recipient" --encrypted-regex '^(data|stringData)$' -i k8s/db-secret.yaml || exit 1
printf 'password: %s\nport: 5432\n' "$(rnd)" >secrets/config.yaml
"$VEIL" encrypt -i secrets/config.yaml || exit 1
printf 'hello\n' >README
g add -A && g commit -qm base || exit 1
cd "$T" || exit 1

# case NAME: a fresh clone in $T/w with the files of the case staged by the
# function NAME; its hook decides.
stage_secret_data() {
	printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\ndata:\n  token: %s\n' \
		"$(rnd | base64 | tr -d '\n')" >k8s/api-secret.yaml
}
stage_string_data() {
	rnd >"$T/secret-value"
	printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  token: %s\n' \
		"$(cat "$T/secret-value")" >k8s/api-secret.yaml
}
stage_key_added() {
	# one plaintext key added under data: of the encrypted Secret
	sed -i "/^data:/a\\  extra: $(rnd | base64 | tr -d '\n')" k8s/db-secret.yaml
}
stage_value_pasted() {
	local key=password
	sed -i "s/^$key: .*/$key: $(rnd)/" secrets/config.yaml
}
stage_identity() {
	cp "$T/key.txt" deploy-key.txt
}
stage_rule_plain() {
	printf 'token: %s\n' "$(rnd)" >secrets/new.yaml
}
stage_encrypted_ok() {
	printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  token: %s\n' \
		"$(rnd)" >k8s/api-secret.yaml
	"$VEIL" encrypt -r "$recipient" --encrypted-regex '^(data|stringData)$' -i k8s/api-secret.yaml
	printf 'token: %s\n' "$(rnd)" >secrets/new.yaml
	"$VEIL" encrypt -i secrets/new.yaml
}

# the classes of issue 11, as they reach a real commit
stage_alias() {
	printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\n  annotations:\n    note: &p %s\nstringData:\n  app.conf: *p\n' \
		"$(rnd)" >k8s/api-secret.yaml
}
stage_escaped_kind() {
	printf 'apiVersion: v1\nkind: "\\x53ecret"\nmetadata:\n  name: api\nstringData:\n  app.conf: %s\n' \
		"$(rnd)" >k8s/api-secret.yaml
}
stage_utf16() {
	printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  app.conf: %s\n' \
		"$(rnd)" | iconv -f UTF-8 -t UTF-16 >k8s/api-secret.yaml
}
stage_nul() {
	printf '# \0\napiVersion: v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  app.conf: %s\n' \
		"$(rnd)" >k8s/api-secret.yaml
}
stage_broken_document() {
	printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  app.conf: %s\n---\na: [\n' \
		"$(rnd)" >k8s/api-secret.yaml
}
stage_template_literal() {
	printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  app.conf: %s\n' \
		"'{{ \"$(rnd)\" }}'" >k8s/api-secret.yaml
}
stage_self_declared() {
	printf 'password: %s\n' "$(rnd)" >secrets/self.yaml
	"$VEIL" encrypt --unencrypted-regex '^password$' -i secrets/self.yaml
}

refused_cases="secret_data string_data key_added value_pasted identity rule_plain alias
	escaped_kind utf16 nul broken_document template_literal self_declared"
# the file each refusal must name
path_secret_data=k8s/api-secret.yaml path_string_data=k8s/api-secret.yaml
path_key_added=k8s/db-secret.yaml path_value_pasted=secrets/config.yaml
path_identity=deploy-key.txt path_rule_plain=secrets/new.yaml
path_alias=k8s/api-secret.yaml path_escaped_kind=k8s/api-secret.yaml path_utf16=k8s/api-secret.yaml
path_nul=k8s/api-secret.yaml path_broken_document=k8s/api-secret.yaml
path_template_literal=k8s/api-secret.yaml path_self_declared=secrets/self.yaml

# try HOW CASE: 0 if the commit went through
try() {
	rm -rf "$T/w"
	git clone -q "$T/base" "$T/w" && cd "$T/w" || return 2
	case $1 in
	native) "$VEIL" hook install 2>/dev/null || return 2 ;;
	framework) pre-commit install >/dev/null 2>&1 || return 2 ;;
	esac
	"stage_$2" && git add -A || return 2
	g commit -qm "$2" >"$T/out" 2>"$T/err"
	local status=$?
	local commits
	commits=$(git rev-list --count HEAD)
	cd "$T" || return 2
	if [ "$status" -eq 0 ] && [ "$commits" -eq 2 ]; then return 0; fi
	if [ "$status" -ne 0 ] && [ "$commits" -eq 1 ]; then return 1; fi
	return 2
}

# all_cases HOW
all_cases() {
	local c
	for c in $refused_cases; do
		try "$1" "$c"
		local r=$? want
		want=path_$c
		if [ "$r" -eq 1 ] && cat "$T/out" "$T/err" | grep -qF "${!want}"; then
			ok "$1 hook refuses: $c (names ${!want})"
		else
			fail "$1 hook refuses: $c (result $r)"
		fi
	done
	try "$1" encrypted_ok
	local r=$?
	if [ "$r" -eq 0 ]; then ok "$1 hook lets a correctly encrypted commit through"
	else fail "$1 hook lets a correctly encrypted commit through (result $r)"; fi
}

all_cases native
# `git commit -a` and `git commit PATH` run the hook against a temporary
# index named by GIT_INDEX_FILE: that index is the one checked.
rm -rf "$T/w" && git clone -q "$T/base" "$T/w" && cd "$T/w" && "$VEIL" hook install 2>/dev/null || exit 1
printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: %s\n' "$(rnd)" \
	>k8s/db-secret.yaml
run g commit -qam "commit -a"
check "git commit -a of a tracked file made plaintext is refused" \
	test "$rc" -ne 0 -a "$(git rev-list --count HEAD)" -eq 1
run g commit -qm "commit PATH" -- k8s/db-secret.yaml
check "git commit PATH of it is refused" test "$rc" -ne 0 -a "$(git rev-list --count HEAD)" -eq 1
cd "$T" || exit 1
# the finding names the file and the fix, and never the secret
try native string_data
check "the refusal names the file" grep -q "k8s/api-secret.yaml" "$T/err"
check "the refusal prints no secret value" eval '! grep -qF "$(cat "$T/secret-value")" "$T/out" "$T/err"'

# the fix hint of a value pasted into an encrypted file is what works
# (veil encrypt -i refuses the file, exit 203): restore it, set the value
rm -rf "$T/w" && git clone -q "$T/base" "$T/w" && cd "$T/w" && "$VEIL" hook install 2>/dev/null || exit 1
stage_value_pasted && git add -A
run g commit -qm pasted
check "a pasted value is refused" test "$rc" -ne 0
check "its hint names git restore and veil set with the value's path" \
	grep -qF "git restore --staged --worktree secrets/config.yaml, or delete the line), rotate the secret, then set it encrypted: veil set --value-stdin secrets/config.yaml '[\"password\"]'" "$T/err"
run "$VEIL" encrypt -i secrets/config.yaml
check "veil encrypt -i is no fix (exit 203)" test "$rc" = 203
git restore --staged --worktree secrets/config.yaml
run "$VEIL" set --value-stdin secrets/config.yaml '["password"]' <<<"\"$(rnd)\""
check "veil set --value-stdin as the hint says" test "$rc" = 0
git add secrets/config.yaml
run g commit -qm "value set encrypted"
check "after the hint the commit goes through" test "$rc" = 0 -a "$(git rev-list --count HEAD)" -eq 2
cd "$T" || exit 1

if ! command -v pre-commit >/dev/null; then
	echo "skip (pre-commit framework part): pre-commit is not installed (apt-get install pre-commit)"
	finish
fi
# The hook repository: .pre-commit-hooks.yaml of this source tree in a git
# repository with a commit, as pre-commit wants (rev).
export PRE_COMMIT_HOME="$T/pre-commit-home"
git init -q -b main "$T/hookrepo" && cp "$src/.pre-commit-hooks.yaml" "$T/hookrepo/" &&
	(cd "$T/hookrepo" && git add -A && g commit -qm hooks) || exit 1
rev=$(git -C "$T/hookrepo" rev-parse HEAD)
(cd "$T/base" && printf 'repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: veil\n' \
	"$T/hookrepo" "$rev" >.pre-commit-config.yaml && git add .pre-commit-config.yaml &&
	g commit -q --amend -m base) || exit 1
all_cases framework
finish
