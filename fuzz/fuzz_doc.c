/* Fuzzes the document codecs (include/veil/doc.h). The first input byte
 * picks the format (byte % 4: 0 YAML, 1 JSON, 2 dotenv, 3 INI, so the seeds
 * can start with the digits '0'..'3'); the rest is the document. For a
 * document that parses:
 *   - rendering it without edits gives back exactly the input bytes;
 *   - every scalar and comment with bytes of its own set to an ENC[...]
 *     string renders, or fails cleanly but never with the codec's
 *     read-back VEIL_ERROR (`veil encrypt` would refuse the file); that
 *     render parsed again with every value set back to its original (a
 *     decryption) renders to the original values (VEIL_FUZZ_STRICT=1:
 *     never with VEIL_ERROR either);
 *   - every scalar set to its own value (on a fresh parse) renders, and so
 *     does every comment whose own text the codec accepts back; the output
 *     parses to the same scalars, comments and types in the same order (the
 *     codec verifies its edits too: this checks the whole tree, not only
 *     the edited nodes);
 *   - reading, removing and replacing the SOPS metadata block never crashes,
 *     and a render after a successful replace parses again. */
#include "fuzz.h"
#include "fuzz_fail.h"
#include "veil/doc.h"
#include <string.h>

/* Real documents are far smaller; this keeps each execution fast. */
#define DOC_MAX_INPUT (256u * 1024)

/* What an ENC[...] value looks like; the codecs put it in plain. */
static const char enc_value[] = "ENC[AES256_GCM,data:3q2+7w==,iv:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                                "AAAAAAAAAAA=,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:str]";

typedef struct node_list {
	veil_node **v;
	size_t n, cap;
} node_list;

/* Scalars and comments of the tree in document order. Aliases are skipped:
 * their target is reached where it is anchored. */
static void collect(node_list *l, veil_node *n, int depth)
{
	if (!n || depth > VEIL_DOC_MAX_DEPTH + 2)
		veil_fuzz_fail("the parser promised a bounded tree");
	if (n->kind == VEIL_NODE_SCALAR || n->kind == VEIL_NODE_COMMENT) {
		if (l->n == l->cap) {
			l->cap = l->cap ? 2 * l->cap : 64;
			l->v = realloc(l->v, l->cap * sizeof(*l->v));
			if (!l->v)
				abort();
		}
		l->v[l->n++] = n;
		return;
	}
	if (n->kind != VEIL_NODE_MAP && n->kind != VEIL_NODE_SEQ)
		return;
	for (size_t i = 0; i < n->nitems; i++)
		collect(l, n->items[i], depth + 1);
}

static void collect_doc(node_list *l, const veil_doc *doc)
{
	for (size_t i = 0; i < veil_doc_count(doc); i++) {
		veil_node *root = veil_doc_root(doc, i);
		if (root)
			collect(l, root, 0);
	}
}

/* Comments with no bytes of their own cannot be set (VEIL_EINVAL). */
static int settable(const veil_node *n)
{
	return n->kind == VEIL_NODE_SCALAR || n->span.end > n->span.start;
}

/* The render of the same nodes set to their own values must read back as
 * the same tree. */
static void check_same_values(veil_doc_format fmt, const char *out, size_t out_len,
                              const node_list *want)
{
	veil_doc *again = NULL;
	node_list got = { 0 };

	if (veil_doc_parse(&again, fmt, out, out_len, "fuzz-render") < 0)
		veil_fuzz_fail("the render does not parse");
	collect_doc(&got, again);
	if (got.n != want->n)
		veil_fuzz_fail("the render has a different number of scalars/comments");
	for (size_t i = 0; i < got.n; i++) {
		const veil_node *a = want->v[i], *b = got.v[i];
		if (a->kind != b->kind || a->value_len != b->value_len ||
		    memcmp(a->value, b->value, a->value_len) != 0)
			veil_fuzz_fail("a scalar or comment reads back with another value");
		if (a->kind == VEIL_NODE_SCALAR && a->type != b->type)
			veil_fuzz_fail("a scalar reads back with another type");
	}
	free(got.v);
	veil_doc_free(again);
}

