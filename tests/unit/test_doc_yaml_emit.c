/* The fresh YAML emitter: sops's block layout, and its output parses back
 * to the same tree. */
#include <stdlib.h>
#include <string.h>
#include "doc/codec.h"
#include "harness.h"
#include "veil/doc.h"

TEST(test_doc_yaml_emit__sops_layout)
{
	veil_doc *doc = NULL, *back = NULL;
	veil_node *root, *list, *m, *n;
	char *out = NULL;
	size_t len = 0;
	const char *want = "name: web\n"
	                   "port: 8080\n"
	                   "ratio: 1.5\n"
	                   "\"on\": true\n" /* YAML 1.1 reads plain on as a bool */
	                   "quoted: \"true\"\n"
	                   "empty: \"\"\n"
	                   "none: null\n"
	                   "\"a: b\": x\n"
	                   "cert: |\n"
	                   "    line1\n"
	                   "    line2\n"
	                   "list:\n"
	                   "    - a\n"
	                   "    - k: v\n"
	                   "      pem: |-\n"
	                   "        x\n"
	                   "        y\n"
	                   "    - []\n"
	                   "nested:\n"
	                   "    inner: {}\n"
	                   "#a comment\n"
	                   "---\n"
	                   "{}\n";
	veil_node *roots[2];

	CHECK_INT(veil_doc_new(&doc, VEIL_FMT_YAML), 0);
	if (!doc)
		return;
	root = veil_doc_build_map(doc);
	veil_doc_add_item(root, "name", veil_doc_build_scalar(doc, "web", 3, VEIL_SCALAR_STR));
	veil_doc_add_item(root, "port", veil_doc_build_scalar(doc, "8080", 4, VEIL_SCALAR_INT));
	veil_doc_add_item(root, "ratio", veil_doc_build_scalar(doc, "1.5", 3, VEIL_SCALAR_FLOAT));
	veil_doc_add_item(root, "on", veil_doc_build_scalar(doc, "true", 4, VEIL_SCALAR_BOOL));
	veil_doc_add_item(root, "quoted", veil_doc_build_scalar(doc, "true", 4, VEIL_SCALAR_STR));
	veil_doc_add_item(root, "empty", veil_doc_build_scalar(doc, "", 0, VEIL_SCALAR_STR));
	veil_doc_add_item(root, "none", veil_doc_build_scalar(doc, "", 0, VEIL_SCALAR_NULL));
	veil_doc_add_item(root, "a: b", veil_doc_build_scalar(doc, "x", 1, VEIL_SCALAR_STR));
	veil_doc_add_item(root, "cert",
	                  veil_doc_build_scalar(doc, "line1\nline2\n", 12, VEIL_SCALAR_STR));
	list = veil_doc_build_seq(doc);
	veil_doc_add_item(list, NULL, veil_doc_build_scalar(doc, "a", 1, VEIL_SCALAR_STR));
	m = veil_doc_build_map(doc);
	veil_doc_add_item(m, "k", veil_doc_build_scalar(doc, "v", 1, VEIL_SCALAR_STR));
	veil_doc_add_item(m, "pem", veil_doc_build_scalar(doc, "x\ny", 3, VEIL_SCALAR_STR));
	veil_doc_add_item(list, NULL, m);
	veil_doc_add_item(list, NULL, veil_doc_build_seq(doc));
	veil_doc_add_item(root, "list", list);
	n = veil_doc_build_map(doc);
	veil_doc_add_item(n, "inner", veil_doc_build_map(doc));
	veil_doc_add_item(root, "nested", n);
	m = veil_doc__node_new(doc, VEIL_NODE_COMMENT);
	veil_doc__node_set_value(m, "a comment", 9);
	veil_doc_add_item(root, NULL, m);
	roots[0] = root;
	roots[1] = NULL;
	CHECK_INT(veil_doc_emit(&out, &len, VEIL_FMT_YAML, roots, 2, 4), 0);
	CHECK(out && strcmp(out, want) == 0);
	if (out && strcmp(out, want) != 0)
		fprintf(stderr, "  got:\n%s", out);
	CHECK_INT(veil_doc_parse(&back, VEIL_FMT_YAML, out, len, "emitted.yaml"), 0);
	if (back) {
		veil_node *r = veil_doc_root(back, 0);

		CHECK(veil_node_get(r, "port")->type == VEIL_SCALAR_INT);
		CHECK(veil_node_get(r, "quoted")->type == VEIL_SCALAR_STR);
		CHECK_STR(veil_node_get(r, "cert")->value, "line1\nline2\n");
		CHECK_STR(veil_node_get(veil_node_get(r, "list")->items[1], "pem")->value, "x\ny");
		CHECK(veil_node_get(r, "a: b") != NULL);
	}
	free(out);
	veil_doc_free(back);
	veil_doc_free(doc);
}

TEST(test_doc_yaml_emit__indent_two_and_reparse_of_test_data_shape)
{
	veil_doc *doc = NULL;
	veil_node *root, *s;
	char *out = NULL;
	size_t len = 0;

	CHECK_INT(
	        veil_doc_parse(&doc, VEIL_FMT_YAML, "a:\n  - x: 1\n    y: [1, 2]\n", 26, "in.yaml"),
	        0);
	if (!doc)
		return;
	root = veil_doc_root(doc, 0);
	s = root;
	CHECK_INT(veil_doc_emit(&out, &len, VEIL_FMT_YAML, &s, 1, 2), 0);
	CHECK(out && strcmp(out, "a:\n  - x: 1\n    \"y\":\n      - 1\n      - 2\n") == 0);
	free(out);
	veil_doc_free(doc);
}
