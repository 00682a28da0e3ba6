/* The text that replaces a YAML scalar or comment: plain when it reads back
 * as the same value and type, a literal block for multi-line strings in
 * block context, double-quoted otherwise. render() re-parses and checks, so
 * these rules only need to be safe, not minimal. */
#include <stdio.h>
#include <string.h>
#include "doc/internal.h"
#include "doc/yaml.h"

/* Length of the UTF-8 character at s[i] that YAML may hold as printable
 * text, 0 if invalid or not printable (C0/C1 controls except tab, DEL, NEL,
 * LS, PS, BOM, U+FFFE/FFFF, surrogates, overlongs). Line feed is the
 * caller's business. */
static size_t printable_at(const unsigned char *s, size_t len, size_t i)
{
	unsigned char c = s[i];
	unsigned int cp;
	size_t n, k;

	if (c < 0x80)
		return (c >= 0x20 && c != 0x7F) || c == '\t' ? 1 : 0;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (i + n > len)
		return 0;
	for (k = 1; k < n; k++) {
		if ((s[i + k] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i + k] & 0x3F);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	if (cp < 0xA0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0x2028 || cp == 0x2029 ||
	    cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF)
		return 0;
	return n;
}

/* YAML 1.1 reads these plain words as booleans. go-yaml v3 (sops) quotes
 * them, and so must veil: Kubernetes' YAML reader is 1.1, and a ConfigMap
 * value "yes" written plain comes back as true. */
static int old_bool(const char *s, size_t len)
{
	static const char *const words[] = { "y",  "Y",  "yes", "Yes", "YES", "n",   "N",   "no",
		                             "No", "NO", "on",  "On",  "ON",  "off", "Off", "OFF" };

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i]) == len && !memcmp(words[i], s, len))
			return 1;
	return 0;
}

/* A YAML 1.1 base-60 number ("1:20", "-190:20:30.15"), also quoted by
 * go-yaml v3: [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)? */
static int base60(const char *s, size_t len)
{
	size_t i = len && (s[0] == '-' || s[0] == '+');
	int groups = 0;

	if (i >= len || s[i] < '0' || s[i] > '9')
		return 0;
	while (i < len && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
		i++;
	while (i < len && s[i] == ':') {
		size_t d = ++i;

		while (i < len && i - d < 2 && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == d || (i - d == 2 && s[d] > '5'))
			return 0;
		groups++;
	}
	if (groups && i < len && s[i] == '.')
		for (i++; i < len && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'); i++)
			;
	return groups && i == len;
}

int veil_yaml__plain_ok(const char *str, size_t len, int flow)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i, n;

	if (!len || strchr("#,[]{}&*!|>'\"%@`?:", s[0]) || s[0] == ' ' || s[0] == '\t')
		return 0;
	if (old_bool(str, len) || base60(str, len))
		return 0;
	/* plain << is the merge key and plain = YAML 1.1's value key */
	if ((len == 2 && !memcmp(str, "<<", 2)) || (len == 1 && str[0] == '='))
		return 0;
	if (s[0] == '-' && (len == 1 || s[1] == ' ' || s[1] == '\t'))
		return 0;
	if (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == ':')
		return 0;
	for (i = 0; i < len; i += n) {
		/* most bytes of a value are letters and digits: decide those
		 * without the UTF-8 decoder or the indicator checks */
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9')) {
			n = 1;
			continue;
		}
		n = printable_at(s, len, i);
		/* YAML 1.2 allows a tab inside a plain scalar, but PyYAML (so
		 * Ansible's community.sops) cannot read one back */
		if (!n || s[i] == '\t')
			return 0;
		if (s[i] == ':' && (flow || s[i + 1] == ' ' || s[i + 1] == '\t'))
			return 0;
		if (s[i] == '#' && (s[i - 1] == ' ' || s[i - 1] == '\t'))
			return 0;
		if (flow && strchr(",[]{}", s[i]))
			return 0;
	}
	return 1;
}

