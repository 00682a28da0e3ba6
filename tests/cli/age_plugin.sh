#!/usr/bin/env bash
# age plugins, client side (C2SP age-plugin.md), against a test plugin
# written in Python from the spec alone (tests/plugins/age-plugin-veiltest):
# veil age (-r, -R, -i, -j; binary and armored), the document commands with
# a plugin recipient (every format, both value ciphers, .sops.yaml rules,
# key files and SOPS_AGE_KEY_FILE), the terminal interactions (msg,
# confirm, request-secret), and the failures: plugin missing, plugin error,
# plugin crash, a command the client does not know, stanzas the plugin does
# not know, an invalid stanza, label mismatch, and a silent plugin.
PLUGINS=$(cd "$(dirname "$0")/../plugins" && pwd)
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/common.bash"

if ! command -v python3 >/dev/null; then
	echo "skip: python3 is not installed (the test plugin is a Python script)"
	exit 77
fi
BASE_PATH=$PATH
export PATH="$PLUGINS:$BASE_PATH" VEILTEST_LOG="$T/plugin.log"
unset VEILTEST_MODE VEILTEST_PIN VEIL_AGE_PLUGIN_TIMEOUT

age-plugin-veiltest keygen >k1 && age-plugin-veiltest keygen >k2
sed -n 1p k1 >id1.txt
sed -n 1p k2 >id2.txt
R1=$(sed -n 2p k1) R2=$(sed -n 2p k2)
"$VEIL" keygen -o x.txt 2>/dev/null
X=$("$VEIL" keygen -y x.txt)
head -c 100000 /dev/urandom >p.bin

for armor in "" -a; do
	kind=${armor:+armored}
	kind=${kind:-binary}
	run "$VEIL" age $armor -r "$R1" -o p.$kind.age p.bin
	expect_rc 0 "encrypt to a plugin recipient, $kind"
	check "$kind: the stanza is the plugin's" grep -aq '^-> veiltest ' \
		<(if [ -n "$armor" ]; then "$VEIL" age -d -i id1.txt p.$kind.age >/dev/null; sed '1d;$d' p.$kind.age | base64 -d; else cat p.$kind.age; fi)
	run "$VEIL" age -d -i id1.txt -o p.$kind.out p.$kind.age
	check "decrypt with the plugin identity, $kind" rc0_same p.bin p.$kind.out
	run "$VEIL" age -d -i id2.txt p.$kind.age
	check "another plugin identity does not open it, $kind" test "$rc" -eq 1 -a ! -s "$T/out"
done

# -j NAME: the plugin's default identity, both ways.
run "$VEIL" age -e -j veiltest -o j.age p.bin
expect_rc 0 "age -e -j veiltest"
run "$VEIL" age -d -j veiltest -o j.out j.age
check "age -d -j veiltest" rc0_same p.bin j.out
run "$VEIL" age -d -i id1.txt j.age
check "-j's default key is not id1" test "$rc" -eq 1

# -R with a plugin line next to X25519: either key opens it; one session
# per plugin, told about every one of its recipients.
printf '# team\n%s\n%s\n%s\n' "$R1" "$X" "$R2" >team.txt
: >"$VEILTEST_LOG"
run "$VEIL" age -R team.txt -o team.age p.bin
expect_rc 0 "-R with plugin and X25519 lines"
check "one plugin session got both plugin recipients" \
	test "$(grep -c add-recipient "$VEILTEST_LOG")" -eq 2 -a "$(grep -c wrap-file-key "$VEILTEST_LOG")" -eq 1
for k in id1.txt id2.txt x.txt; do
	run "$VEIL" age -d -i $k -o team.$k.out team.age
	check "-R file opens with $k" rc0_same p.bin team.$k.out
done
# A key file holding a plugin line and a backup X25519 key: the native key
# is tried first, so the plugin does not even start.
printf '%s\n%s\n' "$(cat id2.txt)" "$(grep AGE- x.txt)" >mixed.txt
: >"$VEILTEST_LOG"
run "$VEIL" age -d -i mixed.txt -o mixed.out team.age
check "plugin line + backup key: opens" rc0_same p.bin mixed.out
check "... with the native key, without starting the plugin" test ! -s "$VEILTEST_LOG"

