#!/usr/bin/env bash
# Regenerates the seed corpora in fuzz/corpus/ (or OUTDIR): age files made
# with Debian's age and age-keygen, keys made with ssh-keygen, crafted age
# files (craft_age.py: cheap scrypt, grease stanzas, all with valid MACs),
# and a few hand-written edge cases. Every key is a throwaway test key; the
# fixed ones in keys/ are the ones fuzz/fuzz_header.c decrypts with.
# Output differs on every run (fresh randomness); the committed corpora are
# one such run. Needs: age, age-keygen, ssh-keygen, python3-cryptography.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../corpus}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

h=$out/fuzz_header a=$out/fuzz_armor i=$out/fuzz_identity
mkdir -p "$h" "$a" "$i"

X=$(age-keygen -y "$here/keys/fuzz-x25519.txt")
S=$(cat "$here/keys/fuzz-ssh-ed25519.pub")
age-keygen -o "$tmp/other.txt" 2>/dev/null
O=$(age-keygen -y "$tmp/other.txt")

# fuzz_header: files for the target's identities, and for nobody.
printf '' | age -r "$X" >"$h/x25519-empty.age"
printf 'hello\n' | age -r "$X" >"$h/x25519-hello.age"
printf 'hello\n' | age -a -r "$X" >"$h/x25519-hello.armor"
head -c 700 /dev/urandom | age -r "$S" >"$h/ssh-700.age"
head -c 200 /dev/urandom | age -a -r "$S" >"$h/ssh-200.armor"
printf 'three recipients\n' | age -r "$O" -r "$S" -r "$X" >"$h/multi.age"
printf 'not for us\n' | age -r "$O" >"$h/nomatch.age"
printf 'not for us\n' | age -a -r "$O" >"$h/nomatch.armor"
python3 "$here/craft_age.py" "$h"
# Hand-written header failures.
printf 'age-encryption.org/v1\n' >"$h/intro-only.age"
printf 'age-encryption.org/v1\n---\n' >"$h/no-mac.age"
printf 'age-encryption.org/v2\n-> X25519 AAAA\n\n--- AAAA\n' >"$h/version-2.age"
printf 'age-encryption.org/v1\n->\n\n--- AAAA\n' >"$h/no-args.age"
printf 'age-encryption.org/v1\n-> a  b\n\n' >"$h/double-space.age"
printf 'age-encryption.org/v1\n-> scrypt AAAAAAAAAAAAAAAAAAAAAA 010\n%s\n--- %s\n' \
	AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA \
	>"$h/scrypt-leading-zero.age"
sed 's/$/\r/' "$h/x25519-hello.age" | head -c 150 >"$h/crlf-header.age"
# One X25519 stanza makes a 168-byte header: cut in the nonce, then in the chunk.
head -c 176 "$h/x25519-hello.age" >"$h/truncated-nonce.age"
head -c 190 "$h/x25519-hello.age" >"$h/truncated-chunk.age"

# fuzz_armor: valid and invalid armor, and plain bytes for the round trip.
python3 - "$a" "$h/x25519-hello.age" <<'PY'
import base64, os, sys
out, hello = sys.argv[1], open(sys.argv[2], "rb").read()
def armor(data, crlf=False, lead="", trail="", eol=True, emptylast=False):
    enc = base64.b64encode(data).decode()
    nl = "\r\n" if crlf else "\n"
    body = "".join(enc[i:i + 64] + nl for i in range(0, len(enc), 64)) + (nl if emptylast else "")
    return (lead + "-----BEGIN AGE ENCRYPTED FILE-----" + nl + body +
            "-----END AGE ENCRYPTED FILE-----" + (nl if eol else "") + trail).encode()
files = {
    "48-bytes.armor": armor(bytes(range(48))),
    "1-byte.armor": armor(b"\x01"),
    "2-bytes.armor": armor(b"\xfe\xff"),
    "crlf.armor": armor(hello, crlf=True),
    "whitespace.armor": armor(hello, lead=" \n\t\n", trail="\n \n"),
    "no-eol.armor": armor(hello, eol=False),
    "empty-last-line.armor": armor(bytes(range(96)), emptylast=True),
    "missing-end.armor": armor(b"truncated armor")[:-33],
    "short-line-not-last.armor":
        b"-----BEGIN AGE ENCRYPTED FILE-----\nAAAA\nAAAA\n-----END AGE ENCRYPTED FILE-----\n",
    "pgp-checksum.armor": armor(b"abc")[:-33] + b"=njUN\n-----END AGE ENCRYPTED FILE-----\n",
    "plain-binary.bin": os.urandom(100),
    "plain-text.txt": b"not armored at all\n",
}
for name, data in files.items():
    open(os.path.join(out, name), "wb").write(data)
PY
cp "$h/x25519-hello.armor" "$h/ssh-200.armor" "$a/"

# fuzz_identity: the first byte picks the parser ('0' identities file,
# '1' recipients file, '2' one recipient, '3' one identity, '4'
# passphrase-encrypted identities file).
ssh-keygen -q -t rsa -b 2048 -N '' -C rsa@veil -f "$tmp/rsa"
ssh-keygen -q -t ed25519 -N 'secret' -C enc@veil -f "$tmp/enc"
age-keygen -o "$tmp/two.txt" 2>/dev/null
age-keygen 2>/dev/null >>"$tmp/two.txt"
seed() { { printf '%s' "$2"; cat; } >"$i/$1"; }
seed keygen-file 0 <"$here/keys/fuzz-x25519.txt"
sed 's/$/\r/' "$here/keys/fuzz-x25519.txt" | seed keygen-file-crlf 0
head -c -1 "$here/keys/fuzz-x25519.txt" | seed keygen-no-newline 0
seed keygen-two 0 <"$tmp/two.txt"
seed openssh-ed25519 0 <"$here/keys/fuzz-ssh-ed25519"
seed openssh-encrypted 0 <"$tmp/enc"
seed openssh-rsa 0 <"$tmp/rsa"
{ printf '# recipients\n\n%s\n%s\n' "$X" "$S"; cat "$tmp/rsa.pub"; printf '\n# end\n'; } >"$tmp/rec"
seed recipients-file 1 <"$tmp/rec"
sed 's/$/\r/' "$tmp/rec" | seed recipients-file-crlf 1
grep '^AGE-SECRET' "$here/keys/fuzz-x25519.txt" | seed recipients-secret-line 1
printf '%s' "$X" | seed recipient-x25519 2
printf '%s' "$X" | tr '[:lower:]' '[:upper:]' | seed recipient-upper 2
printf '%s' "$S" | seed recipient-ssh 2
printf '%s' "$S" | cut -d' ' -f1,2 | tr -d '\n' | seed recipient-ssh-nocomment 2
tr -d '\n' <"$tmp/rsa.pub" | seed recipient-rsa 2
grep '^AGE-SECRET' "$here/keys/fuzz-x25519.txt" | tr -d '\n' | seed identity 3
grep '^AGE-SECRET' "$here/keys/fuzz-x25519.txt" | tr -d '\n' | tr '[:upper:]' '[:lower:]' | seed identity-lower 3
# '4' and up: veil_identities_parse_ext with the work-factor-4 passphrase.
seed passphrase-identity-file 4 <"$h/scrypt-wf4-identity-file.armor"
echo "seeds written to $out"
