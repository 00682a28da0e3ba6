/*
 * Encryption policy: files a .sops.yaml creation rule names must be sops
 * documents with every selected value ENC[...] (and a MAC that verifies
 * when identities are at hand); files an encrypting git filter applies to
 * must be ciphertext; whole-tree checks (kustomize files, Flux) at the end.
 */
#include "check/check_int.h"
#include "sops/metadata.h"
#include "veil/sops.h"
#include "util/array.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIX_ENCRYPT NULL /* the default: veil encrypt -i PATH */
/* A plaintext value in a file that is encrypted already: veil encrypt -i
 * refuses it (exit 203, already encrypted), and every command that
 * decrypts the file refuses the plaintext value; what works is taking the
 * value out and putting it back in encrypted. */
#define FIX_SET                                                                               \
	"take the plaintext out (git restore --staged --worktree PATH, or delete the line), " \
	"rotate the secret, then "                                                            \
	"set it encrypted: veil set --value-stdin PATH '%s' (the JSON value on stdin) or "    \
	"veil edit PATH"
/* The file's own sops metadata leaves values plaintext that its
 * .sops.yaml rule encrypts: re-encrypted under the rule, they are. */
#define FIX_RULE                                                                              \
	"re-encrypt under the .sops.yaml rule: veil decrypt -i PATH && veil encrypt -i PATH " \
	"(and rotate the values that were committed in plaintext)"

static int starts(const char *t, size_t n, const char *p, size_t pl)
{
	return n >= pl && !memcmp(t, p, pl);
}

int veil_check__is_ciphertext(const char *path, const char *t, size_t n)
{
	(void)path;
	if (starts(t, n, "\0GITCRYPT\0", 10) || starts(t, n, "age-encryption.org/v1\n", 22) ||
	    starts(t, n, "-----BEGIN AGE ENCRYPTED FILE-----", 34) ||
	    starts(t, n, "# STRONGBOX ENCRYPTED RESOURCE", 30) || starts(t, n, "U2FsdGVk", 8))
		return 1;
	return (veil_check__memmem(t, n, "ENC[AES256_GCM,", 15) ||
	        veil_check__memmem(t, n, "ENC[CHACHA20_POLY1305,", 22)) &&
	       veil_check__memmem(t, n, "mac", 3) && veil_check__memmem(t, n, "sops", 4);
}

const veil_sops_rule *veil_check__keys_rule(const veil_check *c, const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (!c->sops || !strcmp(base, VEIL_SOPS_CONFIG_NAME))
		return NULL;
	for (size_t i = 0; i < c->sops->nrules; i++) {
		const veil_sops_rule *r = &c->sops->rules[i];
		if (!r->path_re || veil_regex_match(r->path_re, path, strlen(path)))
			return r;
	}
	return NULL;
}

const veil_sops_rule *veil_check__rule_for(const veil_check *c, const char *path)
{
	const veil_sops_rule *r = veil_check__keys_rule(c, path);

	/* a catch-all rule sets keys for files one chooses to encrypt; it
	 * does not make every file of the tree a secret */
	return r && r->path_re ? r : NULL;
}

int veil_check__filter(veil_check *c, const veil_check__src *src, unsigned int attrs, int *handled)
{
	veil_doc *doc = NULL;
	int enc;

	*handled = 0;
	if (!(attrs & (VEIL_CHECK_ATTR_FILTER_VEIL | VEIL_CHECK_ATTR_FILTER_GITCRYPT |
	               VEIL_CHECK_ATTR_FILTER_OTHER)))
		return 0;
	enc = veil_check__is_ciphertext(src->path, src->text, src->len);
	if (enc && !starts(src->text, src->len, "\0GITCRYPT\0", 10) &&
	    veil_check__memmem(src->text, src->len, "ENC[", 4)) {
		/* a sops document: it must really be one, not a look-alike */
		enc = veil_doc_parse(&doc, veil_doc_format_from_path(src->path), src->text,
		                     src->len, src->path) == 0 &&
		      veil_sops_is_encrypted(doc);
		veil_error_clear();
		veil_doc_free(doc);
	}
	if (enc) {
		*handled = 1;
		return 0;
	}
	return veil_check__add_at(c, src, 0, 0, "filter-plaintext", VEIL_CHECK_ERROR, src->text,
	                          src->len,
	                          "git add --renormalize PATH (with the filter configured)",
	                          "git attributes say filter=%s, but the blob is plaintext",
	                          attrs & VEIL_CHECK_ATTR_FILTER_GITCRYPT ? "git-crypt"
	                          : attrs & VEIL_CHECK_ATTR_FILTER_VEIL   ? "veil"
	                                                                  : "(encrypting)");
}

