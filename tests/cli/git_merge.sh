#!/usr/bin/env bash
# The merge driver in real repositories: with the drivers `veil git setup`
# installs, branches that change different values of one encrypted YAML,
# JSON and dotenv file merge cleanly through git merge, rebase, cherry-pick
# and pull, and the result decrypts with its MAC verified (by veil, and by
# Go sops for the AES cipher when that peer is installed); each changed value
# keeps its side's ciphertext. Values changed differently on both sides stop
# with the conflicting paths listed, no secret in plaintext anywhere in .git
# (files and every object) nor, without the smudge filter, in the working
# tree, and `veil git mergetool` resolves them. Without an identity the
# driver leaves the conflict to git, ChaCha20-Poly1305 files merge too, and
# keys added on both sides merge, also when one side rotated the data key.
SRC=${VEIL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

command -v git >/dev/null || { echo "skip: git is not installed"; exit 77; }
mkdir -p "$T/bin" "$XDG_CONFIG_HOME/sops/age"
ln -s "$VEIL" "$T/bin/veil"
export PATH="$T/bin:$PATH"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
g() { git -c user.name=veil-test -c user.email=test@example.invalid -c advice.detachedHead=false \
	-c init.defaultBranch=main "$@"; }
KEYS=$XDG_CONFIG_HOME/sops/age/keys.txt
"$VEIL" keygen -o "$KEYS" 2>"$T/pub" || exit 1
recipient=$(grep -o 'age1[0-9a-z]*' "$T/pub")

GOSOPS=$SRC/tests/interop/gosops/go-sops
have_gosops=0
if ! command -v node >/dev/null; then
	echo "note: the Go sops checks are skipped: node is not installed"
elif ! v=$("$GOSOPS" version 2>&1); then
	echo "note: the Go sops checks are skipped: ${v#go-sops: }"
else
	echo "peer: $v"
	have_gosops=1
fi

# Every secret this script writes, made up at run time, so that a grep for
# them means something (the script itself holds none).
secrets=()
fresh() {
	local s
	s=v$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
	secrets+=("$s")
	printf '%s' "$s"
}

# files DIR A B C: the three formats, with values a, b, c on adjacent lines
files() {
	mkdir -p "$1/secrets"
	printf 'a: %s\nb: %s\nc: %s\n' "$2" "$3" "$4" >"$1/secrets/app.yaml"
	printf '{\n\t"a": "%s",\n\t"b": "%s",\n\t"c": "%s"\n}\n' "$2" "$3" "$4" >"$1/secrets/app.json"
	printf 'A=%s\nB=%s\nC=%s\n' "$2" "$3" "$4" >"$1/secrets/app.env"
}

# change OLD NEW: in every file of the (smudged, plaintext) working tree
change() {
	sed -i "s/$1/$2/" secrets/app.yaml secrets/app.json secrets/app.env
}

# verify LABEL A B C: HEAD's blobs decrypt (MAC verified) to these values
verify() {
	local f ext want ok_all=1 go_all=1
	for f in app.yaml app.json app.env; do
		ext=${f#app.}
		git show "HEAD:secrets/$f" >"$T/blob.$ext"
		if ! grep -q 'ENC\[' "$T/blob.$ext" || ! "$VEIL" decrypt "$T/blob.$ext" >"$T/plain" 2>"$T/err" ||
			! grep -q "$2" "$T/plain" || ! grep -q "$3" "$T/plain" || ! grep -q "$4" "$T/plain"; then
			ok_all=0
			echo "     $f: $(head -c 300 "$T/err")"
		fi
		if [ "$have_gosops" = 1 ]; then
			want=$ext
			[ "$ext" = env ] && want=dotenv
			if ! "$GOSOPS" decrypt --input-type "$want" --key "$KEYS" "$T/blob.$ext" >"$T/go" 2>"$T/goerr" ||
				! grep -q "$2" "$T/go" || ! grep -q "$3" "$T/go" || ! grep -q "$4" "$T/go"; then
				go_all=0
				echo "     go sops, $f: $(head -c 300 "$T/goerr")"
			fi
		fi
	done
	check "$1: the merged YAML, JSON and dotenv files decrypt to both changes, MAC verified" test $ok_all = 1
	[ "$have_gosops" = 1 ] && check "$1: Go sops decrypts them too (MAC verified)" test $go_all = 1
	true
}

# the line of key in a blob (the ciphertext a value has there)
line_of() { git show "$1:secrets/app.yaml" | grep "^$2:"; }

new_repo() {
	rm -rf "$T/$1" && g init -q "$T/$1" && cd "$T/$1" || exit 1
	printf 'creation_rules:\n  - path_regex: ^secrets/\n    age: %s\n' "$recipient" >.sops.yaml
}

# --- the drivers from veil git setup
new_repo origin
run "$VEIL" git setup
expect_rc 0 "git setup"
check "setup installs the merge driver and merge=veil" test \
	"$(git config merge.veil.driver)" = "veil git merge %O %A %B %P" -a \
	"$(git check-attr merge -- secrets/app.yaml | awk '{print $3}')" = veil
a0=$(fresh) b0=$(fresh) c0=$(fresh)
files . "$a0" "$b0" "$c0"
g add . && g commit -qm base || exit 1

# each way of combining two branches: theirs changes a, ours changes b
for op in merge rebase cherry-pick; do
	a1=$(fresh) b1=$(fresh)
	g checkout -q -b "side-$op" main && change "$a0" "$a1" && g commit -qam "a on side" || exit 1
	g checkout -q -b "main-$op" main && change "$b0" "$b1" && g commit -qam "b on main" || exit 1
	case $op in
	merge) run g merge --no-edit "side-$op" ;;
	rebase) g checkout -q "side-$op" && run g rebase "main-$op" ;;
	cherry-pick) run g cherry-pick "side-$op" ;;
	esac
	expect_rc 0 "git $op of two branches that changed different values"
	check "git $op: nothing left unmerged" test -z "$(git status --porcelain)"
	verify "git $op" "$a1" "$b1" "$c0"
	check "git $op: each changed value keeps its side's ciphertext, the rest the base's" \
		test "$(line_of HEAD a)" = "$(line_of "side-$op" a)" -a "$(line_of HEAD b)" = "$(line_of "main-$op" b)" \
		-a "$(line_of HEAD c)" = "$(line_of main c)"
	g checkout -q main
