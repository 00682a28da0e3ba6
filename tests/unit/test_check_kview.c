/* The Kubernetes view of a text (src/lib/check/kview.c): documents as
 * kubectl and kustomize load them. Each test reads a text and prints what a
 * reader sees: per document, "kind=<the kinds>" and the stringData values
 * (as "key=value", merged entries included), and "!" for a document cut
 * short; offsets of values are checked against the text. */
#include "harness.h"
#include "check/kview.h"
#include <stdio.h>
#include <string.h>

struct seen {
	char out[1024];
	const char *text;
	int bad_offset;
	int exhausted;
};

static void add(struct seen *s, const char *fmt, const char *a, size_t alen)
{
	size_t n = strlen(s->out);
	snprintf(s->out + n, sizeof(s->out) - n, fmt, (int)alen, a);
}

static int kinds(void *arg, const veil_check__kn *key, const veil_check__kn *val)
{
	struct seen *s = arg;
	const veil_check__kn *v = veil_check__kderef(val);

	if (veil_check__kis(key, "kind") && v && v->kind == KV_SCALAR)
		add(s, "kind=%.*s ", v->v, v->vlen);
	return 0;
}

static int value(void *arg, const veil_check__kn *key, const veil_check__kn *val)
{
	struct seen *s = arg;
	const veil_check__kn *k = veil_check__kderef(key), *v = veil_check__kderef(val);

	if (!k || !v || v->kind != KV_SCALAR)
		return 0;
	add(s, "%.*s=", k->v, k->vlen);
	add(s, "%.*s ", v->v, v->vlen);
	/* a value's node is where its bytes are (or its alias is) */
	if (val->start >= strlen(s->text))
		s->bad_offset = 1;
	return 0;
}

struct walk {
	struct seen *s;
	veil_check__kview *v;
};

static int string_data(void *arg, const veil_check__kn *key, const veil_check__kn *val)
{
	struct walk *w = arg;

	if (veil_check__kis(key, "stringData"))
		veil_check__kview_each(w->v, val, value, w->s);
	return 0;
}

static int doc(void *arg, veil_check__kview *v, const veil_check__kdoc *d)
{
	struct seen *s = arg;
	const veil_check__kn *root = veil_check__kderef(d->root);
	struct walk w = { s, v };

	add(s, "%.*s", "[", 1);
	if (root && root->kind == KV_SEQ)
		for (size_t i = 0; i < root->nkids; i++)
			veil_check__kview_each(v, root->kids[i], kinds, s);
	veil_check__kview_each(v, root, kinds, s);
	veil_check__kview_each(v, root, string_data, &w);
	if (veil_check__kview_exhausted(v)) {
		s->exhausted = 1;
		add(s, "%.*s", "BUDGET ", 7);
	}
	if (d->partial)
		add(s, "%.*s", "! ", 2);
	add(s, "%.*s", "] ", 2);
	return 0;
}

static const char *view(struct seen *s, const char *text, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->text = text;
	CHECK_INT(veil_check__kview_read(text, len, doc, s), 0);
	CHECK(!s->bad_offset);
	return s->out;
}

#define EXPECT_VIEW(text, want)                                                      \
	do {                                                                         \
		struct seen s_;                                                      \
		const char *got_ = view(&s_, text, sizeof(text) - 1);                \
		if (strcmp(got_, want)) {                                            \
			char m_[1400];                                               \
			snprintf(m_, sizeof(m_), "got [%s], want [%s]", got_, want); \
			veil_test_fail(__FILE__, __LINE__, m_);                      \
		}                                                                    \
	} while (0)

TEST(test_check_kview__aliases_and_merge_keys)
{
	EXPECT_VIEW("kind: Secret\nmetadata:\n  a: &p v1\nstringData:\n  k: *p\n",
	            "[kind=Secret k=v1 ] ");
	EXPECT_VIEW("kind: Secret\nm: &d {a: 1, b: 2}\nstringData:\n  <<: *d\n  c: 3\n",
	            "[kind=Secret a=1 b=2 c=3 ] ");
	EXPECT_VIEW("kind: Secret\nx: &a {a: 1}\ny: &b {<<: *a, b: 2}\nstringData: {<<: [*b]}\n",
	            "[kind=Secret a=1 b=2 ] ");
	EXPECT_VIEW("t: &k Secret\nkind: *k\n", "[kind=Secret ] ");
	EXPECT_VIEW("b: &b {kind: Secret}\n<<: *b\n", "[kind=Secret ] ");
	/* an anchor seen inside itself is no alias (no cycle): the document
	 * ends there, as go-yaml refuses it */
	EXPECT_VIEW("kind: Secret\na: &x [*x]\n", "[kind=Secret ! ] ");
	/* anchors do not cross documents */
	EXPECT_VIEW("a: &p v\n---\nkind: Secret\nstringData: {k: *p}\n", "[] [kind=Secret ! ] ");
}

