/*
 * Where and how a new map, list or scalar goes into a YAML file in place of
 * an old value (see sops_set.h). The layouts:
 * - a block map or list is replaced by its own lines: the new value in block
 *   style at the old value's indentation, or for a scalar, "null" after the
 *   "key:" or "-" that held it (whose line, with its comment and anchor, is
 *   kept);
 * - a scalar, alias or flow collection is replaced by its bytes: a scalar or
 *   empty collection in its place, a non-empty flow collection by flow text
 *   (the file's choice), else a non-empty map or list in block style on the
 *   lines after "key:" (or right after "- ", as "- a: 1" lines);
 * - inside a flow collection only flow text can go.
 * Leaves are written as null; the caller sets each through the codec.
 */
#include "doc/set.h"
#include <string.h>
#include <strings.h>
#include "util/buf.h"
#include "util/secret.h"

typedef struct ylay {
	const char *src;
	size_t len;
	const char *eol; /* the file's line break: "\n" or "\r\n" */
	int step;        /* indentation of a nested map */
	int seq_indent;  /* of a list under a key (0: "key:\n- a") */
	int started;     /* a line was begun: the next one needs a break */
	veil_buf b;
} ylay;

static size_t col_of(const char *src, size_t i)
{
	return i - veil_doc__line_start(src, i);
}

static int put(ylay *y, const char *s, size_t n)
{
	return veil_buf_append(&y->b, s, n);
}

static int puts_(ylay *y, const char *s)
{
	return put(y, s, strlen(s));
}

/* Begins a line indented by indent (a break first unless it is the first). */
static int new_line(ylay *y, size_t indent)
{
	static const char spaces[] = "                                ";
	int error = 0;

	if (y->started)
		error = puts_(y, y->eol);
	y->started = 1;
	while (!error && indent > 0) {
		size_t k = indent < sizeof(spaces) - 1 ? indent : sizeof(spaces) - 1;

		error = put(y, spaces, k);
		indent -= k;
	}
	return error;
}

/* One UTF-8 sequence at s (valid: the value was checked): its code point. */
static unsigned long utf8_cp(const unsigned char *s, size_t *n)
{
	if (s[0] < 0x80) {
		*n = 1;
		return s[0];
	}
	if (s[0] < 0xe0) {
		*n = 2;
		return ((unsigned long)(s[0] & 0x1f) << 6) | (s[1] & 0x3f);
	}
	if (s[0] < 0xf0) {
		*n = 3;
		return ((unsigned long)(s[0] & 0x0f) << 12) | ((unsigned long)(s[1] & 0x3f) << 6) |
		       (s[2] & 0x3f);
	}
	*n = 4;
	return ((unsigned long)(s[0] & 0x07) << 18) | ((unsigned long)(s[1] & 0x3f) << 12) |
	       ((unsigned long)(s[2] & 0x3f) << 6) | (s[3] & 0x3f);
}

/* Characters YAML cannot hold as they are (controls, C1, BOM, U+FFFE/F) or
 * would read as line breaks (NEL, LS, PS). */
static int needs_escape(unsigned long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0xfeff || cp == 0xfffe || cp == 0xffff;
}

/* A key that reads back as the same string when written plain: a letter
 * (any script) or '_' first, then letters, digits and "_.-/", and no YAML
 * 1.1 or 1.2 boolean or null word (any case). Others are double-quoted. */
static int plain_key(const char *k, size_t n)
{
	static const char *const words[] = { "y",   "n",    "yes",   "no",   "on",
		                             "off", "true", "false", "null", NULL };
	static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";

	for (size_t i = 0, len; i < n; i += len) {
		unsigned long cp = utf8_cp((const unsigned char *)k + i, &len);

		if (cp >= 0xa1 ? needs_escape(cp)
		               : !memchr(letters, (int)cp, sizeof(letters) - 1) &&
		                         (i == 0 || !memchr("0123456789.-/", (int)cp, 13)))
			return 0;
	}
	for (size_t w = 0; words[w]; w++)
		if (strlen(words[w]) == n && !strncasecmp(k, words[w], n))
			return 0;
	return n > 0;
}

