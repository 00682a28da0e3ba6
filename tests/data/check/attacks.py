#!/usr/bin/env python3
"""Generates the corpus of plaintext-Secret attempts `veil check` must refuse
(tests/cli/check_attacks.sh): attack/RULE--NAME.EXT must be reported with RULE.

Each file is one way of committing a plaintext secret past a guard that reads
the bytes instead of what Kubernetes (kubectl, kustomize, Flux, Argo CD)
loads: aliases and merge keys, escapes, tags, flow styles, templates, NUL
bytes, other encodings, syntax errors in other documents, JSON streams,
kustomize generators and patches, sops metadata that declares a value
unencrypted, detector gaps. The secret values are made up and low-entropy on
purpose, so the content detectors alone would not catch most of them: the
structure has to.

Run from this directory with the path of a built veil (used only to encrypt
the few sops files, for a throwaway recipient):
    python3 attacks.py ../../../build/veil
then refresh the corpus entries of .veilignore (see tests/cli/check_self.sh).
"""
import base64, os, secrets, subprocess, sys, tempfile

VEIL = sys.argv[1] if len(sys.argv) > 1 else None
D = "attack"
V = "hunter2-corpus"  # the plaintext every attempt tries to commit (no keyword, low entropy)
B64V = base64.b64encode(V.encode()).decode()
HEAD = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n"
files = {}


def secret(body, head=HEAD):
    return head + body


K = "k8s-secret-plaintext--"

# --- aliases and merge keys (go-yaml resolves them before Kubernetes sees the object)
files[K + "alias-annotation.yaml"] = (
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n  annotations:\n"
    f"    note: &p {V}\nstringData:\n  app.conf: *p\n")
files[K + "merge-key.yaml"] = (
    f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n  labels: &d\n    app.conf: {V}\n"
    "stringData:\n  <<: *d\n")
files[K + "merge-list.yaml"] = (
    f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n  labels: &a {{x: y}}\n"
    f"  annotations: &b {{app.conf: {V}}}\nstringData:\n  <<: [*a, *b]\n")
files[K + "merge-chained.yaml"] = (
    f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n  labels: &a {{app.conf: {V}}}\n"
    "  annotations: &b {<<: *a, other: x}\nstringData:\n  <<: *b\n")
files[K + "kind-alias.yaml"] = (
    "apiVersion: v1\nmetadata:\n  name: app\n  labels:\n    k: &k Secret\nkind: *k\n"
    f"stringData:\n  app.conf: {V}\n")
files[K + "alias-whole-map.yaml"] = (
    f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n  labels: &m {{app.conf: {V}}}\n"
    "stringData: *m\n")
files[K + "alias-list-item.yaml"] = (
    "apiVersion: v1\nkind: List\n"
    f"template: &s {{apiVersion: v1, kind: Secret, metadata: {{name: a}}, stringData: {{app.conf: {V}}}}}\n"
    "items: [*s]\n")
files[K + "merge-kind.yaml"] = (
    "base: &b {apiVersion: v1, kind: Secret}\n<<: *b\nmetadata: {name: app}\n"
    f"stringData: {{app.conf: {V}}}\n")

# --- escapes, folding (the value as loaded, not as written)
files[K + "escape-x.yaml"] = secret(f"stringData:\n  app.conf: {V}\n",
                                    'apiVersion: v1\nkind: "\\x53ecret"\nmetadata:\n  name: app\n')
files[K + "escape-u.yaml"] = secret(f"stringData:\n  app.conf: {V}\n",
                                    'apiVersion: v1\nkind: "\\u0053ecret"\nmetadata:\n  name: app\n')
files[K + "escape-U.yaml"] = secret(f"stringData:\n  app.conf: {V}\n",
                                    'apiVersion: v1\nkind: "\\U00000053ecret"\nmetadata:\n  name: app\n')
files[K + "escape-key.yaml"] = HEAD + f'"\\x73tringData":\n  app.conf: {V}\n'
files[K + "escape-line-continuation.yaml"] = secret(
    f"stringData:\n  app.conf: {V}\n", 'apiVersion: v1\nkind: "Sec\\\n  ret"\nmetadata:\n  name: app\n')
