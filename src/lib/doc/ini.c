/*
 * INI codec, reading what gopkg.in/ini.v1 (sops's INI library) reads with its
 * default options: [section] headers (keys before the first one go to
 * DEFAULT), "key = value" or "key: value" with both sides trimmed, ';' and '#'
 * comment lines, an inline comment from the first ';' or '#' of an unquoted
 * value, surrounding "..." or '...' stripped, `...` and """...""" values
 * (the latter possibly over several lines). Repeated sections and keys,
 * which ini.v1 merges silently, are refused. Continuation lines and quoted
 * keys are refused rather than guessed.
 */
#include <stdlib.h>
#include <string.h>
#include "doc/codec.h"
#include "doc/flat.h"
#include "doc/internal.h"
#include "veil/error.h"
#include "util/array.h"

#define TQ "\"\"\""

typedef struct iscan {
	veil_doc *doc;
	const char *s;
	size_t len;
	unsigned int line;
	size_t line_start; /* offset of the current line, for columns */
	veil_node *root;
	veil_node *sec;      /* current section, NULL before any */
	veil_node **pending; /* comment lines not yet placed in a section */
	size_t npending;
	size_t cap_pending;
} iscan;

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static unsigned int col(const iscan *p, size_t at)
{
	return (unsigned int)(at - p->line_start + 1);
}

static int ierr(const iscan *p, size_t at, const char *what)
{
	return veil_doc__error_at(p->doc, VEIL_EFORMAT, p->line, col(p, at), "%s", what);
}

static size_t rtrim(const char *s, size_t from, size_t to)
{
	while (to > from && is_ws(s[to - 1]))
		to--;
	return to;
}

static size_t find_last(const char *s, size_t from, size_t to, const char *pat, size_t plen)
{
	size_t i = to;

	while (i >= from + plen) {
		if (!memcmp(s + i - plen, pat, plen))
			return i - plen;
		i--;
	}
	return (size_t)-1;
}

static void extend(veil_node *sec, size_t end)
{
	if (end > sec->span.end)
		sec->span.end = end;
}

static int new_section(iscan *p, size_t at, const char *name, size_t nlen, size_t name_at)
{
	veil_node *sec = veil_doc__node_new(p->doc, VEIL_NODE_MAP);
	int rc;

	if (!sec)
		return VEIL_ENOMEM;
	sec->span = (veil_span){ at, at, p->line, col(p, at) };
	sec->key_span = (veil_span){ name_at, name_at + nlen, p->line, col(p, name_at) };
	rc = veil_doc__node_set_key(sec, name, nlen);
	if (rc == 0)
		rc = veil_doc__node_append(p->root, sec);
	p->sec = sec;
	return rc;
}

/* Comments wait until the next key (their section) or header (the new one),
 * as ini.v1 attaches them. */
static int flush_pending(iscan *p)
{
	size_t i;
	int rc = 0;

	if (p->npending && !p->sec)
		rc = new_section(p, p->pending[0]->span.start, "DEFAULT", 7,
		                 p->pending[0]->span.start);
	for (i = 0; i < p->npending && rc == 0; i++) {
		rc = veil_doc__node_append(p->sec, p->pending[i]);
		extend(p->sec, p->pending[i]->span.end);
	}
	p->npending = 0;
	return rc;
}

/* A comment from at to end (the marker included); inline ones go straight
 * to the current section. */
static int comment(iscan *p, size_t at, size_t end, int inline_)
{
	veil_node *c = veil_doc__node_new(p->doc, VEIL_NODE_COMMENT);
	size_t v = at + 1;
	char marker = p->s[at];
	int rc;

	if (!c)
		return VEIL_ENOMEM;
	/* sops strips the marker and any following markers and spaces */
	while (v < end && (p->s[v] == marker || p->s[v] == ' '))
		v++;
	c->span = (veil_span){ at, end, p->line, col(p, at) };
	c->inline_comment = inline_;
	rc = veil_doc__node_set_value(c, p->s + v, end - v);
	if (rc < 0)
		return rc;
	if (inline_) {
		rc = veil_doc__node_append(p->sec, c);
		extend(p->sec, end);
		return rc;
	}
	if (p->npending == p->cap_pending) {
		veil_node **np =
		        veil_array_grow(p->pending, &p->cap_pending, p->npending + 1, sizeof(*np));

		if (!np)
			return VEIL_ENOMEM;
		p->pending = np;
	}
	p->pending[p->npending++] = c;
	return 0;
}

/* What may follow a closing bracket or quote: blanks, then a comment. */
static int tail(iscan *p, size_t at, size_t te)
{
	while (at < te && is_ws(p->s[at]))
		at++;
	if (at == te)
		return 0;
	if (p->s[at] != ';' && p->s[at] != '#')
		return ierr(p, at, "unexpected text after the closing quote or bracket");
	return comment(p, at, te, 1);
}

