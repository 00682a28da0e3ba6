/* The encrypt/decrypt walk: selection, AAD paths, per-value AEAD, MAC. */
#include "sops/walk.h"
#include "sops/typed.h"
#include "util/buf.h"
#include "veil/error.h"
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LEVELS (VEIL_DOC_MAX_DEPTH + 2)

/* MAC bytes of an anchored subtree, replayed where an alias refers to it
 * (sops expands aliases, so its MAC sees those values twice). The bytes
 * fed while any capture is open go to one log, and a capture is a range of
 * it (nested anchors share their bytes), so memory stays within what the
 * parser let aliases expand to (alias_budget.h), whatever the nesting. */
struct capture {
	const veil_node *node;
	size_t start, end;
	int open;
};

struct captures {
	struct capture *at; /* in walk order */
	size_t n, cap;
	size_t *index; /* open-addressing hash: node -> position + 1 */
	size_t index_cap;
	size_t nopen;
	veil_buf log;
};

struct walk {
	veil_doc *doc;
	const veil_sops_walk_opts *o;
	veil_regex *re;
	uint64_t re_budget; /* VEIL_REGEX_BUDGET: the pattern is the file's */
	veil_sops_mac own_mac;
	veil_sops_mac *mac;             /* own_mac, or the caller's */
	int mac_lost;                   /* mac_bytes could not grow */
	const char *keys[MAX_LEVELS];   /* map keys on the path (list items add none) */
	signed char kmatch[MAX_LEVELS]; /* keys[i] matches the regex; -1 not yet known */
	size_t nkeys;
	unsigned char cflag[MAX_LEVELS]; /* a comment at this level matched the comment regex */
	veil_buf aad;
	veil_buf tmp;
	veil_buf prefix;                 /* scope binding of the current document */
	const veil_node *scope_nodes[4]; /* its metadata.namespace, .name, kind, apiVersion */
	struct captures caps;
};

static int ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !memcmp(s + a - b, suffix, b);
}

/* 1 if a key on the path matches, 0 if none, VEIL_ELIMIT past the budget.
 * Each key is matched once, not once per value below it. */
static int any_key(struct walk *w, int regex)
{
	for (size_t i = 0; i < w->nkeys; i++) {
		if (w->kmatch[i] < 0) {
			int m = regex ? veil_regex_match_budget(w->re, w->keys[i],
			                                        strlen(w->keys[i]), &w->re_budget)
			              : ends_with(w->keys[i], w->o->sel_value);
			if (m < 0)
				return m;
			w->kmatch[i] = (signed char)m;
		}
		if (w->kmatch[i])
			return 1;
	}
	return 0;
}

static int any_flag(const struct walk *w, size_t level)
{
	for (size_t i = 0; i <= level && i < MAX_LEVELS; i++)
		if (w->cflag[i])
			return 1;
	return 0;
}

/* Whether the value (or comment) at the current path is encrypted; < 0
 * when the file's regex costs too much. */
static int selected(struct walk *w, size_t level)
{
	veil_sops_sel_kind sel = w->o->sel;
	int regex = sel == VEIL_SEL_UNENCRYPTED_REGEX || sel == VEIL_SEL_ENCRYPTED_REGEX;
	int matched;

	if (sel == VEIL_SEL_NONE)
		return 1;
	matched = veil_sops__sel_by_comment(sel) ? any_flag(w, level) : any_key(w, regex);
	return matched < 0 ? matched : veil_sops__sel_encrypts(sel, matched);
}

/* "a:b:" for keys[0..n) */
static int build_aad(struct walk *w, size_t n)
{
	int error = 0;

	veil_buf_clear(&w->aad);
	if (w->prefix.len)
		error = veil_buf_append(&w->aad, w->prefix.data, w->prefix.len);
	for (size_t i = 0; i < n && !error; i++) {
		error = veil_buf_append(&w->aad, w->keys[i], strlen(w->keys[i]));
		if (!error)
			error = veil_buf_putc(&w->aad, ':');
	}
	if (!error && n == 0)
		error = veil_buf_putc(&w->aad, ':');
	return error;
}

static int path_error(struct walk *w, const veil_node *n, int code, const char *what)
{
	char msg[256];

	/* what may be veil_error_last() itself: copy it before overwriting */
	snprintf(msg, sizeof(msg), "%s", what);
	build_aad(w, w->nkeys);
	return veil_error_set(code, "%u:%u: %s %s", n->span.line, n->span.col,
	                      w->aad.data ? (char *)w->aad.data : ":", msg);
}

