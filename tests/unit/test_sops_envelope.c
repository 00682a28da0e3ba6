/* Per-field encryption end to end on YAML: round trips, tampering, reuse. */
#include <sodium.h>
#include <stdlib.h>
#include "harness.h"
#include "util/secret.h"
#include "veil/sops.h"
#include "veil/veil.h"
#include "sops_fixture.h"

static const char secret_yaml[] = "# a Kubernetes Secret\n"
                                  "apiVersion: v1\n"
                                  "kind: Secret\n"
                                  "metadata:\n"
                                  "  name: db\n"
                                  "  namespace: prod\n"
                                  "type: Opaque\n"
                                  "stringData:\n"
                                  "  username: admin\n"
                                  "  password: hunter2 # inline\n"
                                  "  port: 5432\n"
                                  "  ratio: 1.50\n"
                                  "  enabled: true\n"
                                  "  empty: ''\n"
                                  "  nothing:\n"
                                  "data:\n"
                                  "  token: c2VjcmV0\n";

TEST(test_sops_envelope__yaml_round_trip_is_byte_identical)
{
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	struct keys k;
	char *enc, *dec = NULL;

	make_keys(&k);
	enc = encrypt_text(secret_yaml, &k, &o);
	CHECK(enc != NULL);
	if (!enc)
		goto done;
	CHECK(strstr(enc, "hunter2") == NULL && strstr(enc, "admin") == NULL);
	CHECK(strstr(enc, "password: ENC[AES256_GCM,data:") != NULL); /* the default, as sops */
	CHECK(strstr(enc, "type:int]") && strstr(enc, "type:float]") && strstr(enc, "type:bool]"));
	CHECK(strstr(enc, "  empty: ''\n") != NULL); /* empty strings stay empty */
	CHECK(strstr(enc, "  nothing:\n") != NULL);  /* nulls stay null */
	CHECK(strstr(enc, "\nsops:\n") != NULL && strstr(enc, k.recipient) != NULL);
	CHECK(strstr(enc, "unencrypted_suffix: _unencrypted") != NULL);
	CHECK(strstr(enc, "# a Kubernetes Secret") == NULL); /* comments encrypted, like sops */
	CHECK_INT(decrypt_text(enc, k.ids, &dec, 0), 0);
	CHECK(dec && strcmp(dec, secret_yaml) == 0);
	if (dec && strcmp(dec, secret_yaml))
		fprintf(stderr, "--- got\n%s--- want\n%s", dec, secret_yaml);
done:
	free(enc);
	free(dec);
	free_keys(&k);
}

TEST(test_sops_envelope__encrypted_regex_and_aes_for_flux)
{
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	struct keys k;
	char *enc, *dec = NULL;

	make_keys(&k);
	o.cipher = VEIL_SOPS_AES256_GCM;
	o.selection = VEIL_SEL_ENCRYPTED_REGEX;
	o.selection_value = "^(data|stringData)$";
	enc = encrypt_text(secret_yaml, &k, &o);
	CHECK(enc != NULL);
	if (!enc)
		goto done;
	CHECK(strstr(enc, "  name: db\n") != NULL && strstr(enc, "# a Kubernetes Secret") != NULL);
	CHECK(strstr(enc, "password: ENC[AES256_GCM,data:") != NULL);
	CHECK(strstr(enc, "token: ENC[AES256_GCM,") != NULL);
	CHECK(strstr(enc, "encrypted_regex: ^(data|stringData)$") != NULL);
	CHECK_INT(decrypt_text(enc, k.ids, &dec, 0), 0);
	CHECK(dec && strcmp(dec, secret_yaml) == 0);
done:
	free(enc);
	free(dec);
	free_keys(&k);
}

/* Replaces the first occurrence of from in *s by to (test helper). */
static void replace(char **s, const char *from, const char *to)
{
	char *p = *s ? strstr(*s, from) : NULL, *n;
	size_t a, b, c;

	if (!p)
		return;
	a = (size_t)(p - *s);
	b = strlen(from);
	c = strlen(to);
	n = malloc(strlen(*s) - b + c + 1);
	memcpy(n, *s, a);
	memcpy(n + a, to, c);
	strcpy(n + a + c, p + b);
	free(*s);
	*s = n;
}