done

# git pull: a clone that sets the drivers up too, and origin moving on
g clone -q "$T/origin" "$T/clone" && cd "$T/clone" || exit 1
"$VEIL" git setup 2>/dev/null && rm secrets/* && g checkout -- secrets
a2=$(fresh) b2=$(fresh)
change "$a0" "$a2" && g commit -qam "a in the clone"
(cd "$T/origin" && change "$b0" "$b2" && g commit -qam "b upstream")
run g pull --no-rebase --no-edit origin main
expect_rc 0 "git pull of an upstream that changed another value"
verify "git pull" "$a2" "$b2" "$c0"

# --- a conflict with the filter: the working tree has ours smudged (that
# is what the filter is for); .git holds no plaintext of any side
cd "$T/origin" || exit 1
c1=$(fresh) c2=$(fresh)
g checkout -q -b conflict-side main && change "$c0" "$c1" && g commit -qam "c on side"
g checkout -q main && change "$c0" "$c2" && g commit -qam "c on main"
run g merge --no-edit conflict-side
expect_fail "git merge stops at a value changed differently on both sides"
err_has 'app.yaml:3: conflict: \["c"\]' "the conflicting path is listed (YAML)"
err_has 'app.json:4: conflict: \["c"\]' "the conflicting path is listed (JSON)"
err_has 'app.env:3: conflict: \["C"\]' "the conflicting path is listed (dotenv)"
check "git marks the three files unmerged" test "$(git status --porcelain | grep -c '^UU')" -eq 3
check "the conflicts are recorded for mergetool" eval 'grep -qF "[\"c\"]" .git/veil-merge/*/conflicts'

# no_plaintext WHAT DIR...: no secret of this script in DIR's files, and
# none in any object of the repository (loose and packed)
no_plaintext() {
	local what=$1 s found=""
	shift
	git cat-file --batch-all-objects --batch >"$T/objects"
	for s in "${secrets[@]}"; do
		if grep -rqF -- "$s" "$@" "$T/objects"; then found="$found $s"; fi
	done
	check "$what" test -z "$found"
}
g gc -q --prune=now 2>/dev/null # packed objects too
no_plaintext "no secret in plaintext anywhere in .git or its objects" .git
check "the working tree has ours, not theirs" \
	eval 'grep -q "$c2" secrets/app.yaml && ! grep -rqF "$c1" --exclude-dir=.git .'
