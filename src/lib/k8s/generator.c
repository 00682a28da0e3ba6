/*
 * The SecretGenerator (apiVersion veil/v1), shaped like ksops's:
 *   files:      encrypted manifests, emitted decrypted
 *   secretFrom: Secrets built from encrypted files:
 *     - metadata: {name, namespace, labels, annotations}
 *       type: Opaque
 *       files: [path, key=path]        the decrypted file is the value
 *       binaryFiles: [path, key=path]  the same (binary files: their bytes)
 *       envs: [path]                   dotenv (or a flat YAML/JSON map): one key each
 * Values go into `data` as base64, so no byte of a secret needs quoting.
 */
#define _GNU_SOURCE /* realpath, strndup */
#include "k8s/k8s.h"
#include "util/b64.h"
#include "util/fsutil.h"
#include "util/jsonstr.h"
#include "util/secret.h"
#include "veil/error.h"
#include "veil/sops.h"
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_KEYS 4096

typedef struct kv {
	char *key;
	uint8_t *val;
	size_t len;
} kv;

typedef struct secret_data {
	kv items[MAX_KEYS];
	size_t n;
} secret_data;

int veil_k8s_is_generator(const veil_node *cfg)
{
	const char *api = veil_k8s__field(cfg, "apiVersion", NULL);
	const char *kind = veil_k8s__field(cfg, "kind", NULL);

	return api && kind && !strcmp(api, "veil/v1") && !strcmp(kind, "SecretGenerator");
}

/* A YAML double-quoted scalar (JSON escapes, which YAML reads the same). */
static int quoted(veil_buf *b, const char *s, size_t len)
{
	return veil_json_string(b, s, len, VEIL_JSON_LOG | VEIL_JSON_YAML);
}

/* Paths stay inside the kustomization directory, as kustomize's default
 * load restrictor wants: a repository must not make the decrypter read
 * files elsewhere on the host. */
static int safe_path(const char *path, const char *what)
{
	char cwd[PATH_MAX], *real = NULL;
	size_t n;
	int error = 0;

	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return veil_error_set(VEIL_EINVAL,
		                      "%s: '%s': only paths relative to the "
		                      "kustomization directory are allowed",
		                      what, path);
	if (!(real = realpath(path, NULL)))
		return veil_error_set(VEIL_ENOTFOUND, "%s: '%s' does not exist", what, path);
	n = strlen(cwd);
	if (strncmp(real, cwd, n) || (real[n] != '/' && n > 1))
		error = veil_error_set(VEIL_EINVAL,
		                       "%s: '%s' is outside the kustomization "
		                       "directory",
		                       what, path);
	free(real);
	return error;
}

/* Reads, parses and decrypts one encrypted file. */
static int open_file(veil_doc **doc, const char *path, const char *what, const veil_k8s_opts *o,
                     size_t index, char **text, size_t *tlen)
{
	veil_k8s_opts fo = *o;
	uint8_t *data = NULL;
	size_t len = 0;
	char ctx[PATH_MAX + 64];
	int error;

	*doc = NULL;
	*text = NULL;
	snprintf(ctx, sizeof(ctx), "%s: %s", what, path);
	if ((error = safe_path(path, what)) < 0 ||
	    (error = veil_file_read(&data, &len, path, VEIL_DOC_MAX_SIZE)) < 0)
		return error;
	error = veil_doc_parse(doc, veil_doc_format_from_path(path), (const char *)data, len, ctx);
	veil_wipe_free(data, len);
	if (error < 0)
		return error;
	if (!veil_sops_is_encrypted(*doc))
		return veil_error_set(VEIL_EFORMAT,
		                      "%s: not sops-encrypted (the generator emits "
		                      "encrypted files only)",
		                      ctx);
	/* A generator hands plaintext to kustomize, whose later namespace,
	 * namePrefix and patches (even a JSON patch of /kind) would move it:
	 * a scope-bound value is decrypted after kustomize, where its binding
	 * is checked against the final namespace, name and kind. */
	if (veil_node_get(veil_doc_metadata(*doc), "veil_scope"))
		return veil_error_set(VEIL_EFORMAT,
		                      "%s: scope-bound (veil_scope); list it under resources: and "
		                      "decrypt after kustomize (the veil transformer, or kustomize "
		                      "build | veil k8s decrypt), where the binding is checked",
		                      ctx);
	fo.source = path;
	return veil_k8s__open_doc(text, tlen, *doc, ctx, index, -1, &fo);
}

static void wipe_text(char *text, size_t len)
{
	if (text) {
		sodium_memzero(text, len);
		free(text);
	}
}

