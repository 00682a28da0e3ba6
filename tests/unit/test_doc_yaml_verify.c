/* The YAML render check that walks libyaml events beside the tree: it may
 * say "verified" only when the text really reads back right. */
#include <string.h>
#include "harness.h"
#include "doc/internal.h"
#include "doc/yaml.h"
#include "veil/doc.h"

static const veil_doc_edit *only_edit(void *ctx, const veil_node *node)
{
	const veil_doc *doc = ctx;

	return doc->nedits && doc->edits[0].node == node ? &doc->edits[0] : NULL;
}

static int check(veil_doc *doc, const char *text)
{
	veil_render_check chk = { only_edit, doc, 1, 0 };

	return veil_yaml__check_render(doc, text, strlen(text), &chk);
}

static veil_doc *edited(const char *src, const char *key, const char *value)
{
	veil_doc *doc = NULL;
	veil_node *n;

	if (veil_doc_parse(&doc, VEIL_FMT_YAML, src, strlen(src), "t.yaml") < 0)
		return NULL;
	n = veil_node_get(veil_doc_root(doc, 0), key);
	if (!n || veil_doc_set_value(doc, n, value, strlen(value), VEIL_SCALAR_STR) < 0) {
		veil_doc_free(doc);
		return NULL;
	}
	return doc;
}

TEST(test_doc_yaml_verify__accepts_the_right_text)
{
	veil_doc *doc = edited("# top\na: 1\nb: x # c\nl: [1, 2]\n", "b", "new value");

	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_INT(check(doc, "# top\na: 1\nb: new value # c\nl: [1, 2]\n"), 1);
	CHECK_INT(check(doc, "a: 1\nb: \"new value\"\nl:\n- 1\n- 2\n"), 1);
	veil_doc_free(doc);
}

TEST(test_doc_yaml_verify__unsure_on_any_difference)
{
	veil_doc *doc = edited("a: 1\nb: x\nl: [1, 2]\n", "b", "true");

	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_INT(check(doc, "a: 1\nb: \"true\"\nl: [1, 2]\n"), 1);
	CHECK_INT(check(doc, "a: 1\nb: true\nl: [1, 2]\n"), 0);                /* type changed */
	CHECK_INT(check(doc, "a: 1\nb: \"tru\"\nl: [1, 2]\n"), 0);             /* value changed */
	CHECK_INT(check(doc, "a: 1\nb:\n  c: d\nl: [1, 2]\n"), 0);             /* structure */
	CHECK_INT(check(doc, "a: 1\nB: \"true\"\nl: [1, 2]\n"), 0);            /* key */
	CHECK_INT(check(doc, "a: 1\nb: \"true\"\nl: [1, 2, 3]\n"), 0);         /* extra item */
	CHECK_INT(check(doc, "a: 1\nb: \"true\"\n"), 0);                       /* missing item */
	CHECK_INT(check(doc, "a: 1\nb: \"true\"\nl: [1, 2]\n---\nx: 1\n"), 0); /* extra doc */
	CHECK_INT(check(doc, "a: 1\nb: \"true\nl: [1, 2]\n"), 0);              /* does not parse */
	veil_doc_free(doc);
}

/* The full check still runs (and words the error) when the fast one is
 * unsure: a render that cannot read back is refused. */
TEST(test_doc_yaml_verify__render_still_verifies)
{
	veil_doc *doc = edited("a: 1\nb: x\n", "b", "multi\nline: value");
	char *out = NULL;
	size_t len = 0;

	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_INT(veil_doc_render(&out, &len, doc), 0);
	CHECK(out && strstr(out, "line: value") != NULL);
	free(out);
	veil_doc_free(doc);
}