int veil_yaml__double_quote(veil_buf *out, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	int error = veil_buf_putc(out, '"');

	while (!error && i < len) {
		unsigned char c = s[i];
		size_t n = printable_at(s, len, i);

		if (c == '"' || c == '\\') {
			error = veil_buf_putc(out, '\\');
			if (!error)
				error = veil_buf_putc(out, c);
			i++;
		} else if (c == '\n') {
			error = veil_buf_append(out, "\\n", 2);
			i++;
		} else if (c == '\t') {
			error = veil_buf_append(out, "\\t", 2);
			i++;
		} else if (c == '\r') {
			error = veil_buf_append(out, "\\r", 2);
			i++;
		} else if (c < 0x80 && !n) {
			error = veil_buf_printf(out, "\\x%02X", c);
			i++;
		} else if (n) {
			error = veil_buf_append(out, s + i, n);
			i += n;
		} else {
			/* Valid UTF-8 but not printable: escape the code point. */
			unsigned int cp;
			size_t w, k;

			if (c >= 0xC2 && c <= 0xDF)
				w = 2, cp = c & 0x1F;
			else if (c >= 0xE0 && c <= 0xEF)
				w = 3, cp = c & 0x0F;
			else if (c >= 0xF0 && c <= 0xF4)
				w = 4, cp = c & 0x07;
			else
				return veil_error_set(VEIL_EFORMAT, "a value is not valid UTF-8");
			if (i + w > len)
				return veil_error_set(VEIL_EFORMAT, "a value is not valid UTF-8");
			for (k = 1; k < w; k++) {
				if ((s[i + k] & 0xC0) != 0x80)
					return veil_error_set(VEIL_EFORMAT,
					                      "a value is not valid UTF-8");
				cp = (cp << 6) | (s[i + k] & 0x3F);
			}
			if (cp >= 0xD800 && cp <= 0xDFFF)
				return veil_error_set(VEIL_EFORMAT, "a value is not valid UTF-8");
			error = veil_buf_printf(out, cp > 0xFFFF ? "\\U%08X" : "\\u%04X", cp);
			i += w;
		}
	}
	if (!error)
		error = veil_buf_putc(out, '"');
	return error;
}

int veil_yaml__block_ok(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, n, line_start = 0;
	int has_break = 0, has_text = 0, line_text = 0;

	while (i < len) {
		if (s[i] == '\n') {
			/* A line of blanks only would be read as indentation. */
			if (i > line_start && !line_text)
				return 0;
			has_break = 1;
			line_start = ++i;
			line_text = 0;
			continue;
		}
		n = printable_at(s, len, i);
		if (!n)
			return 0;
		if (s[i] != ' ' && s[i] != '\t')
			line_text = has_text = 1;
		i += n;
	}
	if (len > line_start && !line_text)
		return 0;
	return has_break && has_text;
}

int veil_yaml__literal_block(veil_buf *out, const char *s, size_t len, size_t base, size_t indent,
                             const char *eol, size_t *trailing)
{
	size_t k = 0, body, i, first;
	int error;

	while (k < len && s[len - 1 - k] == '\n')
		k++;
	body = len - k;
	for (first = 0; first < body && s[first] == '\n'; first++)
		;
	error = veil_buf_putc(out, '|');
	if (!error && first < body && s[first] == ' ')
		error = veil_buf_printf(out, "%zu", indent - base);
	if (!error && k != 1)
		error = veil_buf_putc(out, k == 0 ? '-' : '+');
	for (i = 0; !error && i <= body;) {
		const char *nl = memchr(s + i, '\n', body - i);
		size_t end = nl ? (size_t)(nl - s) : body;

		error = veil_buf_append(out, eol, strlen(eol));
		if (!error && end > i) {
			size_t j;

			for (j = 0; !error && j < indent; j++)
				error = veil_buf_putc(out, ' ');
			if (!error)
				error = veil_buf_append(out, s + i, end - i);
		}
		i = end + 1;
	}
	*trailing = k;
	return error;
}

/* A typed value's YAML spelling: sops's plaintext forms ("True", "+Inf",
 * "3" for a float) become what go-yaml reads back as that type. */
