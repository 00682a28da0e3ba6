#!/usr/bin/env bash
# The project's own tracked files pass `veil check`: the example keys, test
# keys, fuzz seeds and the labelled fixtures of tests/data/check are
# allowlisted one by one in .veilignore (path + rule + SHA-256 of the
# secret), never by a directory exclusion. To refresh the entries after
# changing such files:  git ls-files -z | xargs -0 veil check --print-ignore
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

SRC=${VEIL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v git >/dev/null || { echo "skip: git is not installed"; exit 77; }
git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1 ||
	{ echo "skip: $SRC is not a git work tree"; exit 77; }

cd "$SRC" || exit 1
git ls-files -z >"$T/files"
n=$(tr -cd '\0' <"$T/files" | wc -c)
# one veil process for all files (xargs would split the list and the
# whole-tree checks would not see every file)
mapfile -d '' files <"$T/files"
"$VEIL" check --root "$SRC" "${files[@]}" >"$T/out" 2>"$T/err"
rc=$?
if [ "$rc" = 0 ]; then
	ok "veil check passes on the $n tracked files"
else
	fail "veil check on the tracked files: exit $rc"
	head -40 "$T/out"
fi
# the same through git: every file of the index, read from the object
# database (what CI's checkout holds), with the index's .veilignore
(cd "$SRC" && "$VEIL" check --all >"$T/out" 2>"$T/err")
rc=$?
if [ "$rc" = 0 ]; then
	ok "veil check --all passes on the repository's own index"
else
	fail "veil check --all on the repository: exit $rc"
	head -40 "$T/out"
fi
# the allowlist is explicit: no entry may name a directory or a pattern
if grep -vE '^(#|$)' .veilignore | grep -qvE '^[^ *?]+ [a-z0-9-]+ [0-9a-f]{64}$'; then
	fail ".veilignore has entries that are not PATH RULE SHA256"
else
	ok ".veilignore entries are all PATH RULE SHA256"
fi
finish
