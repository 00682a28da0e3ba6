/* Scope binding: the AAD prefix that ties a document's values to its
 * Kubernetes namespace and name (as sealed-secrets' strict and
 * namespace-wide scopes do). */
#include "sops/walk.h"
#include "veil/error.h"
#include <string.h>

int veil_sops__scope_valid(const char *scope)
{
	return scope && (!strcmp(scope, "strict") || !strcmp(scope, "namespace"));
}

/* metadata.<field> as a plain, non-empty name; NULL if absent. */
static const veil_node *field(const veil_node *root, const char *name)
{
	const veil_node *meta = root ? veil_node_get(root, "metadata") : NULL;
	const veil_node *n = meta && meta->kind == VEIL_NODE_MAP ? veil_node_get(meta, name) : NULL;

	return n && n->kind == VEIL_NODE_SCALAR && n->type != VEIL_SCALAR_NULL && n->value_len
	               ? n
	               : NULL;
}

static int check_name(const veil_node *n, const char *what, const char *scope)
{
	if (!n)
		return veil_error_set(VEIL_EFORMAT,
		                      "scope '%s' needs metadata.%s in the document "
		                      "(in plaintext)",
		                      scope, what);
	if (veil_sops_value_is_encrypted(n->value, n->value_len))
		return veil_error_set(VEIL_EFORMAT,
		                      "scope '%s' needs metadata.%s in plaintext; "
		                      "encrypt only data and stringData "
		                      "(encrypted_regex: ^(data|stringData)$)",
		                      scope, what);
	if (memchr(n->value, ':', n->value_len) || memchr(n->value, '/', n->value_len))
		return veil_error_set(VEIL_EFORMAT,
		                      "metadata.%s holds ':' or '/', which "
		                      "Kubernetes names cannot",
		                      what);
	return 0;
}

int veil_sops__scope_prefix(veil_buf *out, const char *scope, const veil_node *root)
{
	const veil_node *ns = field(root, "namespace"), *name = field(root, "name");
	int strict, error;

	veil_buf_clear(out);
	if (!veil_sops__scope_valid(scope))
		return veil_error_set(VEIL_EINVAL,
		                      "unknown veil_scope '%.32s' (strict or namespace)",
		                      scope ? scope : "");
	strict = !strcmp(scope, "strict");
	if ((error = check_name(ns, "namespace", scope)) < 0 ||
	    (strict && (error = check_name(name, "name", scope)) < 0))
		return error;
	if (strict)
		return veil_buf_printf(out, "veil-scope:strict:%s/%s:", ns->value, name->value);
	return veil_buf_printf(out, "veil-scope:namespace:%s:", ns->value);
}
