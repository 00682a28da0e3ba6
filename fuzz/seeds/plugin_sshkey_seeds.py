#!/usr/bin/env python3
"""Seeds for fuzz_sshkey and fuzz_plugin (see fuzz/README.md).

fuzz_sshkey: fresh throwaway keys from ssh-keygen (RSA 2048 and 1024, a
passphrase-protected RSA key, ed25519) as raw openssh-key-v1 containers,
PKCS#1 and PKCS#8 DER, and public key blobs; each seed starts with the mode
byte fuzz_sshkey.c reads. fuzz_plugin: hand-written plugin transcripts
(phase 2 as a plugin would send it), mode byte 0 (identity-v1) or 1
(recipient-v1). Run from the repository root; it overwrites the corpora.
"""
import base64
import os
import subprocess
import tempfile


def pem_body(path):
    lines = open(path).read().splitlines()
    return base64.b64decode("".join(l for l in lines if not l.startswith("-----")))


def keygen(d, name, *args):
    path = os.path.join(d, name)
    subprocess.run(["ssh-keygen", "-q", "-C", "fuzz", "-f", path, *args], check=True)
    return path


def stanza(args, body=b""):
    e = base64.b64encode(body).decode().rstrip("=")
    lines = [e[i : i + 64] for i in range(0, len(e), 64)]
    if not lines or len(lines[-1]) == 64:
        lines.append("")
    return ("-> " + " ".join(args) + "\n" + "\n".join(lines) + "\n").encode()


def b64(x):
    return base64.b64encode(x).decode().rstrip("=")


def main():
    out = "fuzz/corpus/fuzz_sshkey/"
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as d:
        rsa = keygen(d, "rsa", "-t", "rsa", "-b", "2048", "-N", "")
        small = keygen(d, "small", "-t", "rsa", "-b", "1024", "-N", "")
        locked = keygen(d, "locked", "-t", "rsa", "-b", "2048", "-N", "pw")
        ed = keygen(d, "ed", "-t", "ed25519", "-N", "")
        pem = keygen(d, "pem", "-t", "rsa", "-b", "2048", "-N", "", "-m", "PEM")
        pkcs8 = subprocess.run(["openssl", "pkcs8", "-topk8", "-nocrypt", "-in", pem,
                                "-outform", "DER"], capture_output=True, check=True).stdout
        seeds = {
            "openssh-rsa2048": b"\x01" + pem_body(rsa),
            "openssh-rsa2048-locked": b"\x01" + pem_body(locked),
            "openssh-ed25519": b"\x01" + pem_body(ed),
            "pkcs1-rsa2048": b"\x02" + pem_body(pem),
            "pkcs8-rsa2048": b"\x03" + pkcs8,
            "pub-rsa2048": b"\x04" + base64.b64decode(open(rsa + ".pub").read().split()[1]),
            "pub-rsa1024": b"\x04" + base64.b64decode(open(small + ".pub").read().split()[1]),
        }
    for name, data in seeds.items():
        open(out + name, "wb").write(data)

    out = "fuzz/corpus/fuzz_plugin/"
    os.makedirs(out, exist_ok=True)
    fk = b"0123456789abcdef"
    seeds = {
        "unwrap-file-key": b"0" + stanza(["msg"], b"touch it") + stanza(["file-key", "0"], fk)
        + stanza(["done"]),
        "unwrap-interactive": b"0"
        + stanza(["confirm", b64(b"yes"), b64(b"no")], b"use?")
        + stanza(["request-secret"], b"PIN?")
        + stanza(["request-public"], b"fail me")
        + stanza(["grease-x", "a"], b"zz")
        + stanza(["file-key", "0"], fk)
        + stanza(["done"]),
        "unwrap-errors": b"0" + stanza(["error", "identity", "0"], b"bad identity")
        + stanza(["error", "stanza", "0", "0"], b"bad stanza")
        + stanza(["error", "internal"], b"oops") + stanza(["done"]),
        "unwrap-nothing": b"0" + stanza(["done"]),
        "wrap-stanzas": b"1" + stanza(["msg"], b"x no ui")
        + stanza(["recipient-stanza", "0", "veiltest", "abc"], bytes(48))
        + stanza(["recipient-stanza", "0", "other"], bytes(100))
        + stanza(["labels", "b", "a"]) + stanza(["done"]),
        "wrap-error": b"1" + stanza(["error", "recipient", "0"], b"no such key") + stanza(["done"]),
        "wrap-truncated": b"1" + stanza(["recipient-stanza", "0", "t"], b"x" * 70)[:-10],
    }
    for name, data in seeds.items():
        open(out + name, "wb").write(data)


if __name__ == "__main__":
    main()