/* files: every document of each decrypted manifest. */
static int gen_files(const veil_node *list, const veil_k8s_opts *o, veil_k8s_emit_fn emit,
                     void *payload)
{
	int error = 0;

	for (size_t i = 0; list && i < list->nitems && !error; i++) {
		const veil_node *f = list->items[i];
		veil_k8s_seg *segs = NULL;
		size_t nsegs = 0, tlen = 0;
		veil_doc *doc = NULL;
		char *text = NULL;
		int json = 0;
		if (f->kind != VEIL_NODE_SCALAR)
			continue;
		error = open_file(&doc, f->value, "files", o, i, &text, &tlen);
		if (!error && !text)
			error = veil_error_set(VEIL_EFORMAT,
			                       "files: %s: not a manifest (YAML or "
			                       "JSON); use secretFrom for other files",
			                       f->value);
		if (!error)
			error = veil_k8s__split(&segs, &nsegs, &json, text, tlen);
		for (size_t k = 0; k < nsegs && !error; k++) {
			const char *s = text + segs[k].start;
			size_t n = segs[k].end - segs[k].start;
			if (json || veil_k8s__has_content(s, n))
				error = emit(payload, s, n);
		}
		free(segs);
		wipe_text(text, tlen);
		veil_doc_free(doc);
	}
	return error;
}

