/* What kind of Kubernetes object a document root is, judged as Kubernetes
 * reads it: plain string scalars (escapes decoded), no alias, no other tag. */
#include "k8s/k8s.h"
#include <string.h>

static const veil_node *plain_str(const veil_node *root, const char *key)
{
	const veil_node *n = root && root->kind == VEIL_NODE_MAP ? veil_node_get(root, key) : NULL;

	return n && n->kind == VEIL_NODE_SCALAR && n->type == VEIL_SCALAR_STR && n->value_len
	               ? n
	               : NULL;
}

static int is(const veil_node *n, const char *want)
{
	return n && n->value_len == strlen(want) && !memcmp(n->value, want, n->value_len);
}

int veil_k8s_is_object(const veil_node *root)
{
	return plain_str(root, "apiVersion") && plain_str(root, "kind");
}

int veil_k8s_is_secret(const veil_node *root)
{
	return is(plain_str(root, "apiVersion"), "v1") && is(plain_str(root, "kind"), "Secret");
}

int veil_k8s_one_object(const veil_doc *doc)
{
	veil_doc_format fmt = veil_doc_format_of(doc);
	const veil_node *only = NULL;
	size_t roots = 0;

	if (fmt != VEIL_FMT_YAML && fmt != VEIL_FMT_JSON)
		return 0;
	for (size_t i = 0; i < veil_doc_count(doc); i++) {
		const veil_node *root = veil_doc_root(doc, i);
		if (root) {
			only = root;
			roots++;
		}
	}
	return roots == 1 && veil_k8s_is_object(only);
}
