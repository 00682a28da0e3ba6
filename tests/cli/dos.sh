#!/usr/bin/env bash
# Issue 11, "denial of service from a committed file": a few KB of YAML
# aliases (a "billion laughs") or a regex in a file's own metadata must not
# cost seconds and gigabytes in decrypt, k8s decrypt (the Argo CD sidecar),
# git smudge or encrypt. Each fails at once with the limit exit code (11),
# a message that names the cause, nothing on stdout and the file as it was.
# Memory is held to 200 MB of address space (ulimit -v) where that means
# something (not under ASan): a run that needed more would fail with
# another status. Both value ciphers, always named.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

"$VEIL" keygen -o k.txt 2>/dev/null
R=$(sed -n 2p k.txt | cut -d' ' -f4)
export VEIL_AGE_KEY_FILE=$T/k.txt
CIPHERS="aes256-gcm chacha20-poly1305"
MEM_KB=200000
if [ "${VEIL_TEST_SANITIZED:-0}" = 1 ]; then
	MEM_KB=unlimited
	echo "note: no address-space cap under ASan (its shadow memory needs terabytes)"
fi

# bounded CMD...: run with the memory cap, outputs as run() keeps them.
bounded() {
	(
		ulimit -v "$MEM_KB" 2>/dev/null
		"$@"
	) >"$T/out" 2>"$T/err"
	rc=$?
}

# refused WHAT: the last run stopped on the alias limit.
refused() {
	expect_rc 11 "$1"
	err_has "excessive aliasing|aliases expand" "$1: the message says why"
	check "$1: nothing on stdout" test ! -s "$T/out"
}

# laughs LEVELS WIDTH [block]: the nested-anchor bomb over one scalar.
laughs() {
	python3 - "$@" <<'PY'
import sys
levels, width = int(sys.argv[1]), int(sys.argv[2])
block = len(sys.argv) > 3
print('a0: &a0 "lol-secret"')
for k in range(1, levels + 1):
    if block:
        print(f"a{k}: &a{k}")
        for _ in range(width):
            print(f"  - *a{k-1}")
    else:
        print(f"a{k}: &a{k} [" + ",".join([f"*a{k-1}"] * width) + "]")
PY
}

# enc_bomb CIPHER SRC OUT: SRC's first value encrypted, its alias lines
# put back in front of the sops block (veil no longer writes such a file).
enc_bomb() {
	head -1 "$2" | sed 's/&a0 //' >seed.yaml
	"$VEIL" encrypt --cipher "$1" -r "$R" seed.yaml >seed.enc.yaml 2>/dev/null
	{
		head -1 seed.enc.yaml | sed 's/^a0: /a0: \&a0 /'
		tail -n +2 "$2"
		tail -n +2 seed.enc.yaml
	} >"$3"
}

## Alias amplification: the issue's 2.3 KB file, and variants of its class
laughs 10 44 >bomb.yaml          # the reproducer: 10 levels, about 2 KB
laughs 12 3 block >bomb-block.yaml # block style, narrow and deep
python3 - >bomb-merge.yaml <<'PY'
print("m0: &m0 {k: v, l: w}")
for k in range(1, 12):
    print(f"m{k}: &m{k} {{a: *m{k-1}, b: *m{k-1}, <<: *m{k-1}}}")
PY
{ printf 'ok: 1\n---\n'; cat bomb.yaml; } >bomb-doc2.yaml # in a second document
check "the reproducer is about 2 KB" test "$(wc -c <bomb.yaml)" -lt 2400
for f in bomb.yaml bomb-block.yaml bomb-merge.yaml bomb-doc2.yaml; do
	for c in $CIPHERS; do
		cp "$f" "w-$c-$f"
		bounded "$VEIL" encrypt --cipher "$c" -r "$R" -i "w-$c-$f"
		refused "$c encrypt -i $f"
		check "$c encrypt -i $f: the file is as it was" same "$f" "w-$c-$f"
	done
done
for c in $CIPHERS; do
	enc_bomb "$c" bomb.yaml "e-$c.yaml"
	enc_bomb "$c" bomb-block.yaml "eb-$c.yaml"
	for f in "e-$c.yaml" "eb-$c.yaml"; do
		cp "$f" "$f.orig"
		bounded "$VEIL" decrypt "$f"
		refused "$c decrypt $f"
		bounded "$VEIL" decrypt -i "$f"
		refused "$c decrypt -i $f"
		check "$c decrypt -i $f: the file is as it was" same "$f.orig" "$f"
		bounded "$VEIL" k8s decrypt "$f"
		refused "$c k8s decrypt $f"
		bounded sh -c '"$0" k8s decrypt - <"$1"' "$VEIL" "$f"
		refused "$c k8s decrypt - <$f (the sidecar's stdin)"
		bounded sh -c '"$0" git smudge "$1" <"$1"' "$VEIL" "$f"
		refused "$c git smudge $f"
		bounded "$VEIL" git textconv "$f"
		refused "$c git textconv $f"
	done
done

printf 'a: &a [1, *a]\n' >self.yaml
run "$VEIL" encrypt --cipher aes256-gcm -r "$R" self.yaml
expect_rc 10 "an anchor whose value holds its own alias is an invalid document"
err_has "anchor 'a' value contains itself" "recursive alias: go-yaml's words"

# Ordinary anchors still work, however many (the walk once had 64 slots)
python3 - >anchors.yaml <<'PY'
print("defaults: &d {image: app, tag: '1.0'}")
for i in range(100):
    print(f"a{i}: &a{i} value-{i}")
    print(f"svc{i}:\n  <<: *d\n  plain_ref: *a{i}")
PY
for c in $CIPHERS; do
	run "$VEIL" encrypt --cipher "$c" -r "$R" --encrypted-regex '^nothing$' anchors.yaml
	expect_rc 0 "$c: 100 anchors and their aliases encrypt"
	cp "$T/out" "anchors-$c.enc.yaml"
	run "$VEIL" decrypt "anchors-$c.enc.yaml"
	check "$c: and decrypt back (MAC verified)" rc0_same anchors.yaml "$T/out"
done

finish
