/* The document core with a fake line codec ("key=value" lines): edits,
 * splicing, the read-back check, builders, format names. */
#include <stdlib.h>
#include <string.h>
#include "doc/codec.h"
#include "doc/internal.h"
#include "harness.h"
#include "veil/doc.h"

static int fake_corrupt;

static int fake_parse(veil_doc *doc)
{
	veil_node *root = veil_doc__node_new(doc, VEIL_NODE_MAP);
	size_t pos = 0, line = 1;

	if (!root)
		return -1;
	doc->roots = calloc(1, sizeof(*doc->roots));
	if (!doc->roots)
		return VEIL_ENOMEM;
	doc->roots[0] = root;
	doc->nroots = 1;
	while (pos < doc->src_len) {
		const char *nl = memchr(doc->src + pos, '\n', doc->src_len - pos);
		size_t end = nl ? (size_t)(nl - doc->src) : doc->src_len;
		const char *eq = memchr(doc->src + pos, '=', end - pos);
		veil_node *n;

		if (!eq)
			return veil_doc__error_at(doc, 0, (unsigned)line, 1, "no '='");
		n = veil_doc__node_new(doc, VEIL_NODE_SCALAR);
		if (!n ||
		    veil_doc__node_set_key(n, doc->src + pos, (size_t)(eq - doc->src) - pos) < 0)
			return -1;
		n->span.start = (size_t)(eq - doc->src) + 1;
		n->span.end = end;
		n->span.line = (unsigned)line;
		n->type = VEIL_SCALAR_STR;
		if (veil_doc__node_set_value(n, doc->src + n->span.start, end - n->span.start) <
		            0 ||
		    veil_doc__node_append(root, n) < 0)
			return -1;
		pos = end + 1;
		line++;
	}
	return 0;
}

static int fake_quote(veil_buf *out, size_t *start, size_t *end, const veil_doc *doc,
                      const veil_node *node, const char *value, size_t len, veil_scalar_type type)
{
	(void)start, (void)end, (void)doc, (void)node, (void)type;
	if (fake_corrupt && len)
		return veil_buf_append(out, value, len - 1);
	return veil_buf_append(out, value, len);
}

static const veil_codec fake_codec = { fake_parse, fake_quote, NULL, NULL, NULL,
	                               NULL,       NULL,       NULL, NULL };

static veil_doc *fake_doc(const char *src)
{
	veil_doc *doc = NULL;

	if (veil_doc__parse_with(&doc, VEIL_FMT_DOTENV, &fake_codec, src, strlen(src), "t.env") < 0)
		return NULL;
	return doc;
}

TEST(test_doc__render_splices_edits_in_any_order)
{
	veil_doc *doc = fake_doc("a=1\nbb=22\nccc=333\n");
	char *out = NULL;
	size_t len = 0;

	CHECK(doc != NULL);
	if (!doc)
		return;
	fake_corrupt = 0;
	CHECK_INT(veil_doc_set_value(doc, veil_node_get(veil_doc_root(doc, 0), "ccc"), "x", 1,
	                             VEIL_SCALAR_STR),
	          0);
	CHECK_INT(veil_doc_set_value(doc, veil_node_get(veil_doc_root(doc, 0), "a"), "long", 4,
	                             VEIL_SCALAR_STR),
	          0);
	/* setting twice keeps the last */
	CHECK_INT(veil_doc_set_value(doc, veil_node_get(veil_doc_root(doc, 0), "a"), "longer", 6,
	                             VEIL_SCALAR_STR),
	          0);
	CHECK_INT(doc->nedits, 2);
	CHECK_INT(veil_doc_render(&out, &len, doc), 0);
	CHECK(out && len == strlen("a=longer\nbb=22\nccc=x\n") &&
	      memcmp(out, "a=longer\nbb=22\nccc=x\n", len) == 0);
	free(out);
	veil_doc_free(doc);
}

TEST(test_doc__render_refuses_output_that_reads_back_differently)
{
	veil_doc *doc = fake_doc("k=secret\n");
	char *out = NULL;
	size_t len = 0;

	CHECK(doc != NULL);
	if (!doc)
		return;
	fake_corrupt = 1;
	CHECK_INT(veil_doc_set_value(doc, veil_doc_root(doc, 0)->items[0], "plain", 5,
	                             VEIL_SCALAR_STR),
	          0);
	CHECK_INT(veil_doc_render(&out, &len, doc), VEIL_ERROR);
	CHECK(out == NULL);
	CHECK(strstr(veil_error_last(), "path 'k:'") != NULL);
	CHECK(strstr(veil_error_last(), "plain") == NULL);
	fake_corrupt = 0;
	veil_doc_free(doc);
}

