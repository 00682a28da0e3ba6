#!/usr/bin/env bash
# Interoperability with the reference age (Go; Debian's age 1.1.1), both
# directions: X25519 with several recipients, binary and armored,
# ssh-ed25519, ssh-rsa (2048 and 4096 bits, OpenSSH 9.2 keys), -R files of
# mixed lines, scrypt passphrases, and each tool's keys in the other.
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

# ssh-rsa (RSA-OAEP-SHA256), both directions, OpenSSH keys of 2048 and 4096
# bits from ssh-keygen, and the same key in PEM (PKCS#1) form.
echo "peer: $(ssh -V 2>&1)"
for bits in 2048 4096; do
	ssh-keygen -q -t rsa -b $bits -N '' -C "rsa$bits@veil" -f rsa$bits
	for armor in "" "-a"; do
		kind=${armor:+armored}
		kind=${kind:-binary}
		"$VEIL" age $armor -r "$(cat rsa$bits.pub)" -o rsa$bits.v.age p3.bin
		age -d -i rsa$bits -o rsa$bits.v.out rsa$bits.v.age 2>"$T/err"
		check "veil -> age, ssh-rsa $bits, $kind" same p3.bin rsa$bits.v.out
		age $armor -R rsa$bits.pub -o rsa$bits.a.age p3.bin
		run "$VEIL" age -d -i rsa$bits -o rsa$bits.a.out rsa$bits.a.age
		check "age -> veil, ssh-rsa $bits, $kind" rc0_same p3.bin rsa$bits.a.out
	done
done
cp rsa2048 rsa2048.pem
ssh-keygen -q -p -N '' -m PEM -f rsa2048.pem
run "$VEIL" age -d -i rsa2048.pem -o rsa.pem.out rsa2048.a.age
check "age -> veil, ssh-rsa from a PEM (PKCS#1) private key" rc0_same p3.bin rsa.pem.out
run "$VEIL" age -d -i a1.txt rsa2048.a.age
check "an ssh-rsa file and an X25519 key: no output" test "$rc" -eq 1 -a ! -s "$T/out"
err_has "no identity matched.*ssh-rsa" "... the stanza type is named"

# A passphrase-protected OpenSSH key (bcrypt-pbkdf): refused with the reason
# when a file needs it, ignored when the file is for another key.
ssh-keygen -q -t rsa -b 2048 -N 'secret pw' -f rsa_locked
age -R rsa_locked.pub -o locked.a.age p1.bin
run "$VEIL" age -d -i rsa_locked locked.a.age
check "a passphrase-protected key its file needs is refused" test "$rc" -eq 1 -a ! -s "$T/out"
err_has "passphrase-protected.*bcrypt-pbkdf" "... naming the reason"
run "$VEIL" age -d -i rsa_locked -i rsa2048 -o locked.out rsa2048.a.age
check "a passphrase-protected key does not stop the others" rc0_same p3.bin locked.out

# -R with mixed lines: X25519, ssh-ed25519 and ssh-rsa keys with comments;
# every one of them opens the file with age.
{
	echo "# the team"
	echo "$A1"
	cat ssh_id.pub
	echo
	cat rsa4096.pub
} >team.txt
"$VEIL" age -R team.txt -o team.v.age p2.bin
for k in a1.txt ssh_id rsa4096; do
	age -d -i $k -o team.$k.out team.v.age 2>"$T/err"
	check "-R mixed lines: age opens it with $k" same p2.bin team.$k.out
done
# A line veil cannot encrypt to fails encryption, naming the line; nothing
# is written.
ssh-keygen -q -t ecdsa -N '' -f ec_id
cat ec_id.pub >>team.txt
run "$VEIL" age -R team.txt -o team2.v.age p2.bin
check "-R with an ecdsa line fails" test "$rc" -eq 1 -a ! -e team2.v.age
err_has "team.txt: line 6: .*ecdsa" "... naming the file and line"

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
