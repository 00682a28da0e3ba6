#!/usr/bin/env python3
"""Random documents of every format through `veil encrypt` then `veil decrypt`
(issue 11, "Done means"): the output must be the input, and whatever encrypt
accepts, decrypt must accept, with both value ciphers.

Usage: property_docs.py VEIL WORKDIR [COUNT]. The seed is printed; set
VEIL_PROPERTY_SEED to replay a run. VEIL_AGE_KEY_FILE must name the identity
of RECIPIENT (the environment variable of that name). Exit 0 when every
accepted document round-trips, 1 otherwise (each failure names its file,
kept in WORKDIR)."""
import concurrent.futures
import json
import os
import random
import subprocess
import sys

WORDS = ["alpha", "beta", "db", "password", "token", "x", "k8s", "value", "ünï", "日本",
         "emoji🙂", "a b", "with:colon", "hash#not", "dash-key", "dot.key", "_u"]
ODD_KEYS = ['"quoted key"', '"ü-key"', "'single quoted'", '"colon: inside"', '"#hash"',
            '"- dash"', '"1"', '"true"', '"null"', '"tab\\tkey"', '"ke\\"y"', "key_unencrypted"]
UNICODE = "äöüßéèñøåçЖжЯ中文日本語한국어🙂🔑\u00a0\u2028"
# YAML reads U+2028 as a line break and has no surrogate escapes
YAML_TEXT = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
             " _-./:#=@%+,'\"\\!?&*" + UNICODE.replace("\u2028", ""))


def rand_text(r, lo=0, hi=24, alphabet=None):
    alphabet = alphabet or ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                            " _-./:#=@%+,'\"\\!?&*" + UNICODE)
    return "".join(r.choice(alphabet) for _ in range(r.randint(lo, hi)))


def long_text(r):
    return rand_text(r, 500, 3000, "abcdefghijklmnopqrstuvwxyz0123456789 " + UNICODE)


# ---- YAML -------------------------------------------------------------------

def yaml_scalar(r, st):
    """A scalar as YAML text (one line), or a block literal (multi-line)."""
    k = r.randrange(16)
    if k == 0:
        # not yes/no/on/off: YAML 1.1 (PyYAML, the comparison) reads them as
        # booleans, YAML 1.2 (veil, sops) as strings
        return r.choice(["true", "false", "True", "FALSE"])
    if k == 1:
        return r.choice(["null", "~", "", "Null"])
    if k == 2:
        return str(r.randint(-10**12, 10**12))
    if k == 3:
        return r.choice(["0.5", "-1.25", "1e3", "3.14159", "0x1F", ".inf", "-.Inf",
                         "1_000", "007", "+12"])
    if k == 4:
        return json.dumps(rand_text(r, 0, 24, YAML_TEXT), ensure_ascii=False)
    if k == 5:
        return "'" + rand_text(r, 0, 24, YAML_TEXT).replace("'", "''") + "'"
    if k == 6:
        return json.dumps(long_text(r).replace("\u2028", ""), ensure_ascii=False)
    if k == 7:
        lines = [rand_text(r, 0, 30, "abc xyz" + UNICODE + "#:") for _ in range(r.randint(1, 4))]
        return ("|" if r.random() < 0.6 else ">") + r.choice(["", "-", "+"]) + "\n" + "\n".join(
            ("  " * (st["indent"] + 1) + ln if ln.strip() else "") for ln in lines)
    if k == 8:
        return '""'
    if k == 9:
        return json.dumps(rand_text(r, 0, 10, "ab\n\t\\\"" + YAML_TEXT[-30:]), ensure_ascii=False)
    # plain: a safe word or two
    return r.choice(["plain", "hello world", "ünïcode", "v1.2.3", "a-b_c", "x@y.z", "12ab",
                     "path/to/file", "CamelCase", "日本語"]) + r.choice(["", "", " tail"])


