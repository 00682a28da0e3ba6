/* veil_sops_merge: three-way merges of encrypted files, value by value. */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "sops_fixture.h"
#include "veil/sops.h"

static char *enc(veil_doc_format fmt, const char *text, struct keys *k, veil_sops_cipher cipher)
{
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	const char *age[1] = { k->recipient };
	veil_sops_key_group g = { age, 1 };
	veil_doc *doc = NULL;
	char *out = NULL;
	size_t len;

	o.groups = &g;
	o.ngroups = 1;
	o.cipher = cipher;
	if (veil_doc_parse(&doc, fmt, text, strlen(text), "t") < 0 ||
	    veil_sops_encrypt(doc, &o) < 0 || veil_sops_render(&out, &len, doc) < 0)
		fprintf(stderr, "  encrypt: %s\n", veil_error_last());
	veil_doc_free(doc);
	return out;
}

/* The plaintext, MAC verified; NULL if it does not decrypt. */
static char *dec(veil_doc_format fmt, const char *text, const veil_identities *ids)
{
	veil_sops_decrypt_options o = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	veil_doc *doc = NULL;
	char *out = NULL;
	size_t len;

	o.identities = ids;
	if (!text || veil_doc_parse(&doc, fmt, text, strlen(text), "t") < 0 ||
	    veil_sops_decrypt(doc, &o) < 0 || veil_doc_render(&out, &len, doc) < 0) {
		fprintf(stderr, "  decrypt: %s\n", veil_error_last());
		free(out);
		out = NULL;
	}
	veil_doc_free(doc);
	return out;
}

/* As veil edit: the plaintext with from replaced by to, sealed with reuse. */
static char *edit(veil_doc_format fmt, const char *text, const veil_identities *ids,
                  const char *from, const char *to)
{
	veil_sops_encrypt_options o = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	char *pt = dec(fmt, text, ids), *p, *out = NULL, *np = NULL;
	veil_doc *reuse = NULL, *doc = NULL;
	size_t len;

	if (!pt || !(p = strstr(pt, from)))
		goto done;
	np = malloc(strlen(pt) + strlen(to) + 1);
	memcpy(np, pt, (size_t)(p - pt));
	strcpy(np + (p - pt), to);
	strcat(np, p + strlen(from));
	o.reuse = NULL;
	o.identities = ids;
	if (veil_doc_parse(&reuse, fmt, text, strlen(text), "t") < 0 ||
	    veil_doc_parse(&doc, fmt, np, strlen(np), "t") < 0)
		goto done;
	o.reuse = reuse;
	if (veil_sops_encrypt(doc, &o) < 0 || veil_sops_render(&out, &len, doc) < 0)
		fprintf(stderr, "  edit: %s\n", veil_error_last());
done:
	veil_doc_free(reuse);
	veil_doc_free(doc);
	free(pt);
	free(np);
	return out;
}

static int merge(veil_sops_merge_result *r, veil_doc_format fmt, const char *o, const char *a,
                 const char *b, const veil_identities *ids)
{
	veil_sops_merge_options opts = VEIL_SOPS_MERGE_OPTIONS_INIT;

	opts.identities = ids;
	if (!a || !b)
		return -1000;
	return veil_sops_merge(r, fmt, "t", o ? o : "", o ? strlen(o) : 0, a, strlen(a), b,
	                       strlen(b), &opts);
}

/* The line of text holding key (as a copy), to compare ciphertexts. */
static char *line_of(const char *text, const char *key)
{
	const char *p = text ? strstr(text, key) : NULL, *s, *e;
	char *out;

	if (!p)
		return strdup("(none)");
	for (s = p; s > text && s[-1] != '\n'; s--)
		;
	e = strchr(p, '\n');
	e = e ? e : p + strlen(p);
	out = malloc((size_t)(e - s) + 1);
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
	return out;
}

