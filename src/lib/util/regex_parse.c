/* RE2 syntax (as Go's regexp/syntax reads it) into util/regex_ast.h nodes,
 * with the bounds Go puts on counted repetition and a bound on the
 * expanded program. */
#include "util/regex_ast.h"
#include "util/array.h"
#include "veil/error.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
	veil_rx_ast *ast;
	const char *p;
	size_t i;
	int icase, depth;
} parser;

static int bad(const parser *ps, const char *why)
{
	return veil_error_set(VEIL_EFORMAT, "regex '%.64s': %s", ps->p, why);
}

static int too_big(const parser *ps, const char *why)
{
	return veil_error_set(VEIL_ELIMIT, "regex '%.64s': %s", ps->p, why);
}

static int new_node(parser *ps, uint8_t kind, size_t *out)
{
	veil_rx_ast *a = ps->ast;
	veil_rx_node *n;

	if (a->nnodes == a->ncap) {
		veil_rx_node *grown =
		        veil_array_grow(a->nodes, &a->ncap, a->nnodes + 1, sizeof(*a->nodes));
		if (!grown)
			return VEIL_ENOMEM;
		a->nodes = grown;
	}
	n = &a->nodes[a->nnodes];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	*out = a->nnodes++;
	return 0;
}

/* A CLASS node with an empty set; *cls points into the table until the
 * next allocation. */
static int new_class(parser *ps, size_t *out, veil_rx_class **cls)
{
	veil_rx_ast *a = ps->ast;
	int error;

	if (a->nclasses == a->ccap) {
		veil_rx_class *grown =
		        veil_array_grow(a->classes, &a->ccap, a->nclasses + 1, sizeof(*a->classes));
		if (!grown)
			return VEIL_ENOMEM;
		a->classes = grown;
	}
	if ((error = new_node(ps, VEIL_RX_CLASS, out)) < 0)
		return error;
	a->nodes[*out].cls = a->nclasses;
	*cls = &a->classes[a->nclasses++];
	memset(*cls, 0, sizeof(**cls));
	return 0;
}

static void add_child(veil_rx_ast *a, size_t parent, size_t *last, size_t child)
{
	if (*last)
		a->nodes[*last].next = child;
	else
		a->nodes[parent].child = child;
	*last = child;
}

static void set_range(veil_rx_class *c, unsigned lo, unsigned hi)
{
	for (unsigned b = lo; b <= hi; b++)
		c->bits[b >> 3] |= (uint8_t)(1u << (b & 7));
}

static int has(const veil_rx_class *c, unsigned b)
{
	return (c->bits[b >> 3] >> (b & 7)) & 1;
}

static void fold_case(veil_rx_class *c)
{
	for (unsigned b = 'A'; b <= 'Z'; b++)
		if (has(c, b) || has(c, b + 32)) {
			set_range(c, b, b);
			set_range(c, b + 32, b + 32);
		}
}

static void negate(veil_rx_class *c)
{
	for (size_t k = 0; k < sizeof(c->bits); k++)
		c->bits[k] = (uint8_t)~c->bits[k];
}

/* \d \w \s (Go's ASCII Perl classes) and their negations into c. */
static int perl_class(char e, veil_rx_class *c)
{
	veil_rx_class t = { { 0 } };

	switch (e | 0x20) {
	case 'd':
		set_range(&t, '0', '9');
		break;
	case 'w':
		set_range(&t, '0', '9');
		set_range(&t, 'A', 'Z');
		set_range(&t, 'a', 'z');
		set_range(&t, '_', '_');
		break;
	case 's':
		set_range(&t, '\t', '\n');
		set_range(&t, '\f', '\r');
		set_range(&t, ' ', ' ');
		break;
	default:
		return 0;
	}
	if (e >= 'A' && e <= 'Z')
		negate(&t);
	for (size_t k = 0; k < sizeof(c->bits); k++)
		c->bits[k] |= t.bits[k];
	return 1;
}