static int header(iscan *p, size_t ls, size_t te)
{
	size_t close = find_last(p->s, ls, te, "]", 1), a, b;
	int rc;

	if (close == (size_t)-1)
		return ierr(p, ls, "section header without ']'");
	a = ls + 1;
	while (a < close && is_ws(p->s[a]))
		a++;
	b = rtrim(p->s, a, close);
	if (a == b)
		return ierr(p, ls, "empty section name");
	/* comments above [sops] stay with the data before it: the metadata is
	 * appended after the file's last line, a trailing comment included */
	if (b - a == 4 && !memcmp(p->s + a, "sops", 4) && (rc = flush_pending(p)) < 0)
		return rc;
	rc = new_section(p, ls, p->s + a, b - a, a);
	if (rc == 0)
		rc = flush_pending(p);
	extend(p->sec, close + 1);
	return rc < 0 ? rc : tail(p, close + 1, te);
}

/* """...""" across lines: value from after the opening quotes through the
 * line break, then whole lines until one holds the closing quotes. */
static int multiline(iscan *p, veil_node *n, veil_buf *val, size_t v, size_t *pos_io)
{
	size_t eol = *pos_io, pos, start_line = p->line, start_ls = p->line_start;
	int rc = veil_buf_append(val, p->s + v + 3, eol - v - 3 + (eol < p->len));

	pos = eol + 1;
	while (rc == 0) {
		const char *nl;
		size_t e, q, te;

		if (pos >= p->len) {
			p->line = (unsigned int)start_line;
			p->line_start = start_ls;
			return ierr(p, v, "\"\"\" value without its closing \"\"\"");
		}
		p->line++;
		p->line_start = pos;
		nl = memchr(p->s + pos, '\n', p->len - pos);
		e = nl ? (size_t)(nl - p->s) : p->len;
		q = find_last(p->s, pos, e, TQ, 3);
		if (q != (size_t)-1) {
			rc = veil_buf_append(val, p->s + pos, q - pos);
			n->span.end = q + 3;
			te = rtrim(p->s, q + 3, e);
			*pos_io = e;
			return rc < 0 ? rc : tail(p, q + 3, te);
		}
		rc = veil_buf_append(val, p->s + pos, e - pos + (e < p->len));
		pos = e + 1;
	}
	return rc;
}

/* The value of a key line from v (first non-blank after the delimiter) to
 * te (end of the line without trailing blanks); *eol may move forward over
 * the lines of a multi-line value. */
static int value(iscan *p, veil_node *n, veil_buf *val, size_t v, size_t te, size_t *eol)
{
	const char *s = p->s;
	size_t q, i, end;

	n->style = VEIL_STYLE_PLAIN;
	n->span.start = v;
	n->span.col = col(p, v);
	/* ini.v1 looks for """ in the line with its blanks and line break */
	if (*eol - v + (*eol < p->len) > 3 && !memcmp(s + v, TQ, 3)) {
		n->style = VEIL_STYLE_DOUBLE;
		q = find_last(s, v + 3, te, TQ, 3);
		if (q == (size_t)-1)
			return multiline(p, n, val, v, eol);
		n->span.end = q + 3;
		return veil_buf_append(val, s + v + 3, q - v - 3) < 0 ? VEIL_ENOMEM
		                                                      : tail(p, q + 3, te);
	}
	if (te > v && s[v] == '`') {
		n->style = VEIL_STYLE_DOUBLE;
		q = find_last(s, v + 1, te, "`", 1);
		if (q == (size_t)-1)
			return ierr(p, v, "multi-line `...` values are not supported");
		n->span.end = q + 1;
		return veil_buf_append(val, s + v + 1, q - v - 1) < 0 ? VEIL_ENOMEM
		                                                      : tail(p, q + 1, te);
	}
	if (te > v && s[te - 1] == '\\')
		return ierr(p, te - 1, "continuation lines ('\\' at the end) are not supported");
	end = te;
	for (i = v; i < te; i++) {
		if (s[i] == ';' || s[i] == '#') {
			end = rtrim(s, v, i);
			break;
		}
	}
	n->span.end = end;
	if (end - v >= 2 && (s[v] == '"' || s[v] == '\'') && s[end - 1] == s[v] &&
	    !memchr(s + v + 1, s[v], end - v - 2)) {
		n->style = s[v] == '"' ? VEIL_STYLE_DOUBLE : VEIL_STYLE_SINGLE;
		if (veil_buf_append(val, s + v + 1, end - v - 2) < 0)
			return VEIL_ENOMEM;
	} else if (veil_buf_append(val, s + v, end - v) < 0) {
		return VEIL_ENOMEM;
	}
	return i < te ? comment(p, i, te, 1) : 0;
}

