/*
 * The Kubernetes view (kview.h), its reading: the text cut and cleaned the
 * way Kubernetes tools read it before libyaml sees it. A YAML stream is
 * read whole, and after a syntax error on from the next "---" line (or
 * "..."), as kubectl cuts it; a Helm template whose action lines are no
 * YAML is read again with them blanked; what libyaml's reader refuses
 * (NUL, control characters, invalid UTF-8, a BOM inside) is dropped first;
 * a JSON stream is read value by value, with the UTF-16 surrogate escapes
 * Go reads and libyaml refuses made readable.
 */
#include "check/kview_int.h"
#include "check/check_int.h"
#include "util/yamlmark.h"
#include "veil/error.h"
#include "util/array.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static size_t line_start(const char *t, size_t off)
{
	while (off > 0 && t[off - 1] != '\n' && t[off - 1] != '\r')
		off--;
	return off;
}

/* The next line at or after the line of from that starts a document, as
 * kubectl's reader cuts ("---" at the start of a line; "..." ends one):
 * its start in *at and where the document after it starts (past the line
 * and a BOM after it) returned; SIZE_MAX when none (*at = len). */
static size_t next_document_at(const char *t, size_t len, size_t from, size_t *at)
{
	for (size_t i = line_start(t, from); i < len;) {
		const char *nl = memchr(t + i, '\n', len - i);
		size_t next = nl ? (size_t)(nl - t) + 1 : len;

		if (veil_yaml_marker(t + i, len - i)) {
			if (next + 3 <= len && !memcmp(t + next, "\xEF\xBB\xBF", 3))
				next += 3;
			*at = i;
			return next;
		}
		i = next;
	}
	*at = len;
	return SIZE_MAX;
}

static size_t next_document(const char *t, size_t len, size_t from)
{
	size_t at;

	return next_document_at(t, len, from, &at);
}

/* A copy of a template's text with the lines that are only a template
 * action ({{- if .Values.x }}, {{ end }}, {{- toYaml .x | nindent 2 }})
 * blanked: the YAML around them, which the engine fills in, then reads.
 * Offsets stay; NULL when no line is such. */
static char *blank_actions(const char *t, size_t n)
{
	char *c = NULL;

	for (size_t i = 0; i < n;) {
		const char *nl = memchr(t + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - t) : n, s = i, z = e;

		while (s < e && (t[s] == ' ' || t[s] == '\t'))
			s++;
		while (z > s && (t[z - 1] == ' ' || t[z - 1] == '\t' || t[z - 1] == '\r'))
			z--;
		if (z - s >= 4 && !memcmp(t + s, "{{", 2) && !memcmp(t + z - 2, "}}", 2)) {
			if (!c) {
				if (!(c = malloc(n + 1)))
					return NULL;
				memcpy(c, t, n);
				c[n] = '\0';
			}
			memset(c + s, ' ', z - s);
		}
		i = e + 1;
	}
	return c;
}

/*
 * How much of s libyaml's reader accepts: it refuses NUL, control
 * characters, C1 controls, U+FFFE/U+FFFF and invalid UTF-8, and checks the
 * characters of its whole input buffer before the parser sees any, so one
 * stray byte in the 16 KiB after a Secret would fail the Secret's document
 * before it was read. *bad: how many bytes the refused character has.
 */
static size_t readable(const char *s, size_t n, size_t *bad)
{
	const unsigned char *u = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		unsigned char c = u[i];
		size_t w = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
		*bad = 1;
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
				return i;
			i++;
			continue;
		}
		if (!veil_utf8_valid_prefix(s + i, n - i < 4 ? n - i : 4))
			return i;
		*bad = w;
		/* C1 controls but NEL, U+FFFE, U+FFFF; and a BOM, which only
		 * starts a stream for libyaml but starts any piece kubectl cuts
		 * (go-yaml skips it there) */
		if ((c == 0xC2 && u[i + 1] < 0xA0 && u[i + 1] != 0x85) ||
		    (c == 0xEF && u[i + 1] == 0xBF && u[i + 2] >= 0xBE) ||
		    (c == 0xEF && u[i + 1] == 0xBB && u[i + 2] == 0xBF))
			return i;
		i += w;
	}
	return n;
}