static int valid_key(const char *k, size_t len)
{
	if (len == 0 || len > 253)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = k[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return 1;
}

static int put(secret_data *d, const char *secret, const char *key, size_t klen, const void *val,
               size_t len)
{
	if (!valid_key(key, klen))
		return veil_error_set(VEIL_EFORMAT,
		                      "secretFrom %s: '%.*s' is not a valid Secret "
		                      "key ([-._a-zA-Z0-9]+)",
		                      secret, (int)(klen > 64 ? 64 : klen), key);
	for (size_t i = 0; i < d->n; i++)
		if (strlen(d->items[i].key) == klen && !memcmp(d->items[i].key, key, klen))
			return veil_error_set(VEIL_EFORMAT, "secretFrom %s: key '%.*s' given twice",
			                      secret, (int)klen, key);
	if (d->n == MAX_KEYS)
		return veil_error_set(VEIL_ELIMIT, "secretFrom %s: more than %d keys", secret,
		                      MAX_KEYS);
	kv *e = &d->items[d->n];
	e->key = strndup(key, klen);
	e->val = malloc(len + 1);
	if (!e->key || !e->val) {
		free(e->key);
		free(e->val);
		return veil_error_oom();
	}
	memcpy(e->val, val, len);
	e->len = len;
	d->n++;
	return 0;
}

/* files / binaryFiles: "path" (key: its base name) or "key=path". */
static int from_files(secret_data *d, const char *secret, const veil_node *list,
                      const veil_k8s_opts *o)
{
	int error = 0;

	for (size_t i = 0; list && i < list->nitems && !error; i++) {
		const veil_node *f = list->items[i];
		const char *spec, *eq, *path, *key, *slash;
		veil_doc *doc = NULL;
		char *text = NULL;
		size_t tlen = 0, klen;
		if (f->kind != VEIL_NODE_SCALAR)
			continue;
		spec = f->value;
		eq = strchr(spec, '=');
		path = eq ? eq + 1 : spec;
		slash = strrchr(path, '/');
		key = eq ? spec : slash ? slash + 1 : path;
		klen = eq ? (size_t)(eq - spec) : strlen(key);
		if ((error = open_file(&doc, path, "secretFrom", o, i, &text, &tlen)) == 0) {
			const veil_node *data = veil_doc_root(doc, 0);
			const char *v = text;
			size_t vlen = tlen;
			/* a binary file's plaintext is its "data" value, not a render */
			if (veil_doc_format_of(doc) == VEIL_FMT_BINARY && data)
				error = veil_doc_pending_value(doc, veil_node_get(data, "data"), &v,
				                               &vlen);
			if (!error)
				error = put(d, secret, key, klen, v, vlen);
		}
		wipe_text(text, tlen);
		veil_doc_free(doc);
	}
	return error;
}

/* envs: each top-level scalar of a dotenv (or flat YAML/JSON) file. */
static int from_envs(secret_data *d, const char *secret, const veil_node *list,
                     const veil_k8s_opts *o)
{
	int error = 0;

	for (size_t i = 0; list && i < list->nitems && !error; i++) {
		const veil_node *f = list->items[i], *root;
		veil_doc *doc = NULL;
		char *text = NULL;
		size_t tlen = 0;
		if (f->kind != VEIL_NODE_SCALAR)
			continue;
		error = open_file(&doc, f->value, "secretFrom", o, i, &text, &tlen);
		root = error ? NULL : veil_doc_root(doc, 0);
		for (size_t k = 0; root && k < root->nitems && !error; k++) {
			const veil_node *n = root->items[k];
			const char *v;
			size_t vlen;
			if (n->kind == VEIL_NODE_COMMENT)
				continue;
			if (n->kind != VEIL_NODE_SCALAR || !n->key) {
				error = veil_error_set(
				        VEIL_EFORMAT,
				        "secretFrom %s: envs file '%s': '%s' is not a "
				        "plain value",
				        secret, f->value, n->key ? n->key : "?");
				break;
			}
			if ((error = veil_doc_pending_value(doc, n, &v, &vlen)) == 0)
				error = put(d, secret, n->key, n->key_len, v, vlen);
		}
		wipe_text(text, tlen);
		veil_doc_free(doc);
	}
	return error;
}

static int emit_map(veil_buf *b, const char *field, const veil_node *m)
{
	int error = 0;

	if (!m || m->kind != VEIL_NODE_MAP || m->nitems == 0)
		return 0;
	error = veil_buf_printf(b, "  %s:\n", field);
	for (size_t i = 0; i < m->nitems && !error; i++) {
		const veil_node *n = m->items[i];
		if (!n->key || n->kind != VEIL_NODE_SCALAR)
			continue;
		if ((error = veil_buf_append(b, "    ", 4)) == 0 &&
		    (error = quoted(b, n->key, n->key_len)) == 0 &&
		    (error = veil_buf_append(b, ": ", 2)) == 0 &&
		    (error = quoted(b, n->value, n->value_len)) == 0)
			error = veil_buf_putc(b, '\n');
	}
	return error;
}

static int emit_secret(veil_buf *b, const veil_node *spec, const secret_data *d, const char *name)
{
	const veil_node *meta = veil_node_get(spec, "metadata");
	const char *ns = veil_k8s__field(spec, "metadata", "namespace");
	const char *type = veil_k8s__field(spec, "type", NULL);
	int error;

	if ((error = veil_buf_printf(b, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ")) ||
	    (error = quoted(b, name, strlen(name))) || (error = veil_buf_putc(b, '\n')))
		return error;
	if (ns && ((error = veil_buf_printf(b, "  namespace: ")) ||
	           (error = quoted(b, ns, strlen(ns))) || (error = veil_buf_putc(b, '\n'))))
		return error;
	if ((error = emit_map(b, "labels", veil_node_get(meta, "labels"))) ||
	    (error = emit_map(b, "annotations", veil_node_get(meta, "annotations"))) ||
	    (error = veil_buf_printf(b, "type: ")) ||
	    (error = quoted(b, type ? type : "Opaque", strlen(type ? type : "Opaque"))) ||
	    (error = veil_buf_printf(b, "\ndata:%s\n", d->n ? "" : " {}")))
		return error;
	for (size_t i = 0; i < d->n && !error; i++) {
		size_t blen = veil_b64_padded_len(d->items[i].len);
		char *enc = malloc(blen + 1);
		if (!enc)
			return veil_error_oom();
		veil_b64_encode_padded(enc, d->items[i].val, d->items[i].len);
		if ((error = veil_buf_append(b, "  ", 2)) == 0 &&
		    (error = quoted(b, d->items[i].key, strlen(d->items[i].key))) == 0 &&
		    (error = veil_buf_append(b, ": ", 2)) == 0 &&
		    (error = veil_buf_append(b, enc, blen)) == 0)
			error = veil_buf_putc(b, '\n');
		sodium_memzero(enc, blen);
		free(enc);
	}
	return error;
}

static int gen_secret(const veil_node *spec, const veil_k8s_opts *o, veil_k8s_emit_fn emit,
                      void *payload)
{
	const char *name = veil_k8s__field(spec, "metadata", "name");
	secret_data *d = calloc(1, sizeof(*d));
	veil_buf b = VEIL_BUF_INIT(0);
	int error;

	if (!d)
		return veil_error_oom();
	if (!name) {
		error = veil_error_set(VEIL_EFORMAT, "secretFrom: an entry has no metadata.name");
		goto done;
	}
	if ((error = from_files(d, name, veil_node_get(spec, "files"), o)) < 0 ||
	    (error = from_files(d, name, veil_node_get(spec, "binaryFiles"), o)) < 0 ||
	    (error = from_envs(d, name, veil_node_get(spec, "envs"), o)) < 0 ||
	    (error = emit_secret(&b, spec, d, name)) < 0)
		goto done;
	error = emit(payload, (const char *)b.data, b.len);
done:
	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].key);
		veil_wipe_free(d->items[i].val, d->items[i].len);
	}
	free(d);
	veil_buf_dispose(&b); /* wipes */
	return error;
}

int veil_k8s__generate(const veil_node *cfg, const veil_k8s_opts *o, veil_k8s_emit_fn emit,
                       void *payload)
{
	const veil_node *files = veil_node_get(cfg, "files");
	const veil_node *from = veil_node_get(cfg, "secretFrom");
	int error = 0;

	if (!veil_k8s__field(cfg, "metadata", "name"))
		return veil_error_set(VEIL_EFORMAT, "the SecretGenerator has no metadata.name");
	if ((files && files->kind != VEIL_NODE_SEQ) || (from && from->kind != VEIL_NODE_SEQ))
		return veil_error_set(VEIL_EFORMAT, "SecretGenerator: files and secretFrom "
		                                    "must be lists");
	if ((!files || !files->nitems) && (!from || !from->nitems))
		return veil_error_set(VEIL_EFORMAT, "SecretGenerator: nothing to generate "
		                                    "(no files, no secretFrom)");
	if ((error = gen_files(files, o, emit, payload)) < 0)
		return error;
	for (size_t i = 0; from && i < from->nitems && !error; i++)
		if (from->items[i]->kind == VEIL_NODE_MAP)
			error = gen_secret(from->items[i], o, emit, payload);
	return error;
}