static const char *typed_spelling(const char *s, size_t len, veil_scalar_type type, char *tmp,
                                  size_t cap, size_t *out_len)
{
	*out_len = len;
	if (type == VEIL_SCALAR_NULL && len == 0) {
		*out_len = 4;
		return "null";
	}
	if (veil_doc__resolve_plain(s, len) == type)
		return s;
	if (type == VEIL_SCALAR_FLOAT) {
		static const char *const map[][2] = { { "+Inf", ".inf" },  { "Inf", ".inf" },
			                              { "-Inf", "-.inf" }, { "NaN", ".nan" },
			                              { "+inf", ".inf" },  { "-inf", "-.inf" },
			                              { "nan", ".nan" },   { "inf", ".inf" } };
		size_t i;

		for (i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
			if (strlen(map[i][0]) == len && memcmp(map[i][0], s, len) == 0) {
				*out_len = strlen(map[i][1]);
				return map[i][1];
			}
		}
		if (veil_doc__resolve_plain(s, len) == VEIL_SCALAR_INT && len + 3 < cap) {
			memcpy(tmp, s, len);
			memcpy(tmp + len, ".0", 3);
			*out_len = len + 2;
			if (veil_doc__resolve_plain(tmp, len + 2) == VEIL_SCALAR_FLOAT)
				return tmp;
		}
	} else if (type == VEIL_SCALAR_BOOL && len == 1) {
		if (strchr("1tT", s[0])) {
			*out_len = 4;
			return "true";
		}
		if (strchr("0fF", s[0])) {
			*out_len = 5;
			return "false";
		}
	} else if (type == VEIL_SCALAR_NULL) {
		*out_len = 4;
		return "null";
	}
	return NULL;
}

int veil_yaml__scalar_text(veil_buf *out, const char *s, size_t len, veil_scalar_type type,
                           int flow)
{
	char tmp[96];
	const char *t;
	size_t tlen;

	if (type == VEIL_SCALAR_STR && veil_yaml__needs_binary(s, len))
		return veil_yaml__binary_text(out, s, len); /* as go-yaml writes it */
	if (type != VEIL_SCALAR_STR) {
		t = typed_spelling(s, len, type, tmp, sizeof(tmp), &tlen);
		if (!t || !veil_yaml__plain_ok(t, tlen, flow))
			return veil_error_set(VEIL_EINVAL, "a value cannot be written as its type");
		return veil_buf_append(out, t, tlen);
	}
	if (veil_doc__resolve_plain(s, len) == VEIL_SCALAR_STR && veil_yaml__plain_ok(s, len, flow))
		return veil_buf_append(out, s, len);
	return veil_yaml__double_quote(out, s, len);
}

static size_t col_of(const char *src, size_t pos)
{
	size_t ls = pos;

	while (ls > 0 && src[ls - 1] != '\n' && src[ls - 1] != '\r')
		ls--;
	return pos - ls;
}

/* The indentation of the collection that holds node (its keys' column or
 * its "-" column): a block scalar's content must go deeper. */
static size_t parent_indent(const veil_doc *doc, const veil_node *node)
{
	const char *src = doc->src;
	size_t p = node->span.start;

	if (node->key)
		return node->key_span.col - 1;
	while (p > 0 && (src[p - 1] == ' ' || src[p - 1] == '\t'))
		p--;
	if (p > 0 && src[p - 1] == '-')
		return col_of(src, p - 1);
	return col_of(src, node->span.start);
}

/* Content indentation of an existing block scalar, 0 if unknown. */
static size_t block_indent(const veil_doc *doc, const veil_node *node)
{
	const char *src = doc->src;
	size_t p = node->span.start, n;

	if (node->style != VEIL_STYLE_LITERAL && node->style != VEIL_STYLE_FOLDED)
		return 0;
	while (p < node->span.end && src[p] != '\n')
		p++;
	while (p < node->span.end) {
		p++;
		for (n = 0; p + n < node->span.end && src[p + n] == ' '; n++)
			;
		if (p + n < node->span.end && src[p + n] != '\n' && src[p + n] != '\r')
			return n;
		p += n;
		while (p < node->span.end && src[p] != '\n')
			p++;
	}
	return 0;
}

/* A literal block whose first line starts with a space needs an
 * indentation indicator, relative to the parent's indentation. */
static int needs_indicator(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && s[i] == '\n')
		i++;
	return i < len && s[i] == ' ';
}

/* Is the parent's indentation plain to see: only spaces and "- " before the
 * key (or dash) on its line? Properties or odd layouts there make libyaml's
 * idea of it differ from the column. */
static int clean_prefix(const veil_doc *doc, const veil_node *node)
{
	size_t p = node->key ? node->key_span.start : node->span.start;

	while (p > 0 && doc->src[p - 1] != '\n' && doc->src[p - 1] != '\r') {
		if (doc->src[p - 1] != ' ' && doc->src[p - 1] != '-')
			return 0;
		p--;
	}
	return 1;
}

static size_t break_len(const char *src, size_t n, size_t p)
{
	return src[p] == '\r' && p + 1 < n && src[p + 1] == '\n' ? 2 : 1;
}