/* A reading of t[from, len) without what libyaml refuses: the bytes are
 * dropped (a NUL or stray byte read as if it were not there, which is how
 * a reviewer reads the file, and all an attacker needs to make it load),
 * and the removals kept to map offsets back. */
struct cleaned {
	char *text;
	size_t len;
	struct veil_check__kv_removal *rm;
	size_t nrm;
};

static int clean_text(struct cleaned *c, const char *t, size_t n)
{
	size_t i = 0, total = 0, cap = 0;

	memset(c, 0, sizeof(*c));
	c->text = malloc(n + 1);
	if (!c->text)
		return veil_error_oom();
	while (i < n) {
		size_t bad = 1, ok = readable(t + i, n - i, &bad);
		memcpy(c->text + c->len, t + i, ok);
		c->len += ok;
		i += ok;
		if (i >= n)
			break;
		if (bad > n - i)
			bad = n - i;
		i += bad;
		total += bad;
		if (c->nrm && c->rm[c->nrm - 1].at == c->len) {
			c->rm[c->nrm - 1].total = total;
			continue;
		}
		if (c->nrm == cap) {
			struct veil_check__kv_removal *r =
			        veil_array_grow(c->rm, &cap, c->nrm + 1, sizeof(*r));
			if (!r)
				return VEIL_ENOMEM;
			c->rm = r;
		}
		c->rm[c->nrm].at = c->len;
		c->rm[c->nrm++].total = total;
	}
	c->text[c->len] = '\0';
	return 0;
}

static void clean_free(struct cleaned *c)
{
	if (c->text)
		sodium_memzero(c->text, c->len);
	free(c->text);
	free(c->rm);
}

static int read_clean(veil_check__kview *v, const char *t, size_t base, size_t n, size_t *stop);

/*
 * After a syntax error at stop in the text t (whose reading started at
 * from): a template (Helm, whose {{- if }} lines are no YAML) is read again
 * with its action lines blanked; else, or if that fails too, the document
 * goes to the caller as far as it was read.
 */
static int recover(veil_check__kview *v, const char *t, size_t len, size_t stop)
{
	size_t ds = v->doc_start, end, stop2;
	char *blank;
	int rc;

	if (!(v->in_doc || v->depth || v->root)) {
		/* after "...": what follows may be a document */
		v->between = !v->cut;
		return 0;
	}
	next_document_at(t, len, stop, &end);
	if (ds >= end || !veil_check__memmem(t + ds, end - ds, "{{", 2) ||
	    !(blank = blank_actions(t + ds, end - ds)))
		return veil_check__kv_cut_short(v, v->syntax, stop);
	veil_check__kv_reset(v);
	v->defer = 0;
	rc = read_clean(v, blank, ds, end - ds, &stop2);
	v->defer = 1;
	sodium_memzero(blank, end - ds);
	free(blank);
	return rc;
}

static int read_clean(veil_check__kview *v, const char *t, size_t base, size_t n, size_t *stop)
{
	struct cleaned c;
	size_t bad;
	int rc;

	if (readable(t, n, &bad) == n) {
		v->rm = NULL;
		v->nrm = 0;
		return veil_check__kv_read_chunk(v, base, n, t, stop);
	}
	if ((rc = clean_text(&c, t, n)) == 0) {
		v->rm = c.rm;
		v->nrm = c.nrm;
		rc = veil_check__kv_read_chunk(v, base, c.len, c.text,
		                               stop); /* stop: mapped back */
		v->rm = NULL;
		v->nrm = 0;
	}
	clean_free(&c);
	return rc;
}

static int read_yaml(veil_check__kview *v, const char *t, size_t from, size_t len)
{
	while (from < len) {
		size_t stop;
		int rc;

		v->defer = 1;
		v->between = 0;
		v->cut = 0;
		rc = read_clean(v, t + from, from, len - from, &stop);
		v->defer = 0;
		if (!rc && stop != SIZE_MAX)
			rc = recover(v, t, len, stop);
		if (rc || stop == SIZE_MAX)
			return rc;
		/* "a: 1\n...\nkind: Secret": libyaml wants a "---" after "...";
		 * the text after it is read as a document of its own */
		if (v->between && stop > from) {
			from = stop;
			continue;
		}
		stop = next_document(t, len, stop > from ? stop : from + 1);
		if (stop <= from)
			stop = from + 1;
		from = stop;
	}
	return 0;
}

