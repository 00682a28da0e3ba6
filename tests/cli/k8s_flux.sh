#!/usr/bin/env bash
# deploy/flux: the .sops.yaml rule gives files Flux's kustomize-controller
# reads (AES256_GCM values, an encrypted_regex selector, no veil-only scope),
# and the example Secret decrypts with the example identity, in veil and (when
# installed) in sops-age, an independent SOPS reader like Flux's.
SRC=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/common.bash
. "$SRC/tests/cli/common.bash"

FLUX=$SRC/deploy/flux
KEY=$SRC/keys-examples/example-identity.txt
cp -r "$FLUX" flux
cd flux || exit 1

check "example: every value is AES256_GCM" sh -c \
	"grep -E '^  (username|password): ' apps/web/db-secret.enc.yaml | grep -qv 'ENC\\[AES256_GCM,' && exit 1; exit 0"
check "example: encrypted_regex recorded" grep -q '^  encrypted_regex: \^(data|stringData)\$$' \
	apps/web/db-secret.enc.yaml
check "example: no veil_scope" sh -c "! grep -q veil_scope apps/web/db-secret.enc.yaml"
run env VEIL_AGE_KEY_FILE="$KEY" "$VEIL" k8s decrypt apps/web/db-secret.enc.yaml
expect_rc 0 "example decrypts with the example identity (MAC verified)"
check "example: plaintext" grep -q '^  password: example-not-a-real-password$' "$T/out"

# a new Secret under the rule's path gets the same shape
printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\n  namespace: web\nstringData:\n  token: t0ken\n' \
	>apps/web/api.yaml
run "$VEIL" encrypt -i apps/web/api.yaml
expect_rc 0 "encrypt under the Flux rule"
check "new file: AES256_GCM value" grep -q '^  token: ENC\[AES256_GCM,' apps/web/api.yaml
check "new file: metadata readable" grep -q '^  name: api$' apps/web/api.yaml
check "new file: no veil-only note" sh -c "! grep -q veil-only '$T/err'"

HERE=$SRC/tests/interop
if command -v node >/dev/null && [ -f "$HERE/node_modules/sops-age/package.json" ]; then
	for f in apps/web/db-secret.enc.yaml apps/web/api.yaml; do
		if node "$HERE/sops-age-cli.mjs" decrypt -i "$KEY" -t yaml <"$f" >sa.json 2>"$T/err" &&
			env VEIL_AGE_KEY_FILE="$KEY" "$VEIL" decrypt --output-type json "$f" |
			node "$HERE/sops-age-cli.mjs" canon >veil.json && cmp -s sa.json veil.json; then
			ok "sops-age reads $f as veil does"
		else
			fail "sops-age reads $f as veil does"
		fi
	done
else
	echo "note: sops-age not installed; the independent-reader check is skipped"
fi

finish