# Plugin missing.
run env PATH="$BASE_PATH" "$VEIL" age -r "$R1" -o missing.age p.bin
check "encrypt: a missing plugin fails, no output" test "$rc" -eq 1 -a ! -e missing.age
err_has "age-plugin-veiltest was not found in PATH" "... naming the plugin binary"
run env PATH="$BASE_PATH" "$VEIL" age -d -i mixed.txt -o missing.out team.age
check "decrypt: a missing plugin does not stop the backup key" rc0_same p.bin missing.out
run env PATH="$BASE_PATH" "$VEIL" age -d -i id1.txt p.binary.age
check "decrypt: only a missing plugin: fails" test "$rc" -eq 1 -a ! -s "$T/out"
err_has "age-plugin-veiltest was not found in PATH" "... saying the plugin is missing"
# PATH entries that are relative (or empty: the working directory) are
# never searched.
mkdir -p rel && cp "$PLUGINS/age-plugin-veiltest" rel/
run env PATH="rel::$BASE_PATH" "$VEIL" age -r "$R1" -o rel.age p.bin
check "a plugin reachable only through a relative PATH entry is not run" test "$rc" -eq 1 -a ! -e rel.age

# Plugin error, plugin crash, silent plugin.
run env VEILTEST_MODE=error "$VEIL" age -r "$R1" -o err.age p.bin
check "encrypt: a plugin error fails, no output" test "$rc" -eq 1 -a ! -e err.age
err_has "age-plugin-veiltest: internal: veiltest failure injected" "... with the plugin's message"
run env VEILTEST_MODE=error "$VEIL" age -d -i id1.txt p.binary.age
check "decrypt: a plugin error fails without output" test "$rc" -eq 1 -a ! -s "$T/out"
err_has "veiltest failure injected" "... with the plugin's message"
run env VEILTEST_MODE=exit "$VEIL" age -d -i id1.txt p.binary.age
check "decrypt: a plugin that exits at once fails" test "$rc" -eq 1 -a ! -s "$T/out"
err_has "age-plugin-veiltest ended without finishing" "... saying so"
err_has "refusing to start" "... and the plugin's own stderr is shown"
run env VEILTEST_MODE=exit "$VEIL" age -r "$R1" -o exit.age p.bin
check "encrypt: a plugin that exits at once fails, no output" test "$rc" -eq 1 -a ! -e exit.age
start=$SECONDS
run env VEILTEST_MODE=hang VEIL_AGE_PLUGIN_TIMEOUT=1 "$VEIL" age -d -i id1.txt p.binary.age
check "decrypt: a silent plugin times out" test "$rc" -eq 1 -a ! -s "$T/out"
err_has "did not answer within 1 seconds" "... saying it did not answer"
run env VEILTEST_MODE=hang VEIL_AGE_PLUGIN_TIMEOUT=1 "$VEIL" age -r "$R1" -o hang.age p.bin
check "encrypt: a silent plugin times out, no output" test "$rc" -eq 1 -a ! -e hang.age
check "both timeouts ended well before the plugin's hour of sleep" test $((SECONDS - start)) -lt 60

# Unknown commands and stanzas: the client answers "unsupported" (the
# plugin asserts it), and the plugin ignores stanza types it does not know.
run env VEILTEST_MODE=unknown "$VEIL" age -d -i id1.txt -o unk.out p.binary.age
check "a command the client does not know gets 'unsupported', and the session goes on" rc0_same p.bin unk.out
run env VEILTEST_MODE=unknown "$VEIL" age -r "$R1" -o unk.age p.bin
expect_rc 0 "... also while wrapping"
"$VEIL" age -r "$X" -o x.age p.bin
: >"$VEILTEST_LOG"
run "$VEIL" age -d -i id1.txt x.age
check "an X25519-only file and a plugin identity: no match" test "$rc" -eq 1 -a ! -s "$T/out"
check "... after the plugin was shown the X25519 stanza" grep -q "recipient-stanza 0" "$VEILTEST_LOG"
err_has "no identity matched.*X25519" "... naming the stanza type"
run env VEILTEST_MODE=badstanza "$VEIL" age -d -i id1.txt p.binary.age
check "a stanza the plugin calls invalid is a header failure" test "$rc" -eq 1 -a ! -s "$T/out"
err_has "malformed veiltest stanza" "... with the plugin's words"

# Labels: a plugin's "postquantum" stanzas cannot be mixed with X25519.
run env VEILTEST_MODE=labels "$VEIL" age -r "$R1" -r "$X" -o lab.age p.bin
check "labelled plugin stanzas next to X25519 are refused" test "$rc" -eq 1 -a ! -e lab.age
err_has "cannot be combined" "... saying why"
run env VEILTEST_MODE=labels "$VEIL" age -r "$R1" -o lab1.age p.bin
expect_rc 0 "labelled plugin stanzas alone are fine"

