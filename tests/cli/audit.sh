#!/usr/bin/env bash
# veil audit: who can decrypt what, from metadata alone. A generated
# repository of 50 encrypted files (YAML, JSON, dotenv) under four creation
# rules (a flat list, key groups with a Shamir threshold, a ChaCha20 rule, a
# catch-all), plus plain files: the JSON report must match the files' sops
# metadata read independently (python3 with PyYAML), and the matching rule
# computed from .sops.yaml the same way; --recipient lists what one key
# opens; the text table agrees. No identity is available to veil here.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

python3 -c 'import yaml' 2>/dev/null || { echo "skip: python3 with PyYAML is needed to read the metadata"; exit 77; }

for who in a b c d; do
	"$VEIL" keygen -o "$T/$who.txt" 2>/dev/null
done
A=$("$VEIL" keygen -y "$T/a.txt")
B=$("$VEIL" keygen -y "$T/b.txt")
C=$("$VEIL" keygen -y "$T/c.txt")
D=$("$VEIL" keygen -y "$T/d.txt")

mkdir -p repo/team-a repo/team-b repo/legacy repo/misc repo/app && cd repo || exit 1
cat >.sops.yaml <<EOF
creation_rules:
  - path_regex: ^team-a/
    age: $A,$B
  - path_regex: ^team-b/
    shamir_threshold: 2
    key_groups:
      - age: [$A]
      - age: [$B, $C]
      - age: [$D]
  - path_regex: ^legacy/
    cipher: chacha20_poly1305
    age: $C
  - age: $D
EOF
n=0
mk() { # mk PATH CONTENT: write and encrypt
	printf '%s' "$2" >"$1"
	"$VEIL" encrypt -i "$1" 2>"$T/err" || fail "encrypt $1: $(cat "$T/err")"
	n=$((n + 1))
}
for i in $(seq 1 15); do mk team-a/s$i.yaml "value: v$i"$'\n'; done
for i in $(seq 1 8); do mk team-b/s$i.json "{\"token\": \"t$i\"}"$'\n'; done
for i in $(seq 9 15); do mk team-b/s$i.yaml "key: k$i"$'\n'; done
for i in $(seq 1 10); do mk legacy/s$i.yaml "old: o$i"$'\n'; done
for i in $(seq 1 10); do mk misc/s$i.env "API_KEY=k$i"$'\n'; done
check "50 encrypted files generated" test "$n" -eq 50
printf '# readme\n' >README.md
printf 'replicas: 2\n' >app/values.yaml

run "$VEIL" audit --format json
expect_rc 0 "veil audit --format json"
cp "$T/out" ../audit.json
cat >"$T/meta.py" <<'EOF'
import json, os, re, sys, yaml

def sops_of(path):
    text = open(path).read()
    if path.endswith(".json"):
        return json.loads(text)["sops"]
    if path.endswith(".env"):
        # dotenv flattens the block: sops_age__list_N__map_recipient=...
        flat = dict(l.split("=", 1) for l in text.splitlines() if l.startswith("sops_"))
        ages = []
        for k, v in flat.items():
            m = re.fullmatch(r"sops_age__list_(\d+)__map_recipient", k)
            if m:
                ages.append((int(m.group(1)), v))
        return {"age": [{"recipient": v} for _, v in sorted(ages)],
                "mac": flat["sops_mac"], "lastmodified": flat["sops_lastmodified"],
                "version": flat["sops_version"]}
    return yaml.safe_load(text)["sops"]

rules = yaml.safe_load(open(".sops.yaml"))["creation_rules"]
files = []
for root, dirs, names in os.walk("."):
    dirs[:] = sorted(d for d in dirs if d != ".git")
    for name in sorted(names):
        path = os.path.relpath(os.path.join(root, name))
        if name == ".sops.yaml":
            continue
        text = open(path).read()
        if "sops" not in text or "mac" not in text:
            continue
        s = sops_of(path)
        if "key_groups" in s:
            groups = [[k["recipient"] for k in g.get("age", [])] for g in s["key_groups"]]
            needed = int(s.get("shamir_threshold") or len(groups))
        else:
            groups = [[k["recipient"] for k in s["age"]]]
            needed = 1
        rule = None
        for i, r in enumerate(rules):
            if "path_regex" not in r or re.search(r["path_regex"], path):
                rule = {"index": i + 1, "path_regex": r.get("path_regex")}
                break
        files.append({"path": path, "cipher": s["mac"][4:s["mac"].index(",")],
                      "lastmodified": s["lastmodified"], "version": s["version"],
                      "rule": rule, "needed": needed, "groups": groups})
