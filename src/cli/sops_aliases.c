/* A YAML alias of an encrypted value is fine for veil, which decrypts the
 * anchored node once, but not for sops and the tools built on it (Flux,
 * ksops, helm-secrets, sops-age): they expand aliases before decrypting, and
 * the expanded copy is then authenticated with its own key path, which is
 * not the one it was encrypted under. An AES file is written for those
 * readers, so the user is told at encrypt time rather than at deploy time. */
#include "cli.h"
#include "veil/sops.h"
#include "sops_cli.h"

/* 1 if the subtree holds a value that will render encrypted. */
static int holds_encrypted(const veil_doc *doc, const veil_node *n, size_t depth)
{
	const char *v = NULL;
	size_t len = 0;

	if (depth > VEIL_DOC_MAX_DEPTH)
		return 0;
	if (n->kind == VEIL_NODE_SCALAR)
		return veil_doc_pending_value(doc, n, &v, &len) == 0 &&
		       veil_sops_value_is_encrypted(v, len);
	for (size_t i = 0; i < n->nitems; i++)
		if (holds_encrypted(doc, n->items[i], depth + 1))
			return 1;
	return 0;
}

/* The first alias under n whose anchored node holds an encrypted value. */
static const veil_node *encrypted_alias(const veil_doc *doc, const veil_node *n, size_t depth)
{
	const veil_node *found = NULL;

	if (depth > VEIL_DOC_MAX_DEPTH)
		return NULL;
	if (n->kind == VEIL_NODE_ALIAS)
		return n->target && holds_encrypted(doc, n->target, 0) ? n : NULL;
	for (size_t i = 0; i < n->nitems && !found; i++)
		found = encrypted_alias(doc, n->items[i], depth + 1);
	return found;
}

void veil_cli__warn_encrypted_aliases(const veil_doc *doc, const char *file)
{
	for (size_t i = 0; i < veil_doc_count(doc); i++) {
		const veil_node *root = veil_doc_root(doc, i), *alias;

		if (!root || !(alias = encrypted_alias(doc, root, 0)))
			continue;
		veil_cli__warning(
		        "%s: the alias *%s refers to encrypted values: veil decrypts it, "
		        "but sops, Flux, ksops and sops-age expand aliases and then fail "
		        "to authenticate the copy; write the value out in full where it "
		        "is used if those tools must read this file",
		        file, alias->target && alias->target->anchor ? alias->target->anchor : "?");
		return;
	}
}