/* The capture log could not grow: said as what it is, never turned into a
 * MAC mismatch later. The parser bounds what aliases expand to, so the cap
 * is only a second line. */
static int log_error(int error)
{
	return error == VEIL_ELIMIT ? veil_error_set(VEIL_ELIMIT, "aliases expand to too many MAC "
	                                                          "bytes")
	                            : veil_error_set(VEIL_ENOMEM, "out of memory (the MAC bytes "
	                                                          "of anchored values)");
}

/* Hashes (or hands on) MAC bytes, and logs them while a capture is open. */
static int mac_feed(struct walk *w, const uint8_t *b, size_t len)
{
	int error;

	if (w->o->mac_bytes && veil_buf_append(w->o->mac_bytes, b, len) < 0)
		w->mac_lost = 1;
	if (!w->o->mac_bytes)
		veil_sops__mac_update(w->mac, b, len);
	if (w->caps.nopen && (error = veil_buf_append(&w->caps.log, b, len)) < 0)
		return log_error(error);
	return 0;
}

/* An encrypted value for the sorted MAC: its key path and MAC bytes (in
 * w->tmp). Under a list there is no key to sort by. */
static int sorted_feed(struct walk *w, size_t level)
{
	if (!w->o->sorted)
		return 0;
	if (w->nkeys != level) {
		w->o->sorted->unusable = 1;
		return 0;
	}
	return veil_sops__sorted_add(w->o->sorted, w->keys, w->nkeys, w->tmp.data, w->tmp.len);
}

/* MAC bytes of a scalar's text read as type t. */
static int mac_value(struct walk *w, const veil_node *n, const char *text, size_t len,
                     veil_scalar_type t)
{
	int error;

	veil_buf_clear(&w->tmp);
	if ((error = veil_sops__typed_mac_bytes(&w->tmp, text, len, t)) < 0)
		return error == VEIL_ENOMEM ? error : path_error(w, n, error, veil_error_last());
	return mac_feed(w, w->tmp.data, w->tmp.len);
}

static int encrypt_scalar(struct walk *w, veil_node *n, size_t level)
{
	veil_sops_type st = veil_sops__type_of(n->type);
	int sel = selected(w, level), error;
	const char *enc = NULL;
	char *fresh = NULL;

	if (sel < 0)
		return sel;
	if (n->type == VEIL_SCALAR_NULL)
		return 0; /* nulls are neither encrypted nor in the MAC */
	if (w->o->cipher == VEIL_SOPS_AES256_GCM && n->type == VEIL_SCALAR_INT &&
	    (!w->o->mac_only_encrypted || sel) &&
	    !veil_sops__int_fits_int64(n->value, n->value_len))
		return path_error(w, n, VEIL_EUNSUPPORTED,
		                  "an integer outside int64, which sops cannot hold (go-yaml "
		                  "reads it as uint64, and sops refuses that type): quote it to "
		                  "keep it as a string");
	if ((!w->o->mac_only_encrypted || sel) &&
	    (error = mac_value(w, n, n->value, n->value_len, n->type)) < 0)
		return error;
	if (sel && (error = sorted_feed(w, level)) < 0)
		return error;
	if (!sel || n->value_len == 0)
		return 0; /* sops never encrypts an empty string */
	if (w->prefix.len && (n == w->scope_nodes[0] || n == w->scope_nodes[1] ||
	                      n == w->scope_nodes[2] || n == w->scope_nodes[3]))
		return path_error(w, n, VEIL_EFORMAT,
		                  "the scope binds to this field, which must stay in "
		                  "plaintext (encrypted_regex: ^(data|stringData)$)");
	veil_buf_clear(&w->tmp);
	if ((error = veil_sops__typed_plaintext(&w->tmp, n->value, n->value_len, n->type)) < 0 ||
	    (error = build_aad(w, w->nkeys)) < 0)
		return error;
	if (w->o->reuse)
		enc = veil_sops__ivcache_take(w->o->reuse, (char *)w->aad.data, w->aad.len, st,
		                              w->tmp.data, w->tmp.len);
	if (!enc) {
		if ((error = veil_sops__encrypt(&fresh, w->o->cipher, w->o->key, w->tmp.data,
		                                w->tmp.len, (char *)w->aad.data, w->aad.len, st,
		                                NULL, 0)) < 0)
			return error;
		enc = fresh;
	}
	error = veil_doc_set_value(w->doc, n, enc, strlen(enc), VEIL_SCALAR_STR);
	free(fresh);
	return error;
}