static int posix_class(const char *name, size_t len, veil_rx_class *c)
{
	static const struct {
		const char *name;
		const char *ranges; /* pairs of lo, hi */
	} classes[] = {
		{ "alnum", "09AZaz" },
		{ "alpha", "AZaz" },
		{ "ascii", "\x01\x7f" },
		{ "blank", "\t\t  " },
		{ "cntrl", "\x01\x1f\x7f\x7f" },
		{ "digit", "09" },
		{ "graph", "!~" },
		{ "lower", "az" },
		{ "print", " ~" },
		{ "punct", "!/:@[`{~" },
		{ "space", "\t\r  " },
		{ "upper", "AZ" },
		{ "word", "09AZaz__" },
		{ "xdigit", "09AFaf" },
	};
	veil_rx_class t = { { 0 } };
	int neg = len > 0 && name[0] == '^';

	name += neg;
	len -= (size_t)neg;
	for (size_t k = 0; k < sizeof(classes) / sizeof(classes[0]); k++) {
		const char *r = classes[k].ranges;
		if (strlen(classes[k].name) != len || memcmp(classes[k].name, name, len))
			continue;
		for (; *r; r += 2)
			set_range(&t, (unsigned char)r[0], (unsigned char)r[1]);
		if (!strcmp(classes[k].name, "ascii") || !strcmp(classes[k].name, "cntrl"))
			set_range(&t, 0, 0);
		if (neg)
			negate(&t);
		for (size_t b = 0; b < sizeof(c->bits); b++)
			c->bits[b] |= t.bits[b];
		return 1;
	}
	return 0;
}

static int hexval(char h)
{
	return h >= '0' && h <= '9'                     ? h - '0'
	       : (h | 0x20) >= 'a' && (h | 0x20) <= 'f' ? (h | 0x20) - 'a' + 10
	                                                : -1;
}

/* \xHH or \x{H...} at p[i] == 'x'; the code point in *cp. */
static int hex_escape(parser *ps, unsigned long *cp)
{
	const char *p = ps->p;
	int brace = p[ps->i + 1] == '{';
	size_t j = ps->i + 1 + (size_t)brace, digits = 0;

	*cp = 0;
	for (; hexval(p[j]) >= 0 && (brace || digits < 2); j++, digits++) {
		*cp = *cp * 16 + (unsigned long)hexval(p[j]);
		if (*cp > 0x10FFFF)
			return bad(ps, "invalid escape \\x (over U+10FFFF)");
	}
	if (digits == 0 || (!brace && digits != 2) || (brace && p[j++] != '}'))
		return bad(ps, "invalid escape \\x");
	ps->i = j - 1;
	return 0;
}

/* One escaped byte (\n, \., \x41...) at p[i] (after the backslash), or a
 * negative error; Perl classes are handled by the callers. */
static int escaped_byte(parser *ps, int in_class)
{
	static const char named[] = "a\af\ft\tn\nr\rv\v";
	char c = ps->p[ps->i];
	const char *k = strchr(named, c);

	if (c && k && (size_t)(k - named) % 2 == 0)
		return (unsigned char)k[1];
	if (c == 'x') {
		unsigned long cp;
		int error = hex_escape(ps, &cp);
		if (error < 0)
			return error;
		if (cp < 0x80)
			return (int)cp;
		return in_class ? bad(ps, "non-ASCII \\x in brackets is not supported")
		                : bad(ps, "non-ASCII \\x is not supported (write the character)");
	}
	if (c >= '0' && c <= '9')
		return bad(ps, "backreferences and octal escapes are not supported");
	if (!c)
		return bad(ps, "trailing backslash");
	if (strchr("bBpPQECzA", c))
		return bad(ps, "this escape is not supported");
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (unsigned char)c >= 0x80)
		return bad(ps, "unknown escape");
	return (unsigned char)c;
}