static int key_line(iscan *p, size_t ls, size_t te, size_t *eol)
{
	const char *s = p->s;
	veil_buf val = VEIL_BUF_INIT(VEIL_DOC_MAX_SIZE);
	veil_node *n;
	size_t d = ls, kend, v;
	int rc;

	while (d < te && s[d] != '=' && s[d] != ':')
		d++;
	if (d == te) /* never echo the line: it may be a secret */
		return ierr(p, ls, "expected 'key = value' (no '=' or ':' on the line)");
	if (s[ls] == '"' || s[ls] == '`')
		return ierr(p, ls, "quoted keys are not supported");
	kend = rtrim(s, ls, d);
	if (kend == ls)
		return ierr(p, ls, "empty key");
	rc = flush_pending(p);
	if (rc == 0 && !p->sec)
		rc = new_section(p, ls, "DEFAULT", 7, ls);
	n = rc == 0 ? veil_doc__node_new(p->doc, VEIL_NODE_SCALAR) : NULL;
	if (!n)
		return rc < 0 ? rc : VEIL_ENOMEM;
	n->type = VEIL_SCALAR_STR;
	n->key_span = (veil_span){ ls, kend, p->line, col(p, ls) };
	n->span.line = p->line;
	rc = veil_doc__node_set_key(n, s + ls, kend - ls);
	if (rc < 0)
		return rc;
	v = d + 1;
	while (v < te && is_ws(s[v]))
		v++;
	/* the node goes in before an inline comment that value() adds */
	rc = veil_doc__node_append(p->sec, n);
	if (rc == 0)
		rc = value(p, n, &val, v, te, eol);
	if (rc == 0)
		rc = veil_doc__node_set_value(n, val.data ? (char *)val.data : "", val.len);
	extend(p->sec, n->span.end);
	veil_buf_dispose(&val);
	return rc;
}

static int key_cmp(const void *a, const void *b)
{
	const veil_node *x = *(veil_node *const *)a, *y = *(veil_node *const *)b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->key_span.start < y->key_span.start ? -1 : 1;
}

/* ini.v1 merges a repeated section and lets a repeated key overwrite the
 * first; veil refuses both, so no value is ever dropped unseen. */
static int check_dups(veil_doc *doc, const veil_node *map, int sections)
{
	veil_node **v = malloc((map->nitems + 1) * sizeof(*v));
	size_t i, n = 0;
	int rc = 0;

	if (!v)
		return veil_error_oom();
	for (i = 0; i < map->nitems; i++)
		if (map->items[i]->kind != VEIL_NODE_COMMENT)
			v[n++] = map->items[i];
	qsort(v, n, sizeof(*v), key_cmp);
	for (i = 1; i < n && rc == 0; i++) {
		if (strcmp(v[i]->key, v[i - 1]->key))
			continue;
		if (sections)
			rc = veil_doc__error_at(doc, VEIL_EFORMAT, v[i]->span.line, v[i]->span.col,
			                        "section [%.64s] appears twice (first on line %u)",
			                        v[i]->key, v[i - 1]->span.line);
		else
			rc = veil_doc__error_at(doc, VEIL_EFORMAT, v[i]->key_span.line,
			                        v[i]->key_span.col,
			                        "duplicate key '%.64s' in section [%.64s] "
			                        "(first on line %u)",
			                        v[i]->key, map->key, v[i - 1]->key_span.line);
	}
	free(v);
	for (i = 0; sections && i < map->nitems && rc == 0; i++)
		rc = check_dups(doc, map->items[i], 0);
	return rc;
}

static int ini_line(iscan *p, size_t pos, size_t *eol)
{
	size_t ls = pos, te;

	p->line_start = pos;
	while (ls < *eol && is_ws(p->s[ls]))
		ls++;
	te = rtrim(p->s, ls, *eol);
	if (ls == te)
		return 0;
	if (p->s[ls] == ';' || p->s[ls] == '#')
		return comment(p, ls, te, 0);
	if (p->s[ls] == '[')
		return header(p, ls, te);
	return key_line(p, ls, te, eol);
}

/* The whole file is UTF-8 text without NUL bytes or carriage returns
 * inside lines (a CR only before its LF): values with any of these could
 * not be written back the way they read (found by fuzz_doc; a triple-quoted
 * value's later lines were never checked line by line). */
static int plain_text(const iscan *p)
{
	size_t valid = veil_doc__utf8_prefix(p->s, p->len), ls = 0;
	unsigned int line = 1;

	for (size_t i = 0; i < p->len; i++) {
		const char *why = i == valid        ? "invalid UTF-8"
		                  : p->s[i] == '\0' ? "a NUL byte in an INI file"
		                  : p->s[i] == '\r' && i + 1 < p->len && p->s[i + 1] != '\n'
		                          ? "a carriage return inside a line of an INI file"
		                          : NULL;

		if (why)
			return veil_doc__error_at(p->doc, VEIL_EFORMAT, line,
			                          (unsigned int)(i - ls + 1), "%s", why);
		if (p->s[i] == '\n') {
			line++;
			ls = i + 1;
		}
	}
	return 0;
}