static int fits_int64(const char *pt, size_t len)
{
	char buf[32];
	char *end;

	if (len >= sizeof(buf))
		return 0;
	memcpy(buf, pt, len);
	buf[len] = '\0';
	errno = 0;
	(void)strtoll(buf, &end, 10);
	return errno == 0 && *end == '\0';
}

/* Decrypted text as the document must hold it to read back as type *t. */
static int display_form(struct walk *w, veil_buf *out, const char *pt, size_t len,
                        veil_scalar_type *tp)
{
	veil_scalar_type t = *tp;
	int json = veil_doc_format_of(w->doc) == VEIL_FMT_JSON, digits = len > 0;
	int truth = len && (pt[0] == 'T' || pt[0] == 't' || pt[0] == '1');

	/* sops stores booleans as True/False and prints them as true/false */
	if (t == VEIL_SCALAR_BOOL &&
	    (json || (len == 4 && !memcmp(pt, "True", 4)) || (len == 5 && !memcmp(pt, "False", 5))))
		return veil_buf_append(out, truth ? "true" : "false", truth ? 4 : 5);
	if (t == VEIL_SCALAR_FLOAT && !json && len == 4 && !memcmp(pt, "+Inf", 4))
		return veil_buf_append(out, ".inf", 4);
	if (t == VEIL_SCALAR_FLOAT && !json && len == 4 && !memcmp(pt, "-Inf", 4))
		return veil_buf_append(out, "-.inf", 5);
	if (t == VEIL_SCALAR_FLOAT && !json && len == 3 && !memcmp(pt, "NaN", 3))
		return veil_buf_append(out, ".nan", 4);
	for (size_t i = (len && (pt[0] == '-' || pt[0] == '+')); i < len; i++)
		digits &= pt[i] >= '0' && pt[i] <= '9';
	if (veil_buf_append(out, pt, len) < 0)
		return VEIL_ENOMEM;
	/* Go prints 3.0 as "3": JSON readers see the same number either way, so
	 * write 7 as sops does (an int if it fits int64, which is how it reads
	 * back); in YAML it would read back as an int, so add .0 */
	if (t == VEIL_SCALAR_FLOAT && digits && json && fits_int64(pt, len))
		*tp = VEIL_SCALAR_INT;
	return t == VEIL_SCALAR_FLOAT && digits && !json ? veil_buf_append(out, ".0", 2) : 0;
}

static int decrypt_scalar(struct walk *w, veil_node *n, size_t level)
{
	int sel = selected(w, level), error;
	veil_sops_enc e;
	uint8_t *pt = NULL;
	size_t pt_len = 0;
	veil_scalar_type t;

	if (sel < 0)
		return sel;
	if (n->type == VEIL_SCALAR_NULL)
		return 0;
	if (!sel || n->value_len == 0) {
		if (w->o->mac_only_encrypted && !sel)
			return 0;
		if ((error = mac_value(w, n, n->value, n->value_len, n->type)) < 0 || !sel)
			return error;
		return sorted_feed(w, level); /* an empty value, never encrypted */
	}
	if (!veil_sops_value_is_encrypted(n->value, n->value_len))
		return path_error(w, n, VEIL_EPLAINTEXT,
		                  "value is not encrypted although the "
		                  "file's rules say it must be (was plaintext pasted into an "
		                  "encrypted file?)");
	if ((error = veil_sops__enc_parse(&e, n->value, n->value_len)) < 0)
		return path_error(w, n, error, veil_error_last());
	if ((error = build_aad(w, w->nkeys)) < 0 ||
	    (error = veil_sops__decrypt_parsed(&pt, &pt_len, w->o->key, &e, (char *)w->aad.data,
	                                       w->aad.len)) < 0) {
		error = path_error(w, n, error,
		                   error != VEIL_EAUTH ? veil_error_last()
		                   : w->prefix.len
		                           ? "value failed authentication (wrong key, the value or "
		                             "its key was changed, or it was copied from another "
		                             "namespace or name: the file is scope-bound)"
		                           : "value failed authentication "
		                             "(wrong key, or the value or its key was changed)");
		goto done;
	}
	t = veil_sops__scalar_type_of(e.type);
	if (e.type == VEIL_SOPS_COMMENT) {
		error = path_error(w, n, VEIL_EFORMAT, "an encrypted comment stands as a value");
		goto done;
	}
	if ((error = mac_value(w, n, (char *)pt, pt_len, t)) < 0 ||
	    (error = sorted_feed(w, level)) < 0)
		goto done;
	if (w->o->record &&
	    (error = veil_sops__ivcache_put(w->o->record, (char *)w->aad.data, w->aad.len, e.type,
	                                    pt, pt_len, n->value, n->value_len)) < 0)
		goto done;
	if (w->o->visit && (error = w->o->visit(w->o->visit_payload, n, (char *)w->aad.data,
	                                        w->aad.len, e.type, pt, pt_len)) < 0)
		goto done;
	if (!w->o->dry_run) {
		veil_buf_clear(&w->tmp);
		if ((error = display_form(w, &w->tmp, (char *)pt, pt_len, &t)) == 0)
			error = veil_doc_set_value(w->doc, n, (char *)w->tmp.data, w->tmp.len, t);
	}
done:
	if (pt) {
		sodium_memzero(pt, pt_len);
		free(pt);
	}
	veil_sops__enc_dispose(&e);
	return error;
}