/* The value walk of a sops document: selected scalars must be ENC[...].
 * Selection as src/lib/sops/walk.c does it when encrypting: by the keys on
 * the path, or by a comment matching the comment regex, which selects the
 * next item at its level with everything under it. */
#define VWALK_LEVELS (VEIL_DOC_MAX_DEPTH + 2)
struct vwalk {
	veil_check *c;
	const veil_check__src *src;
	veil_sops_sel_kind sel;
	const char *sel_value;
	veil_regex *re;
	uint64_t re_budget;   /* VEIL_REGEX_BUDGET: the file chose the pattern */
	const char *keys[64]; /* the path: map keys, NULL for a list item */
	size_t index[64];     /* list items: their index */
	size_t nkeys;
	unsigned char cflag[VWALK_LEVELS]; /* a comment at this level matched */
	const char *why;                   /* NULL: the file's own selection; else the rule's */
	int error;
};

const char *veil_check__fix_set(char *buf, size_t cap, const char *json_path)
{
	snprintf(buf, cap, FIX_SET, json_path);
	return buf;
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && !memcmp(s + a - b, suf, b);
}

/* 1 if a key on the path matches, 0 if none, < 0 when the file's regex
 * costs more than the budget. */
static int any_key(struct vwalk *w)
{
	for (size_t i = 0; i < w->nkeys; i++) {
		int m = !w->keys[i] ? 0
		        : w->re     ? veil_regex_match_budget(w->re, w->keys[i], strlen(w->keys[i]),
		                                              &w->re_budget)
		                    : ends_with(w->keys[i], w->sel_value);
		if (m != 0)
			return m;
	}
	return 0;
}

/* The value's path for veil set ('["a"]["b"][0]'); quotes and
 * backslashes in keys are left out (the user sees the key anyway). */
static void json_path(const struct vwalk *w, char *buf, size_t cap)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < w->nkeys && n + 8 < cap; i++) {
		if (!w->keys[i]) {
			n += (size_t)snprintf(buf + n, cap - n, "[%zu]", w->index[i]);
			continue;
		}
		buf[n++] = '[';
		buf[n++] = '"';
		for (const char *k = w->keys[i]; *k && n + 4 < cap; k++)
			if (*k != '"' && *k != '\\' && *k != '\'' && (unsigned char)*k >= 0x20)
				buf[n++] = *k;
		buf[n++] = '"';
		buf[n++] = ']';
		buf[n] = '\0';
	}
	if (n >= cap)
		buf[cap - 1] = '\0';
}

static int any_flag(const struct vwalk *w, size_t level)
{
	for (size_t i = 0; i <= level && i < VWALK_LEVELS; i++)
		if (w->cflag[i])
			return 1;
	return 0;
}

/* Past the regex budget a value counts as one that must be encrypted: a
 * guard errs towards a finding (and the walk has reported the skip). */
static int selected(struct vwalk *w, size_t level)
{
	int matched;

	if (w->sel == VEIL_SEL_NONE)
		return 1;
	matched = veil_sops__sel_by_comment(w->sel) ? any_flag(w, level) : any_key(w);
	return matched < 0 || veil_sops__sel_encrypts(w->sel, matched);
}

