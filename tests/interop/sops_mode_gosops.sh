#!/usr/bin/env bash
# What sops mode writes, read by real Go sops 3.9.2 (the oracle in gosops/):
# files made through a `sops` link to veil by every writing command (encrypt
# in its legacy and subcommand forms, from stdin, with --output-type; edit,
# set, unset, rotate with --add-age, updatekeys, groups add) in YAML, JSON,
# dotenv and binary decrypt in Go sops, MAC verified, to the tree veil gives.
# (INI: the oracle's bootstrap refuses that format.) A file sops wrote with
# PGP keys besides age keeps them through set and edit, and Go sops still
# opens it.
IDIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/cli/common.bash
. "$IDIR/../cli/common.bash"
# shellcheck source=tests/interop/gosops.bash
. "$IDIR/gosops.bash"

FIX=${VEIL_SHARED_DIR:-$(cd "$IDIR/../../.." && pwd)/shared}/fixtures/sops
"$VEIL" keygen -o k1.txt 2>/dev/null
"$VEIL" keygen -o k2.txt 2>/dev/null
R1=$(grep -o 'age1[0-9a-z]*' k1.txt)
R2=$(grep -o 'age1[0-9a-z]*' k2.txt)
cat k1.txt k2.txt >both.txt
export SOPS_AGE_KEY_FILE=$T/k1.txt
unset SOPS_EDITOR EDITOR VEIL_EDITOR VEIL_AGE_RECIPIENTS SOPS_AGE_RECIPIENTS SOPS_CONFIG
mkdir -p bin run && chmod 700 run
export XDG_RUNTIME_DIR=$T/run
ln -s "$VEIL" bin/sops
SOPS=$T/bin/sops
printf 'creation_rules:\n  - age: %s\n' "$R1" >.sops.yaml

cat >p.yaml <<'EOF'
# settings
app:
  name: demo # inline
  password: hunter2 # veil:allow (test value)
  port: 5432
  ratio: 0.25
  flags: [a, b]
empty: ""
nothing: null
EOF
printf '{"a": {"b": "x", "n": 7, "f": 1.5, "t": true, "l": [1, "two"]}}\n' >p.json
printf 'A=1\nB=two words\n#comment\nC=\n' >p.env
printf 'raw bytes\n\tand more\n' >p.bin

for f in p.yaml p.json p.env p.bin; do
	t=${f#p.}
	case $t in env) t=dotenv ;; bin) t=binary ;; esac
	"$SOPS" -e "$f" >"legacy.$f" 2>"$T/err" || fail "sops -e $f"
	go_same "sops -e $f" "legacy.$f" "$t" k1.txt
	"$SOPS" encrypt "$f" >"sub.$f" 2>"$T/err" || fail "sops encrypt $f"
	go_same "sops encrypt $f" "sub.$f" "$t" k1.txt
done
"$SOPS" encrypt --filename-override in.yaml <p.yaml >stdin.yaml
go_same "sops encrypt from stdin (--filename-override)" stdin.yaml yaml k1.txt
"$SOPS" -e --output-type json p.env >conv.json
go_same "sops -e --output-type json (dotenv -> json)" conv.json json k1.txt
"$SOPS" -e --encrypted-regex '^password$' --mac-only-encrypted p.yaml >macro.yaml
go_same "sops -e --encrypted-regex --mac-only-encrypted" macro.yaml yaml k1.txt

cp legacy.p.yaml w.yaml
EDITOR='sed -i s/hunter2/swordfish/' "$SOPS" w.yaml 2>"$T/err"
go_same "after sops edit (bare FILE)" w.yaml yaml k1.txt
"$SOPS" set w.yaml '["app"]["new"]' '{"x": [1, 2]}' 2>"$T/err"
go_same "after sops set (a new map)" w.yaml yaml k1.txt
"$SOPS" --set '["app"]["port"] 6000' w.yaml 2>"$T/err"
go_same "after sops --set (legacy)" w.yaml yaml k1.txt
"$SOPS" unset w.yaml '["app"]["ratio"]' 2>"$T/err"
go_same "after sops unset" w.yaml yaml k1.txt
"$SOPS" rotate -i --add-age "$R2" w.yaml 2>"$T/err"
go_same "after sops rotate --add-age: the new key" w.yaml yaml k2.txt
cp sub.p.json u.json
printf 'creation_rules:\n  - age: %s,%s\n' "$R1" "$R2" >two.sops.yaml
"$SOPS" --config two.sops.yaml updatekeys -y u.json >/dev/null 2>"$T/err"
go_same "after sops updatekeys: the added key" u.json json k2.txt
cp sub.p.env g.env
"$SOPS" groups add --file g.env --age "$R2" -i 2>"$T/err"
go_same "after sops groups add (Shamir, both groups)" g.env dotenv both.txt

NIX=$FIX/sops-nix/pkgs/sops-install-secrets/test-assets
if [ -f "$NIX/secrets.yaml" ]; then
	cp "$NIX/secrets.yaml" nix.yaml
	SOPS_AGE_KEY_FILE=$NIX/age-keys.txt "$SOPS" set nix.yaml '["test_key"]' '"changed"' 2>"$T/err"
	go_same "a sops file with PGP keys, after sops set" nix.yaml yaml "$NIX/age-keys.txt"
	check "  the PGP stanzas are still there" test "$(grep -c 'fp: ' nix.yaml)" -eq 2
else
	echo "skip the PGP fixture: $NIX/secrets.yaml is missing"
fi
finish
