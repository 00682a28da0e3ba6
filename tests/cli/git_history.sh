#!/usr/bin/env bash
# veil check --history / --all / --staged on a real repository: a Secret
# committed in plaintext and removed in a later commit is still found by
# --history, named by the commit that introduced it, each blob once; --all
# and --staged look at the index only; a path with filter=veil whose staged
# blob is plaintext (the filter was bypassed) is refused. Values are made up
# at run time, so this script holds no secret.
. "$(dirname "$0")/common.bash"

command -v git >/dev/null || { echo "skip: git is not installed"; exit 77; }
g() { git -c user.name=veil-test -c user.email=test@example.invalid "$@"; }
rnd() { head -c 18 /dev/urandom | base64 | tr -d '/+=\n'; }

git init -q -b main repo && cd repo || exit 1
printf 'hello\n' >README && g add README && g commit -qm one
printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  token: %s\n' "$(rnd)" >leak.yaml
g add leak.yaml && g commit -qm leak
leak=$(git rev-parse HEAD)
cp leak.yaml copy.yaml && g add copy.yaml && g commit -qm "same blob again"
g rm -q leak.yaml copy.yaml && g commit -qm "remove the leak"

run "$VEIL" check --all
expect_rc 0 "--all: the tree no longer has the Secret"
run "$VEIL" check --staged
expect_rc 0 "--staged: nothing staged, nothing found"
run "$VEIL" check --history
expect_rc 1 "--history finds the Secret removed in a later commit"
check "the finding names the file" grep -q "leak.yaml" "$T/out"
check "and the commit that introduced it" grep -q "$leak" "$T/out"
check "the same blob under a second name is reported once" test "$(grep -c 'introduced by commit' "$T/out")" -eq 1
run "$VEIL" check --history --format json
expect_rc 1 "--history --format json"
check "json output parses" python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/out"
check "each json finding names the commit that introduced it" python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
assert f and all(x.get("commit") == sys.argv[2] for x in f), f' "$T/out" "$leak"
run "$VEIL" check --history --format sarif
expect_rc 1 "--history --format sarif"
check "each sarif result names the commit (partialFingerprints.commitSha, properties.commit)" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))["runs"][0]["results"]
assert r and all(x["partialFingerprints"]["commitSha"] == sys.argv[2] and
                 x["properties"]["commit"] == sys.argv[2] for x in r), r' "$T/out" "$leak"
g checkout -q "$leak"
run "$VEIL" check --all --format json
expect_rc 1 "--all on the commit with the Secret"
check "--all findings have no commit field" python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
assert f and all("commit" not in x for x in f), f' "$T/out"
g checkout -q main

# filter=veil with a plaintext blob staged behind the filter's back
printf 'config.yaml filter=veil diff=veil\n' >.gitattributes
g add .gitattributes && g commit -qm attrs
printf 'password: %s\n' "$(rnd)" >config.yaml
blob=$(git hash-object -w config.yaml)
git update-index --add --cacheinfo 100644 "$blob" config.yaml
run "$VEIL" check --staged
expect_rc 1 "--staged refuses a plaintext blob on a filter=veil path"
check "it names the path" grep -q "config.yaml" "$T/out"
git rm -q --cached config.yaml

# --staged reads the index, not the working tree
printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\nstringData:\n  token: %s\n' "$(rnd)" >late.yaml
printf 'kind: ConfigMap\n' >staged.yaml && g add staged.yaml
mv late.yaml staged.yaml
run "$VEIL" check --staged
expect_rc 0 "--staged checks the staged blob, not the plaintext in the working tree"
g add staged.yaml
run "$VEIL" check --staged
expect_rc 1 "once staged, it is refused"

cd "$T" || exit 1
run "$VEIL" check --staged
expect_rc 2 "--staged outside a repository is an error"
finish