/* A YAML double-quoted string. */
static int put_quoted(ylay *y, const char *s, size_t n)
{
	int error = veil_buf_putc(&y->b, '"');

	for (size_t i = 0; i < n && !error;) {
		unsigned char c = (unsigned char)s[i];
		size_t k;
		unsigned long cp = utf8_cp((const unsigned char *)s + i, &k);

		if (c == '"' || c == '\\')
			error = veil_buf_printf(&y->b, "\\%c", c);
		else if (c == '\n')
			error = puts_(y, "\\n");
		else if (c == '\t')
			error = puts_(y, "\\t");
		else if (needs_escape(cp))
			error = veil_buf_printf(&y->b, cp <= 0xff ? "\\x%02lx" : "\\u%04lx", cp);
		else
			error = put(y, s + i, k);
		i += k;
	}
	return error ? error : veil_buf_putc(&y->b, '"');
}

static int put_key(ylay *y, const veil_doc_jv *v)
{
	int error = plain_key(v->key, v->key_len) ? put(y, v->key, v->key_len)
	                                          : put_quoted(y, v->key, v->key_len);

	return error ? error : puts_(y, ":");
}

/* A leaf or an empty collection as it is written in place. */
static int put_inline(ylay *y, const veil_doc_jv *v)
{
	if (v->kind == VEIL_NODE_SCALAR)
		return puts_(y, "null");
	return puts_(y, v->kind == VEIL_NODE_MAP ? "{}" : "[]");
}

static int emit_flow(ylay *y, const veil_doc_jvalue *jv, size_t i)
{
	const veil_doc_jv *v = &jv->v[i];
	int error;

	if (!veil_doc__jv_block(v))
		return put_inline(y, v);
	error = puts_(y, v->kind == VEIL_NODE_MAP ? "{" : "[");
	for (size_t j = i + 1; j < v->end && !error; j = jv->v[j].end) {
		if (j > i + 1 && (error = puts_(y, ", ")) < 0)
			break;
		if (v->kind == VEIL_NODE_MAP &&
		    ((error = put_key(y, &jv->v[j])) < 0 || (error = puts_(y, " ")) < 0))
			break;
		error = emit_flow(y, jv, j);
	}
	return error ? error : puts_(y, v->kind == VEIL_NODE_MAP ? "}" : "]");
}

/* Block style at indent; inline_first: the first item goes where the
 * cursor is (after "- "), the others on lines of their own. */
static int emit_block(ylay *y, const veil_doc_jvalue *jv, size_t i, size_t indent, int inline_first)
{
	const veil_doc_jv *v = &jv->v[i];
	int error = 0;

	for (size_t j = i + 1; j < v->end && !error; j = jv->v[j].end) {
		const veil_doc_jv *c = &jv->v[j];

		if (!(inline_first && j == i + 1) && (error = new_line(y, indent)) < 0)
			break;
		error = v->kind == VEIL_NODE_MAP ? put_key(y, c) : puts_(y, "-");
		if (error < 0)
			break;
		if (veil_doc__jv_block(c) && v->kind == VEIL_NODE_MAP) {
			size_t in =
			        c->kind == VEIL_NODE_SEQ ? (size_t)y->seq_indent : (size_t)y->step;

			error = emit_block(y, jv, j, indent + in, 0);
		} else if ((error = puts_(y, " ")) == 0) {
			error = veil_doc__jv_block(c) ? emit_block(y, jv, j, indent + 2, 1)
			                              : put_inline(y, c);
		}
	}
	return error;
}

/* How far the file indents a block list under its key: the first one found
 * (Kubernetes files often write "key:\n- a"), else the map step. */
