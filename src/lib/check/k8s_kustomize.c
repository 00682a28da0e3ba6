/*
 * What kustomize and Flux read, in a kustomization: secretGenerator
 * literals (plaintext) and the files and envs it reads (which must be
 * encrypted: checked once the whole tree was seen), inline patches that
 * put values into a Secret (strategic-merge or JSON 6902), and a Flux
 * Kustomization that decrypts with sops (its files must be AES256_GCM).
 */
#include "check/k8s_int.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* dir of path + "/" + rel ("/rel": from the root), with "." and ".."
 * folded; NULL if it leaves the root. */
static char *resolve(const char *path, const char *rel)
{
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) : 0, rl = strlen(rel), o = 0, i = 0, n;
	char *joined = malloc(dl + rl + 2), *out = malloc(dl + rl + 2);

	if (!joined || !out)
		goto fail;
	if (rel[0] == '/') {
		memcpy(joined, rel, rl + 1);
	} else {
		memcpy(joined, path, dl);
		joined[dl] = '/';
		memcpy(joined + dl + 1, rel, rl + 1);
	}
	n = strlen(joined);
	while (i < n) {
		size_t e = i;
		while (e < n && joined[e] != '/')
			e++;
		if (e == i || (e - i == 1 && joined[i] == '.')) {
			/* empty or "." */
		} else if (e - i == 2 && joined[i] == '.' && joined[i + 1] == '.') {
			if (o == 0)
				goto fail;
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			if (o)
				out[o++] = '/';
			memcpy(out + o, joined + i, e - i);
			o += e - i;
		}
		i = e + 1;
	}
	out[o] = '\0';
	free(joined);
	return out;
fail:
	free(joined);
	free(out);
	return NULL;
}

static int add_ref(struct veil_check__kctx *k, const veil_check__kn *n, const char *rel, size_t rl,
                   int flux)
{
	const veil_check__src *src = k->src;
	char *r = strndup(rel, rl), *p = r ? resolve(src->path, r) : NULL;
	unsigned int line = 1, col;
	size_t off = src->fixed ? src->fixed_off : n->start, ls = 0;
	const char *nl;
	int error;

	free(r);
	if (!p)
		return 0;
	/* the 1-based position of the reference, as findings have them */
	if (off > src->len)
		off = src->len;
	for (const char *q = src->text; (nl = memchr(q, '\n', (size_t)(src->text + off - q)));
	     q = nl + 1) {
		line++;
		ls = (size_t)(nl - src->text) + 1;
	}
	col = (unsigned int)(off - ls) + 1;
	error = veil_check__ref_add(k->c, p, src->path, line, col, flux);
	free(p);
	return error;
}

/* A literal "key=value" (kustomize strips quotes around the value). */
static int literal(struct veil_check__kctx *k, const veil_check__kn *g, const veil_check__kn *l)
{
	const veil_check__kn *d = veil_check__kderef(l);
	const veil_check__kn *nm = veil_check__kderef(veil_check__kget(k->v, g, "name", 0));
	const char *eq, *v;
	size_t n;
	char msg[200], name[80];

	if (!d || d->kind != KV_SCALAR || !(eq = memchr(d->v, '=', d->vlen)))
		return 0;
	v = eq + 1;
	n = d->vlen - (size_t)(v - d->v);
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0])
		v++, n -= 2;
	if (!veil_check__holds_literal(v, n))
		return 0;
	snprintf(msg, sizeof(msg), "plaintext secretGenerator literal in %s",
	         nm ? veil_check__k8s_name(nm, name, sizeof(name)) : "a generator");
	return veil_check__k8s_report(k, l, "kustomize-secret-literal", v, n, NULL, msg);
}

int veil_check__k8s_generator(struct veil_check__kctx *k, const veil_check__kn *g)
{
	static const char *const filekeys[] = { "files", "envs", "env" };
	const veil_check__kn *lits = veil_check__kget(k->v, g, "literals", KV_SEQ);
	int error = 0;

	lits = veil_check__kderef(lits);
	for (size_t i = 0; lits && i < lits->nkids && !error; i++)
		error = literal(k, g, lits->kids[i]);
	for (size_t f = 0; f < 3 && !error; f++) {
		const veil_check__kn *fs =
		        veil_check__kderef(veil_check__kget(k->v, g, filekeys[f], 0));
		/* "env: file" (old kustomize) is one file, "files"/"envs" lists */
		size_t n = fs && fs->kind == KV_SEQ      ? fs->nkids
		           : fs && fs->kind == KV_SCALAR ? 1
		                                         : 0;
		for (size_t i = 0; i < n && !error; i++) {
			const veil_check__kn *it =
			        fs->kind == KV_SEQ ? veil_check__kderef(fs->kids[i]) : fs;
			const char *eq;
			if (!it || it->kind != KV_SCALAR || !it->vlen)
				continue;
			eq = memchr(it->v, '=', it->vlen);
			error = eq ? add_ref(k, it, eq + 1, it->vlen - (size_t)(eq + 1 - it->v), 0)
			           : add_ref(k, it, it->v, it->vlen, 0);
		}
	}
	return error;
}

/* An inline patch (a YAML or JSON text in a kustomization): read as its
 * own stream; a strategic-merge patch of a Secret is a Secret, and a JSON
 * 6902 patch that adds data or stringData values holds them. */
struct inner {
	struct veil_check__kctx *outer;
	const veil_check__kn *at;
	const veil_check__kn *text;
	int secret; /* the patch targets a Secret */
};

