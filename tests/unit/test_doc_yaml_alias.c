/* Alias expansion (issue 11): a document whose aliases expand past
 * go-yaml's rule is refused while it is parsed, at once and in little
 * memory; the walk's MAC sees an alias as the values it expands to (as sops
 * does) for any number of anchors, nested or not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "sops/walk.h"
#include "util/buf.h"
#include "veil/doc.h"

static int parse_code(const char *src, const char *want_msg)
{
	veil_doc *doc = NULL;
	int error = veil_doc_parse(&doc, VEIL_FMT_YAML, src, strlen(src), "t.yaml");

	veil_doc_free(doc);
	if (want_msg && !strstr(veil_error_last(), want_msg)) {
		fprintf(stderr, "  got message: %s\n", veil_error_last());
		return 1;
	}
	return error;
}

/* levels of "aK: &aK [*aK-1 x width]" over a scalar, block or flow */
static char *laughs(int levels, int width, int block)
{
	veil_buf b = VEIL_BUF_INIT(0);

	veil_buf_printf(&b, "a0: &a0 \"lol\"\n");
	for (int k = 1; k <= levels; k++) {
		veil_buf_printf(&b, block ? "a%d: &a%d\n" : "a%d: &a%d [", k, k);
		for (int i = 0; i < width; i++) {
			if (block)
				veil_buf_printf(&b, "  - *a%d\n", k - 1);
			else
				veil_buf_printf(&b, "%s*a%d", i ? "," : "", k - 1);
		}
		veil_buf_printf(&b, block ? "" : "]\n");
	}
	return (char *)veil_buf_detach(&b, NULL);
}

TEST(test_doc_yaml_alias__billion_laughs_is_refused_while_parsing)
{
	char *flow = laughs(10, 44, 0), *block = laughs(10, 10, 1), *small = laughs(4, 10, 0);

	CHECK_INT(parse_code(flow, "t.yaml:4:"), VEIL_ELIMIT);
	CHECK(strstr(veil_error_last(), "document contains excessive aliasing") != NULL);
	CHECK_INT(parse_code(block, "excessive aliasing"), VEIL_ELIMIT);
	/* four levels of ten: 12,470 decoded nodes, 99.6% from aliases */
	CHECK_INT(parse_code(small, "excessive aliasing"), VEIL_ELIMIT);
	free(flow);
	free(block);
	free(small);
	/* merge keys and maps count the same way */
	{
		veil_buf b = VEIL_BUF_INIT(0);
		char *src;

		veil_buf_printf(&b, "m0: &m0 {k: v, l: w}\n");
		for (int k = 1; k <= 8; k++)
			veil_buf_printf(
			        &b, "m%d: &m%d {a: *m%d, b: *m%d, c: *m%d, d: *m%d, <<: *m%d}\n", k,
			        k, k - 1, k - 1, k - 1, k - 1, k - 1);
		src = (char *)veil_buf_detach(&b, NULL);
		CHECK_INT(parse_code(src, "excessive aliasing"), VEIL_ELIMIT);
		free(src);
	}
}

TEST(test_doc_yaml_alias__ordinary_anchors_are_fine)
{
	veil_buf b = VEIL_BUF_INIT(0);
	char *src;

	/* Helm-style: defaults merged into many entries, each alias small */
	veil_buf_printf(&b, "defaults: &d {image: app, tag: \"1.0\", replicas: 2}\n");
	for (int i = 0; i < 500; i++)
		veil_buf_printf(&b,
		                "svc%d:\n  <<: *d\n  name: s%d\n  ref: &r%d x%d\n  again: *r%d\n",
		                i, i, i, i, i);
	src = (char *)veil_buf_detach(&b, NULL);
	CHECK_INT(parse_code(src, NULL), 0);
	free(src);
	/* 99% from aliases, but under go-yaml's floor of 1000 nodes */
	src = laughs(2, 30, 0);
	CHECK_INT(parse_code(src, NULL), 0);
	free(src);
	/* three levels of ten: 1,268 nodes, 97% from aliases: go-yaml reads it */
	src = laughs(3, 10, 0);
	CHECK_INT(parse_code(src, NULL), 0);
	free(src);
}

TEST(test_doc_yaml_alias__an_anchor_inside_itself)
{
	CHECK_INT(parse_code("a: &a [1, *a]\n", "t.yaml:1:11: anchor 'a' value contains itself"),
	          VEIL_EFORMAT);
	CHECK_INT(parse_code("a: &a {b: {c: *a}}\n", "contains itself"), VEIL_EFORMAT);
	/* a later anchor of the same name is another node */
	CHECK_INT(parse_code("a: &a 1\nb: &a [*a]\n", "contains itself"), VEIL_EFORMAT);
	CHECK_INT(parse_code("a: &a 1\nb: [*a, &a 2, *a]\n", NULL), 0);
}

/* The MAC of a document with aliases is the MAC of the same document with
 * each alias written out (sops expands them), here with every value left
 * plain so the MAC covers them all. */
static int mac_of(const char *src, char hex[VEIL_SOPS_MAC_HEX + 1])
{
	static const uint8_t key[32] = { 1 };
	veil_sops_walk_opts w = { 0 };
	veil_doc *doc = NULL;
	int error = veil_doc_parse(&doc, VEIL_FMT_YAML, src, strlen(src), "t.yaml");

	w.key = key;
	w.cipher = VEIL_SOPS_AES256_GCM;
	w.sel = VEIL_SEL_UNENCRYPTED_REGEX;
	w.sel_value = ".";
	if (error == 0)
		error = veil_sops__walk(doc, &w, hex);
	veil_doc_free(doc);
	return error;
}

TEST(test_doc_yaml_alias__mac_sees_expanded_aliases)
{
	char h1[VEIL_SOPS_MAC_HEX + 1], h2[VEIL_SOPS_MAC_HEX + 1];
	veil_buf a = VEIL_BUF_INIT(0), b = VEIL_BUF_INIT(0);
	char *sa, *sb;

	CHECK_INT(mac_of("x: &x {p: 1, q: [2, &y three]}\nz: [*y, *x]\n", h1), 0);
	CHECK_INT(mac_of("x: {p: 1, q: [2, three]}\nz: [three, {p: 1, q: [2, three]}]\n", h2), 0);
	CHECK(!strcmp(h1, h2));
	/* more anchors than the walk once had slots for (64), nested */
	for (int i = 0; i < 100; i++) {
		veil_buf_printf(&a, "a%d: &a%d {v: &v%d val%d, w: [*v%d]}\n", i, i, i, i, i);
		veil_buf_printf(&b, "a%d: {v: val%d, w: [val%d]}\n", i, i, i);
	}
	for (int i = 0; i < 100; i++) {
		veil_buf_printf(&a, "b%d: *a%d\nc%d: *v%d\n", i, i, i, i);
		veil_buf_printf(&b, "b%d: {v: val%d, w: [val%d]}\nc%d: val%d\n", i, i, i, i, i);
	}
	sa = (char *)veil_buf_detach(&a, NULL);
	sb = (char *)veil_buf_detach(&b, NULL);
	CHECK_INT(mac_of(sa, h1), 0);
	CHECK_INT(mac_of(sb, h2), 0);
	CHECK(!strcmp(h1, h2));
	free(sa);
	free(sb);
}
