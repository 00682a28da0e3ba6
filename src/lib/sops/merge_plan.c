/*
 * The merge plan (merge.h): which ciphertext each side's values and
 * comments get before the line merge. A value is known by its AAD and its
 * place among the side's values under that AAD; for each such place the
 * usual three-way rule picks the side whose value wins, and every side that
 * has the place gets that value's ciphertext (encrypted anew only when it
 * comes from a side under another data key).
 */
#include "sops/merge.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/jsonstr.h"
#include "veil/error.h"
#include <stdlib.h>
#include <string.h>

typedef veil_sops__merge_leaf leaf;

static int same_content(const leaf *a, const leaf *b)
{
	return a->type == b->type && a->pt_len == b->pt_len && !memcmp(a->pt, b->pt, a->pt_len);
}

static int cmp_aad(const leaf *a, const leaf *b)
{
	size_t n = a->aad_len < b->aad_len ? a->aad_len : b->aad_len;
	int c = memcmp(a->aad, b->aad, n);

	return c ? c : (a->aad_len > b->aad_len) - (a->aad_len < b->aad_len);
}

#define CMP(x, y) (((x) > (y)) - ((x) < (y)))

static int by_aad_order(const void *x, const void *y)
{
	const leaf *a = *(leaf *const *)x, *b = *(leaf *const *)y;
	int c = cmp_aad(a, b);

	return c ? c : CMP(a->order, b->order);
}

static int by_place(const void *x, const void *y)
{
	const leaf *a = *(leaf *const *)x, *b = *(leaf *const *)y;
	int c = cmp_aad(a, b);

	if (!c)
		c = CMP(a->occ, b->occ);
	return c ? c : CMP(a->side, b->side);
}

static int by_content(const void *x, const void *y)
{
	const leaf *a = *(leaf *const *)x, *b = *(leaf *const *)y;
	int c = cmp_aad(a, b);

	if (!c)
		c = CMP(a->type, b->type);
	if (!c)
		c = CMP(a->pt_len, b->pt_len);
	if (!c)
		c = memcmp(a->pt, b->pt, a->pt_len);
	return c ? c : CMP(a->side, b->side);
}

static int is_comment(const leaf *l)
{
	return l->type == VEIL_SOPS_COMMENT;
}

/* An ENC[...] string for pt under the chosen data key, kept until the end. */
static int fresh_token(veil_sops__merge *m, const char **out, const uint8_t *pt, size_t len,
                       const char *aad, size_t aad_len, veil_sops_type type)
{
	char **t = veil_array_grow(m->fresh, &m->fresh_cap, m->nfresh + 1, sizeof(*t));
	char *enc = NULL;
	int error;

	if (!t)
		return VEIL_ENOMEM;
	m->fresh = t;
	if ((error = veil_sops__encrypt(&enc, m->cipher, m->s[m->chosen].key, pt, len, aad, aad_len,
	                                type, NULL, 0)) < 0)
		return error;
	m->fresh[m->nfresh++] = enc;
	*out = enc;
	return 0;
}

/* The leaf's own ciphertext, when it opens with the chosen key. */
static int token_of(veil_sops__merge *m, const leaf *l, const char **out)
{
	if (m->same_key[l->side]) {
		*out = l->node->value;
		return 0;
	}
	return fresh_token(m, out, l->pt, l->pt_len, l->aad, l->aad_len, l->type);
}

/* Every side that has the place gets r's value: a ciphertext of it under
 * the chosen key, the side's own where one is (a re-keyed side). */
static int give(veil_sops__merge *m, const leaf *r, leaf *a, leaf *b, leaf *o)
{
	const leaf *sides[3] = { a, b, o };
	const char *t = NULL;
	int error;

	for (int i = 0; i < 3 && !m->same_key[r->side]; i++)
		if (sides[i] && m->same_key[sides[i]->side] && same_content(sides[i], r))
			r = sides[i];
	if ((error = token_of(m, r, &t)) < 0)
		return error;
	if (a)
		a->token = t;
	if (b)
		b->token = t;
	if (o)
		o->token = t;
	return 0;
}

