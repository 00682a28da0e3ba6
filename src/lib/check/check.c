/* The scanner context: options, finding store, and the per-blob dispatch. */
#include "check/check_int.h"
#include "util/buf.h"
#include "util/fsutil.h"
#include "util/utf8.h"
#include "util/array.h"
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads root/name if it exists; *text NULL when it does not. */
static int read_root_file(const char *root, const char *name, char **text, size_t *len)
{
	char *p = veil_path_join(root, name);
	FILE *f;
	int error = 0;

	*text = NULL;
	*len = 0;
	if (!p)
		return veil_error_oom();
	f = fopen(p, "rb");
	if (f) {
		veil_buf b = VEIL_BUF_INIT(VEIL_SOPS_CONFIG_MAX);
		char chunk[4096];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
			error = veil_buf_append(&b, chunk, n);
			if (error)
				break;
		}
		if (!error && ferror(f))
			error = veil_error_set(VEIL_EIO, "%s: read failed", p);
		fclose(f);
		if (error)
			veil_buf_dispose(&b);
		else
			*text = (char *)veil_buf_detach(&b, len);
	}
	free(p);
	return error;
}

int veil_check_new(veil_check **out, const veil_check_options *opts)
{
	veil_check *c;
	char *text = NULL;
	size_t len = 0;
	int error = 0;

	*out = NULL;
	if (!opts || opts->version != VEIL_CHECK_OPTIONS_VERSION)
		return veil_error_set(VEIL_EINVAL, "check: options version mismatch");
	c = calloc(1, sizeof(*c));
	if (!c)
		return veil_error_oom();
	c->o = *opts;
	if (!c->o.max_scan_size)
		c->o.max_scan_size = VEIL_CHECK_DEFAULT_MAX_SIZE;
	if (opts->root) {
		c->root = strdup(opts->root);
		if (!c->root) {
			error = veil_error_oom();
			goto done;
		}
		c->o.root = c->root;
		if (!(opts->flags & VEIL_CHECK_NO_SOPS_RULES)) {
			error = read_root_file(c->root, VEIL_SOPS_CONFIG_NAME, &text, &len);
			if (!error && text)
				error = veil_check_set_sops_config(c, text, len);
			free(text);
			text = NULL;
			if (error)
				goto done;
		}
		if (!(opts->flags & VEIL_CHECK_NO_IGNORE)) {
			error = read_root_file(c->root, ".veilignore", &text, &len);
			if (!error && text)
				error = veil_check_set_ignore(c, text, len);
		}
	}
done:
	free(text);
	if (error)
		veil_check_free(c);
	else
		*out = c;
	return error;
}

void veil_check_free(veil_check *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nf; i++) {
		free(c->f[i].path);
		free(c->f[i].message);
		free(c->f[i].fix);
	}
	free(c->f);
	veil_check__ignore_clear(c);
	free(c->ign);
	for (size_t i = 0; i < c->nseen; i++) {
		free(c->seen[i].path);
		free(c->seen[i].commit);
	}
	free(c->seen);
	for (size_t i = 0; i < c->nrefs; i++) {
		free(c->refs[i].path);
		free(c->refs[i].from);
		free(c->refs[i].commit);
	}
	free(c->refs);
	free(c->cipher);
	veil_sops_config_free(c->sops);
	free(c->root);
	free(c);
}

int veil_check_set_sops_config(veil_check *c, const char *text, size_t len)
{
	veil_sops_config *cfg = NULL;
	int error;

	veil_sops_config_free(c->sops);
	c->sops = NULL;
	if (!len)
		return 0;
	error = veil_sops_config_parse(&cfg, text, len, VEIL_SOPS_CONFIG_NAME,
	                               c->root ? c->root : "/");
	if (error)
		return error;
	c->sops = cfg;
	return 0;
}

