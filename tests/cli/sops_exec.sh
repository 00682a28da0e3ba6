#!/usr/bin/env bash
# veil exec-env / exec-file: the command sees the decrypted values (as
# environment variables, or through a FIFO in a private directory that is
# gone afterwards), never a regular plaintext file; its exit status is ours.
. "$(dirname "$0")/common.bash"

"$VEIL" keygen -o key.txt 2>/dev/null || { echo "FAIL keygen"; exit 1; }
"$VEIL" keygen -o other.txt 2>/dev/null || { echo "FAIL keygen"; exit 1; }
R=$(grep -o 'age1[0-9a-z]*' key.txt | head -1)
export SOPS_AGE_KEY_FILE="$T/key.txt"
mkdir -p run && chmod 700 run
export XDG_RUNTIME_DIR="$T/run"

printf 'DB_USER: admin\nDB_PASS: "p w;$x"\nPORT: 5432\nnested:\n  inner: 1\n' >p.yaml
"$VEIL" encrypt -r "$R" p.yaml >s.yaml || { echo "FAIL encrypt"; exit 1; }

run "$VEIL" exec-env s.yaml 'printf "%s|%s|%s|%s" "$DB_USER" "$DB_PASS" "$PORT" "${nested-unset}"'
expect_rc 0 "exec-env runs the command"
check "top-level scalars are in its environment, decrypted and unexpanded" \
	test "$(cat "$T/out")" = 'admin|p w;$x|5432|unset'
run "$VEIL" exec-env s.yaml 'exit 42'
expect_rc 42 "the command's exit status is passed through"
run "$VEIL" exec-env s.yaml 'kill -TERM $$'
expect_rc 143 "a command killed by a signal is 128+N"
SOPS_AGE_KEY_FILE="$T/other.txt" run "$VEIL" exec-env s.yaml 'echo ran'
expect_rc 128 "a wrong identity is exit 128 and the command does not run"
check "(it did not run)" test ! -s "$T/out"

run "$VEIL" exec-file s.yaml 'test -p {} && stat -c %a {} >mode && stat -c %a "$(dirname {})" >dmode && echo {} >path && cat {}'
expect_rc 0 "exec-file runs the command"
check "{} is a FIFO" test -s path
check "it delivers the plaintext" test "$(cat "$T/out")" = "$("$VEIL" decrypt s.yaml)"
check "the FIFO is 0600" test "$(cat mode)" = 600
check "in a 0700 directory" test "$(cat dmode)" = 700
check "the FIFO and its directory are gone afterwards" test ! -e "$(cat path)" -a -z "$(ls -A run)"
run "$VEIL" exec-file s.yaml 'exit 3'
expect_rc 3 "a command that never reads the FIFO: its status, no hang"
check "and nothing is left" test -z "$(ls -A run)"
run "$VEIL" exec-file s.yaml 'grep -c "^DB_" {}'
check "{} is passed as one word" test "$rc" -eq 0 -a "$(cat "$T/out")" = 2
run "$VEIL" exec-file s.yaml
expect_rc 2 "a missing COMMAND is a usage error"
finish