static int ini_parse(veil_doc *doc)
{
	iscan p = { doc, doc->src, doc->src_len, 1, 0, NULL, NULL, NULL, 0, 0 };
	size_t pos = 0;
	int rc = 0;

	p.root = veil_doc__node_new(doc, VEIL_NODE_MAP);
	if (!p.root)
		return VEIL_ENOMEM;
	p.root->span = (veil_span){ 0, doc->src_len, 1, 1 };
	if ((rc = plain_text(&p)) < 0)
		return rc;
	while (pos < p.len && rc == 0) {
		const char *nl = memchr(p.s + pos, '\n', p.len - pos);
		size_t eol = nl ? (size_t)(nl - p.s) : p.len;

		rc = ini_line(&p, pos, &eol);
		pos = eol + 1;
		p.line++;
	}
	if (rc == 0)
		rc = flush_pending(&p);
	if (rc == 0)
		rc = check_dups(doc, p.root, 1);
	free(p.pending);
	return rc < 0 ? rc : veil_doc__single_root(doc, p.root);
}

/* ---- writing ---- */

/* The forms a value can take on its line, as ini.v1 and ini_parse read
 * them: bare, `...`, """...""" (the only one that can span lines), "..."
 * and '...' (outer quotes are stripped from a bare value). */
enum { Q_BARE, Q_TICK, Q_TRIPLE, Q_DQ, Q_SQ };

static int has_tq(const char *s, size_t len)
{
	for (size_t i = 0; i + 3 <= len; i++)
		if (s[i] == '"' && !memcmp(s + i, TQ, 3))
			return 1;
	return 0;
}

/* Can t (what follows a value on its line: blanks and a comment, or
 * nothing) stand after a value written in form how? The reader closes ` and
 * """ at the line's last one, and takes a line ending in '\' as continued
 * unless the value is quoted that way. */
static int tail_ok(int how, const char *t, size_t tlen)
{
	while (tlen > 0 && is_ws(t[tlen - 1]))
		tlen--;
	if (how == Q_TRIPLE)
		return !has_tq(t, tlen);
	if (how == Q_TICK)
		return !memchr(t, '`', tlen);
	return !(tlen > 0 && t[tlen - 1] == '\\');
}

/* Does value v written in form how, followed by t, read back as v? */
static int fits(int how, const char *v, size_t len, const char *t, size_t tlen)
{
	if (!tail_ok(how, t, tlen))
		return 0;
	if (how == Q_TRIPLE) {
		/* no """ before the last line: ini.v1 ends the value at the
		 * first line that holds one (a first line: one-line value) */
		for (size_t i = len; i-- > 0;)
			if (v[i] == '\n')
				return !has_tq(v, i);
		return 1;
	}
	if (memchr(v, '\n', len))
		return 0;
	if (how == Q_TICK)
		return 1;
	if (memchr(v, '#', len) || memchr(v, ';', len))
		return 0;
	if (how == Q_DQ || how == Q_SQ)
		return !memchr(v, how == Q_DQ ? '"' : '\'', len);
	if (!len)
		return 1;
	if (is_ws(v[0]) || is_ws(v[len - 1]) || v[0] == '`' || v[len - 1] == '\\' ||
	    (len >= 3 && !memcmp(v, TQ, 3)))
		return 0;
	return !(len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0] &&
	         !memchr(v + 1, v[0], len - 2));
}

/* The form ini.v1's writer picks (""" for line breaks and backticks, ` for
 * ';' and '#', "..." for outer blanks), or """ where a bare value would not
 * read back (a final '\', surrounding quotes, a leading """). */
static int ini_v1_form(const char *v, size_t len)
{
	if (memchr(v, '\n', len) || memchr(v, '`', len))
		return Q_TRIPLE;
	if (memchr(v, '#', len) || memchr(v, ';', len))
		return Q_TICK;
	if (len && (is_ws(v[0]) || is_ws(v[len - 1])))
		return memchr(v, '"', len) ? Q_TRIPLE : Q_DQ;
	return fits(Q_BARE, v, len, "", 0) ? Q_BARE : Q_TRIPLE;
}

/* Writes a value in form how (put_value's choice made). */
static int put_form(veil_buf *out, int how, const char *v, size_t len)
{
	static const char *const quote[] = { "", "`", TQ, "\"", "'" };
	int rc = veil_buf_append(out, quote[how], strlen(quote[how]));

	if (rc == 0)
		rc = veil_buf_append(out, v, len);
	return rc < 0 ? rc : veil_buf_append(out, quote[how], strlen(quote[how]));
}

