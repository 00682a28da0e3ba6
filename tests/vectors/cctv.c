/* C2SP/CCTV age vectors: every vector must end in exactly the expected
 * class (success, header failure, HMAC failure, no match, payload failure,
 * armor failure), release exactly the expected plaintext, and every
 * header we accept must re-encode byte for byte.
 *
 * usage: veil_vectors DIR   (exit 77 when DIR is missing) */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sodium.h>
#include <zlib.h>
#include "veil/veil.h"
#include "age/armor.h"
#include "age/format.h"
#include "util/b64.h"
#include "util/buf.h"
#include "util/io.h"

#define MAX_FILE (64u * 1024 * 1024)
#define MAX_KEYS 8

typedef struct vector {
	const char *name;
	char expect[32];
	char payload[65]; /* hex SHA-256, "" when absent */
	char identity[MAX_KEYS][256];
	size_t nidentity;
	char passphrase[MAX_KEYS][256];
	size_t npassphrase;
	int armored;
	int compressed;
	veil_buf body; /* the age file (decompressed) */
} vector;

static int failures;

static void fail(const vector *v, const char *what)
{
	printf("FAIL %s: %s\n", v->name, what);
	failures++;
}

static int read_file(veil_buf *out, const char *path)
{
	uint8_t chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");
	int error = 0;

	if (!f)
		return -1;
	while (error == 0 && (n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		error = veil_buf_append(out, chunk, n);
	if (ferror(f))
		error = -1;
	fclose(f);
	return error;
}

static int inflate_all(veil_buf *out, const uint8_t *in, size_t len)
{
	uint8_t chunk[65536];
	z_stream zs;
	int zr = Z_OK, error = 0;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK)
		return -1;
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	while (zr != Z_STREAM_END && error == 0) {
		zs.next_out = chunk;
		zs.avail_out = sizeof(chunk);
		zr = inflate(&zs, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END)
			error = -1;
		else
			error = veil_buf_append(out, chunk, sizeof(chunk) - zs.avail_out);
	}
	inflateEnd(&zs);
	return error;
}

/* Copies value (n bytes) into dst (cap bytes) as a C string. */
static int set_value(char *dst, size_t cap, const char *value, size_t n)
{
	if (n >= cap)
		return -1;
	memcpy(dst, value, n);
	dst[n] = '\0';
	return 0;
}

static int parse_key_line(vector *v, const char *line, size_t len)
{
	const char *sep = memchr(line, ':', len);
	const char *val;
	size_t klen, vlen;

	if (!sep || (size_t)(sep - line) + 1 >= len || sep[1] != ' ')
		return -1;
	klen = (size_t)(sep - line);
	val = sep + 2;
	vlen = len - klen - 2;
#define KEY(k) (klen == sizeof(k) - 1 && !memcmp(line, k, klen))
	if (KEY("expect"))
		return set_value(v->expect, sizeof(v->expect), val, vlen);
	if (KEY("payload"))
		return set_value(v->payload, sizeof(v->payload), val, vlen);
	if (KEY("identity") && v->nidentity < MAX_KEYS)
		return set_value(v->identity[v->nidentity++], 256, val, vlen);
	if (KEY("passphrase") && v->npassphrase < MAX_KEYS)
		return set_value(v->passphrase[v->npassphrase++], 256, val, vlen);
	if (KEY("armored")) {
		v->armored = vlen == 3 && !memcmp(val, "yes", 3);
		return 0;
	}
	if (KEY("compressed")) {
		v->compressed = 1;
		return vlen == 4 && !memcmp(val, "zlib", 4) ? 0 : -1;
	}
	if (KEY("file key") || KEY("comment"))
		return 0;
#undef KEY
	return -1; /* unknown keys are rejected deliberately, like the Go harness */
}

/* Splits the raw file at the first blank line into keys and age file. */
static int parse_vector(vector *v, const uint8_t *data, size_t len)
{
	const char *text = (const char *)data;
	size_t pos = 0;

	for (;;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t llen;

		if (!nl)
			return -1;
		llen = (size_t)(nl - (text + pos));
		if (llen == 0) {
			pos++;
			break;
		}
		if (parse_key_line(v, text + pos, llen) < 0)
			return -1;
		pos += llen + 1;
	}
	if (v->compressed)
		return inflate_all(&v->body, data + pos, len - pos);
	return veil_buf_append(&v->body, data + pos, len - pos);
}

static int is_hybrid(const vector *v)
{
	size_t i;

	for (i = 0; i < v->nidentity; i++)
		if (!strncmp(v->identity[i], "AGE-SECRET-KEY-PQ-1", 19))
			return 1;
	return !strncmp(v->name, "hybrid", 6) || !strcmp(v->name, "armor_hybrid");
}

static const char *class_of(int code)
{
	switch (code) {
	case 0:
		return "success";
	case VEIL_EFORMAT:
		return "header failure";
	case VEIL_EMAC:
		return "HMAC failure";
	case VEIL_ENOMATCH:
		return "no match";
	case VEIL_EAUTH:
	case VEIL_EPAYLOAD:
		return "payload failure";
	case VEIL_EARMOR:
		return "armor failure";
	default:
		return "unexpected error code";
	}
}

static int hash_writer(void *payload, const uint8_t *buf, size_t len)
{
	return crypto_hash_sha256_update(payload, buf, len) == 0 ? 0 : VEIL_EIO;
}

static int build_identities(veil_identities **ids, const vector *v)
{
	veil_identity *id = NULL;
	size_t i;
	int error = veil_identities_new(ids);

	for (i = 0; error == 0 && i < v->nidentity; i++) {
		error = veil_identity_parse(&id, v->identity[i], strlen(v->identity[i]));
		if (error == 0)
			error = veil_identities_add(*ids, id);
	}
	for (i = 0; error == 0 && i < v->npassphrase; i++) {
		error = veil_identity_from_passphrase(&id, v->passphrase[i],
		                                      strlen(v->passphrase[i]),
		                                      VEIL_SCRYPT_MAX_WORK_FACTOR);
		if (error == 0)
			error = veil_identities_add(*ids, id);
	}
	return error;
}

/* Decrypts through the public API and checks class and released bytes. */
static void check_decrypt(const vector *v)
{
	veil_memreader mr = { v->body.data, v->body.len, 0 };
	veil_age_options opts = VEIL_AGE_OPTIONS_INIT;
	veil_identities *ids = NULL;
	crypto_hash_sha256_state st;
	uint8_t digest[32];
	char hex[65], msg[600];
	int error;

	if (build_identities(&ids, v) < 0) {
		snprintf(msg, sizeof(msg), "cannot load the vector's keys: %s", veil_error_last());
		fail(v, msg);
		goto done;
	}
	crypto_hash_sha256_init(&st);
	error = veil_age_decrypt(veil_mem_read, &mr, hash_writer, &st, ids, &opts);
	crypto_hash_sha256_final(&st, digest);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	if (strcmp(class_of(error), v->expect) != 0) {
		snprintf(msg, sizeof(msg), "expected %s, got %s (%d: %s)", v->expect,
		         class_of(error), error, error ? veil_error_last() : "no error");
		fail(v, msg);
	} else if (v->payload[0] && strcmp(hex, v->payload) != 0) {
		snprintf(msg, sizeof(msg), "released plaintext hashes to %s, expected %s", hex,
		         v->payload);
		fail(v, msg);
	}
done:
	veil_identities_free(ids);
}

static int dearmor(veil_buf *out, const veil_buf *in)
{
	veil_memreader mr = { in->data, in->len, 0 };
	veil_armor_reader *ar = NULL;
	uint8_t chunk[4096];
	long n = veil_armor__reader_new(&ar, veil_mem_read, &mr);

	while (n >= 0) {
		n = veil_armor__read(ar, chunk, sizeof(chunk));
		if (n <= 0)
			break;
		if (veil_buf_append(out, chunk, (size_t)n) < 0)
			n = -1;
	}
	veil_armor__reader_free(ar);
	return (int)n;
}

/* The armored text without CRs and outer whitespace: what the reference
 * writer produced before the vector was mangled for its test. */
static void normalize_armor(veil_buf *out, const veil_buf *in)
{
	size_t i, start = 0, end = in->len;

	while (start < end && strchr(" \t\r\n", in->data[start]))
		start++;
	while (end > start && strchr(" \t\r\n", in->data[end - 1]))
		end--;
	for (i = start; i < end; i++)
		if (!(in->data[i] == '\r' && i + 1 < end && in->data[i + 1] == '\n'))
			veil_buf_putc(out, in->data[i]);
}

/* Dearmored bytes re-armored by our writer must equal the input (after
 * normalize_armor): the writer is byte-identical to the reference one. */
static void check_rearmor(const vector *v, const veil_buf *plain)
{
	veil_buf want = VEIL_BUF_INIT(0), got = VEIL_BUF_INIT(0), trimmed = VEIL_BUF_INIT(0);
	veil_armor_writer *aw = NULL;

	normalize_armor(&want, &v->body);
	if (veil_armor__writer_new(&aw, veil_buf_writer, &got) < 0 ||
	    veil_armor__write(aw, plain->data, plain->len) < 0 || veil_armor__writer_finish(aw) < 0)
		fail(v, "re-armor: writer failed");
	normalize_armor(&trimmed, &got);
	if (trimmed.len != want.len || memcmp(trimmed.data, want.data, want.len) != 0)
		fail(v, "re-armor: our armor of the same bytes differs from the file");
	veil_armor__writer_free(aw);
	veil_buf_dispose(&want);
	veil_buf_dispose(&got);
	veil_buf_dispose(&trimmed);
}

/* Parsed header + MAC line must re-encode to exactly the file's bytes. */
static void check_reencode(const vector *v)
{
	veil_buf plain = VEIL_BUF_INIT(0), enc = VEIL_BUF_INIT(0);
	const veil_buf *file = &v->body;
	veil_memreader mr;
	veil_bufreader br;
	veil_header h;
	char mac64[44], msg[600];

	memset(&h, 0, sizeof(h));
	if (v->armored) {
		if (dearmor(&plain, &v->body) < 0) {
			/* Only an armor-failure vector may have armor we cannot read. */
			if (strcmp(v->expect, "armor failure") != 0)
				fail(v, "re-encode: cannot dearmor");
			goto done;
		}
		check_rearmor(v, &plain);
		file = &plain;
	}
	mr = (veil_memreader){ file->data, file->len, 0 };
	if (veil_bufreader__init(&br, veil_mem_read, &mr, 65536) < 0)
		goto done;
	if (veil_header__parse(&h, &br) < 0) {
		snprintf(msg, sizeof(msg), "re-encode: header does not parse: %s",
		         veil_error_last());
		fail(v, msg);
	} else if (veil_header__encode_mac_input(&enc, h.stanzas, h.nstanzas) < 0 ||
	           enc.len != h.raw.len || memcmp(enc.data, h.raw.data, enc.len) != 0) {
		fail(v, "re-encode: stanzas do not re-encode to the received header");
	} else {
		veil_b64_encode_raw(mac64, h.mac, sizeof(h.mac));
		veil_buf_putc(&enc, ' ');
		veil_buf_append(&enc, mac64, 43);
		veil_buf_putc(&enc, '\n');
		if (enc.len > file->len || memcmp(enc.data, file->data, enc.len) != 0)
			fail(v, "re-encode: header with MAC line differs from the file");
	}
	veil_header__dispose(&h);
	veil_bufreader__dispose(&br);
done:
	veil_buf_dispose(&plain);
	veil_buf_dispose(&enc);
}

/* 1 passed, 0 failed, -1 skipped. */
static int run_vector(const char *dir, const char *name)
{
	veil_buf raw = VEIL_BUF_INIT(MAX_FILE);
	char path[4096];
	vector v;
	int before = failures, result = 0;

	memset(&v, 0, sizeof(v));
	v.name = name;
	v.body.max = MAX_FILE;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (read_file(&raw, path) < 0 || parse_vector(&v, raw.data, raw.len) < 0 || !v.expect[0]) {
		fail(&v, "cannot read or parse the vector file");
		goto done;
	}
	if (is_hybrid(&v)) {
		printf("skip %s: post-quantum mlkem768x25519 needs ML-KEM-768, which neither "
		       "libsodium 1.0.18 nor OpenSSL 3.0 provides (veil never writes a KEM)\n",
		       name);
		result = -1;
		goto done;
	}
	check_decrypt(&v);
	if (strcmp(v.expect, "header failure") != 0)
		check_reencode(&v);
	result = failures == before;
done:
	veil_buf_dispose(&raw);
	veil_buf_dispose(&v.body);
	return result;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	struct stat sb;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	int passed = 0, failed = 0, skipped = 0;
	DIR *d;

	if (argc < 2 || stat(argv[1], &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		printf("skip: CCTV age vectors not found at %s (set VEIL_SHARED_DIR)\n",
		       argc > 1 ? argv[1] : "(no directory given)");
		return 77;
	}
	if (veil_init() < 0)
		return 1;
	d = opendir(argv[1]);
	if (!d)
		return 1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "README.md"))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				return 1;
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		int r = run_vector(argv[1], names[i]);

		passed += r == 1;
		failed += r == 0;
		skipped += r == -1;
		free(names[i]);
	}
	free(names);
	printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
	return failed || failures ? 1 : 0;
}
