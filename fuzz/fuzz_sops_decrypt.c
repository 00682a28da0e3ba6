/* Fuzzes veil_sops_decrypt on whole YAML documents, with two fixed
 * throwaway identities:
 *   - the seed identity (fuzz/docseeds/fuzz-sops.key; the encrypted seeds
 *     are made for it, so mutations reach the value ciphers, the MAC and
 *     the plaintext checks);
 *   - a second identity that no input was ever encrypted for: decrypt with it
 *     must never succeed.
 * Invariants: no crash or leak; a failed decrypt fails with one of the
 * documented errors, still renders, and leaves the document as it was,
 * rendering to exactly the input bytes; a successful one renders, the output parses and is no
 * longer encrypted; and whatever decrypts while checking the MAC also
 * decrypts with ignore_mac. Whatever veil_sops_decrypt_pieces takes (one
 * root entry per piece, or all in one) the whole path takes too, to the
 * same bytes. */
#include "fuzz.h"
#include "fuzz_fail.h"
#include "veil/doc.h"
#include "util/secret.h"
#include "veil/sops.h"
#include <sodium.h>
#include <string.h>

#define SOPS_MAX_INPUT (256u * 1024)

/* Test-only keys that protect nothing. */
static const char seed_key[] =
        "AGE-SECRET-KEY-1KWSXW53N3TRA7FEU2CHWN26S7999TM8X3SW2DPLCAMCA8UHY0EVSQX7UFC";
static const char other_key[] =
        "AGE-SECRET-KEY-1JUZ8GFY9A3LGV9A02TY8HAMNXJVJSRUCWTXENW3HZGPZC6GTA6YQ3QRHY2";

static veil_identities *load(const char *key)
{
	veil_identities *list = NULL;
	veil_identity *id = NULL;

	if (veil_identities_new(&list) < 0 || veil_identity_parse(&id, key, strlen(key)) < 0 ||
	    veil_identities_add(list, id) < 0)
		abort();
	return list;
}

/* The errors sops.h lists, and the age layer's own (a broken "enc" armor or
 * payload), which pass through. Never the generic VEIL_ERROR. */
static int documented(int error)
{
	switch (error) {
	case VEIL_ENOMATCH:
	case VEIL_EAUTH:
	case VEIL_EMAC:
	case VEIL_EPLAINTEXT:
	case VEIL_EFORMAT:
	case VEIL_ELIMIT:
	case VEIL_EUNSUPPORTED:
	case VEIL_EARMOR:
	case VEIL_EPAYLOAD:
		return 1;
	default:
		return 0;
	}
}

/* Decrypts a fresh parse of src; returns decrypt's result (1 if the
 * document does not parse at all). */
static int run(const char *src, size_t len, const veil_identities *ids, int ignore_mac)
{
	veil_sops_decrypt_options opts = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	veil_doc *doc = NULL, *again = NULL;
	char *out = NULL;
	size_t out_len = 0;
	int error;

	if (veil_doc_parse(&doc, VEIL_FMT_YAML, src, len, "fuzz.yaml") < 0)
		return 1;
	opts.identities = ids;
	opts.ignore_mac = ignore_mac;
	error = veil_sops_decrypt(doc, &opts);
	if (veil_doc_render(&out, &out_len, doc) < 0)
		veil_fuzz_fail("decrypted or untouched, it must render");
	if (error < 0) {
		if (!documented(error))
			veil_fuzz_fail("undocumented error code from decrypt");
		/* nothing is changed unless everything succeeded */
		if (out_len != len || memcmp(out, src, len) != 0)
			veil_fuzz_fail("\"nothing is changed unless everything succeeded\"");
	} else {
		if (veil_doc_parse(&again, VEIL_FMT_YAML, out, out_len, "fuzz-out.yaml") < 0)
			veil_fuzz_fail("decrypted output does not parse");
		if (veil_sops_is_encrypted(again))
			veil_fuzz_fail("the metadata block must be gone");
		veil_doc_free(again);
	}
	if (out)
		sodium_memzero(out, out_len);
	free(out);
	veil_doc_free(doc);
	return error;
}

/* The whole path's rendered plaintext, or NULL if it fails. */
static char *whole(const char *src, size_t len, const veil_identities *ids, size_t *out_len)
{
	veil_sops_decrypt_options opts = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	veil_doc *doc = NULL;
	char *out = NULL;

	opts.identities = ids;
	if (veil_doc_parse(&doc, VEIL_FMT_YAML, src, len, "fuzz.yaml") < 0 ||
	    veil_sops_decrypt(doc, &opts) < 0 || veil_doc_render(&out, out_len, doc) < 0)
		out = NULL;
	veil_doc_free(doc);
	return out;
}

static void check_pieces(const char *src, size_t len, const veil_identities *ids)
{
	veil_sops_decrypt_options opts = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	static const size_t sizes[] = { 1, 0 };

	opts.identities = ids;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		char *out = NULL, *want;
		size_t out_len = 0, want_len = 0;

		if (veil_sops_decrypt_pieces(&out, &out_len, src, len, "fuzz.yaml", &opts, sizes[i],
		                             1) < 0) {
			if (out || out_len)
				veil_fuzz_fail("a declined or failed piece decrypt gave output");
			continue;
		}
		want = whole(src, len, ids, &want_len);
		if (!want)
			veil_fuzz_fail("pieces decrypted what the whole path refuses");
		if (want_len != out_len || memcmp(want, out, out_len))
			veil_fuzz_fail("pieces and the whole path disagree");
		veil_wipe_free(want, want_len);
		veil_wipe_free(out, out_len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static veil_identities *seed_ids, *other_ids;
	char *src;

	veil_fuzz_init();
	if (size > SOPS_MAX_INPUT)
		return 0;
	if (!seed_ids) {
		/* kept for the whole run, like the fuzzer's own state */
		seed_ids = load(seed_key);
		other_ids = load(other_key);
	}
	src = malloc(size ? size : 1);
	if (!src)
		abort();
	memcpy(src, data, size);
	if (run(src, size, seed_ids, 0) == 0 && run(src, size, seed_ids, 1) != 0)
		veil_fuzz_fail("ignoring the MAC can only make it easier");
	if (run(src, size, other_ids, 1) == 0)
		veil_fuzz_fail("never encrypted for this key");
	check_pieces(src, size, seed_ids);
	free(src);
	return 0;
}