int veil_check_set_commit(veil_check *c, const char *hex)
{
	size_t n = hex ? strlen(hex) : 0;

	c->commit[0] = '\0';
	if (!hex)
		return 0;
	if (n < 4 || n >= sizeof(c->commit) || strspn(hex, "0123456789abcdefABCDEF") != n)
		return veil_error_set(VEIL_EINVAL, "check: '%.80s' is not a commit id", hex);
	memcpy(c->commit, hex, n + 1);
	return 0;
}

int veil_check_set_ignore(veil_check *c, const char *text, size_t len)
{
	veil_check__ignore_clear(c);
	if (!len)
		return 0;
	return veil_check__ignore_parse(c, text, len);
}

static void line_col(const char *text, size_t len, size_t off, unsigned int *line,
                     unsigned int *col)
{
	const char *p = text, *end = text + (off < len ? off : len), *nl;
	unsigned int l = 1;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		l++;
		p = nl + 1;
	}
	*line = l;
	*col = (unsigned int)(end - p) + 1;
}

static void mask(char out[48], const char *s, size_t n)
{
	size_t keep = n >= 16 ? 4 : 0, stars = n - keep;

	if (keep && n > 0 && memchr(s, '\n', keep))
		keep = 0;
	if (stars > 12)
		stars = 12;
	if (stars < 4)
		stars = 4;
	memcpy(out, s, keep);
	memset(out + keep, '*', stars);
	out[keep + stars] = '\0';
	for (size_t i = 0; i < keep; i++)
		if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] >= 0x7f ||
		    out[i] == '"' || out[i] == '\\')
			out[i] = '*';
}

/* The fix command with FILE/PATH replaced by the path; the default one
 * depends on whether veil can encrypt the file in place. */
static char *fix_text(const char *path, const char *fix)
{
	veil_buf b = VEIL_BUF_INIT(0);
	const char *p;
	int quoted = 0;

	if (!fix)
		fix = veil_doc_format_from_path(path) == VEIL_FMT_BINARY
		              ? "move the secret into an encrypted file (veil encrypt -i FILE), "
		                "rotate it"
		              : "veil encrypt -i PATH";
	/* not inside '...': a JSON path to a key may name "PATH" */
	for (p = fix; *p; p++) {
		if (*p == '\'')
			quoted = !quoted;
		if (!quoted && (!strncmp(p, "PATH", 4) || !strncmp(p, "FILE", 4))) {
			if (veil_buf_append(&b, path, strlen(path)) != 0)
				goto fail;
			p += 3;
		} else if (veil_buf_putc(&b, (uint8_t)*p) != 0) {
			goto fail;
		}
	}
	if (veil_buf_putc(&b, 0) != 0)
		goto fail;
	return (char *)veil_buf_detach(&b, NULL);
fail:
	veil_buf_dispose(&b);
	return NULL;
}

static void forget(veil_check *c, const char *path, unsigned int line, const char *hex)
{
	for (size_t i = c->nf; i-- > 0 && i + 8 >= c->nf;) {
		struct veil_check__finding *f = &c->f[i];
		if (f->line != line || strcmp(f->sha256, hex) || strcmp(f->path, path))
			continue;
		free(f->path);
		free(f->message);
		free(f->fix);
		memmove(f, f + 1, (c->nf - i - 1) * sizeof(*f));
		c->nf--;
	}
}

static int generic(const char *rule)
{
	return !strcmp(rule, "secret-assignment") || !strcmp(rule, "password-assignment");
}

/* whole: the secret stands for the file (hashed for .veilignore, never
 * shown masked). */
