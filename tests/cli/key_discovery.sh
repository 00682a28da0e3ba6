#!/usr/bin/env bash
# Key discovery for decryption, as sops 3.13.2 finds keys: every source is
# loaded together (--identity, VEIL_AGE_KEY, VEIL_AGE_KEY_FILE,
# ~/.config/veil/keys.txt, SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD,
# ~/.config/sops/age/keys.txt, SOPS_AGE_SSH_PRIVATE_KEY_FILE / _CMD,
# ~/.ssh/id_ed25519, ~/.ssh/id_rsa). Each source gets a key of its own and a
# file only that key opens: with every source set, every file opens; with
# every source but one, that source's file does not, so each success proves
# which key was used. Same for `veil age -d` without -i.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

if ! command -v ssh-keygen >/dev/null 2>&1; then
	echo "skip: ssh-keygen not installed (the SSH sources need keys)"
	exit 77
fi

SOURCES="identity veil_key veil_key_file veil_default sops_key sops_key_file sops_key_cmd \
sops_default ssh_file ssh_cmd ssh_ed25519 ssh_rsa"
mkdir -p keys "$XDG_CONFIG_HOME/veil" "$XDG_CONFIG_HOME/sops/age" "$HOME/.ssh"
for s in $SOURCES; do
	case $s in
	ssh_file | ssh_ed25519) ssh-keygen -q -t ed25519 -N '' -C "$s" -f "keys/$s" ;;
	ssh_cmd | ssh_rsa) ssh-keygen -q -t rsa -b 2048 -N '' -C "$s" -f "keys/$s" ;;
	*) "$VEIL" keygen -o "keys/$s" 2>/dev/null ;;
	esac
	if [ -f "keys/$s.pub" ]; then
		cut -d' ' -f1,2 "keys/$s.pub" >"keys/$s.rcpt"
	else
		"$VEIL" keygen -y "keys/$s" >"keys/$s.rcpt"
	fi
	printf 'source: %s\n' "$s" >"$s.yaml"
	"$VEIL" encrypt --cipher aes256-gcm -r "$(cat "keys/$s.rcpt")" "$s.yaml" >"$s.enc.yaml" ||
		fail "encrypting for $s"
	printf 'age file of %s\n' "$s" >"$s.txt"
	"$VEIL" age -r "$(cat "keys/$s.rcpt")" -o "$s.age" "$s.txt" || fail "age -e for $s"
done

# SOPS_AGE_KEY holds several keys (sops splits it at blanks and newlines).
"$VEIL" keygen -o keys/extra 2>/dev/null
"$VEIL" encrypt --cipher aes256-gcm -r "$("$VEIL" keygen -y keys/extra)" veil_key.yaml >extra.enc.yaml
run env SOPS_AGE_KEY="$(grep AGE- keys/sops_key) $(grep AGE- keys/extra)" "$VEIL" decrypt extra.enc.yaml
check "SOPS_AGE_KEY: a second key on the same line" grep -qx "source: veil_key" "$T/out"
run env SOPS_AGE_KEY="$(grep AGE- keys/extra)
$(grep AGE- keys/sops_key)" "$VEIL" decrypt sops_key.enc.yaml
check "SOPS_AGE_KEY: a second key on the next line" grep -qx "source: sops_key" "$T/out"

# The key command prints its key only when asked for its own recipient (sops
# sets SOPS_AGE_RECIPIENT) or when no recipient is named (an age file), and
# logs what it was asked.
cat >keycmd.sh <<'SH'
#!/bin/sh
echo "asked: ${SOPS_AGE_RECIPIENT:-none}" >>"$LOG"
if [ -z "${SOPS_AGE_RECIPIENT:-}" ] || [ "$SOPS_AGE_RECIPIENT" = "$(cat "$RCPT")" ]; then
	cat "$KEY"
fi
SH
chmod +x keycmd.sh

