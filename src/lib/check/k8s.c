/*
 * Kubernetes manifests, structurally: every object of a YAML stream or JSON
 * file, List items, and the JSON of the last-applied-configuration
 * annotation. A Secret's non-empty data/stringData values must be ENC[...];
 * data values are also base64-decoded and run through the detectors.
 * SealedSecrets: encryptedData is ciphertext the detectors must not report,
 * literals in spec.template.data/stringData are plaintext.
 * Also kubeconfig credentials, docker config "auths", kustomize
 * secretGenerator literals (and the files it reads, checked once the whole
 * tree was seen), and Flux Kustomizations that decrypt with sops.
 */
#include "check/detect_int.h"
#include "util/b64.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define LAST_APPLIED     "kubectl.kubernetes.io/last-applied-configuration"
#define MAX_OBJECT_DEPTH 8
#define FIX_SEAL \
	"seal the value into spec.encryptedData (kubeseal), rotate it; or veil encrypt -i PATH"

static const char *str(const veil_node *map, const char *key)
{
	const veil_node *n = map ? veil_node_get(map, key) : NULL;

	return n && n->kind == VEIL_NODE_SCALAR ? n->value : NULL;
}

static const veil_node *child(const veil_node *map, const char *key, veil_node_kind kind)
{
	const veil_node *n = map ? veil_node_get(map, key) : NULL;

	return n && n->kind == kind ? n : NULL;
}

/* A value that is not a plaintext secret: empty, encrypted, a template. */
static int harmless(const char *v, size_t n)
{
	return n == 0 || veil_check__is_enc(v, n) || veil_check__memmem(v, n, "{{", 2) ||
	       (v[0] == '$' && n > 1 && (v[1] == '{' || v[1] == '('));
}

static int plain(veil_check *c, const veil_check__src *src, const veil_node *n, const char *rule,
                 const char *fmt, const char *a, const char *b)
{
	if (n->kind != VEIL_NODE_SCALAR || harmless(n->value, n->value_len))
		return 0;
	return veil_check__add(c, src, n->span.start, rule, VEIL_CHECK_ERROR, n->value,
	                       n->value_len, NULL, fmt, a, b);
}

static int scan_decoded(veil_check *c, const veil_check__src *src, const veil_node *n)
{
	veil_check__src sub = *src;
	size_t cap = n->value_len, len = 0, k = 0;
	char *tmp = malloc(cap + 1);
	uint8_t *out = malloc(cap + 1);
	int error = 0;

	if (!tmp || !out) {
		error = veil_error_set(VEIL_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < n->value_len; i++)
		if ((unsigned char)n->value[i] > ' ')
			tmp[k++] = n->value[i];
	if (veil_b64_decode_padded(out, cap, &len, tmp, k) != 0) {
		veil_error_clear();
		goto done;
	}
	if (!sub.fixed) {
		sub.fixed = 1;
		sub.fixed_off = n->span.start;
	}
	error = veil_check__detect(c, &sub, (const char *)out, len);
done:
	if (out)
		sodium_memzero(out, cap);
	if (tmp)
		sodium_memzero(tmp, cap);
	free(out);
	free(tmp);
	return error;
}

static int secret_obj(veil_check *c, const veil_check__src *src, const veil_node *obj)
{
	static const char *const fields[] = { "stringData", "data" };
	int error = 0;

	for (size_t f = 0; f < 2 && !error; f++) {
		const veil_node *m = child(obj, fields[f], VEIL_NODE_MAP);

		for (size_t i = 0; m && i < m->nitems && !error; i++) {
			const veil_node *v = m->items[i];
			if (v->kind != VEIL_NODE_SCALAR || !v->key)
				continue;
			error = plain(c, src, v, "k8s-secret-plaintext",
			              "plaintext value %s.%s in a Kubernetes Secret", fields[f],
			              v->key);
			if (!error && f == 1 && !harmless(v->value, v->value_len))
				error = scan_decoded(c, src, v);
		}
	}
	return error;
}

/* kubeseal writes standard base64; anything else was never sealed. */
static int base64_text(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (!veil_check__alnum(ch) && ch != '+' && ch != '/' && ch != '=' && ch != '\n' &&
		    ch != '\r' && ch != ' ')
			return 0;
	}
	return 1;
}

/*
 * A SealedSecret (bitnami.com/v1alpha1): spec.encryptedData (and the old
 * spec.data) is ciphertext only the controller can open, so no detector may
 * report it, though a value that is not even base64 was pasted in plaintext;
 * spec.template.data (and stringData) goes into the Secret as written, so a
 * literal there is a plaintext secret (templates like {{ index . "key" }}
 * are fine).
 */