static int vadd(veil_check *c, const veil_check__src *src, unsigned int line, unsigned int col,
                const char *rule, veil_check_severity sev, const char *secret, size_t slen,
                const char *fix, int whole, const char *fmt, va_list ap)
{
	/* a finding about the whole file points at its start: lines and
	 * columns are 1-based in every format */
	if (line == 0) {
		whole = 1;
		line = 1;
		col = 1;
	}
	struct veil_check__finding *f;
	uint8_t digest[32];
	char hex[65] = "";
	char msg[256], *p;

	if (secret) {
		crypto_hash_sha256(digest, (const uint8_t *)secret, slen);
		sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	}
	if (!(c->o.flags & VEIL_CHECK_NO_IGNORE) && veil_check__ignored(c, src->path, rule, hex)) {
		/* an accepted secret is accepted under every rule that saw it on
		 * that line: drop what came before, remember it for what follows */
		forget(c, src->path, line, hex);
		if (c->nrecent < sizeof(c->recent) / sizeof(*c->recent)) {
			c->recent[c->nrecent].line = line;
			memcpy(c->recent[c->nrecent++].sha256, hex, sizeof(hex));
		}
		return 0;
	}
	for (size_t i = 0; secret && i < c->nrecent; i++)
		if (c->recent[i].line == line && !strcmp(c->recent[i].sha256, hex))
			return 0;
	/* one finding per secret and line: a Secret's value may also match a
	 * token detector */
	for (size_t i = c->nf; i-- > 0 && i + 8 >= c->nf;) {
		f = &c->f[i];
		if (f->line == line && secret && !strcmp(f->sha256, hex) &&
		    !strcmp(f->path, src->path)) {
			/* the same secret: keep the most specific rule */
			if (generic(f->rule) && !generic(rule)) {
				vsnprintf(msg, sizeof(msg), fmt, ap);
				p = strdup(msg);
				if (!p)
					return veil_error_oom();
				free(f->message);
				f->message = p;
				f->rule = rule;
				f->col = col;
			}
			return 0;
		}
	}
	if (c->nf == c->capf) {
		void *grown = veil_array_grow(c->f, &c->capf, c->nf + 1, sizeof(*c->f));
		if (!grown)
			return VEIL_ENOMEM;
		c->f = grown;
	}
	f = &c->f[c->nf];
	memset(f, 0, sizeof(*f));
	vsnprintf(msg, sizeof(msg), fmt, ap);
	f->path = strdup(src->path);
	f->message = strdup(msg);
	f->fix = fix_text(src->path, fix);
	if (!f->path || !f->message || !f->fix) {
		free(f->path);
		free(f->message);
		free(f->fix);
		return veil_error_oom();
	}
	f->line = line;
	f->col = col;
	f->rule = rule;
	f->severity = sev;
	memcpy(f->sha256, hex, sizeof(hex));
	memcpy(f->commit, c->commit, sizeof(f->commit));
	if (secret && !whole)
		mask(f->masked, secret, slen);
	c->nf++;
	return 0;
}

int veil_check__cipher_span(veil_check *c, size_t start, size_t end)
{
	if (c->ncipher == c->capcipher) {
		void *p = veil_array_grow(c->cipher, &c->capcipher, c->ncipher + 1,
		                          sizeof(*c->cipher));
		if (!p)
			return VEIL_ENOMEM;
		c->cipher = p;
	}
	c->cipher[c->ncipher].start = start;
	c->cipher[c->ncipher++].end = end;
	return 0;
}

/* Whether a finding at off about secret lies in ciphertext: only a secret
 * made of base64 characters can be part of base64 ciphertext; a token with
 * '_', '-', '.' or '!' in it was pasted there in plaintext. */