/* A value as ini.v1 writes it when that reads back with t after it on the
 * line, else the first other form that does. Refused, with what stands in
 * the way: a carriage return not before a line feed (ini_parse refuses
 * those), and """ on a line of a multi-line value other than its last, or
 * a comment after it that closes every form. */
static int put_value(veil_buf *out, const char *v, size_t len, const char *t, size_t tlen)
{
	static const int order[] = { Q_BARE, Q_TICK, Q_TRIPLE, Q_DQ, Q_SQ };
	const char *cr = memchr(v, '\r', len);
	int how = ini_v1_form(v, len);
	size_t i;

	if (veil_doc__utf8_prefix(v, len) != len)
		return veil_error_set(VEIL_EFORMAT,
		                      "a value is not valid UTF-8, which veil's INI "
		                      "files cannot hold (YAML writes it as !!binary)");
	for (; cr; cr = memchr(cr + 1, '\r', len - (size_t)(cr + 1 - v)))
		if (cr + 1 == v + len || cr[1] != '\n')
			return veil_error_set(VEIL_EINVAL, "an INI value cannot hold a carriage "
			                                   "return other than before a line feed");
	for (i = 0; !fits(how, v, len, t, tlen) && i < sizeof(order) / sizeof(*order); i++)
		how = order[i];
	if (!fits(how, v, len, t, tlen)) {
		if (memchr(v, '\n', len) && tail_ok(Q_TRIPLE, t, tlen))
			return veil_error_set(
			        VEIL_EINVAL,
			        "an INI value with line breaks cannot "
			        "hold \"\"\" before its last line (ini.v1, which sops reads INI "
			        "with, ends the value there)");
		return veil_error_set(
		        VEIL_EINVAL,
		        "an INI value cannot be written before the "
		        "comment on its line: the comment holds the closing quote of every form "
		        "the value could take");
	}
	return put_form(out, how, v, len);
}

/* The pending edit of node, if any (edits are sorted by start). */
static const veil_doc_edit *edit_of(const veil_doc *doc, const veil_node *node)
{
	size_t lo = 0, hi = doc->nedits;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (doc->edits[mid].start < node->span.start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < doc->nedits && doc->edits[lo].start == node->span.start; lo++)
		if (doc->edits[lo].node == node)
			return &doc->edits[lo];
	return NULL;
}

/* What follows from on its line, with the pending edits of other nodes
 * there applied (a comment set before the value it follows). */
static int line_rest(veil_buf *t, const veil_doc *doc, const veil_node *node, size_t from)
{
	const char *nl = memchr(doc->src + from, '\n', doc->src_len - from);
	size_t eol = nl ? (size_t)(nl - doc->src) : doc->src_len, pos = from, lo = 0, hi;
	int rc = 0;

	for (hi = doc->nedits; lo < hi;) {
		size_t mid = lo + (hi - lo) / 2;

		if (doc->edits[mid].start < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; rc == 0 && lo < doc->nedits && doc->edits[lo].end <= eol; lo++) {
		const veil_doc_edit *e = &doc->edits[lo];

		if (e->node == node || e->start < pos)
			continue;
		rc = veil_buf_append(t, doc->src + pos, e->start - pos);
		if (rc == 0)
			rc = veil_buf_append(t, e->text, e->text_len);
		pos = e->end;
	}
	return rc < 0 ? rc : veil_buf_append(t, doc->src + pos, eol - pos);
}

/* The value an inline comment follows on its line, or NULL. */
static const veil_node *value_before(const veil_doc *doc, const veil_node *c)
{
	const veil_node *sec = c->parent, *v;
	size_t lo = 0, hi = sec ? sec->nitems : 0, p;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sec->items[mid]->span.start < c->span.start)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || lo >= sec->nitems || sec->items[lo] != c)
		return NULL;
	v = sec->items[lo - 1];
	if (v->kind != VEIL_NODE_SCALAR || v->span.end > c->span.start)
		return NULL;
	for (p = v->span.end; p < c->span.start; p++)
		if (!is_ws(doc->src[p]))
			return NULL;
	return v;
}

/* A new inline comment must not undo the quoting of the value before it. */
static int comment_fits(const veil_doc *doc, const veil_node *c, const char *text, size_t len)
{
	const veil_node *v = value_before(doc, c);
	const veil_doc_edit *e = v ? edit_of(doc, v) : NULL;
	const char *q = e ? e->text : v ? doc->src + v->span.start : NULL;
	size_t qlen = e ? e->text_len : v ? v->span.end - v->span.start : 0;
	int how = Q_BARE;

	if (!v)
		return 1;
	if (qlen > 3 && !memcmp(q, TQ, 3))
		how = Q_TRIPLE;
	else if (qlen && q[0] == '`')
		how = Q_TICK;
	return tail_ok(how, text, len);
}

