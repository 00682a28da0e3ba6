/*
 * veil_sops_merge: a three-way merge of an encrypted file's values.
 *
 * Each side is decrypted in memory (MAC checked) and its encrypted values
 * are matched across the sides by AAD (the key path) and their place among
 * the values under that AAD (list items). Where the sides agree on what a
 * value becomes (changed on one side, or identically on both), every side's
 * text gets that value's ciphertext, so the line merge that follows sees no
 * change there at all; only structure, comments and unencrypted values are
 * left to it. Comments are matched by content. The merged text is then
 * opened and sealed again with itself as the reuse source, which gives a
 * fresh MAC and lastmodified and keeps every ciphertext as it was.
 */
#include "sops/merge.h"
#include "sops/metadata.h"
#include "sops/walk.h"
#include "util/array.h"
#include "util/jsonstr.h"
#include "util/merge3.h"
#include "util/secret.h"
#include "veil/error.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const side_names[VEIL_SOPS__NSIDES] = { "ours", "theirs", "base" };

static int prefixed_error(int error, const char *side)
{
	char msg[512];

	/* the message is veil_error_last() itself: copy it before overwriting */
	snprintf(msg, sizeof(msg), "%s", veil_error_last());
	return veil_error_set(error, "%s: %s", side, msg);
}

/* The walk's visit: remembers one decrypted value or comment of a side. */
static int collect(void *payload, veil_node *n, const char *aad, size_t aad_len,
                   veil_sops_type type, const uint8_t *pt, size_t pt_len)
{
	veil_sops__merge_side *s = payload;
	veil_sops__merge_leaf *l, *t;

	if (!(t = veil_array_grow(s->leaves, &s->cap, s->n + 1, sizeof(*t))))
		return VEIL_ENOMEM;
	s->leaves = t;
	l = &s->leaves[s->n];
	memset(l, 0, sizeof(*l));
	l->aad = malloc(aad_len + 1);
	l->pt = malloc(pt_len + 1);
	if (!l->aad || !l->pt) {
		free(l->aad);
		free(l->pt);
		return veil_error_set(VEIL_ENOMEM, "out of memory");
	}
	memcpy(l->aad, aad, aad_len);
	l->aad[aad_len] = '\0';
	memcpy(l->pt, pt, pt_len);
	l->pt[pt_len] = 0;
	l->aad_len = aad_len;
	l->pt_len = pt_len;
	l->type = type;
	l->node = n;
	l->side = s->index;
	l->order = s->n++;
	return 0;
}

/* What a side's metadata decides: data key, recipients, rules. Two sides
 * with equal signatures wrap the same key for the same people. */
static void sign(veil_sops__merge_side *s)
{
	crypto_hash_sha256_state st;
	char num[64];
	const veil_sops_meta *m = &s->meta;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, s->key, 32);
	for (size_t g = 0; g < m->ngroups; g++) {
		for (size_t i = 0; i < m->groups[g].nage; i++)
			crypto_hash_sha256_update(&st,
			                          (const uint8_t *)m->groups[g].age[i].recipient,
			                          strlen(m->groups[g].age[i].recipient) + 1);
		crypto_hash_sha256_update(&st, (const uint8_t *)"\n", 1);
	}
	snprintf(num, sizeof(num), "%d/%d/%d/%d", m->shamir_threshold, (int)m->sel.kind,
	         m->mac_only_encrypted, m->grouped);
	crypto_hash_sha256_update(&st, (const uint8_t *)num, strlen(num) + 1);
	if (m->sel.value)
		crypto_hash_sha256_update(&st, (const uint8_t *)m->sel.value,
		                          strlen(m->sel.value) + 1);
	if (m->scope)
		crypto_hash_sha256_update(&st, (const uint8_t *)m->scope, strlen(m->scope) + 1);
	crypto_hash_sha256_final(&st, s->sig);
}