static int find_seq_indent(const char *src, const veil_node *n, int depth)
{
	for (size_t i = 0; i < n->nitems && depth < VEIL_DOC_MAX_DEPTH; i++) {
		const veil_node *c = n->items[i];
		int k;

		if (c->kind == VEIL_NODE_SEQ && !c->flow && !n->flow && c->key) {
			size_t kc = col_of(src, c->key_span.start), sc = col_of(src, c->span.start);

			if (sc >= kc && sc - kc <= 16)
				return (int)(sc - kc);
		}
		if ((c->kind == VEIL_NODE_MAP || c->kind == VEIL_NODE_SEQ) &&
		    (k = find_seq_indent(src, c, depth + 1)) >= 0)
			return k;
	}
	return -1;
}

/* After the ':' or '-' at i and the anchors that follow it on its line;
 * *drop: past the tag that follows them, if any (or the same place). */
static size_t after_props(const ylay *y, size_t i, size_t *drop)
{
	size_t h = i + 1, k = h;

	*drop = h;
	for (;;) {
		size_t t;

		while (k < y->len && (y->src[k] == ' ' || y->src[k] == '\t'))
			k++;
		t = k;
		if (k >= y->len || (y->src[k] != '&' && y->src[k] != '!'))
			return h;
		while (k < y->len && !strchr(" \t\r\n", y->src[k]))
			k++;
		if (*drop != h) /* an anchor after the tag: keep both */
			return *drop = h;
		if (y->src[t] == '&')
			h = *drop = k;
		else
			*drop = k;
	}
}

/* Where a scalar goes when n's block lines go: after "key:" or "-" and
 * its anchor, and past the tag [*h, *drop) a value of another kind drops. */
static int head_point(const ylay *y, const veil_node *n, size_t *h, size_t *drop)
{
	const veil_node *parent = n->parent, *prev = NULL;
	size_t k;

	if (parent->kind == VEIL_NODE_MAP) {
		for (k = n->key_span.end; k < y->len && strchr(" \t\r\n", y->src[k]); k++)
			;
	} else {
		for (size_t i = 0; i < parent->nitems && parent->items[i] != n; i++)
			if (parent->items[i]->kind != VEIL_NODE_COMMENT)
				prev = parent->items[i];
		k = prev ? veil_doc__line_end(y->src, y->len, veil_doc__last_leaf_end(y->src, prev))
		         : parent->span.start;
		while (prev && k < y->len) {
			k += strspn(y->src + k, " \t\r\n");
			if (k >= y->len || y->src[k] != '#')
				break;
			k = veil_doc__line_end(y->src, y->len, k);
		}
	}
	if (k >= n->span.start || y->src[k] != (parent->kind == VEIL_NODE_MAP ? ':' : '-'))
		return veil_error_set(VEIL_EUNSUPPORTED,
		                      "set: cannot find where the value starts; edit the file "
		                      "with veil edit instead");
	*h = after_props(y, k, drop);
	return 0;
}

static int only_blank_before(const char *src, size_t i, const char *also)
{
	for (size_t k = veil_doc__line_start(src, i); k < i; k++)
		if (src[k] != ' ' && src[k] != '\t' && !strchr(also, src[k]))
			return 0;
	return 1;
}

/* The separating space a value needs right after "key:" or "-". */
static int space_before(ylay *y, size_t a)
{
	if (a > 0 && !strchr(" \t\r\n[{,", y->src[a - 1]))
		return puts_(y, " ");
	return 0;
}

static int detach(char **out, size_t *out_len, ylay *y, size_t a1, size_t b1, size_t a2, size_t b2,
                  int first)
{
	/* first: the text replaces [a1, b1), else it goes at [a2, b2) */
	const char *t = (const char *)y->b.data;
	size_t n = y->b.len;

	return veil_doc__splice2(out, out_len, y->src, y->len, a1, b1, first ? t : "",
	                         first ? n : 0, a2, b2, first ? "" : t, first ? 0 : n);
}

