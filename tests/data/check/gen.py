#!/usr/bin/env python3
"""Generates the labelled fixture set of `veil check` (tests/cli/check_fixtures.sh).

pos/RULE--NAME.EXT must be reported with RULE; neg/NAME.EXT must give no finding.
Every token is fake: the right prefix, alphabet, length and checksum, a random
body. Run from this directory with the path of a built veil (used only to make
real sops-encrypted files for a throwaway recipient):
    python3 gen.py ../../../build/veil [NAME...]
(NAMEs, e.g. pos/github-token--ci.yml: write only those, keep the others), then
refresh the fixture entries of .veilignore (see tests/cli/check_self.sh).
"""
import base64, hashlib, json, os, random, secrets, string, subprocess, sys, tempfile, zlib

VEIL = sys.argv[1] if len(sys.argv) > 1 else None
ONLY = set(sys.argv[2:])
rnd = secrets.SystemRandom()
AL = string.ascii_letters + string.digits
B64 = AL + "+/"
URL = AL + "_-"
HEX = "0123456789abcdef"


def r(alpha, n):
    return "".join(rnd.choice(alpha) for _ in range(n))


def b32(n):
    return r(string.ascii_uppercase + "234567", n)


def pem(label, nlines=12):
    body = "\n".join(r(B64, 64) for _ in range(nlines)) + "\n" + r(B64, 40) + "=="
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"


# bech32 (BIP-173) for age identities and recipients
CH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def polymod(values):
    g = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        b = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= g[i] if ((b >> i) & 1) else 0
    return chk