static int open_side(veil_sops__merge *m, int i, const char *text, size_t len)
{
	veil_sops__merge_side *s = &m->s[i];
	veil_sops_walk_opts v = { 0 };
	char label[256];
	int error;

	snprintf(label, sizeof(label), "%s (%s)", m->name, side_names[i]);
	s->index = i;
	if ((error = veil_doc_parse(&s->doc, m->fmt, text, len, label)) < 0)
		return error;
	if (!veil_sops_is_encrypted(s->doc))
		return veil_error_set(VEIL_EFORMAT, "%s is not encrypted (no sops metadata)",
		                      label);
	if (!(s->key = veil_secure_alloc(32)))
		return VEIL_ENOMEM;
	v.visit = collect;
	v.visit_payload = s;
	if ((error = veil_sops__open_visit(s->doc, m->o->identities, &s->meta, s->key, &v)) < 0)
		return prefixed_error(error, label);
	s->open = 1;
	sign(s);
	return 0;
}

/* Whose keys the result has: the side that changed them (rotate,
 * updatekeys), ours when neither or both did the same. Both changed them
 * differently: a conflict. */
static int choose_keys(veil_sops__merge *m)
{
	const uint8_t *a = m->s[VEIL_SOPS__OURS].sig, *b = m->s[VEIL_SOPS__THEIRS].sig;
	const uint8_t *o = m->s[VEIL_SOPS__BASE].sig;
	size_t n = crypto_hash_sha256_BYTES;
	const char *mac;

	m->chosen = VEIL_SOPS__OURS;
	if (m->has_base && !sodium_memcmp(a, o, n) && sodium_memcmp(b, o, n))
		m->chosen = VEIL_SOPS__THEIRS;
	else if (m->has_base && sodium_memcmp(a, o, n) && sodium_memcmp(b, o, n) &&
	         sodium_memcmp(a, b, n))
		return veil_sops__merge_conflict(m, VEIL_SOPS_MERGE_METADATA, NULL, 0);
	for (int i = 0; i < VEIL_SOPS__NSIDES; i++)
		m->same_key[i] =
		        m->s[i].open && !sodium_memcmp(m->s[i].key, m->s[m->chosen].key, 32);
	mac = m->s[m->chosen].meta.mac;
	m->cipher = mac ? veil_sops_cipher_of_value(mac, strlen(mac)) : 0;
	if (!m->cipher)
		m->cipher = VEIL_SOPS_DEFAULT_CIPHER;
	return 0;
}

int veil_sops__merge_conflict(veil_sops__merge *m, veil_sops_merge_kind kind, char *path,
                              unsigned int line)
{
	veil_sops_merge_result *r = m->out;
	veil_sops_merge_conflict *t = realloc(r->conflicts, (r->nconflicts + 1) * sizeof(*t));

	if (!t) {
		free(path);
		return veil_error_set(VEIL_ENOMEM, "out of memory");
	}
	r->conflicts = t;
	t[r->nconflicts++] = (veil_sops_merge_conflict){ kind, path, line };
	return 0;
}

/* Every side's text with its values replaced by the tokens the plan gave
 * them and the chosen side's metadata block. */
static int render_side(veil_sops__merge *m, int i, char **out, size_t *len)
{
	veil_sops__merge_side *s = &m->s[i];
	veil_node *tree = NULL;
	int error;

	for (size_t k = 0; k < s->n; k++) {
		const veil_sops__merge_leaf *l = &s->leaves[k];
		if (l->token && (error = veil_doc_set_value(s->doc, l->node, l->token,
		                                            strlen(l->token), VEIL_SCALAR_STR)) < 0)
			return error;
	}
	if ((error = veil_sops__meta_build(&tree, s->doc, &m->s[m->chosen].meta)) < 0 ||
	    (error = veil_doc_set_metadata(s->doc, tree)) < 0)
		return error;
	return veil_doc_render(out, len, s->doc);
}