/* A bracket member at p[i]: a byte (returned) or a Perl class merged into
 * c (returns 256). */
static int class_member(parser *ps, veil_rx_class *c)
{
	if (ps->p[ps->i] != '\\')
		return (unsigned char)ps->p[ps->i++];
	ps->i++;
	if (perl_class(ps->p[ps->i], c)) {
		ps->i++;
		return 256;
	}
	{
		int b = escaped_byte(ps, 1);
		ps->i++;
		return b;
	}
}

static int parse_bracket(parser *ps, size_t *out)
{
	const char *p = ps->p;
	veil_rx_class *c;
	int error, neg, first = 1;

	if ((error = new_class(ps, out, &c)) < 0)
		return error;
	ps->i++;
	neg = p[ps->i] == '^';
	ps->i += (size_t)neg;
	while (p[ps->i] && (p[ps->i] != ']' || first)) {
		int lo, hi;
		first = 0;
		if (p[ps->i] == '[' && p[ps->i + 1] == ':') {
			const char *end = strstr(p + ps->i + 2, ":]");
			if (!end || !posix_class(p + ps->i + 2, (size_t)(end - (p + ps->i + 2)), c))
				return bad(ps, "invalid character class");
			ps->i = (size_t)(end + 2 - p);
			continue;
		}
		if ((lo = class_member(ps, c)) < 0)
			return lo;
		if (lo == 256)
			continue;
		hi = lo;
		if (p[ps->i] == '-' && p[ps->i + 1] && p[ps->i + 1] != ']') {
			ps->i++;
			if ((hi = class_member(ps, c)) < 0)
				return hi;
			if (hi == 256 || hi < lo)
				return bad(ps, "invalid character class range");
		}
		set_range(c, (unsigned)lo, (unsigned)hi);
	}
	if (p[ps->i] != ']')
		return bad(ps, "missing ']'");
	ps->i++;
	if (ps->icase)
		fold_case(c);
	if (neg)
		negate(c);
	return 0;
}

static int byte_node(parser *ps, size_t *out, unsigned lo, unsigned hi)
{
	veil_rx_class *c;
	int error = new_class(ps, out, &c);

	if (error < 0)
		return error;
	set_range(c, lo, hi);
	if (ps->icase)
		fold_case(c);
	return 0;
}

static int parse_alt(parser *ps, size_t *out);

static int parse_group(parser *ps, size_t *out)
{
	const char *p = ps->p;
	int error;

	if (++ps->depth > VEIL_REGEX_MAX_NEST)
		return too_big(ps, "groups nested too deeply");
	ps->i++;
	if (p[ps->i] == '?') {
		const char *close = strchr(p + ps->i, '>');
		if (p[ps->i + 1] == ':')
			ps->i += 2;
		else if ((p[ps->i + 1] == '<' || (p[ps->i + 1] == 'P' && p[ps->i + 2] == '<')) &&
		         close)
			ps->i = (size_t)(close + 1 - p);
		else
			return bad(ps, "this group syntax is not supported");
	}
	if ((error = parse_alt(ps, out)) < 0)
		return error;
	if (p[ps->i] != ')')
		return bad(ps, "missing ')'");
	ps->i++;
	ps->depth--;
	return 0;
}

static int parse_escape(parser *ps, size_t *out)
{
	veil_rx_class *c;
	char e = ps->p[++ps->i];
	int b, error;

	if (e == 'A' || e == 'z') {
		ps->i++;
		return new_node(ps, e == 'A' ? VEIL_RX_BOL : VEIL_RX_EOL, out);
	}
	if (e && strchr("dDwWsS", e)) {
		if ((error = new_class(ps, out, &c)) < 0)
			return error;
		perl_class(e, c);
		ps->i++;
		return 0;
	}
	if ((b = escaped_byte(ps, 0)) < 0)
		return b;
	ps->i++;
	return byte_node(ps, out, (unsigned)b, (unsigned)b);
}