TEST(test_sops_envelope__tampering_fails_closed)
{
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	struct keys k, other;
	char *enc, *t = NULL, *dec = NULL;
	char *p, *q;

	make_keys(&k);
	make_keys(&other);
	enc = encrypt_text(secret_yaml, &k, &o);
	if (!enc) {
		CHECK(0);
		goto done;
	}
	/* wrong key: names the file's recipient */
	CHECK_INT(decrypt_text(enc, other.ids, &dec, 0), VEIL_ENOMATCH);
	CHECK(strstr(veil_error_last(), k.recipient) != NULL && dec == NULL);
	/* a value moved to another key fails its AAD */
	t = strdup(enc);
	p = strstr(t, "username: ENC[");
	q = strstr(t, "password: ENC[");
	if (p && q) {
		memcpy(p, "password", 8);
		memcpy(q, "username", 8);
	}
	CHECK_INT(decrypt_text(t, k.ids, &dec, 0), VEIL_EAUTH);
	CHECK(dec == NULL);
	free(t);
	/* plaintext pasted where the rules say encrypted */
	t = strdup(enc);
	p = strstr(t, "username: ENC[");
	if (p) {
		char *end = strchr(p, '\n');
		size_t tail = strlen(end);
		memcpy(p + 10, "root", 4);
		memmove(p + 14, end, tail + 1);
	}
	CHECK_INT(decrypt_text(t, k.ids, &dec, 0), VEIL_EPLAINTEXT);
	CHECK(strstr(veil_error_last(), "username") != NULL);
	free(t);
	/* lastmodified changed: the MAC no longer decrypts */
	t = strdup(enc);
	replace(&t, "lastmodified: \"20", "lastmodified: \"19");
	replace(&t, "lastmodified: '20", "lastmodified: '19");
	replace(&t, "lastmodified: 20", "lastmodified: 19");
	CHECK_INT(decrypt_text(t, k.ids, &dec, 0), VEIL_EMAC);
	free(t);
	/* a plaintext value outside the encrypted set changed: MAC mismatch */
	o.selection = VEIL_SEL_ENCRYPTED_REGEX;
	o.selection_value = "^stringData$";
	free(enc);
	enc = encrypt_text(secret_yaml, &k, &o);
	t = enc ? strdup(enc) : NULL;
	replace(&t, "  name: db\n", "  name: dc\n");
	CHECK_INT(decrypt_text(t, k.ids, &dec, 0), VEIL_EMAC);
	CHECK(dec == NULL);
	free(t);
done:
	free(enc);
	free_keys(&k);
	free_keys(&other);
}

TEST(test_sops_envelope__reuse_keeps_unchanged_ciphertexts)
{
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	veil_doc *old = NULL, *doc = NULL;
	struct keys k;
	char *enc, *edited = NULL, *enc2 = NULL;
	size_t len, changed = 0;

	make_keys(&k);
	enc = encrypt_text(secret_yaml, &k, &o);
	edited = strdup(secret_yaml);
	replace(&edited, "password: hunter2", "password: hunter3");
	if (!enc || veil_doc_parse(&old, VEIL_FMT_YAML, enc, strlen(enc), "old") < 0 ||
	    veil_doc_parse(&doc, VEIL_FMT_YAML, edited, strlen(edited), "new") < 0) {
		CHECK(0);
		goto done;
	}
	o.reuse = old;
	o.identities = k.ids;
	CHECK_INT(veil_sops_encrypt(doc, &o), 0);
	CHECK_INT(veil_doc_render(&enc2, &len, doc), 0);
	/* line by line: only password, lastmodified and mac may differ */
	for (char *a = enc, *b = enc2; a && b && *a && *b;) {
		char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
		if (!ea || !eb)
			break;
		if (ea - a != eb - b || memcmp(a, b, (size_t)(ea - a))) {
			changed++;
			CHECK(strstr(a, "password:") == a + 2 ||
			      strncmp(a, "    lastmodified:", 17) == 0 ||
			      strncmp(a, "    mac:", 8) == 0 ||
			      strncmp(a, "  lastmodified:", 15) == 0 ||
			      strncmp(a, "  mac:", 6) == 0);
		}
		a = ea + 1;
		b = eb + 1;
	}
	/* password and mac always; lastmodified unless both ran in the same second */
	CHECK(changed == 2 || changed == 3);
done:
	veil_doc_free(old);
	veil_doc_free(doc);
	free(enc);
	free(enc2);
	free(edited);
	free_keys(&k);
}