/* Parsing is deterministic: a second parse of what parsed must succeed. */
static veil_doc *reparse(veil_doc_format fmt, const char *src, size_t len)
{
	veil_doc *doc = NULL;

	if (veil_doc_parse(&doc, fmt, src, len, "fuzz") < 0)
		veil_fuzz_fail("it parsed a moment ago");
	return doc;
}

/* Without edits, the render is the input itself. */
static void check_unedited(const veil_doc *doc, const char *src, size_t len)
{
	char *out = NULL;
	size_t out_len = 0;

	if (veil_doc_render(&out, &out_len, doc) < 0 || out_len != len ||
	    memcmp(out, src, len) != 0)
		veil_fuzz_fail("render without edits differs from the input");
	free(out);
}

/* The ENC[...] render parsed again, each value set back to its original
 * (what decryption does, with other quoting in other places: a block
 * scalar's header comment now follows a one-line value): it renders to the
 * original values, or fails cleanly; a VEIL_ERROR (read-back refused) is a
 * finding with VEIL_FUZZ_STRICT. */
static void check_back(veil_doc_format fmt, const char *enc, size_t enc_len, const node_list *orig,
                       const unsigned char *edited)
{
	veil_doc *doc = NULL;
	node_list l = { 0 };
	char *out = NULL;
	size_t out_len = 0;
	int rc = 0;

	if (veil_doc_parse(&doc, fmt, enc, enc_len, "fuzz-enc") < 0)
		veil_fuzz_fail("the ENC[...] render does not parse");
	collect_doc(&l, doc);
	if (l.n != orig->n)
		veil_fuzz_fail("the ENC[...] render has a different number of leaves");
	for (size_t i = 0; i < l.n && rc >= 0; i++) {
		const veil_node *o = orig->v[i];
		if (edited[i])
			rc = veil_doc_set_value(doc, l.v[i], o->value, o->value_len,
			                        o->kind == VEIL_NODE_COMMENT ? VEIL_SCALAR_STR
			                                                     : o->type);
	}
	if (rc >= 0)
		rc = veil_doc_render(&out, &out_len, doc);
	if (rc == VEIL_ERROR && veil_fuzz_strict())
		veil_fuzz_fail("a value set back from ENC[...] did not read back");
	if (rc >= 0)
		check_same_values(fmt, out, out_len, orig);
	free(out);
	free(l.v);
	veil_doc_free(doc);
}

/* Every scalar and comment with bytes of its own set to an ENC[...] value:
 * the render succeeds or fails cleanly, never with VEIL_ERROR (the codec's
 * read-back check refused its own splice, so `veil encrypt` would refuse
 * the file). Zero-width scalars (a null written as nothing, "a:" or "{a}")
 * are skipped: sops never encrypts a null. Then the way back. */
static void check_enc(veil_doc *doc, veil_doc_format fmt)
{
	node_list l = { 0 };
	unsigned char *edited;
	char *out = NULL;
	size_t out_len = 0;
	int rc;

	collect_doc(&l, doc);
	edited = calloc(l.n ? l.n : 1, 1);
	if (!edited)
		abort();
	for (size_t i = 0; i < l.n; i++) {
		if (l.v[i]->span.end <= l.v[i]->span.start)
			continue;
		rc = veil_doc_set_value(doc, l.v[i], enc_value, sizeof(enc_value) - 1,
		                        VEIL_SCALAR_STR);
		if (rc == VEIL_ERROR)
			veil_fuzz_fail("set_value(ENC[...]) returned VEIL_ERROR");
		edited[i] = rc == 0;
	}
	rc = veil_doc_render(&out, &out_len, doc);
	if (rc == VEIL_ERROR)
		veil_fuzz_fail("an ENC[...] value did not read back");
	if (rc == 0)
		check_back(fmt, out, out_len, &l, edited);
	free(out);
	free(edited);
	free(l.v);
}

/* Every scalar set to its own value must take it and render, and so must
 * every comment the codec accepts its own text for. */
static void check_self(veil_doc *doc, veil_doc_format fmt)
{
	node_list l = { 0 };
	char *out = NULL;
	size_t out_len = 0;

	collect_doc(&l, doc);
	for (size_t i = 0; i < l.n; i++) {
		veil_node *n = l.v[i];
		if (n->kind == VEIL_NODE_COMMENT) {
			if (settable(n) && veil_doc_set_value(doc, n, n->value, n->value_len,
			                                      VEIL_SCALAR_STR) == VEIL_ERROR)
				veil_fuzz_fail("set_value of a comment to itself: VEIL_ERROR");
		} else if (veil_doc_set_value(doc, n, n->value, n->value_len, n->type) < 0) {
			veil_fuzz_fail("set_value of a scalar to its own value failed");
		}
	}
	if (veil_doc_render(&out, &out_len, doc) < 0)
		veil_fuzz_fail("a value set to itself must render");
	check_same_values(fmt, out, out_len, &l);
	free(out);
	free(l.v);
}

