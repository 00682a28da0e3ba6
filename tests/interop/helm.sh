#!/usr/bin/env bash
# Helm 3.17.2 and Helm 4.1.4 render a chart with `-f secrets://FILE` through
# our helm-secrets-style downloader (helm-plugin/), which runs exactly
# `sops --decrypt --input-type yaml --output-type yaml FILE` as helm-secrets
# 4.x does. The sops it runs:
#   - a real `sops -> veil` symlink (veil's sops mode, sops 3.13.2's command
#     line),
#   - and, to cross-check, real Go sops 3.9.2 (helm-plugin/sops-gosops).
# For each helm and each sops: the chart renders from the encrypted values
# exactly as from the plaintext ones (YAML and JSON values files), sops gets
# exactly helm-secrets' command line, a plaintext file passes through, a
# missing file fails (or, with secrets://?FILE, is empty), and a file no key
# opens fails with nothing rendered.
IDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/cli/common.bash
. "$IDIR/../cli/common.bash"
# shellcheck source=tests/interop/helm.bash
. "$IDIR/helm.bash"

"$VEIL" keygen -o key.txt 2>/dev/null
"$VEIL" keygen -o other.txt 2>/dev/null
R=$(sed -n 2p key.txt | cut -d' ' -f4)
export SOPS_AGE_KEY_FILE=$T/key.txt

mkdir -p chart/templates
cat >chart/Chart.yaml <<'EOF'
apiVersion: v2
name: demo
version: 0.1.0
EOF
cat >chart/templates/secret.yaml <<'EOF'
apiVersion: v1
kind: Secret
metadata:
  name: {{ .Release.Name }}-db
  labels:
    tier: {{ .Values.tier }}
stringData:
  user: {{ .Values.db.user | quote }}
  password: {{ .Values.db.password | quote }}
  port: {{ .Values.db.port | quote }}
  replicas: {{ .Values.replicas | quote }}
  tls: {{ .Values.db.tls | quote }}
  motd: |
{{ .Values.motd | indent 4 }}
  hosts: {{ .Values.hosts | join "," | quote }}
EOF
cat >values.yaml <<'EOF'
tier: backend
replicas: 2
EOF
cat >secrets.yaml <<'EOF'
# database credentials
db:
  user: admin
  password: "p@ss: w0rd # not a comment" # veil:allow (a test value)
  port: 5432
  tls: true
motd: |
  Welcome.
  Unicode: grüß dich ✓
hosts: [db1, db2]
EOF
"$VEIL" encrypt --cipher aes256-gcm -r "$R" -o secrets.enc.yaml secrets.yaml 2>"$T/err" ||
	fail "veil encrypt secrets.yaml"
cat >secrets.json <<'EOF'
{"db": {"user": "admin", "password": "json pass", "port": 6432, "tls": false},
 "motd": "from json", "hosts": ["j1"]}
EOF
"$VEIL" encrypt --cipher aes256-gcm -r "$R" -o secrets.enc.json secrets.json 2>"$T/err" ||
	fail "veil encrypt secrets.json"

modes=("${VEIL_HELM_SOPS:-dropin}")
if "$HERE/gosops/go-sops" version >/dev/null 2>&1; then
	modes+=(gosops)
else
	echo "note: the Go sops oracle is not installed: the gosops cross-check is skipped"
fi

for helm in "${HELM_BINS[@]}"; do
	hv=$("$helm" version --template '{{.Version}}')
	for mode in "${modes[@]}"; do
		sopsdir=$(helm_sops_dir "$mode")
		for f in secrets.yaml secrets.json; do
			enc=${f%.*}.enc.${f##*.}
			type=${f##*.}
			what="helm $hv, sops=$mode, $enc"
			: >"$T/sops.log"
			helm_secrets "$helm" "$sopsdir" template rel chart -f values.yaml -f "secrets://$enc" >enc.out 2>"$T/err"
			hrc=$?
			helm_secrets "$helm" "$sopsdir" template rel chart -f values.yaml -f "$f" >plain.out 2>/dev/null
			if [ "$hrc" -eq 0 ] && [ -s enc.out ] && cmp -s enc.out plain.out; then
				ok "$what: renders as from the plaintext"
			else
				fail "$what: helm exit $hrc, or output differs: $(diff enc.out plain.out | head -5 | tr '\n' ' ')"
			fi
			check "$what: sops ran exactly as helm-secrets runs it" \
				[ "$(cat "$T/sops.log")" = "sops --decrypt --input-type $type --output-type $type $enc" ]
		done
		what="helm $hv, sops=$mode"
		: >"$T/sops.log"
		helm_secrets "$helm" "$sopsdir" template rel chart -f "secrets://values.yaml" -f secrets.yaml >pass.out 2>"$T/err"
		helm_secrets "$helm" "$sopsdir" template rel chart -f values.yaml -f secrets.yaml >plain.out 2>/dev/null
		if cmp -s pass.out plain.out && [ ! -s "$T/sops.log" ]; then
			ok "$what: a plaintext secrets:// file passes through, sops not run"
		else
			fail "$what: plaintext secrets:// file"
		fi
		run helm_secrets "$helm" "$sopsdir" template rel chart -f values.yaml -f secrets.yaml -f "secrets://missing.yaml"
		expect_fail "$what: secrets://missing.yaml fails"
		run helm_secrets "$helm" "$sopsdir" template rel chart -f values.yaml -f secrets.yaml -f "secrets://?missing.yaml"
		expect_rc 0 "$what: secrets://?missing.yaml is empty values"
		SOPS_AGE_KEY_FILE=$T/other.txt helm_secrets "$helm" "$sopsdir" template rel chart \
			-f values.yaml -f secrets://secrets.enc.yaml >"$T/out" 2>"$T/err"
		rc=$?
		if [ "$rc" -ne 0 ] && ! grep -q 'p@ss' "$T/out"; then
			ok "$what: no key opens the file: helm fails (exit $rc), nothing rendered"
		else
			fail "$what: a file no key opens: exit $rc"
		fi
	done
done

finish
