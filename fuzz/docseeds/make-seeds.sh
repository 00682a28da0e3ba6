#!/usr/bin/env bash
# Regenerates the encrypted seeds of fuzz_sops_decrypt and the ENC[...] seeds
# of fuzz_sops_enc with a built veil (default build/veil) and the throwaway
# key fuzz-sops.key. The plaintext seeds of fuzz_doc and fuzz_sops_config are
# written by hand and committed as they are.
#   fuzz/docseeds/make-seeds.sh [path/to/veil]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
veil="$(realpath "${1:-$here/../build/veil}")"
cd "$here"
pub=age1zev5t2c9wlkal76jhvdll49gt3ysz2arapwc0p237qvr5pna6gjsv2xhhy
dec=corpus/fuzz_sops_decrypt
enc=corpus/fuzz_sops_enc
mkdir -p "$dec" "$enc"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/secret.yaml" <<'YAML'
apiVersion: v1
kind: Secret
metadata:
  name: db-credentials   # owned by platform
  namespace: prod
type: Opaque
stringData:
  username: admin
  password: "s3cr3t!#pw"
  port: 5432
  enabled: true
  ratio: 0.5
  cert: |
    -----BEGIN CERTIFICATE-----
    MIIBszCCAVmgAwIBAgIUZ
    -----END CERTIFICATE-----
YAML
cat >"$tmp/values.yaml" <<'YAML'
# Helm values
image: {repository: nginx, tag: "1.25"}
ports: [80, 443]
db:
  host: db.internal
  password: hunter2
  host_unencrypted: replica.internal
list:
  - one
  - two: 2
YAML

e() { "$veil" encrypt -r "$pub" "$@"; }
e "$tmp/secret.yaml" >"$dec/k8s-secret-chacha"
e --cipher aes256-gcm "$tmp/secret.yaml" >"$dec/k8s-secret-aes"
e --encrypted-regex '^(data|stringData)$' --cipher aes256-gcm "$tmp/secret.yaml" \
	>"$dec/k8s-secret-regex"
e --mac-only-encrypted --encrypted-suffix password "$tmp/values.yaml" >"$dec/helm-suffix-maconly"
e --encrypted-comment-regex 'owned' "$tmp/secret.yaml" >"$dec/comment-regex"
e "$tmp/values.yaml" >"$dec/helm-values"
# Issue 11: a committed file's own metadata choosing a costly regex (the
# reproducer, and one glibc's regexec was quadratic on).
sed "s/^  encrypted_regex: .*/  unencrypted_regex: '((a{0,100}){0,100}){0,100}'/" \
	"$dec/k8s-secret-regex" >"$dec/regex-bomb-nested-counts"
sed "s/^  encrypted_regex: .*/  encrypted_regex: '(a|aa)*b'/" \
	"$dec/k8s-secret-regex" >"$dec/regex-alternation-loop"
# and an alias bomb (nested anchors, 8 levels of 8) over an encrypted value
printf 'a0: lol-secret\n' >"$tmp/seed.yaml"
e "$tmp/seed.yaml" >"$tmp/seed.enc.yaml"
{
	head -1 "$tmp/seed.enc.yaml" | sed 's/^a0: /a0: \&a0 /'
	for k in 1 2 3 4 5 6 7 8; do
		printf 'a%d: &a%d [' "$k" "$k"
		printf '*a%d,' $(seq 8 | sed "s/.*/$((k - 1))/") | sed 's/,$//'
		printf ']\n'
	done
	tail -n +2 "$tmp/seed.enc.yaml"
} >"$dec/alias-bomb"

# Every ENC[...] value of those files, one per seed (the MAC included).
n=0
grep -ho 'ENC\[[^]]*\]' "$dec"/* | sort -u | head -n 12 | while read -r v; do
	n=$((n + 1))
	printf '%s' "$v" >"$enc/value-$n"
done
