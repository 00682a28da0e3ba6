/*
 * INI values written back the way gopkg.in/ini.v1 (sops's INI library) reads
 * them: its writer's form when that reads back with the rest of the line
 * after it, another form when not, and a refusal naming the reason when no
 * form can (nothing wrong is ever written: the render re-parses).
 */
#include "doc_testutil.h"

/* Parses src, sets the value at path (or the comment after it when
 * comment is set) and renders; NULL with the error kept when refused. */
static char *set_ini(const char *src, const char *path, const char *value, int comment, int *rc)
{
	veil_doc *doc = NULL;
	veil_node *n;
	char *out = NULL;
	size_t len;

	*rc = veil_doc_parse(&doc, VEIL_FMT_INI, src, strlen(src), "t.ini");
	if (*rc < 0)
		return NULL;
	n = (veil_node *)doc_test_at(veil_doc_root(doc, 0), path);
	if (n && comment) {
		const veil_node *sec = n->parent;
		size_t i = 0;

		while (i < sec->nitems && sec->items[i] != n)
			i++;
		n = i + 1 < sec->nitems ? sec->items[i + 1] : NULL;
	}
	*rc = n ? veil_doc_set_value(doc, n, value, strlen(value), VEIL_SCALAR_STR) : -1;
	if (*rc == 0)
		*rc = veil_doc_render(&out, &len, doc);
	veil_doc_free(doc);
	return out;
}

static int writes(const char *src, const char *path, const char *value, int comment,
                  const char *want)
{
	int rc;
	char *out = set_ini(src, path, value, comment, &rc);
	int ok = out && !strcmp(out, want);

	if (!ok)
		fprintf(stderr, "  got <%s> want <%s> (%s)\n", out ? out : "(null)", want,
		        veil_error_last());
	free(out);
	return ok;
}

static int refused(const char *src, const char *path, const char *value, int comment,
                   const char *msg)
{
	int rc;
	char *out = set_ini(src, path, value, comment, &rc);
	int ok = !out && rc == VEIL_EINVAL && strstr(veil_error_last(), msg);

	if (!ok)
		fprintf(stderr, "  got %d <%s> '%s', want '%s'\n", rc, out ? out : "(null)",
		        veil_error_last(), msg);
	free(out);
	return ok;
}

static int reads(const char *src, const char *path, const char *want)
{
	veil_doc *doc = NULL;
	const veil_node *n;
	int ok;

	if (veil_doc_parse(&doc, VEIL_FMT_INI, src, strlen(src), "t.ini") < 0) {
		fprintf(stderr, "  %s\n", veil_error_last());
		return 0;
	}
	n = doc_test_at(veil_doc_root(doc, 0), path);
	ok = n && n->value_len == strlen(want) && !memcmp(n->value, want, n->value_len);
	if (!ok)
		fprintf(stderr, "  read <%s> want <%s>\n", n ? n->value : "(none)", want);
	veil_doc_free(doc);
	return ok;
}

/* ini.v1 closes a multi-line """ value at the first later line holding
 * """ (its last one): """ may stand in the value's last line only. */
TEST(test_doc_ini_quoting__triple_quote_in_a_multi_line_value)
{
	/* fuzz_doc's reproducer: read, then written back to the same bytes */
	const char *repro = "t,kg: \"\"\"acease.inal\"4 *port\": 539# Hseey\" v\n"
	                    ":t,kg: \"\"\"acease.inal\"4 \"\"\"";
	const char *src = "[s]\nk = v ; note\n";

	CHECK(reads(repro, "DEFAULT/t,kg",
	            "acease.inal\"4 *port\": 539# Hseey\" v\n"
	            ":t,kg: \"\"\"acease.inal\"4 "));
	CHECK(writes(repro, "DEFAULT/t,kg",
	             "acease.inal\"4 *port\": 539# Hseey\" v\n"
	             ":t,kg: \"\"\"acease.inal\"4 ",
	             0, repro));
	CHECK(writes(src, "s/k", "a\nb\"\"\"c", 0, "[s]\nk = \"\"\"a\nb\"\"\"c\"\"\" ; note\n"));
	CHECK(writes(src, "s/k", "a\nb\"\"\"", 0, "[s]\nk = \"\"\"a\nb\"\"\"\"\"\" ; note\n"));
	CHECK(reads("[s]\nk = \"\"\"a\nb\"\"\"\"\"\" ; note\n", "s/k", "a\nb\"\"\""));
	/* on the first line (read as a one-line value) or a middle line
	 * (the value would end there): refused, as sops cannot read it */
	CHECK(refused(src, "s/k", "a\"\"\"\nb", 0, "cannot hold \"\"\" before its last line"));
	CHECK(refused(src, "s/k", "a\nb\"\"\"\nc", 0, "before its last line"));
	CHECK(refused(src, "s/k", "\"\"\"\n", 0, "before its last line"));
	/* a comment after it holding """ would close it */
	CHECK(refused("[s]\nk = v ; \"\"\"\n", "s/k", "a\nb", 0, "comment on its line"));
}

