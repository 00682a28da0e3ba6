/*
 * YAML aliases in files written for sops. sops (go-yaml v3 underneath) reads
 * an alias as a copy of its anchored value and walks the copy at the alias's
 * own key path: a copy of an encrypted value is then authenticated under a
 * path it was not encrypted for, and a plaintext value copied to a path the
 * rules encrypt is expected encrypted. veil, which decrypts the anchored node
 * once, reads both; sops, Flux, ksops and helm-secrets read neither. So
 * before an AES256_GCM file is encrypted, every alias through which some
 * value (or comment) would be encrypted, at the anchor's path or at the
 * alias's, is written out in full, as sops writes it. Aliases of plaintext
 * stay (anchors are format, and sops reads those copies fine).
 */
#include "sops/aliases.h"
#include "sops/rules.h"
#include "util/secret.h"
#include "util/regex.h"
#include "veil/error.h"
#include <stdlib.h>
#include <string.h>

/* Enough for every alias of a hand-written file; an alias bomb stops here
 * (each expansion re-parses the document) instead of growing without end. */
#define MAX_EXPANSIONS 1024
/* Nodes one written-out alias may hold, nested aliases counted as copies
 * (a 2 KB file of nested aliases holds billions). */
#define MAX_COPY_NODES 16384

typedef struct sel {
	veil_sops_sel_kind kind;
	const char *value;
	veil_regex *re;
	uint64_t budget; /* VEIL_REGEX_BUDGET */
	const char *keys[VEIL_DOC_MAX_DEPTH + 2];
	size_t nkeys;
} sel;

/* 1 if key matches, 0 if not, < 0 past the regex budget. */
static int key_matches(sel *s, const char *key)
{
	size_t a = strlen(key), b;

	if (s->kind == VEIL_SEL_UNENCRYPTED_REGEX || s->kind == VEIL_SEL_ENCRYPTED_REGEX)
		return veil_regex_match_budget(s->re, key, a, &s->budget);
	b = strlen(s->value);
	return a >= b && !memcmp(key + a - b, s->value, b);
}

/* Whether a value (or comment) at the path s->keys is encrypted; the
 * comment rules depend on marker comments, so they count as "maybe". */
static int encrypted_here(sel *s)
{
	int matched = 0;

	if (s->kind == VEIL_SEL_NONE || veil_sops__sel_by_comment(s->kind))
		return 1;
	for (size_t i = 0; i < s->nkeys && !matched; i++)
		matched = key_matches(s, s->keys[i]);
	/* past the budget, expanding is always safe; the walk then refuses */
	return matched < 0 || veil_sops__sel_encrypts(s->kind, matched);
}

/* 1 if n's subtree, placed at the path s->keys, holds something the walk
 * would encrypt: a non-empty, non-null scalar or a comment. */
static int holds_encrypted(sel *s, const veil_node *n, size_t depth)
{
	int found = 0;

	if (depth > VEIL_DOC_MAX_DEPTH || s->nkeys >= VEIL_DOC_MAX_DEPTH + 2)
		return 1; /* too deep to judge: write it out */
	switch (n->kind) {
	case VEIL_NODE_SCALAR:
		return n->type != VEIL_SCALAR_NULL && n->value_len > 0 && encrypted_here(s);
	case VEIL_NODE_COMMENT:
		return encrypted_here(s);
	case VEIL_NODE_ALIAS:
		return n->target ? holds_encrypted(s, n->target, depth + 1) : 0;
	default:
		break;
	}
	for (size_t i = 0; i < n->nitems && !found; i++) {
		const veil_node *it = n->items[i];
		int keyed = n->kind == VEIL_NODE_MAP && it->kind != VEIL_NODE_COMMENT;

		if (keyed)
			s->keys[s->nkeys++] = it->key ? it->key : "";
		found = holds_encrypted(s, it, depth + 1);
		if (keyed)
			s->nkeys--;
	}
	return found;
}

/* The map keys from n's document root down to n. */
static void path_of(sel *s, const veil_node *n)
{
	const veil_node *up[VEIL_DOC_MAX_DEPTH + 2];
	size_t k = 0;

	for (; n->parent && k < VEIL_DOC_MAX_DEPTH + 2; n = n->parent)
		up[k++] = n;
	s->nkeys = 0;
	while (k-- > 0)
		if (up[k]->parent->kind == VEIL_NODE_MAP)
			s->keys[s->nkeys++] = up[k]->key ? up[k]->key : "";
}

