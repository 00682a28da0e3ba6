/*
 * YAML document codec speed on a generated file (default ~10 MiB, 100k
 * values): libyaml's bare event parse, veil's parse, and a decrypt-shaped
 * pass (parse an encrypted file, set every value to its plaintext, render
 * with the read-back check). The target is decrypt < 3x the libyaml parse.
 * Not built by CMake (bench/CMakeLists.txt is not this codec's); build with
 *   cc -O2 -Isrc/lib -Iinclude bench/doc-yaml-bench.c build/libveil.a \
 *      -lyaml -lsodium -lcrypto -o build/doc-yaml-bench
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>
#include "doc/codec.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);	/* CPU time: the machine is shared */
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double libyaml_parse(const char *s, size_t len)
{
	yaml_parser_t p;
	yaml_event_t ev;
	double t = now();
	int done = 0;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)s, len);
	while (!done && yaml_parser_parse(&p, &ev)) {
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return now() - t;
}

/* groups of 10 values: ENC strings when enc, else plaintext of ~the size */
static char *generate(size_t nvalues, int enc, size_t *len)
{
	size_t cap = nvalues * 220 + 1024, n = 0, i;
	char *s = malloc(cap);

	for (i = 0; i < nvalues; i++) {
		if (i % 10 == 0)
			n += (size_t)snprintf(s + n, cap - n, "# group %zu\nservice_%zu:\n", i / 10,
				i / 10);
		if (enc)
			n += (size_t)snprintf(s + n, cap - n, "    key_%zu: ENC[AES256_GCM,data:"
				"c2VjcmV0LXZhbHVlLW51bWJlcg==,iv:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw"
				"MTI=,tag:YWJjZGVmZ2hpamtsbW5vcA==,type:str]\n", i);
		else
			n += (size_t)snprintf(s + n, cap - n, "    key_%zu: secret-value-number-%zu "
				"padding padding padding padding padding padding padding pad\n", i, i);
	}
	*len = n;
	return s;
}

static void collect(const veil_node *n, veil_node **out, size_t *k)
{
	size_t i;

	if (n->kind == VEIL_NODE_SCALAR) {
		out[(*k)++] = (veil_node *)n;
		return;
	}
	for (i = 0; i < n->nitems; i++)
		collect(n->items[i], out, k);
}

int main(int argc, char **argv)
{
	size_t nvalues = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000, len, plen, k = 0, i;
	char *encsrc = generate(nvalues, 1, &len), *plain = generate(nvalues, 0, &plen), *out;
	veil_node **leaves = malloc(nvalues * sizeof(*leaves));
	veil_doc *doc;
	double t_ly, t_parse, t_set, t_render;
	size_t olen;

	t_ly = libyaml_parse(encsrc, len);
	t_parse = now();
	if (veil_doc_parse(&doc, VEIL_FMT_YAML, encsrc, len, "bench.yaml") < 0)
		return fprintf(stderr, "%s\n", veil_error_last()), 1;
	t_parse = now() - t_parse;
	collect(veil_doc_root(doc, 0), leaves, &k);
	t_set = now();
	for (i = 0; i < k; i++) {
		char v[96];
		int n = snprintf(v, sizeof(v), "secret-value-number-%zu padding", i);

		if (veil_doc_set_value(doc, leaves[i], v, (size_t)n, VEIL_SCALAR_STR) < 0)
			return fprintf(stderr, "%s\n", veil_error_last()), 1;
	}
	t_set = now() - t_set;
	t_render = now();
	if (veil_doc_render(&out, &olen, doc) < 0)
		return fprintf(stderr, "%s\n", veil_error_last()), 1;
	t_render = now() - t_render;
	printf("input %.1f MiB, %zu values (plaintext file %.1f MiB)\n", len / 1048576.0, k,
		plen / 1048576.0);
	printf("libyaml event parse   %7.1f ms\n", t_ly * 1e3);
	printf("veil_doc_parse        %7.1f ms (%.2fx libyaml)\n", t_parse * 1e3, t_parse / t_ly);
	printf("set_value x %zu   %7.1f ms\n", k, t_set * 1e3);
	printf("render + re-parse     %7.1f ms\n", t_render * 1e3);
	printf("decrypt-shaped total  %7.1f ms (%.2fx libyaml)\n",
		(t_parse + t_set + t_render) * 1e3, (t_parse + t_set + t_render) / t_ly);
	free(out);
	veil_doc_free(doc);
	free(encsrc);
	free(plain);
	free(leaves);
	return 0;
}
