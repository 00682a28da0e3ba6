/* .sops.yaml path_regex -> .gitattributes patterns (see filter.h). */
#include "veil/git.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "veil/error.h"

#define ANY '\x01' /* ".*": any run of characters, slashes included */

/* A set of alternatives, each a glob with ANY markers still in it. */
typedef struct alts {
	char *s[VEIL_GIT_GLOB_MAX];
	size_t n;
} alts;

static void alts_clear(alts *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->s[i]);
	a->n = 0;
}

static int too_many(void)
{
	return veil_error_set(VEIL_EUNSUPPORTED, "expands to more than %d patterns",
	                      VEIL_GIT_GLOB_MAX);
}

static int alts_add(alts *a, const char *x, size_t xl, const char *y, size_t yl)
{
	char *s;

	for (size_t i = 0; i < a->n; i++)
		if (strlen(a->s[i]) == xl + yl && !memcmp(a->s[i], x, xl) &&
		    !memcmp(a->s[i] + xl, y, yl))
			return 0;
	if (a->n == VEIL_GIT_GLOB_MAX)
		return too_many();
	if (!(s = malloc(xl + yl + 1)))
		return veil_error_oom();
	memcpy(s, x, xl);
	memcpy(s + xl, y, yl);
	s[xl + yl] = '\0';
	a->s[a->n++] = s;
	return 0;
}

/* *a = every a x b concatenation; b is cleared. */
static int alts_product(alts *a, alts *b)
{
	alts r = { 0 };
	int error = 0;

	for (size_t i = 0; i < a->n && error == 0; i++)
		for (size_t j = 0; j < b->n && error == 0; j++)
			error = alts_add(&r, a->s[i], strlen(a->s[i]), b->s[j], strlen(b->s[j]));
	alts_clear(a);
	alts_clear(b);
	*a = r;
	if (error < 0)
		alts_clear(a);
	return error;
}

static int unsupported(const char *what)
{
	return veil_error_set(VEIL_EUNSUPPORTED, "%s has no exact gitattributes pattern", what);
}

static int parse_alt(alts *out, const char **p, const char *end, int depth);

/* A bracket class: copied as a glob class; '/' and nested forms refused. */
static int parse_class(alts *out, const char **p, const char *end)
{
	veil_buf b = VEIL_BUF_INIT(256);
	const char *q = *p + 1;
	int error = 0;

	error = veil_buf_putc(&b, '[');
	if (q < end && *q == '^') {
		q++;
		if (q + 2 <= end && q[0] == '/' && q[1] == ']') {
			/* [^/]* and [^/]+ are * and ?* */
			q += 2;
			veil_buf_dispose(&b);
			if (q < end && *q == '*') {
				*p = q + 1;
				return alts_add(out, "*", 1, "", 0);
			}
			if (q < end && *q == '+') {
				*p = q + 1;
				return alts_add(out, "?*", 2, "", 0);
			}
			*p = q;
			return alts_add(out, "?", 1, "", 0);
		}
		if (error == 0)
			error = veil_buf_putc(&b, '!');
	}
	for (; error == 0 && q < end && (*q != ']' || q == *p + 1); q++) {
		if (*q == '/' || *q == '[' || *q == '\\' || (unsigned char)*q < 0x21 || *q == 0x7f)
			error = unsupported("a class with '/', '[', '\\' or blanks");
		else
			error = veil_buf_putc(&b, (uint8_t)*q);
	}
	if (error == 0 && q == end)
		error = veil_error_set(VEIL_EFORMAT, "unterminated [ in the regex");
	if (error == 0)
		error = veil_buf_putc(&b, ']');
	if (error == 0)
		error = alts_add(out, (const char *)b.data, b.len, "", 0);
	veil_buf_dispose(&b);
	*p = q + 1;
	return error;
}

/* A literal character, glob-escaped. */
static int literal(alts *out, char c)
{
	char esc[2] = { '\\', c };

	if ((unsigned char)c < 0x21 || c == 0x7f)
		return unsupported("a blank or control character");
	if (c == '*' || c == '?' || c == '[' || c == '\\' || c == ']')
		return alts_add(out, esc, 2, "", 0);
	return alts_add(out, &c, 1, "", 0);
}

