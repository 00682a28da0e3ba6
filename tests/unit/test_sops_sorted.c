/* veil_sorted_mac: the MAC over the encrypted values by key path that still
 * verifies after kustomize re-sorted the keys and rewrote metadata. */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "sops/sorted.h"
#include "sops_fixture.h"
#include "veil/sops.h"

static const char secret_yaml[] = "apiVersion: v1\n"
                                  "kind: Secret\n"
                                  "metadata:\n"
                                  "  name: db\n"
                                  "  namespace: prod\n"
                                  "stringData:\n"
                                  "  zeta: hunter2\n"
                                  "  alpha: swordfish\n"
                                  "  empty: ''\n"
                                  "data:\n"
                                  "  token: c2VjcmV0\n";

/* text with its blocks [a, b) and [b, c) swapped (a, b, c: the first lines
 * starting so, in that order) and "namespace: prod" renamed: what kustomize
 * does to a file (keys re-sorted, metadata rewritten). NULL if not found. */
static char *kustomized(const char *text, const char *a, const char *b, const char *c)
{
	const char *pa = strstr(text, a), *pb = pa ? strstr(pa, b) : NULL;
	const char *pc = pb ? strstr(pb, c) : NULL;
	size_t n = strlen(text);
	char *out = pc ? malloc(n + 1) : NULL, *p, *ns;

	if (!out)
		return NULL;
	p = out;
	memcpy(p, text, (size_t)(pa - text));
	p += pa - text;
	memcpy(p, pb, (size_t)(pc - pb));
	p += pc - pb;
	memcpy(p, pa, (size_t)(pb - pa));
	p += pb - pa;
	memcpy(p, pc, n - (size_t)(pc - text) + 1);
	if ((ns = strstr(out, "namespace: prod")) != NULL)
		memcpy(ns + 11, "xxxx", 4);
	return out;
}

static int decrypt_with(const char *text, const veil_identities *ids, int sorted_ok)
{
	veil_sops_decrypt_options o = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	veil_doc *doc = NULL;
	int error = veil_doc_parse(&doc, VEIL_FMT_YAML, text, strlen(text), "t.yaml");

	o.identities = ids;
	o.sorted_mac_ok = sorted_ok;
	if (error == 0)
		error = veil_sops_decrypt(doc, &o);
	veil_doc_free(doc);
	return error;
}

TEST(test_sops_sorted__survives_reorder_and_metadata_rewrite)
{
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	struct keys k;
	char *enc, *moved = NULL, *lost = NULL;

	make_keys(&k);
	o.cipher = VEIL_SOPS_AES256_GCM;
	o.selection = VEIL_SEL_ENCRYPTED_REGEX;
	o.selection_value = "^(data|stringData)$";
	o.sorted_mac = 1;
	enc = encrypt_text(secret_yaml, &k, &o);
	CHECK(enc && strstr(enc, "\n    veil_sorted_mac: ENC[AES256_GCM,") == NULL &&
	      strstr(enc, "\n  veil_sorted_mac: ENC[AES256_GCM,") != NULL);
	if (!enc)
		goto done;
	/* data before stringData, alpha before zeta, namespace rewritten */
	moved = kustomized(enc, "stringData:\n", "data:\n", "sops:\n");
	if (moved) {
		char *again = kustomized(moved, "  zeta:", "  alpha:", "  empty:");
		free(moved);
		moved = again;
	}
	CHECK(moved != NULL);
	CHECK_INT(decrypt_with(enc, k.ids, 0), 0);
	CHECK_INT(decrypt_with(moved, k.ids, 0), VEIL_EMAC); /* the sops MAC, as sops */
	CHECK_INT(decrypt_with(moved, k.ids, 1), 0);         /* the sorted one */
	/* an encrypted value removed, or the empty one: the sorted MAC sees it */
	if (moved && (lost = strdup(moved)) != NULL) {
		char *line = strstr(lost, "  alpha:"), *end = line ? strchr(line, '\n') : NULL;
		if (end)
			memmove(line, end + 1, strlen(end + 1) + 1);
		CHECK_INT(decrypt_with(lost, k.ids, 1), VEIL_EMAC);
		free(lost);
	}
	if (moved && (lost = strdup(moved)) != NULL) {
		char *line = strstr(lost, "  empty: ''\n");
		if (line)
			memmove(line, line + 12, strlen(line + 12) + 1);
		CHECK_INT(decrypt_with(lost, k.ids, 1), VEIL_EMAC);
		free(lost);
	}
done:
	free(enc);
	free(moved);
	free_keys(&k);
}

TEST(test_sops_sorted__only_where_the_order_can_be_rebuilt)
{
	static const char *const none[] = {
		"a: 1\n---\nb: 2\n",  /* two documents */
		"l:\n  - x\n  - y\n", /* encrypted list items */
		"a: &v x\nb: *v\n",   /* an alias */
	};
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	struct keys k;

	make_keys(&k);
	o.sorted_mac = 1;
	/* ChaCha20-Poly1305 keeps aliases (for AES256_GCM, which sops reads,
	 * they are written out in full first, and the order can be rebuilt) */
	o.cipher = VEIL_SOPS_CHACHA20_POLY1305;
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		char *enc = encrypt_text(none[i], &k, &o);
		CHECK(enc && !strstr(enc, "veil_sorted_mac"));
		free(enc);
	}
	o.sorted_mac = 0; /* not asked for: not written */
	{
		char *enc = encrypt_text(secret_yaml, &k, &o);
		CHECK(enc && !strstr(enc, "veil_sorted_mac"));
		free(enc);
	}
	free_keys(&k);
}

/* The digest depends on the (path, value) pairs, not their order; a path
 * and a value never run into each other. */
TEST(test_sops_sorted__digest_is_the_sorted_pairs)
{
	static const char *const p1[] = { "data", "a" }, *const p2[] = { "data", "b" };
	static const char *const q[] = { "data", "ab" };
	veil_sops_sorted s1, s2, s3;
	char h1[VEIL_SOPS_MAC_HEX + 1], h2[VEIL_SOPS_MAC_HEX + 1], h3[VEIL_SOPS_MAC_HEX + 1];

	veil_sops__sorted_init(&s1);
	veil_sops__sorted_init(&s2);
	veil_sops__sorted_init(&s3);
	CHECK_INT(veil_sops__sorted_add(&s1, p1, 2, (const uint8_t *)"x", 1), 0);
	CHECK_INT(veil_sops__sorted_add(&s1, p2, 2, (const uint8_t *)"y", 1), 0);
	CHECK_INT(veil_sops__sorted_add(&s2, p2, 2, (const uint8_t *)"y", 1), 0);
	CHECK_INT(veil_sops__sorted_add(&s2, p1, 2, (const uint8_t *)"x", 1), 0);
	CHECK_INT(veil_sops__sorted_add(&s3, q, 2, (const uint8_t *)"", 0), 0);
	CHECK_INT(veil_sops__sorted_add(&s3, p2, 2, (const uint8_t *)"xy", 2), 0);
	CHECK_INT(veil_sops__sorted_final(&s1, h1), 0);
	CHECK_INT(veil_sops__sorted_final(&s2, h2), 0);
	CHECK_INT(veil_sops__sorted_final(&s3, h3), 0);
	CHECK(strcmp(h1, h2) == 0);
	CHECK(strcmp(h1, h3) != 0);
	s1.unusable = 1;
	CHECK_INT(veil_sops__sorted_final(&s1, h1), VEIL_EUNSUPPORTED);
	veil_sops__sorted_dispose(&s1);
	veil_sops__sorted_dispose(&s2);
	veil_sops__sorted_dispose(&s3);
}
