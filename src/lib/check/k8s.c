/*
 * Kubernetes manifests, judged as Kubernetes loads them (kview.h): every
 * document of a YAML stream or JSON stream, List items (any object with
 * an items list, as kubectl flattens them), and the JSON of the
 * last-applied-configuration annotation. A Secret's non-null
 * data/stringData values must be ENC[...] or templates without a literal
 * (template.c); data values are also base64-decoded and run through the
 * detectors. SealedSecrets: encryptedData is ciphertext the detectors must
 * not report, literals in spec.template.data/stringData are plaintext.
 * Also kubeconfig credentials, docker config "auths", kustomize
 * secretGenerator literals and the files it reads (checked once the whole
 * tree was seen), inline kustomize patches of Secrets, and Flux
 * Kustomizations that decrypt with sops.
 */
#include "check/k8s_int.h"
#include "util/b64.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LAST_APPLIED "kubectl.kubernetes.io/last-applied-configuration"
/* a literal in a template (a Helm chart) */
#define FIX_TEMPLATE                                                                         \
	"move the value into the chart's values, encrypted (helm-secrets reads sops files: " \
	"veil encrypt -i secrets.yaml), reference it as {{ .Values.NAME }}, and rotate it"
#define FIX_SEAL \
	"seal the value into spec.encryptedData (kubeseal), rotate it; or veil encrypt -i PATH"

const char *veil_check__k8s_name(const veil_check__kn *key, char *buf, size_t cap)
{
	size_t n = 0;

	key = veil_check__kderef(key);
	if (!key || key->kind != KV_SCALAR)
		return "?";
	for (size_t i = 0; i < key->vlen && n + 1 < cap; i++) {
		unsigned char ch = (unsigned char)key->v[i];
		buf[n++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
	}
	buf[n] = '\0';
	return buf;
}

/* The fix of a plaintext value: encrypt the file, or, when it is encrypted
 * already (encrypt would refuse it, exit 203), replace the value properly:
 * FIX_SET with its path for veil set, ["field"]["key"] for a Secret that
 * is its document (quotes and backslashes left out of the names). NULL:
 * the default fix. */
static const char *fix_for(const struct veil_check__kctx *k, const char *field, const char *key,
                           char *buf, size_t cap)
{
	char path[200];
	size_t p = 0;

	if (k->templ)
		return FIX_TEMPLATE;
	if (!k->sops)
		return NULL;
	if (k->root_obj && field) {
		const char *parts[2] = { field, key };
		for (size_t i = 0; i < 2 && p + 8 < sizeof(path); i++) {
			path[p++] = '[';
			path[p++] = '"';
			for (const char *q = parts[i]; *q && p + 4 < sizeof(path); q++)
				if (*q != '"' && *q != '\\' && *q != '\'')
					path[p++] = *q;
			path[p++] = '"';
			path[p++] = ']';
		}
		path[p] = '\0';
	} else {
		snprintf(path, sizeof(path), "<the value's path>");
	}
	return veil_check__fix_set(buf, cap, path);
}

/* Raw text of a collection a template stands in for ({{ ... }} unquoted
 * reads as a flow map): what the template engine sees. */
static int template_span(const struct veil_check__kctx *k, const veil_check__kn *n, const char **s,
                         size_t *len)
{
	if (!k->text || n->end <= n->start || n->end > k->len || k->len - n->start < 2 ||
	    memcmp(k->text + n->start, "{{", 2))
		return 0;
	*s = k->text + n->start;
	*len = n->end - n->start;
	return 1;
}

int veil_check__k8s_plaintext(const struct veil_check__kctx *k, const veil_check__kn *val,
                              const char **s, size_t *len)
{
	const veil_check__kn *d = veil_check__kderef(val);

	if (!d)
		return 0;
	if (d->kind == KV_SCALAR) {
		if (d->null)
			return 0;
		*s = d->v;
		*len = d->vlen;
		return veil_check__holds_literal(d->v, d->vlen);
	}
	/* a list or map is no string: Kubernetes refuses it, unless it is a
	 * template the engine renders first */
	return template_span(k, d, s, len) && veil_check__holds_literal(*s, *len);
}

/* Whether offset off was reported in this document already (and now it
 * is). An offset is never SIZE_MAX, the free slot's mark. */
static int reported(struct veil_check__reported *r, size_t off)
{
	size_t mask, i;

	if ((r->n + 1) * 2 > r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;
		size_t *t = malloc(cap * sizeof(*t));
		if (!t)
			return -1;
		memset(t, 0xff, cap * sizeof(*t));
		for (size_t j = 0; j < r->cap; j++) {
			if (r->off[j] == SIZE_MAX)
				continue;
			for (i = (r->off[j] * 0x9E3779B97F4A7C15ull) & (cap - 1); t[i] != SIZE_MAX;
			     i = (i + 1) & (cap - 1))
				;
			t[i] = r->off[j];
		}
		free(r->off);
		r->off = t;
		r->cap = cap;
	}
	mask = r->cap - 1;
	for (i = (off * 0x9E3779B97F4A7C15ull) & mask; r->off[i] != SIZE_MAX; i = (i + 1) & mask)
		if (r->off[i] == off)
			return 1;
	r->off[i] = off;
	r->n++;
	return 0;
}

int veil_check__k8s_report(struct veil_check__kctx *k, const veil_check__kn *at, const char *rule,
                           const char *s, size_t len, const char *fix, const char *msg)
{
	int seen = k->src->fixed ? 0 : reported(k->seen, at->start);

	if (seen < 0)
		return veil_error_oom();
	if (seen)
		return 0;
	return veil_check__add(k->c, k->src, at->start, rule, VEIL_CHECK_ERROR, s, len, fix, "%s",
	                       msg);
}

static int scan_decoded(struct veil_check__kctx *k, const veil_check__kn *at, const char *v,
                        size_t n)
{
	veil_check__src sub = *k->src;
	size_t len = 0, j = 0;
	char *tmp = malloc(n + 1);
	uint8_t *out = malloc(n + 1);
	int error = 0;

	if (!tmp || !out) {
		error = veil_error_oom();
		goto done;
	}
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] > ' ')
			tmp[j++] = v[i];
	if (veil_b64_decode_padded(out, n, &len, tmp, j) != 0) {
		veil_error_clear();
		goto done;
	}
	if (!sub.fixed) {
		sub.fixed = 1;
		sub.fixed_off = at->start;
	}
	error = veil_check__detect(k->c, &sub, (const char *)out, len);