# set_sources [EXCEPT]: every source but EXCEPT, in the environment and files.
set_sources() {
	unset VEIL_AGE_KEY VEIL_AGE_KEY_FILE SOPS_AGE_KEY SOPS_AGE_KEY_FILE SOPS_AGE_KEY_CMD \
		SOPS_AGE_SSH_PRIVATE_KEY_FILE SOPS_AGE_SSH_PRIVATE_KEY_CMD
	rm -f "$XDG_CONFIG_HOME/veil/keys.txt" "$XDG_CONFIG_HOME/sops/age/keys.txt" \
		"$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_rsa"
	IDENTITY=()
	local s
	for s in $SOURCES; do
		[ "$s" = "${1:-}" ] && continue
		case $s in
		identity) IDENTITY=(--identity keys/identity) ;;
		veil_key) export VEIL_AGE_KEY="$(grep AGE- keys/veil_key)" ;;
		veil_key_file) export VEIL_AGE_KEY_FILE=keys/veil_key_file ;;
		veil_default) cp keys/veil_default "$XDG_CONFIG_HOME/veil/keys.txt" ;;
		sops_key) export SOPS_AGE_KEY="$(grep AGE- keys/extra)
	$(grep AGE- keys/sops_key)" ;;
		sops_key_file) export SOPS_AGE_KEY_FILE=keys/sops_key_file ;;
		sops_key_cmd) export SOPS_AGE_KEY_CMD="./keycmd.sh --unused 'arg with spaces'" ;;
		sops_default) cp keys/sops_default "$XDG_CONFIG_HOME/sops/age/keys.txt" ;;
		ssh_file) export SOPS_AGE_SSH_PRIVATE_KEY_FILE=keys/ssh_file ;;
		ssh_cmd) export SOPS_AGE_SSH_PRIVATE_KEY_CMD="cat keys/ssh_cmd" ;; # veil:allow (a command, not a secret)
		ssh_ed25519) cp keys/ssh_ed25519 "$HOME/.ssh/id_ed25519" ;;
		ssh_rsa) cp keys/ssh_rsa "$HOME/.ssh/id_rsa" ;;
		esac
	done
}
export LOG=$T/cmd.log KEY=$T/keys/sops_key_cmd RCPT=$T/keys/sops_key_cmd.rcpt

set_sources
for s in $SOURCES; do
	run "$VEIL" decrypt "${IDENTITY[@]}" "$s.enc.yaml"
	check "decrypt: all sources together open the file of $s" \
		test "$rc" -eq 0 -a "$(cat "$T/out")" = "source: $s"
	args=()
	[ "$s" = identity ] && args=(-i keys/identity)
	run "$VEIL" age -d "${args[@]}" "$s.age"
	if [ "$s" = identity ]; then
		check "age -d -i: the -i file opens its file" grep -qx "age file of $s" "$T/out"
	else
		check "age -d without -i: all sources together open the file of $s" \
			grep -qx "age file of $s" "$T/out"
	fi
done

for s in $SOURCES; do
	set_sources "$s"
	: >"$LOG"
	run "$VEIL" decrypt "${IDENTITY[@]}" "$s.enc.yaml"
	check "decrypt: without $s its file does not open (exit 128)" test "$rc" -eq 128 -a ! -s "$T/out"
	[ "$s" = identity ] && continue
	run "$VEIL" age -d "$s.age"
	check "age -d: without $s its file does not open" test "$rc" -ne 0 -a ! -s "$T/out"
done

# The key command ran with SOPS_AGE_RECIPIENT naming the document's
# recipient, and only once per recipient; for an age file, with none.
set_sources
: >"$LOG"
run "$VEIL" decrypt sops_key_cmd.enc.yaml
check "SOPS_AGE_KEY_CMD got SOPS_AGE_RECIPIENT (the file's recipient)" \
	grep -qx "asked: $(cat keys/sops_key_cmd.rcpt)" "$LOG"
check "SOPS_AGE_KEY_CMD ran once" test "$(wc -l <"$LOG")" -eq 1
: >"$LOG"
run "$VEIL" decrypt sops_key.enc.yaml
check "SOPS_AGE_KEY_CMD did not run when a loaded key already opens the file" test ! -s "$LOG"
: >"$LOG"
run "$VEIL" age -d sops_key_cmd.age
check "age -d: the key command ran without SOPS_AGE_RECIPIENT" grep -qx "asked: none" "$LOG"