static int in_cipher(const veil_check *c, size_t off, const char *secret, size_t slen)
{
	if (!secret || !c->ncipher)
		return 0;
	for (size_t i = 0; i < slen; i++) {
		unsigned char ch = (unsigned char)secret[i];
		if (!((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') && !(ch >= '0' && ch <= '9') &&
		    ch != '+' && ch != '/' && ch != '=')
			return 0;
	}
	for (size_t i = 0; i < c->ncipher; i++)
		if (off >= c->cipher[i].start && off < c->cipher[i].end)
			return 1;
	return 0;
}

int veil_check__add(veil_check *c, const veil_check__src *src, size_t off, const char *rule,
                    veil_check_severity sev, const char *secret, size_t slen, const char *fix,
                    const char *fmt, ...)
{
	unsigned int line, col;
	va_list ap;
	int error;

	if (src->fixed)
		off = src->fixed_off;
	else if (in_cipher(c, off, secret, slen))
		return 0; /* ciphertext that only looks like a secret */
	if (!(c->o.flags & VEIL_CHECK_NO_IGNORE) && src->text &&
	    veil_check__inline_allowed(src->text, src->len, off))
		return 0;
	if (src->fixed && src->fixed_line) {
		line = src->fixed_line;
		col = src->fixed_col;
	} else {
		line_col(src->text, src->len, off, &line, &col);
	}
	va_start(ap, fmt);
	error = vadd(c, src, line, col, rule, sev, secret, slen, fix, 0, fmt, ap);
	va_end(ap);
	return error;
}

int veil_check__add_file(veil_check *c, const veil_check__src *src, size_t off, const char *rule,
                         veil_check_severity sev, const char *fix, const char *fmt, ...)
{
	unsigned int line, col;
	va_list ap;
	int error;

	line_col(src->text, src->len, off, &line, &col);
	va_start(ap, fmt);
	error = vadd(c, src, line, col, rule, sev, src->text, src->len, fix, 1, fmt, ap);
	va_end(ap);
	return error;
}

int veil_check__add_at(veil_check *c, const veil_check__src *src, unsigned int line,
                       unsigned int col, const char *rule, veil_check_severity sev,
                       const char *secret, size_t slen, const char *fix, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = vadd(c, src, line, col, rule, sev, secret, slen, fix, 0, fmt, ap);
	va_end(ap);
	return error;
}

/* The whole-tree findings are recomputed after more blobs came in. */
static void drop_final(veil_check *c)
{
	if (!c->finished)
		return;
	for (size_t i = c->nfinal; i < c->nf; i++) {
		free(c->f[i].path);
		free(c->f[i].message);
		free(c->f[i].fix);
	}
	c->nf = c->nfinal;
	c->finished = 0;
}

static int seen_add(veil_check *c, const char *path, int encrypted, int chacha)
{
	if (c->nseen == c->capseen) {
		void *p = veil_array_grow(c->seen, &c->capseen, c->nseen + 1, sizeof(*c->seen));
		if (!p)
			return VEIL_ENOMEM;
		c->seen = p;
	}
	c->seen[c->nseen].path = strdup(path);
	c->seen[c->nseen].commit = c->commit[0] ? strdup(c->commit) : NULL;
	if (!c->seen[c->nseen].path || (c->commit[0] && !c->seen[c->nseen].commit)) {
		free(c->seen[c->nseen].path);
		free(c->seen[c->nseen].commit);
		return veil_error_oom();
	}
	c->seen[c->nseen].encrypted = (unsigned char)encrypted;
	c->seen[c->nseen].chacha = (unsigned char)chacha;
	c->nseen++;
	return 0;
}

static const char *const sops_words[] = { "ENC[", "sops" };
static veil_check__words sops_set = VEIL_CHECK__WORDS(sops_words);

/* Does the text need parsing as a sops document: a .sops.yaml rule names
 * it, or it may be one. */
static int wants_doc(const veil_check *c, const char *path, const char *text, size_t len)
{
	return veil_check__rule_for(c, path) || veil_check__any_word(&sops_set, text, len);
}

/* Binary data: a NUL in the first 8000 bytes (as git decides), and more
 * than a few bytes that text does not have (a stray NUL in a manifest
 * does not make it binary: it is still read as text). */
static int binary_data(const char *t, size_t len)
{
	size_t n = len < 8000 ? len : 8000, odd = 0;

	if (!memchr(t, '\0', n))
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)t[i];
		odd += ch < 0x20 && ch != '\n' && ch != '\r' && ch != '\t';
	}
	return odd * 50 > n;
}

/* UTF-16 text (a BOM, or one NUL in every pair of ASCII bytes, as
 * PowerShell and Windows editors write): 1 little-endian, 2 big-endian. */
