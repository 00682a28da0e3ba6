/* RE2-syntax patterns: literals by memcmp, the rest by util/regex_prog.c. */
#define _GNU_SOURCE /* memmem */
#include "util/regex.h"
#include "util/regex_prog.h"
#include "veil/error.h"
#include <stdlib.h>
#include <string.h>

#define MAX_LITERALS 16

/* Most rules in .sops.yaml files are literals ("^(data|stringData)$",
 * "password", "_unencrypted$", or none at all): those are matched with
 * memcmp, without building an automaton. */
typedef struct {
	size_t n;                      /* alternatives; 0: use re */
	int bol, eol;                  /* ^ and $ around the whole group */
	const char *alt[MAX_LITERALS]; /* into text */
	size_t len[MAX_LITERALS];
	char *text;
} literals;

struct veil_regex {
	literals lit;
	veil_rx_prog *prog;
	char *pattern; /* for messages */
};

static int is_literal_char(char c)
{
	return c >= 0x20 && c < 0x7f && !strchr("\\.[](){}|*+?^$", c);
}

/* Fills l if pattern is ^?LIT$? or ^?(LIT|LIT...)$? (or (?:...)) with
 * printable ASCII literals; anchors outside a group bind every alternative
 * (unlike ^a|b$). Returns 1 if so, 0 if a program is needed, < 0 on ENOMEM. */
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
	veil_regex *re = NULL;
	int error;

	*out = NULL;
	if (strlen(pattern) > VEIL_REGEX_MAX_PATTERN)
		return veil_error_set(VEIL_ELIMIT, "regex '%.64s': pattern too long", pattern);
	if (!(re = calloc(1, sizeof(*re))))
		return veil_error_oom();
	/* the program is built even for a literal, so both refuse the same
	 * patterns */
	if (!(re->pattern = strdup(pattern))) {
		free(re);
		return veil_error_oom();
	}
	if ((error = veil_rx_prog_compile(&re->prog, pattern)) < 0 ||
	    (literal_ok && (error = parse_literals(&re->lit, pattern)) < 0)) {
		veil_regex_free(re);
		return error;
	}
	*out = re;
	return 0;
}

int veil_regex_match_budget(const veil_regex *re, const char *s, size_t len, uint64_t *budget)
{
	int r;

	if (re->lit.n)
		return literals_match(&re->lit, s, len);
	if (*budget == 0 || (r = veil_rx_prog_match(re->prog, s, len, budget)) == VEIL_ELIMIT)
		return veil_error_set(
		        VEIL_ELIMIT, "regex '%.64s': matching it costs too much (%zu-byte subject)",
		        re->pattern, len);
	return r;
}

int veil_regex_match(const veil_regex *re, const char *s, size_t len)
{
	uint64_t budget = VEIL_REGEX_BUDGET;

	return veil_regex_match_budget(re, s, len, &budget);
}

void veil_regex_free(veil_regex *re)
{
	if (!re)
		return;
	free(re->lit.text);
	free(re->pattern);
	veil_rx_prog_free(re->prog);
	free(re);
}