# Several recipients: the command is asked for each in file order until one
# opens the data key.
"$VEIL" encrypt --cipher chacha20-poly1305 -r "$(cat keys/identity.rcpt),$(cat keys/sops_key_cmd.rcpt)" \
	veil_key.yaml >two.enc.yaml
set_sources identity
unset VEIL_AGE_KEY VEIL_AGE_KEY_FILE SOPS_AGE_KEY SOPS_AGE_KEY_FILE
rm -f "$XDG_CONFIG_HOME/veil/keys.txt" "$XDG_CONFIG_HOME/sops/age/keys.txt"
: >"$LOG"
run "$VEIL" decrypt two.enc.yaml
check "two recipients: opened through the command's second answer" grep -qx "source: veil_key" "$T/out"
check "two recipients: asked for the first recipient, then the second" \
	test "$(cat "$LOG")" = "asked: $(cat keys/identity.rcpt)
asked: $(cat keys/sops_key_cmd.rcpt)"

# Nothing opens it: exit 128, every place named, the recipient type named,
# and no secret key anywhere on stderr.
set_sources
rm -f "$XDG_CONFIG_HOME/sops/age/keys.txt"
"$VEIL" keygen -o keys/nobody 2>/dev/null
"$VEIL" encrypt --cipher aes256-gcm -r "$("$VEIL" keygen -y keys/nobody)" veil_key.yaml >nobody.enc.yaml
"$VEIL" age -r "$("$VEIL" keygen -y keys/nobody)" -o nobody.age veil_key.txt
run "$VEIL" decrypt "${IDENTITY[@]}" nobody.enc.yaml
expect_rc 128 "a file no source opens"
for place in keys/identity VEIL_AGE_KEY: VEIL_AGE_KEY_FILE=keys/veil_key_file \
	"$XDG_CONFIG_HOME/veil/keys.txt" SOPS_AGE_KEY: SOPS_AGE_KEY_FILE=keys/sops_key_file \
	"SOPS_AGE_KEY_CMD for age1" "$XDG_CONFIG_HOME/sops/age/keys.txt: not found" \
	SOPS_AGE_SSH_PRIVATE_KEY_FILE=keys/ssh_file "SOPS_AGE_SSH_PRIVATE_KEY_CMD for" \
	"$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_rsa"; do
	err_has "hint: .*$place" "the failure lists $place"
done
err_has "X25519 key: age1" "the failure names the recipient type the file needs"
for s in $SOURCES nobody extra; do
	grep -q AGE-SECRET-KEY "keys/$s" 2>/dev/null || continue
	err_lacks "$(grep AGE-SECRET-KEY "keys/$s" | cut -c 17-40)" "no secret key of $s on stderr"
done
run "$VEIL" age -d nobody.age
expect_fail "age -d: a file no source opens"
err_has "hint: +SOPS_AGE_KEY_FILE=keys/sops_key_file: 1 identity" "age -d lists the places too"

# A line veil cannot use is skipped with one warning naming file and line;
# the other keys of the file still work.
set_sources
unset VEIL_AGE_KEY VEIL_AGE_KEY_FILE SOPS_AGE_KEY SOPS_AGE_KEY_CMD
{
	echo "# a post-quantum key first, the classic key after it"
	echo "AGE-SECRET-KEY-PQ-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ" # veil:allow
	grep AGE- keys/sops_key_file
} >mixed.txt
export SOPS_AGE_KEY_FILE=mixed.txt
run "$VEIL" decrypt sops_key_file.enc.yaml
check "a post-quantum line does not disable the file's other key" grep -qx "source: sops_key_file" "$T/out"
check "one warning, naming the file and line 2" \
	test "$(grep -c 'warning: mixed.txt: line 2: .*ML-KEM-768' "$T/err")" -eq 1