static int inner_doc(void *arg, veil_check__kview *v, const veil_check__kdoc *d);

static int read_inner(struct veil_check__kctx *k, const veil_check__kn *at,
                      const veil_check__kn *text, int secret)
{
	struct inner in = { k, at, NULL, secret };

	text = veil_check__kderef(text);
	in.text = text;
	if (!text || text->kind != KV_SCALAR || !text->vlen)
		return 0;
	return veil_check__kview_read(text->v, text->vlen, inner_doc, &in);
}

static int json_op(struct veil_check__kctx *k, const veil_check__kn *op)
{
	const veil_check__kn *path = veil_check__kderef(veil_check__kget(k->v, op, "path", 0));
	const veil_check__kn *val = veil_check__kget(k->v, op, "value", 0);
	const char *s;
	size_t len;

	if (!path || path->kind != KV_SCALAR || !val)
		return 0;
	if (!strcmp(path->v, "/data") || !strcmp(path->v, "/stringData")) {
		struct veil_check__kvalues w = {
			k,
			path->v + 1,
			"k8s-secret-plaintext",
			"plaintext value %s.%s in a kustomize patch of a Secret",
			NULL,
			path->v[1] == 'd'
		};
		return veil_check__kview_each(k->v, val, veil_check__k8s_value, &w);
	}
	if (strncmp(path->v, "/data/", 6) && strncmp(path->v, "/stringData/", 12))
		return 0;
	if (!veil_check__k8s_plaintext(k, val, &s, &len))
		return 0;
	return veil_check__k8s_report(k, val, "k8s-secret-plaintext", s, len, NULL,
	                              "plaintext value in a kustomize JSON patch of a Secret");
}

static int inner_doc(void *arg, veil_check__kview *v, const veil_check__kdoc *d)
{
	struct inner *in = arg;
	veil_check__src sub = *in->outer->src;
	struct veil_check__kctx k = *in->outer;
	const veil_check__kn *root = veil_check__kderef(d->root);
	int error = 0;

	if (!root)
		return 0;
	if (!sub.fixed) {
		sub.fixed = 1;
		sub.fixed_off = in->at->start;
	}
	k.src = &sub;
	k.v = v;
	k.text = in->text->v;
	k.len = in->text->vlen;
	k.sops = 0;
	if (root->kind == KV_SEQ && in->secret) {
		for (size_t i = 0; i < root->nkids && !error; i++)
			error = json_op(&k, veil_check__kderef(root->kids[i]));
		return error;
	}
	return veil_check__k8s_object(&k, root, in->outer->depth + 1, in->secret);
}

/* kustomize patches: patches[].patch (with a target), the older
 * patchesStrategicMerge (inline texts) and patchesJson6902. */
static int patches(struct veil_check__kctx *k, const veil_check__kn *obj)
{
	static const char *const keys[] = { "patches", "patchesJson6902", "patchesStrategicMerge" };
	int error = 0;

	for (size_t p = 0; p < 3 && !error; p++) {
		const veil_check__kn *list =
		        veil_check__kderef(veil_check__kget(k->v, obj, keys[p], KV_SEQ));
		for (size_t i = 0; list && i < list->nkids && !error; i++) {
			const veil_check__kn *it = veil_check__kderef(list->kids[i]);
			const veil_check__kn *target, *text;
			int secret = 0;
			if (it && it->kind == KV_SCALAR && memchr(it->v, '\n', it->vlen)) {
				error = read_inner(k, it, it, 0);
				continue;
			}
			if (!it || it->kind != KV_MAP)
				continue;
			target = veil_check__kget(k->v, it, "target", KV_MAP);
			secret = veil_check__kis(veil_check__kget(k->v, target, "kind", 0),
			                         "Secret");
			text = veil_check__kget(k->v, it, "patch", 0);
			if (text)
				error = read_inner(k, text, text, secret);
		}
	}
	return error;
}

int veil_check__k8s_kustomization(struct veil_check__kctx *k, const veil_check__kn *obj,
                                  const veil_check__kn *api)
{
	const veil_check__kn *gens =
	        veil_check__kderef(veil_check__kget(k->v, obj, "secretGenerator", KV_SEQ));
	int error = 0;

	for (size_t i = 0; gens && i < gens->nkids && !error; i++)
		if (veil_check__kderef(gens->kids[i])->kind == KV_MAP)
			error = veil_check__k8s_generator(k, veil_check__kderef(gens->kids[i]));
	if (!error)
		error = patches(k, obj);
	api = veil_check__kderef(api);
	if (!error && api && api->kind == KV_SCALAR &&
	    !strncmp(api->v, "kustomize.toolkit.fluxcd.io/", 28)) {
		const veil_check__kn *spec = veil_check__kget(k->v, obj, "spec", KV_MAP);
		const veil_check__kn *dec = veil_check__kget(k->v, spec, "decryption", KV_MAP);
		const veil_check__kn *path =
		        veil_check__kderef(veil_check__kget(k->v, spec, "path", 0));

		if (veil_check__kis(veil_check__kget(k->v, dec, "provider", 0), "sops")) {
			/* spec.path is relative to the source root, not to this file */
			const char *p = path && path->kind == KV_SCALAR ? path->v : ".";
			size_t pl = strlen(p);
			char *rooted = malloc(pl + 2);
			if (!rooted)
				return veil_error_oom();
			rooted[0] = '/';
			memcpy(rooted + 1, p, pl + 1);
			error = add_ref(k, path ? path : obj, rooted, pl + 1, 1);
			free(rooted);
		}
	}
	return error;
}