TEST(test_check_kview__escapes_tags_and_keys)
{
	EXPECT_VIEW("kind: \"\\x53ecret\"\n", "[kind=Secret ] ");
	EXPECT_VIEW("kind: \"\\u0053ecret\"\n", "[kind=Secret ] ");
	EXPECT_VIEW("kind: \"Sec\\\n  ret\"\n", "[kind=Secret ] ");
	EXPECT_VIEW("\"\\x6bind\": Secret\n", "[kind=Secret ] ");
	EXPECT_VIEW("kind: !!binary U2VjcmV0\n", "[kind=Secret ] ");
	EXPECT_VIEW("kind: !<tag:yaml.org,2002:binary> U2VjcmV0\n", "[kind=Secret ] ");
	EXPECT_VIEW("%TAG !e! tag:yaml.org,2002:\n---\nkind: !e!bin%61ry U2VjcmV0\n",
	            "[kind=Secret ] ");
	EXPECT_VIEW("kind: !custom Secret\n", "[kind=Secret ] ");
	/* keys sops refuses are kept: duplicates, numbers, complex keys */
	EXPECT_VIEW("kind: A\nkind: Secret\nstringData: {1: a, yes: b}\nstringData: {c: d}\n"
	            "? [x]\n: y\n",
	            "[kind=A kind=Secret 1=a yes=b c=d ] ");
}

TEST(test_check_kview__documents_are_read_apart)
{
	/* a syntax error ends its document only; what was read stays */
	EXPECT_VIEW("kind: Secret\n---\na: [\n---\nkind: B\n", "[kind=Secret ] [! ] [kind=B ] ");
	EXPECT_VIEW("kind: Secret\nstringData: {a: b}\nc: [\n", "[kind=Secret a=b ! ] ");
	/* a stray byte no YAML reader takes is read over */
	EXPECT_VIEW("# \0\nkind: Secret\n", "[kind=Secret ] ");
	EXPECT_VIEW("kind: Sec\x01ret\n", "[kind=Secret ] ");
	/* "..." then a bare document; a BOM after "---" */
	EXPECT_VIEW("kind: A\n...\nkind: Secret\n", "[kind=A ] [kind=Secret ] ");
	EXPECT_VIEW("kind: A\n---\n\xEF\xBB\xBFkind: Secret\n", "[kind=A ] [kind=Secret ] ");
	EXPECT_VIEW("kind: A\r\n---\r\nkind: Secret\r\n", "[kind=A ] [kind=Secret ] ");
	/* a template's action lines are blanked when it does not parse */
	EXPECT_VIEW("{{- if .Values.x }}\nkind: Secret\nstringData:\n  a: b\n{{- end }}\n",
	            "[kind=Secret a=b ] ");
	/* a list of objects */
	EXPECT_VIEW("- kind: Secret\n- kind: B\n", "[kind=Secret kind=B ] ");
}

TEST(test_check_kview__json)
{
	EXPECT_VIEW("{\"kind\":\"\\u0053ecret\",\"stringData\":{\"\\u0061\":\"b\"}}",
	            "[kind=Secret a=b ] ");
	/* a stream of values, as kubectl reads it */
	EXPECT_VIEW("{\"kind\":\"A\"}{\"kind\":\"Secret\"}\n{\"kind\":\"C\"}\n",
	            "[kind=A ] [kind=Secret ] [kind=C ] ");
	/* what libyaml refuses and Go reads: a lone surrogate, invalid UTF-8 */
	EXPECT_VIEW("{\"x\":\"\\ud83d\",\"kind\":\"Secret\"}", "[kind=Secret ] ");
	EXPECT_VIEW("{\"x\":\"\xff\",\"kind\":\"Secret\"}", "[kind=Secret ] ");
	EXPECT_VIEW("[{\"kind\":\"Secret\"}]", "[kind=Secret ] ");
}

TEST(test_check_kview__alias_bomb_ends)
{
	char text[4096];
	size_t n = 0;
	struct seen s;

	n += (size_t)snprintf(text + n, sizeof(text) - n, "kind: Secret\na0: &a0 {x: y}\n");
	for (int i = 1; i < 10; i++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, "a%d: &a%d {", i, i);
		for (int j = 0; j < 10; j++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "<<: *a%d, k%d: v, ",
			                      i - 1, j);
		n += (size_t)snprintf(text + n, sizeof(text) - n, "z: z}\n");
	}
	n += (size_t)snprintf(text + n, sizeof(text) - n, "stringData:\n  <<: [*a9, *a9]\n");
	view(&s, text, n);
	CHECK(s.exhausted);
}
