/*
 * JSON codec: a strict RFC 8259 scanner that records the byte span of every
 * token (cJSON keeps no positions), and writers that follow sops's layout
 * (Go json.Marshal escaping, json.Indent with a tab or N spaces).
 */
#include <stdlib.h>
#include <string.h>
#include "doc/codec.h"
#include "doc/flat.h"
#include "doc/json.h"
#include "util/jsonstr.h"
#include "veil/error.h"

#define SMALL_OBJECT 32 /* duplicate keys checked pairwise up to here, then sorted */

typedef struct jscan {
	veil_doc *doc;
	const char *s;
	size_t len;
	size_t pos;
	unsigned int line;
	size_t line_start;
	unsigned int depth;
	veil_buf tmp; /* decoded string */
} jscan;

static int jerr(const jscan *p, size_t at, const char *what)
{
	unsigned int col = (unsigned int)(at >= p->line_start ? at - p->line_start + 1 : 1);

	return veil_doc__error_at(p->doc, VEIL_EFORMAT, p->line, col, "%s", what);
}

static void skip_ws(jscan *p)
{
	while (p->pos < p->len) {
		char c = p->s[p->pos];

		if (c == '\n') {
			p->line++;
			p->line_start = p->pos + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		p->pos++;
	}
}

static void span_at(const jscan *p, veil_span *sp, size_t start)
{
	sp->start = start;
	sp->end = start;
	sp->line = p->line;
	sp->col = (unsigned int)(start - p->line_start + 1);
}

static int hex4(const jscan *p, size_t at, unsigned int *out)
{
	unsigned int v = 0;
	size_t i;

	if (p->len - at < 4)
		return jerr(p, at, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		char c = p->s[at + i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned int)(c - 'A' + 10);
		else
			return jerr(p, at + i, "bad hex digit in \\u escape");
	}
	*out = v;
	return 0;
}

static int put_utf8(veil_buf *b, unsigned int cp)
{
	uint8_t u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (uint8_t)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (uint8_t)(0xC0 | (cp >> 6));
		u[1] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (uint8_t)(0xE0 | (cp >> 12));
		u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (uint8_t)(0xF0 | (cp >> 18));
		u[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (uint8_t)(0x80 | (cp & 0x3F));
		n = 4;
	}
	return veil_buf_append(b, u, n);
}

/* \uXXXX at p->pos (after the backslash-u), with a following low surrogate
 * when the first is a high one. */
static int unicode_escape(jscan *p, size_t esc)
{
	unsigned int cp, lo;
	int rc = hex4(p, p->pos, &cp);

	if (rc < 0)
		return rc;
	p->pos += 4;
	if (cp >= 0xDC00 && cp <= 0xDFFF)
		return jerr(p, esc, "lone low surrogate in \\u escape");
	if (cp >= 0xD800 && cp <= 0xDBFF) {
		if (p->len - p->pos < 6 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
			return jerr(p, esc, "high surrogate without its low surrogate");
		rc = hex4(p, p->pos + 2, &lo);
		if (rc < 0)
			return rc;
		if (lo < 0xDC00 || lo > 0xDFFF)
			return jerr(p, esc, "high surrogate without its low surrogate");
		p->pos += 6;
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	return put_utf8(&p->tmp, cp);
}

static int escape(jscan *p)
{
	size_t esc = p->pos;
	char c, d;

	if (p->pos + 1 >= p->len)
		return jerr(p, esc, "unterminated string");
	c = p->s[p->pos + 1];
	p->pos += 2;
	switch (c) {
	case '"':
		d = '"';
		break;
	case '\\':
		d = '\\';
		break;
	case '/':
		d = '/';
		break;
	case 'b':
		d = '\b';
		break;
	case 'f':
		d = '\f';
		break;
	case 'n':
		d = '\n';
		break;
	case 'r':
		d = '\r';
		break;
	case 't':
		d = '\t';
		break;
	case 'u':
		return unicode_escape(p, esc);
	default:
		return jerr(p, esc, "invalid escape in string");
	}
	return veil_buf_putc(&p->tmp, (uint8_t)d);
}

/* Decodes the string at p->pos (on its opening quote) into p->tmp. */
static int scan_string(jscan *p)
{
	size_t start = p->pos;
	int rc = 0;

	veil_buf_clear(&p->tmp);
	p->pos++;
	while (rc == 0) {
		size_t run = p->pos, ok;

		while (p->pos < p->len && p->s[p->pos] != '"' && p->s[p->pos] != '\\' &&
		       (unsigned char)p->s[p->pos] >= 0x20)
			p->pos++;
		ok = veil_doc__utf8_prefix(p->s + run, p->pos - run);
		if (ok != p->pos - run)
			return jerr(p, run + ok, "invalid UTF-8 in string");
		rc = veil_buf_append(&p->tmp, p->s + run, p->pos - run);
		if (rc < 0)
			return rc;
		if (p->pos >= p->len)
			return jerr(p, start, "unterminated string");
		if (p->s[p->pos] == '"') {
			p->pos++;
			return 0;
		}
		if (p->s[p->pos] != '\\')
			return jerr(p, p->pos, "control character in string");
		rc = escape(p);
	}
	return rc;
}

static size_t digits(const jscan *p, size_t i)
{
	while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9')
		i++;
	return i;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? ; *integer when it has
 * neither fraction nor exponent. */
static int scan_number(jscan *p, int *integer)
{
	size_t i = p->pos, j;

	*integer = 1;
	if (i < p->len && p->s[i] == '-')
		i++;
	if (i < p->len && p->s[i] == '0') {
		i++;
	} else {
		j = digits(p, i);
		if (j == i)
			return jerr(p, p->pos, "invalid number");
		i = j;
	}
	if (i < p->len && p->s[i] == '.') {
		j = digits(p, i + 1);
		if (j == i + 1)
			return jerr(p, i, "invalid number: digits must follow '.'");
		i = j;
		*integer = 0;
	}
	if (i < p->len && (p->s[i] == 'e' || p->s[i] == 'E')) {
		i++;
		if (i < p->len && (p->s[i] == '+' || p->s[i] == '-'))
			i++;
		j = digits(p, i);
		if (j == i)
			return jerr(p, i, "invalid number: exponent without digits");
		i = j;
		*integer = 0;
	}
	if (i < p->len && ((p->s[i] >= '0' && p->s[i] <= '9') || p->s[i] == '.'))
		return jerr(p, i, "invalid number");
	p->pos = i;
	return 0;
}

/* sops 3.13.2 reads an integer that fits int64 as int, anything else as float. */
static int fits_int64(const char *s, size_t len)
{
	static const char max[] = "9223372036854775807";
	static const char min[] = "9223372036854775808";
	int neg = s[0] == '-';
	size_t n = len - (size_t)neg;

	if (n < 19)
		return 1;
	if (n > 19)
		return 0;
	return memcmp(s + neg, neg ? min : max, 19) <= 0;
}

static int scan_value(jscan *p, veil_node **out);

static int scan_scalar(jscan *p, veil_node **out)
{
	veil_node *n = veil_doc__node_new(p->doc, VEIL_NODE_SCALAR);
	size_t start = p->pos;
	const char *lit = NULL;
	int integer, rc;

	if (!n)
		return VEIL_ENOMEM;
	span_at(p, &n->span, start);
	n->style = VEIL_STYLE_PLAIN;
	if (p->s[start] == '"') {
		rc = scan_string(p);
		if (rc < 0)
			return rc;
		n->type = VEIL_SCALAR_STR;
		n->style = VEIL_STYLE_DOUBLE;
		rc = veil_doc__node_set_value(n, p->tmp.data ? (char *)p->tmp.data : "",
		                              p->tmp.len);
	} else if (p->s[start] == '-' || (p->s[start] >= '0' && p->s[start] <= '9')) {
		rc = scan_number(p, &integer);
		if (rc < 0)
			return rc;
		n->type = integer && fits_int64(p->s + start, p->pos - start) ? VEIL_SCALAR_INT
		                                                              : VEIL_SCALAR_FLOAT;
		rc = veil_doc__node_set_value(n, p->s + start, p->pos - start);
	} else {
		if (p->len - start >= 4 && !memcmp(p->s + start, "true", 4))
			lit = "true";
		else if (p->len - start >= 5 && !memcmp(p->s + start, "false", 5))
			lit = "false";
		else if (p->len - start >= 4 && !memcmp(p->s + start, "null", 4))
			lit = "null";
		if (!lit)
			return jerr(p, start, "unexpected character (expected a JSON value)");
		p->pos += strlen(lit);
		n->type = lit[0] == 'n' ? VEIL_SCALAR_NULL : VEIL_SCALAR_BOOL;
		rc = veil_doc__node_set_value(n, lit, strlen(lit));
	}
	n->span.end = p->pos;
	*out = n;
	return rc;
}

static int key_cmp(const void *a, const void *b)
{
	const veil_node *x = *(veil_node *const *)a, *y = *(veil_node *const *)b;
	size_t m = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->key, y->key, m);

	if (c)
		return c;
	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	return x->key_span.start < y->key_span.start ? -1 : 1;
}

static int dup_error(const jscan *p, const veil_node *later)
{
	return veil_doc__error_at(p->doc, VEIL_EFORMAT, later->key_span.line, later->key_span.col,
	                          "duplicate key '%.*s'",
	                          (int)(later->key_len > 64 ? 64 : later->key_len), later->key);
}

/* Objects past SMALL_OBJECT members: sort a copy and compare neighbours. */
static int check_dups_sorted(const jscan *p, const veil_node *obj)
{
	veil_node **v = malloc(obj->nitems * sizeof(*v));
	size_t i;
	int rc = 0;

	if (!v)
		return veil_error_oom();
	memcpy(v, obj->items, obj->nitems * sizeof(*v));
	qsort(v, obj->nitems, sizeof(*v), key_cmp);
	for (i = 1; i < obj->nitems && rc == 0; i++) {
		if (v[i]->key_len == v[i - 1]->key_len &&
		    !memcmp(v[i]->key, v[i - 1]->key, v[i]->key_len))
			rc = dup_error(p, v[i]);
	}
	free(v);
	return rc;
}

static int check_dup_small(const jscan *p, const veil_node *obj, const veil_node *child)
{
	size_t i;

	for (i = 0; i < obj->nitems && i < SMALL_OBJECT; i++) {
		const veil_node *o = obj->items[i];

		if (o->key_len == child->key_len && !memcmp(o->key, child->key, o->key_len))
			return dup_error(p, child);
	}
	return 0;
}

static int scan_member(jscan *p, veil_node *obj)
{
	veil_node *child = NULL;
	veil_span ks;
	char *key = NULL;
	size_t klen;
	int rc;

	if (p->pos >= p->len || p->s[p->pos] != '"')
		return jerr(p, p->pos, "expected a string key");
	span_at(p, &ks, p->pos);
	rc = scan_string(p);
	if (rc < 0)
		return rc;
	ks.end = p->pos;
	klen = p->tmp.len;
	if (klen && memchr(p->tmp.data, '\0', klen))
		return jerr(p, ks.start, "key contains a NUL character");
	key = strndup(klen ? (const char *)p->tmp.data : "", klen);
	if (!key)
		return veil_error_oom();
	skip_ws(p);
	if (p->pos >= p->len || p->s[p->pos] != ':') {
		rc = jerr(p, p->pos, "expected ':' after key");
		goto done;
	}
	p->pos++;
	skip_ws(p);
	rc = scan_value(p, &child);
	if (rc < 0)
		goto done;
	rc = veil_doc__node_set_key(child, key, klen);
	if (rc < 0)
		goto done;
	child->key_span = ks;
	rc = check_dup_small(p, obj, child);
	if (rc == 0)
		rc = veil_doc__node_append(obj, child);
done:
	free(key);
	return rc;
}

/* An object or array at p->pos (on its opening bracket). */
static int scan_container(jscan *p, veil_node **out)
{
	int is_obj = p->s[p->pos] == '{';
	char close = is_obj ? '}' : ']';
	veil_node *n = veil_doc__node_new(p->doc, is_obj ? VEIL_NODE_MAP : VEIL_NODE_SEQ);
	int rc = 0;

	if (!n)
		return VEIL_ENOMEM;
	if (++p->depth > VEIL_DOC_MAX_DEPTH)
		return veil_doc__error_at(p->doc, VEIL_ELIMIT, p->line,
		                          (unsigned int)(p->pos - p->line_start + 1),
		                          "nesting deeper than %d", VEIL_DOC_MAX_DEPTH);
	span_at(p, &n->span, p->pos);
	p->pos++;
	skip_ws(p);
	if (p->pos < p->len && p->s[p->pos] == close)
		goto closed;
	for (;;) {
		veil_node *child = NULL;

		if (is_obj) {
			rc = scan_member(p, n);
		} else {
			rc = scan_value(p, &child);
			if (rc == 0)
				rc = veil_doc__node_append(n, child);
		}
		if (rc < 0)
			return rc;
		skip_ws(p);
		if (p->pos < p->len && p->s[p->pos] == close)
			break;
		if (p->pos >= p->len || p->s[p->pos] != ',')
			return jerr(p, p->pos,
			            is_obj ? "expected ',' or '}'" : "expected ',' or ']'");
		p->pos++;
		skip_ws(p);
	}
closed:
	p->pos++;
	n->span.end = p->pos;
	p->depth--;
	if (is_obj && n->nitems > SMALL_OBJECT)
		rc = check_dups_sorted(p, n);
	*out = n;
	return rc;
}

static int scan_value(jscan *p, veil_node **out)
{
	if (p->pos >= p->len)
		return jerr(p, p->pos, "unexpected end of input");
	if (p->s[p->pos] == '{' || p->s[p->pos] == '[')
		return scan_container(p, out);
	return scan_scalar(p, out);
}

/* doc->src as one JSON object (a document), or with any_value as any one
 * JSON value (the value of `veil set`). */
static int parse_top(veil_doc *doc, veil_node **root, int any_value)
{
	jscan p = { doc, doc->src, doc->src_len, 0, 1, 0, 0, VEIL_BUF_INIT(VEIL_DOC_MAX_SIZE) };
	int rc;

	*root = NULL;
	if (doc->src_len > VEIL_DOC_MAX_SIZE)
		return veil_error_set(VEIL_ELIMIT, "%s: larger than %u bytes", doc->name,
		                      VEIL_DOC_MAX_SIZE);
	skip_ws(&p);
	if (!any_value && (p.pos >= p.len || p.s[p.pos] != '{')) {
		rc = jerr(&p, p.pos, "the top level must be a JSON object");
		goto done;
	}
	rc = any_value ? scan_value(&p, root) : scan_container(&p, root);
	if (rc < 0)
		goto done;
	skip_ws(&p);
	if (p.pos != p.len)
		rc = jerr(&p, p.pos, "unexpected data after the top-level value");
done:
	veil_buf_dispose(&p.tmp);
	return rc;
}

int veil_json__parse_into(veil_doc *doc, veil_node **root)
{
	return parse_top(doc, root, 0);
}

static int json_parse(veil_doc *doc)
{
	veil_node *root;
	int rc = veil_json__parse_into(doc, &root);

	return rc < 0 ? rc : veil_doc__single_root(doc, root);
}

/* ---- writing ---- */

/* html: escape < > & as Go's json.Marshal does (fresh output, like sops);
 * values edited in place keep the file's plain spelling instead. */
static int put_string_ex(veil_buf *out, const char *s, size_t len, int html)
{
	if (veil_doc__utf8_prefix(s, len) != len)
		return veil_error_set(VEIL_EFORMAT, "a value is not valid UTF-8, which JSON cannot "
		                                    "hold (YAML writes it as !!binary)");
	return veil_json_string(out, s, len, html ? VEIL_JSON_HTML : 0);
}

int veil_json__put_string(veil_buf *out, const char *s, size_t len)
{
	return put_string_ex(out, s, len, 1);
}

static int is_json_number(const char *s, size_t len)
{
	veil_doc d;
	jscan p;
	int integer;

	memset(&d, 0, sizeof(d));
	memset(&p, 0, sizeof(p));
	p.doc = &d;
	p.s = s;
	p.len = len;
	if (len == 0 || !(s[0] == '-' || (s[0] >= '0' && s[0] <= '9')))
		return 0;
	if (scan_number(&p, &integer) < 0) {
		veil_error_clear();
		return 0;
	}
	return p.pos == len;
}

/* true for what Go's strconv.ParseBool takes as true; -1 if not a bool. */
static int parse_bool(const char *s, size_t len)
{
	static const char *const t[] = { "1", "t", "T", "TRUE", "true", "True" };
	static const char *const f[] = { "0", "f", "F", "FALSE", "false", "False" };
	size_t i;

	for (i = 0; i < 6; i++) {
		if (strlen(t[i]) == len && !memcmp(t[i], s, len))
			return 1;
		if (strlen(f[i]) == len && !memcmp(f[i], s, len))
			return 0;
	}
	return -1;
}

int veil_json__put_scalar(veil_buf *out, const char *v, size_t len, veil_scalar_type type)
{
	int b;

	switch (type) {
	case VEIL_SCALAR_NULL:
		return veil_buf_append(out, "null", 4);
	case VEIL_SCALAR_BOOL:
		b = parse_bool(v, len);
		if (b < 0)
			return veil_error_set(VEIL_EINVAL,
			                      "a boolean value is neither true nor false");
		return b ? veil_buf_append(out, "true", 4) : veil_buf_append(out, "false", 5);
	case VEIL_SCALAR_INT:
	case VEIL_SCALAR_FLOAT:
		if (!is_json_number(v, len))
			return veil_error_set(VEIL_EINVAL, "a number cannot be written as JSON "
			                                   "(JSON has no NaN, Inf, hex or octal)");
		/* sops's float plaintext "3" would read back as an int: keep it a float */
		if (type == VEIL_SCALAR_FLOAT && !memchr(v, '.', len) && !memchr(v, 'e', len) &&
		    !memchr(v, 'E', len) && fits_int64(v, len))
			return veil_buf_append(out, v, len) < 0 ? VEIL_ENOMEM
			                                        : veil_buf_append(out, ".0", 2);
		return veil_buf_append(out, v, len);
	default:
		return veil_json__put_string(out, v, len);
	}
}

static int json_quote(veil_buf *out, size_t *start, size_t *end, const veil_doc *doc,
                      const veil_node *node, const char *value, size_t len, veil_scalar_type type)
{
	(void)start;
	(void)end;
	(void)doc;
	if (node->kind != VEIL_NODE_SCALAR)
		return veil_error_set(VEIL_EINVAL, "only scalars can be set in JSON");
	if (type == VEIL_SCALAR_STR)
		return put_string_ex(out, value, len, 0);
	return veil_json__put_scalar(out, value, len, type);
}

static int put_indent(veil_buf *out, const char *unit, size_t unit_len, unsigned int level)
{
	int rc = 0;

	while (level-- > 0 && rc == 0)
		rc = veil_buf_append(out, unit, unit_len);
	return rc;
}

/* json.Indent's layout of node at nesting level (its members one deeper). */
int veil_json__put_value(veil_buf *out, const veil_node *node, const char *unit, size_t unit_len,
                         unsigned int level)
{
	size_t i, n = 0;
	int rc = 0, is_map;

	while (node->kind == VEIL_NODE_ALIAS && node->target)
		node = node->target;
	if (level > VEIL_DOC_MAX_DEPTH)
		return veil_error_set(VEIL_ELIMIT, "document nested too deeply");
	if (node->kind == VEIL_NODE_SCALAR)
		return veil_json__put_scalar(out, node->value ? node->value : "", node->value_len,
		                             node->type);
	is_map = node->kind == VEIL_NODE_MAP;
	rc = veil_buf_putc(out, is_map ? '{' : '[');
	for (i = 0; i < node->nitems && rc == 0; i++) {
		const veil_node *it = node->items[i];

		if (it->kind == VEIL_NODE_COMMENT)
			continue; /* JSON has none; sops drops them too */
		rc = n ? veil_buf_append(out, ",\n", 2) : veil_buf_putc(out, '\n');
		n++;
		if (rc == 0)
			rc = put_indent(out, unit, unit_len, level + 1);
		if (rc == 0 && is_map) {
			rc = veil_json__put_string(out, it->key ? it->key : "", it->key_len);
			if (rc == 0)
				rc = veil_buf_append(out, ": ", 2);
		}
		if (rc == 0)
			rc = veil_json__put_value(out, it, unit, unit_len, level + 1);
	}
	if (rc == 0 && n > 0) {
		rc = veil_buf_putc(out, '\n');
		if (rc == 0)
			rc = put_indent(out, unit, unit_len, level);
	}
	return rc < 0 ? rc : veil_buf_putc(out, is_map ? '}' : ']');
}

static int json_emit(veil_buf *out, veil_node *const *roots, size_t nroots, int indent)
{
	char unit[64];
	size_t unit_len = 1;
	int rc;

	/* a list or a scalar is a root only as an --extract'ed value or an
	 * alias written out (sops/aliases.c) */
	if (nroots != 1 || !roots[0] || roots[0]->kind == VEIL_NODE_COMMENT)
		return veil_error_set(VEIL_EINVAL,
		                      "JSON output needs exactly one document that is a map");
	unit[0] = '\t';
	if (indent > 0) {
		unit_len = (size_t)indent < sizeof(unit) ? (size_t)indent : sizeof(unit);
		memset(unit, ' ', unit_len);
	}
	rc = veil_json__put_value(out, roots[0], unit, unit_len, 0);
	return rc < 0 ? rc : veil_buf_putc(out, '\n');
}

/* ---- metadata ---- */

static veil_node *json_metadata(const veil_doc *doc)
{
	if (doc->nroots < 1 || !doc->roots[0])
		return NULL;
	return veil_node_get(doc->roots[0], "sops");
}

/* The indentation of the root's members (what precedes the first key on
 * its line); a tab when the file has none to copy. */
static void detect_indent(const veil_doc *doc, const veil_node *root, const char **unit,
                          size_t *len)
{
	size_t k, b;

	*unit = "\t";
	*len = 1;
	if (root->nitems == 0)
		return;
	k = root->items[0]->key_span.start;
	b = k;
	while (b > 0 && (doc->src[b - 1] == ' ' || doc->src[b - 1] == '\t'))
		b--;
	if (b == k || b == 0 || doc->src[b - 1] != '\n')
		return;
	*unit = doc->src + b;
	*len = k - b;
}

int veil_json__set_metadata_at(veil_doc *doc, veil_node *root, const veil_node *meta)
{
	veil_buf t = VEIL_BUF_INIT(VEIL_DOC_MAX_SIZE);
	veil_node *old = veil_node_get(root, "sops");
	const char *unit;
	size_t unit_len, at, end;
	int rc = 0;

	detect_indent(doc, root, &unit, &unit_len);
	if (old) {
		at = old->span.start;
		end = old->span.end;
	} else {
		/* after the last member, so a remove can take ",\n<indent>"sops": ..."
		 * back out; an empty object gets the member on its own line */
		at = root->nitems ? root->items[root->nitems - 1]->span.end : root->span.start + 1;
		end = at;
		rc = veil_buf_append(&t, root->nitems ? ",\n" : "\n", root->nitems ? 2 : 1);
		if (rc == 0)
			rc = veil_buf_append(&t, unit, unit_len);
		if (rc == 0)
			rc = veil_buf_append(&t, "\"sops\": ", 8);
	}
	if (rc == 0)
		rc = veil_json__put_value(&t, meta, unit, unit_len, 1);
	if (rc == 0 && !old && root->nitems == 0)
		rc = veil_buf_putc(&t, '\n');
	if (rc == 0)
		rc = veil_doc__edit_add(doc, at, end, (const char *)t.data, t.len, NULL, NULL, 0,
		                        0);
	veil_buf_dispose(&t);
	return rc;
}

int veil_json__remove_metadata_at(veil_doc *doc, veil_node *root)
{
	veil_node *m = veil_node_get(root, "sops");
	size_t i = 0, start, end;

	if (!m)
		return 0;
	while (root->items[i] != m)
		i++;
	if (i > 0) {
		start = root->items[i - 1]->span.end;
		end = m->span.end;
	} else if (root->nitems > 1) {
		start = m->key_span.start;
		end = root->items[1]->key_span.start;
	} else {
		start = root->span.start + 1;
		end = m->span.end;
		if (end < doc->src_len && doc->src[end] == '\n')
			end++;
	}
	return veil_doc__edit_add(doc, start, end, "", 0, NULL, NULL, 0, 0);
}

static int json_set_metadata(veil_doc *doc, const veil_node *meta)
{
	if (doc->nroots < 1 || !doc->roots[0])
		return veil_error_set(VEIL_EINVAL, "no JSON document to add metadata to");
	return veil_json__set_metadata_at(doc, doc->roots[0], meta);
}

static int json_remove_metadata(veil_doc *doc)
{
	if (doc->nroots < 1 || !doc->roots[0])
		return 0;
	return veil_json__remove_metadata_at(doc, doc->roots[0]);
}

/* Any one JSON value as the root: parsing only (set_value.c). */
static int json_value_parse(veil_doc *doc)
{
	veil_node *root;
	int rc = parse_top(doc, &root, 1);

	return rc < 0 ? rc : veil_doc__single_root(doc, root);
}

const veil_codec veil_codec__json_value = { .parse = json_value_parse };

const veil_codec veil_codec__json = {
	json_parse, json_quote, json_metadata, json_set_metadata, json_remove_metadata, json_emit,
	NULL,       NULL,       NULL,
};
