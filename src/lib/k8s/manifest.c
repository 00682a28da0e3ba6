/* One manifest of the stream: decrypted when it is a sops/veil document,
 * or a List whose items are; passed through unchanged otherwise. Text is
 * spliced, never re-emitted, so whatever is not decrypted keeps its bytes. */
#define _GNU_SOURCE /* memmem */
#include "k8s/k8s.h"
#include "veil/error.h"
#include "veil/sops.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *veil_k8s__field(const veil_node *root, const char *a, const char *b)
{
	const veil_node *n = root && root->kind == VEIL_NODE_MAP ? veil_node_get(root, a) : NULL;

	if (n && b)
		n = n->kind == VEIL_NODE_MAP ? veil_node_get(n, b) : NULL;
	return n && n->kind == VEIL_NODE_SCALAR && n->type != VEIL_SCALAR_NULL ? n->value : NULL;
}

/* "document 3 (Secret apps/db)" or "document 1 (List), item 2 (Secret apps/db)":
 * numbered from 1, as a reader counts (index and item are 0-based). */
static const char *plain_field(const veil_node *root, const char *a, const char *b)
{
	const char *v = veil_k8s__field(root, a, b);

	/* an encrypted kind or name says nothing to a reader */
	return v && !veil_sops_value_is_encrypted(v, strlen(v)) ? v : NULL;
}

static void describe(char *buf, size_t cap, size_t index, const veil_node *root, long item,
                     const veil_node *it)
{
	const veil_node *r = item >= 0 ? it : root;
	const char *kind = plain_field(r, "kind", NULL);
	const char *ns = plain_field(r, "metadata", "namespace");
	const char *name = plain_field(r, "metadata", "name");
	int n;

	if (item >= 0) {
		const char *lk = plain_field(root, "kind", NULL);
		n = snprintf(buf, cap, "document %zu (%.64s), item %ld", index + 1, lk ? lk : "?",
		             item + 1);
	} else {
		n = snprintf(buf, cap, "document %zu", index + 1);
	}
	if (n < 0 || (size_t)n >= cap)
		return;
	snprintf(buf + n, cap - (size_t)n, " (%.64s %.128s%s%.128s)", kind ? kind : "?",
	         ns ? ns : "", ns ? "/" : "", name ? name : "?");
}

static int is_enc_marker(const char *v, size_t len)
{
	return veil_sops_cipher_of_value(v, len) != 0;
}

/* A value that is still ciphertext in a document without sops metadata
 * (its block was cut off): shipping it would put ENC[...] in a Secret. */
static int has_stray_ciphertext(const veil_node *n, int depth)
{
	if (!n || depth > VEIL_DOC_MAX_DEPTH)
		return 0;
	if (n->kind == VEIL_NODE_SCALAR)
		return n->value && is_enc_marker(n->value, n->value_len);
	for (size_t i = 0; i < n->nitems; i++)
		if (has_stray_ciphertext(n->items[i], depth + 1))
			return 1;
	return 0;
}

static const char *match_in(const veil_node *age, const veil_k8s_opts *o)
{
	for (size_t i = 0; age && age->kind == VEIL_NODE_SEQ && i < age->nitems; i++) {
		const char *r = veil_k8s__field(age->items[i], "recipient", NULL);
		for (size_t k = 0; r && k < o->nown; k++)
			if (!strcmp(r, o->own_recipients[k]))
				return o->own_recipients[k];
	}
	return NULL;
}

/* The file's recipient that one of our identities stands for (the
 * recipient field is informational in sops, but veil and sops write it). */
static const char *matched_recipient(const veil_doc *doc, const veil_k8s_opts *o)
{
	const veil_node *meta = veil_doc_metadata(doc);
	const veil_node *groups = meta ? veil_node_get(meta, "key_groups") : NULL;
	const char *r = meta ? match_in(veil_node_get(meta, "age"), o) : NULL;

	for (size_t g = 0; !r && groups && groups->kind == VEIL_NODE_SEQ && g < groups->nitems; g++)
		if (groups->items[g]->kind == VEIL_NODE_MAP)
			r = match_in(veil_node_get(groups->items[g], "age"), o);
	return r;
}

int veil_k8s__open_doc(char **text, size_t *tlen, veil_doc *doc, const char *what, size_t index,
                       long item, const veil_k8s_opts *o)
{
	veil_sops_decrypt_options dopts = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	const veil_node *root = veil_doc_root(doc, 0);
	veil_k8s_event ev = { index, item, NULL, NULL, NULL, NULL, o->source };
	int error;

	ev.kind = veil_k8s__field(root, "kind", NULL);
	ev.ns = veil_k8s__field(root, "metadata", "namespace");
	ev.name = veil_k8s__field(root, "metadata", "name");
	ev.recipient = matched_recipient(doc, o);
	if (!veil_sops_is_encrypted(doc))
		return veil_error_set(VEIL_EFORMAT,
		                      "%s: has a 'sops' block without 'mac' and 'version'; "
		                      "refusing to pass it through half-encrypted",
		                      what);
	dopts.identities = o->ids;
	/* a manifest may have come through kustomize */
	dopts.sorted_mac_ok = 1;
	dopts.ignore_mac =
	        o->ignore_mac &&
	        !(o->verify_sorted && veil_node_get(veil_doc_metadata(doc), "veil_sorted_mac"));
	*text = NULL;
	*tlen = 0;
	error = veil_sops_decrypt(doc, &dopts);
	/* a binary file's plaintext is its data value (veil_doc_pending_value),
	 * which need not be text a render could carry */
	if (error == 0 && veil_doc_format_of(doc) != VEIL_FMT_BINARY)
		error = veil_doc_render(text, tlen, doc);
	if (error < 0) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", veil_error_last());
		return veil_error_set(error, "%s: %s", what, msg);
	}
	if (o->log)
		o->log(o->log_payload, &ev);
	return 0;
}