/* The line breaks after a block written in place of a value, from *end on.
 * Blanks there would end its last content line, and lines of blanks only
 * after it would be read as its own (keep chomping takes their breaks;
 * blanks deeper than its indentation are content): they are rewritten,
 * and *end moves over them. */
static int block_tail(veil_buf *out, size_t *end, const veil_doc *doc, size_t indent,
                      size_t trailing, const char *eol)
{
	const char *src = doc->src;
	size_t n = doc->src_len, q = *end, x, b, p, breaks = 0, i;
	int error = 0;

	while (q < n && (src[q] == ' ' || src[q] == '\t'))
		q++;
	/* x: where the source resumes, at the break before the next content
	 * line, or at the end when only blanks follow */
	x = q;
	for (b = q; b < n && (src[b] == '\n' || src[b] == '\r');) {
		size_t r = b + break_len(src, n, b);

		while (r < n && (src[r] == ' ' || src[r] == '\t'))
			r++;
		if (r < n && (src[r] == '\n' || src[r] == '\r')) {
			b = r;
			continue;
		}
		x = r >= n && r > b + break_len(src, n, b) ? n : b;
		break;
	}
	*end = x;
	if (trailing >= 2) {
		for (i = x < n; !error && i < trailing; i++)
			error = veil_buf_append(out, eol, strlen(eol));
		return error;
	}
	/* clip and strip: the breaks stay; a blank line keeps its blanks if
	 * they are spaces no deeper than the indentation */
	for (p = q; !error && p < x; breaks++) {
		size_t r = p + break_len(src, n, p), e = r, sp = 0;

		error = veil_buf_append(out, src + p, r - p);
		while (e < x && (src[e] == ' ' || src[e] == '\t'))
			sp += src[e++] == ' ';
		if (!error && sp == e - r && sp <= indent)
			error = veil_buf_append(out, src + r, e - r);
		p = e;
	}
	if (!error && trailing == 1 && !breaks && x == n)
		error = veil_buf_append(out, eol, strlen(eol));
	return error;
}

/* The deepest column of the comment lines between from's line and the
 * next line with content (0 if none; blank lines are passed over). */
static size_t comments_after(const veil_doc *doc, size_t from)
{
	const char *src = doc->src;
	size_t n = doc->src_len, p = from, deep = 0, col;

	while (p < n && src[p] != '\n' && src[p] != '\r')
		p++;
	while (p < n) {
		p += break_len(src, n, p);
		for (col = 0; p + col < n && src[p + col] == ' '; col++)
			;
		p += col;
		while (p < n && (src[p] == ' ' || src[p] == '\t'))
			p++;
		if (p < n && src[p] == '#' && col > deep)
			deep = col;
		else if (p < n && src[p] != '#' && src[p] != '\n' && src[p] != '\r')
			break;
		while (p < n && src[p] != '\n' && src[p] != '\r')
			p++;
	}
	return deep;
}

/* Writes value as a literal block whose body replaces the source from *end
 * on (widened over blank lines that keep chomping takes in), or
 * double-quoted when a block cannot be sure to read back. *header is the
 * length of out once the block's header line is written, or SIZE_MAX when
 * no block was written. */