static int same_line(const char *x, const char *y, const char *key)
{
	char *a = line_of(x, key), *b = line_of(y, key);
	int same = !strcmp(a, b);

	free(a);
	free(b);
	return same;
}

static const char base_yaml[] = "# settings\n"
                                "db:\n"
                                "  user: admin\n"
                                "  password: one\n"
                                "  host: db.local\n"
                                "api_key: two\n"
                                "list:\n"
                                "  - x\n"
                                "  - z\n"
                                "port: 5432\n";

static void different_values(veil_doc_format fmt, const char *base_text, const char *k1,
                             const char *v1, const char *w1, const char *k2, const char *v2,
                             const char *w2, const char *want, veil_sops_cipher cipher)
{
	struct keys k;
	veil_sops_merge_result r = { 0 };
	char *o, *a = NULL, *b = NULL, *pt = NULL;

	make_keys(&k);
	o = enc(fmt, base_text, &k, cipher);
	a = edit(fmt, o, k.ids, v1, w1);
	b = edit(fmt, o, k.ids, v2, w2);
	CHECK_INT(merge(&r, fmt, o, a, b, k.ids), 0);
	CHECK_INT(r.nconflicts, 0);
	CHECK(r.text != NULL);
	pt = dec(fmt, r.text, k.ids);
	CHECK(pt && !strcmp(pt, want));
	if (pt && strcmp(pt, want))
		fprintf(stderr, "--- got\n%s--- want\n%s", pt, want);
	/* each changed value has its side's ciphertext, unchanged ones the base's */
	CHECK(same_line(r.text, a, k1));
	CHECK(same_line(r.text, b, k2));
	CHECK(!same_line(r.text, o, k1) && !same_line(r.text, o, k2));
	if (strchr(base_text, '#')) /* an encrypted comment keeps its ciphertext too */
		CHECK(same_line(r.text, o, "#ENC["));
	free(pt);
	veil_sops_merge_result_dispose(&r);
	free(o);
	free(a);
	free(b);
	free_keys(&k);
}

TEST(test_sops_merge__yaml_adjacent_values_on_each_side)
{
	different_values(VEIL_FMT_YAML, base_yaml, "password:", "password: one", "password: uno",
	                 "host:", "host: db.local", "host: db.prod",
	                 "# settings\n"
	                 "db:\n"
	                 "  user: admin\n"
	                 "  password: uno\n"
	                 "  host: db.prod\n"
	                 "api_key: two\n"
	                 "list:\n"
	                 "  - x\n"
	                 "  - z\n"
	                 "port: 5432\n",
	                 VEIL_SOPS_AES256_GCM);
}

TEST(test_sops_merge__yaml_chacha)
{
	different_values(VEIL_FMT_YAML, base_yaml, "api_key:", "api_key: two", "api_key: dos",
	                 "port:", "port: 5432", "port: 6432",
	                 "# settings\n"
	                 "db:\n"
	                 "  user: admin\n"
	                 "  password: one\n"
	                 "  host: db.local\n"
	                 "api_key: dos\n"
	                 "list:\n"
	                 "  - x\n"
	                 "  - z\n"
	                 "port: 6432\n",
	                 VEIL_SOPS_CHACHA20_POLY1305);
}

TEST(test_sops_merge__json_and_dotenv)
{
	different_values(VEIL_FMT_JSON, "{\n\t\"a\": \"one\",\n\t\"b\": \"two\",\n\t\"c\": 3\n}\n",
	                 "\"a\"", "\"one\"", "\"uno\"", "\"b\"", "\"two\"", "\"dos\"",
	                 "{\n\t\"a\": \"uno\",\n\t\"b\": \"dos\",\n\t\"c\": 3\n}\n",
	                 VEIL_SOPS_AES256_GCM);
	different_values(VEIL_FMT_DOTENV, "A=one\nB=two\nC=three\n", "A=", "A=one", "A=uno",
	                 "B=", "B=two", "B=dos", "A=uno\nB=dos\nC=three\n", VEIL_SOPS_AES256_GCM);
}