files[K + "escape-all.yaml"] = (
    'apiVersion: v1\n"\\x6bind": "\\x53\\x65\\x63\\x72\\x65\\x74"\nmetadata:\n  name: app\n'
    f'"\\x73tringData": {{"\\x61pp": "{V}"}}\n')
files[K + "json-escape.json"] = (
    '{"apiVersion":"v1","kind":"\\u0053ecret","metadata":{"name":"app"},'
    f'"stringData":{{"app.conf":"{V}"}}}}\n')
files[K + "json-escape-key.json"] = (
    '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"app"},'
    f'"\\u0073tringData":{{"app.conf":"{V}"}}}}\n')
files[K + "json-surrogate.json"] = (
    '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"app","annotations":{"x":"\\ud83d"}},'
    f'"stringData":{{"app.conf":"{V}"}}}}\n')

# --- tags (!!binary is decoded by go-yaml; a tag spelled otherwise is the same tag)
files[K + "binary-kind.yaml"] = secret(
    f"stringData:\n  app.conf: {V}\n", "apiVersion: v1\nkind: !!binary U2VjcmV0\nmetadata:\n  name: app\n")
files[K + "binary-value.yaml"] = HEAD + f"stringData:\n  app.conf: !!binary {B64V}\n"
files[K + "tag-directive.yaml"] = ("%TAG !e! tag:yaml.org,2002:\n---\napiVersion: v1\n"
                                   "kind: !e!binary U2VjcmV0\nmetadata:\n  name: app\n"
                                   f"stringData:\n  app.conf: {V}\n")
files[K + "tag-default-handle.yaml"] = ("%TAG ! tag:yaml.org,2002:\n---\napiVersion: v1\n"
                                        "kind: !binary U2VjcmV0\nmetadata:\n  name: app\n"
                                        f"stringData:\n  app.conf: {V}\n")
files[K + "tag-verbatim.yaml"] = secret(
    f"stringData:\n  app.conf: {V}\n",
    "apiVersion: v1\nkind: !<tag:yaml.org,2002:binary> U2VjcmV0\nmetadata:\n  name: app\n")
files[K + "tag-uri-escape.yaml"] = secret(
    f"stringData:\n  app.conf: {V}\n", "apiVersion: v1\nkind: !!bin%61ry U2VjcmV0\nmetadata:\n  name: app\n")
files[K + "tag-str.yaml"] = secret(f"stringData:\n  app.conf: !!str {V}\n",
                                  "apiVersion: v1\nkind: !!str Secret\nmetadata:\n  name: app\n")
files[K + "tag-custom.yaml"] = secret(f"stringData:\n  app.conf: !vault {V}\n",
                                     "apiVersion: v1\nkind: !k8s Secret\nmetadata:\n  name: app\n")

# --- flow styles, JSON in YAML, YAML in JSON
files[K + "flow.yaml"] = (f"{{apiVersion: v1, kind: Secret, metadata: {{name: app}}, "
                          f"stringData: {{app.conf: {V}}}}}\n")
files[K + "json-in-yaml.yaml"] = (f'{{"apiVersion": "v1", "kind": "Secret", "metadata": {{"name": "app"}}, '
                                  f'"stringData": {{"app.conf": "{V}"}}}}\n')
files[K + "yaml-in-json.json"] = HEAD + f"stringData:\n  app.conf: {V}\n"
files[K + "block-scalar.yaml"] = HEAD + f"stringData:\n  app.conf: |\n    user=admin\n    pass={V}\n"
files[K + "folded-scalar.yaml"] = HEAD + f"stringData:\n  app.conf: >-\n    {V}\n"