/* Is comment c on the line of its section's header ("[a] ; note")? An
 * implicit DEFAULT section starts at its first key or comment instead. */
static int after_header(const veil_doc *doc, const veil_node *c)
{
	const veil_node *sec = c->parent;

	return c->inline_comment && sec && sec->kind == VEIL_NODE_MAP &&
	       doc->src[sec->span.start] == '[' && sec->span.line == c->span.line;
}

/* ini.v1 ends a header at its line's last ']', so a comment after it that
 * takes one (every ENC[...] value does) moves to a line of its own just
 * above the header, where ini.v1 (and so sops) writes section comments;
 * it stays the section's first item. */
static int comment_above_header(veil_buf *out, size_t *start, const veil_doc *doc,
                                const veil_node *c, const char *value, size_t len)
{
	const char *s = doc->src, *eol = "\n";
	size_t h = c->parent->span.start, ls = h, gap = c->span.start, e = c->span.end;
	size_t prefix = c->span.end - c->span.start - c->value_len;
	int rc;

	while (ls > 0 && s[ls - 1] != '\n')
		ls--;
	while (gap > h && is_ws(s[gap - 1]))
		gap--;
	for (; e < doc->src_len && s[e] != '\n'; e++)
		if (s[e] == '\r')
			eol = "\r\n";
	rc = veil_buf_append(out, s + ls, h - ls);
	if (rc == 0)
		rc = veil_buf_append(out, s + c->span.start, prefix);
	if (rc == 0)
		rc = veil_buf_append(out, value, len);
	if (rc == 0)
		rc = veil_buf_append(out, eol, strlen(eol));
	if (rc == 0)
		rc = veil_buf_append(out, s + ls, gap - ls);
	*start = ls;
	return rc;
}

/* The comment c is about to become text, which would close the quote of
 * the value before it: that value was written first (decryption goes in
 * document order, not knowing the comment's plaintext), so its pending
 * edit takes another form, one that reads back both with the comment now
 * there and with text. 0 when done, VEIL_EINVAL when no form fits. */
static int requote_before(const veil_doc *doc, const veil_node *c, const char *text, size_t len)
{
	static const int order[] = { Q_BARE, Q_TICK, Q_TRIPLE, Q_DQ, Q_SQ };
	const veil_node *v = value_before(doc, c);
	veil_doc_edit *e = v ? (veil_doc_edit *)edit_of(doc, v) : NULL;
	veil_buf now = VEIL_BUF_INIT(VEIL_DOC_MAX_SIZE), next = VEIL_BUF_INIT(VEIL_DOC_MAX_SIZE);
	veil_buf q = VEIL_BUF_INIT(VEIL_DOC_MAX_SIZE);
	size_t prefix = c->span.end - c->span.start - c->value_len, i;
	int rc = VEIL_EINVAL, how = -1;
	char *t;

	if (!e || !e->want)
		goto done;
	if (line_rest(&now, doc, v, v->span.end) < 0 ||
	    veil_buf_append(&next, doc->src + v->span.end, c->span.start - v->span.end) < 0 ||
	    veil_buf_append(&next, doc->src + c->span.start, prefix) < 0 ||
	    veil_buf_append(&next, text, len) < 0) {
		rc = VEIL_ENOMEM;
		goto done;
	}
	for (i = 0; i < sizeof(order) / sizeof(*order) && how < 0; i++)
		if (fits(order[i], e->want, e->want_len, (char *)now.data, now.len) &&
		    fits(order[i], e->want, e->want_len, (char *)next.data, next.len))
			how = order[i];
	if (how < 0)
		goto done;
	rc = put_form(&q, how, e->want, e->want_len);
	t = rc == 0 ? veil_doc__arena_dup((veil_doc *)doc, (char *)q.data, q.len) : NULL;
	if (!t) {
		rc = rc < 0 ? rc : VEIL_ENOMEM;
		goto done;
	}
	/* the old text stays in the arena, wiped with the document */
	e->text = t;
	e->text_len = q.len;
done:
	veil_buf_dispose(&now);
	veil_buf_dispose(&next);
	veil_buf_dispose(&q);
	return rc;
}

