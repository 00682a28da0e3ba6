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

printf 'DB_USER: admin\nDB_PASS: "p w;$x"\nPORT: 5432\n' >p.yaml
"$VEIL" encrypt -r "$R" p.yaml >s.yaml || { echo "FAIL encrypt"; exit 1; }

run "$VEIL" exec-env s.yaml 'printf "%s|%s|%s|%s" "$DB_USER" "$DB_PASS" "$PORT" "${HOME+inherited}"'
expect_rc 0 "exec-env runs the command"
check "top-level scalars are in its environment, decrypted and unexpanded" \
	test "$(cat "$T/out")" = 'admin|p w;$x|5432|inherited'
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

# as sops: a nested value cannot be a variable, and the command does not run
# (it used to be dropped silently)
printf 'A: 1\nnested:\n  inner: 1\n' >n.yaml
"$VEIL" encrypt -r "$R" n.yaml >ns.yaml
run "$VEIL" exec-env ns.yaml 'echo ran'
expect_rc 1 "exec-env refuses a nested value"
err_has "complex value.*nested" "naming the key"
check "the command did not run" test ! -s "$T/out"
printf 'A: 1\nL: [1, 2]\n' >l.yaml
"$VEIL" encrypt -r "$R" l.yaml >ls.yaml
run "$VEIL" exec-env ls.yaml 'echo ran'
expect_rc 1 "and a list"
printf '{"A=B": "x"}\n' >eq.json
"$VEIL" encrypt -r "$R" eq.json >eqs.json
run "$VEIL" exec-env eqs.json 'echo ran'
expect_rc 1 "and a key holding '='"
check "(not run)" test ! -s "$T/out"

# --pristine: the decrypted values and nothing inherited
run "$VEIL" exec-env --pristine s.yaml 'printf "%s|%s" "$DB_USER" "${HOME-none}"'
check "--pristine: only the decrypted values" test "$rc" -eq 0 -a "$(cat "$T/out")" = "admin|none"
# --same-process: veil becomes the shell (its pid is the command's)
run sh -c 'echo $$ >outer.pid; exec "$0" exec-env --same-process s.yaml "echo \$\$ >inner.pid; exit 7"' "$VEIL"
check "--same-process: the command runs in veil's process" test "$rc" -eq 7 -a "$(cat outer.pid)" = "$(cat inner.pid)"
# --user: a user that does not exist fails before anything runs
run "$VEIL" exec-env --user no-such-user-veil s.yaml 'echo ran'
expect_fail "--user with an unknown user"
check "(not run)" test ! -s "$T/out"
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	run "$VEIL" exec-env --user nobody s.yaml 'id -un; echo "$DB_USER"'
	check "--user nobody runs as nobody with the values" test "$(tr '\n' ' ' <"$T/out")" = "nobody admin "
	run "$VEIL" exec-file --user nobody s.yaml 'id -un; cat {} | head -1'
	check "exec-file --user: the user can read {}" test "$(head -1 "$T/out")" = nobody -a "$(sed -n 2p "$T/out")" = "DB_USER: admin"
else
	echo "skip --user as another user: not root"
fi

# exec-file --no-fifo: a regular 0600 file (read twice); --filename names it
run "$VEIL" exec-file --no-fifo --filename app.conf s.yaml 'test -f {} && test ! -p {} && stat -c %a {} && basename {} && cat {} >/dev/null && grep -c DB_ {}'
check "--no-fifo --filename: a 0600 regular file named so, readable twice" \
	test "$rc" -eq 0 -a "$(tr '\n' ' ' <"$T/out")" = "600 app.conf 2 "
check "and it is gone afterwards" test -z "$(ls -A run)"
run "$VEIL" exec-file --filename ../x s.yaml 'cat {}'
expect_rc 2 "--filename must be a plain name"
run "$VEIL" exec-file --output-type json s.yaml 'cat {}'
check "--output-type json: the plaintext as JSON" test "$rc" -eq 0 -a "$(grep -c '"DB_USER": "admin"' "$T/out")" = 1
finish