static int parse_escape(alts *out, const char **p, const char *end)
{
	char c;

	if (*p + 1 >= end)
		return veil_error_set(VEIL_EFORMAT, "the regex ends with a backslash");
	c = (*p)[1];
	*p += 2;
	if (c == 'd')
		return alts_add(out, "[0-9]", 5, "", 0);
	if (c == 'w')
		return alts_add(out, "[A-Za-z0-9_]", 12, "", 0);
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return unsupported("an escape like \\s or \\b");
	return literal(out, c);
}

/* One atom and its postfix operator. */
static int parse_atom(alts *out, const char **p, const char *end, int depth)
{
	const char *q = *p;
	int error;

	if (*q == '.') {
		*p = q + 1;
		if (*p < end && (**p == '*' || **p == '+')) {
			int plus = **p == '+';

			(*p)++;
			/* .+ is one character then any run: "?" then ANY */
			return plus ? alts_add(out, "?\x01", 2, "", 0)
			            : alts_add(out, "\x01", 1, "", 0);
		}
		error = alts_add(out, "?", 1, "", 0);
	} else if (*q == '(') {
		q++;
		if (q < end && *q == '?') {
			if (q + 1 < end && q[1] == ':')
				q += 2;
			else
				return unsupported("a (?flags) group");
		}
		*p = q;
		if ((error = parse_alt(out, p, end, depth + 1)) < 0)
			return error;
		if (*p >= end || **p != ')')
			return veil_error_set(VEIL_EFORMAT, "unbalanced ( in the regex");
		(*p)++;
	} else if (*q == '[') {
		error = parse_class(out, p, end);
	} else if (*q == '\\') {
		error = parse_escape(out, p, end);
	} else if (*q == '^' || *q == '$') {
		return unsupported("an anchor inside the regex");
	} else if (*q == '*' || *q == '+' || *q == '?' || *q == '{' || *q == ')' || *q == ']') {
		return unsupported("a repetition other than .* .+ [^/]* [^/]+ and x?");
	} else {
		*p = q + 1;
		error = literal(out, *q);
	}
	if (error < 0)
		return error;
	if (*p < end && **p == '?') {
		(*p)++;
		return alts_add(out, "", 0, "", 0); /* optional: the empty alternative */
	}
	if (*p < end && (**p == '*' || **p == '+' || **p == '{'))
		return unsupported("a repetition other than .* .+ [^/]* [^/]+ and x?");
	return 0;
}

/* A sequence of atoms up to '|', ')' or end. */
static int parse_seq(alts *out, const char **p, const char *end, int depth)
{
	int error = alts_add(out, "", 0, "", 0);

	while (error == 0 && *p < end && **p != '|' && **p != ')') {
		alts atom = { 0 };

		if ((error = parse_atom(&atom, p, end, depth)) == 0)
			error = alts_product(out, &atom);
		alts_clear(&atom);
	}
	return error;
}

static int parse_alt(alts *out, const char **p, const char *end, int depth)
{
	int error = 0;

	if (depth > 8)
		return unsupported("groups nested deeper than 8");
	for (;;) {
		alts seq = { 0 };

		if ((error = parse_seq(&seq, p, end, depth)) == 0)
			for (size_t i = 0; i < seq.n && error == 0; i++)
				error = alts_add(out, seq.s[i], strlen(seq.s[i]), "", 0);
		alts_clear(&seq);
		if (error < 0 || *p >= end || **p != '|')
			return error;
		(*p)++;
	}
}

/* Appends head + t to r with each ANY expanded both ways: within one
 * component (a star), or across at least one slash (star, then slash and
 * double star, then slash and star unless at the end). */