/* level: the node's depth, 0 for a document root (as in sops/walk.c). */
static void vwalk_node(struct vwalk *w, const veil_node *n, size_t level)
{
	if (w->error)
		return;
	if (n->kind == VEIL_NODE_SCALAR) {
		char jpath[256], fix[512];
		if (n->type == VEIL_SCALAR_NULL || n->value_len == 0 ||
		    veil_check__is_enc(n->value, n->value_len) || !selected(w, level))
			return;
		json_path(w, jpath, sizeof(jpath));
		if (w->why)
			snprintf(fix, sizeof(fix), "%s", FIX_RULE);
		else
			veil_check__fix_set(fix, sizeof(fix), jpath);
		w->error = veil_check__add(w->c, w->src, n->span.start, "sops-plaintext-value",
		                           VEIL_CHECK_ERROR, n->value, n->value_len, fix,
		                           "plaintext value %s in an encrypted file%s",
		                           n->key ? n->key : "(list item)", w->why ? w->why : "");
		return;
	}
	if ((n->kind != VEIL_NODE_MAP && n->kind != VEIL_NODE_SEQ) || level + 2 >= VWALK_LEVELS)
		return;
	for (size_t i = 0, item = 0; i < n->nitems && !w->error; i++) {
		const veil_node *it = n->items[i];
		int pushed = 0;

		if (it->kind == VEIL_NODE_COMMENT) {
			if (veil_sops__sel_by_comment(w->sel) && w->re &&
			    veil_regex_match_budget(w->re, it->value, it->value_len, &w->re_budget))
				w->cflag[level + 1] = 1;
			continue;
		}
		if (level == 0 && it->key &&
		    (!strcmp(it->key, "sops") || !strncmp(it->key, "sops_", 5)))
			continue;
		if (w->nkeys < 64 && (n->kind == VEIL_NODE_SEQ || it->key)) {
			w->keys[w->nkeys] = n->kind == VEIL_NODE_MAP ? it->key : NULL;
			w->index[w->nkeys++] = item;
			pushed = 1;
		}
		item++;
		vwalk_node(w, it, level + 1);
		if (pushed)
			w->nkeys--;
		w->cflag[level + 1] = 0; /* a comment selects the next item only */
	}
}

static int verify_mac(veil_check *c, const veil_check__src *src)
{
	veil_sops_decrypt_options o = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	veil_doc *doc = NULL;
	int error;

	if (veil_doc_parse(&doc, veil_doc_format_from_path(src->path), src->text, src->len,
	                   src->path) != 0) {
		veil_error_clear();
		return 0;
	}
	o.identities = c->o.identities;
	error = veil_sops_decrypt(doc, &o);
	veil_doc_free(doc);
	veil_error_clear();
	if (error == VEIL_EMAC)
		return veil_check__add_at(
		        c, src, 0, 0, "sops-mac-mismatch", VEIL_CHECK_ERROR, src->text, src->len,
		        FIX_ENCRYPT, "the sops MAC does not verify: values were changed by hand");
	if (error == VEIL_EAUTH)
		return veil_check__add_at(c, src, 0, 0, "sops-value-tampered", VEIL_CHECK_ERROR,
		                          src->text, src->len, FIX_ENCRYPT,
		                          "an encrypted value fails authentication");
	return 0;
}

/* The selection regex cannot be read (veil refuses it: RE2 syntax veil
 * does not read, or past Go's bounds), or costs too much: said, never a
 * silent pass. strict: the values are judged as ones that must be
 * encrypted instead. */
static int skipped(veil_check *c, const veil_check__src *src, const char *why, int strict)
{
	char msg[256];

	snprintf(msg, sizeof(msg), "%s", veil_error_last());
	veil_error_clear();
	return veil_check__add_at(c, src, 0, 0, "check-skipped", VEIL_CHECK_WARNING, src->text,
	                          src->len, "use a selection rule veil reads",
	                          "the selection rule%s cannot be applied (%s): %s", why ? why : "",
	                          msg,
	                          strict ? "every value is judged as one that must be encrypted"
	                                 : "plaintext values under it were not judged");
}

/* Walks every document of doc for plaintext values under a selection. */
static int walk(veil_check *c, const veil_check__src *src, const veil_doc *doc,
                veil_sops_sel_kind sel, const char *value, const char *why)
{
	struct vwalk w;
	int error;

	memset(&w, 0, sizeof(w));
	w.c = c;
	w.src = src;
	w.why = why;
	w.sel = sel;
	w.sel_value = value;
	if (w.sel == VEIL_SEL_NONE) {
		w.sel = VEIL_SEL_UNENCRYPTED_SUFFIX;
		w.sel_value = "_unencrypted";
	}
	w.re_budget = VEIL_REGEX_BUDGET;
	if ((w.sel == VEIL_SEL_ENCRYPTED_REGEX || w.sel == VEIL_SEL_UNENCRYPTED_REGEX ||
	     veil_sops__sel_by_comment(w.sel)) &&
	    (error = veil_regex_compile(&w.re, w.sel_value)) != 0) {
		/* past Go's bounds no sops reads the file either: every value
		 * must then be encrypted; syntax only veil refuses (\b, \pL)
		 * is said, not judged */
		int strict = error == VEIL_ELIMIT;
		if ((error = skipped(c, src, why, strict)) != 0 || !strict)
			return error;
		w.sel = VEIL_SEL_NONE;
	}
	for (size_t i = 0; i < veil_doc_count(doc) && !w.error; i++) {
		const veil_node *r = veil_doc_root(doc, i);
		if (r) {
			memset(w.cflag, 0, sizeof(w.cflag));
			vwalk_node(&w, r, 0);
		}
	}
	veil_regex_free(w.re);
	if (!w.error && w.re && w.re_budget == 0) {
		/* findings since then replaced the message */
		veil_error_set(VEIL_ELIMIT, "regex '%.64s': matching it costs too much",
		               w.sel_value);
		w.error = skipped(c, src, why, 1);
	}
	return w.error;
}