/* ["a"][0]["b"]: the path set and unset take. *out malloc'd. */
static int path_of(char **out, const veil_node *n)
{
	const veil_node *chain[VEIL_DOC_MAX_DEPTH + 2];
	veil_buf b = VEIL_BUF_INIT(0);
	size_t k = 0;
	int error = 0;

	for (const veil_node *p = n; p->parent && k < sizeof(chain) / sizeof(chain[0]);
	     p = p->parent)
		chain[k++] = p;
	while (k-- > 0 && !error) {
		const veil_node *c = chain[k], *par = c->parent;
		size_t idx = 0;
		if (par->kind == VEIL_NODE_MAP) {
			if ((error = veil_buf_putc(&b, '[')) == 0 &&
			    (error = veil_json_string(&b, c->key ? c->key : "", c->key_len,
			                              VEIL_JSON_LOG)) == 0)
				error = veil_buf_putc(&b, ']');
			continue;
		}
		for (size_t i = 0; i < par->nitems && par->items[i] != c; i++)
			idx += par->items[i]->kind != VEIL_NODE_COMMENT;
		error = veil_buf_printf(&b, "[%zu]", idx);
	}
	if (!error && !b.len)
		error = veil_buf_printf(&b, "[]");
	if (error < 0) {
		veil_buf_dispose(&b);
		return veil_error_set(VEIL_ENOMEM, "out of memory");
	}
	*out = (char *)veil_buf_detach(&b, NULL);
	return 0;
}

static veil_sops_merge_value value_of(const leaf *l)
{
	veil_sops_merge_value v = { NULL, 0, NULL };

	if (l) {
		v.pt = l->pt;
		v.len = l->pt_len;
		v.type = veil_sops__type_name(l->type);
	}
	return v;
}

/* A merge tool's answer for a conflicting place. */
static int answer(veil_sops__merge *m, const veil_sops_merge_value *c, leaf *a, leaf *b, leaf *o)
{
	leaf *sides[3] = { a, b, o };
	veil_sops_type type = VEIL_SOPS_STR;
	const leaf *at = a ? a : b;
	const char *t = NULL;
	int error;

	if (c->type && (error = veil_sops__type_parse(&type, c->type, strlen(c->type))) < 0)
		return veil_error_set(VEIL_EINVAL, "unknown value type '%.16s'", c->type);
	for (int i = 0; i < 3; i++)
		if (sides[i] && sides[i]->type == type && sides[i]->pt_len == c->len &&
		    !memcmp(sides[i]->pt, c->pt, c->len))
			return give(m, sides[i], a, b, o);
	if ((error = fresh_token(m, &t, c->pt, c->len, at->aad, at->aad_len, type)) < 0)
		return error;
	for (int i = 0; i < 3; i++)
		if (sides[i])
			sides[i]->token = t;
	return 0;
}

/* Changed differently on both sides (or added so): shown, answered by a
 * merge tool's choice, or recorded with ours' ciphertext everywhere so the
 * line merge does not stumble over it too. */
static int conflict(veil_sops__merge *m, leaf *a, leaf *b, leaf *o)
{
	size_t idx = m->nvalue++;
	veil_sops_merge_conflict c = { VEIL_SOPS_MERGE_VALUE, NULL, a->node->span.line };
	veil_sops_merge_value sides[3] = { value_of(o), value_of(a), value_of(b) };
	int error;

	if ((error = path_of(&c.path, a->node)) < 0)
		return error;
	if (m->o->show && (error = m->o->show(m->o->show_payload, &c, sides)) < 0) {
		free(c.path);
		return error;
	}
	if (m->o->choices) {
		free(c.path);
		return idx < m->o->nchoices ? answer(m, &m->o->choices[idx], a, b, o)
		                            : give(m, a, a, b, o);
	}
	if ((error = veil_sops__merge_conflict(m, VEIL_SOPS_MERGE_VALUE, c.path, c.line)) < 0)
		return error;
	return give(m, a, a, b, o);
}

/* The three-way rule for one place; a conflict is left for later (*later),
 * to be taken in ours' order. */