TEST(test_sops_merge__identical_change_added_and_removed_keys)
{
	struct keys k;
	veil_sops_merge_result r = { 0 };
	char *o, *a1, *a, *b1, *b, *pt = NULL;

	make_keys(&k);
	o = enc(VEIL_FMT_YAML, base_yaml, &k, 0);
	a1 = edit(VEIL_FMT_YAML, o, k.ids, "api_key: two", "api_key: same");
	a = edit(VEIL_FMT_YAML, a1, k.ids, "port: 5432\n", "port: 5432\nnew_a: added\n");
	b1 = edit(VEIL_FMT_YAML, o, k.ids, "api_key: two", "api_key: same");
	b = edit(VEIL_FMT_YAML, b1, k.ids, "  user: admin\n", "");
	CHECK_INT(merge(&r, VEIL_FMT_YAML, o, a, b, k.ids), 0);
	CHECK_INT(r.nconflicts, 0);
	pt = dec(VEIL_FMT_YAML, r.text, k.ids);
	CHECK(pt && !strcmp(pt, "# settings\n"
	                        "db:\n"
	                        "  password: one\n"
	                        "  host: db.local\n"
	                        "api_key: same\n"
	                        "list:\n"
	                        "  - x\n"
	                        "  - z\n"
	                        "port: 5432\n"
	                        "new_a: added\n"));
	CHECK(same_line(r.text, a, "api_key:") && same_line(r.text, a, "new_a:"));
	CHECK(same_line(r.text, o, "password:") && same_line(r.text, o, "  - x"));
	free(pt);
	veil_sops_merge_result_dispose(&r);
	free(o);
	free(a1);
	free(a);
	free(b1);
	free(b);
	free_keys(&k);
}

static int count_shown;

static int show(void *payload, const veil_sops_merge_conflict *c,
                const veil_sops_merge_value sides[3])
{
	(void)payload;
	count_shown++;
	CHECK_STR(c->path, "[\"db\"][\"password\"]");
	CHECK(sides[0].pt && sides[0].len == 3 && !memcmp(sides[0].pt, "one", 3));
	CHECK(sides[1].pt && sides[1].len == 4 && !memcmp(sides[1].pt, "ours", 4));
	CHECK(sides[2].pt && sides[2].len == 6 && !memcmp(sides[2].pt, "theirs", 6));
	CHECK_STR(sides[1].type, "str");
	return 0;
}

TEST(test_sops_merge__conflict_is_listed_and_a_choice_resolves_it)
{
	veil_sops_merge_options opts = VEIL_SOPS_MERGE_OPTIONS_INIT;
	veil_sops_merge_value choice = { (const uint8_t *)"chosen", 6, "str" };
	struct keys k;
	veil_sops_merge_result r = { 0 };
	char *o, *a, *b, *pt = NULL;

	make_keys(&k);
	o = enc(VEIL_FMT_YAML, base_yaml, &k, 0);
	a = edit(VEIL_FMT_YAML, o, k.ids, "password: one", "password: ours");
	b = edit(VEIL_FMT_YAML, o, k.ids, "password: one", "password: theirs");
	CHECK_INT(merge(&r, VEIL_FMT_YAML, o, a, b, k.ids), 0);
	CHECK_INT(r.nconflicts, 1);
	CHECK(r.text == NULL);
	if (r.nconflicts == 1) {
		CHECK_INT(r.conflicts[0].kind, VEIL_SOPS_MERGE_VALUE);
		CHECK_STR(r.conflicts[0].path, "[\"db\"][\"password\"]");
		CHECK_INT(r.conflicts[0].line, 4);
	}
	veil_sops_merge_result_dispose(&r);

	opts.identities = k.ids;
	opts.show = show;
	opts.choices = &choice;
	opts.nchoices = 1;
	count_shown = 0;
	CHECK_INT(veil_sops_merge(&r, VEIL_FMT_YAML, "t", o, strlen(o), a, strlen(a), b, strlen(b),
	                          &opts),
	          0);
	CHECK_INT(count_shown, 1);
	CHECK_INT(r.nconflicts, 0);
	pt = dec(VEIL_FMT_YAML, r.text, k.ids);
	CHECK(pt && strstr(pt, "  password: chosen\n"));
	free(pt);
	veil_sops_merge_result_dispose(&r);
	free(o);
	free(a);
	free(b);
	free_keys(&k);
}