/* The same selection? No selector is sops's default, _unencrypted. */
static int same_selection(veil_sops_sel_kind a, const char *av, veil_sops_sel_kind b,
                          const char *bv)
{
	if (a == VEIL_SEL_NONE) {
		a = VEIL_SEL_UNENCRYPTED_SUFFIX;
		av = "_unencrypted";
	}
	if (b == VEIL_SEL_NONE) {
		b = VEIL_SEL_UNENCRYPTED_SUFFIX;
		bv = "_unencrypted";
	}
	return a == b && !strcmp(av ? av : "", bv ? bv : "");
}

/*
 * A sops document: every value its selection encrypts must be ENC[...].
 * The selection is the file's own metadata, which whoever commits the file
 * writes: a .sops.yaml creation rule that names the file says what must be
 * encrypted, so when the file's metadata selects differently (say,
 * unencrypted_regex: ^password$ with a plaintext password), every value
 * the rule encrypts must be ENC[...] too.
 */
int veil_check__sops_values(veil_check *c, const veil_check__src *src, const veil_doc *doc)
{
	const veil_node *tree = veil_doc_metadata(doc);
	const veil_sops_rule *r = veil_check__rule_for(c, src->path);
	veil_sops_meta m;
	int error = 0, have_meta;
	char why[400];

	memset(&m, 0, sizeof(m));
	have_meta = veil_sops__meta_read(&m, tree, src->path) == 0;
	veil_error_clear();
	error = walk(c, src, doc, have_meta ? m.sel.kind : VEIL_SEL_NONE,
	             have_meta ? m.sel.value : NULL, NULL);
	if (!error && r &&
	    !same_selection(r->sel.kind, r->sel.value, have_meta ? m.sel.kind : VEIL_SEL_NONE,
	                    have_meta ? m.sel.value : NULL)) {
		snprintf(why, sizeof(why),
		         ": its .sops.yaml rule (path_regex %.80s) encrypts it with %s%s%.80s%s, "
		         "but "
		         "the file's own metadata says %s%s%.80s%s",
		         r->path_regex ? r->path_regex : "",
		         r->sel.kind ? veil_sops__sel_name(r->sel.kind) : "the default selection",
		         r->sel.kind ? " '" : "", r->sel.kind ? r->sel.value : "",
		         r->sel.kind ? "'" : "",
		         have_meta && m.sel.kind ? veil_sops__sel_name(m.sel.kind)
		                                 : "the default selection",
		         have_meta && m.sel.kind ? " '" : "",
		         have_meta && m.sel.kind ? m.sel.value : "",
		         have_meta && m.sel.kind ? "'" : "");
		error = walk(c, src, doc, r->sel.kind, r->sel.value, why);
	}
	if (!error && c->o.identities && veil_sops_is_encrypted(doc))
		error = verify_mac(c, src);
	if (have_meta)
		veil_sops_meta_dispose(&m);
	return error;
}

int veil_check__sops_rule(veil_check *c, const veil_check__src *src, veil_doc_format fmt,
                          const veil_doc *doc, int parse_error)
{
	const veil_sops_rule *r = veil_check__rule_for(c, src->path);

	if (!r)
		return 0;
	if (doc && veil_sops_is_encrypted(doc))
		return 0;
	return veil_check__add_at(
	        c, src, 0, 0, "sops-unencrypted", VEIL_CHECK_ERROR, src->text, src->len,
	        FIX_ENCRYPT, "%s file matched by .sops.yaml (path_regex %s) is not encrypted%s",
	        veil_doc_format_name(fmt), r->path_regex,
	        parse_error ? " (it does not even parse)" : "");
}