static int decide(veil_sops__merge *m, leaf *a, leaf *b, leaf *o, int *later)
{
	leaf *own[3] = { a, b, o };
	int error = 0;

	*later = 0;
	if (a && b) {
		if (same_content(a, b) || (o && same_content(b, o)))
			return give(m, a, a, b, o);
		if (o && same_content(a, o))
			return give(m, b, a, b, o);
		*later = 1;
		return 0;
	}
	if (a && o && same_content(a, o)) /* theirs removed it: the line merge follows */
		return give(m, a, a, NULL, o);
	if (b && o && same_content(b, o))
		return give(m, b, NULL, b, o);
	/* added on one side, or changed on one and removed on the other: each
	 * keeps its own, and the line merge reports the latter */
	for (int i = 0; i < 3 && !error; i++)
		if (own[i])
			error = token_of(m, own[i], &own[i]->token);
	return error;
}

typedef struct place {
	leaf *a, *b, *o;
} place;

static int by_ours_order(const void *x, const void *y)
{
	const place *p = x, *q = y;

	return CMP(p->a->order, q->a->order);
}

/* Sorts one side's values by AAD and numbers those under the same AAD. */
static void number_places(leaf **v, size_t n)
{
	qsort(v, n, sizeof(*v), by_aad_order);
	for (size_t i = 0; i < n; i++)
		v[i]->occ = i > 0 && !cmp_aad(v[i], v[i - 1]) ? v[i - 1]->occ + 1 : 0;
}

static int plan_values(veil_sops__merge *m, leaf **v, size_t n)
{
	place *later = NULL;
	size_t nlater = 0, cap = 0;
	int error = 0;

	qsort(v, n, sizeof(*v), by_place);
	for (size_t i = 0, j; i < n && !error; i = j) {
		leaf *at[VEIL_SOPS__NSIDES] = { NULL, NULL, NULL };
		int wait = 0;
		for (j = i; j < n && !cmp_aad(v[i], v[j]) && v[i]->occ == v[j]->occ; j++)
			at[v[j]->side] = v[j];
		error = decide(m, at[VEIL_SOPS__OURS], at[VEIL_SOPS__THEIRS], at[VEIL_SOPS__BASE],
		               &wait);
		if (!error && wait) {
			place *t = veil_array_grow(later, &cap, nlater + 1, sizeof(*t));
			if (!t) {
				error = VEIL_ENOMEM;
				break;
			}
			later = t;
			later[nlater++] = (place){ at[VEIL_SOPS__OURS], at[VEIL_SOPS__THEIRS],
				                   at[VEIL_SOPS__BASE] };
		}
	}
	if (nlater)
		qsort(later, nlater, sizeof(*later), by_ours_order);
	for (size_t i = 0; i < nlater && !error; i++)
		error = conflict(m, later[i].a, later[i].b, later[i].o);
	free(later);
	return error;
}

/* Equal comments (same text under the same AAD) get one ciphertext, one
 * under the chosen key if any side has it so. */
static int plan_comments(veil_sops__merge *m, leaf **c, size_t n)
{
	int error = 0;

	qsort(c, n, sizeof(*c), by_content);
	for (size_t i = 0, j; i < n && !error; i = j) {
		const leaf *rep = c[i];
		const char *t = NULL;
		for (j = i; j < n && !cmp_aad(c[i], c[j]) && same_content(c[i], c[j]); j++)
			if (!m->same_key[rep->side] && m->same_key[c[j]->side])
				rep = c[j];
		if ((error = token_of(m, rep, &t)) < 0)
			break;
		for (size_t k = i; k < j; k++)
			c[k]->token = t;
	}
	return error;
}

int veil_sops__merge_plan(veil_sops__merge *m)
{
	leaf **v = NULL, **c = NULL;
	size_t total = 0, nv = 0, nc = 0;
	int error;

	for (int i = 0; i < VEIL_SOPS__NSIDES; i++)
		total += m->s[i].n;
	v = malloc((total + 1) * sizeof(*v));
	c = malloc((total + 1) * sizeof(*c));
	if (!v || !c) {
		error = veil_error_set(VEIL_ENOMEM, "out of memory");
		goto done;
	}
	for (int i = 0; i < VEIL_SOPS__NSIDES; i++) {
		size_t first = nv;
		for (size_t k = 0; k < m->s[i].n; k++) {
			leaf *l = &m->s[i].leaves[k];
			if (is_comment(l))
				c[nc++] = l;
			else
				v[nv++] = l;
		}
		number_places(v + first, nv - first);
	}
	if ((error = plan_values(m, v, nv)) == 0)
		error = plan_comments(m, c, nc);
done:
	free(v);
	free(c);
	return error;
}