def yaml_key(r):
    if r.random() < 0.2:
        odd = r.choice(ODD_KEYS)
        n = str(r.randrange(1000))
        return odd[:-1] + n + odd[-1] if odd[-1] in "'\"" else odd + n
    return r.choice(["alpha", "beta", "db", "password", "token", "x", "k8s", "value", "ünï", "日本",
                     "dash-key", "dot.key", "_u", "apiVersion", "data", "stringData", "sops_x"]) + \
        str(r.randrange(1000))


def yaml_node(r, depth, indent, st, out):
    """Appends the lines of a block mapping at indent."""
    n = r.randint(1, 5)
    pad = "  " * indent
    for _ in range(n):
        if r.random() < 0.15:
            out.append(pad + "# " + rand_text(r, 0, 20, "comment text ü#:"))
        key = yaml_key(r)
        kind = r.random()
        if depth < 4 and kind < 0.25:
            out.append(pad + key + ":")
            yaml_node(r, depth + 1, indent + 1, st, out)
        elif depth < 4 and kind < 0.4:
            out.append(pad + key + ":")
            for _ in range(r.randint(1, 4)):
                if r.random() < 0.3 and depth < 3:
                    out.append(pad + "  -")
                    yaml_node(r, depth + 1, indent + 2, st, out)
                else:
                    st["indent"] = indent + 1
                    v = yaml_scalar(r, st)
                    if "\n" in v:
                        v = json.dumps(rand_text(r))
                    out.append(pad + "  - " + v)
        elif kind < 0.45:
            out.append(pad + key + ": " + r.choice(["{}", "[]", "[1, two, 'three']",
                                                    "{a: 1, b: [x, y]}"]))
        elif kind < 0.5 and st["anchors"]:
            out.append(pad + key + ": *" + r.choice(st["anchors"]))
            st["aliased"] = True
        else:
            st["indent"] = indent
            v = yaml_scalar(r, st)
            anchor = ""
            if r.random() < 0.08 and v and "\n" not in v:
                name = "an%d" % len(st["anchors"])
                st["anchors"].append(name)
                anchor = "&" + name + " "
            tail = ""
            if r.random() < 0.15 and "\n" not in v:
                tail = "  # " + rand_text(r, 0, 12, "note ü")
            out.append(pad + key + ": " + anchor + v + tail)


def gen_yaml(r):
    """A YAML stream PyYAML reads (a few tries); refused ones are counted."""
    import yaml
    for _ in range(5):
        text, fmt, aliased = gen_yaml_once(r)
        try:
            list(yaml.safe_load_all(text))
            break
        except yaml.YAMLError:
            continue
    return text, fmt, aliased


def gen_yaml_once(r):
    st = {"anchors": [], "aliased": False, "indent": 0}
    docs = []
    for _ in range(1 if r.random() < 0.7 else r.randint(2, 3)):
        out = []
        if r.random() < 0.2:
            out.append("# " + rand_text(r, 0, 30, "header comment ü"))
        st["anchors"] = []  # anchors do not cross documents
        yaml_node(r, 0, 0, st, out)
        docs.append("\n".join(out) + "\n")
    text = "---\n".join(docs) if len(docs) == 1 or r.random() < 0.5 else \
        "---\n" + "---\n".join(docs)
    return text.encode(), "yaml", st["aliased"]


# ---- JSON -------------------------------------------------------------------

def json_value(r, depth):
    k = r.randrange(10)
    if depth < 4 and k == 0:
        return {json_key(r): json_value(r, depth + 1) for _ in range(r.randint(0, 4))}
    if depth < 4 and k == 1:
        return [json_value(r, depth + 1) for _ in range(r.randint(0, 4))]
    if k == 2:
        return r.choice([True, False, None])
    if k == 3:
        return r.randint(-10**15, 10**15)
    if k == 4:
        return r.choice([0.5, -2.25, 1e21, 3.0e-5, 123.456])
    if k == 5:
        return long_text(r)
    return rand_text(r, 0, 30, None)


