#!/usr/bin/env bash
# veil keygen: age-keygen's file format, -o 0600 and never overwriting, the
# "Public key:" line, and -y for X25519 and ssh-ed25519 identities.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

umask 022
run "$VEIL" keygen -o key.txt
expect_rc 0 "keygen -o"
check "stdout is empty with -o" test ! -s "$T/out"
check "key file has three lines" test "$(wc -l <key.txt)" -eq 3
check "line 1: # created: RFC 3339 UTC" \
	grep -qE '^# created: [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' <(sed -n 1p key.txt)
check "line 2: # public key: age1..." grep -qE '^# public key: age1[02-9ac-hj-np-z]{58}$' <(sed -n 2p key.txt)
check "line 3: AGE-SECRET-KEY-1..." grep -qE '^AGE-SECRET-KEY-1[02-9AC-HJ-NP-Z]{58}$' <(sed -n 3p key.txt)
check "key file mode is 0600 despite umask 022" test "$(stat -c %a key.txt)" = 600
pub=$(sed -n 2p key.txt | cut -d' ' -f4)
check "stderr says 'Public key: <the same key>'" grep -qx "Public key: $pub" "$T/err"
secret=$(sed -n 3p key.txt)
err_lacks "$secret" "the secret key is not on stderr"

cp key.txt key.before
run "$VEIL" keygen -o key.txt
expect_fail "keygen -o refuses an existing file"
check "the existing key file is unchanged" same key.txt key.before
err_lacks "$secret" "the refusal does not print the old key"
err_has "key.txt" "the refusal names the file"

run "$VEIL" keygen
expect_rc 0 "keygen to stdout"
check "stdout holds a key file" grep -qE '^AGE-SECRET-KEY-1' "$T/out"
check "stdout not a terminal: Public key on stderr" grep -qE '^Public key: age1' "$T/err"
check "two keygen runs give different keys" test "$(sed -n 3p "$T/out")" != "$secret"

run "$VEIL" keygen -y key.txt
expect_rc 0 "keygen -y FILE"
check "keygen -y prints the public key" test "$(cat "$T/out")" = "$pub"
run "$VEIL" keygen -y <key.txt
check "keygen -y reads stdin" test "$rc" -eq 0 -a "$(cat "$T/out")" = "$pub"
run "$VEIL" keygen -y - <key.txt
check "keygen -y - reads stdin" test "$rc" -eq 0 -a "$(cat "$T/out")" = "$pub"

"$VEIL" keygen 2>/dev/null >two.txt
cat key.txt >>two.txt
pub2=$(grep '^# public key' two.txt | head -1 | cut -d' ' -f4)
run "$VEIL" keygen -y two.txt
check "keygen -y prints one recipient per identity, in order" \
	test "$(cat "$T/out")" = "$(printf '%s\n%s' "$pub2" "$pub")"

run "$VEIL" keygen -y -o pub.txt key.txt
check "keygen -y -o FILE" test "$rc" -eq 0 -a "$(cat pub.txt)" = "$pub"

# A broken identity file: the error must not echo its (secret) lines.
printf '%s \n' "$secret" >bad.txt
run "$VEIL" keygen -y bad.txt
expect_fail "keygen -y rejects a key line with a trailing space"
err_lacks "${secret:16:40}" "the error does not echo the key"
printf '# nothing here\n\n' >empty.txt
run "$VEIL" keygen -y empty.txt
expect_fail "keygen -y rejects a file without identities"
run "$VEIL" keygen -y missing.txt
expect_fail "keygen -y on a missing file"
err_has "missing.txt" "the error names the missing file"

if command -v ssh-keygen >/dev/null; then
	ssh-keygen -q -t ed25519 -N '' -C 'me@example' -f ssh_id
	run "$VEIL" keygen -y ssh_id
	expect_rc 0 "keygen -y on an OpenSSH ed25519 key"
	check "it prints the ssh-ed25519 public key" \
		test "$(cat "$T/out")" = "$(cut -d' ' -f1,2 ssh_id.pub)"
else
	echo "note: ssh-keygen not installed; ssh-ed25519 -y check skipped"
fi

# Post-quantum keys need ML-KEM-768, which no library here has: refused
# with that reason, and nothing written.
run "$VEIL" keygen -pq -o pq.txt
check "keygen -pq is refused" test "$rc" -eq 1 -a ! -e pq.txt -a ! -s "$T/out"
err_has "ML-KEM-768" "... naming the missing ML-KEM-768"
run "$VEIL" age -r age1pq1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq -o pq.age key.txt
check "a post-quantum recipient is refused" test "$rc" -eq 1 -a ! -e pq.age
err_has "post-quantum recipient: .*ML-KEM-768" "... with the same reason"

finish