done:
	if (out)
		sodium_memzero(out, n);
	if (tmp)
		sodium_memzero(tmp, n);
	free(out);
	free(tmp);
	return error;
}

/* The entries of a Secret's data or stringData map (or a SealedSecret's
 * template's), each judged. */
int veil_check__k8s_value(void *arg, const veil_check__kn *key, const veil_check__kn *val)
{
	struct veil_check__kvalues *w = arg;
	char name[80], msg[200], fixbuf[400];
	const char *s;
	size_t len;
	int error;

	if (!veil_check__k8s_plaintext(w->k, val, &s, &len))
		return 0;
	veil_check__k8s_name(key, name, sizeof(name));
	snprintf(msg, sizeof(msg), w->fmt, w->field, name);
	error = veil_check__k8s_report(
	        w->k, val, w->rule, s, len,
	        w->fix ? w->fix : fix_for(w->k, w->field, name, fixbuf, sizeof(fixbuf)), msg);
	if (!error && w->decode && veil_check__kderef(val)->kind == KV_SCALAR)
		error = scan_decoded(w->k, val, s, len);
	return error;
}

/* Entries of obj whose key is field (case aside: old API servers matched
 * JSON fields so) with a map value: each judged by w. */
struct fields {
	struct veil_check__kvalues *w;
	const char *field;
};