/* The start of a tag ("!!str", "!vault") right before a, else a: a value of
 * another kind must not keep it. */
static size_t tag_before(const char *src, size_t a)
{
	size_t k = a, e;

	while (k > 0 && (src[k - 1] == ' ' || src[k - 1] == '\t'))
		k--;
	e = k;
	while (k > 0 && !strchr(" \t\r\n", src[k - 1]))
		k--;
	return k < e && src[k] == '!' ? k : a;
}

/* n is a scalar, an alias or a flow collection. */
static int replace_token(char **out, size_t *out_len, ylay *y, const veil_node *n,
                         const veil_doc_jvalue *jv)
{
	const veil_doc_jv *v = &jv->v[0];
	size_t a = n->span.start, b = n->span.end, e, a0;
	int error;

	if (n->kind == VEIL_NODE_MAP || n->kind == VEIL_NODE_SEQ)
		while (a < b && y->src[a] != '[' && y->src[a] != '{')
			a++; /* its anchor (and tag, if the kind stays) stay */
	if (v->kind != n->kind)
		a = tag_before(y->src, a);
	/* a flow collection stays flow, but an empty one ("key: {}") is a
	 * placeholder that takes the block style a scalar would */
	if (!veil_doc__jv_block(v) || n->parent->flow ||
	    (n->kind != VEIL_NODE_SCALAR && n->kind != VEIL_NODE_ALIAS && n->nitems)) {
		if ((error = space_before(y, a)) < 0 ||
		    (error = veil_doc__jv_block(v) ? emit_flow(y, jv, 0) : put_inline(y, v)) < 0)
			return error;
		return detach(out, out_len, y, a, b, b, b, 1);
	}
	e = veil_doc__line_end(y->src, y->len, b);
	if (n->parent->kind == VEIL_NODE_SEQ && only_blank_before(y->src, a, "-") &&
	    b + strspn(y->src + b, " \t") == e) {
		/* "- x" becomes "- a: 1\n  b: 2" */
		y->started = 1;
		if ((error = space_before(y, a)) < 0 ||
		    (error = emit_block(y, jv, 0, col_of(y->src, a), 1)) < 0)
			return error;
		return detach(out, out_len, y, a, e, e, e, 1);
	}
	/* "key: x # note" becomes "key: # note" and the value's lines below */
	for (a0 = a; a0 > 0 && (y->src[a0 - 1] == ' ' || y->src[a0 - 1] == '\t'); a0--)
		;
	y->started = 1;
	error = emit_block(
	        y, jv, 0,
	        n->parent->kind == VEIL_NODE_MAP
	                ? col_of(y->src, n->key_span.start) +
	                          (size_t)(v->kind == VEIL_NODE_SEQ ? y->seq_indent : y->step)
	                : col_of(y->src, a),
	        0);
	return error < 0 ? error : detach(out, out_len, y, a0, b, e, e, 0);
}

/* n is a block map or list: its lines (from its first item or full-line
 * comment to the end of its last line) go. */