static int utf16_text(const char *t, size_t len)
{
	const unsigned char *u = (const unsigned char *)t;
	size_t n = len < 8000 ? len & ~(size_t)1 : 8000, zero_odd = 0, zero_even = 0;

	if (len >= 2 && u[0] == 0xFF && u[1] == 0xFE)
		return 1;
	if (len >= 2 && u[0] == 0xFE && u[1] == 0xFF)
		return 2;
	/* without a NUL (nearly every text) there is nothing to count */
	if (n < 16 || !memchr(t, '\0', n))
		return 0;
	for (size_t i = 0; i < n; i += 2) {
		zero_even += u[i] == 0 && u[i + 1] != 0;
		zero_odd += u[i + 1] == 0 && u[i] != 0;
	}
	if (zero_odd * 10 >= n / 2 * 9)
		return 1;
	if (zero_even * 10 >= n / 2 * 9)
		return 2;
	return 0;
}

/* The checks of a text blob (UTF-8, or what the blob decoded to). */
static int scan_text(veil_check *c, const veil_check__src *src, unsigned int attrs)
{
	const char *path = src->path, *text = src->text;
	size_t len = src->len;
	veil_doc_format fmt = veil_doc_format_from_path(path), pf;
	veil_doc *doc = NULL;
	int error = 0, binary = binary_data(text, len), parse_error = 0;

	(void)attrs;
	/* which format to parse as a sops document, if any */
	pf = fmt;
	if (fmt == VEIL_FMT_BINARY && !veil_check__rule_for(c, path))
		pf = 0;
	else if (binary && fmt != VEIL_FMT_BINARY)
		pf = 0;
	if (pf && len <= VEIL_DOC_MAX_SIZE && wants_doc(c, path, text, len) &&
	    veil_doc_parse(&doc, pf, text, len, path) != 0) {
		parse_error = 1;
		doc = NULL;
		veil_error_clear();
	}
	error = veil_check__sops_rule(c, src, fmt, doc, parse_error);
	if (error)
		goto done;
	/* Kubernetes first: its findings name the case more precisely than
	 * the generic "plaintext value in an encrypted file" */
	if (len <= VEIL_DOC_MAX_SIZE && veil_check__k8s_wanted(path, text, len)) {
		error = veil_check__k8s(c, src);
		if (error)
			goto done;
	}
	if (doc && veil_doc_metadata(doc)) {
		error = veil_check__sops_values(c, src, doc);
		if (!error)
			error = veil_check__sops_recipients(c, src, doc);
		if (error)
			goto done;
	}
	if (len > VEIL_DOC_MAX_SIZE)
		error = veil_check__add_at(c, src, 0, 0, "check-skipped", VEIL_CHECK_WARNING, text,
		                           len, "split the file",
		                           "larger than %u MiB: the Kubernetes and sops checks did "
		                           "not run on it",
		                           VEIL_DOC_MAX_SIZE >> 20);
	if (error)
		goto done;
	if (len > c->o.max_scan_size)
		error = veil_check__add_at(c, src, 0, 0, "check-skipped", VEIL_CHECK_WARNING, text,
		                           len, "raise --max-size",
		                           "larger than %zu bytes (--max-size): the content "
		                           "detectors did not run on it",
		                           c->o.max_scan_size);
	else if (binary)
		error = veil_check__detect_strong(c, src, text, len);
	else
		error = veil_check__detect(c, src, text, len);
done:
	veil_doc_free(doc);
	return error;
}