# --- templates: only what cannot hold a literal is exempt
files[K + "template-literal.yaml"] = HEAD + "stringData:\n  password: '{{ \"literal-secret\" }}'\n"
files[K + "template-unquoted.yaml"] = HEAD + "stringData:\n  password: {{ \"literal-secret\" }}\n"
files[K + "template-default.yaml"] = HEAD + f"stringData:\n  app.conf: '{{{{ .Values.x | default \"{V}\" }}}}'\n"
files[K + "template-printf.yaml"] = HEAD + f"stringData:\n  app.conf: '{{{{ printf \"%s\" \"{V}\" }}}}'\n"
files[K + "template-variable.yaml"] = HEAD + f"stringData:\n  app.conf: '{{{{ $p := \"{V}\" }}}}{{{{ $p }}}}'\n"
files[K + "template-comment.yaml"] = HEAD + f"stringData:\n  app.conf: '{V}{{{{/* nothing */}}}}'\n"
files[K + "template-b64enc.yaml"] = HEAD + f"data:\n  app.conf: '{{{{ \"{V}\" | b64enc }}}}'\n"
files[K + "envsubst-assign.yaml"] = HEAD + "stringData:\n  db: ${DB:=literal-secret}\n"
files[K + "envsubst-default.yaml"] = HEAD + f"stringData:\n  db: ${{DB:-{V}}}\n"
files[K + "envsubst-nested.yaml"] = HEAD + f"stringData:\n  db: ${{DB:-${{OTHER:-{V}}}}}\n"
files[K + "helm-chart.yaml"] = (
    "{{- if .Values.secret.create }}\napiVersion: v1\nkind: Secret\nmetadata:\n"
    "  name: {{ include \"app.fullname\" . }}\n  labels:\n    {{- include \"app.labels\" . | nindent 4 }}\n"
    f"stringData:\n  password: {{{{ .Values.password | quote }}}}\n  app.conf: {V}\n{{{{- end }}}}\n")

# --- bytes no YAML reader takes, other encodings, line ends
files[K + "nul-comment.yaml"] = HEAD + f"stringData:\n  app.conf: {V}\n# \0\n"
files[K + "nul-first-line.yaml"] = "# \0\n" + HEAD + f"stringData:\n  app.conf: {V}\n"
files[K + "nul-other-document.yaml"] = "a: \0\n---\n" + HEAD + f"stringData:\n  app.conf: {V}\n"
files[K + "nul-many.yaml"] = ("#" + "\0" * 200 + "\n") + HEAD + f"stringData:\n  app.conf: {V}\n"
files[K + "control-chars.yaml"] = HEAD.replace("name: app", "name: a\x01pp\x7f") + f"stringData:\n  app.conf: {V}\n"
files[K + "invalid-utf8.yaml"] = (HEAD + f"stringData:\n  app.conf: {V}\n").encode() + b"  other: caf\xe9\n"
files[K + "json-invalid-utf8.json"] = (
    '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"caf'.encode() + b"\xe9" +
    f'"}},"stringData":{{"app.conf":"{V}"}}}}\n'.encode())
text = HEAD + f"stringData:\n  app.conf: {V}\n"
files[K + "utf16le-bom.yaml"] = b"\xff\xfe" + text.encode("utf-16-le")
files[K + "utf16be-bom.yaml"] = b"\xfe\xff" + text.encode("utf-16-be")
files[K + "utf16le-no-bom.yaml"] = text.encode("utf-16-le")
files[K + "utf8-bom.yaml"] = "\ufeff" + text
files[K + "bom-mid-stream.yaml"] = "kind: ConfigMap\n---\n\ufeff" + text
files[K + "crlf.yaml"] = ("kind: ConfigMap\r\n---\r\n" + text).replace("\n", "\r\n").replace("\r\r", "\r")
files[K + "cr-only.yaml"] = text.replace("\n", "\r")

# --- documents: syntax errors elsewhere, markers, duplicates, keys sops refuses
files[K + "syntax-error-other-document.yaml"] = text + "---\na: [\n"
files[K + "syntax-error-before.yaml"] = "a: [\n---\n" + text
files[K + "syntax-error-after.yaml"] = text + "  broken: [unclosed\n"
files[K + "unknown-alias-other-document.yaml"] = "a: *nowhere\n---\n" + text
files[K + "document-end-marker.yaml"] = "kind: ConfigMap\n...\n---\n" + text
files[K + "after-document-end.yaml"] = "kind: ConfigMap\n...\n" + text
files[K + "duplicate-kind.yaml"] = ("apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata:\n  name: app\n"
                                    f"stringData:\n  app.conf: {V}\n")
