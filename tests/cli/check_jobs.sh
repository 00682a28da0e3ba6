#!/usr/bin/env bash
# veil check PATH... on several threads: stdout (text, json, sarif,
# --print-ignore), stderr and the exit status are byte for byte those of
# one thread, on a tree with findings of every kind spread over its files
# (per-file detectors, Kubernetes, .sops.yaml rules, .veilignore,
# veil:allow, kustomize file references and Flux, whose checks need the
# whole tree), walk messages (a missing operand, a file too large), and
# overlapping operands.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

# Fake tokens are assembled at run time so this script holds none itself.
AKID="AK""IAQ3EGT5IZJ2K7VNW"
GHP="gh""p_Q7w3E9r5T1y8U2i6O4p0A3s7D9f5G2h8J4"
PW="Xk9!mQ2v""Lp7w"
HIGH="Qw7Er5Ty3U""i1Op9As2Df4Gh6Jk8Lz"

mkdir -p repo/.git
cd repo || exit 1
printf 'creation_rules:\n  - path_regex: secrets/.*\\.yaml$\n    age: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n' >.sops.yaml
for i in $(seq 1 240); do
	d=d$((i % 7))/s$((i % 3))
	mkdir -p "$d" secrets
	case $((i % 12)) in
	0) printf 'KEY=%s%d\n' "$AKID" $((i % 10)) >"$d/f$i.env" ;;
	1) printf 'kind: Secret\nstringData:\n  pw: hunter%d%d\n' "$i" "$i" >"$d/f$i.yaml" ;;
	2) printf 'T = "%s%02d"\nU = "%s%02d" # veil:allow\n' "$GHP" $((i % 100)) "$GHP" \
		$((i % 100 + 1)) >"$d/f$i.py" ;;
	3) printf 'user: x%d\n' "$i" >"secrets/f$i.yaml" ;;
	4) printf 'secretGenerator:\n  - name: g\n    files: [f%d.env, ../../d0/s0/none.env]\n' \
		$((i + 8)) >"$d/kustomization-$i.yaml"
	   mkdir -p "$d" && printf 'PASSWORD=%s%d\n' "$PW" "$i" >"$d/f$((i + 8)).env" ;;
	5) printf 'URL = "postgres://app:%s%d@db/app"\n' "$PW" "$i" >"$d/f$i.go" ;;
	6) printf '{"client_%s": "%s%02d"}\n' secret "$HIGH" $((i % 100)) >"$d/f$i.json" ;;
	*) printf 'func f%d() error { return nil }\n' "$i" >"$d/f$i.go" ;;
	esac
done
mkdir -p flux apps
printf 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nspec:\n  path: ./apps\n  decryption:\n    provider: sops\n' >flux/ks.yaml
printf 'kind: Secret\ndata:\n  a: ENC[CHACHA20_POLY1305,data:AAAA,iv:BBBB,tag:CCCC,type:str]\nsops:\n  mac: ENC[CHACHA20_POLY1305,data:DDDD,iv:EEEE,tag:FFFF,type:str]\n  version: 3.9.0\n' >apps/s.yaml
: >empty.txt
printf 'bin\0ary %s\n' "$AKID" >blob.bin
ln -s d1/s1 link
# a .veilignore entry for one finding, taken from --print-ignore
"$VEIL" check -j 1 --print-ignore d0 | head -1 >.veilignore
[ -s .veilignore ] && ok "an ignore entry to apply" || fail "no --print-ignore output"

# same ARGS...: every thread count gives what one thread gives
same() {
	local what=$1 j
	shift
	"$VEIL" check -j 1 "$@" >"$T/out1" 2>"$T/err1"
	local rc1=$?
	for j in 2 3 8; do
		"$VEIL" check -j "$j" "$@" >"$T/outj" 2>"$T/errj"
		rc=$?
		if [ "$rc" != "$rc1" ] || ! cmp -s "$T/out1" "$T/outj" || ! cmp -s "$T/err1" "$T/errj"; then
			fail "$what: -j $j differs from -j 1 (exit $rc vs $rc1)"
			diff "$T/out1" "$T/outj" | head -5
			diff "$T/err1" "$T/errj" | head -5
			return
		fi
	done
	ok "$what: -j 2, 3, 8 give -j 1's output (exit $rc1)"
}

same "text"
same "json" --format json
n=$(grep -o '"rule":' "$T/out1" | wc -l)
for rule in aws-access-key-id k8s-secret-plaintext github sops-unencrypted kustomize-secret-file \
	url-password password-assignment secret-assignment flux-chacha20; do
	grep -q "\"rule\":\"$rule" "$T/out1" || fail "no $rule finding: the comparison proves less"
done
[ "$n" -gt 100 ] && ok "$n findings of every kind" || fail "only $n findings"
same "sarif" --format sarif
same "print-ignore" --print-ignore
same "no-ignore" --no-ignore
same "operands, a missing one among them" d3 no-such-dir d1 apps flux
same "overlapping operands" . d2 d2/s1/f26.go
VEIL_CHECK_JOBS=2 "$VEIL" check >"$T/outj" 2>/dev/null
"$VEIL" check -j 1 >"$T/out1" 2>/dev/null
cmp -s "$T/out1" "$T/outj" && ok "VEIL_CHECK_JOBS=2: the same" || fail "VEIL_CHECK_JOBS=2 differs"
run "$VEIL" check -j 9
expect_rc 2 "-j 9: usage error"
run "$VEIL" check -j x
expect_rc 2 "-j x: usage error"
# larger than the structure checks read: scanned by the detectors, and a
# warning (a finding, in its place) says what did not run; never skipped
# silently (issue 11)
mkdir -p "$T/big" && cd "$T/big" || exit 1
truncate -s 300M big.bin 2>/dev/null || dd if=/dev/zero of=big.bin bs=1 count=0 seek=300M 2>/dev/null
run "$VEIL" check --format json big.bin
expect_rc 0 "a 300 MiB file: warnings only"
grep -q '"path":"big.bin","line":1,"column":1,"rule":"check-skipped","severity":"warning"' "$T/out" &&
	ok "the too-large warning" || fail "no too-large warning: $(head -c 300 "$T/out")"
rm -f big.bin
finish