TEST(test_sops_merge__without_an_identity_nothing_is_merged)
{
	struct keys k, other;
	veil_sops_merge_result r = { 0 };
	char *o, *a, *b;

	make_keys(&k);
	make_keys(&other);
	o = enc(VEIL_FMT_YAML, base_yaml, &k, 0);
	a = edit(VEIL_FMT_YAML, o, k.ids, "password: one", "password: uno");
	b = edit(VEIL_FMT_YAML, o, k.ids, "host: db.local", "host: db.prod");
	CHECK_INT(merge(&r, VEIL_FMT_YAML, o, a, b, other.ids), VEIL_ENOMATCH);
	CHECK(r.text == NULL && r.nconflicts == 0);
	/* a side equal to the base needs no key: the other side is the answer */
	CHECK_INT(merge(&r, VEIL_FMT_YAML, o, o, b, other.ids), 0);
	CHECK(r.text && !strcmp(r.text, b));
	veil_sops_merge_result_dispose(&r);
	free(o);
	free(a);
	free(b);
	free_keys(&k);
	free_keys(&other);
}

/* A new data key on theirs (rotate): the result has it, and ours' change is
 * encrypted under it. */
TEST(test_sops_merge__one_side_rotated)
{
	struct keys k;
	veil_sops_merge_result r = { 0 };
	char *o, *a, *b, *pt = NULL, *bpt = NULL;

	make_keys(&k);
	o = enc(VEIL_FMT_YAML, base_yaml, &k, 0);
	a = edit(VEIL_FMT_YAML, o, k.ids, "password: one", "password: uno");
	bpt = dec(VEIL_FMT_YAML, o, k.ids);
	b = bpt ? enc(VEIL_FMT_YAML, bpt, &k, 0) : NULL; /* same text, new key */
	CHECK_INT(merge(&r, VEIL_FMT_YAML, o, a, b, k.ids), 0);
	CHECK_INT(r.nconflicts, 0);
	pt = dec(VEIL_FMT_YAML, r.text, k.ids);
	CHECK(pt && strstr(pt, "password: uno\n") && strstr(pt, "host: db.local\n"));
	CHECK(same_line(r.text, b, "host:") && same_line(r.text, b, "  enc: |"));
	free(pt);
	free(bpt);
	veil_sops_merge_result_dispose(&r);
	free(o);
	free(a);
	free(b);
	free_keys(&k);
}

/* Both sides re-keyed differently: refused as a conflict of metadata. */
TEST(test_sops_merge__both_rotated_is_a_conflict)
{
	struct keys k;
	veil_sops_merge_result r = { 0 };
	char *o, *a, *b, *pt;

	make_keys(&k);
	o = enc(VEIL_FMT_YAML, base_yaml, &k, 0);
	pt = dec(VEIL_FMT_YAML, o, k.ids);
	a = pt ? enc(VEIL_FMT_YAML, pt, &k, 0) : NULL;
	b = pt ? enc(VEIL_FMT_YAML, pt, &k, 0) : NULL;
	CHECK_INT(merge(&r, VEIL_FMT_YAML, o, a, b, k.ids), 0);
	CHECK_INT(r.nconflicts, 1);
	CHECK(r.nconflicts && r.conflicts[0].kind == VEIL_SOPS_MERGE_METADATA);
	veil_sops_merge_result_dispose(&r);
	free(pt);
	free(o);
	free(a);
	free(b);
	free_keys(&k);
}

