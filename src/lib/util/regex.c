/* RE2-syntax patterns on POSIX regcomp/regexec. */
#include "util/regex.h"
#include "util/buf.h"
#include "veil/error.h"
#include <regex.h>
#include <stdlib.h>
#include <string.h>

struct veil_regex {
	regex_t re;
};

/* The body of a Perl class, to go inside brackets. */
static const char *perl_class(char c)
{
	switch (c) {
	case 'd':
	case 'D':
		return "0-9";
	case 'w':
	case 'W':
		return "A-Za-z0-9_";
	case 's':
	case 'S':
		return " \t\n\f\r\v";
	default:
		return NULL;
	}
}

static int bad(const char *pattern, const char *why)
{
	return veil_error_set(VEIL_EFORMAT, "regex '%.64s': %s", pattern, why);
}

/* Copies a bracket expression starting at p[i] == '[' and returns the index
 * after it; \d-style classes inside it are expanded. */
static int copy_bracket(veil_buf *o, const char *p, size_t *i, const char *pattern)
{
	size_t j = *i + 1;
	int error = veil_buf_putc(o, '[');

	if (p[j] == '^')
		error = error ? error : veil_buf_putc(o, p[j++]);
	if (p[j] == ']')
		error = error ? error : veil_buf_putc(o, p[j++]);
	for (; !error && p[j] && p[j] != ']'; j++) {
		if (p[j] == '\\' && p[j + 1]) {
			const char *cls = perl_class(p[j + 1]);
			if (cls && p[j + 1] >= 'a')
				error = veil_buf_append(o, cls, strlen(cls));
			else if (cls)
				return bad(pattern,
				           "negated class inside brackets is not supported");
			else if (p[j + 1] == ']' || p[j + 1] == '\\' || p[j + 1] == '-' ||
			         p[j + 1] == '^')
				/* ERE has no escapes in brackets: place them where they are literal
				 */
				error = p[j + 1] == ']' ? bad(pattern, "escaped ']' in brackets: "
				                                       "put ']' first instead")
				                        : veil_buf_putc(o, p[j + 1]);
			else
				error = veil_buf_putc(o, p[j + 1]);
			j++;
		} else if (p[j] == '[' && p[j + 1] == ':') {
			const char *end = strstr(p + j, ":]");
			if (!end)
				return bad(pattern, "unterminated character class");
			error = veil_buf_append(o, p + j, (size_t)(end + 2 - (p + j)));
			j = (size_t)(end + 1 - p);
		} else {
			error = veil_buf_putc(o, p[j]);
		}
	}
	if (!error && p[j] != ']')
		return bad(pattern, "missing ']'");
	*i = j;
	return error ? error : veil_buf_putc(o, ']');
}

static int translate_escape(veil_buf *o, char c, const char *pattern)
{
	const char *cls = perl_class(c);

	if (cls)
		return veil_buf_printf(o, "[%s%s]", c >= 'a' ? "" : "^", cls);
	switch (c) {
	case 'A':
		return veil_buf_putc(o, '^');
	case 'z':
		return veil_buf_putc(o, '$');
	case 'n':
		return veil_buf_putc(o, '\n');
	case 't':
		return veil_buf_putc(o, '\t');
	case 'b':
	case 'B':
	case 'p':
	case 'P':
	case 'Q':
	case 'E':
	case 'x':
	case 'C':
		return bad(pattern, "this escape is not supported");
	default:
		if (c >= '0' && c <= '9')
			return bad(pattern, "backreferences are not supported (RE2 has none)");
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			return bad(pattern, "unknown escape");
		/* glibc reads \< \> \` \' as anchors; in RE2 they are the plain characters */
		return strchr("<>`'", c) ? veil_buf_putc(o, c) : veil_buf_printf(o, "\\%c", c);
	}
}

/* Rewrites RE2 syntax into ERE in o; *icase set by a leading (?i). */
/* glibc's regcomp takes exponential time on nested or stacked repetition
 * (a++++, ((a+)+)+), so those are bounded; RE2 refuses stacked ones too. */
