#!/usr/bin/env bash
# Interoperability with typage (npm age-encryption, the TypeScript age),
# both directions, through our wrapper typage-cli.mjs: X25519 with several
# recipients, binary and armored, and scrypt passphrases. typage refuses
# scrypt work factors above 20; veil writes 18.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/../cli/common.bash"

HERE=${VEIL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/interop
PKG=$HERE/node_modules/age-encryption/package.json
if ! command -v node >/dev/null; then
	echo "skip: node is not installed (scripts/install-deps.sh --test installs it)"
	exit 77
fi
if [ ! -f "$PKG" ]; then
	echo "skip: typage is not installed in $HERE/node_modules (run scripts/install-deps.sh --test)"
	exit 77
fi
echo "peer: typage (age-encryption) $(sed -n 's/^ *"version": "\(.*\)",$/\1/p' "$PKG"), node $(node --version)"
# typage 0.3.1 has no SSH recipient types (ssh-ed25519, ssh-rsa): those are
# checked against age 1.1.1 only (interop/age.sh).
if grep -q '"ssh-rsa"' "$HERE/node_modules/age-encryption/dist/"*.js 2>/dev/null; then
	echo "note: this typage has ssh-rsa; interop/age.sh is still the one checking it"
else
	echo "skipped: ssh-ed25519 and ssh-rsa interop with typage (typage has no SSH recipients)"
fi
typage() {
	node "$HERE/typage-cli.mjs" "$@"
}

: >p0.bin
head -c 65536 /dev/urandom >p1.bin
head -c 200000 /dev/urandom >p2.bin

typage keygen >t1.keys
sed -n 1p t1.keys >t1.txt
T1=$(sed -n 2p t1.keys)
"$VEIL" keygen -o v1.txt 2>/dev/null
"$VEIL" keygen -o v2.txt 2>/dev/null
V1=$(sed -n 2p v1.txt | cut -d' ' -f4)
V2=$(sed -n 2p v2.txt | cut -d' ' -f4)

run "$VEIL" keygen -y t1.txt
check "veil derives the same recipient as typage" test "$rc" -eq 0 -a "$(cat "$T/out")" = "$T1"

for armor in "" "-a"; do
	kind=${armor:+armored}
	kind=${kind:-binary}
	for p in p0.bin p1.bin p2.bin; do
		"$VEIL" age $armor -r "$V1" -r "$T1" -r "$V2" -o "$p.v.age" "$p"
		for k in v1 t1 v2; do
			typage decrypt -i $k.txt <"$p.v.age" >"$p.v.$k" 2>"$T/err"
			check "veil -> typage, $kind, $p, key $k" same "$p" "$p.v.$k"
		done
		typage encrypt $armor -r "$V1" -r "$T1" -r "$V2" <"$p" >"$p.t.age"
		for k in v1 t1 v2; do
			run "$VEIL" age -d -i $k.txt -o "$p.t.$k" "$p.t.age"
			check "typage -> veil, $kind, $p, key $k" rc0_same "$p" "$p.t.$k"
		done
	done
done

PW='typage interop phrase'
printf '%s\n' "$PW" >pw.txt
for armor in "" "-a"; do
	kind=${armor:+armored}
	kind=${kind:-binary}
	"$VEIL" age $armor -p --passphrase-file pw.txt -o pw.v.age p2.bin
	typage decrypt -p pw.txt <pw.v.age >pw.v.out 2>"$T/err"
	check "veil -> typage, scrypt, $kind" same p2.bin pw.v.out
	typage encrypt $armor -p pw.txt <p2.bin >pw.t.age
	run "$VEIL" age -d --passphrase-file pw.txt -o pw.t.out pw.t.age
	check "typage -> veil, scrypt, $kind" rc0_same p2.bin pw.t.out
done

# The work factor veil writes is one typage accepts (<= 20): 18, as age.
"$VEIL" age -p --passphrase-file pw.txt -o wf.age p0.bin
check "veil writes scrypt work factor 18" grep -qaE '^-> scrypt [A-Za-z0-9+/]{22} 18$' wf.age
# And typage's limit is real: the same file claiming 21 is refused by typage
# for the work factor (before any MAC check), so writing 21 would break it.
LC_ALL=C sed '2s/ 18$/ 21/' wf.age >wf21.age
typage decrypt -p pw.txt <wf21.age >/dev/null 2>"$T/err"
check "typage refuses work factor 21" grep -q "work factor is too high" "$T/err"

finish