cat >"$T/keep-theirs" <<'EOF'
#!/bin/sh
sed -i '/^ours:/d; /^base:/d' "$1"
EOF
chmod +x "$T/keep-theirs"
run env EDITOR="$T/keep-theirs" veil git mergetool secrets/app.yaml
expect_rc 0 "veil git mergetool resolves the YAML file with the editor's choice"
check "mergetool writes ciphertext, decrypting to theirs" \
	eval 'grep -q "^c: ENC\[" secrets/app.yaml && veil decrypt secrets/app.yaml | grep -q "^c: $c1"'
for f in app.json app.env; do
	EDITOR="$T/keep-theirs" veil git mergetool "secrets/$f" 2>/dev/null
done
g add secrets && g commit -qm "merged" || exit 1
verify "after mergetool" "$c1" "$a0" "$b2"
check "mergetool left no record" test -z "$(ls .git/veil-merge 2>/dev/null)"

# --- the driver on its own (git config and merge=veil, no filter): the
# files stay encrypted in the working tree, which then holds no plaintext
new_repo plain
printf 'secrets/* merge=veil\n' >.gitattributes
git config merge.veil.driver "veil git merge %O %A %B %P"
a0=$(fresh) b0=$(fresh) c0=$(fresh)
files "$T/src" "$a0" "$b0" "$c0"
mkdir -p secrets
for f in app.yaml app.json app.env; do
	"$VEIL" encrypt -r "$recipient" --cipher chacha20-poly1305 -o "secrets/$f" "$T/src/secrets/$f" ||
		exit 1
done
rm -rf "$T/src"
g add . && g commit -qm base || exit 1
setv() { # setv KEY VALUE: in each file, as veil set does
	"$VEIL" set secrets/app.yaml "[\"$1\"]" "\"$2\"" &&
		"$VEIL" set secrets/app.json "[\"$1\"]" "\"$2\"" &&
		"$VEIL" set secrets/app.env "[\"$(echo "$1" | tr a-z A-Z)\"]" "\"$2\""
}
a1=$(fresh) b1=$(fresh) c1=$(fresh) c2=$(fresh)
g checkout -q -b side && setv a "$a1" && setv c "$c1" && g commit -qam side
g checkout -q main && setv b "$b1" && setv c "$c2" && g commit -qam main
run g merge --no-edit side
expect_fail "ChaCha20-Poly1305 files, no filter: the conflict on c stops the merge"
no_plaintext "no secret in plaintext in the working tree, .git or any object" .
cat >"$T/write-value" <<'EOF'
#!/bin/sh
sed -i '/^ours:/d; /^base:/d; s/^theirs: "\(.*\)"$/value: "\1-resolved"/' "$1"
EOF
chmod +x "$T/write-value"
for f in app.yaml app.json app.env; do
	run env EDITOR="$T/write-value" veil git mergetool "secrets/$f"
	expect_rc 0 "mergetool takes a value written by hand ($f)"
done
g add secrets && g commit -qm merged
for f in app.yaml app.json app.env; do
	cp "secrets/$f" "$T/m.${f#app.}"
	check "$f: a from side, b from main, c as written, MAC verified, still ChaCha" \
		eval 'veil decrypt "$T/m.${f#app.}" >"$T/p" && grep -q "$a1" "$T/p" && grep -q "$b1" "$T/p" &&
			grep -q "$c1-resolved" "$T/p" && grep -q CHACHA20_POLY1305 "secrets/$f"'
done

# --- no identity: git is left the conflict, ours untouched; with the key
# back, mergetool finishes the merge without asking anything
a2=$(fresh) b2=$(fresh)
g checkout -q -b side2 && setv a "$a2" && g commit -qam side2
g checkout -q main && setv b "$b2" && g commit -qam main2
git show HEAD:secrets/app.yaml >"$T/ours.yaml"
mv "$KEYS" "$T/keys.away"
run g merge --no-edit side2
expect_fail "without an identity the merge stops"
err_has "no identity opens this file's data key" "the driver says an identity is needed"
check "ours is left as it was" same "$T/ours.yaml" secrets/app.yaml
mv "$T/keys.away" "$KEYS"
for f in app.yaml app.json app.env; do
	run env EDITOR=false veil git mergetool "secrets/$f"
	expect_rc 0 "with the key back, mergetool merges $f (no editor needed)"
done
g add secrets && g commit -qm merged2
check "the merged file has both changes" eval 'veil decrypt secrets/app.env | grep -q "^A=$a2" &&
	veil decrypt secrets/app.env | grep -q "^B=$b2"'
no_plaintext "still no plaintext anywhere" .