/* An alias sops could not read as veil writes it, at the alias's path or
 * the anchor's. */
static int needs_expansion(sel *s, const veil_node *alias)
{
	if (!alias->target)
		return 0;
	path_of(s, alias);
	if (holds_encrypted(s, alias->target, 0))
		return 1;
	path_of(s, alias->target);
	return holds_encrypted(s, alias->target, 0);
}

static veil_node *first_alias(sel *s, veil_node *n, size_t depth)
{
	veil_node *found = NULL;

	if (depth > VEIL_DOC_MAX_DEPTH)
		return NULL;
	if (n->kind == VEIL_NODE_ALIAS)
		return needs_expansion(s, n) ? n : NULL;
	for (size_t i = 0; i < n->nitems && !found; i++)
		found = first_alias(s, n->items[i], depth + 1);
	return found;
}

/* Counts n's nodes as an alias copy would hold them, down to *budget. */
static int count_copy(const veil_node *n, size_t *budget, size_t depth)
{
	if (*budget == 0 || depth > VEIL_DOC_MAX_DEPTH)
		return -1;
	(*budget)--;
	if (n->kind == VEIL_NODE_ALIAS)
		return n->target ? count_copy(n->target, budget, depth + 1) : 0;
	for (size_t i = 0; i < n->nitems; i++)
		if (count_copy(n->items[i], budget, depth + 1) < 0)
			return -1;
	return 0;
}

/* The alias replaced by its anchored value as JSON (which has no aliases,
 * so nested ones are written out too), the text parsed again into doc. */
static int expand_one(veil_doc *doc, veil_node *alias)
{
	veil_node *target = alias->target;
	char *json = NULL, *text = NULL;
	size_t json_len = 0, len = 0;
	size_t budget = MAX_COPY_NODES;
	int error;

	if (count_copy(target, &budget, 0) < 0)
		return veil_error_set(VEIL_ELIMIT,
		                      "%u:%u: the alias *%s stands for more than %d values: "
		                      "excessive aliasing",
		                      alias->span.line, alias->span.col,
		                      target->anchor ? target->anchor : "?", MAX_COPY_NODES);
	if ((error = veil_doc_emit(&json, &json_len, VEIL_FMT_JSON, &target, 1, 2)) < 0 ||
	    (error = veil_doc_replace(&text, &len, doc, alias, json)) < 0)
		goto done;
	error = veil_doc_reset(doc, text, len);
done:
	veil_wipe_free(json, json_len);
	veil_wipe_free(text, len);
	return error;
}

/* Pending edits made into the source, so the text rewrites start from what
 * the caller has (veil_doc_replace works on the source). */
static int apply_edits(veil_doc *doc)
{
	char *text = NULL;
	size_t len = 0;
	int error = veil_doc_render(&text, &len, doc);

	if (error == 0)
		error = veil_doc_reset(doc, text, len);
	veil_wipe_free(text, len);
	return error;
}

int veil_sops__expand_aliases(veil_doc *doc, veil_sops_sel_kind kind, const char *value,
                              size_t *count)
{
	sel s = { .kind = kind, .value = value ? value : "", .budget = VEIL_REGEX_BUDGET };
	int error = 0;

	*count = 0;
	if (veil_doc_format_of(doc) != VEIL_FMT_YAML)
		return 0;
	if ((kind == VEIL_SEL_UNENCRYPTED_REGEX || kind == VEIL_SEL_ENCRYPTED_REGEX) &&
	    (error = veil_regex_compile(&s.re, s.value)) < 0)
		return error;
	for (;;) {
		veil_node *alias = NULL;

		for (size_t d = 0; d < veil_doc_count(doc) && !alias; d++)
			if (veil_doc_root(doc, d))
				alias = first_alias(&s, veil_doc_root(doc, d), 0);
		if (!alias)
			break;
		if (veil_doc_edits_mark(doc) > 0) {
			/* the nodes move: find the alias again afterwards */
			if ((error = apply_edits(doc)) < 0)
				break;
			continue;
		}
		if (*count == MAX_EXPANSIONS) {
			error = veil_error_set(VEIL_ELIMIT,
			                       "more than %d YAML aliases of encrypted values to "
			                       "write out for sops (excessive aliasing)",
			                       MAX_EXPANSIONS);
			break;
		}
		if ((error = expand_one(doc, alias)) < 0)
			break;
		(*count)++;
	}
	veil_regex_free(s.re);
	return error;
}
