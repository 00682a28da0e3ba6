#!/usr/bin/env python3
"""Writes age files that the age CLI cannot make, for the fuzz_header seed
corpus: a cheap scrypt stanza (work factor 4, the fuzz target's maximum) and
headers with unknown "grease" stanzas and boundary-length bodies, all with a
valid MAC so the fuzzer starts from inputs that reach the payload code.

Usage: craft_age.py OUTDIR   (needs python3-cryptography; test keys only)
Built from the format notes in shared/spec/age-format.md, using the
cryptography package's primitives; nothing here is part of veil.
"""
import base64
import hashlib
import hmac
import os
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# The fuzz target's fixed test recipient and passphrase (fuzz/fuzz_header.c).
RECIPIENT = "age14tl6t6gm54zhaemajhfk0ewwwa9w885m5zhr7axmxnu4878grczs6swkjl"
PASSPHRASE = b"veil fuzz passphrase"
CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def bech32_data(s):
    """The payload bytes of a Bech32 string (checksum not verified here)."""
    data = [CHARSET.index(c) for c in s[s.rindex("1") + 1:-6]]
    acc, bits, out = 0, 0, bytearray()
    for v in data:
        acc = (acc << 5) | v
        bits += 5
        if bits >= 8:
            bits -= 8
            out.append((acc >> bits) & 0xFF)
    return bytes(out)


def b64(b):
    return base64.b64encode(b).decode().rstrip("=")


def hkdf(ikm, salt, info, n=32):
    return HKDF(hashes.SHA256(), n, salt, info).derive(ikm)


def stanza(args, body):
    enc = b64(body)
    lines = [enc[i:i + 64] for i in range(0, len(enc), 64)]
    if not lines or len(lines[-1]) == 64:
        lines.append("")  # the body always ends with a short line
    return "-> " + " ".join(args) + "\n" + "".join(line + "\n" for line in lines)


def x25519_stanza(file_key):
    r = bech32_data(RECIPIENT)
    e = X25519PrivateKey.generate()
    epk = e.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    ss = e.exchange(X25519PublicKey.from_public_bytes(r))
    key = hkdf(ss, epk + r, b"age-encryption.org/v1/X25519")
    return stanza(["X25519", b64(epk)], ChaCha20Poly1305(key).encrypt(bytes(12), file_key, None))


def scrypt_stanza(file_key, logn):
    salt = os.urandom(16)
    key = hashlib.scrypt(PASSPHRASE, salt=b"age-encryption.org/v1/scrypt" + salt,
                         n=1 << logn, r=8, p=1, dklen=32)
    body = ChaCha20Poly1305(key).encrypt(bytes(12), file_key, None)
    return stanza(["scrypt", b64(salt), str(logn)], body)


def age_file(stanzas, file_key, plaintext):
    hdr = ("age-encryption.org/v1\n" + "".join(stanzas) + "---").encode()
    mac = hmac.new(hkdf(file_key, b"", b"header"), hdr, hashlib.sha256).digest()
    nonce = os.urandom(16)
    aead = ChaCha20Poly1305(hkdf(file_key, nonce, b"payload"))
    chunks = [plaintext[i:i + 65536] for i in range(0, len(plaintext), 65536)] or [b""]
    payload = b"".join(
        aead.encrypt(i.to_bytes(11, "big") + (b"\x01" if i == len(chunks) - 1 else b"\x00"), c, None)
        for i, c in enumerate(chunks))
    return hdr + b" " + b64(mac).encode() + b"\n" + nonce + payload


def armor(data):
    enc = base64.b64encode(data).decode()
    body = "".join(enc[i:i + 64] + "\n" for i in range(0, len(enc), 64))
    return ("-----BEGIN AGE ENCRYPTED FILE-----\n" + body +
            "-----END AGE ENCRYPTED FILE-----\n").encode()


def main():
    out = sys.argv[1]
    fk = os.urandom(16)
    files = {
        "scrypt-wf4.age": age_file([scrypt_stanza(fk, 4)], fk, b"cheap scrypt\n"),
        "scrypt-wf4-empty.age": age_file([scrypt_stanza(fk, 4)], fk, b""),
        "grease.age": age_file([
            stanza(["Xy%9-grease", "\\|{?,", "a"], os.urandom(48)),
            x25519_stanza(fk),
            stanza(["empty-body"], b""),
            stanza(["long", "x" * 100], os.urandom(99)),
        ], fk, b"greased header\n"),
        "x25519-2byte-chunk.age": age_file([x25519_stanza(fk)], fk, b"\x00\xff"),
        # STREAM boundaries: one full chunk flagged final, and a full chunk
        # followed by a one-byte final chunk (the only seeds over 4 KB).
        "x25519-full-final-chunk.age": age_file([x25519_stanza(fk)], fk, bytes(65536)),
        "x25519-two-chunks.age": age_file([x25519_stanza(fk)], fk, bytes(65537)),
    }
    files["scrypt-wf4.armor"] = armor(files["scrypt-wf4.age"])
    # An identity file behind a passphrase (what `age-keygen | age -p`
    # writes), for veil_identities_parse_ext; make-seeds.sh also copies it
    # into the fuzz_identity corpus.
    keyfile = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "keys",
                                "fuzz-x25519.txt"), "rb").read()
    fk2 = os.urandom(16)
    files["scrypt-wf4-identity-file.armor"] = armor(age_file([scrypt_stanza(fk2, 4)], fk2, keyfile))
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