/* YAML item text moved to column 1 (or back): every line after the first
 * loses (or gains) indent spaces; empty lines stay empty. */
static int shift_lines(veil_buf *out, const char *s, size_t len, size_t indent, int add)
{
	int error = 0;

	for (size_t p = 0; p < len && !error;) {
		const char *nl = memchr(s + p, '\n', len - p);
		size_t e = nl ? (size_t)(nl - s) + 1 : len;
		if (p > 0 && add && s[p] != '\n' && s[p] != '\r') {
			for (size_t k = 0; k < indent && !error; k++)
				error = veil_buf_putc(out, ' ');
		} else if (p > 0 && !add) {
			for (size_t k = 0; k < indent && p < e && s[p] == ' '; k++)
				p++;
		}
		if (!error)
			error = veil_buf_append(out, s + p, e - p);
		p = e;
	}
	return error;
}

/* Decrypts one encrypted item of a List in place of its bytes. */
static int open_item(veil_buf *out, const char *src, const veil_node *it, veil_doc_format fmt,
                     const char *what, size_t index, long item, const veil_k8s_opts *o)
{
	veil_buf plain = VEIL_BUF_INIT(0);
	size_t indent =
	        fmt == VEIL_FMT_YAML && !it->flow && it->span.col > 0 ? it->span.col - 1 : 0;
	veil_doc *doc = NULL;
	char *text = NULL;
	size_t tlen = 0;
	int error;

	if ((error = shift_lines(&plain, src + it->span.start, it->span.end - it->span.start,
	                         indent, 0)) < 0)
		goto done;
	if ((error = veil_doc_parse(&doc, fmt, (const char *)plain.data, plain.len, what)) < 0 ||
	    (error = veil_k8s__open_doc(&text, &tlen, doc, what, index, item, o)) < 0)
		goto done;
	/* the item's bytes end where they ended: the span may or may not
	 * include the line break after it */
	while (tlen > 0 && (text[tlen - 1] == '\n' || text[tlen - 1] == '\r'))
		tlen--;
	error = shift_lines(out, text, tlen, indent, 1);
	for (size_t e = it->span.end; !error && e > it->span.start && src[e - 1] == '\n'; e--)
		error = veil_buf_putc(out, '\n');
done:
	if (text) {
		sodium_memzero(text, tlen);
		free(text);
	}
	veil_buf_dispose(&plain);
	veil_doc_free(doc);
	return error;
}

static int is_sops_item(const veil_node *it)
{
	return it->kind == VEIL_NODE_MAP && veil_node_get(it, "sops");
}

/* A List (or ResourceList) whose items may be encrypted: each such item's
 * bytes are replaced, the rest copied. */
static int open_list(veil_buf *out, const char *src, size_t len, const veil_node *root,
                     const veil_node *items, veil_doc_format fmt, size_t index,
                     const veil_k8s_opts *o)
{
	size_t copied = 0;
	long k = 0;
	int error = 0;

	for (size_t i = 0; i < items->nitems && !error; i++) {
		const veil_node *it = items->items[i];
		char what[512];
		if (it->kind == VEIL_NODE_COMMENT)
			continue;
		describe(what, sizeof(what), index, root, k, it);
		if (is_sops_item(it)) {
			error = veil_buf_append(out, src + copied, it->span.start - copied);
			if (!error)
				error = open_item(out, src, it, fmt, what, index, k, o);
			copied = it->span.end;
		} else if (has_stray_ciphertext(it, 0)) {
			error = veil_error_set(VEIL_EFORMAT,
			                       "%s: holds ENC[...] values but no sops metadata",
			                       what);
		}
		k++;
	}
	if (!error)
		error = veil_buf_append(out, src + copied, len - copied);
	return error;
}

int veil_k8s__decrypt_doc(veil_buf *out, const char *src, size_t len, veil_doc_format fmt,
                          size_t index, const veil_k8s_opts *o)
{
	const veil_node *root, *items;
	veil_doc *doc = NULL;
	char what[512], *text = NULL;
	size_t tlen = 0;
	int error;

	/* Most documents of a stream are not encrypted: no parse for them. */
	if (!memmem(src, len, "sops", 4) && !memmem(src, len, "ENC[", 4))
		return veil_buf_append(out, src, len);
	snprintf(what, sizeof(what), "document %zu", index + 1);
	if ((error = veil_doc_parse(&doc, fmt, src, len, what)) < 0) {
		/* not ours to judge unless it carries ciphertext */
		if (!memmem(src, len, "ENC[", 4))
			error = veil_buf_append(out, src, len);
		goto done;
	}
	root = veil_doc_count(doc) ? veil_doc_root(doc, 0) : NULL;
	describe(what, sizeof(what), index, root, -1, NULL);
	items = root ? veil_node_get(root, "items") : NULL;
	if (root && veil_node_get(root, "sops")) {
		if ((error = veil_k8s__open_doc(&text, &tlen, doc, what, index, -1, o)) == 0)
			error = veil_buf_append(out, text, tlen);
	} else if (items && items->kind == VEIL_NODE_SEQ) {
		error = open_list(out, src, len, root, items, fmt, index, o);
	} else if (has_stray_ciphertext(root, 0)) {
		error = veil_error_set(VEIL_EFORMAT,
		                       "%s: holds ENC[...] values but no sops metadata "
		                       "(was its 'sops' block cut off?)",
		                       what);
	} else {
		error = veil_buf_append(out, src, len);
	}
done:
	if (text) {
		sodium_memzero(text, tlen);
		free(text);
	}
	veil_doc_free(doc);
	return error;
}