static int quote_block(veil_buf *out, size_t *end, size_t *header, const veil_doc *doc,
                       const veil_node *node, const char *value, size_t len)
{
	const veil_yaml_state *st = doc->codec_state;
	const char *eol = st && st->crlf ? "\r\n" : "\n";
	size_t base = parent_indent(doc, node), indent = block_indent(doc, node), step;
	size_t trailing, at = out->len, deep;
	const unsigned char *nl;
	int error;

	*header = SIZE_MAX;
	step = st && st->indent > 0 ? (size_t)st->indent : 2;
	if (step > 9)
		step = 2;
	if (indent <= base || indent - base > 9)
		indent = base + step;
	/* comment lines after it at the body's column would be body text */
	for (deep = comments_after(doc, *end); indent <= deep;)
		indent += step;
	if (needs_indicator(value, len) && (!clean_prefix(doc, node) || indent - base > 9))
		return veil_yaml__double_quote(out, value, len);
	error = veil_yaml__literal_block(out, value, len, base, indent, eol, &trailing);
	if (error < 0)
		return error;
	nl = memchr(out->data + at, eol[0], out->len - at);
	*header = nl ? (size_t)(nl - out->data) : out->len;
	return error < 0 ? error : block_tail(out, end, doc, indent, trailing, eol);
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Where the line holding pos ends: its line break, or the end of the text. */
static size_t line_end(const veil_doc *doc, size_t pos)
{
	while (pos < doc->src_len && doc->src[pos] != '\n' && doc->src[pos] != '\r')
		pos++;
	return pos;
}

/* Does only blank space follow end on its line (so a block can end there)? */
static int rest_of_line_blank(const veil_doc *doc, size_t end)
{
	while (end < doc->src_len && is_blank(doc->src[end]))
		end++;
	return end == doc->src_len || doc->src[end] == '\n' || doc->src[end] == '\r';
}

/* Blanks and a comment after a value on its line ("key: ENC[...] #ENC[...]",
 * as encryption leaves "key: | # note"): a block written there goes around
 * the comment, which ends at *ke. */
static int comment_follows(const veil_doc *doc, size_t end, size_t *ke)
{
	size_t p = end;

	while (p < doc->src_len && is_blank(doc->src[p]))
		p++;
	if (p == end || p >= doc->src_len || doc->src[p] != '#')
		return 0;
	*ke = line_end(doc, p);
	return 1;
}

/* A block scalar's header-line comment ("| # note") with the blanks before
 * it, [*ks, *ke) inside the scalar's span. The parser made it a node of its
 * own (yaml.c, header_comment), so a rewrite of the scalar leaves it be. */
static int header_comment_at(const veil_doc *doc, const veil_node *node, size_t *ks, size_t *ke)
{
	const char *src = doc->src;
	size_t p, eol;

	if (node->style != VEIL_STYLE_LITERAL && node->style != VEIL_STYLE_FOLDED)
		return 0;
	eol = line_end(doc, node->span.start);
	if (eol > node->span.end)
		return 0;
	for (p = node->span.start + 1; p < eol; p++)
		if (src[p] == '#' && is_blank(src[p - 1]))
			break;
	if (p >= eol)
		return 0;
	*ke = eol;
	while (p > node->span.start && is_blank(src[p - 1]))
		p--;
	*ks = p;
	return 1;
}

/* The block scalar a header-line comment stood on (the item before it). */
static const veil_node *header_owner(const veil_node *c)
{
	const veil_node *parent = c->parent;

	if (c->inline_comment != 2 || !parent)
		return NULL;
	for (size_t i = 1; i < parent->nitems; i++)
		if (parent->items[i] == c)
			return parent->items[i - 1]->kind == VEIL_NODE_SCALAR ? parent->items[i - 1]
			                                                      : NULL;
	return NULL;
}

/* Does a queued edit of owner replace the byte at pos? Edits are sorted by
 * start and do not overlap: only the last one starting at or before pos
 * (empty insertions aside) can. */
static int edit_covers(const veil_doc *doc, const veil_node *owner, size_t pos)
{
	size_t lo = 0, hi = doc->nedits;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (doc->edits[mid].start <= pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0 && doc->edits[lo - 1].start == doc->edits[lo - 1].end)
		lo--;
	return lo > 0 && doc->edits[lo - 1].node == owner && doc->edits[lo - 1].end > pos;
}

static int quote_comment(veil_buf *out, size_t *start, size_t *end, const veil_doc *doc,
                         const veil_node *node, const char *value, size_t len)
{
	const veil_node *owner = header_owner(node);
	int error;

	if (memchr(value, '\n', len) || memchr(value, '\r', len))
		return veil_error_set(VEIL_EINVAL, "a comment cannot hold a line break");
	/* the block scalar it stood on was replaced by text that left no room
	 * for it (quote without keep): follow the new text */
	if (owner && edit_covers(doc, owner, node->span.start)) {
		*start = *end = owner->span.end;
		if ((error = veil_buf_putc(out, ' ')) < 0)
			return error;
	}
	error = veil_buf_putc(out, '#');
	return error ? error : veil_buf_append(out, value, len);
}

/* A multi-line string goes in a literal block where one fits. A comment on
 * the line keeps its place between the header and the body: the old
 * header's comment (hc: [ks, ke) inside the span) or one after the value. */
static int quote_multiline(veil_buf *out, size_t *end, veil_quote_keep *keep, int hc, size_t ks,
                           size_t ke, const veil_doc *doc, const veil_node *node, const char *value,
                           size_t len, int *done)
{
	size_t tail = *end, header;
	int error;

	*done = 1;
	if (hc) {
		error = quote_block(out, &tail, &header, doc, node, value, len);
		if (error < 0)
			return error;
		keep->start = ks;
		keep->end = ke;
		keep->cut = header == SIZE_MAX ? out->len : header;
		*end = tail;
		return 0;
	}
	if (rest_of_line_blank(doc, *end))
		return quote_block(out, end, &header, doc, node, value, len);
	if (keep && comment_follows(doc, *end, &ke)) {
		tail = ke;
		error = quote_block(out, &tail, &header, doc, node, value, len);
		if (error < 0 || header == SIZE_MAX)
			return error;
		keep->start = *end;
		keep->end = ke;
		keep->cut = header;
		*end = tail;
		return 0;
	}
	*done = 0;
	return 0;
}

/* Only spaces before pos on its line? */
static int starts_line(const char *src, size_t pos)
{
	while (pos > 0 && src[pos - 1] == ' ')
		pos--;
	return pos == 0 || src[pos - 1] == '\n' || src[pos - 1] == '\r';
}

static int quote_scalar(veil_buf *out, size_t *start, size_t *end, veil_quote_keep *keep,
                        const veil_doc *doc, const veil_node *node, const char *value, size_t len,
                        veil_scalar_type type)
{
	int flow = node->parent && node->parent->flow;
	size_t ks = 0, ke = 0;
	int hc = keep && !flow && header_comment_at(doc, node, &ks, &ke), done = 0;
	int error = 0;

	/* a tag the new value cannot carry goes (the anchor stays) */
	if ((error = veil_yaml__drop_tag(out, start, doc, node, value, len, type)) < 0)
		return error;
	/* An implicit null ("key:", "- ", "!tag") has an empty span right
	 * after an indicator or property, and libyaml lets a value touch its
	 * anchor ("&a:b" is anchor "a", value ":b"): put a space first. */
	if (!out->len && *start > 0 && !strchr(" \t\r\n[{,", doc->src[*start - 1])) {
		if (type == VEIL_SCALAR_NULL && len == 0 && *start == *end)
			return 0;
		error = veil_buf_putc(out, ' ');
	}
	if (error < 0)
		return error;
	if (type == VEIL_SCALAR_NULL && len == 0 && *start == *end)
		return 0;
	/* A block scalar's header may stand alone on a line, no deeper than
	 * its parent; a plain or quoted value there must be indented under
	 * it. */
	if (!flow && *start < *end && starts_line(doc->src, *start)) {
		const veil_yaml_state *st = doc->codec_state;
		size_t base = parent_indent(doc, node), col = col_of(doc->src, *start);
		size_t n = base + (st && st->indent > 0 ? (size_t)st->indent : 2);

		while (!error && col <= base && n-- > col)
			error = veil_buf_putc(out, ' ');
		if (error < 0)
			return error;
	}
	if (type == VEIL_SCALAR_STR && !flow && memchr(value, '\n', len) &&
	    veil_yaml__block_ok(value, len) &&
	    !(veil_doc__resolve_plain(value, len) == VEIL_SCALAR_STR &&
	      veil_yaml__plain_ok(value, len, 0))) {
		error = quote_multiline(out, end, keep, hc, ks, ke, doc, node, value, len, &done);
		if (error < 0 || done)
			return error;
	}
	error = veil_yaml__scalar_text(out, value, len, type, flow);
	if (!error && hc) {
		/* one line in place of a block: the header's comment stays
		 * after it, the old body goes */
		keep->start = ks;
		keep->end = ke;
		keep->cut = out->len;
		return 0;
	}
	/* libyaml allows a comment right after a quoted scalar ("x"#c); a
	 * plain value there would swallow it */
	if (!error && *end < doc->src_len && doc->src[*end] == '#')
		error = veil_buf_putc(out, ' ');
	return error;
}

int veil_yaml__quote_keep(veil_buf *out, size_t *start, size_t *end, veil_quote_keep *keep,
                          const veil_doc *doc, const veil_node *node, const char *value, size_t len,
                          veil_scalar_type type)
{
	if (keep)
		keep->start = keep->end = keep->cut = 0;
	if (node->kind == VEIL_NODE_COMMENT)
		return quote_comment(out, start, end, doc, node, value, len);
	return quote_scalar(out, start, end, keep, doc, node, value, len, type);
}

int veil_yaml__quote(veil_buf *out, size_t *start, size_t *end, const veil_doc *doc,
                     const veil_node *node, const char *value, size_t len, veil_scalar_type type)
{
	return veil_yaml__quote_keep(out, start, end, NULL, doc, node, value, len, type);
}