static int ini_quote(veil_buf *out, size_t *start, size_t *end, const veil_doc *doc,
                     const veil_node *node, const char *value, size_t len, veil_scalar_type type)
{
	veil_buf t = VEIL_BUF_INIT(VEIL_DOC_MAX_SIZE);
	int rc;

	(void)type; /* every INI value is a string */
	if (node->kind == VEIL_NODE_COMMENT) {
		size_t prefix = node->span.end - node->span.start - node->value_len;

		if (memchr(value, '\n', len) || memchr(value, '\r', len))
			return veil_error_set(VEIL_EINVAL, "an INI comment cannot span lines");
		if (after_header(doc, node) && memchr(value, ']', len))
			return comment_above_header(out, start, doc, node, value, len);
		if (node->inline_comment && !comment_fits(doc, node, value, len) &&
		    requote_before(doc, node, value, len) < 0)
			return veil_error_set(
			        VEIL_EINVAL,
			        "%s:%u: the comment would hold the "
			        "closing quote of the value before it (or end its line with '\\')",
			        doc->name, node->span.line);
		if (veil_buf_append(out, doc->src + *start, prefix) < 0)
			return VEIL_ENOMEM;
		return veil_buf_append(out, value, len);
	}
	rc = line_rest(&t, doc, node, *end);
	if (rc == 0)
		rc = put_value(out, value, len, t.data ? (char *)t.data : "", t.len);
	veil_buf_dispose(&t);
	return rc;
}

/* One section's "key = value" lines with '=' aligned, as ini.v1's pretty
 * format; values pass through enc (newline escaping) when given. */
static int put_keys(veil_buf *out, const veil_node *sec, int escape_newlines, int final_nl)
{
	size_t i, w = 0, n = 0;
	int rc = 0;

	for (i = 0; i < sec->nitems; i++)
		if (sec->items[i]->kind == VEIL_NODE_SCALAR && sec->items[i]->key_len > w)
			w = sec->items[i]->key_len;
	for (i = 0; i < sec->nitems && rc == 0; i++) {
		const veil_node *it = sec->items[i];
		veil_buf e = VEIL_BUF_INIT(VEIL_DOC_MAX_SIZE);

		if (n++ && !final_nl)
			rc = veil_buf_putc(out, '\n');
		if (rc == 0 && it->kind == VEIL_NODE_COMMENT) {
			rc = veil_buf_printf(out, "; %s", it->value ? it->value : "");
		} else if (rc == 0 && it->kind == VEIL_NODE_SCALAR) {
			rc = veil_buf_printf(out, "%s%*s = ", it->key, (int)(w - it->key_len), "");
			if (rc == 0 && escape_newlines)
				rc = veil_doc__encode_newlines(&e, it->value, it->value_len);
			else if (rc == 0)
				rc = veil_buf_append(&e, it->value ? it->value : "", it->value_len);
			if (rc == 0)
				rc = put_value(out, e.data ? (char *)e.data : "", e.len, "", 0);
		} else if (rc == 0) {
			rc = veil_error_set(VEIL_EINVAL,
			                    "INI sections hold only strings, not "
			                    "nested values ('%.64s')",
			                    it->key ? it->key : "");
		}
		veil_buf_dispose(&e);
		if (rc == 0 && final_nl)
			rc = veil_buf_putc(out, '\n');
	}
	return rc;
}

static int ini_emit(veil_buf *out, veil_node *const *roots, size_t nroots, int indent)
{
	const veil_node *root;
	size_t i;
	int rc = 0;

	(void)indent;
	if (nroots != 1 || !roots[0] || roots[0]->kind != VEIL_NODE_MAP)
		return veil_error_set(VEIL_EINVAL, "INI output needs exactly one map");
	root = roots[0];
	for (i = 0; i < root->nitems && rc == 0; i++) {
		const veil_node *sec = root->items[i];

		if (sec->kind == VEIL_NODE_COMMENT)
			continue;
		if (sec->kind != VEIL_NODE_MAP)
			return veil_error_set(VEIL_EINVAL,
			                      "INI output needs sections at the top "
			                      "level ('%.64s' is not one)",
			                      sec->key ? sec->key : "");
		if (out->len)
			rc = veil_buf_putc(out, '\n');
		if (rc == 0 && !(i == 0 && !strcmp(sec->key, "DEFAULT")))
			rc = veil_buf_printf(out, "[%s]\n", sec->key);
		if (rc == 0)
			rc = put_keys(out, sec, 0, 1);
	}
	return rc;
}

/* ---- metadata ---- */