def json_key(r):
    return r.choice(WORDS) + r.choice(["", str(r.randrange(100)), "_unencrypted"])


def gen_json(r):
    doc = {json_key(r): json_value(r, 0) for _ in range(r.randint(1, 6))}
    indent = r.choice([None, 2, 4, "\t"])
    return (json.dumps(doc, indent=indent, ensure_ascii=r.random() < 0.5) + "\n").encode(), \
        "json", False


# ---- dotenv and INI ---------------------------------------------------------

ENV_VALUE = "abcdefghijklmnopqrstuvwxyz0123456789 _-./:=@%+,'\"!?&*$" + UNICODE


def gen_env(r):
    lines = []
    for i in range(r.randint(1, 12)):
        if r.random() < 0.15:
            lines.append("# " + rand_text(r, 0, 20, "comment ü=#"))
        elif r.random() < 0.08:
            lines.append("")
        else:
            key = r.choice(["DB_PASSWORD", "TOKEN", "api_key", "X", "A_B_C", "lower", "K"]) + str(i)
            val = r.choice(["", rand_text(r, 0, 40, ENV_VALUE), long_text(r), str(r.randint(0, 99))])
            lines.append(key + "=" + val)
    return ("\n".join(lines) + "\n").encode(), "env", False


def gen_ini(r):
    lines = []
    for s in range(r.randint(0, 3) + 1):
        if s > 0 or r.random() < 0.5:
            lines.append("[" + r.choice(["section", "db", "server.main", "ünï"]) + str(s) + "]")
        for i in range(r.randint(1, 6)):
            if r.random() < 0.15:
                lines.append(r.choice(["; ", "# "]) + rand_text(r, 0, 20, "comment ü"))
                continue
            key = r.choice(["password", "user", "host", "port", "token", "key.dotted"]) + str(i)
            val = r.choice(["", rand_text(r, 1, 30, "abcdefg 0123456789-_./:@" + UNICODE),
                            str(r.randint(0, 65535)), "true"])
            lines.append(key + r.choice([" = ", "=", " ="]) + val)
        if r.random() < 0.3:
            lines.append("")
    return ("\n".join(lines) + "\n").encode(), "ini", False


def gen_binary(r):
    k = r.randrange(4)
    if k == 0:
        data = bytes(r.randrange(256) for _ in range(r.randint(0, 4096)))
    elif k == 1:
        data = rand_text(r, 0, 2000).encode()
    elif k == 2:  # mostly text with invalid UTF-8 inside
        data = rand_text(r, 0, 200).encode() + bytes([0xff, 0xc3, 0x28, 0x80]) + b"\0tail"
    else:
        data = b""
    return data, "bin", False


GENERATORS = [gen_yaml, gen_json, gen_env, gen_ini, gen_binary]
SUFFIX = {"yaml": ".yaml", "json": ".json", "env": ".env", "ini": ".ini", "bin": ".bin"}
CIPHERS = ["aes256-gcm", "chacha20-poly1305"]


def comments(text, marks):
    """The comment lines, in order: a decrypt must keep every one."""
    return [ln.strip() for ln in text.decode("utf-8", "replace").splitlines()
            if ln.strip() and ln.strip()[0] in marks]


def strings(x):
    if isinstance(x, dict):
        for k, v in x.items():
            yield str(k)
            yield from strings(v)
    elif isinstance(x, list):
        for v in x:
            yield from strings(v)
    elif isinstance(x, str):
        yield x


def parsed(fmt, text):
    """The data a reader sees; values may be re-rendered in another style
    (a decrypted "\u00e9" is written as the character), so text equality
    is too strict for YAML and JSON."""
    if fmt == "yaml":
        import yaml
        data = list(yaml.safe_load_all(text))
        # a line of a block scalar may start with '#' too: not a comment
        values = "\n".join(strings(data))
        return data, [c for c in comments(text, "#") if c not in values]
    if fmt == "json":
        return json.loads(text)
    if fmt == "env":
        return [ln.split("=", 1) if "=" in ln and not ln.startswith("#") else ln
                for ln in text.decode("utf-8", "replace").splitlines()]
    if fmt == "ini":
        rows = []
        for ln in text.decode("utf-8", "replace").splitlines():
            t = ln.strip()
            if "=" in t and t[:1] not in ";#[":
                k, v = t.split("=", 1)
                rows.append((k.strip(), v.strip()))
            elif t:
                rows.append(t)
        return rows
    return text