# --- a conflict in a rebase: mergetool, git add, rebase --continue
c3=$(fresh) c4=$(fresh)
g checkout -q -b rb-side main && setv c "$c3" && g commit -qam "c on rb-side"
g checkout -q -b rb-main main && setv c "$c4" && g commit -qam "c on rb-main"
g checkout -q rb-side
run g rebase rb-main
expect_fail "git rebase stops at the conflicting value"
err_has 'app.yaml:[0-9]+: conflict: \["c"\]' "the rebase lists the conflicting path"
for f in app.yaml app.json app.env; do
	EDITOR="$T/keep-theirs" veil git mergetool "secrets/$f" 2>/dev/null
done
g add secrets
GIT_EDITOR=true run g rebase --continue
expect_rc 0 "mergetool, git add and rebase --continue finish the rebase"
check "the rebased commit has its own value (theirs, in a rebase), MAC verified" \
	eval 'git show HEAD:secrets/app.yaml >"$T/r.yaml" && veil decrypt "$T/r.yaml" | grep -q "^c: $c3" &&
		test -z "$(git status --porcelain)"'
no_plaintext "no plaintext after the rebase" .
g checkout -q main

# --- changed on one side, removed on the other: mergetool opens the whole
# file with git's conflict markers; keeping theirs removes the key
b5=$(fresh)
g checkout -q -b del-side main && "$VEIL" unset secrets/app.yaml '["b"]' && g commit -qam "b removed"
g checkout -q main && "$VEIL" set secrets/app.yaml '["b"]' "\"$b5\"" && g commit -qam "b changed"
run g merge --no-edit del-side
expect_fail "a value changed on one side and removed on the other stops the merge"
err_has 'app.yaml:[0-9]+: conflict: the lines here changed on both sides' "the conflicting line is listed"
cat >"$T/take-theirs" <<'EOF'
#!/bin/sh
grep -q '^<<<<<<< ours$' "$1" || exit 1
awk '/^<<<<<<< /{s=1;next} /^[|]{7} /{s=2;next} /^=======$/{s=3;next} /^>>>>>>> /{s=0;next}
	s==0||s==3' "$1" >"$1.new" && cat "$1.new" >"$1"
EOF
chmod +x "$T/take-theirs"
run env EDITOR="$T/take-theirs" veil git mergetool secrets/app.yaml
expect_rc 0 "mergetool settles it in the whole file, conflict markers and all"
check "the key is gone, the rest is there, MAC verified" \
	eval 'veil decrypt secrets/app.yaml >"$T/p" && ! grep -q "^b:" "$T/p" && grep -q "^a: " "$T/p"'
g add secrets && g commit -qm "merged del-side"
no_plaintext "no plaintext after the whole-file way either" .

# --- keys added on both sides, while one side also re-keyed (rotate): both
# keys are in, under the rotated side's data key
x1=$(fresh) x2=$(fresh)
g checkout -q -b side3 && setv x_side "$x1" && g commit -qam side3
g checkout -q main && setv x_main "$x2" && for f in app.yaml app.json app.env; do
	"$VEIL" rotate -i "secrets/$f" 2>/dev/null
done && g commit -qam "main3: a key, and rotated"
run g merge --no-edit side3
expect_rc 0 "keys added on both sides merge, one side rotated"
# the first line of the armored, wrapped data key: unique to each wrapping
wrapped() { grep -m1 -o 'YWdl[A-Za-z0-9+/]*' || echo none; }
for f in app.yaml app.json app.env; do
	check "$f: both new keys, MAC verified, the rotated side's wrapped key" \
		eval 'veil decrypt "secrets/$f" >"$T/p" && grep -q "$x1" "$T/p" && grep -q "$x2" "$T/p" &&
			test "$(wrapped <"secrets/$f")" = "$(git show "HEAD^1:secrets/$f" | wrapped)"'
done
no_plaintext "no plaintext after that merge either" .

# --- a version committed in plaintext by mistake (last: its values are in
# git now): the conflict is git's, and nothing is copied into .git/veil-merge
g checkout -q -b plain-side main && "$VEIL" decrypt -i secrets/app.env && g commit -qam "plaintext"
g checkout -q main && setv a "$(fresh)" && g commit -qam "a again"
run g merge --no-edit plain-side
expect_fail "a version in plaintext stops the merge"
err_has "app.env.*not encrypted" "the driver says it is not encrypted"
check "nothing of it is kept in .git/veil-merge" test -z "$(ls .git/veil-merge 2>/dev/null)"

finish
