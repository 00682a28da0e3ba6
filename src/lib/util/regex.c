/* RE2-syntax patterns on POSIX regcomp/regexec. */
#define _GNU_SOURCE /* memmem */
#include "util/regex.h"
#include "util/buf.h"
#include "veil/error.h"
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LITERALS 16

/* Most rules in .sops.yaml files are literals ("^(data|stringData)$",
 * "password", "_unencrypted$", or none at all): those are matched with
 * memcmp, without regcomp, whose compile and lazily built DFA cost more
 * than the rest of decrypting a small Secret's selection. */
typedef struct {
	size_t n;                      /* alternatives; 0: use re */
	int bol, eol;                  /* ^ and $ around the whole group */
	const char *alt[MAX_LITERALS]; /* into text */
	size_t len[MAX_LITERALS];
	char *text;
} literals;

struct veil_regex {
	literals lit;
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
#define MAX_REPEATS     16

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

static int is_literal_char(char c)
{
	return c >= 0x20 && c < 0x7f && !strchr("\\.[](){}|*+?^$", c);
}

/* Fills l if pattern is ^?LIT$? or ^?(LIT|LIT...)$? (or (?:...)) with
 * printable ASCII literals; anchors outside a group bind every alternative
 * (unlike ^a|b$). Returns 1 if so, 0 if regcomp is needed, < 0 on ENOMEM. */
static int parse_literals(literals *l, const char *pattern)
{
	size_t n = strlen(pattern), i = 0, start;
	int group;

	memset(l, 0, sizeof(*l));
	l->bol = n > 0 && pattern[0] == '^';
	l->eol = n > (size_t)l->bol && pattern[n - 1] == '$';
	i = (size_t)l->bol;
	n -= (size_t)l->eol;
	group = n - i >= 2 && pattern[i] == '(' && pattern[n - 1] == ')';
	if (group) {
		i += strncmp(pattern + i, "(?:", 3) == 0 ? 3 : 1;
		n--;
	}
	for (start = i; i <= n; i++) {
		if (i < n && is_literal_char(pattern[i]))
			continue;
		if ((i < n && (pattern[i] != '|' || !group)) || l->n == MAX_LITERALS) {
			l->n = 0;
			return 0;
		}
		l->alt[l->n] = pattern + start; /* rebased onto text below */
		l->len[l->n++] = i - start;
		start = i + 1;
	}
	if (!(l->text = strdup(pattern)))
		return veil_error_oom();
	for (i = 0; i < l->n; i++)
		l->alt[i] = l->text + (l->alt[i] - pattern);
	return 1;
}

static int literals_match(const literals *l, const char *s, size_t len)
{
	for (size_t i = 0; i < l->n; i++) {
		size_t k = l->len[i];

		if (k > len || (l->bol && l->eol && k != len))
			continue;
		if (l->bol   ? !memcmp(s, l->alt[i], k)
		    : l->eol ? !memcmp(s + len - k, l->alt[i], k)
		             : (k == 0 || memmem(s, len, l->alt[i], k)))
			return 1;
	}
	return 0;
}

int veil_regex_compile(veil_regex **out, const char *pattern)
{
	return veil_regex__compile(out, pattern, 1);
}

int veil_regex__compile(veil_regex **out, const char *pattern, int literal_ok)
{
	veil_buf ere = VEIL_BUF_INIT(4 * VEIL_REGEX_MAX_PATTERN);
	veil_regex *re = NULL;
	int icase = 0, error, rc;

	*out = NULL;
	if (strlen(pattern) > VEIL_REGEX_MAX_PATTERN)
		return bad(pattern, "pattern too long");
	if (!(re = calloc(1, sizeof(*re)))) {
		error = veil_error_oom();
		goto done;
	}
	if (literal_ok && (error = parse_literals(&re->lit, pattern)) != 0)
		goto done;
	if ((error = translate(&ere, pattern, &icase)) < 0 ||
	    (error = veil_buf_putc(&ere, '\0')) < 0)
		goto done;
	rc = regcomp(&re->re, (const char *)ere.data,
	             REG_EXTENDED | REG_NOSUB | (icase ? REG_ICASE : 0));
	if (rc != 0) {
		char msg[128];
		regerror(rc, &re->re, msg, sizeof(msg));
		error = bad(pattern, msg);
		goto done;
	}
done:
	veil_buf_dispose(&ere);
	if (error < 0) {
		free(re ? re->lit.text : NULL);
		free(re);
		return error;
	}
	*out = re;
	return 0;
}

int veil_regex_match(const veil_regex *re, const char *s, size_t len)
{
	regmatch_t m[1];

	if (re->lit.n)
		return literals_match(&re->lit, s, len);
	/* REG_STARTEND (glibc, BSD) bounds the subject without a NUL */
	m[0].rm_so = 0;
	m[0].rm_eo = (regoff_t)len;
	return regexec(&re->re, s, 1, m, REG_STARTEND) == 0;
}

void veil_regex_free(veil_regex *re)
{
	if (!re)
		return;
	if (re->lit.n)
		free(re->lit.text);
	else
		regfree(&re->re);
	free(re);
}
