#!/usr/bin/env bash
# veil check refuses every plaintext-Secret attempt of the corpus
# tests/data/check/attack (made by tests/data/check/attacks.py): each
# attack/RULE--NAME must exit 1 with a RULE finding, on its own and through
# git (--staged, the pre-commit hook's mode). The classes: aliases and merge
# keys, escapes, tags, flow styles, templates, NUL bytes and other
# encodings, syntax errors in other documents, JSON streams, kustomize
# generators and patches, sops metadata that declares a value unencrypted,
# and detector gaps (issue 11). Then what is made at run time: a Secret
# past 9 MiB, one past a million nodes, and an alias bomb that must end
# quickly.
# Scanned with --no-ignore: the corpus is allowlisted in .veilignore.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

SRC=${VEIL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
D=$SRC/tests/data/check/attack
[ -d "$D" ] || { echo "skip: no corpus in $D"; exit 77; }

n=0 refused=0
cd "$D" || exit 1
while IFS= read -r -d '' f; do
	f=${f#./}
	name=$(basename "$f")
	want=${name%%--*}
	n=$((n + 1))
	run "$VEIL" check --no-ignore --root "$D" --format json "$f"
	if [ "$rc" = 1 ] && grep -q "\"rule\":\"$want\"" "$T/out"; then
		refused=$((refused + 1))
	else
		fail "not refused: $f (exit $rc): $(head -c 300 "$T/out")"
	fi
done < <(find . -type f ! -name '.sops.yaml' -print0 | sort -z)
[ "$n" -gt 80 ] && [ "$refused" = "$n" ] && ok "all $n attempts refused" ||
	fail "$refused of $n attempts refused"
echo "refused: $refused/$n plaintext-Secret attempts"

# through git: the same files staged, the hook's own command refuses them
cd "$T" || exit 1
command -v git >/dev/null || { echo "skip: git is not installed"; finish; }
g() { git -c user.name=veil-test -c user.email=test@example.invalid "$@"; }
git init -q repo && cd repo || exit 1
cp -R "$D/." .
g add -A
run "$VEIL" check --staged --no-ignore --format json
nrules=$(grep -o '"path":"[^"]*"' "$T/out" | sort -u | wc -l)
[ "$rc" = 1 ] && [ "$nrules" = "$n" ] && ok "--staged: a finding in each of the $n files" ||
	fail "--staged: exit $rc, findings in $nrules of $n files"

# made at run time (too big for the repository): a Secret after 9 MiB of
# padding is checked (it used to be past the default --max-size)
cd "$T" || exit 1
mkdir big && cd big || exit 1
{
	head -c 9437184 /dev/zero | tr '\0' '#' | fold -w 100
	printf '\napiVersion: v1\nkind: Secret\nmetadata:\n  name: a\nstringData:\n  app.conf: hunter2-corpus\n'
} >big.yaml
run "$VEIL" check --no-ignore --format json big.yaml
[ "$rc" = 1 ] && grep -q '"rule":"k8s-secret-plaintext"' "$T/out" &&
	ok "a Secret after 9 MiB is refused" || fail "a Secret after 9 MiB: exit $rc"
# --max-size still cuts the detectors, but says so
run "$VEIL" check --no-ignore --max-size 1000 --format json big.yaml
grep -q '"rule":"check-skipped","severity":"warning"' "$T/out" &&
	grep -q '"rule":"k8s-secret-plaintext"' "$T/out" &&
	ok "--max-size: a warning, and the Kubernetes check still runs" ||
	fail "--max-size: $(head -c 300 "$T/out")"
rm -f big.yaml

# a Secret after more nodes than veil builds (a million): refused as too
# large to check, never passed
python3 -c 'import sys; sys.stdout.write("apiVersion: v1\nkind: Secret\nmetadata: {name: a}\nextra: [" + "0," * 1000001 + "0]\nstringData:\n  app.conf: hunter2-corpus\n")' >huge.yaml
run "$VEIL" check --no-ignore --format json huge.yaml
[ "$rc" = 1 ] && grep -q '"rule":"yaml-too-large"' "$T/out" &&
	ok "a document past the node limit is refused" || fail "node limit: exit $rc: $(head -c 300 "$T/out")"
rm -f huge.yaml

# an alias bomb (10 levels of 10 aliases: 10^10 nodes expanded) ends fast
# with a finding, never passes silently, never hangs the hook
{
	printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n  labels:\n    a0: &a0 {x: y}\n'
	for i in 1 2 3 4 5 6 7 8 9; do
		printf '    a%d: &a%d {' "$i" "$i"
		for j in 0 1 2 3 4 5 6 7 8 9; do printf '<<: *a%d, k%d: v, ' $((i - 1)) "$j"; done
		printf 'z: z}\n'
	done
	printf 'stringData:\n  <<: [*a9, *a9, *a9, *a9, *a9, *a9, *a9, *a9, *a9, *a9]\n'
} >bomb.yaml
run timeout 20 "$VEIL" check --no-ignore --format json bomb.yaml
[ "$rc" = 1 ] && grep -q '"rule":"yaml-alias-bomb"' "$T/out" &&
	ok "an alias bomb is refused, not expanded (exit $rc)" ||
	fail "alias bomb: exit $rc: $(head -c 300 "$T/out")"
finish
