/*
 * Tags on YAML scalars, as go-yaml v3 (sops) reads and writes them.
 *
 * "!!binary" holds base64 of any bytes: go-yaml decodes it to a string of
 * those bytes (line breaks in the base64 ignored), so sops encrypts and
 * MACs the bytes, and writes a string that is not UTF-8 back as "!!binary"
 * base64. veil does the same both ways, so a value that is not UTF-8 (a
 * binary file converted to YAML, a file sops wrote from one) round-trips.
 *
 * A standard tag other than !!str cannot stand before an ENC[...] string:
 * go-yaml fails to resolve "!!int ENC[...]" and sops silently reads nil.
 * sops writes its encrypted values without tags, and so does veil: an
 * edit of a scalar whose tag does not fit the new value drops the tag and
 * keeps its anchor. The parser notes where each tagged scalar's
 * properties are; a tag on a line above its value is left alone unless it
 * must go, which is then refused with the reason.
 */
#include <stdlib.h>
#include <string.h>
#include "doc/internal.h"
#include "doc/yaml.h"
#include "util/b64.h"
#include "util/secret.h"
#include "util/utf8.h"

#define CORE       "tag:yaml.org,2002:"
#define BINARY_TAG CORE "binary"

int veil_yaml__tag_is_binary(const char *tag)
{
	return tag && !strcmp(tag, BINARY_TAG);
}

int veil_yaml__binary_decode(veil_doc *doc, const char *text, size_t len, char **out,
                             size_t *out_len)
{
	char *clean = malloc(len + 1);
	uint8_t *bytes = malloc(len / 4 * 3 + 1);
	size_t n = 0, got = 0;
	int error = clean && bytes ? 0 : VEIL_ENOMEM;

	*out = NULL;
	*out_len = 0;
	for (size_t i = 0; i < len && !error; i++) /* Go's base64 skips line breaks */
		if (text[i] != '\n' && text[i] != '\r')
			clean[n++] = text[i];
	if (!error && veil_b64_decode_padded(bytes, len / 4 * 3 + 1, &got, clean, n) < 0)
		error = veil_error_set(VEIL_EFORMAT, "!!binary value contains invalid base64 data");
	if (!error && !(*out = veil_doc__arena_dup(doc, (const char *)bytes, got)))
		error = VEIL_ENOMEM;
	if (error == VEIL_ENOMEM)
		veil_error_oom();
	*out_len = error ? 0 : got;
	veil_wipe_free(bytes, len / 4 * 3 + 1);
	veil_wipe_free(clean, len + 1);
	return error;
}

int veil_yaml__binary_text(veil_buf *out, const char *s, size_t len)
{
	size_t n = veil_b64_padded_len(len);
	char *b64 = malloc(n + 1);
	int error;

	if (!b64)
		return veil_error_oom();
	veil_b64_encode_padded(b64, (const uint8_t *)s, len);
	error = veil_buf_append(out, "!!binary ", 9);
	if (!error)
		error = veil_buf_append(out, b64, n);
	veil_wipe_free(b64, n + 1);
	return error;
}

int veil_yaml__needs_binary(const char *s, size_t len)
{
	return veil_utf8_valid_prefix(s, len) != len;
}

int veil_yaml__tag_note(veil_yaml_state *st, const veil_node *node, size_t props_start,
                        size_t props_end, const char *tag)
{
	veil_yaml_tagged *t;

	if (!tag)
		return 0;
	if (st->ntagged == st->cap_tagged) {
		size_t cap = st->cap_tagged ? 2 * st->cap_tagged : 16;

		if (!(t = realloc(st->tagged, cap * sizeof(*t))))
			return veil_error_oom();
		st->tagged = t;
		st->cap_tagged = cap;
	}
	t = &st->tagged[st->ntagged++];
	t->node = node;
	t->props_start = props_start;
	t->props_end = props_end;
	/* a string tag fits every value veil writes, except !!binary's */
	t->core = !strncmp(tag, CORE, strlen(CORE)) && strcmp(tag, CORE "str");
	return 0;
}

/* The note of node (noted in document order, so sorted by position). */
static const veil_yaml_tagged *find(const veil_yaml_state *st, const veil_node *node)
{
	size_t lo = 0, hi = st ? st->ntagged : 0;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const veil_yaml_tagged *t = &st->tagged[mid];

		if (t->node == node)
			return t;
		if (t->props_start < node->span.start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int veil_yaml__drop_tag(veil_buf *out, size_t *start, const veil_doc *doc, const veil_node *node,
                        const char *value, size_t len, veil_scalar_type type)
{
	const veil_yaml_tagged *t = find(doc->codec_state, node);
	const char *src = doc->src;
	size_t p;
	int error = 0;

	if (!t || !(veil_yaml__needs_binary(value, len) || (t->core && type == VEIL_SCALAR_STR)))
		return 0;
	/* the same value and type under the same tag read back as they were */
	if (type == node->type && len == node->value_len && !memcmp(value, node->value, len))
		return 0;
	for (p = t->props_start; p < *start; p++)
		if (src[p] == '\n' || src[p] == '\r' || src[p] == '#')
			return veil_error_set(
			        VEIL_EUNSUPPORTED,
			        "line %u: the value's tag stands on a line of its own, "
			        "and the new value cannot keep it: put the tag on the "
			        "value's line",
			        node->span.line);
	/* keep the anchor, drop the tag: "&a !!int 5" -> "&a " + new text */
	for (p = t->props_start; p < t->props_end && !error;) {
		size_t q = p;

		while (q < t->props_end && src[q] != ' ' && src[q] != '\t')
			q++;
		if (src[p] == '&')
			error = veil_buf_append(out, src + p, q - p);
		if (!error && src[p] == '&')
			error = veil_buf_putc(out, ' ');
		while (q < t->props_end && (src[q] == ' ' || src[q] == '\t'))
			q++;
		p = q;
	}
	*start = t->props_start;
	return error;
}
