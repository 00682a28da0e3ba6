/* Fuzzes the ENC[...] value parser (src/lib/sops/value.h). For a value that
 * parses:
 *   - its fields are within their bounds (IV 1..64 bytes, 12 for ChaCha20,
 *     data no longer than the text, a known type);
 *   - decrypting it under a fixed key nobody encrypted with fails with
 *     VEIL_EAUTH, parsed or as text, and yields no plaintext;
 *   - its ciphertext bytes, encrypted again with the same cipher, IV and
 *     type, give a value that parses back to the same fields and decrypts to
 *     those bytes.
 * A value that does not parse fails with VEIL_EFORMAT. */
#include "fuzz.h"
#include "fuzz_fail.h"
#include "sops/value.h"
#include <string.h>

/* ENC[...] strings are single YAML/JSON scalars; real ones are far smaller. */
#define ENC_MAX_INPUT (256u * 1024)

static const uint8_t key[VEIL_SOPS_KEY_LEN] = "veil fuzz key, protects nothing";
static const char aad[] = "data:password:";

static void check_bounds(const veil_sops_enc *e, size_t len)
{
	veil_sops_type t;
	const char *name = veil_sops__type_name(e->type);

	if (e->cipher != VEIL_SOPS_AES256_GCM && e->cipher != VEIL_SOPS_CHACHA20_POLY1305)
		veil_fuzz_fail("unknown cipher");
	if (e->iv_len == 0 || e->iv_len > VEIL_SOPS_MAX_IV ||
	    (e->cipher == VEIL_SOPS_CHACHA20_POLY1305 && e->iv_len != 12))
		veil_fuzz_fail("IV length out of bounds");
	if (e->data_len > len)
		veil_fuzz_fail("data longer than the text");
	if (veil_sops__type_parse(&t, name, strlen(name)) < 0 || t != e->type)
		veil_fuzz_fail("type does not round-trip through its name");
}

static void check_wrong_key(const veil_sops_enc *e, const char *s, size_t len)
{
	uint8_t *pt = NULL;
	size_t pt_len = 1;

	if (veil_sops__decrypt_parsed(&pt, &pt_len, key, e, aad, sizeof(aad) - 1) != VEIL_EAUTH ||
	    pt || pt_len)
		veil_fuzz_fail("parsed value decrypted under the wrong key");
	if (veil_sops__decrypt(&pt, &pt_len, NULL, key, s, len, aad, sizeof(aad) - 1) !=
	            VEIL_EAUTH ||
	    pt)
		veil_fuzz_fail("value text decrypted under the wrong key");
}

/* Encrypts e's ciphertext bytes as a plaintext with e's IV and type. */
static void check_reencrypt(const veil_sops_enc *e)
{
	veil_sops_enc again;
	veil_sops_type t;
	char *enc = NULL;
	uint8_t *pt = NULL;
	size_t pt_len = 0;

	if (e->data_len == 0)
		return; /* empty values are never encrypted */
	if (veil_sops__encrypt(&enc, e->cipher, key, e->data, e->data_len, aad, sizeof(aad) - 1,
	                       e->type, e->iv, e->iv_len) < 0)
		veil_fuzz_fail("re-encryption failed");
	if (veil_sops__enc_parse(&again, enc, strlen(enc)) < 0)
		veil_fuzz_fail("re-encrypted value does not parse");
	if (again.cipher != e->cipher || again.type != e->type || again.iv_len != e->iv_len ||
	    memcmp(again.iv, e->iv, e->iv_len) != 0 || again.data_len != e->data_len)
		veil_fuzz_fail("re-encrypted value has other fields");
	if (veil_sops__decrypt(&pt, &pt_len, &t, key, enc, strlen(enc), aad, sizeof(aad) - 1) < 0 ||
	    pt_len != e->data_len || memcmp(pt, e->data, pt_len) != 0 || t != e->type)
		veil_fuzz_fail("re-encrypted value does not decrypt to its plaintext");
	veil_sops__enc_dispose(&again);
	free(pt);
	free(enc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	veil_sops_enc e;
	char *s;
	int error;

	veil_fuzz_init();
	if (size > ENC_MAX_INPUT)
		return 0;
	/* An exact-size copy: the parser gets a length, not a C string. */
	s = malloc(size ? size : 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	error = veil_sops__enc_parse(&e, s, size);
	if (error == 0) {
		check_bounds(&e, size);
		check_wrong_key(&e, s, size);
		check_reencrypt(&e);
		veil_sops__enc_dispose(&e);
	} else if (error != VEIL_EFORMAT || e.data) {
		veil_fuzz_fail("a failed parse owns nothing");
	}
	free(s);
	return 0;
}