def bech32(hrp, data8):
    acc = bits = 0
    data5 = []
    for b in data8:
        acc = acc << 8 | b
        bits += 8
        while bits >= 5:
            bits -= 5
            data5.append(acc >> bits & 31)
    if bits:
        data5.append(acc << (5 - bits) & 31)
    exp = [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]
    pm = polymod(exp + data5 + [0] * 6) ^ 1
    chk = [(pm >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(CH[d] for d in data5 + chk)


def b62(n, width):
    # GitHub's order: digits, upper case, lower case (not Python's or Go's)
    s = ""
    while n:
        n, d = divmod(n, 62)
        s = (string.digits + string.ascii_uppercase + string.ascii_lowercase)[d] + s
    return s.rjust(width, "0")


def github(prefix, body=None):
    body = body or r(AL, 30)
    return prefix + body + b62(zlib.crc32(body.encode()), 6)


def jwt():
    enc = lambda o: base64.urlsafe_b64encode(json.dumps(o).encode()).rstrip(b"=").decode()
    head = enc({"alg": "HS256", "typ": "JWT"})
    pay = enc({"sub": r(string.digits, 10), "name": "svc-" + r(string.ascii_lowercase, 6),
               "iat": 1700000000 + rnd.randrange(10**6)})
    return f"{head}.{pay}.{r(URL, 43)}"


def b64(s):
    return base64.b64encode(s.encode()).decode()


def sealed(n=None):
    # kubeseal's value: base64 of a 2-byte length, the RSA-sealed session key
    # (512 bytes for a 4096-bit key) and the AES-GCM ciphertext; made up here
    n = n or 512 + 16 + rnd.randrange(8, 40)
    return base64.b64encode(b"\x02\x00" + os.urandom(n)).decode()


def password():
    return r(string.ascii_letters, 4) + rnd.choice("!#%+") + r(AL, 6) + r(string.digits, 2)


pos, neg = {}, {}

# --- private keys
pos["private-key--rsa.pem"] = pem("RSA PRIVATE KEY")
pos["private-key--pkcs8.key"] = pem("PRIVATE KEY")
pos["private-key--openssh.txt"] = "# deploy key\n" + pem("OPENSSH PRIVATE KEY", 6)
pos["private-key--pgp.asc"] = pem("PGP PRIVATE KEY BLOCK", 20).replace(
    "KEY BLOCK-----\n", "KEY BLOCK-----\nComment: backup\n\n", 1)
pos["private-key--ec-in-json.json"] = json.dumps(
    {"name": "signer", "key": pem("EC PRIVATE KEY", 3)}, indent=2) + "\n"
pos["age-secret-key--keys.txt"] = (
    "# created: 2026-11-01T10:00:00Z\n# public key: " + bech32("age", os.urandom(32)) + "\n"
    + bech32("age-secret-key-", os.urandom(32)).upper() + "\n")
pos["age-secret-key--env.sh"] = "export SOPS_AGE_KEY=" + bech32(
    "age-secret-key-", os.urandom(32)).upper() + "\n"
# --- cloud
pos["aws-access-key-id--app.env"] = f"AWS_REGION=eu-west-1\nAWS_ACCESS_KEY_ID=AKIA{b32(16)}\n"
pos["aws-access-key-id--sts.json"] = json.dumps(
    {"Credentials": {"AccessKeyId": "ASIA" + b32(16), "Expiration": "2026-11-23T10:00:00Z"}}) + "\n"
pos["aws-secret-access-key--credentials.ini"] = (
    "[default]\nregion = us-east-1\naws_secret_access_key = " + r(AL + "/+", 40) + "\n")
pos["gcp-service-account--sa.json"] = json.dumps({
    "type": "service_account", "project_id": "acme-prod-" + r(string.digits, 6),
    "private_key_id": r(HEX, 40), "private_key": pem("PRIVATE KEY", 8),
    "client_email": "deployer@acme-prod.iam.gserviceaccount.com",
    "client_id": r(string.digits, 21),
    "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs"}, indent=2) + "\n"
pos["gcp-api-key--maps.js"] = f'const MAPS_KEY = "AIza{r(URL, 35)}";\n'
pos["azure-storage-key--conn.config"] = (
    '<add name="Storage" connectionString="DefaultEndpointsProtocol=https;AccountName=acmestore;'
    f'AccountKey={r(B64, 86)}==;EndpointSuffix=core.windows.net" />\n')
pos["azure-client-secret--appsettings.json"] = json.dumps(
    {"AzureAd": {"ClientSecret": r(AL, 3) + rnd.choice(string.digits) + "Q~" + r(AL + "_~.-", 34)}},
    indent=2) + "\n"
# --- SaaS
pos["github-token--ci.yml"] = f"env:\n  GH_TOKEN: {github('ghp_')}\n"
pos["github-token--gho.sh"] = f"curl -H 'Authorization: token {github('gho_')}' https://api.github.com/user\n"
# a right checksum makes a token of any look (here a dictionary word inside)
pos["github-token--checksum.json"] = json.dumps(
    {"token": github("ghu_", r(AL, 10) + "Password" + r(AL, 12))}) + "\n"
pos["github-token--fine.txt"] = "github_pat_" + r(AL, 22) + "_" + r(AL, 59) + "\n"
pos["gitlab-token--gitlab.toml"] = f'[gitlab]\ntoken = "glpat-{r(URL, 20)}"\n'
pos["gitlab-token--runner.toml"] = f'[[runners]]\n  token = "glrt-{r(URL, 20)}"\n'
pos["slack-token--bot.py"] = f'client = WebClient(token="xoxb-{r(string.digits, 12)}-{r(string.digits, 13)}-{r(AL, 24)}")\n'
pos["slack-webhook--notify.sh"] = (
    f"curl -X POST https://hooks.slack.com/services/T{r(string.ascii_uppercase + string.digits, 10)}"
    f"/B{r(string.ascii_uppercase + string.digits, 10)}/{r(AL, 24)} -d @msg.json\n")
pos["stripe-key--billing.rb"] = f"Stripe.api_key = 'sk_live_{r(AL, 99)}'\n"
pos["npm-token--.npmrc"] = f"//registry.npmjs.org/:_authToken=npm_{r(AL, 36)}\n"
pos["pypi-token--.pypirc"] = f"[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc{r(URL, 70)}\n"
pos["docker-token--login.sh"] = f"echo dckr_pat_{r(URL, 27)} | docker login -u acme --password-stdin\n"
pos["docker-config-auth--config.json"] = json.dumps(
    {"auths": {"registry.acme.io": {"auth": b64("ci-bot:" + password())}}}, indent=2) + "\n"
pos["jwt--request.http"] = f"GET /api/v1/me\nAuthorization: Bearer {jwt()}\n"
pos["vault-token--vault.env"] = f"VAULT_TOKEN=hvs.{r(URL, 91)}\n"
pos["sendgrid-key--mail.py"] = f'SENDGRID = "SG.{r(URL, 22)}.{r(URL, 43)}"\n'
pos["openai-key--llm.env"] = f"OPENAI_API_KEY=sk-proj-{r(URL, 120)}\n"
pos["anthropic-key--llm.ts"] = f'const key = "sk-ant-api03-{r(URL, 93)}AA";\n'
pos["digitalocean-token--do.tf"] = f'provider "digitalocean" {{\n  token = "dop_v1_{r(HEX, 64)}"\n}}\n'
pos["huggingface-token--hf.txt"] = f"hf_{r(string.ascii_letters, 34)}\n"
# --- passwords
pos["url-password--settings.py"] = f'DATABASE_URL = "postgres://app:{password()}@db.internal:5432/app"\n'
pos["url-password--docker-compose.yml"] = (
    f"services:\n  worker:\n    environment:\n      BROKER_URL: amqp://svc:{password()}@rabbit:5672/\n")
pos["password-assignment--config.yaml"] = f"database:\n  host: db\n  user: app\n  password: {password()}\n"
pos["password-assignment--app.properties"] = f"spring.datasource.password={password()}\n"
pos["password-assignment--db.env"] = f"POSTGRES_PASSWORD='{password()}'\n"
pos["secret-assignment--oauth.json"] = json.dumps({"client_secret": r(AL, 32), "client_id": "web"}) + "\n"
pos["secret-assignment--settings.toml"] = f'api_token = "{r(AL, 40)}"\n'
# --- Kubernetes
pos["k8s-secret-plaintext--stringdata.yaml"] = f"""apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
stringData:
  username: app
  password: {password()}
"""
pos["k8s-secret-plaintext--data-short.yaml"] = f"""apiVersion: v1
kind: Secret
metadata:
  name: pin
data:
  pin: {b64(r(string.digits, 4))}
"""
pos["k8s-secret-plaintext--quoted-kind.yaml"] = f"""apiVersion: "v1"
kind: "Secret"
metadata: {{name: "x"}}
data:
  token: "{b64(r(AL, 24))}"
"""
long_labels = "\n".join(f"    app.kubernetes.io/label-{i}: value-{r(string.ascii_lowercase, 20)}" for i in range(12))
pos["k8s-secret-plaintext--long-metadata.yaml"] = f"""kind: Secret
apiVersion: v1
metadata:
  name: api
  labels:
{long_labels}
data:
  apikey: {b64(r(AL, 32))}
"""
pos["k8s-secret-plaintext--list.yaml"] = f"""apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {{name: cfg}}
    data: {{mode: prod}}
  - apiVersion: v1
    kind: Secret
    metadata: {{name: creds}}
    stringData:
      api-key: {r(AL, 28)}
"""
pos["k8s-secret-plaintext--secret.json"] = json.dumps({
    "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "j"},
    "data": {"token": b64(r(AL, 30))}}, indent=2) + "\n"
pos["k8s-secret-plaintext--multidoc.yaml"] = f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
---
apiVersion: v1
kind: Secret
metadata:
  name: web-secrets
stringData:
  SESSION_KEY: {r(AL, 24)}
"""
la = json.dumps({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "la", "namespace": "prod"},
                 "stringData": {"password": password()}}, separators=(",", ":"))
pos["k8s-secret-plaintext--last-applied.yaml"] = f"""apiVersion: v1
kind: Secret
metadata:
  name: la
  namespace: prod
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: |
      {la}
data: {{}}
"""
pos["k8s-secret-plaintext--dockerconfigjson.yaml"] = f"""apiVersion: v1
kind: Secret
metadata:
  name: regcred
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: {b64(json.dumps({"auths": {"ghcr.io": {"auth": b64("bot:" + password())}}}))}
"""
pos["k8s-secret-plaintext--sealed-template.yaml"] = f"""apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: db
  namespace: prod
spec:
  encryptedData:
    username: {sealed()}
  template:
    metadata:
      name: db
    type: Opaque
    data:
      password: {password()}
"""
pos["k8s-secret-plaintext--sealed-stringdata.yaml"] = f"""apiVersion: v1
kind: List
items:
  - apiVersion: bitnami.com/v1alpha1
    kind: SealedSecret
    metadata: {{name: api, namespace: prod}}
    spec:
      encryptedData:
        token: {sealed(40)}
      template:
        stringData:
          api-key: {r(AL, 28)}
"""
pos["k8s-secret-plaintext--sealed-pasted.yaml"] = f"""apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: smtp
spec:
  encryptedData:
    user: {sealed()}
    password: {r(AL, 6)}!{r(AL, 6)}
"""
pos["kustomize-secret-literal--kustomization.yaml"] = f"""apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
secretGenerator:
  - name: app
    literals:
      - DB_PASSWORD={password()}
      - MODE=prod
"""
pos["kubeconfig-credential--kubeconfig.yaml"] = f"""apiVersion: v1
kind: Config
clusters:
  - name: prod
    cluster: {{server: "https://10.0.0.1:6443"}}
users:
  - name: admin
    user:
      token: {r(AL, 40)}
contexts: []
"""
pos["kubeconfig-credential--client-key.yaml"] = f"""apiVersion: v1
kind: Config
users:
  - name: admin
    user:
      client-certificate-data: {b64(pem("CERTIFICATE", 2))}
      client-key-data: {b64(pem("RSA PRIVATE KEY", 6))}
"""

# --- look-alikes
neg["uuids.yaml"] = "".join(
    f"- id: {r(HEX, 8)}-{r(HEX, 4)}-4{r(HEX, 3)}-a{r(HEX, 3)}-{r(HEX, 12)}\n  token_id: {r(HEX, 8)}-{r(HEX, 4)}-4{r(HEX, 3)}-8{r(HEX, 3)}-{r(HEX, 12)}\n"
    for _ in range(10))
neg["git-log.txt"] = "".join(f"commit {r(HEX, 40)}\nMerge: {r(HEX, 7)} {r(HEX, 7)}\n\n" for _ in range(10))
neg["SHA256SUMS"] = "".join(f"{r(HEX, 64)}  veil-{i}.tar.gz\n" for i in range(10))
neg["package-lock.json"] = json.dumps({"packages": {f"node_modules/p{i}": {
    "version": "1.0.0", "resolved": f"https://registry.npmjs.org/p{i}/-/p{i}-1.0.0.tgz",
    "integrity": "sha512-" + r(B64, 86) + "=="} for i in range(8)}}, indent=2) + "\n"
neg["go.sum"] = "".join(f"example.com/m{i} v1.{i}.0 h1:{r(B64, 43)}=\n" for i in range(10))
neg["docs-aws.md"] = ("Use the example key pair from the AWS docs:\n\n"
                      "    aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                      "    aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
neg["docs-tokens.md"] = ("Set `GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx` and\n"
                         "`STRIPE_KEY=sk_test_4eC39HqLyjWDarjtT1zdp7dc` (Stripe's sample key),\n"
                         "`SLACK_TOKEN=xoxb-your-token-here`, `NPM_TOKEN=npm_YOUR_TOKEN`.\n"
                         "A key block looks like:\n-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n")
neg["github-placeholders.md"] = (
    "Tokens look like `ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX` or\n"
    "`gho_0123456789abcdefghijklmnopqrstuvwxyz`; a repeated piece is no token either:\n"
    "    GH_TOKEN=ghp_" + (r(AL, 12) * 3) + "\n"
    "    token: ghs_" + (r(AL, 9) * 4) + "\n")
neg["recipients.txt"] = "".join(bech32("age", os.urandom(32)) + "\n" for _ in range(5))
neg[".sops-recipients.yaml"] = "creation_rules:\n  - path_regex: secrets/.*\n    age: " + bech32("age", os.urandom(32)) + "\n"
neg["public.pem"] = pem("PUBLIC KEY", 4) + pem("CERTIFICATE", 10)
neg["authorized_keys"] = "".join(f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{r(B64, 43)} user{i}@host\n" for i in range(4))
neg["helm-secret.yaml"] = """apiVersion: v1
kind: Secret
metadata:
  name: {{ include "app.fullname" . }}
data:
  password: {{ .Values.password | b64enc | quote }}
  token: {{ required "token" .Values.token | b64enc }}
"""
neg["empty-secret.yaml"] = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: placeholder\ndata: {}\nstringData:\n  note: \"\"\n"
neg["external-secret.yaml"] = """apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: db
spec:
  secretStoreRef: {name: vault, kind: ClusterSecretStore}
  target:
    name: db-secret
  data:
    - secretKey: password
      remoteRef: {key: prod/db, property: password}
"""
neg["sealed-secret.yaml"] = f"""apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: db
  namespace: prod
  annotations:
    sealedsecrets.bitnami.com/managed: "true"
spec:
  encryptedData:
    password: {sealed(20)}
    api_token: {sealed(36)}
    client_secret: {sealed()}
    DB_PASSWORD: {sealed(12)}
  template:
    metadata:
      name: db
      labels: {{app: api}}
    type: Opaque
    data:
      dsn: 'postgres://app:{{{{ index . "password" }}}}@db:5432/app'
      config.yaml: |
        token: {{{{ index . "api_token" }}}}
---
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: legacy
spec:
  data: {sealed()}
"""
neg["sealed-secret.json"] = json.dumps({
    "apiVersion": "bitnami.com/v1alpha1", "kind": "SealedSecret",
    "metadata": {"name": "regcred", "namespace": "ci"},
    "spec": {"encryptedData": {".dockerconfigjson": sealed(), "password": sealed(24)},
             "template": {"type": "kubernetes.io/dockerconfigjson"}}}, indent=2) + "\n"
neg["deployment.yaml"] = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api@sha256:%s
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef: {name: db-secret, key: password}
            - name: TOKEN_FILE
              value: /var/run/secrets/token
      volumes:
        - name: tls
          secret:
            secretName: api-tls
""" % r(HEX, 64)
neg["settings.py"] = """import os
DB_PASSWORD = os.environ["DB_PASSWORD"]
API_TOKEN = os.getenv("API_TOKEN", "")
password_field = "password"
SECRET_KEY = get_secret("django")
token_url = "https://auth.example.com/oauth/token"
PASSWORD_MIN_LENGTH = 12
"""
neg["values.yaml"] = """auth:
  existingSecret: app-auth
  passwordKey: admin-password
  password: ""
redis:
  password: ${REDIS_PASSWORD}
  passwordPolicy: strict
ingress:
  tls: true
  secretName: web-tls
"""
neg["compose.yml"] = """services:
  db:
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
      DATABASE_URL: postgres://app@db:5432/app
      CACHE_URL: redis://cache:6379/0
  web:
    environment:
      DATABASE_URL: postgres://user:password@localhost/dev
"""
neg["app.js"] = """const token = req.headers.authorization;
const secret = process.env.JWT_SECRET;
function passwordValid(password) { return password.length >= 12; }
const apiKey = config.get('apiKey');
export const TOKEN_TYPE = "Bearer";
"""
neg["ci.yml"] = """jobs:
  build:
    steps:
      - run: make
        env:
          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
"""
neg["docker-digest.txt"] = "".join(f"ghcr.io/acme/app@sha256:{r(HEX, 64)}\n" for _ in range(5))
neg["base64-image.css"] = ".logo { background: url(data:image/png;base64," + r(B64, 400) + "); }\n"
neg["jwt-header-only.md"] = "A JWT starts with `eyJhbGciOiJIUzI1NiJ9` (the header).\n"
neg["hashes.yaml"] = "".join(f"- file: f{i}\n  sha256: {r(HEX, 64)}\n  md5: {r(HEX, 32)}\n" for i in range(5))

# --- look-alikes of what the guard reads since issue 11: templates without a
# literal, aliases and merge keys, flags, paths and code references under
# secret-like keys, other encodings, streams, tags of other tools
neg["helm-secret-controls.yaml"] = """{{- if .Values.secret.create }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "app.fullname" . }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
type: Opaque
data:
  password: {{ .Values.auth.password | default (randAlphaNum 24) | b64enc | quote }}
  token: {{ required "auth.token is required" .Values.auth.token | b64enc }}
  {{- with .Values.extraSecrets }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
stringData:
  DATABASE_URL: "postgresql://{{ .Values.db.user }}:{{ .Values.db.password }}@{{ .Values.db.host }}:5432/app"
  existing: {{ index (lookup "v1" "Secret" .Release.Namespace "db").data "password" }}
  config.yaml: |
    endpoint: https://api.example.com/v1
    clientSecret: {{ .Values.oauth.clientSecret }}
    mode: {{ if eq .Values.env "prod" }}strict{{ else }}lax{{ end }}
{{- end }}
"""
neg["secret-references.yaml"] = """apiVersion: v1
kind: Secret
metadata:
  name: app
  annotations:
    empty: &e ""
stringData:
  db: ${DB_PASSWORD}
  api: $(API_TOKEN)
  flux: ${cluster_token:=}
  copy: *e
  <<: {unset: ~}
data:
  none: null
"""
neg["flags-and-paths.env"] = """HELM_SECRETS_BACKEND_ARGS="--verbose --output-type yaml"
HELM_SECRETS_BACKEND_ARGS="--verbose --output-type=yaml"
HELM_SECRETS_BACKEND=assets/custom.sh
HELM_SECRETS_BACKEND=./assets/custom-backend.sh
TOKEN_CMD=/usr/local/bin/get-token.sh
SECRETS_HELPER=~/.config/sops/helper.sh
"""
neg["azure.go"] = """	opts := &azsecrets.ClientOptions{
		TokenCredential: d.azureTokenCredential,
		SecretClient:    secretsClient.WithRetries(3),
	}
	cfg.ClientSecret = settings.AzureClientSecretName
"""
neg["links.txt"] = """Docs: https://docs.example.com/auth?redirect=admin@example.com
Mirror: https://host.example.com:8443/#frag@anchor
Sign in as admin@example.com at https://console.example.com:443/login
"""
neg["streams.json"] = ('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"k":"v"}}\n'
                       '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"b"},"type":"Opaque"}\n'
                       '[{"apiVersion":"v1","kind":"Secret","metadata":{"name":"c"},"data":{}}]\n')
neg["cloudformation.yaml"] = """Resources:
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: !Sub "${AWS::StackName}-db"
      SecretString: !Ref DbPasswordParameter
      GenerateSecretString:
        SecretStringTemplate: !Sub '{"username": "${DbUser}"}'
        GenerateStringKey: password
"""
neg["utf16-config.yaml"] = None  # written as UTF-16 below
neg["kustomization.yaml"] = """apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
secretGenerator:
  - name: app
    envs: [encrypted.env]
    literals:
      - TOKEN=${TOKEN}
patches:
  - target: {kind: Secret, name: app}
    patch: |-
      - op: add
        path: /stringData/extra
        value: ""
"""


def write(d, files):
    os.makedirs(d, exist_ok=True)
    for name, text in files.items():
        if ONLY and f"{d}/{name}" not in ONLY:
            continue
        if name == "utf16-config.yaml":
            text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n"
                    "  mode: prod\n  secretName: app-secret\n")
            with open(os.path.join(d, name), "wb") as f:
                f.write(b"\xff\xfe" + text.encode("utf-16-le"))
            continue
        with open(os.path.join(d, name), "w") as f:
            f.write(text)


# sops-encrypted files, for a recipient whose identity is thrown away
def sops_files():
    if not VEIL:
        return
    with tempfile.TemporaryDirectory() as t:
        subprocess.run([VEIL, "keygen", "-o", f"{t}/k.txt"], check=True, capture_output=True)
        rcp = [l.split()[-1] for l in open(f"{t}/k.txt") if l.startswith("# public key")][0]

        def enc(text, name, extra=()):
            p = os.path.join(t, name)
            with open(p, "w") as f:
                f.write(text)
            out = subprocess.run([VEIL, "encrypt", "-r", rcp, *extra, p], check=True,
                                 capture_output=True, text=True).stdout
            return out

        sec = f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: ok\nstringData:\n  password: {password()}\n  token: {r(AL, 30)}\n"
        neg["encrypted-secret.yaml"] = enc(sec, "s.yaml", ["--encrypted-regex", "^(data|stringData)$"])
        neg["encrypted-config.json"] = enc(json.dumps({"db": {"password": password()}}) + "\n", "c.json")
        neg["encrypted.env"] = enc(f"API_KEY={r(AL, 32)}\n", "e.env")
        added = enc(sec, "a.yaml", ["--encrypted-regex", "^(data|stringData)$"])
        added = added.replace("stringData:\n", f"stringData:\n  apikey: {r(AL, 26)}\n", 1)
        pos["k8s-secret-plaintext--key-added.yaml"] = added
        pasted = enc(f"db:\n  host: db\n  password: {password()}\n", "p.yaml")
        pasted = pasted.replace("db:\n", f"db:\n  api_secret: {r(AL, 24)}\n", 1)
        pos["sops-plaintext-value--pasted.yaml"] = pasted


sops_files()
write("pos", pos)
write("neg", neg)
print(f"{len(pos)} positive, {len(neg)} negative fixtures")
