/* Fuzzes the age header parser, then the whole decryption path.
 *
 * 1. veil_header__parse over a memory reader. Whatever it accepts must be
 *    canonical: re-encoding the parsed stanzas (veil_header__encode_mac_input)
 *    has to give back exactly the bytes it read (header.raw). The age spec
 *    allows one encoding per header, and the MAC is computed over those bytes,
 *    so a difference means the parser accepted something non-canonical or the
 *    writer and parser disagree.
 * 2. veil_age_decrypt_mem on the same bytes with fixed test identities
 *    (X25519, ssh-ed25519, and a passphrase capped at work factor 4 so scrypt
 *    stays cheap). Seeds encrypted to these keys let the fuzzer reach the
 *    MAC, STREAM and armor code, not only the header syntax checks. The same
 *    bytes decrypted as a stream that arrives a few bytes per read must give
 *    the same result code and, on success, the same plaintext.
 *    (The STREAM worker pool starts only past one 16-chunk batch, 1 MiB, so
 *    it is beyond the input cap: the unit and CLI tests cover it.) */
#include <sodium.h>
#include <string.h>
#include "fuzz.h"
#include "age/format.h"
#include "util/buf.h"
#include "util/io.h"

/* Test keys made for the fuzz corpus only; they protect nothing. */
static const char fuzz_x25519[] =
        "AGE-SECRET-KEY-1TFQU8LURZRESLPWP5Z9GP8EJD8YQ70TCD4E3N3KHEVV89SP90A5S2DMP0K";
static const char fuzz_ssh[] =
        "-----BEGIN OPENSSH PRIVATE KEY-----\n"
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
        "QyNTUxOQAAACC+UFK0gFgxOZMGJH91HawlQDscDeYd/YkFv1HsHRBzBgAAAJBSS5EKUkuR\n"
        "CgAAAAtzc2gtZWQyNTUxOQAAACC+UFK0gFgxOZMGJH91HawlQDscDeYd/YkFv1HsHRBzBg\n"
        "AAAED3KoIhR93/mi3FTIExItnBfyLfM512czycO+RYh7lCLr5QUrSAWDE5kwYkf3UdrCVA\n"
        "OxwN5h39iQW/UewdEHMGAAAACWZ1enpAdmVpbAECAwQ=\n"
        "-----END OPENSSH PRIVATE KEY-----\n";
static const char fuzz_passphrase[] = "veil fuzz passphrase";
#define FUZZ_MAX_WORK_FACTOR 4

/* Built once and kept for the life of the process (a global root, so leak
 * checking does not count it). */
static veil_identities *fuzz_identities(void)
{
	static veil_identities *ids;
	veil_identity *id = NULL;

	if (ids != NULL)
		return ids;
	if (veil_identities_new(&ids) < 0)
		abort();
	if (veil_identity_parse(&id, fuzz_x25519, strlen(fuzz_x25519)) < 0)
		abort();
	if (veil_identities_add(ids, id) < 0)
		abort();
	if (veil_identities_parse(ids, fuzz_ssh, strlen(fuzz_ssh), "fuzz ssh key") < 0)
		abort();
	if (veil_identity_from_passphrase(&id, fuzz_passphrase, strlen(fuzz_passphrase),
	                                  FUZZ_MAX_WORK_FACTOR) < 0)
		abort();
	if (veil_identities_add(ids, id) < 0)
		abort();
	return ids;
}

static void check_header(const uint8_t *data, size_t size)
{
	veil_memreader mr = { data, size, 0 };
	veil_bufreader br;
	veil_header h;
	veil_buf enc = VEIL_BUF_INIT(0);
	uint8_t rest[61];
	size_t pos;

	/* A lookahead buffer size that varies with the input, so lines that
	 * straddle refills are exercised too. */
	if (veil_bufreader__init(&br, veil_mem_read, &mr, 128 + size % 4096) < 0)
		abort();
	memset(&h, 0, sizeof(h));
	if (veil_header__parse(&h, &br) == 0) {
		if (veil_header__encode_mac_input(&enc, h.stanzas, h.nstanzas) < 0)
			__builtin_trap();
		if (enc.len != h.raw.len || memcmp(enc.data, h.raw.data, enc.len) != 0)
			__builtin_trap();
		/* The payload continues from whatever is buffered: exactly the
		 * bytes after "--- " + 43 MAC characters + LF. */
		pos = h.raw.len + 1 + 43 + 1;
		for (;;) {
			long n = veil_bufreader__read(&br, rest, sizeof(rest));

			if (n <= 0)
				break;
			if ((size_t)n > size - pos || memcmp(rest, data + pos, (size_t)n) != 0)
				__builtin_trap();
			pos += (size_t)n;
		}
		if (pos != size)
			__builtin_trap();
		veil_header__dispose(&h);
	}
	veil_buf_dispose(&enc);
	veil_bufreader__dispose(&br);
}

/* A reader that returns at most a few bytes per call (1 to 7, cycling), so
 * armor detection, header lines and chunks all straddle short reads. */
typedef struct trickle {
	const uint8_t *data;
	size_t len;
	size_t pos;
	size_t calls;
} trickle;

static long trickle_read(void *payload, uint8_t *buf, size_t len)
{
	trickle *t = payload;
	size_t n = 1 + t->calls++ % 7;

	if (n > len)
		n = len;
	if (n > t->len - t->pos)
		n = t->len - t->pos;
	memcpy(buf, t->data + t->pos, n);
	t->pos += n;
	return (long)n;
}

/* Decrypts in memory, then again streaming through the trickle reader: the
 * outcome may not depend on how the input arrives. */
static void check_decrypt(const uint8_t *data, size_t size)
{
	veil_age_options opts = VEIL_AGE_OPTIONS_INIT;
	trickle t = { data, size, 0, 0 };
	veil_buf streamed = VEIL_BUF_INIT(0);
	uint8_t *out = NULL;
	size_t out_len = 0;
	int rc_mem, rc_stream;

	/* No workers: thread start-up per input would dominate the run. */
	opts.threads = 1;
	rc_mem = veil_age_decrypt_mem(&out, &out_len, data, size, fuzz_identities(), &opts);
	if (rc_mem == 0 && out_len > size)
		__builtin_trap(); /* plaintext is always shorter than the file */
	rc_stream = veil_age_decrypt(trickle_read, &t, veil_buf_writer, &streamed,
	                             fuzz_identities(), &opts);
	if (rc_stream != rc_mem)
		__builtin_trap();
	if (rc_mem == 0 &&
	    (streamed.len != out_len || (out_len > 0 && memcmp(streamed.data, out, out_len) != 0)))
		__builtin_trap();
	veil_buf_dispose(&streamed);
	if (out != NULL) {
		sodium_memzero(out, out_len);
		free(out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > VEIL_FUZZ_MAX_INPUT)
		return 0;
	veil_fuzz_init();
	check_header(data, size);
	check_decrypt(data, size);
	return 0;
}