static int parse_atom(parser *ps, size_t *out)
{
	char c = ps->p[ps->i];

	switch (c) {
	case '(':
		return parse_group(ps, out);
	case '[':
		return parse_bracket(ps, out);
	case '\\':
		return parse_escape(ps, out);
	case '*':
	case '+':
	case '?':
		return bad(ps, "missing argument to repetition operator");
	case '^':
	case '$':
		ps->i++;
		return new_node(ps, c == '^' ? VEIL_RX_BOL : VEIL_RX_EOL, out);
	case '.': {
		veil_rx_class *cls;
		int error = new_class(ps, out, &cls);
		if (error < 0)
			return error;
		set_range(cls, 0, 255);
		cls->bits['\n' >> 3] &= (uint8_t) ~(1u << ('\n' & 7)); /* Go: no s flag */
		ps->i++;
		return 0;
	}
	default:
		ps->i++;
		return byte_node(ps, out, (unsigned char)c, (unsigned char)c);
	}
}

/* A decimal count; more than VEIL_REGEX_MAX_REPEAT is refused later. */
static size_t count(const char *p, size_t *i, int *n)
{
	size_t digits = 0;

	for (*n = 0; p[*i] >= '0' && p[*i] <= '9'; (*i)++, digits++)
		if (*n <= VEIL_REGEX_MAX_REPEAT)
			*n = *n * 10 + (p[*i] - '0');
	return digits;
}

/* {n}, {n,} or {n,m} at p[i]; 0 if it is not one (then '{' is literal). */
static int repeat_spec(const parser *ps, size_t *i, int *min, int *max)
{
	const char *p = ps->p;
	size_t j = *i + 1;

	if (!count(p, &j, min))
		return 0;
	*max = *min;
	if (p[j] == ',') {
		j++;
		*max = -1;
		if (p[j] != '}' && !count(p, &j, max))
			return 0;
	}
	if (p[j] != '}')
		return 0;
	*i = j;
	return 1;
}

/* A repetition operator at p[i] (consumed, with a lazy '?'): 1, or 0. */
static int repeat_op(parser *ps, int *min, int *max, int *counted)
{
	char c = ps->p[ps->i];
	size_t j = ps->i;

	*counted = 0;
	if (c == '*' || c == '+' || c == '?') {
		*min = c == '+';
		*max = c == '?' ? 1 : -1;
	} else if (c != '{' || !repeat_spec(ps, &j, min, max)) {
		return 0;
	} else {
		*counted = 1;
	}
	ps->i = j + 1;
	if (ps->p[ps->i] == '?')
		ps->i++; /* lazy == greedy for whether it matches */
	return 1;
}

static int parse_repeat(parser *ps, size_t *out)
{
	int min, max, counted, error, repeated = 0;
	size_t start = ps->i, node;

	if (ps->p[ps->i] == '{' && repeat_op(ps, &min, &max, &counted))
		return bad(ps, "missing argument to repetition operator");
	ps->i = start;
	if ((error = parse_atom(ps, out)) < 0)
		return error;
	while (repeat_op(ps, &min, &max, &counted)) {
		if (repeated)
			return bad(ps, "bad repetition operator (a repetition of a repetition)");
		if (min > VEIL_REGEX_MAX_REPEAT || max > VEIL_REGEX_MAX_REPEAT)
			return too_big(ps, "repeat count over 1000");
		if (max >= 0 && min > max)
			return bad(ps, "invalid repeat count (min over max)");
		if ((error = new_node(ps, VEIL_RX_REPEAT, &node)) < 0)
			return error;
		ps->ast->nodes[node].min = min;
		ps->ast->nodes[node].max = max;
		ps->ast->nodes[node].counted = (uint8_t)counted;
		ps->ast->nodes[node].child = *out;
		*out = node;
		repeated = 1;
	}
	return 0;
}