/* ini.v1 reads """ at the start of a value as a quote when the line holds
 * more than those three bytes, counting its blanks and line break. */
TEST(test_doc_ini_quoting__triple_quote_opening_counts_the_line_break)
{
	CHECK(reads("[s]\nk = \"\"\"\nx\"\"\"\n", "s/k", "\nx"));
	CHECK(reads("[s]\nk = \"\"\"  \nx\"\"\"\n", "s/k", "  \nx"));
	CHECK(reads("[s]\nk = \"\"\"", "s/k", "\"\"\""));
	CHECK(writes("[s]\nk = v\n", "s/k", "\nx", 0, "[s]\nk = \"\"\"\nx\"\"\"\n"));
	CHECK(writes("[s]\nk = v\n", "s/k", "\n", 0, "[s]\nk = \"\"\"\n\"\"\"\n"));
}

/* A backtick matters to the reader only at the start of a value; ini.v1's
 * writer triple-quotes any, which a """ in the comment after it closes. */
TEST(test_doc_ini_quoting__backtick_value_before_a_comment)
{
	const char *repro = "a=E`#\"\"\"\n";

	CHECK(reads(repro, "DEFAULT/a", "E`"));
	CHECK(writes(repro, "DEFAULT/a", "E`", 0, repro));
	CHECK(writes("a=v\n", "DEFAULT/a", "E`", 0, "a=\"\"\"E`\"\"\"\n"));
	CHECK(writes(repro, "DEFAULT/a", "`x", 0, "a=``x`#\"\"\"\n"));
	/* ';' and '#' take backticks, or """ when the comment holds one */
	CHECK(writes("[s]\nk = v ;c `x`\n", "s/k", "a#b", 0, "[s]\nk = \"\"\"a#b\"\"\" ;c `x`\n"));
	CHECK(writes("[s]\nk = v ;c\n", "s/k", "a#b", 0, "[s]\nk = `a#b` ;c\n"));
	/* outer blanks and '"': """, else `...`, else '...' */
	CHECK(writes("[s]\nk = v ;c\n", "s/k", " a\"b ", 0, "[s]\nk = \"\"\" a\"b \"\"\" ;c\n"));
	CHECK(writes("[s]\nk = v ;\"\"\"\n", "s/k", " a\"b ", 0, "[s]\nk = ` a\"b ` ;\"\"\"\n"));
	CHECK(writes("[s]\nk = v ;`\"\"\"\n", "s/k", " a\"b ", 0, "[s]\nk = ' a\"b ' ;`\"\"\"\n"));
	/* no form: ` and """ both closed by the comment, and ';' in the value */
	CHECK(refused("[s]\nk = v ;`\"\"\"\n", "s/k", "a;b", 0, "comment on its line"));
}

/* A comment set after its value was written must not close the value's
 * quote; set before, the value's form takes it into account. */
TEST(test_doc_ini_quoting__inline_comment_and_the_quote_before_it)
{
	const char *src = "[s]\nk = `a#b` ;c\nm = x ;d\n";

	CHECK(writes(src, "s/k", "plain", 1, "[s]\nk = `a#b` ;plain\nm = x ;d\n"));
	CHECK(refused(src, "s/k", "see `x`", 1, "closing quote of the value before it"));
	CHECK(refused("[s]\nk = \"\"\"a\nb\"\"\" ;c\n", "s/k", "\"\"\"", 1,
	              "closing quote of the value before it"));
	/* a bare value's line must not end in '\' (a continuation line) */
	CHECK(refused(src, "s/m", "dir\\", 1, "end its line with"));
	CHECK(writes(src, "s/k", "dir\\", 1, "[s]\nk = `a#b` ;dir\\\nm = x ;d\n"));
}

