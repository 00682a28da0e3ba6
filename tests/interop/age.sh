#!/usr/bin/env bash
# Interoperability with the reference age (Go; Debian's age 1.1.1), both
# directions: X25519 with several recipients, binary and armored,
# ssh-ed25519, scrypt passphrases, and each tool's keys in the other.
# shellcheck source=tests/cli/common.bash
. "$(dirname "$0")/../cli/common.bash"

for tool in age age-keygen script; do
	if ! command -v $tool >/dev/null; then
		echo "skip: '$tool' is not installed (scripts/install-deps.sh --test installs it)"
		exit 77
	fi
done
echo "peer: age $(age --version)"

# Payloads: empty, one byte short of a chunk, exactly one chunk, several.
: >p0.bin
head -c 65535 /dev/urandom >p1.bin
head -c 65536 /dev/urandom >p2.bin
head -c 300000 /dev/urandom >p3.bin
PAYLOADS="p0.bin p1.bin p2.bin p3.bin"

age-keygen -o a1.txt 2>/dev/null
age-keygen -o a2.txt 2>/dev/null
"$VEIL" keygen -o v1.txt 2>/dev/null
A1=$(age-keygen -y a1.txt) A2=$(age-keygen -y a2.txt)
V1=$(sed -n 2p v1.txt | cut -d' ' -f4)

run "$VEIL" keygen -y a1.txt
check "veil keygen -y reads an age-keygen file" test "$rc" -eq 0 -a "$(cat "$T/out")" = "$A1"
check "age-keygen -y reads a veil keygen file" test "$(age-keygen -y v1.txt)" = "$V1"

for armor in "" "-a"; do
	kind=${armor:+armored}
	kind=${kind:-binary}
	for p in $PAYLOADS; do
		# veil -> age, three recipients from both tools' keys.
		"$VEIL" age $armor -r "$A1" -r "$V1" -r "$A2" -o "$p.v.age" "$p"
		for k in a1 a2 v1; do
			age -d -i $k.txt "$p.v.age" >"$p.v.$k" 2>"$T/err"  # 1.1.1 makes no -o file for empty output
			check "veil -> age, $kind, $p, key $k" same "$p" "$p.v.$k"
		done
		# age -> veil.
		age $armor -r "$A1" -r "$V1" -r "$A2" -o "$p.a.age" "$p"
		for k in a1 a2 v1; do
			run "$VEIL" age -d -i $k.txt -o "$p.a.$k" "$p.a.age"
			check "age -> veil, $kind, $p, key $k" rc0_same "$p" "$p.a.$k"
		done
	done
done

# ssh-ed25519: keys from ssh-keygen, used as recipient line and private key.
ssh-keygen -q -t ed25519 -N '' -C 'interop@veil' -f ssh_id
"$VEIL" age -r "$(cat ssh_id.pub)" -o ssh.v.age p3.bin
age -d -i ssh_id -o ssh.v.out ssh.v.age 2>"$T/err"
check "veil -> age, ssh-ed25519" same p3.bin ssh.v.out
age -R ssh_id.pub -o ssh.a.age p3.bin
run "$VEIL" age -d -i ssh_id -o ssh.a.out ssh.a.age
check "age -> veil, ssh-ed25519" rc0_same p3.bin ssh.a.out
age -a -R ssh_id.pub -r "$A1" -o ssh2.a.age p1.bin
run "$VEIL" age -d -i ssh_id -o ssh2.a.out ssh2.a.age
check "age -> veil, armored, ssh-ed25519 next to X25519" rc0_same p1.bin ssh2.a.out

# ssh-rsa, which age writes and veil does not support: a clear refusal.
ssh-keygen -q -t rsa -b 2048 -N '' -f rsa_id
age -R rsa_id.pub -o rsa.a.age p1.bin
run "$VEIL" age -d -i a1.txt rsa.a.age
check "age ssh-rsa file: veil fails without output" test "$rc" -eq 1 -a ! -s "$T/out"
err_has "no identity matched.*ssh-rsa" "age ssh-rsa file: the stanza type is named"
run "$VEIL" age -d -i rsa_id rsa.a.age
check "an ssh-rsa private key is refused" test "$rc" -eq 1 -a ! -s "$T/out"
err_has "unsupported" "... as unsupported"

# scrypt. age 1.1.1 reads passphrases only from a terminal: drive it
# through a pty (pty_type waits for each prompt before typing).
PW='interop passphrase 42'
printf '%s\n' "$PW" >pw.txt
for armor in "" "-a"; do
	kind=${armor:+armored}
	kind=${kind:-binary}
	"$VEIL" age $armor -p --passphrase-file pw.txt -o pw.v.age p3.bin
	rm -f pw.v.out
	pty_type "age -d -o pw.v.out pw.v.age" "$PW"
	check "veil -> age, scrypt, $kind" same p3.bin pw.v.out
	rm -f pw.a.age
	pty_type "age $armor -p -o pw.a.age p3.bin" "$PW" "$PW"
	run "$VEIL" age -d --passphrase-file pw.txt -o pw.a.out pw.a.age
	check "age -> veil, scrypt, $kind" rc0_same p3.bin pw.a.out
done
printf 'not it\n' >bad.txt
run "$VEIL" age -d --passphrase-file bad.txt pw.a.age
check "age's scrypt file refuses a wrong passphrase in veil" test "$rc" -ne 0 -a ! -s "$T/out"

finish
