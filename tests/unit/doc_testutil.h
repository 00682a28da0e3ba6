#ifndef VEIL_TEST_DOC_TESTUTIL_H
#define VEIL_TEST_DOC_TESTUTIL_H
/* Helpers for the test_doc_{json,dotenv,ini}* files: reading test data and
 * the shared fixtures, walking scalars, the encrypt-like round trip. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "doc/codec.h"
#include "doc/internal.h"
#include "harness.h"
#include "veil/doc.h"

/* The repository root, from this header's own path (tests/unit/). */
static inline void doc_test_root(char *out, size_t cap)
{
	const char *f = __FILE__, *end = strstr(f, "tests/unit/doc_testutil.h");
	size_t n = end ? (size_t)(end - f) : 0;

	if (n >= cap)
		n = 0;
	memcpy(out, f, n);
	out[n] = '\0';
	if (n == 0)
		snprintf(out, cap, "./");
}

static inline char *doc_test_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	*len = 0;
	if (!f)
		return NULL;
	n = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
	if (n >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
			buf[n] = '\0';
			*len = (size_t)n;
		} else {
			free(buf);
			buf = NULL;
		}
	}
	fclose(f);
	return buf;
}

/* tests/data/<rel>; the test fails when it is missing. */
static inline char *doc_test_data(const char *rel, size_t *len)
{
	char root[1024], path[2048];
	char *s;

	doc_test_root(root, sizeof(root));
	snprintf(path, sizeof(path), "%stests/data/%s", root, rel);
	s = doc_test_read(path, len);
	if (!s)
		fprintf(stderr, "  cannot read %s\n", path);
	return s;
}

/* A file under the shared fixtures ($VEIL_SHARED_DIR, else ../shared next
 * to the repository, else ../shared from here); NULL with a printed reason
 * when absent, so the test is skipped. */
static inline char *doc_test_fixture(const char *rel, size_t *len)
{
	const char *env = getenv("VEIL_SHARED_DIR");
	char root[1024], path[2048];
	char *s = NULL;

	if (env && *env) {
		snprintf(path, sizeof(path), "%s/fixtures/sops/%s", env, rel);
		s = doc_test_read(path, len);
	}
	if (!s) {
		doc_test_root(root, sizeof(root));
		snprintf(path, sizeof(path), "%s../shared/fixtures/sops/%s", root, rel);
		s = doc_test_read(path, len);
	}
	if (!s) {
		snprintf(path, sizeof(path), "../shared/fixtures/sops/%s", rel);
		s = doc_test_read(path, len);
	}
	if (!s)
		printf("  skipped: sops fixture %s not found (set VEIL_SHARED_DIR)\n", rel);
	return s;
}

static inline veil_doc *doc_test_parse(const veil_codec *codec, veil_doc_format fmt,
                                       const char *src, size_t len, const char *name)
{
	veil_doc *doc = NULL;

	if (veil_doc__parse_with(&doc, fmt, codec, src, len, name) < 0) {
		fprintf(stderr, "  parse %s: %s\n", name, veil_error_last());
		return NULL;
	}
	return doc;
}

/* Every scalar and comment under node, in document order. */
static inline size_t doc_test_leaves(const veil_node *node, veil_node **out, size_t cap, size_t n)
{
	size_t i;

	if (node->kind == VEIL_NODE_SCALAR || node->kind == VEIL_NODE_COMMENT) {
		if (n < cap)
			out[n] = (veil_node *)node;
		return n + 1;
	}
	for (i = 0; i < node->nitems; i++)
		n = doc_test_leaves(node->items[i], out, cap, n);
	return n;
}

/* A path lookup for checks: "age/0/recipient" (numbers index sequences). */
static inline const veil_node *doc_test_at(const veil_node *n, const char *path)
{
	char part[128];

	while (n && *path) {
		size_t k = strcspn(path, "/");

		if (k >= sizeof(part))
			return NULL;
		memcpy(part, path, k);
		part[k] = '\0';
		path += k + (path[k] == '/');
		if (n->kind == VEIL_NODE_SEQ) {
			size_t idx = (size_t)strtoul(part, NULL, 10);

			n = idx < n->nitems ? n->items[idx] : NULL;
		} else {
			n = veil_node_get(n, part);
		}
	}
	return n;
}

static inline int doc_test_is(const veil_node *n, const char *value)
{
	return n && n->value && n->value_len == strlen(value) &&
	       !memcmp(n->value, value, n->value_len);
}

static inline char *doc_test_render(veil_doc *doc, size_t *len)
{
	char *out = NULL;

	if (veil_doc_render(&out, len, doc) < 0) {
		fprintf(stderr, "  render: %s\n", veil_error_last());
		return NULL;
	}
	return out;
}