static int expand(alts *r, const char *head, const char *t)
{
	const char *any = strchr(t, ANY);
	veil_buf b = VEIL_BUF_INIT(4096);
	int error;

	if (!any) {
		if ((error = veil_buf_printf(&b, "%s%s", head, t)) == 0)
			error = alts_add(r, (const char *)b.data, b.len, "", 0);
		veil_buf_dispose(&b);
		return error;
	}
	error = veil_buf_printf(&b, "%s%.*s*", head, (int)(any - t), t);
	if (error == 0)
		error = expand(r, (const char *)b.data, any + 1);
	veil_buf_clear(&b);
	if (error == 0)
		error = veil_buf_printf(&b, "%s%.*s*/**%s", head, (int)(any - t), t,
		                        any[1] ? "/*" : "");
	if (error == 0)
		error = expand(r, (const char *)b.data, any + 1);
	veil_buf_dispose(&b);
	return error;
}

/* One top-level branch with its own anchors -> final patterns in r. */
static int finish(alts *r, const char *s, int bol, int eol, const char *prefix)
{
	veil_buf b = VEIL_BUF_INIT(4096), h = VEIL_BUF_INIT(1024);
	const char *t;
	int lead, error;

	if ((error = veil_buf_printf(&b, "%s%s%s", bol ? "" : "\x01", s, eol ? "" : "\x01")) < 0)
		return error;
	/* merge runs of ANY */
	for (size_t i = 0; i + 1 < b.len;) {
		if (b.data[i] == ANY && b.data[i + 1] == ANY) {
			memmove(b.data + i, b.data + i + 1, b.len - i);
			b.len--;
		} else {
			i++;
		}
	}
	t = (const char *)b.data;
	lead = t[0] == ANY;
	t += lead;
	if (!*t || (t[0] == ANY && !t[1])) {
		veil_buf_dispose(&b);
		return unsupported("a regex that matches every file");
	}
	if (!lead) {
		error = veil_buf_printf(&h, "/%s", prefix);
	} else if (strchr(t, '/') || strchr(t, ANY) || *prefix) {
		/* a leading ".*": the match may start anywhere, so any
		 * directories, then the rest of a component */
		error = veil_buf_printf(&h, "%s**/*", prefix);
	} else {
		/* a pattern without a slash matches a base name at any depth */
		error = veil_buf_printf(&h, "*");
	}
	if (error == 0)
		error = expand(r, (const char *)h.data, t);
	veil_buf_dispose(&h);
	veil_buf_dispose(&b);
	return error;
}

int veil_git_regex_globs(char ***out, size_t *n, const char *re, const char *prefix)
{
	size_t len = strlen(re);
	const char *p = re, *end;
	alts r = { 0 };
	int error = 0;

	*out = NULL;
	*n = 0;
	if (len > VEIL_GIT_GLOB_MAX_REGEX)
		return veil_error_set(VEIL_ELIMIT, "path_regex longer than %d bytes",
		                      VEIL_GIT_GLOB_MAX_REGEX);
	while (error == 0) {
		const char *bar = p;
		int depth = 0, bol, eol;
		alts branch = { 0 };

		/* the top-level branch ends at a '|' outside () and [] */
		for (; *bar && !(*bar == '|' && depth == 0); bar++) {
			if (*bar == '\\' && bar[1])
				bar++;
			else if (*bar == '(')
				depth++;
			else if (*bar == ')')
				depth--;
			else if (*bar == '[')
				for (bar++; *bar && *bar != ']'; bar++)
					;
			if (!*bar)
				break;
		}
		end = bar;
		bol = p < end && *p == '^';
		p += bol;
		eol = end > p && end[-1] == '$' && (end - 1 == p || end[-2] != '\\');
		end -= eol;
		if ((error = parse_alt(&branch, &p, end, 0)) == 0 && p != end)
			error = veil_error_set(VEIL_EFORMAT, "unbalanced ) in the regex");
		for (size_t i = 0; i < branch.n && error == 0; i++)
			error = finish(&r, branch.s[i], bol, eol, prefix);
		alts_clear(&branch);
		if (!*bar)
			break;
		p = bar + 1;
	}
	if (error < 0) {
		alts_clear(&r);
		return error;
	}
	if (!(*out = malloc((r.n ? r.n : 1) * sizeof(char *)))) {
		alts_clear(&r);
		return veil_error_oom();
	}
	memcpy(*out, r.s, r.n * sizeof(char *));
	*n = r.n;
	return 0;
}

void veil_git_globs_free(char **globs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(globs[i]);
	free(globs);
}