/* The end of the JSON value starting at t[i] ('{' or '['): one past its
 * closing bracket, or len if it has none. */
static size_t json_value_end(const char *t, size_t len, size_t i)
{
	size_t depth = 0;

	for (; i < len; i++) {
		char ch = t[i];
		if (ch == '"') {
			for (i++; i < len && t[i] != '"'; i++)
				if (t[i] == '\\')
					i++;
		} else if (ch == '{' || ch == '[') {
			depth++;
		} else if ((ch == '}' || ch == ']') && --depth == 0) {
			return i + 1;
		}
	}
	return len;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

static long u_escape(const char *s, size_t n, size_t i)
{
	long u = 0;

	if (i + 6 > n || s[i] != '\\' || s[i + 1] != 'u')
		return -1;
	for (size_t k = 2; k < 6; k++) {
		int h = hexval(s[i + k]);
		if (h < 0)
			return -1;
		u = u * 16 + h;
	}
	return u;
}

/*
 * What libyaml refuses in JSON but Go's decoder reads: \u escapes of
 * UTF-16 surrogates (Go: the pair's character, or U+FFFD) become \uFFFD
 * each, in place, without moving a byte (invalid UTF-8, which Go reads as
 * U+FFFD, is dropped by read_clean).
 */
static int surrogate(const char *s, size_t n, size_t i)
{
	long u = u_escape(s, n, i);

	return u >= 0xD800 && u <= 0xDFFF;
}

static int json_needs_fix(const char *s, size_t n)
{
	for (const char *p = s; (p = memchr(p, '\\', (size_t)(s + n - p))) != NULL; p += 2) {
		if (surrogate(s, n, (size_t)(p - s)))
			return 1;
		if (p + 2 > s + n)
			break;
	}
	return 0;
}

static void json_fix(char *s, size_t n)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (s[i] != '\\')
			continue;
		if (surrogate(s, n, i))
			memcpy(s + i, "\\uFFFD", 6);
		i++; /* the escaped character is not an escape */
	}
}

/* A JSON stream ({...}{...}, as kubectl reads a file starting with '{'):
 * each value as a document of its own; from the first byte that starts no
 * value, the rest is read as YAML. */
static int read_json(veil_check__kview *v, const char *t, size_t i, size_t len)
{
	int rc = 0;

	while (!rc) {
		size_t e, stop;
		char *copy = NULL;

		while (i < len && strchr(" \t\r\n", t[i]))
			i++;
		if (i >= len)
			return 0;
		if (t[i] != '{' && t[i] != '[')
			return read_yaml(v, t, i, len);
		e = json_value_end(t, len, i);
		if (json_needs_fix(t + i, e - i)) {
			copy = malloc(e - i + 1);
			if (!copy)
				return veil_error_oom();
			memcpy(copy, t + i, e - i);
			json_fix(copy, e - i);
		}
		rc = read_clean(v, copy ? copy : t + i, i, e - i, &stop);
		if (copy) {
			sodium_memzero(copy, e - i);
			free(copy);
		}
		i = e;
	}
	return rc;
}

int veil_check__kview_read(const char *text, size_t len, veil_check__kdoc_fn fn, void *arg)
{
	veil_check__kview *v = calloc(1, sizeof(*v));
	size_t i = 0;
	int rc;

	if (!v)
		return veil_error_oom();
	v->fn = fn;
	v->arg = arg;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		i = 3;
	/* blanks, and bytes no reader takes (dropped when read) */
	while (i < len) {
		size_t bad = 1;
		if (memchr(" \t\r\n", text[i], 4))
			i++;
		else if (readable(text + i, len - i < 4 ? len - i : 4, &bad) == 0)
			i += bad;
		else
			break;
	}
	/* "{{" starts a template, not JSON */
	if (i < len && (text[i] == '[' || (text[i] == '{' && (i + 1 == len || text[i + 1] != '{'))))
		rc = read_json(v, text, i, len);
	else
		rc = read_yaml(v, text, len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3) ? 3 : 0, len);
	veil_check__kv_reset(v);
	free(v->anchors);
	free(v->kids);
	free(v);
	return rc;
}