/* Decryption sets a value, then the comment after it: a comment that
 * would close the value's quote makes the value take another form. */
TEST(test_doc_ini_quoting__value_first_then_a_comment_closing_its_quote)
{
	const char *src = "[s]\nk = v ;c\nm = w ;d\n";
	veil_doc *doc = NULL;
	veil_node *sec;
	char *out = NULL;
	size_t len;

	CHECK_INT(veil_doc_parse(&doc, VEIL_FMT_INI, src, strlen(src), "t.ini"), 0);
	if (!doc)
		return;
	sec = veil_node_get(veil_doc_root(doc, 0), "s");
	CHECK(sec && sec->nitems == 4);
	if (!sec || sec->nitems != 4)
		goto done;
	CHECK_INT(veil_doc_set_value(doc, sec->items[0], "a#b", 3, VEIL_SCALAR_STR), 0);
	CHECK_INT(veil_doc_set_value(doc, sec->items[1], "c `x`", 5, VEIL_SCALAR_STR), 0);
	CHECK_INT(veil_doc_set_value(doc, sec->items[2], "E`", 2, VEIL_SCALAR_STR), 0);
	CHECK_INT(veil_doc_set_value(doc, sec->items[3], "\"\"\"", 3, VEIL_SCALAR_STR), 0);
	CHECK_INT(veil_doc_render(&out, &len, doc), 0);
	CHECK(out && !strcmp(out, "[s]\nk = \"\"\"a#b\"\"\" ;c `x`\nm = E` ;\"\"\"\n"));
	/* no form fits both: ';' and '#' need a quote the comment closes */
	CHECK_INT(veil_doc_set_value(doc, sec->items[2], "a;b", 3, VEIL_SCALAR_STR), 0);
	CHECK_INT(veil_doc_set_value(doc, sec->items[3], "`\"\"\"", 4, VEIL_SCALAR_STR),
	          VEIL_EINVAL);
	CHECK(strstr(veil_error_last(), "closing quote of the value before it") != NULL);
done:
	free(out);
	veil_doc_free(doc);
}

TEST(test_doc_ini_quoting__comment_first_then_value)
{
	const char *src = "[s]\nk = v ;c\n";
	veil_doc *doc = NULL;
	veil_node *sec, *k;
	char *out = NULL;
	size_t len;

	CHECK_INT(veil_doc_parse(&doc, VEIL_FMT_INI, src, strlen(src), "t.ini"), 0);
	if (!doc)
		return;
	sec = veil_node_get(veil_doc_root(doc, 0), "s");
	k = veil_node_get(sec, "k");
	CHECK(sec && k && sec->nitems == 2 && sec->items[1]->kind == VEIL_NODE_COMMENT);
	if (!sec || sec->nitems != 2)
		goto done;
	CHECK_INT(veil_doc_set_value(doc, sec->items[1], "c `x`", 5, VEIL_SCALAR_STR), 0);
	CHECK_INT(veil_doc_set_value(doc, k, "a#b", 3, VEIL_SCALAR_STR), 0);
	CHECK_INT(veil_doc_render(&out, &len, doc), 0);
	CHECK(out && !strcmp(out, "[s]\nk = \"\"\"a#b\"\"\" ;c `x`\n"));
done:
	free(out);
	veil_doc_free(doc);
}

/* A carriage return that is not before a line feed: the parser refuses
 * such files, so no value or comment may bring one in. */
TEST(test_doc_ini_quoting__lone_carriage_return)
{
	const char *src = "[s]\nk = v ;c\n";
	veil_doc *doc = NULL;

	CHECK(refused(src, "s/k", "a\rb", 0, "carriage return"));
	CHECK(refused(src, "s/k", "a\r", 0, "carriage return"));
	CHECK(refused(src, "s/k", "x\r", 1, "cannot span lines"));
	CHECK(writes(src, "s/k", "a\r\nb", 0, "[s]\nk = \"\"\"a\r\nb\"\"\" ;c\n"));
	CHECK(veil_doc_parse(&doc, VEIL_FMT_INI, "; a\rb\nk = v\n", 12, "t.ini") == VEIL_EFORMAT);
	CHECK(strstr(veil_error_last(), "carriage return") != NULL);
	veil_doc_free(doc);
}