files[K + "duplicate-stringdata.yaml"] = HEAD + f"stringData:\n  a: ''\nstringData:\n  app.conf: {V}\n"
files[K + "non-string-key.yaml"] = HEAD + f"stringData:\n  1: {V}\n"
files[K + "bool-key.yaml"] = HEAD + f"stringData:\n  yes: {V}\n"
files[K + "complex-key.yaml"] = HEAD + f"? [a, b]\n: c\nstringData:\n  app.conf: {V}\n"
files[K + "root-list.yaml"] = (f"- {{apiVersion: v1, kind: Secret, metadata: {{name: a}}, "
                               f"stringData: {{app.conf: {V}}}}}\n")
files[K + "field-case.yaml"] = HEAD + f"StringData:\n  app.conf: {V}\n"
files[K + "fake-enc.yaml"] = HEAD + "stringData:\n  app.conf: ENC[hunter2-corpus]\n"
files[K + "fake-enc-fields.yaml"] = HEAD + f"data:\n  app.conf: ENC[AES256_GCM,data:{B64V},type:str]\n"
files[K + "no-extension"] = text
files[K + "text-extension.txt"] = text
files[K + "backup.yaml.bak"] = text

# --- lists and JSON streams
files[K + "json-list.json"] = ('{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Secret",'
                               f'"metadata":{{"name":"a"}},"stringData":{{"app.conf":"{V}"}}}}]}}\n')
files[K + "secret-list.yaml"] = ("apiVersion: v1\nkind: SecretList\nitems:\n  - apiVersion: v1\n    kind: Secret\n"
                                 f"    metadata: {{name: a}}\n    stringData: {{app.conf: {V}}}\n")
files[K + "items-of-any-kind.yaml"] = ("apiVersion: v1\nkind: Whatever\nitems:\n  - apiVersion: v1\n    kind: Secret\n"
                                       f"    metadata: {{name: a}}\n    stringData: {{app.conf: {V}}}\n")
files[K + "nested-list.yaml"] = ("kind: List\nitems:\n  - kind: List\n    items:\n      - kind: Secret\n"
                                 f"        stringData: {{app.conf: {V}}}\n")
files[K + "json-stream.json"] = ('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}\n'
                                 '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"a"},'
                                 f'"stringData":{{"app.conf":"{V}"}}}}\n')
files[K + "json-concatenated.json"] = ('{"kind":"ConfigMap"}{"kind":"Secret",'
                                       f'"stringData":{{"app.conf":"{V}"}}}}')
files[K + "json-array.json"] = (f'[{{"apiVersion":"v1","kind":"Secret","metadata":{{"name":"a"}},'
                                f'"stringData":{{"app.conf":"{V}"}}}}]\n')
files[K + "last-applied-escaped.yaml"] = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  annotations:\n"
    "    kubectl.kubernetes.io/last-applied-configuration: |\n"
    f'      {{"apiVersion":"v1","kind":"\\u0053ecret","stringData":{{"app.conf":"{V}"}}}}\n')
files[K + "openshift-template.yaml"] = (
    "apiVersion: template.openshift.io/v1\nkind: Template\nmetadata:\n  name: t\nobjects:\n"
    f"  - apiVersion: v1\n    kind: Secret\n    metadata: {{name: a}}\n    stringData: {{app.conf: {V}}}\n")
files[K + "external-secret-template.yaml"] = (
    "apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: a\nspec:\n"
    "  target:\n    name: a\n    template:\n      data:\n"
    f"        app.conf: {V}\n        dsn: 'postgres://app:{{{{ .password }}}}@db/app'\n")
files[K + "deep-nesting.yaml"] = (
    HEAD + "extra: " + "[" * 300 + f"&p {V}" + "]" * 300 + "\nstringData:\n  app.conf: *p\n")
files[K + "sealed-template-alias.yaml"] = (
    "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: app\n"
    f"  labels: &t {{app.conf: {V}}}\nspec:\n  encryptedData: {{}}\n  template:\n    stringData: *t\n")

# --- kustomize: generators and patches
files["kustomize-secret-literal--generator-alias.yaml"] = (
    f"x: &l app.conf={V}\nsecretGenerator:\n  - name: app\n    literals: [*l]\n")
files["kustomize-secret-literal--generator-quoted.yaml"] = (
    f"secretGenerator:\n  - name: app\n    literals:\n      - 'app.conf=\"{V}\"'\n")
files["kustomize-secret-literal--builtin-generator.yaml"] = (
    "apiVersion: builtin\nkind: SecretGenerator\nmetadata:\n  name: app\n"
    f"literals:\n  - app.conf={V}\n")