#define DOC_TEST_MAX_LEAVES 256

/* The file's bytes outside every leaf span must be the same in a and b
 * (which have the same leaves): only values may differ. */
static inline int doc_test_same_skeleton(const veil_doc *a, const veil_doc *b)
{
	veil_node *la[DOC_TEST_MAX_LEAVES], *lb[DOC_TEST_MAX_LEAVES];
	size_t na = doc_test_leaves(a->roots[0], la, DOC_TEST_MAX_LEAVES, 0);
	size_t nb = doc_test_leaves(b->roots[0], lb, DOC_TEST_MAX_LEAVES, 0);
	size_t i, pa = 0, pb = 0;

	if (na != nb || na > DOC_TEST_MAX_LEAVES)
		return 0;
	for (i = 0; i < na; i++) {
		size_t ga = la[i]->span.start - pa, gb = lb[i]->span.start - pb;

		if (la[i]->span.start < pa || ga != gb || memcmp(a->src + pa, b->src + pb, ga))
			return 0;
		pa = la[i]->span.end;
		pb = lb[i]->span.end;
	}
	return a->src_len - pa == b->src_len - pb &&
	       !memcmp(a->src + pa, b->src + pb, a->src_len - pa);
}

/*
 * What encryption does to a file: every leaf becomes a fake ENC[...] string
 * (comments too), the result parses with those values, then every value is
 * set back with its original type. Returns the final render (or NULL) and
 * checks along the way; *exact says whether it equals the source.
 */
static inline char *doc_test_round_trip(const veil_codec *codec, veil_doc_format fmt,
                                        const char *src, size_t len, size_t *out_len,
                                        size_t *nleaves)
{
	static veil_node *l1[DOC_TEST_MAX_LEAVES], *l2[DOC_TEST_MAX_LEAVES];
	veil_doc *a = doc_test_parse(codec, fmt, src, len, "a"), *b = NULL;
	char *enc = NULL, *back = NULL, fake[160];
	size_t n = 0, n2, i, enc_len = 0;
	int ok = 1;

	*out_len = 0;
	if (!a)
		goto done;
	n = doc_test_leaves(a->roots[0], l1, DOC_TEST_MAX_LEAVES, 0);
	if (n > DOC_TEST_MAX_LEAVES)
		goto done;
	for (i = 0; i < n && ok; i++) {
		snprintf(fake, sizeof(fake),
		         "ENC[AES256_GCM,data:ZmFrZS0%zu=,iv:aXYtMDAwMDAwMD"
		         "AwMDAwMDAwMDAwMDAwMDAwMDAwMA==,tag:dGFnLTAwMDAwMDAwMA==,type:str]",
		         i);
		ok = veil_doc_set_value(a, l1[i], fake, strlen(fake), VEIL_SCALAR_STR) == 0;
		if (!ok)
			fprintf(stderr, "  set %zu: %s\n", i, veil_error_last());
	}
	CHECK(ok);
	enc = ok ? doc_test_render(a, &enc_len) : NULL;
	CHECK(enc != NULL);
	b = enc ? doc_test_parse(codec, fmt, enc, enc_len, "b") : NULL;
	CHECK(b != NULL);
	if (!b)
		goto done;
	n2 = doc_test_leaves(b->roots[0], l2, DOC_TEST_MAX_LEAVES, 0);
	CHECK_INT(n2, n);
	for (i = 0; i < n && i < n2 && ok; i++) {
		snprintf(fake, sizeof(fake),
		         "ENC[AES256_GCM,data:ZmFrZS0%zu=,iv:aXYtMDAwMDAwMD"
		         "AwMDAwMDAwMDAwMDAwMDAwMDAwMA==,tag:dGFnLTAwMDAwMDAwMA==,type:str]",
		         i);
		CHECK(doc_test_is(l2[i], fake));
		ok = veil_doc_set_value(b, l2[i], l1[i]->value, l1[i]->value_len,
		                        l1[i]->kind == VEIL_NODE_SCALAR ? l1[i]->type
		                                                        : VEIL_SCALAR_STR) == 0;
		if (!ok)
			fprintf(stderr, "  set back %zu: %s\n", i, veil_error_last());
	}
	CHECK(ok);
	back = ok ? doc_test_render(b, out_len) : NULL;
	CHECK(back != NULL);
done:
	*nleaves = n;
	veil_doc_free(a);
	veil_doc_free(b);
	free(enc);
	return back;
}