/* The plaintext a sealed document of fmt is made from. */
static int plaintext_of(char **out, size_t *len, veil_doc *dec)
{
	const veil_node *data;
	const char *v = NULL;

	if (veil_doc_format_of(dec) != VEIL_FMT_BINARY)
		return veil_doc_render(out, len, dec);
	data = veil_node_get(veil_doc_root(dec, 0), "data");
	if (!data || veil_doc_pending_value(dec, data, &v, len) < 0)
		return veil_error_set(VEIL_EFORMAT, "binary file without a data value");
	if (!(*out = malloc(*len + 1)))
		return veil_error_set(VEIL_ENOMEM, "out of memory");
	memcpy(*out, v, *len);
	(*out)[*len] = '\0';
	return 0;
}

/* Seals the merged text (stale MAC) again with itself as the reuse source:
 * fresh MAC and lastmodified, every ciphertext kept. A value the line
 * merge moved to another key path fails its AAD here. */
static int seal(veil_sops__merge *m, const char *text, size_t len)
{
	veil_sops_decrypt_options d = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	veil_sops_encrypt_options e = VEIL_SOPS_ENCRYPT_OPTIONS_INIT;
	veil_doc *reuse = NULL, *dec = NULL, *plain = NULL;
	char *pt = NULL;
	size_t pt_len = 0;
	int error;

	d.identities = m->o->identities;
	d.ignore_mac = 1;
	e.reuse_ignore_mac = 1;
	e.identities = m->o->identities;
	if ((error = veil_doc_parse(&reuse, m->fmt, text, len, m->name)) < 0 ||
	    (error = veil_doc_parse(&dec, m->fmt, text, len, m->name)) < 0)
		goto done;
	if ((error = veil_sops_decrypt(dec, &d)) < 0) {
		error = prefixed_error(error, "the merged file");
		goto done;
	}
	if ((error = plaintext_of(&pt, &pt_len, dec)) < 0 ||
	    (error = veil_doc_parse(&plain, m->fmt, pt, pt_len, m->name)) < 0)
		goto done;
	e.reuse = reuse;
	if ((error = veil_sops_encrypt(plain, &e)) == 0)
		error = veil_sops_render(&m->out->text, &m->out->len, plain);
done:
	veil_wipe_free(pt, pt_len);
	veil_doc_free(plain);
	veil_doc_free(dec);
	veil_doc_free(reuse);
	return error;
}

/* Line-merges the rendered sides (t, len) and seals the result; text
 * conflicts are recorded. Keys both sides added at one place are taken
 * together first (VEIL_MERGE3_UNION); when that does not read back (the
 * same key twice, a value under another path), *retry asks for the merge
 * without. */
static int line_merge(veil_sops__merge *m, char *const *t, const size_t *len, unsigned flags,
                      int *retry)
{
	veil_merge3_result r;
	int error;

	*retry = 0;
	if ((error = veil_merge3(&r, flags, t[VEIL_SOPS__BASE] ? t[VEIL_SOPS__BASE] : "",
	                         len[VEIL_SOPS__BASE], t[VEIL_SOPS__OURS], len[VEIL_SOPS__OURS],
	                         t[VEIL_SOPS__THEIRS], len[VEIL_SOPS__THEIRS])) < 0)
		return error;
	for (size_t i = 0; i < r.nconflicts && !error; i++)
		error = veil_sops__merge_conflict(m, VEIL_SOPS_MERGE_TEXT, NULL,
		                                  (unsigned int)r.conflicts[i].ours_line);
	if (!error && m->out->nconflicts == 0) {
		error = seal(m, (const char *)r.text.data, r.text.len);
		if (r.nunions && (error == VEIL_EFORMAT || error == VEIL_EAUTH)) {
			*retry = 1;
			error = 0;
		}
	}
	veil_merge3_dispose(&r);
	return error;
}

static int merge_text(veil_sops__merge *m)
{
	char *t[VEIL_SOPS__NSIDES] = { NULL, NULL, NULL };
	size_t len[VEIL_SOPS__NSIDES] = { 0, 0, 0 };
	int error = 0, retry = 0;

	for (int i = 0; i < VEIL_SOPS__NSIDES && !error; i++)
		if (m->s[i].open)
			error = render_side(m, i, &t[i], &len[i]);
	if (!error)
		error = line_merge(m, t, len, VEIL_MERGE3_UNION, &retry);
	if (!error && retry)
		error = line_merge(m, t, len, 0, &retry);
	for (int i = 0; i < VEIL_SOPS__NSIDES; i++)
		free(t[i]);
	return error;
}

