#!/usr/bin/env bash
# veil k8s decrypt / veil k8s krm on a 1,000-Secret stream (never part of ctest).
#
#   bench/k8s-bench.sh [path/to/veil] [runs]
#
# Input: 1,000 Secrets, each encrypted on its own (its own data key, as
# `kustomize build` of a repository of sops files gives), with 1,000 plain
# ConfigMaps between them. Measured, as wall-clock medians of RUNS runs with
# peak RSS from GNU time (/usr/bin/time -f %M):
#   filter     veil k8s decrypt stream.yaml          (MAC verified)
#   krm        veil k8s krm < ResourceList           (the same 2,000 items as a
#              transformer run, verifyMac: true, so the work is the same)
#   generator  veil k8s krm < ResourceList           (a SecretGenerator reading
#              the 1,000 encrypted files from disk, as kustomize calls it)
# Target: the filter under 0.2 s and 20 MiB. The KRM rows show the cost of
# the ResourceList path over the plain filter. The machine is shared: keep
# runs small.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
VEIL=$(realpath "${1:-$SRC/build/veil}")
RUNS=${2:-5}
N=1000
W=$(mktemp -d "${TMPDIR:-/tmp}/veil-k8s-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT
cd "$W"
if [ ! -x /usr/bin/time ]; then
	echo "k8s-bench: needs GNU time (/usr/bin/time; Debian package 'time')" >&2
	exit 1
fi

"$VEIL" keygen -o key.txt 2>/dev/null
R=$(sed -n 2p key.txt | cut -d' ' -f4)
export VEIL_AGE_KEY_FILE=$W/key.txt
mkdir -p app
for i in $(seq -w 1 $N); do
	printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-%s\n  namespace: team-%s\ntype: Opaque\nstringData:\n  username: user-%s\n  password: pw-%s-0123456789abcdef\n  url: postgres://db-%s.internal:5432/app\n' \
		"$i" "$((10#$i % 17))" "$i" "$i" "$i" >"app/s$i.yaml"
done
# encrypt on both cores (a setup cost, not measured)
ls app/*.yaml | xargs -P2 -n50 sh -c 'r=$1; shift; for f; do "$0" encrypt -r "$r" --encrypted-regex "^(data|stringData)\$" -i "$f"; done' "$VEIL" "$R"
{
	for i in $(seq -w 1 $N); do
		[ "$i" = "$(seq -w 1 $N | head -1)" ] || echo '---'
		printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-%s\ndata:\n  LOG_LEVEL: info\n---\n' "$i"
		cat "app/s$i.yaml"
	done
} >stream.yaml
{
	printf 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig:\n  apiVersion: veil/v1\n  kind: Decrypt\n  metadata:\n    name: d\n  verifyMac: "true"\nitems:\n'
	awk '/^---$/ { first = 1; next } { if (first || NR == 1) { print "- " $0; first = 0 } else print "  " $0 }' stream.yaml
} >rl.yaml
{
	printf 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig:\n  apiVersion: veil/v1\n  kind: SecretGenerator\n  metadata:\n    name: g\n  files:\n'
	for i in $(seq -w 1 $N); do printf '    - app/s%s.yaml\n' "$i"; done
	printf 'items: []\n'
} >gen.yaml

# check each path works and decrypts every Secret before timing it
"$VEIL" k8s decrypt stream.yaml >out1.yaml
"$VEIL" k8s krm <rl.yaml >out2.yaml
"$VEIL" k8s krm <gen.yaml >out3.yaml
for o in out1.yaml out2.yaml out3.yaml; do
	n=$(grep -c 'password: pw-' "$o")
	[ "$n" -eq $N ] || { echo "k8s-bench: $o has $n decrypted Secrets, want $N" >&2; exit 1; }
done

# measure NAME CMD...: median wall seconds and max RSS (KiB) over RUNS runs
measure() {
	local name=$1
	shift
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f '%e %M' -o t.txt "$@" >/dev/null
		cat t.txt
	done | sort -n | awk -v name="$name" -v n="$RUNS" '
		{ t[NR] = $1; if ($2 > m) m = $2 }
		END { printf "%-10s median %.3f s   max RSS %.1f MiB\n", name, t[int((n + 1) / 2)], m / 1024 }'
}

printf 'input: %d Secrets (own data key each) + %d ConfigMaps, %d KiB; %d runs each\n' \
	$N $N $(($(stat -c %s stream.yaml) / 1024)) "$RUNS"
measure filter "$VEIL" k8s decrypt stream.yaml
measure krm sh -c '"$0" k8s krm <rl.yaml' "$VEIL"
measure generator sh -c '"$0" k8s krm <gen.yaml' "$VEIL"