static int one_field(void *arg, const veil_check__kn *key, const veil_check__kn *val)
{
	struct fields *f = arg;
	const veil_check__kn *k = veil_check__kderef(key);

	if (!k || k->kind != KV_SCALAR || strcasecmp(k->v, f->field) || strlen(f->field) != k->vlen)
		return 0;
	f->w->field = f->field;
	return veil_check__kview_each(f->w->k->v, val, veil_check__k8s_value, f->w);
}

static int data_fields(struct veil_check__kctx *k, const veil_check__kn *obj, const char *rule,
                       const char *fmt, const char *fix)
{
	static const char *const names[] = { "stringData", "data" };
	int error = 0;

	for (size_t i = 0; i < 2 && !error; i++) {
		struct veil_check__kvalues w = { k, names[i], rule, fmt, fix, i == 1 };
		struct fields f = { &w, names[i] };
		error = veil_check__kview_each(k->v, obj, one_field, &f);
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

static int sealed_value(void *arg, const veil_check__kn *key, const veil_check__kn *val)
{
	struct veil_check__kctx *k = arg;
	const veil_check__kn *d = veil_check__kderef(val);
	char name[80], msg[200];

	if (!d || d->kind != KV_SCALAR || d->null || base64_text(d->v, d->vlen) ||
	    !veil_check__holds_literal(d->v, d->vlen))
		return 0;
	snprintf(msg, sizeof(msg),
	         "value spec.encryptedData.%s of a SealedSecret is not sealed (not base64)",
	         veil_check__k8s_name(key, name, sizeof(name)));
	return veil_check__k8s_report(k, val, "k8s-secret-plaintext", d->v, d->vlen, FIX_SEAL, msg);
}

/*
 * A SealedSecret (bitnami.com/v1alpha1): spec.encryptedData (and the old
 * spec.data) is ciphertext only the controller can open, so no detector may
 * report it, though a value that is not even base64 was pasted in plaintext;
 * spec.template.data (and stringData) goes into the Secret as written, so a
 * literal there is a plaintext secret (templates like {{ index . "key" }}
 * are fine).
 */
static int sealed_secret(struct veil_check__kctx *k, const veil_check__kn *obj)
{
	const veil_check__kn *spec = veil_check__kget(k->v, obj, "spec", KV_MAP);
	const veil_check__kn *sealed[2] = { NULL, NULL };
	int error = 0;

	if (!spec)
		return 0;
	sealed[0] = veil_check__kderef(veil_check__kget(k->v, spec, "encryptedData", 0));
	sealed[1] = veil_check__kderef(veil_check__kget(k->v, spec, "data", 0));
	/* spans are offsets into the blob: not for an annotation's inner JSON */
	for (size_t i = 0; i < 2 && !error && !k->src->fixed; i++)
		if (sealed[i])
			error = veil_check__cipher_span(k->c, sealed[i]->start, sealed[i]->end);
	if (!error && sealed[0])
		error = veil_check__kview_each(k->v, sealed[0], sealed_value, k);
	if (!error)
		error = data_fields(k, veil_check__kget(k->v, spec, "template", KV_MAP),
		                    "k8s-secret-plaintext",
		                    "plaintext value spec.template.%s.%s in a SealedSecret (only "
		                    "encryptedData is sealed)",
		                    FIX_SEAL);
	return error;
}

/* An ExternalSecret (external-secrets.io): spec.target.template.data goes
 * into the Secret it makes, rendered; only what it fetches is secret, so
 * a literal there ({{ .password }} is fine) is plaintext. */
static int external_secret(struct veil_check__kctx *k, const veil_check__kn *obj)
{
	const veil_check__kn *spec = veil_check__kget(k->v, obj, "spec", KV_MAP);
	const veil_check__kn *target = veil_check__kget(k->v, spec, "target", KV_MAP);

	return data_fields(k, veil_check__kget(k->v, target, "template", KV_MAP),
	                   "k8s-secret-plaintext",
	                   "plaintext value spec.target.template.%s.%s in an ExternalSecret (only "
	                   "what it fetches is secret)",
	                   "fetch the value from the secret store (a remoteRef in spec.data) and "
	                   "reference it in the template ({{ .name }}); rotate it");
}

static int kubeconfig(struct veil_check__kctx *k, const veil_check__kn *users)
{
	static const char *const creds[] = { "token", "client-key-data", "password" };
	int error = 0;

	for (size_t i = 0; i < users->nkids && !error; i++) {
		const veil_check__kn *u =
		        veil_check__kget(k->v, veil_check__kderef(users->kids[i]), "user", KV_MAP);
		for (size_t c = 0; u && c < 3 && !error; c++) {
			const veil_check__kn *v = veil_check__kget(k->v, u, creds[c], 0);
			const char *s;
			size_t len;
			char msg[80], fix[400];
			if (!v || !veil_check__k8s_plaintext(k, v, &s, &len))
				continue;
			snprintf(msg, sizeof(msg), "plaintext %s in a kubeconfig user", creds[c]);
			error = veil_check__k8s_report(k, v, "kubeconfig-credential", s, len,
			                               fix_for(k, NULL, creds[c], fix, sizeof(fix)),
			                               msg);
		}
	}
	return error;
}

static int one_registry(void *arg, const veil_check__kn *key, const veil_check__kn *val)
{
	static const char *const names[] = { "auth", "password", "identitytoken" };
	struct veil_check__kctx *k = arg;
	int error = 0;

	for (size_t i = 0; i < 3 && !error; i++) {
		const veil_check__kn *v = veil_check__kget(k->v, val, names[i], 0);
		char name[80], msg[200];
		const char *s;
		size_t len;
		if (!v || !veil_check__k8s_plaintext(k, v, &s, &len))
			continue;
		snprintf(msg, sizeof(msg), "plaintext registry credential (%s) for %s", names[i],
		         veil_check__k8s_name(key, name, sizeof(name)));
		error = veil_check__k8s_report(k, v, "docker-config-auth", s, len, NULL, msg);
	}
	return error;
}

struct la {
	struct veil_check__kctx *outer;
	const veil_check__kn *at;
	int depth;
};

static int la_doc(void *arg, veil_check__kview *v, const veil_check__kdoc *d)
{
	struct la *l = arg;
	veil_check__src sub = *l->outer->src;
	struct veil_check__kctx k = *l->outer;

	if (!sub.fixed) {
		sub.fixed = 1;
		sub.fixed_off = l->at->start;
	}
	k.src = &sub;
	k.v = v;
	k.text = l->at->v;
	k.len = l->at->vlen;
	k.sops = 0;
	return veil_check__k8s_object(&k, d->root, l->depth + 1, 0);
}

static int last_applied(struct veil_check__kctx *k, const veil_check__kn *obj, int depth)
{
	const veil_check__kn *meta = veil_check__kget(k->v, obj, "metadata", KV_MAP);
	const veil_check__kn *ann = veil_check__kget(k->v, meta, "annotations", KV_MAP);
	const veil_check__kn *la = veil_check__kderef(veil_check__kget(k->v, ann, LAST_APPLIED, 0));
	struct la l = { k, la, depth };

	if (!la || la->kind != KV_SCALAR || !la->vlen)
		return 0;
	return veil_check__kview_read(la->v, la->vlen, la_doc, &l);
}

/* What an object says of itself, in one pass over its entries. */
struct shape {
	int secret, sealed, external, kustomization, config, generator, kinded;
	const veil_check__kn *items, *objects, *users, *auths, *api, *secret_gen;
};

static int shape_entry(void *arg, const veil_check__kn *key, const veil_check__kn *val)
{
	struct shape *s = arg;
	const veil_check__kn *v = veil_check__kderef(val);
	int kind = v ? v->kind : 0;

	if (veil_check__kis(key, "kind")) {
		s->kinded = 1;
		s->secret |= veil_check__kis(v, "Secret");
		s->sealed |= veil_check__kis(v, "SealedSecret");
		s->external |= veil_check__kis(v, "ExternalSecret");
		s->kustomization |= veil_check__kis(v, "Kustomization");
		s->config |= veil_check__kis(v, "Config");
		s->generator |= veil_check__kis(v, "SecretGenerator");
	} else if (veil_check__kis(key, "items") && kind == KV_SEQ) {
		s->items = v;
	} else if (veil_check__kis(key, "objects") && kind == KV_SEQ) {
		s->objects = v; /* an OpenShift Template's */
	} else if (veil_check__kis(key, "users") && kind == KV_SEQ) {
		s->users = v;
	} else if (veil_check__kis(key, "auths") && kind == KV_MAP) {
		s->auths = v;
	} else if (veil_check__kis(key, "apiVersion")) {
		s->api = v;
	} else if (veil_check__kis(key, "secretGenerator")) {
		s->secret_gen = v;
	}
	return 0;
}

int veil_check__k8s_object(struct veil_check__kctx *k, const veil_check__kn *obj, int depth,
                           int as_secret)
{
	struct shape s;
	int error = 0;

	obj = veil_check__kderef(obj);
	if (!obj || depth > MAX_OBJECT_DEPTH)
		return 0;
	if (obj->kind == KV_SEQ) {
		/* a stream whose document is a list of objects */
		for (size_t i = 0; i < obj->nkids && !error; i++)
			error = veil_check__k8s_object(k, obj->kids[i], depth + 1, 0);
		return error;
	}
	if (obj->kind != KV_MAP)
		return 0;
	memset(&s, 0, sizeof(s));
	k->root_obj = depth == 0;
	k->depth = depth;
	error = veil_check__kview_each(k->v, obj, shape_entry, &s);
	/* kubectl flattens any object with an items list; oc process makes
	 * a Template's objects */
	for (size_t i = 0; s.items && i < s.items->nkids && !error; i++)
		error = veil_check__k8s_object(k, s.items->kids[i], depth + 1, 0);
	for (size_t i = 0; s.objects && i < s.objects->nkids && !error; i++)
		error = veil_check__k8s_object(k, s.objects->kids[i], depth + 1, 0);
	k->root_obj = depth == 0;
	k->depth = depth;
	if (!error && (s.secret || (as_secret && !s.kinded)))
		error = data_fields(k, obj, "k8s-secret-plaintext",
		                    "plaintext value %s.%s in a Kubernetes Secret", NULL);
	if (!error && s.sealed)
		error = sealed_secret(k, obj);
	if (!error && s.external)
		error = external_secret(k, obj);
	if (!error && (s.secret_gen || s.kustomization))
		error = veil_check__k8s_kustomization(k, obj, s.api);
	if (!error && s.generator)
		error = veil_check__k8s_generator(k, obj);
	if (!error && s.users && (!s.kinded || s.config))
		error = kubeconfig(k, s.users);
	if (!error && s.auths)
		error = veil_check__kview_each(k->v, s.auths, one_registry, k);
	if (!error)
		error = last_applied(k, obj, depth);
	return error;
}

/* Extensions of code and prose, which no Kubernetes tool reads as a
 * manifest: the detectors alone scan them. */
static int prose_or_code(const char *path)
{
	static const char *const ext[] = {
		"go",   "py",    "js",       "mjs", "cjs",  "ts",   "tsx", "jsx",        "java",
		"kt",   "c",     "h",        "cc",  "cpp",  "hpp",  "cs",  "rb",         "rs",
		"php",  "swift", "scala",    "sh",  "bash", "zsh",  "ps1", "pl",         "lua",
		"sql",  "md",    "markdown", "rst", "adoc", "html", "htm", "xml",        "css",
		"scss", "svg",   "env",      "ini", "toml", "tf",   "hcl", "properties", "lock",
		"sum",  "mod",   "gradle",   "png", "jpg",  "jpeg", "gif", "ico",        "pdf",
		"zip",  "gz",    "tgz",      "jar", "so",   "a",    "o",   "pyc",        "class",
		"wasm", "woff",  "woff2",    "ttf"
	};
	const char *base = strrchr(path, '/'), *dot;

	base = base ? base + 1 : path;
	dot = strrchr(base, '.');
	if (!dot || dot == base)
		return 0;
	for (size_t i = 0; i < sizeof(ext) / sizeof(*ext); i++)
		if (!strcasecmp(dot + 1, ext[i]))
			return 1;
	return 0;
}

int veil_check__k8s_wanted(const char *path, const char *text, size_t len)
{
	/* what a manifest needs to hold anything looked at here, written
	 * plainly, or what could spell it otherwise: an escape ("\x53ecret"),
	 * a tag (!!binary, !<tag:...>, !h!binary after a %TAG: all have '!') */
	static const char *const words[] = { "Secret", "secretGenerator", "users",
		                             "auths",  "fluxcd.io",       "\\",
		                             "!" };
	static veil_check__words set = VEIL_CHECK__WORDS(words);

	return !prose_or_code(path) && veil_check__any_word(&set, text, len);
}

struct stream {
	veil_check *c;
	const veil_check__src *src;
	int warn_unparsed; /* a YAML/JSON file: a broken document is worth a word */
	int templ;         /* it is a template */
};

static int yaml_name(const char *path)
{
	veil_doc_format f = veil_doc_format_from_path(path);

	return f == VEIL_FMT_YAML || f == VEIL_FMT_JSON;
}

static int stream_doc(void *arg, veil_check__kview *v, const veil_check__kdoc *d)
{
	struct stream *st = arg;
	struct veil_check__reported seen = { NULL, 0, 0 };
	struct veil_check__kctx k = { &seen,        st->c, st->src, v, st->src->text,
		                      st->src->len, 0,     0,       0, 0 };
	const veil_check__kn *root = veil_check__kderef(d->root);
	int error;

	if (root && root->kind == KV_MAP)
		k.sops = veil_check__kget(v, root, "sops", KV_MAP) != NULL;
	k.templ = st->templ;
	error = veil_check__k8s_object(&k, root, 0, 0);
	free(seen.off);
	if (!error && veil_check__kview_exhausted(v))
		error = veil_check__add_file(
		        st->c, st->src, d->start, "yaml-alias-bomb", VEIL_CHECK_ERROR,
		        "remove the aliases that expand into each other",
		        "document %zu expands its aliases and merge keys past the "
		        "limit (Kubernetes refuses such a document as excessive "
		        "aliasing); it was not fully checked",
		        d->index + 1);
	/* a limit of veil's is no reason to let a Secret by: refused */
	if (!error && d->limit &&
	    veil_check__memmem(st->src->text + d->start, st->src->len - d->start, "Secret", 6))
		return veil_check__add_file(st->c, st->src, d->error_off, "yaml-too-large",
		                            VEIL_CHECK_ERROR, "split the document",
		                            "document %zu is larger than veil checks (%s): what "
		                            "follows was not checked",
		                            d->index + 1, d->error);
	if (!error && d->partial && st->warn_unparsed && d->error_off > d->start &&
	    veil_check__memmem(st->src->text + d->start, d->error_off - d->start, "Secret", 6) &&
	    !veil_check__memmem(st->src->text + d->start, d->error_off - d->start, "{{", 2))
		error = veil_check__add_file(
		        st->c, st->src, d->error_off, "yaml-unparsed", VEIL_CHECK_WARNING,
		        "fix the syntax error",
		        "document %zu does not parse (%s): what follows the error "
		        "in it was not checked as Kubernetes reads it",
		        d->index + 1, d->error ? d->error : "syntax error");
	return error;
}

int veil_check__k8s(veil_check *c, const veil_check__src *src)
{
	struct stream st = { c, src, yaml_name(src->path),
		             veil_check__memmem(src->text, src->len, "{{", 2) != NULL };

	return veil_check__kview_read(src->text, src->len, stream_doc, &st);
}
