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

/* root.<key> as text for a message: NULL unless a scalar of printable
 * ASCII (it comes from the file, and goes to a terminal). */
static const char *field_text(const veil_node *root, const char *key)
{
	const veil_node *n = root && root->kind == VEIL_NODE_MAP ? veil_node_get(root, key) : NULL;

	if (!n || n->kind != VEIL_NODE_SCALAR || !n->value_len)
		return NULL;
	for (size_t i = 0; i < n->value_len; i++)
		if (n->value[i] < 0x20 || n->value[i] > 0x7e)
			return NULL;
	return n->value;
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

/* root.<key> is the plain scalar want (as Kubernetes reads it: escapes
 * decoded, no alias, no tag but !!str). */
static int is_plain(const veil_node *root, const char *key, const char *want)
{
	const veil_node *n = root && root->kind == VEIL_NODE_MAP ? veil_node_get(root, key) : NULL;

	return n && n->kind == VEIL_NODE_SCALAR && n->type == VEIL_SCALAR_STR &&
	       n->value_len == strlen(want) && !memcmp(n->value, want, n->value_len);
}

/* A scope-bound value must only ever come out in a Secret: in a ConfigMap
 * (or a look-alike kind of another API group) it would be readable by
 * anyone with the built-in view role. The AAD binds namespace and name;
 * kind and apiVersion are held here, on both sides, so a file whose kind
 * was edited is refused before anything is decrypted. */
static int check_kind(const veil_node *root, const char *scope)
{
	const char *kind = field_text(root, "kind"), *api = field_text(root, "apiVersion");

	if (is_plain(root, "apiVersion", "v1") && is_plain(root, "kind", "Secret"))
		return 0;
	return veil_error_set(VEIL_EFORMAT,
	                      "scope '%s' binds values to a Secret (apiVersion: v1, kind: "
	                      "Secret) but the document is %.64s%s%.64s; refusing to put "
	                      "scope-bound values anywhere else",
	                      scope, kind ? kind : "of no plain kind", api ? " of apiVersion " : "",
	                      api ? api : "");
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
	if ((error = check_kind(root, scope)) < 0)
		return error;
	strict = !strcmp(scope, "strict");
	if ((error = check_name(ns, "namespace", scope)) < 0 ||
	    (strict && (error = check_name(name, "name", scope)) < 0))
		return error;
	if (strict)
		return veil_buf_printf(out, "veil-scope:strict:%s/%s:", ns->value, name->value);
	return veil_buf_printf(out, "veil-scope:namespace:%s:", ns->value);
}