/* Git resolves these itself, but the driver may be run on them: a side
 * that is the base's or the other's is the answer, MAC and all. */
static int trivial(veil_sops_merge_result *out, const char *base, size_t base_len, const char *ours,
                   size_t ours_len, const char *theirs, size_t theirs_len)
{
	const char *take = NULL;
	size_t len = 0;

	if (ours_len == theirs_len && !memcmp(ours, theirs, ours_len))
		take = ours, len = ours_len;
	else if (base_len && base_len == ours_len && !memcmp(base, ours, ours_len))
		take = theirs, len = theirs_len;
	else if (base_len && base_len == theirs_len && !memcmp(base, theirs, theirs_len))
		take = ours, len = ours_len;
	if (!take)
		return 0;
	if (!(out->text = malloc(len + 1)))
		return veil_error_set(VEIL_ENOMEM, "out of memory");
	memcpy(out->text, take, len);
	out->text[len] = '\0';
	out->len = len;
	return 1;
}

static void merge_dispose(veil_sops__merge *m)
{
	for (int i = 0; i < VEIL_SOPS__NSIDES; i++) {
		veil_sops__merge_side *s = &m->s[i];
		for (size_t k = 0; k < s->n; k++) {
			free(s->leaves[k].aad);
			veil_wipe_free(s->leaves[k].pt, s->leaves[k].pt_len);
		}
		free(s->leaves);
		if (s->open)
			veil_sops_meta_dispose(&s->meta);
		veil_secure_free(s->key);
		veil_doc_free(s->doc);
	}
	for (size_t i = 0; i < m->nfresh; i++)
		free(m->fresh[i]);
	free(m->fresh);
}

int veil_sops_merge(veil_sops_merge_result *out, veil_doc_format fmt, const char *name,
                    const char *base, size_t base_len, const char *ours, size_t ours_len,
                    const char *theirs, size_t theirs_len, const veil_sops_merge_options *opts)
{
	static const veil_sops_merge_options none = VEIL_SOPS_MERGE_OPTIONS_INIT;
	veil_sops__merge m;
	int error;

	if (!opts)
		opts = &none;
	memset(out, 0, sizeof(*out));
	memset(&m, 0, sizeof(m));
	if ((error = trivial(out, base, base_len, ours, ours_len, theirs, theirs_len)) != 0)
		return error < 0 ? error : 0;
	m.out = out;
	m.o = opts;
	m.fmt = fmt;
	m.name = name ? name : "file";
	m.has_base = base_len > 0;
	if ((error = open_side(&m, VEIL_SOPS__OURS, ours, ours_len)) < 0 ||
	    (error = open_side(&m, VEIL_SOPS__THEIRS, theirs, theirs_len)) < 0 ||
	    (m.has_base && (error = open_side(&m, VEIL_SOPS__BASE, base, base_len)) < 0) ||
	    (error = choose_keys(&m)) < 0 || out->nconflicts)
		goto done;
	if ((error = veil_sops__merge_plan(&m)) < 0)
		goto done;
	if (opts->choices && m.nvalue != opts->nchoices) {
		error = veil_error_set(VEIL_EINVAL, "%zu answers for %zu conflicting values",
		                       opts->nchoices, m.nvalue);
		goto done;
	}
	error = merge_text(&m);
done:
	merge_dispose(&m);
	if (error < 0)
		veil_sops_merge_result_dispose(out);
	return error;
}

void veil_sops_merge_result_dispose(veil_sops_merge_result *r)
{
	free(r->text);
	for (size_t i = 0; i < r->nconflicts; i++)
		free(r->conflicts[i].path);
	free(r->conflicts);
	memset(r, 0, sizeof(*r));
}