#define MAX_GROUP_DEPTH 8
#define MAX_REPEATS 16

static int is_repeat(char c)
{
	return c == '*' || c == '+' || c == '?' || c == '{';
}

/* Rewrites RE2 syntax into ERE in o; *icase set by a leading (?i). */
static int translate(veil_buf *o, const char *p, int *icase)
{
	size_t i = 0, repeats = 0;
	int error = 0, depth = 0, after_repeat = 0;

	if (!strncmp(p, "(?i)", 4)) {
		*icase = 1;
		i = 4;
	}
	for (; !error && p[i]; i++) {
		char c = p[i];
		if (is_repeat(c) && after_repeat)
			return bad(p, "bad repetition operator (a repetition of a repetition)");
		if (is_repeat(c) && ++repeats > MAX_REPEATS)
			return bad(p, "too many repetition operators");
		after_repeat = is_repeat(c) || (c == '}' && repeats > 0);
		if (c == '(' && ++depth > MAX_GROUP_DEPTH)
			return bad(p, "groups nested too deeply");
		if (c == ')')
			depth--;
		if (c == '\\') {
			if (!p[i + 1])
				return bad(p, "trailing backslash");
			error = translate_escape(o, p[++i], p);
		} else if (c == '[') {
			error = copy_bracket(o, p, &i, p);
		} else if (c == '(' && p[i + 1] == '?') {
			if (p[i + 2] == ':')
				i += 2;
			else if (p[i + 2] == 'P' && p[i + 3] == '<' && strchr(p + i, '>'))
				i = (size_t)(strchr(p + i, '>') - p);
			else
				return bad(p, "this group syntax is not supported");
			error = veil_buf_putc(o, '(');
		} else if ((c == '*' || c == '+' || c == '?' || c == '}') && p[i + 1] == '?') {
			error = veil_buf_putc(o, c); /* lazy == greedy for a yes/no match */
			i++;
		} else if (c == '{') {
			/* copy a whole {n,m} so its '}' is not taken for a new operator */
			const char *end = strchr(p + i, '}');
			size_t n = end ? (size_t)(end - (p + i)) + 1 : 1;
			error = veil_buf_append(o, p + i, n);
			i += n - 1;
			if (end && p[i + 1] == '?')
				i++;
		} else {
			error = veil_buf_putc(o, c);
		}
	}
	return error;
}

int veil_regex_compile(veil_regex **out, const char *pattern)
{
	veil_buf ere = VEIL_BUF_INIT(4 * VEIL_REGEX_MAX_PATTERN);
	veil_regex *re = NULL;
	int icase = 0, error, rc;

	*out = NULL;
	if (strlen(pattern) > VEIL_REGEX_MAX_PATTERN)
		return bad(pattern, "pattern too long");
	if ((error = translate(&ere, pattern, &icase)) < 0 ||
	    (error = veil_buf_putc(&ere, '\0')) < 0)
		goto done;
	if (!(re = calloc(1, sizeof(*re)))) {
		error = veil_error_set(VEIL_ENOMEM, "out of memory");
		goto done;
	}
	rc = regcomp(&re->re, (const char *)ere.data,
	             REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0));
	if (rc != 0) {
		char msg[128];
		regerror(rc, &re->re, msg, sizeof(msg));
		free(re);
		re = NULL;
		error = bad(pattern, msg);
		goto done;
	}
	*out = re;
done:
	veil_buf_dispose(&ere);
	return error;
}

int veil_regex_match(const veil_regex *re, const char *s, size_t len)
{
	regmatch_t m[1];

	/* REG_STARTEND (glibc, BSD) bounds the subject without a NUL */
	m[0].rm_so = 0;
	m[0].rm_eo = (regoff_t)len;
	return regexec(&re->re, s, 1, m, REG_STARTEND) == 0;
}

void veil_regex_free(veil_regex *re)
{
	if (!re)
		return;
	regfree(&re->re);
	free(re);
}