#define DOC_TEST_ARMOR                                                           \
	"-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCg==\n" \
	"-----END AGE ENCRYPTED FILE-----\n"
#define DOC_TEST_RECIPIENT "age1l44xcng8dqj32nlv6d930qvvrny05hglzcv9qpc7kxjc6902ma4qufys29"
#define DOC_TEST_MAC       "ENC[AES256_GCM,data:bWFj,iv:aXY=,tag:dGFn,type:str]"

static inline veil_node *doc_test_scalar(veil_doc *doc, const char *v, veil_scalar_type t)
{
	return veil_doc_build_scalar(doc, v, strlen(v), t);
}

/* A sops 3.13-style metadata block (keys sorted, enc before recipient). */
static inline veil_node *doc_test_meta(veil_doc *doc, const char *version)
{
	veil_node *m = veil_doc_build_map(doc), *age = veil_doc_build_seq(doc);
	veil_node *e = veil_doc_build_map(doc);
	int rc = !m || !age || !e;

	rc |= veil_doc_add_item(e, "enc", doc_test_scalar(doc, DOC_TEST_ARMOR, VEIL_SCALAR_STR));
	rc |= veil_doc_add_item(e, "recipient",
	                        doc_test_scalar(doc, DOC_TEST_RECIPIENT, VEIL_SCALAR_STR));
	rc |= veil_doc_add_item(age, NULL, e);
	rc |= veil_doc_add_item(m, "age", age);
	rc |= veil_doc_add_item(m, "lastmodified",
	                        doc_test_scalar(doc, "2026-01-02T03:04:05Z", VEIL_SCALAR_STR));
	rc |= veil_doc_add_item(m, "mac", doc_test_scalar(doc, DOC_TEST_MAC, VEIL_SCALAR_STR));
	rc |= veil_doc_add_item(m, "mac_only_encrypted",
	                        doc_test_scalar(doc, "true", VEIL_SCALAR_BOOL));
	rc |= veil_doc_add_item(m, "unencrypted_suffix",
	                        doc_test_scalar(doc, "_unencrypted", VEIL_SCALAR_STR));
	rc |= veil_doc_add_item(m, "version", doc_test_scalar(doc, version, VEIL_SCALAR_STR));
	return rc ? NULL : m;
}

/* Checks a metadata tree read back from a file written with doc_test_meta. */
static inline void doc_test_check_meta(const veil_node *m, const char *version)
{
	CHECK(m != NULL);
	if (!m)
		return;
	CHECK(doc_test_is(doc_test_at(m, "age/0/enc"), DOC_TEST_ARMOR));
	CHECK(doc_test_is(doc_test_at(m, "age/0/recipient"), DOC_TEST_RECIPIENT));
	CHECK(doc_test_is(doc_test_at(m, "lastmodified"), "2026-01-02T03:04:05Z"));
	CHECK(doc_test_is(doc_test_at(m, "mac"), DOC_TEST_MAC));
	CHECK(doc_test_is(doc_test_at(m, "mac_only_encrypted"), "true"));
	CHECK(doc_test_at(m, "mac_only_encrypted") &&
	      doc_test_at(m, "mac_only_encrypted")->type == VEIL_SCALAR_BOOL);
	CHECK(doc_test_is(doc_test_at(m, "version"), version));
}

/*
 * Metadata set on src, rendered, read back, then removed from that render:
 * the result must be src exactly. Returns the render with metadata.
 */
static inline char *doc_test_meta_round_trip(const veil_codec *codec, veil_doc_format fmt,
                                             const char *src, size_t len, size_t *with_len)
{
	veil_doc *a = doc_test_parse(codec, fmt, src, len, "a"), *b = NULL;
	char *with = NULL, *without = NULL;
	size_t without_len = 0;
	veil_node *meta = a ? doc_test_meta(a, "3.13.2") : NULL;

	*with_len = 0;
	CHECK(meta != NULL);
	if (!meta)
		goto done;
	CHECK(veil_doc_set_metadata(a, meta) == 0);
	with = doc_test_render(a, with_len);
	CHECK(with != NULL);
	b = with ? doc_test_parse(codec, fmt, with, *with_len, "b") : NULL;
	CHECK(b != NULL);
	if (!b)
		goto done;
	doc_test_check_meta(veil_doc_metadata(b), "3.13.2");
	CHECK(veil_doc_remove_metadata(b) == 0);
	without = doc_test_render(b, &without_len);
	CHECK(without != NULL);
	CHECK(without && without_len == len && !memcmp(without, src, len));
done:
	free(without);
	veil_doc_free(a);
	veil_doc_free(b);
	return with;
}

#endif
