/*
 * `veil set` on an index past a list's end appends, as sops set does: a null
 * item goes after the last one, laid out like it (a "- " line at the list's
 * column, or ", null" in flow style and JSON, on a line of its own when the
 * items have theirs), and the caller sets it.
 */
#include "doc/set.h"
#include <stdio.h>
#include <string.h>

size_t veil_doc__line_start(const char *src, size_t i)
{
	while (i > 0 && src[i - 1] != '\n' && src[i - 1] != '\r')
		i--;
	return i;
}

size_t veil_doc__line_end(const char *src, size_t len, size_t i)
{
	while (i < len && src[i] != '\n' && src[i] != '\r')
		i++;
	return i;
}

size_t veil_doc__last_leaf_end(const char *src, const veil_node *n)
{
	size_t s = n->span.start, e;

	while ((n->kind == VEIL_NODE_MAP || n->kind == VEIL_NODE_SEQ) && !n->flow && n->nitems)
		n = n->items[n->nitems - 1];
	e = n->span.end > s ? n->span.end : s;
	while (e > s && strchr(" \t\r\n", src[e - 1]))
		e--;
	return e;
}

int veil_doc__seq_append(char **out, size_t *out_len, const char *src, size_t len,
                         const veil_node *seq, veil_doc_format fmt)
{
	const veil_node *last = NULL;
	const char *nl = memchr(src, '\n', len);
	const char *eol = nl && nl > src && nl[-1] == '\r' ? "\r\n" : "\n";
	char ins[512];
	size_t at, ls, ind;

	for (size_t i = 0; i < seq->nitems; i++)
		if (seq->items[i]->kind != VEIL_NODE_COMMENT)
			last = seq->items[i];
	if (seq->span.end > len || (!last && !(seq->flow || fmt == VEIL_FMT_JSON)))
		return veil_error_set(VEIL_EUNSUPPORTED, "set: cannot append to this list");
	if (!seq->flow && fmt != VEIL_FMT_JSON) {
		at = veil_doc__line_end(src, len, veil_doc__last_leaf_end(src, last));
		ind = seq->span.start - veil_doc__line_start(src, seq->span.start);
		if (ind > 400)
			return veil_error_set(VEIL_EUNSUPPORTED, "set: indentation too deep");
		snprintf(ins, sizeof(ins), "%s%*s- null", eol, (int)ind, "");
	} else if (!last) {
		at = seq->span.end;
		if (!at || src[at - 1] != ']')
			return veil_error_set(VEIL_EUNSUPPORTED, "set: cannot append to this list");
		at--;
		snprintf(ins, sizeof(ins), "null");
	} else {
		/* after the last item, on a line of its own if it has one */
		at = last->span.end;
		ls = veil_doc__line_start(src, last->span.start);
		ind = strspn(src + ls, " \t");
		if (ls > seq->span.start && ind == last->span.start - ls && ind <= 400)
			snprintf(ins, sizeof(ins), ",%s%.*snull", eol, (int)ind, src + ls);
		else
			snprintf(ins, sizeof(ins), ", null");
	}
	return veil_doc__splice2(out, out_len, src, len, at, at, ins, strlen(ins), at, at, NULL, 0);
}

#define FLOW_KEY_MAX 200

int veil_doc__flow_map_add(char **out, size_t *out_len, const char *src, size_t len,
                           const veil_node *map, const char *key)
{
	const veil_node *last = NULL;
	char ins[4 * FLOW_KEY_MAX + 16]; /* every byte may take 4 ("\\x1a") */
	size_t at, n = 0;

	for (size_t i = 0; i < map->nitems; i++)
		if (map->items[i]->kind != VEIL_NODE_COMMENT)
			last = map->items[i];
	if (!last || !map->flow || last->span.end > len || strlen(key) > FLOW_KEY_MAX)
		return veil_error_set(VEIL_EUNSUPPORTED, "set: cannot add a key to this map");
	at = last->span.end;
	n += (size_t)snprintf(ins, sizeof(ins), ", \"");
	for (const char *c = key; *c; c++)
		n += (size_t)snprintf(ins + n, sizeof(ins) - n,
		                      *c == '"' || *c == '\\'    ? "\\%c"
		                      : (unsigned char)*c < 0x20 ? "\\x%02x"
		                                                 : "%c",
		                      (unsigned char)*c);
	snprintf(ins + n, sizeof(ins) - n, "\": null");
	return veil_doc__splice2(out, out_len, src, len, at, at, ins, strlen(ins), at, at, NULL, 0);
}