files[K + "kustomize-patch.yaml"] = (
    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [base]\npatches:\n"
    "  - target: {kind: Secret, name: app}\n    patch: |-\n      apiVersion: v1\n      kind: Secret\n"
    f"      metadata:\n        name: app\n      stringData:\n        app.conf: {V}\n")
files[K + "kustomize-json6902.yaml"] = (
    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [base]\npatches:\n"
    "  - target: {kind: Secret, name: app}\n    patch: |-\n"
    f"      - op: add\n        path: /stringData/app.conf\n        value: {V}\n")
files[K + "kustomize-strategic-merge.yaml"] = (
    "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [base]\n"
    "patchesStrategicMerge:\n  - |-\n    apiVersion: v1\n    kind: Secret\n    metadata:\n      name: app\n"
    f"    stringData:\n      app.conf: {V}\n")

# --- detector gaps
files["url-password--hash-and-percent.env"] = "DATABASE_URL=postgres://app:9nhF#5di%zJ@db:5432/app\n"
files["url-password--percent-encoded.yaml"] = "dsn: postgres://app:%40p9nhF5di@db:5432/app\n"


def bech32(hrp, data8):
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
    return hrp + "1" + "".join(CH[d] for d in data5 + [(pm >> 5 * (5 - i)) & 31 for i in range(6)])


files["age-secret-key--post-quantum.txt"] = (
    "# created: 2026-11-01T10:00:00Z\n" + bech32("age-secret-key-pq-", os.urandom(32)).upper() + "\n")


# --- sops files whose own metadata declares a value unencrypted (the corpus
# .sops.yaml has a rule for rule/ that encrypts everything)
def sops_files():
    if not VEIL:
        print("no veil given: the sops attempts are not (re)made")
        return
    with tempfile.TemporaryDirectory() as t:
        subprocess.run([VEIL, "keygen", "-o", f"{t}/k.txt"], check=True, capture_output=True)
        rcp = [l.split()[-1] for l in open(f"{t}/k.txt") if l.startswith("# public key")][0]

        def enc(text, name, extra=()):
            p = os.path.join(t, name)
            with open(p, "w") as f:
                f.write(text)
            return subprocess.run([VEIL, "encrypt", "-r", rcp, *extra, p], check=True,
                                  capture_output=True, text=True).stdout

        plain = f"db:\n  host: db\n  password: {V}\n"
        files["rule/sops-plaintext-value--self-declared-unencrypted.yaml"] = enc(
            plain, "a.yaml", ["--unencrypted-regex", "^password$"])
        files["rule/sops-plaintext-value--self-declared-nothing.yaml"] = enc(
            plain, "b.yaml", ["--encrypted-regex", "^nothing$"])
        files["rule/sops-plaintext-value--self-declared-suffix.yaml"] = enc(
            plain, "c.yaml", ["--unencrypted-suffix", "word"])
        files["rule/sops-plaintext-value--self-declared.env"] = enc(
            f"HOST=db\nDB_PASSWORD={V}\n", "d.env", ["--unencrypted-regex", "^DB_PASSWORD$"])
        sec = HEAD + f"stringData:\n  token: {secrets.token_hex(8)}\n"
        added = enc(sec, "s.yaml", ["--encrypted-regex", "^(data|stringData)$"])
        files[K + "key-added-to-encrypted.yaml"] = added.replace(
            "stringData:\n", f"stringData:\n  app.conf: {V}\n", 1)
        files[K + "key-added-by-alias.yaml"] = added.replace(
            "  name: app\n", f"  name: app\n  labels: {{x: &p {V}}}\n", 1).replace(
            "stringData:\n", "stringData:\n  app.conf: *p\n", 1)


sops_files()
os.makedirs(D, exist_ok=True)
os.makedirs(os.path.join(D, "rule"), exist_ok=True)
with open(os.path.join(D, ".sops.yaml"), "w") as f:
    f.write("creation_rules:\n  - path_regex: ^rule/\n"
            "    age: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n")
for name, body in files.items():
    with open(os.path.join(D, name), "wb") as f:
        f.write(body if isinstance(body, bytes) else body.encode())
print(f"{len(files)} attempts in {D}/")