int veil_check__ref_add(veil_check *c, const char *path, const char *from, unsigned int line,
                        unsigned int col, int flux)
{
	struct veil_check__ref *r;

	if (c->nrefs == c->caprefs) {
		void *p = veil_array_grow(c->refs, &c->caprefs, c->nrefs + 1, sizeof(*c->refs));
		if (!p)
			return VEIL_ENOMEM;
		c->refs = p;
	}
	r = &c->refs[c->nrefs];
	r->path = strdup(path);
	r->from = strdup(from);
	r->commit = c->commit[0] ? strdup(c->commit) : NULL;
	if (!r->path || !r->from || (c->commit[0] && !r->commit)) {
		free(r->path);
		free(r->from);
		free(r->commit);
		return veil_error_oom();
	}
	r->line = line;
	r->col = col;
	r->flux = flux;
	c->nrefs++;
	return 0;
}

static const struct veil_check__seen *seen_find(const veil_check *c, const char *path)
{
	for (size_t i = 0; i < c->nseen; i++)
		if (!strcmp(c->seen[i].path, path))
			return &c->seen[i];
	return NULL;
}

/* A referenced file not fed to the scanner: read it under root, if any. */
static int disk_encrypted(const veil_check *c, const char *path, int *exists)
{
	char full[4096];
	char buf[65536];
	size_t n;
	FILE *f;

	*exists = 0;
	if (!c->root || snprintf(full, sizeof(full), "%s/%s", c->root, path) >= (int)sizeof(full))
		return 0;
	f = fopen(full, "rb");
	if (!f)
		return 0;
	*exists = 1;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	return veil_check__is_ciphertext(path, buf, n);
}

static int under(const char *dir, const char *path)
{
	size_t dl = strlen(dir);

	return dl == 0 || !strcmp(dir, path) || (!strncmp(dir, path, dl) && path[dl] == '/');
}

/* The whole-tree findings name the commit of the blob they are about. */
static void commit_of(veil_check *c, const char *hex)
{
	snprintf(c->commit, sizeof(c->commit), "%s", hex ? hex : "");
}

int veil_check__finish(veil_check *c)
{
	char saved[sizeof(c->commit)];
	int error = 0;

	if (c->finished)
		return 0;
	memcpy(saved, c->commit, sizeof(saved));
	c->nfinal = c->nf;
	for (size_t i = 0; i < c->nrefs && !error; i++) {
		const struct veil_check__ref *r = &c->refs[i];
		const struct veil_check__seen *s;
		veil_check__src src = { r->from, NULL, 0, 0, 0, 0, 0 };
		int exists = 1, enc;

		if (r->flux)
			continue;
		s = seen_find(c, r->path);
		enc = s ? s->encrypted : disk_encrypted(c, r->path, &exists);
		commit_of(c, r->commit);
		if (!enc && exists)
			error = veil_check__add_at(
			        c, &src, r->line, r->col, "kustomize-secret-file", VEIL_CHECK_ERROR,
			        r->path, strlen(r->path), NULL,
			        "secretGenerator reads %s, which is not encrypted", r->path);
	}
	for (size_t i = 0; i < c->nseen && !error; i++) {
		const struct veil_check__seen *s = &c->seen[i];
		veil_check__src src = { s->path, NULL, 0, 0, 0, 0, 0 };

		if (!s->chacha)
			continue;
		for (size_t k = 0; k < c->nrefs; k++) {
			if (!c->refs[k].flux || !under(c->refs[k].path, s->path))
				continue;
			commit_of(c, s->commit);
			error = veil_check__add_at(
			        c, &src, 0, 0, "flux-chacha20", VEIL_CHECK_WARNING, s->path,
			        strlen(s->path),
			        "set cipher: aes256_gcm in the .sops.yaml rule, then veil decrypt "
			        "-i and "
			        "veil encrypt -i the file",
			        "Flux decrypts this file (Kustomization in %s) but it uses "
			        "CHACHA20_POLY1305; Flux reads only AES256_GCM",
			        c->refs[k].from);
			break;
		}
	}
	memcpy(c->commit, saved, sizeof(saved));
	c->finished = 1;
	return error;
}