/* Changed on one side, removed on the other: a conflict in the text. */
TEST(test_sops_merge__modify_delete_conflicts)
{
	struct keys k;
	veil_sops_merge_result r = { 0 };
	char *o, *a, *b;

	make_keys(&k);
	o = enc(VEIL_FMT_YAML, base_yaml, &k, 0);
	a = edit(VEIL_FMT_YAML, o, k.ids, "api_key: two", "api_key: changed");
	b = edit(VEIL_FMT_YAML, o, k.ids, "api_key: two\n", "");
	CHECK_INT(merge(&r, VEIL_FMT_YAML, o, a, b, k.ids), 0);
	CHECK_INT(r.nconflicts, 1);
	CHECK(r.nconflicts && r.conflicts[0].kind == VEIL_SOPS_MERGE_TEXT &&
	      r.conflicts[0].line == 6);
	veil_sops_merge_result_dispose(&r);
	free(o);
	free(a);
	free(b);
	free_keys(&k);
}

/* Keys both sides added at one place are taken together; the same key
 * added with different values is a conflict. */
TEST(test_sops_merge__keys_added_on_both_sides)
{
	struct keys k;
	veil_sops_merge_result r = { 0 };
	char *o, *a, *b, *b2, *pt = NULL;

	make_keys(&k);
	o = enc(VEIL_FMT_YAML, base_yaml, &k, 0);
	a = edit(VEIL_FMT_YAML, o, k.ids, "port: 5432\n", "port: 5432\nfrom_ours: x1\n");
	b = edit(VEIL_FMT_YAML, o, k.ids, "port: 5432\n", "port: 5432\nfrom_theirs: x2\n");
	CHECK_INT(merge(&r, VEIL_FMT_YAML, o, a, b, k.ids), 0);
	CHECK_INT(r.nconflicts, 0);
	pt = dec(VEIL_FMT_YAML, r.text, k.ids);
	CHECK(pt && strstr(pt, "port: 5432\nfrom_ours: x1\nfrom_theirs: x2\n"));
	CHECK(same_line(r.text, a, "from_ours:") && same_line(r.text, b, "from_theirs:"));
	free(pt);
	veil_sops_merge_result_dispose(&r);
	b2 = edit(VEIL_FMT_YAML, o, k.ids, "port: 5432\n", "port: 5432\nfrom_ours: x3\n");
	CHECK_INT(merge(&r, VEIL_FMT_YAML, o, a, b2, k.ids), 0);
	CHECK_INT(r.nconflicts, 1);
	CHECK(r.nconflicts && r.conflicts[0].kind == VEIL_SOPS_MERGE_VALUE);
	veil_sops_merge_result_dispose(&r);
	/* taken together they would hold one key twice: a conflict instead */
	free(b2);
	b2 = edit(VEIL_FMT_YAML, o, k.ids, "port: 5432\n", "port: 5432\nfrom_ours: x1\nmore: y\n");
	CHECK_INT(merge(&r, VEIL_FMT_YAML, o, a, b2, k.ids), 0);
	CHECK(r.text == NULL && r.nconflicts == 1 && r.conflicts[0].kind == VEIL_SOPS_MERGE_TEXT);
	veil_sops_merge_result_dispose(&r);
	free(o);
	free(a);
	free(b);
	free(b2);
	free_keys(&k);
}

TEST(test_sops_merge__ini)
{
	different_values(VEIL_FMT_INI, "[db]\nuser = admin\ncolor = one\nhost = local\n", "color",
	                 "color = one", "color = uno", "host", "host = local", "host = prod",
	                 "[db]\nuser = admin\ncolor = uno\nhost = prod\n", VEIL_SOPS_AES256_GCM);
}