/* A metadata block shaped like sops's (multi-line age armor included). */
static veil_node *build_meta(veil_doc *doc)
{
	static const char armor[] = "-----BEGIN AGE ENCRYPTED FILE-----\n"
	                            "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBmdXp6\n"
	                            "-----END AGE ENCRYPTED FILE-----\n";
	veil_node *meta = veil_doc_build_map(doc), *age = veil_doc_build_seq(doc);
	veil_node *entry = veil_doc_build_map(doc);

	if (!meta || !age || !entry)
		abort();
	if (veil_doc_add_item(entry, "recipient",
	                      veil_doc_build_scalar(doc, "age1fuzz", 8, VEIL_SCALAR_STR)) < 0 ||
	    veil_doc_add_item(
	            entry, "enc",
	            veil_doc_build_scalar(doc, armor, sizeof(armor) - 1, VEIL_SCALAR_STR)) < 0 ||
	    veil_doc_add_item(age, NULL, entry) < 0 || veil_doc_add_item(meta, "age", age) < 0 ||
	    veil_doc_add_item(
	            meta, "lastmodified",
	            veil_doc_build_scalar(doc, "2026-11-22T22:00:00Z", 20, VEIL_SCALAR_STR)) < 0 ||
	    veil_doc_add_item(meta, "mac",
	                      veil_doc_build_scalar(doc, enc_value, sizeof(enc_value) - 1,
	                                            VEIL_SCALAR_STR)) < 0 ||
	    veil_doc_add_item(meta, "version",
	                      veil_doc_build_scalar(doc, "3.9.0", 5, VEIL_SCALAR_STR)) < 0)
		abort();
	return meta;
}

static void check_metadata(veil_doc *doc, veil_doc_format fmt)
{
	veil_doc *again = NULL;
	char *out = NULL;
	size_t out_len = 0;

	(void)veil_doc_metadata(doc);
	if (veil_doc_remove_metadata(doc) == 0 && veil_doc_render(&out, &out_len, doc) == 0) {
		if (veil_doc_parse(&again, fmt, out, out_len, "fuzz-removed") == 0 &&
		    veil_doc_metadata(again))
			veil_fuzz_fail("removed, yet still there");
		veil_doc_free(again);
		again = NULL;
	}
	free(out);
	out = NULL;
	if (veil_doc_set_metadata(doc, build_meta(doc)) == 0 &&
	    veil_doc_render(&out, &out_len, doc) == 0) {
		if (veil_doc_parse(&again, fmt, out, out_len, "fuzz-meta") < 0 ||
		    !veil_doc_metadata(again))
			veil_fuzz_fail("rendered, but unreadable or without it");
		veil_doc_free(again);
	}
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const veil_doc_format formats[4] = { VEIL_FMT_YAML, VEIL_FMT_JSON, VEIL_FMT_DOTENV,
		                                    VEIL_FMT_INI };
	veil_doc_format fmt;
	veil_doc *doc = NULL;
	char *src;

	veil_fuzz_init();
	if (size < 1 || size > DOC_MAX_INPUT)
		return 0;
	fmt = formats[data[0] % 4];
	/* An exact-size copy: nothing may rely on a NUL after the input. */
	src = malloc(size - 1 ? size - 1 : 1);
	if (!src)
		abort();
	memcpy(src, data + 1, size - 1);
	if (veil_doc_parse(&doc, fmt, src, size - 1, "fuzz") == 0) {
		check_unedited(doc, src, size - 1);
		check_enc(doc, fmt);
		veil_doc_free(doc);
		doc = reparse(fmt, src, size - 1);
		check_self(doc, fmt);
		veil_doc_free(doc);
		doc = reparse(fmt, src, size - 1);
		check_metadata(doc, fmt);
		veil_doc_free(doc);
	}
	free(src);
	return 0;
}