/* The comment-regex rules look at comments: remember a match at this
 * level (1); < 0 when the regex costs too much. */
static int comment_matches(struct walk *w, const veil_node *c)
{
	return (w->o->sel == VEIL_SEL_UNENCRYPTED_COMMENT_REGEX ||
	        w->o->sel == VEIL_SEL_ENCRYPTED_COMMENT_REGEX)
	               ? veil_regex_match_budget(w->re, c->value, c->value_len, &w->re_budget)
	               : 0;
}

static int encrypt_comment(struct walk *w, veil_node *c, size_t level)
{
	char *enc = NULL;
	int error = comment_matches(w, c);

	if (error != 0) {
		w->cflag[level] = 1;
		return error < 0 ? error : 0; /* the marker comment itself stays readable */
	}
	if ((error = selected(w, level)) <= 0 || c->value_len == 0)
		return error < 0 ? error : 0;
	if ((error = build_aad(w, w->nkeys)) < 0)
		return error;
	if (w->o->reuse) {
		const char *kept = veil_sops__ivcache_take(w->o->reuse, (char *)w->aad.data,
		                                           w->aad.len, VEIL_SOPS_COMMENT,
		                                           (const uint8_t *)c->value, c->value_len);
		if (kept)
			return veil_doc_set_value(w->doc, c, kept, strlen(kept), VEIL_SCALAR_STR);
	}
	if ((error = veil_sops__encrypt(&enc, w->o->cipher, w->o->key, (const uint8_t *)c->value,
	                                c->value_len, (char *)w->aad.data, w->aad.len,
	                                VEIL_SOPS_COMMENT, NULL, 0)) < 0)
		return error;
	error = veil_doc_set_value(w->doc, c, enc, strlen(enc), VEIL_SCALAR_STR);
	free(enc);
	return error;
}

/* Comments are outside the MAC and sops attaches them to nodes by go-yaml's
 * rules, which can differ from veil's; so an encrypted comment is tried
 * under its container's path and then each enclosing path. The AEAD still
 * rejects any AAD it was not sealed with. */
static int decrypt_comment(struct walk *w, veil_node *c, size_t level)
{
	const char *text = c->value;
	size_t len = c->value_len, n = w->nkeys + 1;
	uint8_t *pt = NULL;
	size_t pt_len = 0;
	int error = comment_matches(w, c);

	if (error < 0)
		return error;
	if (error)
		w->cflag[level] = 1;
	error = VEIL_EAUTH;
	if (!veil_sops_value_is_encrypted(text, len))
		return 0;
	while (n-- > 0 && error == VEIL_EAUTH) {
		veil_sops_type type = 0;
		if (build_aad(w, n) < 0)
			return VEIL_ENOMEM;
		error = veil_sops__decrypt(&pt, &pt_len, &type, w->o->key, text, len,
		                           (char *)w->aad.data, w->aad.len);
		if (error == 0 && type != VEIL_SOPS_COMMENT) {
			sodium_memzero(pt, pt_len);
			free(pt);
			pt = NULL;
			error = VEIL_EFORMAT;
		}
	}
	if (error < 0)
		return path_error(w, c, error, "encrypted comment could not be decrypted");
	if (w->o->record &&
	    (error = veil_sops__ivcache_put(w->o->record, (char *)w->aad.data, w->aad.len,
	                                    VEIL_SOPS_COMMENT, pt, pt_len, text, len)) < 0)
		goto done;
	if (w->o->visit && (error = w->o->visit(w->o->visit_payload, c, (char *)w->aad.data,
	                                        w->aad.len, VEIL_SOPS_COMMENT, pt, pt_len)) < 0)
		goto done;
	if (!w->o->dry_run)
		error = veil_doc_set_value(w->doc, c, (char *)pt, pt_len, VEIL_SCALAR_STR);
done:
	sodium_memzero(pt, pt_len);
	free(pt);
	return error;
}

