#!/usr/bin/env bash
# veil hook install | uninstall: writes git-hooks/pre-commit into the hooks
# directory (core.hooksPath respected), chains a hook that was there (it runs
# after veil's check passed), and uninstall puts it back byte for byte.
# The check itself is stubbed here (VEIL=stub); git_guard.sh runs the real one.
src=${VEIL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$(dirname "$0")/common.bash"

command -v git >/dev/null || { echo "skip: git is not installed"; exit 77; }
g() { git -c user.name=veil-test -c user.email=test@example.invalid "$@"; }
printf '#!/bin/sh\nexit 0\n' >"$T/pass" && printf '#!/bin/sh\nexit 1\n' >"$T/refuse"
chmod +x "$T/pass" "$T/refuse"

git init -q -b main repo && cd repo || exit 1
printf '#!/bin/sh\necho ran >"%s/chained-ran"\n' "$T" >.git/hooks/pre-commit
chmod +x .git/hooks/pre-commit
cp .git/hooks/pre-commit "$T/old-hook"

run "$VEIL" hook install
expect_rc 0 "hook install"
check "the installed hook is git-hooks/pre-commit" same "$src/git-hooks/pre-commit" .git/hooks/pre-commit
check "it is executable" test -x .git/hooks/pre-commit
check "the existing hook is kept as pre-commit.veil-chained" same "$T/old-hook" .git/hooks/pre-commit.veil-chained
err_has "veil-chained" "install says where the old hook went"

echo a >a.txt && git add a.txt
VEIL="$T/refuse" run g commit -qm refused
check "a failing check refuses the commit" test "$rc" -ne 0 -a -z "$(git rev-list --all 2>/dev/null)"
check "the chained hook does not run after a refusal" test ! -e "$T/chained-ran"
VEIL="$T/pass" run g commit -qm passed
expect_rc 0 "a passing check lets the commit through"
check "the chained hook runs after veil's check" test -e "$T/chained-ran"

run "$VEIL" hook install
expect_rc 0 "a second install"
check "a second install does not chain veil's own hook" same "$T/old-hook" .git/hooks/pre-commit.veil-chained

run "$VEIL" hook uninstall
expect_rc 0 "hook uninstall"
check "uninstall restores the old hook byte for byte" same "$T/old-hook" .git/hooks/pre-commit
check "and removes the chained copy" test ! -e .git/hooks/pre-commit.veil-chained
run "$VEIL" hook uninstall
check "uninstall of a hook veil did not write fails" test "$rc" -eq 1
check "and leaves that hook alone" same "$T/old-hook" .git/hooks/pre-commit

# core.hooksPath, relative to the working tree's root, created if missing.
git config core.hooksPath .githooks
mkdir -p sub && cd sub || exit 1
run "$VEIL" hook install
cd .. || exit 1
expect_rc 0 "install with core.hooksPath (from a subdirectory)"
check "the hook goes to core.hooksPath" same "$src/git-hooks/pre-commit" .githooks/pre-commit
check "the default hooks directory is untouched" same "$T/old-hook" .git/hooks/pre-commit
echo b >b.txt && git add b.txt
VEIL="$T/refuse" run g commit -qm refused
check "git runs the hook from core.hooksPath" test "$rc" -ne 0
run "$VEIL" hook uninstall
check "uninstall with core.hooksPath removes it" test "$rc" -eq 0 -a ! -e .githooks/pre-commit

cd "$T" || exit 1
run "$VEIL" hook install
check "outside a repository install fails" test "$rc" -eq 1
run "$VEIL" hook frobnicate
expect_rc 2 "an unknown subcommand is a usage error"
finish
