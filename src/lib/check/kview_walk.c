/*
 * The Kubernetes view (kview.h), its walk: the entries of a map as a
 * reader sees them, with "<<" merge keys and aliases followed, each entry
 * paid from the document's budget so an alias bomb ends the walk.
 */
#include "check/kview_int.h"
#include <string.h>

int veil_check__kview_exhausted(const veil_check__kview *v)
{
	return v->exhausted;
}

static int is_merge(const veil_check__kn *k)
{
	k = veil_check__kderef(k);
	return k && k->kind == KV_SCALAR && k->vlen == 2 && k->v[0] == '<' && k->v[1] == '<';
}

static int each(veil_check__kview *v, const veil_check__kn *m, veil_check__kentry_fn fn, void *arg,
                int depth);

/* The maps a "<<" value brings: a map, or a list of maps (aliases or not). */
static int merge(veil_check__kview *v, const veil_check__kn *val, veil_check__kentry_fn fn,
                 void *arg, int depth)
{
	int rc = 0;

	val = veil_check__kderef(val);
	if (!val)
		return 0;
	if (depth >= MAX_MERGE) {
		v->exhausted = 1;
		return 0;
	}
	if (val->kind == KV_MAP)
		return each(v, val, fn, arg, depth + 1);
	for (size_t i = 0; val->kind == KV_SEQ && i < val->nkids && !rc && !v->exhausted; i++)
		rc = each(v, veil_check__kderef(val->kids[i]), fn, arg, depth + 1);
	return rc;
}

static int each(veil_check__kview *v, const veil_check__kn *m, veil_check__kentry_fn fn, void *arg,
                int depth)
{
	int rc = 0;

	if (!m || m->kind != KV_MAP)
		return 0;
	for (size_t i = 0; i + 1 < m->nkids && !rc; i += 2) {
		if (!v->budget) {
			v->exhausted = 1;
			return 0;
		}
		v->budget--;
		if (is_merge(m->kids[i]))
			rc = merge(v, m->kids[i + 1], fn, arg, depth);
		else
			rc = fn(arg, m->kids[i], m->kids[i + 1]);
		if (v->exhausted)
			return 0;
	}
	return rc;
}

int veil_check__kview_each(veil_check__kview *v, const veil_check__kn *m, veil_check__kentry_fn fn,
                           void *arg)
{
	return each(v, veil_check__kderef(m), fn, arg, 0);
}

int veil_check__kis(const veil_check__kn *n, const char *s)
{
	size_t len = strlen(s);

	n = veil_check__kderef(n);
	return n && n->kind == KV_SCALAR && n->vlen == len && !memcmp(n->v, s, len);
}

struct get {
	const char *key;
	int kind;
	const veil_check__kn *found;
};

static int get_one(void *arg, const veil_check__kn *key, const veil_check__kn *value)
{
	struct get *g = arg;
	const veil_check__kn *d = veil_check__kderef(value);

	if (veil_check__kis(key, g->key) && d && (!g->kind || d->kind == g->kind))
		g->found = value;
	return 0;
}

const veil_check__kn *veil_check__kget(veil_check__kview *v, const veil_check__kn *m,
                                       const char *key, int kind)
{
	struct get g = { key, kind, NULL };

	veil_check__kview_each(v, m, get_one, &g);
	return g.found;
}