TEST(test_sops_envelope__json_numbers_round_trip)
{
	static const char json[] = "{\n  \"huge\": 18446744073709551616,\n  \"exp\": 6.02e23,\n"
	                           "  \"f\": 7.0,\n  \"i\": -7,\n  \"b\": false,\n  \"n\": null,\n"
	                           "  \"s\": \"x<y&z\"\n}\n";
	const char *age[1];
	veil_sops_key_group g = { age, 1 };
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	veil_sops_decrypt_options d = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	veil_doc *doc = NULL;
	char *enc = NULL, *dec = NULL;
	size_t len;
	struct keys k;

	make_keys(&k);
	age[0] = k.recipient;
	o.groups = &g;
	o.ngroups = 1;
	d.identities = k.ids;
	CHECK_INT(veil_doc_parse(&doc, VEIL_FMT_JSON, json, strlen(json), "n.json"), 0);
	CHECK_INT(veil_sops_encrypt(doc, &o), 0);
	CHECK_INT(veil_doc_render(&enc, &len, doc), 0);
	veil_doc_free(doc);
	doc = NULL;
	CHECK(enc && strstr(enc, "\"huge\": \"ENC[") && strstr(enc, "\"n\": null"));
	if (enc && veil_doc_parse(&doc, VEIL_FMT_JSON, enc, len, "n.enc.json") == 0) {
		CHECK_INT(veil_sops_decrypt(doc, &d), 0);
		CHECK_INT(veil_doc_render(&dec, &len, doc), 0);
		CHECK(dec && strcmp(dec, json) == 0);
	}
	veil_doc_free(doc);
	free(enc);
	free(dec);
	free_keys(&k);
}

TEST(test_sops_envelope__key_groups_need_threshold_groups)
{
	struct keys k[3];
	const char *a0[1], *a1[1], *a2[1];
	veil_sops_key_group g[3] = { { a0, 1 }, { a1, 1 }, { a2, 1 } };
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	veil_identities *two = NULL;
	veil_doc *doc = NULL;
	char *enc = NULL, *dec = NULL;
	size_t len;

	for (int i = 0; i < 3; i++)
		make_keys(&k[i]);
	a0[0] = k[0].recipient;
	a1[0] = k[1].recipient;
	a2[0] = k[2].recipient;
	o.groups = g;
	o.ngroups = 3;
	o.shamir_threshold = 2;
	CHECK_INT(veil_doc_parse(&doc, VEIL_FMT_YAML, secret_yaml, strlen(secret_yaml), "g"), 0);
	CHECK_INT(veil_sops_encrypt(doc, &o), 0);
	CHECK_INT(veil_doc_render(&enc, &len, doc), 0);
	CHECK(enc && strstr(enc, "key_groups:") && strstr(enc, "shamir_threshold: 2"));
	/* one group's key alone is not enough */
	CHECK_INT(decrypt_text(enc, k[1].ids, &dec, 0), VEIL_ENOMATCH);
	/* the keys of groups 0 and 2 are */
	CHECK_INT(veil_identities_new(&two), 0);
	CHECK_INT(veil_identities_parse(two, "", 0, "empty"), VEIL_EFORMAT);
	{
		char *s0 = NULL, *s2 = NULL;
		CHECK_INT(veil_identity_encode(&s0, veil_identities_get(k[0].ids, 0)), 0);
		CHECK_INT(veil_identity_encode(&s2, veil_identities_get(k[2].ids, 0)), 0);
		if (s0 && s2) {
			CHECK_INT(veil_identities_parse(two, s0, strlen(s0), "k0"), 0);
			CHECK_INT(veil_identities_parse(two, s2, strlen(s2), "k2"), 0);
		}
		veil_secret_string_free(s0);
		veil_secret_string_free(s2);
	}
	CHECK_INT(decrypt_text(enc, two, &dec, 0), 0);
	CHECK(dec && strcmp(dec, secret_yaml) == 0);
	veil_identities_free(two);
	veil_doc_free(doc);
	free(enc);
	free(dec);
	for (int i = 0; i < 3; i++)
		free_keys(&k[i]);
}

TEST(test_sops_envelope__comment_regex_marks_what_stays_readable)
{
	static const char text[] = "# sops:plain\n"
	                           "public: yes-visible\n"
	                           "secret: hidden\n";
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	struct keys k;
	char *enc, *dec = NULL;

	make_keys(&k);
	o.selection = VEIL_SEL_UNENCRYPTED_COMMENT_REGEX;
	o.selection_value = "sops:plain";
	enc = encrypt_text(text, &k, &o);
	CHECK(enc && strstr(enc, "# sops:plain\npublic: yes-visible\n"));
	CHECK(enc && strstr(enc, "secret: ENC[") && !strstr(enc, "hidden"));
	CHECK(enc && strstr(enc, "unencrypted_comment_regex: sops:plain"));
	CHECK_INT(enc ? decrypt_text(enc, k.ids, &dec, 0) : -1, 0);
	CHECK(dec && strcmp(dec, text) == 0);
	free(enc);
	free(dec);
	free_keys(&k);
}