# A malformed line of a supported type is an error for its file: its keys
# are not used (sops's rule), the other sources still are, and it is said.
printf '%s\nAGE-SECRET-KEY-1QQQQ\n' "$(grep AGE- keys/sops_key_file)" >broken.txt
export SOPS_AGE_KEY_FILE=broken.txt
run "$VEIL" decrypt sops_key_file.enc.yaml
expect_rc 128 "a malformed key file's keys are not used"
err_has "broken.txt: line 2: malformed identity" "the malformed line is named"
run "$VEIL" decrypt ssh_rsa.enc.yaml
check "the other sources still work beside a malformed file" grep -qx "source: ssh_rsa" "$T/out"
err_has "warning: .*broken.txt: line 2" "and the malformed file is warned about"
run "$VEIL" age -d -i broken.txt sops_key_file.age
expect_fail "an explicit -i file with a malformed line is an error"

# A passphrase-protected identity file reached through a variable: with no
# terminal it says so; --passphrase-file opens it in the document commands.
set_sources
unset VEIL_AGE_KEY VEIL_AGE_KEY_FILE SOPS_AGE_KEY SOPS_AGE_KEY_CMD
echo "correct horse" >pass.txt
"$VEIL" age -p --passphrase-file pass.txt -o protected.age keys/sops_key_file
export SOPS_AGE_KEY_FILE=protected.age
run setsid -w "$VEIL" decrypt sops_key_file.enc.yaml
expect_rc 128 "protected key file, no terminal"
err_has "protected.age is passphrase-protected and there is no terminal.*--passphrase-file" \
	"says it is passphrase-protected and how to give the passphrase"
run setsid -w "$VEIL" decrypt --passphrase-file pass.txt sops_key_file.enc.yaml
check "decrypt --passphrase-file opens it" grep -qx "source: sops_key_file" "$T/out"
err_has "deriving the key from the passphrase \(scrypt, work factor 18\)" \
	"the scrypt derivation says it is working"
cp sops_key_file.enc.yaml edit.enc.yaml
run setsid -w "$VEIL" set --passphrase-file pass.txt edit.enc.yaml '["added"]' '"yes"'
expect_rc 0 "set --passphrase-file"
run setsid -w "$VEIL" decrypt --passphrase-file pass.txt edit.enc.yaml
check "the set value is there" grep -qx 'added: "yes"' "$T/out"
run setsid -w "$VEIL" age -d --passphrase-file pass.txt sops_key_file.age
check "age -d --passphrase-file opens it as well" grep -qx "age file of sops_key_file" "$T/out"

# The git textconv driver and the cluster decrypter use the same sources.
set_sources
unset VEIL_AGE_KEY VEIL_AGE_KEY_FILE SOPS_AGE_KEY SOPS_AGE_KEY_FILE SOPS_AGE_KEY_CMD
run "$VEIL" git textconv ssh_ed25519.enc.yaml
check "git textconv opens a file with ~/.ssh/id_ed25519" grep -qx "source: ssh_ed25519" "$T/out"
cat >secret.yaml <<'YAML'
apiVersion: v1
kind: Secret
metadata:
  name: s
stringData:
  token: from-the-key-command
YAML
"$VEIL" encrypt --cipher aes256-gcm -r "$(cat keys/sops_key_cmd.rcpt)" secret.yaml >secret.enc.yaml
export SOPS_AGE_KEY_CMD=./keycmd.sh
run "$VEIL" k8s decrypt secret.enc.yaml
check "k8s decrypt opens a manifest with SOPS_AGE_KEY_CMD" grep -q "from-the-key-command" "$T/out"
unset SOPS_AGE_KEY_CMD
run env ARGOCD_ENV_SOPS_AGE_KEY_CMD=./keycmd.sh ARGOCD_ENV_SOPS_AGE_KEY="$(grep AGE- keys/sops_key_cmd)" \
	"$VEIL" k8s decrypt secret.enc.yaml
check "k8s decrypt ignores ARGOCD_ENV_* keys" test "$rc" -ne 0 -a ! -s "$T/out"

finish