def same_data(fmt, a, b):
    try:
        return parsed(fmt, a) == parsed(fmt, b)
    except Exception:  # noqa: BLE001 - an unreadable output is a failure
        return False


def one(veil, recipient, path, fmt, aliased, cipher):
    """None if it holds, else a one-line description of the failure."""
    enc = path + "." + cipher + ".enc" + SUFFIX[fmt]
    e = subprocess.run([veil, "encrypt", "--cipher", cipher, "-r", recipient, "-o", enc, path],
                       capture_output=True)
    if e.returncode != 0:
        return ("refused", e.returncode, e.stderr.decode(errors="replace").strip()[:160])
    d = subprocess.run([veil, "decrypt", enc], capture_output=True)
    if d.returncode != 0:
        return ("FAIL", "decrypt refused what encrypt wrote (exit %d): %s" % (
            d.returncode, d.stderr.decode(errors="replace").strip()[:200]))
    with open(path, "rb") as f:
        original = f.read()
    if d.stdout == original:
        return ("exact",)
    if same_data(fmt, original, d.stdout):
        return ("same data",)
    with open(enc + ".out", "wb") as f:
        f.write(d.stdout)
    return ("FAIL", "decrypt(encrypt(x)) != x (see %s.out)" % enc)


def main():
    veil, work = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 60
    recipient = os.environ["RECIPIENT"]
    seed = int(os.environ.get("VEIL_PROPERTY_SEED") or random.SystemRandom().randrange(2**32))
    print("seed %d (VEIL_PROPERTY_SEED=%d replays this run), %d documents per format" %
          (seed, seed, count), flush=True)
    r = random.Random(seed)
    jobs = []
    for gi, gen in enumerate(GENERATORS):
        for i in range(count):
            data, fmt, aliased = gen(r)
            path = os.path.join(work, "doc-%s-%03d%s" % (fmt, i, SUFFIX[fmt]))
            with open(path, "wb") as f:
                f.write(data)
            for cipher in CIPHERS:
                jobs.append((path, fmt, aliased, cipher))
    accepted, exact, fails, refused = {}, {}, 0, {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = pool.map(lambda j: (j, one(veil, recipient, *j)), jobs)
        for (path, fmt, aliased, cipher), res in results:
            if res[0] == "refused":
                refused.setdefault(fmt, []).append((path, cipher, res))
                continue
            accepted[fmt] = accepted.get(fmt, 0) + 1
            exact[fmt] = exact.get(fmt, 0) + (res[0] == "exact")
            if res[0] == "FAIL":
                fails += 1
                print("FAIL %s %s: %s" % (os.path.basename(path), cipher, res[1]))
    for fmt in SUFFIX:
        ref = refused.get(fmt, [])
        print("%-5s %3d accepted by encrypt (%d byte-exact after decrypt), %d refused" % (
            fmt, accepted.get(fmt, 0), exact.get(fmt, 0), len(ref)))
        for path, cipher, res in ref[:3]:
            print("      refused %s %s: exit %d: %s" % (os.path.basename(path), cipher, res[1],
                                                        res[2]))
    # a generator whose documents are mostly refused tests nothing
    for fmt in SUFFIX:
        if accepted.get(fmt, 0) < len(CIPHERS) * count * 0.8:
            print("FAIL %s: only %d of %d runs accepted by encrypt" % (
                fmt, accepted.get(fmt, 0), len(CIPHERS) * count))
            fails += 1
    print("%d failures; seed %d" % (fails, seed))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