static int sealed_secret(veil_check *c, const veil_check__src *src, const veil_node *obj)
{
	static const char *const fields[] = { "stringData", "data" };
	const veil_node *spec = child(obj, "spec", VEIL_NODE_MAP);
	const veil_node *tmpl = child(spec, "template", VEIL_NODE_MAP);
	const veil_node *sealed[2];
	int error = 0;

	sealed[0] = spec ? veil_node_get(spec, "encryptedData") : NULL;
	sealed[1] = spec ? veil_node_get(spec, "data") : NULL;
	/* spans are offsets into the blob: not for an annotation's inner JSON */
	for (size_t i = 0; i < 2 && !error && !src->fixed; i++)
		if (sealed[i])
			error = veil_check__cipher_span(c, sealed[i]->span.start,
			                                sealed[i]->span.end);
	for (size_t i = 0;
	     sealed[0] && sealed[0]->kind == VEIL_NODE_MAP && i < sealed[0]->nitems && !error;
	     i++) {
		const veil_node *v = sealed[0]->items[i];
		if (v->kind == VEIL_NODE_SCALAR && v->key && !harmless(v->value, v->value_len) &&
		    !base64_text(v->value, v->value_len))
			error = veil_check__add(c, src, v->span.start, "k8s-secret-plaintext",
			                        VEIL_CHECK_ERROR, v->value, v->value_len, FIX_SEAL,
			                        "value spec.encryptedData.%s of a SealedSecret is "
			                        "not sealed (not base64)",
			                        v->key);
	}
	for (size_t f = 0; f < 2 && !error; f++) {
		const veil_node *m = child(tmpl, fields[f], VEIL_NODE_MAP);

		for (size_t i = 0; m && i < m->nitems && !error; i++) {
			const veil_node *v = m->items[i];
			if (v->kind == VEIL_NODE_SCALAR && v->key &&
			    !harmless(v->value, v->value_len))
				error = veil_check__add(
				        c, src, v->span.start, "k8s-secret-plaintext",
				        VEIL_CHECK_ERROR, v->value, v->value_len, FIX_SEAL,
				        "plaintext value spec.template.%s.%s in a "
				        "SealedSecret (only encryptedData is sealed)",
				        fields[f], v->key);
		}
	}
	return error;
}

static int kubeconfig(veil_check *c, const veil_check__src *src, const veil_node *obj)
{
	static const char *const creds[] = { "token", "client-key-data", "password" };
	const veil_node *users = child(obj, "users", VEIL_NODE_SEQ);
	int error = 0;

	for (size_t i = 0; users && i < users->nitems && !error; i++) {
		const veil_node *u = child(users->items[i], "user", VEIL_NODE_MAP);
		for (size_t k = 0; u && k < 3 && !error; k++) {
			const veil_node *v = veil_node_get(u, creds[k]);
			if (v)
				error = plain(c, src, v, "kubeconfig-credential",
				              "plaintext %s%s in a kubeconfig user", creds[k], "");
		}
	}
	return error;
}

static int docker_auths(veil_check *c, const veil_check__src *src, const veil_node *obj)
{
	const veil_node *auths = child(obj, "auths", VEIL_NODE_MAP);
	int error = 0;

	for (size_t i = 0; auths && i < auths->nitems && !error; i++) {
		const veil_node *r = auths->items[i];
		static const char *const keys[] = { "auth", "password", "identitytoken" };
		for (size_t k = 0; r->kind == VEIL_NODE_MAP && k < 3 && !error; k++) {
			const veil_node *v = veil_node_get(r, keys[k]);
			if (v)
				error = plain(c, src, v, "docker-config-auth",
				              "plaintext registry credential (%s) for %s", keys[k],
				              r->key ? r->key : "?");
		}
	}
	return error;
}

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

static int add_ref(veil_check *c, const veil_check__src *src, const veil_node *n, const char *rel,
                   int flux)
{
	char *p = resolve(src->path, rel);
	int error;

	if (!p)
		return 0;
	error = veil_check__ref_add(c, p, src->path, n->span.line, n->span.col, flux);
	free(p);
	return error;
}

static int generator(veil_check *c, const veil_check__src *src, const veil_node *g)
{
	const veil_node *lits = child(g, "literals", VEIL_NODE_SEQ);
	static const char *const filekeys[] = { "files", "envs" };
	int error = 0;

	for (size_t i = 0; lits && i < lits->nitems && !error; i++) {
		const veil_node *l = lits->items[i];
		const char *eq;
		if (l->kind != VEIL_NODE_SCALAR || !(eq = memchr(l->value, '=', l->value_len)))
			continue;
		eq++;
		if (harmless(eq, l->value_len - (size_t)(eq - l->value)))
			continue;
		error = veil_check__add(c, src, l->span.start, "kustomize-secret-literal",
		                        VEIL_CHECK_ERROR, eq,
		                        l->value_len - (size_t)(eq - l->value), NULL,
		                        "plaintext secretGenerator literal in %s",
		                        str(g, "name") ? str(g, "name") : "a generator");
	}
	for (size_t k = 0; k < 2 && !error; k++) {
		const veil_node *fs = child(g, filekeys[k], VEIL_NODE_SEQ);
		for (size_t i = 0; fs && i < fs->nitems && !error; i++) {
			const veil_node *f = fs->items[i];
			const char *eq;
			if (f->kind != VEIL_NODE_SCALAR || !f->value_len)
				continue;
			eq = memchr(f->value, '=', f->value_len);
			error = add_ref(c, src, f, eq ? eq + 1 : f->value, 0);
		}
	}
	return error;
}