int veil_check_blob(veil_check *c, const char *path, const uint8_t *data, size_t len,
                    unsigned int attrs)
{
	const char *text = (const char *)data;
	veil_check__src src = { path, text, len, 0, 0, 0, 0 };
	int error = 0, handled = 0, encrypted, chacha, wide;

	if (!path || (!data && len))
		return veil_error_set(VEIL_EINVAL, "check: no path or data");
	if (!data) {
		text = ""; /* an empty blob: the string functions want a pointer */
		src.text = text;
	}
	drop_final(c);
	c->nrecent = 0;
	c->ncipher = 0;
	encrypted = veil_check__is_ciphertext(path, text, len);
	chacha = encrypted && veil_check__memmem(text, len, "ENC[CHACHA20_POLY1305,", 22) != NULL;
	error = seen_add(c, path, encrypted, chacha);
	if (error)
		return error;
	error = veil_check__filter(c, &src, attrs, &handled);
	if (error || handled)
		return error;
	wide = utf16_text(text, len);
	if (wide) {
		/* decoded, and checked as the text it is: lines and columns are
		 * those of the decoded text */
		char *u8 = NULL;
		size_t n = 0, bom = (len >= 2 && ((unsigned char)text[0] == 0xFF ||
		                                  (unsigned char)text[0] == 0xFE))
		                            ? 2
		                            : 0;
		error = veil_utf16_to_utf8(&u8, &n, (const uint8_t *)text + bom, len - bom,
		                           wide == 2);
		if (error)
			return error;
		src.text = u8;
		src.len = n;
		error = scan_text(c, &src, attrs);
		sodium_memzero(u8, n);
		free(u8);
		return error;
	}
	return scan_text(c, &src, attrs);
}

/* Room for need elements of size sz in *arr (capacity *cap). */
static int reserve(void **arr, size_t *cap, size_t need, size_t sz)
{
	size_t want = *cap ? *cap : 16;
	void *grown;

	if (need <= *cap)
		return 0;
	while (want < need)
		want *= 2;
	grown = realloc(*arr, want * sz);
	if (!grown)
		return veil_error_oom();
	*arr = grown;
	*cap = want;
	return 0;
}

int veil_check_merge(veil_check *dst, veil_check *src)
{
	void *f, *seen, *refs;
	int error;

	if (!dst || !src || dst == src)
		return veil_error_set(VEIL_EINVAL, "check: merge wants two contexts");
	/* the whole-tree findings are recomputed over the union */
	drop_final(dst);
	drop_final(src);
	/* room first: a failure moves nothing */
	f = dst->f;
	seen = dst->seen;
	refs = dst->refs;
	error = reserve(&f, &dst->capf, dst->nf + src->nf, sizeof(*dst->f));
	dst->f = f;
	if (!error)
		error = reserve(&seen, &dst->capseen, dst->nseen + src->nseen, sizeof(*dst->seen));
	dst->seen = seen;
	if (!error)
		error = reserve(&refs, &dst->caprefs, dst->nrefs + src->nrefs, sizeof(*dst->refs));
	dst->refs = refs;
	if (error)
		return error;
	/* the elements own their strings: they move, nothing is copied */
	if (src->nf)
		memcpy(dst->f + dst->nf, src->f, src->nf * sizeof(*src->f));
	dst->nf += src->nf;
	src->nf = 0;
	if (src->nseen)
		memcpy(dst->seen + dst->nseen, src->seen, src->nseen * sizeof(*src->seen));
	dst->nseen += src->nseen;
	src->nseen = 0;
	if (src->nrefs)
		memcpy(dst->refs + dst->nrefs, src->refs, src->nrefs * sizeof(*src->refs));
	dst->nrefs += src->nrefs;
	src->nrefs = 0;
	return 0;
}

size_t veil_check_count(veil_check *c, veil_check_severity severity)
{
	size_t n = 0;

	if (veil_check__finish(c) != 0)
		return c->nf ? c->nf : 1;
	for (size_t i = 0; i < c->nf; i++)
		if (!severity || c->f[i].severity == severity)
			n++;
	return n;
}

int veil_check_get(veil_check *c, size_t i, veil_check_finding *out)
{
	const struct veil_check__finding *f;
	int error = veil_check__finish(c);

	if (error)
		return error;
	if (i >= c->nf)
		return veil_error_set(VEIL_EINVAL, "check: no finding %zu", i);
	f = &c->f[i];
	out->path = f->path;
	out->line = f->line;
	out->col = f->col;
	out->rule = f->rule;
	out->message = f->message;
	out->masked = f->masked;
	out->sha256 = f->sha256;
	out->severity = f->severity;
	out->fix = f->fix;
	out->commit = f->commit[0] ? f->commit : NULL;
	return 0;
}