static veil_node *ini_metadata(const veil_doc *doc)
{
	const veil_node *sec = doc->nroots ? veil_node_get(doc->roots[0], "sops") : NULL;
	veil_flat_entry *e;
	veil_node *tree = NULL;
	size_t i, n = 0;
	int rc = 0;

	if (!sec || sec->kind != VEIL_NODE_MAP)
		return NULL;
	e = calloc(sec->nitems + 1, sizeof(*e));
	if (!e) {
		veil_error_oom();
		return NULL;
	}
	/* 3.13.2 escapes line breaks as \n; 3.13.0/1 wrote """...""" blocks,
	 * which the parser has already joined */
	for (i = 0; i < sec->nitems && rc == 0; i++) {
		const veil_node *it = sec->items[i];

		if (it->kind != VEIL_NODE_SCALAR)
			continue;
		e[n].key = strdup(it->key);
		if (!e[n].key)
			rc = veil_error_oom();
		else
			rc = veil_doc__decode_newlines(&e[n].value, &e[n].value_len, it->value,
			                               it->value_len);
		n++;
	}
	if (rc == 0 && veil_doc__unflatten(&tree, (veil_doc *)doc, e, n) < 0)
		tree = NULL;
	veil_doc__flat_free(e, n);
	return rc < 0 ? NULL : tree;
}

/* The end of a section's last line (without its line break). */
static size_t section_end(const veil_node *sec)
{
	size_t i, end = sec->span.end;

	for (i = 0; i < sec->nitems; i++)
		if (sec->items[i]->span.end > end)
			end = sec->items[i]->span.end;
	return end;
}

/* After the last byte that is not blank before at; *nl_after is the offset
 * just past the first line break that follows it, or (size_t)-1. */
static size_t content_end(const veil_doc *doc, size_t at, size_t *nl_after)
{
	size_t q = at, r;

	while (q > 0 && (is_ws(doc->src[q - 1]) || doc->src[q - 1] == '\n'))
		q--;
	r = q;
	while (r < doc->src_len && is_ws(doc->src[r]))
		r++;
	*nl_after = r < doc->src_len && doc->src[r] == '\n' ? r + 1 : (size_t)-1;
	return q;
}

static int ini_set_metadata(veil_doc *doc, const veil_node *meta)
{
	veil_buf t = VEIL_BUF_INIT(VEIL_DOC_MAX_SIZE);
	veil_flat_entry *e = NULL;
	veil_node *flat = NULL, *old;
	size_t i, n = 0, at, end, q, nl;
	int rc, final_nl = 1;

	if (doc->nroots < 1 || !doc->roots[0])
		return veil_error_set(VEIL_EINVAL, "no INI document to add metadata to");
	rc = veil_doc__flatten(&e, &n, meta);
	if (rc < 0)
		goto done;
	flat = veil_doc__node_new(doc, VEIL_NODE_MAP);
	if (!flat) {
		rc = VEIL_ENOMEM;
		goto done;
	}
	for (i = 0; i < n && rc == 0; i++) {
		veil_node *s =
		        veil_doc_build_scalar(doc, e[i].value, e[i].value_len, VEIL_SCALAR_STR);

		rc = s ? veil_doc_add_item(flat, e[i].key, s) : VEIL_ENOMEM;
	}
	if (rc < 0)
		goto done;
	old = veil_node_get(doc->roots[0], "sops");
	if (old) {
		at = old->span.start;
		end = section_end(old);
		final_nl = 0;
		rc = veil_buf_append(&t, "[sops]\n", 7);
	} else {
		/* a blank line, then the section; without a final line break when
		 * the file had none, so removing it restores the file exactly */
		q = content_end(doc, doc->src_len, &nl);
		end = at = q == 0 ? 0 : nl != (size_t)-1 ? nl : q;
		final_nl = q == 0 || nl != (size_t)-1;
		rc = veil_buf_append(&t,
		                     q == 0     ? ""
		                     : final_nl ? "\n"
		                                : "\n\n",
		                     q == 0     ? 0
		                     : final_nl ? 1
		                                : 2);
		if (rc == 0)
			rc = veil_buf_append(&t, "[sops]\n", 7);
	}
	if (rc == 0)
		rc = put_keys(&t, flat, 1, final_nl);
	if (rc == 0)
		rc = veil_doc__edit_add(doc, at, end, (const char *)t.data, t.len, NULL, NULL, 0,
		                        0);
done:
	veil_doc__flat_free(e, n);
	veil_buf_dispose(&t);
	return rc;
}

static int ini_remove_metadata(veil_doc *doc)
{
	veil_node *sec = doc->nroots ? veil_node_get(doc->roots[0], "sops") : NULL;
	size_t start, end, nl, nl_end;

	if (!sec)
		return 0;
	end = section_end(sec);
	start = content_end(doc, sec->span.start, &nl);
	(void)content_end(doc, end, &nl_end);
	if (nl_end != (size_t)-1) {
		/* keep the line break of the line before; take the section's own */
		end = nl_end;
		if (start > 0)
			start = nl != (size_t)-1 ? nl : start;
	}
	return veil_doc__edit_add(doc, start, end, "", 0, NULL, NULL, 0, 0);
}

const veil_codec veil_codec__ini = {
	ini_parse, ini_quote, ini_metadata, ini_set_metadata, ini_remove_metadata, ini_emit,
	NULL,      NULL,      NULL,
};