static int walk_node(struct walk *w, veil_node *n, size_t level);

static size_t ptr_hash(const veil_node *n, size_t cap)
{
	return (size_t)(((uintptr_t)n >> 4) * 0x9E3779B97F4A7C15ull) & (cap - 1);
}

static struct capture *capture_of(const struct captures *c, const veil_node *n)
{
	for (size_t h = c->index_cap ? ptr_hash(n, c->index_cap) : 0; c->index_cap && c->index[h];
	     h = (h + 1) & (c->index_cap - 1))
		if (c->at[c->index[h] - 1].node == n)
			return &c->at[c->index[h] - 1];
	return NULL;
}

static int index_grow(struct captures *c)
{
	size_t cap = c->index_cap ? 2 * c->index_cap : 64;
	size_t *t = calloc(cap, sizeof(*t));

	if (!t)
		return veil_error_oom();
	for (size_t i = 0; i < c->n; i++) {
		size_t h = ptr_hash(c->at[i].node, cap);
		while (t[h])
			h = (h + 1) & (cap - 1);
		t[h] = i + 1;
	}
	free(c->index);
	c->index = t;
	c->index_cap = cap;
	return 0;
}

/* Starts logging an anchored node's MAC bytes. */
static int capture_open(struct captures *c, const veil_node *n, struct capture **out)
{
	size_t h;
	int error;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		struct capture *t = realloc(c->at, cap * sizeof(*t));
		if (!t)
			return veil_error_oom();
		c->at = t;
		c->cap = cap;
	}
	if (2 * (c->n + 1) > c->index_cap && (error = index_grow(c)) < 0)
		return error;
	c->at[c->n] = (struct capture){ n, c->log.len, c->log.len, 1 };
	for (h = ptr_hash(n, c->index_cap); c->index[h]; h = (h + 1) & (c->index_cap - 1))
		;
	c->index[h] = ++c->n;
	c->nopen++;
	*out = &c->at[c->n - 1];
	return 0;
}

static int replay_alias(struct walk *w, const veil_node *alias)
{
	if (w->o->sorted) /* its values would need the paths of the alias */
		w->o->sorted->unusable = 1;
	const struct capture *c = capture_of(&w->caps, alias->target);
	size_t start, len;
	int error;

	if (!c || c->open)
		return path_error(w, alias, VEIL_EFORMAT,
		                  "alias to an anchor that is not complete yet "
		                  "(recursive aliases are not supported)");
	start = c->start;
	len = c->end - c->start;
	if (!len)
		return 0;
	if (w->o->mac_bytes && veil_buf_append(w->o->mac_bytes, w->caps.log.data + start, len) < 0)
		w->mac_lost = 1;
	if (!w->o->mac_bytes)
		veil_sops__mac_update(w->mac, w->caps.log.data + start, len);
	/* an enclosing capture logs the replay too; room first, as the log
	 * moves when it grows */
	if (w->caps.nopen &&
	    ((error = veil_buf_reserve(&w->caps.log, len)) < 0 ||
	     (error = veil_buf_append(&w->caps.log, w->caps.log.data + start, len)) < 0))
		return log_error(error);
	return 0;
}

static int walk_items(struct walk *w, veil_node *n, size_t level)
{
	int error = 0;

	for (size_t i = 0; i < n->nitems && !error; i++) {
		veil_node *it = n->items[i];
		if (it->kind == VEIL_NODE_COMMENT) {
			error = w->o->decrypt ? decrypt_comment(w, it, level + 1)
			                      : encrypt_comment(w, it, level + 1);
			continue;
		}
		if (n->kind == VEIL_NODE_MAP) {
			if (level == 0 && it->key && !strcmp(it->key, "sops"))
				continue; /* the metadata block is not data */
			w->kmatch[w->nkeys] = -1;
			w->keys[w->nkeys++] = it->key ? it->key : "";
		}
		error = walk_node(w, it, level + 1);
		if (n->kind == VEIL_NODE_MAP)
			w->nkeys--;
		w->cflag[level + 1] = 0; /* comments apply up to the next item */
	}
	return error;
}