TEST(test_doc__edit_add_rejects_overlaps)
{
	veil_doc *doc = fake_doc("a=123456\n");

	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_INT(veil_doc__edit_add(doc, 2, 5, "x", 1, NULL, NULL, 0, 0), 0);
	CHECK_INT(veil_doc__edit_add(doc, 4, 6, "y", 1, NULL, NULL, 0, 0), VEIL_EINVAL);
	CHECK_INT(veil_doc__edit_add(doc, 0, 3, "y", 1, NULL, NULL, 0, 0), VEIL_EINVAL);
	CHECK_INT(veil_doc__edit_add(doc, 3, 3, "y", 1, NULL, NULL, 0, 0), VEIL_EINVAL);
	CHECK_INT(veil_doc__edit_add(doc, 5, 5, "i", 1, NULL, NULL, 0, 0), 0);
	CHECK_INT(veil_doc__edit_add(doc, 2, 2, "j", 1, NULL, NULL, 0, 0), 0);
	CHECK_INT(veil_doc__edit_add(doc, 0, 1, "B", 1, NULL, NULL, 0, 0), 0);
	CHECK_INT(veil_doc__edit_add(doc, 5, 9, "z", 1, NULL, NULL, 0, 0), 0);
	CHECK_INT(veil_doc__edit_add(doc, 9, 10, "z", 1, NULL, NULL, 0, 0), VEIL_EINVAL);
	CHECK_INT(doc->nedits, 5);
	CHECK_INT(doc->edits[0].start, 0);
	CHECK_INT(doc->edits[1].start, 2);
	CHECK_INT(doc->edits[1].end, 2);
	CHECK_INT(doc->edits[2].end, 5);
	CHECK_INT(doc->edits[3].end, 5);
	CHECK_INT(doc->edits[4].end, 9);
	veil_doc_free(doc);
}

TEST(test_doc__error_at_names_file_line_col)
{
	veil_doc *doc = NULL;

	CHECK_INT(
	        veil_doc__parse_with(&doc, VEIL_FMT_DOTENV, &fake_codec, "a=1\nnope\n", 9, "x.env"),
	        VEIL_EFORMAT);
	CHECK(doc == NULL);
	CHECK_STR(veil_error_last(), "x.env:2:1: no '='");
}

TEST(test_doc__format_names_and_paths)
{
	CHECK_INT(veil_doc_format_from_path("a/b.yaml"), VEIL_FMT_YAML);
	CHECK_INT(veil_doc_format_from_path("b.yml"), VEIL_FMT_YAML);
	CHECK_INT(veil_doc_format_from_path("b.json"), VEIL_FMT_JSON);
	CHECK_INT(veil_doc_format_from_path(".env"), VEIL_FMT_DOTENV);
	CHECK_INT(veil_doc_format_from_path("x.ini"), VEIL_FMT_INI);
	CHECK_INT(veil_doc_format_from_path("x.YAML"), VEIL_FMT_BINARY);
	CHECK_INT(veil_doc_format_from_path("secret.txt"), VEIL_FMT_BINARY);
	CHECK_INT(veil_doc_format_parse("dotenv"), VEIL_FMT_DOTENV);
	CHECK_INT(veil_doc_format_parse("yml"), 0);
	CHECK_STR(veil_doc_format_name(VEIL_FMT_INI), "ini");
}

TEST(test_doc__builders_make_a_tree)
{
	veil_doc *doc = NULL;
	veil_node *map, *seq, *s;

	CHECK_INT(veil_doc__parse_with(&doc, VEIL_FMT_DOTENV, &fake_codec, "", 0, NULL), 0);
	if (!doc)
		return;
	map = veil_doc_build_map(doc);
	seq = veil_doc_build_seq(doc);
	s = veil_doc_build_scalar(doc, "v", 1, VEIL_SCALAR_STR);
	CHECK(map && seq && s);
	CHECK_INT(veil_doc_add_item(map, "list", seq), 0);
	CHECK_INT(veil_doc_add_item(seq, NULL, s), 0);
	CHECK_INT(veil_doc_add_item(seq, "k", s), VEIL_EINVAL);
	CHECK_INT(veil_doc_add_item(map, NULL, s), VEIL_EINVAL);
	CHECK(veil_node_get(map, "list") == seq);
	CHECK(veil_node_get(map, "nope") == NULL);
	CHECK(seq->parent == map && s->parent == seq);
	CHECK_STR(s->value, "v");
	veil_doc_free(doc);
}

TEST(test_doc__every_format_dispatches_to_its_codec)
{
	static const struct {
		veil_doc_format fmt;
		const char *src;
	} cases[] = {
		{ VEIL_FMT_YAML, "a: 1\n" },      { VEIL_FMT_JSON, "{\"a\": 1}\n" },
		{ VEIL_FMT_DOTENV, "a=1\n" },     { VEIL_FMT_INI, "[s]\na = 1\n" },
		{ VEIL_FMT_BINARY, "raw bytes" },
	};
	veil_doc *none = NULL;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		veil_doc *doc = NULL;

		CHECK_INT(
		        veil_doc_parse(&doc, cases[i].fmt, cases[i].src, strlen(cases[i].src), "x"),
		        0);
		CHECK(doc && veil_doc_format_of(doc) == cases[i].fmt && veil_doc_count(doc) == 1);
		veil_doc_free(doc);
		CHECK_INT(veil_doc_new(&doc, cases[i].fmt), 0);
		veil_doc_free(doc);
	}
	CHECK_INT(veil_doc_parse(&none, 0, "", 0, "x"), VEIL_EINVAL);
	CHECK(none == NULL);
}