# The terminal: msg goes to stderr; request-secret and confirm are asked on
# the terminal (a pty here); without one the plugin is told "fail".
run env VEILTEST_MODE=msg "$VEIL" age -d -i id1.txt -o msg.out p.binary.age
check "msg: decrypts" rc0_same p.bin msg.out
err_has "^age-plugin-veiltest: veiltest: touch your key" "msg: shown on stderr, labelled with the plugin"
run env VEILTEST_MODE=secret VEILTEST_PIN=1234 setsid -w "$VEIL" age -d -i id1.txt p.binary.age
check "request-secret without a terminal: fails" test "$rc" -eq 1 -a ! -s "$T/out"
err_has "wrong PIN" "... after the plugin was told 'fail'"
if command -v script >/dev/null; then
	pty_type "env VEILTEST_MODE=secret VEILTEST_PIN=1234 $VEIL age -d -i id1.txt -o sec.out p.binary.age" 1234
	check "request-secret on the terminal: decrypts" cmp -s p.bin sec.out
	check "... the PIN was not echoed" test "$(grep -c 1234 "$T/tty")" -eq 0
	rm -f sec.out
	pty_type "env VEILTEST_MODE=secret VEILTEST_PIN=1234 $VEIL age -d -i id1.txt -o sec.out p.binary.age" 9999
	check "request-secret, wrong PIN: no output" test ! -e sec.out
	pty_type "env VEILTEST_MODE=confirm,secret VEILTEST_PIN=1 $VEIL age -d -i id1.txt -o conf.out p.binary.age" 1 1
	check "confirm then request-secret on the terminal: decrypts" cmp -s p.bin conf.out
	check "confirm showed both choices" grep -q "\[1\] Use it  \[2\] Skip" "$T/tty"
else
	echo "skipped: terminal interactions (script(1) is not installed)"
fi

# Document commands: a plugin recipient next to an X25519 one, every
# format, both value ciphers; decrypted with the plugin (SOPS_AGE_KEY_FILE
# and --identity) and with the X25519 key.
printf 'user: admin\npassword: hunter2\nnested:\n  key: value\n' >doc.yaml # veil:allow (test data)
printf '{"user": "admin", "password": "hunter2", "n": {"k": [1, true]}}\n' >doc.json
printf 'USER=admin\nPASSWORD=hunter2\n' >doc.env # veil:allow (test data)
printf '[db]\nuser = admin\npassword = hunter2\n' >doc.ini # veil:allow (test data)
head -c 3000 /dev/urandom | base64 >doc.bin # binary mode: any text, kept as one value
for cipher in aes256-gcm chacha20-poly1305; do
	for f in doc.yaml doc.json doc.env doc.ini doc.bin; do
		what="$f, $cipher"
		run "$VEIL" encrypt --cipher $cipher -r "$R1,$X" "$f"
		if [ "$rc" -ne 0 ]; then
			fail "encrypt $what"
			continue
		fi
		ext=${f##*.}
		cp "$T/out" "enc.$cipher.$ext"
		run env SOPS_AGE_KEY_FILE=id1.txt "$VEIL" decrypt "enc.$cipher.$ext"
		check "decrypt with the plugin (SOPS_AGE_KEY_FILE), $what" cmp -s "$f" "$T/out"
		run "$VEIL" decrypt --identity x.txt "enc.$cipher.$ext"
		check "decrypt with the X25519 key, $what" cmp -s "$f" "$T/out"
	done
done
run "$VEIL" decrypt --identity id2.txt enc.aes256-gcm.yaml
expect_rc 128 "another plugin key does not open the document"
err_has "key of plugin age-plugin-veiltest: age1veiltest1" "the failure names the plugin recipient it needs"
# A .sops.yaml rule with the plugin recipient in its age list.
mkdir -p rules
printf 'creation_rules:\n  - path_regex: \\.yaml$\n    age: >-\n      %s,\n      %s\n' "$R2" "$X" >rules/.sops.yaml
cp doc.yaml rules/app.yaml
run "$VEIL" encrypt -i rules/app.yaml
expect_rc 0 "encrypt in place through a .sops.yaml rule naming the plugin"
check "the rule's plugin recipient is in the file" grep -q "recipient: $R2" rules/app.yaml
run "$VEIL" decrypt --identity id2.txt rules/app.yaml
check "decrypts with the plugin" cmp -s doc.yaml "$T/out"
# A missing plugin: encryption to it fails, the file is left as it was.
cp doc.yaml keep.yaml
run env PATH="$BASE_PATH" "$VEIL" encrypt -i -r "$R1,$X" keep.yaml
check "document encrypt with a missing plugin fails and leaves the file" \
	test "$rc" -ne 0 -a "$(cat keep.yaml)" = "$(cat doc.yaml)"

finish