static int kustomization(veil_check *c, const veil_check__src *src, const veil_node *obj)
{
	const veil_node *gens = child(obj, "secretGenerator", VEIL_NODE_SEQ);
	const char *api = str(obj, "apiVersion");
	int error = 0;

	for (size_t i = 0; gens && i < gens->nitems && !error; i++)
		if (gens->items[i]->kind == VEIL_NODE_MAP)
			error = generator(c, src, gens->items[i]);
	if (!error && api && !strncmp(api, "kustomize.toolkit.fluxcd.io/", 28)) {
		const veil_node *spec = child(obj, "spec", VEIL_NODE_MAP);
		const veil_node *dec = child(spec, "decryption", VEIL_NODE_MAP);
		const char *prov = str(dec, "provider");
		const veil_node *path = spec ? veil_node_get(spec, "path") : NULL;

		if (prov && !strcmp(prov, "sops")) {
			/* spec.path is relative to the source root, not to this file */
			const char *p = path && path->kind == VEIL_NODE_SCALAR ? path->value : ".";
			size_t pl = strlen(p);
			char *rooted = malloc(pl + 2);
			if (!rooted)
				return veil_error_set(VEIL_ENOMEM, "out of memory");
			rooted[0] = '/';
			memcpy(rooted + 1, p, pl + 1);
			error = add_ref(c, src, path ? path : obj, rooted, 1);
			free(rooted);
		}
	}
	return error;
}

static int object(veil_check *c, const veil_check__src *src, const veil_node *obj, int depth);

static int last_applied(veil_check *c, const veil_check__src *src, const veil_node *obj, int depth)
{
	const veil_node *meta = child(obj, "metadata", VEIL_NODE_MAP);
	const veil_node *ann = child(meta, "annotations", VEIL_NODE_MAP);
	const veil_node *la = ann ? veil_node_get(ann, LAST_APPLIED) : NULL;
	veil_check__src sub = *src;
	veil_doc *doc = NULL;
	int error;

	if (!la || la->kind != VEIL_NODE_SCALAR || !la->value_len)
		return 0;
	if (veil_doc_parse(&doc, VEIL_FMT_JSON, la->value, la->value_len, src->path) != 0) {
		veil_error_clear();
		return 0;
	}
	if (!sub.fixed) {
		sub.fixed = 1;
		sub.fixed_off = la->span.start;
		sub.fixed_line = la->span.line;
		sub.fixed_col = la->span.col;
	}
	error = object(c, &sub, veil_doc_root(doc, 0), depth + 1);
	veil_doc_free(doc);
	return error;
}

static int object(veil_check *c, const veil_check__src *src, const veil_node *obj, int depth)
{
	const char *kind;
	const veil_node *items;
	int error = 0;

	if (!obj || obj->kind != VEIL_NODE_MAP || depth > MAX_OBJECT_DEPTH)
		return 0;
	kind = str(obj, "kind");
	items = child(obj, "items", VEIL_NODE_SEQ);
	if (items && kind && strlen(kind) >= 4 && !strcmp(kind + strlen(kind) - 4, "List"))
		for (size_t i = 0; i < items->nitems && !error; i++)
			error = object(c, src, items->items[i], depth + 1);
	if (!error && kind && !strcmp(kind, "Secret"))
		error = secret_obj(c, src, obj);
	if (!error && kind && !strcmp(kind, "SealedSecret"))
		error = sealed_secret(c, src, obj);
	if (!error &&
	    (veil_node_get(obj, "secretGenerator") || (kind && !strcmp(kind, "Kustomization"))))
		error = kustomization(c, src, obj);
	if (!error && child(obj, "users", VEIL_NODE_SEQ) && (!kind || !strcmp(kind, "Config")))
		error = kubeconfig(c, src, obj);
	if (!error && child(obj, "auths", VEIL_NODE_MAP))
		error = docker_auths(c, src, obj);
	if (!error)
		error = last_applied(c, src, obj, depth);
	return error;
}

int veil_check__k8s_wanted(const char *text, size_t len)
{
	static const char *const words[] = { "Secret", "secretGenerator", "users",
		                             "auths",  "fluxcd.io",       LAST_APPLIED };
	static veil_check__words set = VEIL_CHECK__WORDS(words);

	return veil_check__any_word(&set, text, len);
}

int veil_check__k8s(veil_check *c, const veil_check__src *src, const veil_doc *doc)
{
	int error = 0;

	for (size_t i = 0; i < veil_doc_count(doc) && !error; i++)
		error = object(c, src, veil_doc_root(doc, i), 0);
	return error;
}