static int walk_node(struct walk *w, veil_node *n, size_t level)
{
	size_t cap = SIZE_MAX;
	int error;

	if (level + 1 >= MAX_LEVELS)
		return path_error(w, n, VEIL_ELIMIT, "nested too deeply");
	if (n->anchor && n->kind != VEIL_NODE_ALIAS) {
		struct capture *c = NULL;
		if ((error = capture_open(&w->caps, n, &c)) < 0)
			return error;
		cap = (size_t)(c - w->caps.at);
	}
	switch (n->kind) {
	case VEIL_NODE_MAP:
	case VEIL_NODE_SEQ:
		error = walk_items(w, n, level);
		break;
	case VEIL_NODE_ALIAS:
		error = replay_alias(w, n);
		break;
	case VEIL_NODE_SCALAR:
		error = w->o->decrypt ? decrypt_scalar(w, n, level) : encrypt_scalar(w, n, level);
		break;
	default:
		error = 0;
	}
	if (cap != SIZE_MAX) {
		w->caps.at[cap].open = 0;
		w->caps.at[cap].end = w->caps.log.len;
		w->caps.nopen--;
	}
	return error;
}

/* Scope binding: the document's AAD prefix, and the name nodes it binds to
 * (which must not be encrypted, or decryption could not rebuild it). */
static int bind_scope(struct walk *w, const veil_node *root)
{
	const veil_node *meta = veil_node_get(root, "metadata");
	int error = veil_sops__scope_prefix(&w->prefix, w->o->scope, root);

	if (error < 0)
		return error;
	w->scope_nodes[0] = meta ? veil_node_get(meta, "namespace") : NULL;
	w->scope_nodes[1] = meta ? veil_node_get(meta, "name") : NULL;
	w->scope_nodes[2] = veil_node_get(root, "kind");
	w->scope_nodes[3] = veil_node_get(root, "apiVersion");
	return 0;
}

int veil_sops__walk(veil_doc *doc, const veil_sops_walk_opts *opts, char hex[VEIL_SOPS_MAC_HEX + 1])
{
	struct walk *w = calloc(1, sizeof(*w));
	int error = 0;

	if (!w)
		return veil_error_oom();
	w->doc = doc;
	w->o = opts;
	w->caps.log = (veil_buf)VEIL_BUF_INIT(2 * (size_t)VEIL_DOC_MAX_SIZE);
	w->re_budget = VEIL_REGEX_BUDGET;
	if (opts->sel >= VEIL_SEL_UNENCRYPTED_REGEX &&
	    (error = veil_regex_compile(&w->re, opts->sel_value ? opts->sel_value : "")) < 0)
		goto done;
	if ((opts->sel == VEIL_SEL_UNENCRYPTED_SUFFIX || opts->sel == VEIL_SEL_ENCRYPTED_SUFFIX) &&
	    !opts->sel_value) {
		error = veil_error_set(VEIL_EINVAL, "a suffix rule needs a suffix");
		goto done;
	}
	w->mac = opts->mac ? opts->mac : &w->own_mac;
	if (!opts->mac)
		veil_sops__mac_init(w->mac, opts->mac_only_encrypted);
	for (size_t d = 0, roots = 0; d < veil_doc_count(doc) && !error; d++) {
		veil_node *root = veil_doc_root(doc, d);
		/* kustomize splits documents apart: one per sorted MAC */
		if (root && roots++ && opts->sorted)
			opts->sorted->unusable = 1;
		if (root && opts->scope)
			error = bind_scope(w, root);
		if (root && !error)
			error = walk_node(w, root, 0);
	}
	if (!opts->mac)
		veil_sops__mac_final(w->mac, hex);
	if (!error && w->mac_lost)
		error = veil_error_oom();
done:
	veil_sops__gcm_release();
	free(w->caps.at);
	free(w->caps.index);
	veil_buf_dispose(&w->caps.log);
	veil_buf_dispose(&w->aad);
	veil_buf_dispose(&w->tmp);
	veil_buf_dispose(&w->prefix);
	veil_regex_free(w->re);
	sodium_memzero(w, sizeof(*w));
	free(w);
	return error;
}
