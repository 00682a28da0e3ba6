#!/usr/bin/env bash
# veil edit: the editor gets the plaintext in a private 0700 directory as a
# 0600 file named by its one argument; a change is re-encrypted with reuse
# (diff = that line + mac/lastmodified); no change is exit 200; an invalid
# result, a failing editor or a signal leave FILE untouched; the plaintext
# copy and its directory are always gone afterwards.
. "$(dirname "$0")/common.bash"

"$VEIL" keygen -o key.txt 2>/dev/null || { echo "FAIL keygen"; exit 1; }
R=$(grep -o 'age1[0-9a-z]*' key.txt | head -1)
export SOPS_AGE_KEY_FILE="$T/key.txt"
unset SOPS_EDITOR EDITOR
mkdir -p run && chmod 700 run
export XDG_RUNTIME_DIR="$T/run"

printf 'db:\n  user: admin\n  password: hunter2\nport: 5432\n' >p.yaml
"$VEIL" encrypt -r "$R" p.yaml >s.yaml || { echo "FAIL encrypt"; exit 1; }

# An editor that records what it was given, then applies $EDIT_CMD.
cat >ed.sh <<'EOS'
#!/bin/sh
{
	echo "argc=$#"
	echo "path=$1"
	stat -c 'file=%a' "$1"
	stat -c 'dir=%a' "$(dirname "$1")"
	echo "plain=$(grep -c hunter2 "$1")"
} >"$EDIT_LOG"
eval "$EDIT_CMD"
EOS
chmod +x ed.sh
export VEIL_EDITOR="$T/ed.sh" EDIT_LOG="$T/ed.log"

cp s.yaml a.yaml
EDIT_CMD='sed -i "s/hunter2/swordfish/" "$1"' run "$VEIL" edit a.yaml
expect_rc 0 "an edit is saved"
check "the editor got exactly one argument" grep -qx 'argc=1' ed.log
check "the file it got holds the plaintext" grep -qx 'plain=1' ed.log
check "it is mode 0600" grep -qx 'file=600' ed.log
check "in a 0700 directory" grep -qx 'dir=700' ed.log
check "under \$XDG_RUNTIME_DIR" grep -q "^path=$T/run/veil-" ed.log
P=$(sed -n 's/^path=//p' ed.log)
check "the plaintext file is gone" test ! -e "$P"
check "and its directory too" test -z "$(ls -A run)"
check "the diff is the password line alone (besides mac/lastmodified)" test \
	"$(diff s.yaml a.yaml | grep '^[<>]' | grep -vE '^[<>] *(mac|lastmodified):' | sed -E 's/ENC\[.*//')" = \
	"$(printf '<   password: \n>   password: ')"
run "$VEIL" decrypt a.yaml
check "the edit decrypts" grep -qx '  password: swordfish' "$T/out"

cp a.yaml b.yaml
EDIT_CMD=: run "$VEIL" edit b.yaml
expect_rc 200 "an editor that changes nothing is sops's exit 200"
check "and nothing is written" same a.yaml b.yaml
check "and no plaintext is left" test -z "$(ls -A run)"

EDIT_CMD='printf "a: [\n" >"$1"' run "$VEIL" edit b.yaml
expect_rc 10 "an invalid document is exit 10"
check "FILE is untouched" same a.yaml b.yaml
check "no plaintext is left" test -z "$(ls -A run)"

EDIT_CMD='echo x >>"$1"; exit 3' run "$VEIL" edit b.yaml
expect_rc 1 "a failing editor is exit 1"
check "FILE is untouched" same a.yaml b.yaml

# swap and backup files the editor leaves are removed with the directory
EDIT_CMD='cp "$1" "$1.swp"; sed -i "s/5432/6543/" "$1"' run "$VEIL" edit b.yaml
expect_rc 0 "an editor leaving a swap file"
check "the swap file is gone too" test -z "$(ls -A run)"

# SIGTERM while the editor runs: passed on, everything wiped, veil dies by it
cp a.yaml c.yaml
EDIT_CMD='exec sleep 20' "$VEIL" edit c.yaml >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do [ -s ed.log ] && [ -n "$(ls -A run)" ] && break; sleep 0.1; done
sleep 0.2
kill -TERM "$pid"
wait "$pid"
rc=$?
expect_rc 143 "SIGTERM during the editor ends veil by SIGTERM"
check "no plaintext is left after the signal" test -z "$(ls -A run)"
check "FILE is untouched" same a.yaml c.yaml

# without XDG_RUNTIME_DIR it still works (/dev/shm or TMPDIR)
EDIT_CMD='sed -i "s/admin/root/" "$1"' XDG_RUNTIME_DIR='' run "$VEIL" edit c.yaml
expect_rc 0 "edit without XDG_RUNTIME_DIR"
check "the plaintext copy is gone" test ! -e "$(sed -n 's/^path=//p' ed.log)"
# A FILE that does not exist starts from an example: created only when
# changed, encrypted to -r (or the creation rule), never left in plaintext.
EDIT_CMD=':' run "$VEIL" edit -r "$R" new.yaml
expect_rc 200 "a new file left as the example is exit 200"
check "and is not created" test ! -e new.yaml
EDIT_CMD='printf "token: s3cr3t-new\\n" >"$1"' run "$VEIL" edit -r "$R" new.yaml
expect_rc 0 "a new file is created"
check "encrypted" grep -q '^token: ENC\[' new.yaml
check "with no plaintext in it" test "$(grep -c s3cr3t-new new.yaml)" -eq 0
run "$VEIL" decrypt new.yaml
check "it decrypts to what was written" test "$(cat "$T/out")" = "token: s3cr3t-new"
EDIT_CMD='printf "X=1\\n" >"$1"' run "$VEIL" edit new.env
expect_rc 2 "no recipients for a new file: usage error"
err_has "nothing names its recipients" "the message says so before the editor runs"
check "the editor was not started" test "$(grep -c new.env ed.log)" -eq 0
mkdir -p ruled
printf 'creation_rules:\n  - path_regex: \\.env$\n    age: %s\n' "$R" >ruled/.sops.yaml
EDIT_CMD='printf "API_KEY=k-123\\n" >"$1"' run "$VEIL" edit ruled/new.env
expect_rc 0 "a new dotenv file takes the creation rule's recipients"
check "encrypted as dotenv" grep -q '^API_KEY=ENC\[' ruled/new.env
check "no plaintext is left" test -z "$(ls -A run)"
finish