static int replace_block(char **out, size_t *out_len, ylay *y, const veil_node *n,
                         const veil_doc_jvalue *jv)
{
	const veil_doc_jv *v = &jv->v[0];
	const veil_node *first = NULL;
	size_t s, e, indent, h = 0, drop = 0, r0, last = n->nitems;
	int error;

	/* full-line comments at the end, left of the items ("key:\n- a\n# c"
	 * at the key's column), are the parent's */
	while (last > 1 && n->parent->kind == VEIL_NODE_MAP &&
	       n->items[last - 1]->kind == VEIL_NODE_COMMENT &&
	       !n->items[last - 1]->inline_comment &&
	       col_of(y->src, n->items[last - 1]->span.start) <= col_of(y->src, n->key_span.start))
		last--;
	e = veil_doc__line_end(y->src, y->len, veil_doc__last_leaf_end(y->src, n->items[last - 1]));

	for (size_t i = 0; i < n->nitems && !first; i++)
		if (!(n->items[i]->kind == VEIL_NODE_COMMENT && n->items[i]->inline_comment &&
		      n->items[i]->span.start < n->span.start))
			first = n->items[i];
	s = first && first->kind == VEIL_NODE_COMMENT ? first->span.start : n->span.start;
	if (!only_blank_before(y->src, s, "")) {
		/* "- a: 1\n  b: 2": the new value starts where the old one did */
		y->started = 1;
		error = veil_doc__jv_block(v) ? emit_block(y, jv, 0, col_of(y->src, s), 1)
		                              : put_inline(y, v);
		return error < 0 ? error : detach(out, out_len, y, s, e, e, e, 1);
	}
	r0 = veil_doc__line_start(y->src, s);
	if (veil_doc__jv_block(v)) {
		indent = col_of(y->src, n->span.start);
		if (v->kind == VEIL_NODE_MAP && n->parent->kind == VEIL_NODE_MAP &&
		    indent <= col_of(y->src, n->key_span.start))
			indent = col_of(y->src, n->key_span.start) + (size_t)y->step;
		if ((error = emit_block(y, jv, 0, indent, 0)) < 0)
			return error;
		/* "key: !!map" over a list: the tag goes */
		if (v->kind == n->kind || head_point(y, n, &h, &drop) < 0 || drop == h || drop > r0)
			return detach(out, out_len, y, r0, e, e, e, 1);
		return veil_doc__splice2(out, out_len, y->src, y->len, h, drop, "", 0, r0, e,
		                         (const char *)y->b.data, y->b.len);
	}
	/* a scalar or an empty collection: after "key:" or "-", lines gone */
	if ((error = head_point(y, n, &h, &drop)) < 0 || (error = puts_(y, " ")) < 0 ||
	    (error = put_inline(y, v)) < 0)
		return error;
	if (r0 > 0 && y->src[r0 - 1] == '\n')
		r0--;
	if (r0 > 0 && y->src[r0 - 1] == '\r')
		r0--;
	if (r0 < drop)
		return veil_error_set(VEIL_EUNSUPPORTED, "set: unexpected layout around the value");
	return detach(out, out_len, y, h, drop, r0, e, 1);
}

int veil_doc__set_layout_yaml(char **out, size_t *out_len, const veil_doc *doc, const char *src,
                              size_t len, const veil_node *n, const veil_doc_jvalue *jv)
{
	ylay y = {
		.src = src, .len = len, .eol = "\n", .b = VEIL_BUF_INIT(8 * VEIL_DOC_SETJSON_MAX)
	};
	const char *nl = memchr(src, '\n', len);
	int error;

	*out = NULL;
	*out_len = 0;
	if (!n->parent || n->span.end > len || n->span.start > n->span.end)
		return veil_error_set(VEIL_EUNSUPPORTED, "set: the value's place is unknown");
	if (nl && nl > src && nl[-1] == '\r')
		y.eol = "\r\n";
	y.step = veil_doc_indent_step(doc) > 0 ? veil_doc_indent_step(doc) : 2;
	y.seq_indent = find_seq_indent(src, veil_doc_root(doc, 0), 0);
	if (y.seq_indent < 0)
		y.seq_indent = y.step;
	if ((n->kind == VEIL_NODE_MAP || n->kind == VEIL_NODE_SEQ) && !n->flow)
		error = replace_block(out, out_len, &y, n, jv);
	else
		error = replace_token(out, out_len, &y, n, jv);
	if (error == VEIL_ELIMIT) /* deep and wide: its indentation adds up */
		error = veil_error_set(VEIL_ELIMIT,
		                       "value: over %u bytes once laid out in the file",
		                       8 * VEIL_DOC_SETJSON_MAX);
	veil_buf_dispose(&y.b);
	return error;
}