static int parse_seq(parser *ps, uint8_t kind, size_t *out)
{
	size_t last = 0, child;
	int error = new_node(ps, kind, out);

	while (!error) {
		if (kind == VEIL_RX_CAT) {
			char c = ps->p[ps->i];
			if (!c || c == '|' || c == ')')
				break;
			error = parse_repeat(ps, &child);
		} else {
			error = parse_seq(ps, VEIL_RX_CAT, &child);
		}
		if (error < 0)
			break;
		add_child(ps->ast, *out, &last, child);
		if (kind == VEIL_RX_ALT) {
			if (ps->p[ps->i] != '|')
				break;
			ps->i++;
		}
	}
	return error;
}

static int parse_alt(parser *ps, size_t *out)
{
	return parse_seq(ps, VEIL_RX_ALT, out);
}

/* Go's repeatIsValid: the counts of nested {n,m} multiply to at most n. */
static int product_ok(const veil_rx_ast *a, size_t node, int n)
{
	const veil_rx_node *x = &a->nodes[node];

	if (x->kind == VEIL_RX_REPEAT && x->counted) {
		int m = x->max < 0 ? x->min : x->max;
		if (m > n)
			return 0;
		if (m > 0)
			n /= m;
	}
	for (size_t c = x->child; c; c = a->nodes[c].next)
		if (!product_ok(a, c, n))
			return 0;
	return 1;
}

/* Instructions util/regex_prog.c emits for node, saturating past the
 * bound (so no product can overflow). */
static size_t prog_size(const veil_rx_ast *a, size_t node)
{
	const veil_rx_node *x = &a->nodes[node];
	size_t s = 0, k = 0, cap = VEIL_REGEX_MAX_PROG + 1;

	switch (x->kind) {
	case VEIL_RX_EMPTY:
		return 0;
	case VEIL_RX_CLASS:
	case VEIL_RX_BOL:
	case VEIL_RX_EOL:
		return 1;
	case VEIL_RX_REPEAT:
		s = prog_size(a, x->child);
		if (x->max < 0)
			s = x->min == 0 ? s + 2 : (size_t)x->min * s + 1;
		else
			s = (size_t)x->min * s + (size_t)(x->max - x->min) * (s + 1);
		return s < cap ? s : cap;
	default:
		for (size_t c = x->child; c && s < cap; c = a->nodes[c].next, k++)
			s += prog_size(a, c);
		if (x->kind == VEIL_RX_ALT && k > 1)
			s += 2 * (k - 1); /* a split and a jump per extra branch */
		return s < cap ? s : cap;
	}
}

int veil_rx_parse(veil_rx_ast *ast, const char *pattern)
{
	parser ps = { ast, pattern, 0, 0, 0 };
	size_t dummy;
	int error;

	memset(ast, 0, sizeof(*ast));
	if (!strncmp(pattern, "(?i)", 4)) {
		ps.icase = 1;
		ps.i = 4;
	}
	/* node 0 is never a child, so 0 can mean "none" */
	if ((error = new_node(&ps, VEIL_RX_EMPTY, &dummy)) < 0 ||
	    (error = parse_alt(&ps, &ast->root)) < 0)
		goto done;
	if (pattern[ps.i] == ')') {
		error = bad(&ps, "unexpected ')'");
		goto done;
	}
	if (!product_ok(ast, ast->root, VEIL_REGEX_MAX_REPEAT)) {
		error = too_big(&ps, "nested repeat counts multiply past 1000");
		goto done;
	}
	ast->ninst = prog_size(ast, ast->root);
	if (ast->ninst > VEIL_REGEX_MAX_PROG)
		error = too_big(&ps, "pattern too large once its repetitions are expanded");
done:
	if (error < 0)
		veil_rx_ast_dispose(ast);
	return error;
}

void veil_rx_ast_dispose(veil_rx_ast *ast)
{
	free(ast->nodes);
	free(ast->classes);
	memset(ast, 0, sizeof(*ast));
}
