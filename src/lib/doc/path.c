/* Tree paths (["a"][0]), as sops's --extract, set and unset take them. */
#include "doc/set.h"
#include "util/secret.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int veil_doc_path_parse(veil_doc_path *p, const char *text)
{
	char *c;

	memset(p, 0, sizeof(*p));
	if (!(p->buf = strdup(text)))
		return veil_error_oom();
	c = p->buf;
	while (*c) {
		if (p->n == VEIL_DOC_PATH_MAX)
			return veil_error_set(VEIL_EINVAL, "path: more than %d steps",
			                      VEIL_DOC_PATH_MAX);
		if (c[0] != '[')
			return veil_error_set(VEIL_EINVAL, "path: expected '[' at '%s'", c);
		if (c[1] == '"') {
			char *end = strchr(c + 2, '"');
			if (!end || end[1] != ']')
				return veil_error_set(VEIL_EINVAL, "path: unterminated key at '%s'",
				                      c);
			*end = '\0';
			p->key[p->n++] = c + 2;
			c = end + 2;
		} else {
			char *end;
			errno = 0;
			long idx = strtol(c + 1, &end, 10);
			if (end == c + 1 || *end != ']' || idx < 0 || errno)
				return veil_error_set(VEIL_EINVAL, "path: bad index at '%s'", c);
			p->index[p->n++] = idx;
			c = end + 1;
		}
	}
	if (p->n == 0)
		return veil_error_set(VEIL_EINVAL, "path: empty (expected e.g. '[\"a\"][\"b\"]')");
	return 0;
}

void veil_doc_path_free(veil_doc_path *p)
{
	free(p->buf);
	memset(p, 0, sizeof(*p));
}

static veil_node *step(veil_node *n, const veil_doc_path *p, size_t i)
{
	long k = -1;

	if (n->kind == VEIL_NODE_ALIAS)
		n = n->target;
	if (p->key[i])
		return n->kind == VEIL_NODE_MAP ? veil_node_get(n, p->key[i]) : NULL;
	if (n->kind != VEIL_NODE_SEQ)
		return NULL;
	for (size_t j = 0; j < n->nitems; j++)
		if (n->items[j]->kind != VEIL_NODE_COMMENT && ++k == p->index[i])
			return n->items[j];
	return NULL;
}

veil_node *veil_doc_path_find(veil_node *root, const veil_doc_path *p, size_t n)
{
	for (size_t i = 0; root && i < n; i++)
		root = step(root, p, i);
	return root;
}
