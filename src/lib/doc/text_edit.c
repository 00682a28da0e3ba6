/* Removing and adding map items by splicing the plaintext (see sops_session.h). */
#include "doc/set.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* src without [a, b), plus ins at a; malloc'd. */
static int splice(char **out, size_t *out_len, const char *src, size_t len, size_t a, size_t b,
                  const char *ins)
{
	size_t n = ins ? strlen(ins) : 0;

	*out_len = len - (b - a) + n;
	if (!(*out = malloc(*out_len + 1)))
		return veil_error_oom();
	memcpy(*out, src, a);
	if (n)
		memcpy(*out + a, ins, n);
	memcpy(*out + a + n, src + b, len - b);
	(*out)[*out_len] = '\0';
	return 0;
}

static size_t skip_space_back(const char *src, size_t i)
{
	while (i > 0 && strchr(" \t\r\n", src[i - 1]))
		i--;
	return i;
}

static size_t skip_space(const char *src, size_t len, size_t i)
{
	while (i < len && strchr(" \t\r\n", src[i]))
		i++;
	return i;
}

/* The start of the line holding i when only indentation (and a YAML "- ")
 * precedes i on it, else (size_t)-1. */
static size_t own_line_start(const char *src, size_t i, int dash)
{
	size_t ls = i;

	while (ls > 0 && src[ls - 1] != '\n')
		ls--;
	for (size_t k = ls; k < i; k++)
		if (src[k] != ' ' && src[k] != '\t' && !(dash && src[k] == '-'))
			return (size_t)-1;
	return ls;
}

/* Just past the newline ending the line holding i when only blanks, a
 * comma or a comment follow i on it, else (size_t)-1. */
static size_t own_line_end(const char *src, size_t len, size_t i)
{
	size_t k = i;

	while (k < len && strchr(" \t\r,", src[k]))
		k++;
	if (k < len && (src[k] == '#' || src[k] == ';'))
		while (k < len && src[k] != '\n')
			k++;
	if (k < len && src[k] != '\n')
		return (size_t)-1;
	return k < len ? k + 1 : k;
}

int veil_doc__text_remove(char **out, size_t *out_len, const char *src, size_t len,
                          const veil_node *item, veil_doc_format fmt)
{
	size_t start = item->key ? item->key_span.start : item->span.start;
	size_t end = item->span.end, ls, le, after, before;
	int json = fmt == VEIL_FMT_JSON;

	if (fmt == VEIL_FMT_JSON && start > 0 && src[start - 1] == '"' && item->key)
		start--; /* the key's span may leave out its opening quote */
	if (start > end || end > len)
		return veil_error_set(VEIL_ERROR, "unset: item spans out of order");
	after = skip_space(src, len, end);
	before = skip_space_back(src, start);
	ls = own_line_start(src, start, !item->key);
	le = own_line_end(src, len, end);
	if (ls != (size_t)-1 && le != (size_t)-1) {
		/* JSON's last item: the comma to drop ends the previous item */
		if (json && !(after < len && src[after] == ',') && before > 0 &&
		    src[before - 1] == ',')
			return splice(out, out_len, src, len, before - 1,
			              le - (le > 0 && src[le - 1] == '\n'), NULL);
		/* the separating comma may start a later line ("\n , next") */
		if (json && after >= le && after < len && src[after] == ',')
			return veil_doc__splice2(out, out_len, src, len, ls, le, "", 0, after,
			                         after + 1, NULL, 0);
		return splice(out, out_len, src, len, ls, le, NULL);
	}
	/* only a flow collection can lose an item's bytes alone: elsewhere
	 * (a YAML "- a: 1" line) that would change the structure around it */
	if ((fmt != VEIL_FMT_JSON && fmt != VEIL_FMT_YAML) || !item->parent ||
	    !(item->parent->flow || fmt == VEIL_FMT_JSON))
		return veil_error_set(VEIL_EUNSUPPORTED,
		                      "unset: the item shares its line with others; edit the "
		                      "file with veil edit instead");
	/* flow style: the item and one separating comma */
	if (after < len && src[after] == ',')
		return splice(out, out_len, src, len, start, skip_space(src, len, after + 1), NULL);
	if (before > 0 && src[before - 1] == ',')
		return splice(out, out_len, src, len, before - 1, end, NULL);
	return splice(out, out_len, src, len, start, end, NULL);
}

static int plain_key(const char *key)
{
	return *key &&
	       strspn(key, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
	               strlen(key);
}

int veil_doc__text_insert(char **out, size_t *out_len, const char *src, size_t len,
                          const veil_node *map, const char *key, veil_doc_format fmt)
{
	const veil_node *last = NULL;
	const char *nl = memchr(src, '\n', len);
	/* the file's line break: a CRLF file gets CRLF lines */
	const char *eol = nl && nl > src && nl[-1] == '\r' ? "\r\n" : "\n";
	char line[512];
	size_t ls, le, at;
	int error;

	if (!plain_key(key) || strlen(key) > 200)
		return veil_error_set(VEIL_EUNSUPPORTED,
		                      "set: a new key must be letters, digits, '_', '.' or '-'");
	for (size_t i = 0; i < map->nitems; i++)
		if (map->items[i]->kind != VEIL_NODE_COMMENT)
			last = map->items[i];
	if (fmt == VEIL_FMT_DOTENV) {
		at = len;
		error = snprintf(line, sizeof(line), "%s%s=%s",
		                 len && src[len - 1] != '\n' ? eol : "", key, eol) < 0;
		return error ? VEIL_ERROR : splice(out, out_len, src, len, at, at, line);
	}
	if ((fmt != VEIL_FMT_YAML && fmt != VEIL_FMT_JSON && fmt != VEIL_FMT_INI) || !last ||
	    !last->key || map->flow || last->key_span.end > len)
		return veil_error_set(VEIL_EUNSUPPORTED,
		                      "set: a new key can only be added to a non-empty block map "
		                      "of a YAML or JSON file, an INI section, or a dotenv file");
	ls = last->key_span.start;
	while (ls > 0 && src[ls - 1] != '\n')
		ls--;
	size_t indent = strspn(src + ls, " \t");
	if (indent > 200 || last->key_span.start - ls > 200)
		return veil_error_set(VEIL_EUNSUPPORTED, "set: indentation too deep");
	if (fmt == VEIL_FMT_JSON) {
		at = last->span.end;
		snprintf(line, sizeof(line), ",%s%.*s\"%s\": null", eol, (int)indent, src + ls,
		         key);
		return splice(out, out_len, src, len, at, at, line);
	}
	/* after the last item's last line (a nested block map's own span runs
	 * on), at its key's column ("- a: 1" puts it after the "- ") */
	le = own_line_end(src, len,
	                  fmt == VEIL_FMT_YAML ? veil_doc__last_leaf_end(src, last)
	                                       : last->span.end);
	if (le == (size_t)-1)
		return veil_error_set(VEIL_EUNSUPPORTED,
		                      "set: the map's last item is not on its own line");
	if (fmt == VEIL_FMT_YAML)
		snprintf(line, sizeof(line), "%s%*s%s: null%s",
		         le && src[le - 1] != '\n' ? eol : "", (int)(last->key_span.start - ls), "",
		         key, eol);
	else
		snprintf(line, sizeof(line), "%s%.*s%s = x%s", le && src[le - 1] != '\n' ? eol : "",
		         (int)indent, src + ls, key, eol);
	return splice(out, out_len, src, len, le, le, line);
}