files.sort(key=lambda f: f["path"])
json.dump(files, sys.stdout, sort_keys=True)
EOF
python3 "$T/meta.py" >../want.json
python3 - >../got.json <<'EOF'
import json, sys
a = json.load(open("../audit.json"))
files = [{"path": f["path"], "cipher": f["cipher"], "lastmodified": f["lastmodified"],
          "version": f["version"], "rule": f["rule"], "needed": f["needed"],
          "groups": [g["age"] for g in f["key_groups"]]} for f in a["files"]]
files.sort(key=lambda f: f["path"])
json.dump(files, sys.stdout, sort_keys=True)
EOF
check "audit lists the 50 files (plain files left out)" test "$(python3 -c 'import json;print(len(json.load(open("../got.json"))))')" -eq 50
if same ../want.json ../got.json; then
	ok "audit matches every file's metadata and current rule, read independently"
else
	fail "audit differs from the metadata: $(diff <(python3 -m json.tool ../want.json) <(python3 -m json.tool ../got.json) | head -20)"
fi
check "  the rule column is the rule of now (team-a/s1: rule 1, ChaCha files: rule 3)" python3 -c '
import json
f = {x["path"]: x for x in json.load(open("../audit.json"))["files"]}
assert f["team-a/s1.yaml"]["rule"] == {"index": 1, "path_regex": "^team-a/"}
assert f["legacy/s1.yaml"]["cipher"] == "CHACHA20_POLY1305"
assert f["misc/s1.env"]["rule"] == {"index": 4, "path_regex": None}
assert f["team-b/s1.json"]["needed"] == 2 and len(f["team-b/s1.json"]["key_groups"]) == 3
'
check "  per recipient: how many files hold it" python3 -c '
import json
a = json.load(open("../audit.json"))
count = {}
for f in a["files"]:
    for r in {k for g in f["key_groups"] for k in g["age"]}:
        count[r] = count.get(r, 0) + 1
assert {r["recipient"]: r["files"] for r in a["recipients"]} == count, count
'

# --recipient: what one key opens, alone or as a share
run "$VEIL" audit --recipient "$C" --format json
cp "$T/out" c.json
check "--recipient C: the legacy files alone, team-b as a share" python3 - "$C" <<'EOF'
import json, sys
c = sys.argv[1]
want = {}
for f in json.load(open("../want.json")):
    held = [i + 1 for i, g in enumerate(f["groups"]) if c in g]
    if held:
        want[f["path"]] = (len(held) >= f["needed"], held)
got = {f["path"]: (f["alone"], f["groups"]) for f in json.load(open("c.json"))["files"]}
assert got == want, (got, want)
assert all(not a for p, (a, _) in got.items() if p.startswith("team-b/"))
assert all(a for p, (a, _) in got.items() if p.startswith("legacy/"))
EOF
run "$VEIL" audit --recipient "$D" legacy team-a
check "--recipient with PATHs: a key in none of them lists nothing" test "$rc" -eq 0 -a ! -s "$T/out"
run "$VEIL" audit --recipient "$D" team-b
check "  text: team-b files as shares" test "$(grep -c '(a share: 2 of 3 key groups needed)$' "$T/out")" -eq 15

# the text table agrees
run "$VEIL" audit
expect_rc 0 "veil audit (text)"
check "  one row per file" test "$(grep -cE '^(team-a|team-b|legacy|misc)/' "$T/out")" -eq 50
check "  a team-b row: its rule, threshold and groups" \
	grep -qE "^team-b/s1.json +\^team-b/ +AES256_GCM +[0-9TZ:-]+ +2 of 3 " "$T/out"
check "  a legacy row: ChaCha20" grep -qE "^legacy/s1.yaml +\^legacy/ +CHACHA20_POLY1305 " "$T/out"
check "  the catch-all rule is named so" grep -qE "^misc/s1.env +\(catch-all\) " "$T/out"
check "  every recipient in the legend" test "$(grep -cE '^  \[[0-9]+\] age1' "$T/out")" -eq 4

# named files: one that is not encrypted is an error; others still listed
run "$VEIL" audit README.md team-a/s1.yaml
expect_rc 1 "a named plain file: exit 1"
check "  the encrypted one is still listed" grep -q '^team-a/s1.yaml ' "$T/out"
err_has "README.md" "  the plain one is named"
run "$VEIL" audit --format xml
expect_rc 2 "unknown --format"

finish
