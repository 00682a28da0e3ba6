/*
 * Allowlists. Inline: "veil:allow" anywhere on the finding's line. File:
 * .veilignore at the root, one entry a line,
 *     PATH RULE-ID SHA256-HEX-OF-THE-SECRET
 * ('#' starts a comment). Entries name the secret by its hash, never by a
 * line number, so they survive edits around it and stop matching as soon as
 * the secret itself changes.
 */
#include "check/check_int.h"
#include "util/array.h"
#include <stdlib.h>
#include <string.h>

#define MAX_IGNORE_ENTRIES 100000

void veil_check__ignore_clear(veil_check *c)
{
	for (size_t i = 0; i < c->nign; i++) {
		free(c->ign[i].path);
		free(c->ign[i].rule);
	}
	c->nign = 0;
}

static int is_hex64(const char *s, size_t n)
{
	if (n != 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Splits a line into up to 4 whitespace-separated fields. */
static size_t fields(const char *s, size_t n, const char *f[4], size_t fl[4])
{
	size_t k = 0, i = 0;

	while (i < n && k < 4) {
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
			i++;
		if (i >= n)
			break;
		f[k] = s + i;
		while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			i++;
		fl[k] = (size_t)(s + i - f[k]);
		k++;
	}
	return k;
}

static int add_entry(veil_check *c, const char *f[3], const size_t fl[3])
{
	struct veil_check__ignore *e;

	if (c->nign == c->capign) {
		void *p = veil_array_grow(c->ign, &c->capign, c->nign + 1, sizeof(*c->ign));
		if (!p)
			return VEIL_ENOMEM;
		c->ign = p;
	}
	e = &c->ign[c->nign];
	e->path = strndup(f[0], fl[0]);
	e->rule = strndup(f[1], fl[1]);
	if (!e->path || !e->rule) {
		free(e->path);
		free(e->rule);
		return veil_error_oom();
	}
	memcpy(e->sha256, f[2], 64);
	e->sha256[64] = '\0';
	c->nign++;
	return 0;
}

int veil_check__ignore_parse(veil_check *c, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	unsigned int lineno = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *f[4];
		size_t fl[4], k;
		const char *hash = memchr(p, '#', n);

		lineno++;
		if (hash)
			n = (size_t)(hash - p);
		k = fields(p, n, f, fl);
		if (k == 3 && is_hex64(f[2], fl[2])) {
			int error;

			if (c->nign >= MAX_IGNORE_ENTRIES)
				return veil_error_set(VEIL_ELIMIT,
				                      ".veilignore: more than %d entries",
				                      MAX_IGNORE_ENTRIES);
			error = add_entry(c, f, fl);
			if (error)
				return error;
		} else if (k != 0) {
			return veil_error_set(VEIL_EFORMAT,
			                      ".veilignore:%u: expected \"PATH RULE SHA256\"",
			                      lineno);
		}
		p = nl ? nl + 1 : end;
	}
	return 0;
}

int veil_check__ignored(const veil_check *c, const char *path, const char *rule, const char *sha256)
{
	for (size_t i = 0; i < c->nign; i++) {
		const struct veil_check__ignore *e = &c->ign[i];
		if (!strcmp(e->sha256, sha256) && !strcmp(e->rule, rule) && !strcmp(e->path, path))
			return 1;
	}
	return 0;
}

int veil_check__inline_allowed(const char *text, size_t len, size_t off)
{
	size_t s = off < len ? off : len, e = s;
	static const char mark[] = "veil:allow";

	while (s > 0 && text[s - 1] != '\n')
		s--;
	while (e < len && text[e] != '\n')
		e++;
	return veil_check__memmem(text + s, e - s, mark, sizeof(mark) - 1) != NULL;
}
