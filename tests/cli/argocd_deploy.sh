#!/usr/bin/env bash
# deploy/argocd/argocd-repo-server-patch.yaml applied by kubectl kustomize to
# a stand-in of the stock argocd-repo-server Deployment (its containers and
# volumes as Argo CD ships them, trimmed): the veil sidecar runs
# argocd-cmp-server as uid 999, and the key Secret is mounted read-only into
# the sidecar ONLY, never into the repo-server container.
SRC=${VEIL_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"
NODE_MODULES=$SRC/tests/interop/node_modules

if ! command -v kubectl >/dev/null; then
	echo "skip: kubectl is not installed (it renders the patch)"
	exit 77
fi
if ! command -v node >/dev/null || [ ! -d "$NODE_MODULES/yaml" ]; then
	echo "skip: node with the yaml package (tests/interop) is needed to read the render"
	exit 77
fi

mkdir overlay
cp "$SRC/deploy/argocd/argocd-repo-server-patch.yaml" overlay/
cat >overlay/repo-server.yaml <<'X'
# Stand-in for Argo CD's stock argocd-repo-server Deployment (trimmed).
apiVersion: apps/v1
kind: Deployment
metadata:
  name: argocd-repo-server
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: argocd-repo-server}
  template:
    metadata:
      labels: {app.kubernetes.io/name: argocd-repo-server}
    spec:
      automountServiceAccountToken: false
      initContainers:
        - name: copyutil
          image: quay.io/argoproj/argocd:latest
          command: [/bin/cp, -n, /usr/local/bin/argocd, /var/run/argocd/argocd-cmp-server]
          volumeMounts:
            - {name: var-files, mountPath: /var/run/argocd}
      containers:
        - name: argocd-repo-server
          image: quay.io/argoproj/argocd:latest
          volumeMounts:
            - {name: tmp, mountPath: /tmp}
            - {name: plugins, mountPath: /home/argocd/cmp-server/plugins}
      volumes:
        - {name: var-files, emptyDir: {}}
        - {name: plugins, emptyDir: {}}
        - {name: tmp, emptyDir: {}}
X
cat >overlay/kustomization.yaml <<'X'
resources: [repo-server.yaml]
patches:
  - path: argocd-repo-server-patch.yaml
X
run kubectl kustomize overlay
expect_rc 0 "kubectl kustomize applies the patch"

NODE_PATH=$NODE_MODULES node -e '
	const YAML = require("yaml");
	const d = YAML.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	const spec = d.spec.template.spec;
	const c = (n) => spec.containers.find((x) => x.name === n) || {};
	const veil = c("veil-cmp"), repo = c("argocd-repo-server");
	const keyVol = spec.volumes.find((v) => v.secret && v.secret.secretName === "veil-age-keys");
	const mounts = (x) => (x.volumeMounts || []).map((m) => m.name);
	const checks = {
		"sidecar added, repo-server kept": veil.name && repo.name,
		"sidecar runs /var/run/argocd/argocd-cmp-server": veil.command &&
			veil.command[0] === "/var/run/argocd/argocd-cmp-server",
		"sidecar runs as uid 999, non-root": veil.securityContext.runAsUser === 999 &&
			veil.securityContext.runAsNonRoot === true,
		"key Secret volume exists": !!keyVol,
		"key mounted read-only in the sidecar": (veil.volumeMounts || []).some((m) =>
			m.name === keyVol.name && m.readOnly === true),
		"key NOT mounted in the repo-server container": !mounts(repo).includes(keyVol.name),
		"key NOT mounted in any init container": (spec.initContainers || []).every((x) =>
			!mounts(x).includes(keyVol.name)),
		"sidecar shares var-files and plugins": ["var-files", "plugins"].every((n) =>
			mounts(veil).includes(n)),
		"sidecar has its own /tmp": (veil.volumeMounts || []).some((m) =>
			m.mountPath === "/tmp" && m.name !== "tmp"),
		"pod fsGroup 999 (uid 999 reads the 0440 key files)": spec.securityContext.fsGroup === 999,
	};
	let bad = 0;
	for (const [what, ok] of Object.entries(checks)) {
		console.log((ok ? "ok   " : "FAIL ") + what);
		if (!ok) bad++;
	}
	process.exit(bad ? 1 : 0);' "$T/out" >node.out 2>&1
node_rc=$?
cat node.out
checks=$((checks + $(grep -c '^ok' node.out)))
fails=$((fails + $(grep -c '^FAIL' node.out)))
[ "$node_rc" -eq 0 ] || [ "$(grep -c '^FAIL' node.out)" -gt 0 ] || fail "reading the render"

finish
