/* kustomize functions: the KRM exec function (a ResourceList in and out,
 * config.kubernetes.io/v1) and the legacy exec plugin's generator output. */
#include "k8s/k8s.h"
#include "util/jsonstr.h"
#include "util/yamlmark.h"
#include "veil/error.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char rl_head[] = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n";

static int is_marker_line(const char *s, size_t len)
{
	return veil_yaml_marker(s, len) || (len && s[0] == '%');
}

/* One document as an item of "items:": "-" and its lines indented by 2. A
 * "--- value" first line keeps its value. */
static int emit_item(void *payload, const char *doc, size_t len)
{
	veil_buf *b = payload;
	int error = veil_buf_append(b, "-\n", 2);

	for (size_t p = 0; p < len && !error;) {
		const char *nl = memchr(doc + p, '\n', len - p);
		size_t e = nl ? (size_t)(nl - doc) + 1 : len;
		if (is_marker_line(doc + p, e - p)) {
			if (e - p > 4 && doc[p] == '-' && doc[p + 4] != '\n' && doc[p + 4] != '#')
				error = veil_buf_printf(b, "  %.*s", (int)(e - p - 4), doc + p + 4);
		} else {
			if (doc[p] != '\n' && doc[p] != '\r')
				error = veil_buf_append(b, "  ", 2);
			if (!error)
				error = veil_buf_append(b, doc + p, e - p);
		}
		p = e;
	}
	if (!error && len && doc[len - 1] != '\n')
		error = veil_buf_putc(b, '\n');
	return error;
}

/* A stream document: "---" between documents, each ending in a newline. */
static int emit_doc(void *payload, const char *doc, size_t len)
{
	veil_buf *b = payload;
	size_t p = 0;
	int error = 0;

	while (p < len && is_marker_line(doc + p, len - p) && doc[p] != '-') {
		const char *nl = memchr(doc + p, '\n', len - p);
		p = nl ? (size_t)(nl - doc) + 1 : len;
	}
	if (b->len && !(len - p >= 3 && !memcmp(doc + p, "---", 3)))
		error = veil_buf_append(b, "---\n", 4);
	if (!error)
		error = veil_buf_append(b, doc + p, len - p);
	if (!error && len > p && doc[len - 1] != '\n')
		error = veil_buf_putc(b, '\n');
	return error;
}

static int detach(char **out, size_t *out_len, veil_buf *b)
{
	if (!b->data && veil_buf_putc(b, 0) < 0)
		return veil_error_oom();
	*out = (char *)veil_buf_detach(b, out_len);
	return 0;
}

int veil_k8s_generate_stream(char **out, size_t *out_len, const veil_node *cfg,
                             const veil_k8s_opts *o)
{
	veil_buf b = VEIL_BUF_INIT(0);
	int error;

	*out = NULL;
	*out_len = 0;
	if ((error = veil_k8s__generate(cfg, o, emit_doc, &b)) < 0) {
		veil_buf_dispose(&b);
		return error;
	}
	return detach(out, out_len, &b);
}

/* The ResourceList kustomize reads on failure: no items, one error result
 * (it shows only the exit status, so the CLI also prints the message). */
static void error_list(char **out, size_t *out_len, const char *msg)
{
	veil_buf b = VEIL_BUF_INIT(0);

	veil_buf_printf(&b, "%sitems: []\nresults:\n  - severity: error\n    message: ", rl_head);
	veil_json_string(&b, msg, strlen(msg), VEIL_JSON_LOG | VEIL_JSON_YAML);
	veil_buf_putc(&b, '\n');
	if (detach(out, out_len, &b) < 0) {
		*out = NULL;
		*out_len = 0;
	}
}

static int truthy(const veil_node *n, const char *key)
{
	const char *v = veil_k8s__field(n, key, NULL);

	return v && !strcmp(v, "true");
}

static int run(char **out, size_t *out_len, const char *src, size_t len, const veil_k8s_opts *o)
{
	veil_k8s_opts to = *o;
	const veil_node *root, *fc;
	veil_buf b = VEIL_BUF_INIT(0);
	veil_doc *doc = NULL;
	const char *kind;
	int error;

	if (len > VEIL_K8S_MAX_STREAM)
		return veil_error_set(VEIL_ELIMIT, "the ResourceList is larger than %u bytes",
		                      VEIL_K8S_MAX_STREAM);
	if ((error = veil_doc_parse(&doc, VEIL_FMT_YAML, src, len, "ResourceList")) < 0)
		return error;
	root = veil_doc_count(doc) == 1 ? veil_doc_root(doc, 0) : NULL;
	kind = veil_k8s__field(root, "kind", NULL);
	if (!kind || strcmp(kind, "ResourceList")) {
		error = veil_error_set(VEIL_EFORMAT,
		                       "expected one ResourceList on stdin (a "
		                       "kustomize KRM function call), got %s",
		                       kind ? kind : "no kind");
		goto done;
	}
	fc = veil_node_get(root, "functionConfig");
	if (veil_k8s_is_generator(fc)) {
		/* kustomize passes the generator's own config as the only item
		 * (local-config); the output is just what it generates */
		if ((error = veil_buf_printf(&b, "%sitems:\n", rl_head)) == 0)
			error = veil_k8s__generate(fc, o, emit_item, &b);
	} else {
		/* a transformer: kustomize re-sorts every item's keys (and may add
		 * labels, a namespace, a name prefix), so the MAC over the values in
		 * the file's order cannot verify; as in Flux, each value's own
		 * authentication (tag over its key path and scope) is what holds.
		 * verifyMac: true asks for the MAC anyway. */
		to.ignore_mac = !truthy(fc, "verifyMac");
		to.verify_sorted = 1;
		error = veil_k8s__decrypt_doc(&b, src, len, VEIL_FMT_YAML, 0, &to);
	}
	if (error == 0)
		error = detach(out, out_len, &b);
done:
	veil_buf_dispose(&b);
	veil_doc_free(doc);
	return error;
}

int veil_k8s_krm(char **out, size_t *out_len, const char *src, size_t len, const veil_k8s_opts *o)
{
	int error;

	*out = NULL;
	*out_len = 0;
	error = run(out, out_len, src, len, o);
	if (error < 0)
		error_list(out, out_len, veil_error_last());
	return error;
}