TEST(test_sops_envelope__reuse_keeps_each_equal_list_item)
{
	static const char text[] = "hosts:\n  - path: /\n  - path: /\nuser: a\n";
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	veil_doc *old = NULL, *doc = NULL;
	struct keys k;
	char *enc, *enc2 = NULL;
	size_t len;

	make_keys(&k);
	enc = encrypt_text(text, &k, &o);
	if (!enc || veil_doc_parse(&old, VEIL_FMT_YAML, enc, strlen(enc), "old") < 0 ||
	    veil_doc_parse(&doc, VEIL_FMT_YAML, "hosts:\n  - path: /\n  - path: /\nuser: b\n", 38,
	                   "new") < 0) {
		CHECK(0);
		goto done;
	}
	o.reuse = old;
	o.identities = k.ids;
	CHECK_INT(veil_sops_encrypt(doc, &o), 0);
	CHECK_INT(veil_doc_render(&enc2, &len, doc), 0);
	/* the two path lines (lines 2 and 3) are byte-identical to before */
	if (enc2) {
		char *a = strchr(enc, '\n') + 1, *b = strchr(enc2, '\n') + 1;
		char *a3 = strchr(strchr(a, '\n') + 1, '\n'),
		     *b3 = strchr(strchr(b, '\n') + 1, '\n');
		CHECK(a3 - a == b3 - b && !memcmp(a, b, (size_t)(a3 - a)));
	}
done:
	veil_doc_free(old);
	veil_doc_free(doc);
	free(enc);
	free(enc2);
	free_keys(&k);
}

TEST(test_sops_envelope__failed_decrypt_leaves_the_document_unchanged)
{
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	veil_sops_decrypt_options d = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	veil_doc *doc = NULL;
	struct keys k;
	char *enc, *out = NULL;
	size_t len;

	make_keys(&k);
	enc = encrypt_text(secret_yaml, &k, &o);
	replace(&enc, "lastmodified: \"20", "lastmodified: \"19");
	d.identities = k.ids;
	if (!enc || veil_doc_parse(&doc, VEIL_FMT_YAML, enc, strlen(enc), "t") < 0) {
		CHECK(0);
		goto done;
	}
	/* every value decrypts, then the MAC fails: none of it may stay queued */
	CHECK_INT(veil_sops_decrypt(doc, &d), VEIL_EMAC);
	CHECK_INT(veil_doc_render(&out, &len, doc), 0);
	CHECK(out && strcmp(out, enc) == 0 && !strstr(out, "hunter2"));
done:
	veil_doc_free(doc);
	free(enc);
	free(out);
	free_keys(&k);
}

/* A comment on a block scalar's header line survives: encrypted behind the
 * one-line ENC value, and back (the value then double-quoted). */
TEST(test_sops_envelope__block_header_comment_is_kept)
{
	static const char src[] = "a: | # note here\n  l1\n  l2\nb: >- # folded\n  f1\n  f2\n"
	                          "c: |\n  # content, not a comment\n  z\n";
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	struct keys k;
	char *enc, *dec = NULL, *line;

	make_keys(&k);
	enc = encrypt_text(src, &k, &o);
	CHECK(enc != NULL);
	if (!enc)
		goto done;
	CHECK(strstr(enc, "note") == NULL && strstr(enc, "folded") == NULL);
	line = strstr(enc, "a: ENC[");
	CHECK(line && strstr(line, " #ENC[") && strchr(line, '\n') > strstr(line, " #ENC["));
	CHECK_INT(decrypt_text(enc, k.ids, &dec, 0), 0);
	/* the block comes back around its comment (a > block as |) */
	CHECK(dec && !strcmp(dec, "a: | # note here\n  l1\n  l2\nb: f1 f2 # folded\n"
	                          "c: |\n  # content, not a comment\n  z\n"));
	if (dec && strcmp(dec, "a: | # note here\n  l1\n  l2\nb: f1 f2 # folded\n"
	                       "c: |\n  # content, not a comment\n  z\n"))
		fprintf(stderr, "  got <%s>\n", dec);
done:
	free(enc);
	free(dec);
	free_keys(&k);
}

/* A stream without a document with content has nowhere for the sops block:
 * refused with a reason (it once passed through unencrypted, or failed
 * with "rendering changed the number of documents"). */
TEST(test_sops_envelope__empty_or_comment_only_yaml_is_refused)
{
	static const char *const empty[] = { "", "# only a comment\n", "# a\n---\n#e\n" };
	struct keys k;

	make_keys(&k);
	for (size_t i = 0; i < sizeof(empty) / sizeof(*empty); i++) {
		veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
		char *enc = encrypt_text(empty[i], &k, &o);

		CHECK(enc == NULL);
		CHECK(strstr(veil_error_last(), "no YAML document with content") != NULL);
		free(enc);
	}
	free_keys(&k);
}
