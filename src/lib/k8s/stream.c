/* Splitting a manifest stream into documents without parsing them, so the
 * documents that hold nothing encrypted pass through byte for byte. */
#include "k8s/k8s.h"
#include "util/yamlmark.h"
#include "veil/error.h"
#include "util/array.h"
#include <stdlib.h>
#include <string.h>

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_doc_start(const char *s, size_t len, size_t p)
{
	return veil_yaml_marker(s + p, len - p) == VEIL_YAML_DOC_START;
}

static size_t next_line(const char *s, size_t len, size_t p)
{
	const char *nl = memchr(s + p, '\n', len - p);

	return nl ? (size_t)(nl - s) + 1 : len;
}

static int push(veil_k8s_seg **segs, size_t *n, size_t *cap, size_t start, size_t end)
{
	if (*n == VEIL_K8S_MAX_DOCS)
		return veil_error_set(VEIL_ELIMIT, "more than %u documents in the stream",
		                      VEIL_K8S_MAX_DOCS);
	if (*n == *cap) {
		veil_k8s_seg *g = veil_array_grow(*segs, cap, *n + 1, sizeof(*g));
		if (!g)
			return VEIL_ENOMEM;
		*segs = g;
	}
	(*segs)[*n].start = start;
	(*segs)[*n].end = end;
	(*n)++;
	return 0;
}

static int split_yaml(veil_k8s_seg **segs, size_t *n, size_t *cap, const char *s, size_t len)
{
	size_t start = 0;
	int error;

	for (size_t p = 0; p < len; p = next_line(s, len, p)) {
		if (p > start && is_doc_start(s, len, p)) {
			if ((error = push(segs, n, cap, start, p)) < 0)
				return error;
			start = p;
		}
	}
	return len > start ? push(segs, n, cap, start, len) : 0;
}

/* The end of the JSON object starting at s[p] == '{', or 0 if unbalanced. */
static size_t object_end(const char *s, size_t len, size_t p)
{
	size_t depth = 0;
	int in_str = 0;

	for (; p < len; p++) {
		char c = s[p];
		if (in_str) {
			if (c == '\\')
				p++;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (depth == 0)
				return 0;
			if (--depth == 0)
				return p + 1;
		}
	}
	return 0;
}

static int split_json(veil_k8s_seg **segs, size_t *n, size_t *cap, const char *s, size_t len)
{
	size_t start = 0, p = 0;
	int error;

	for (;;) {
		size_t e;
		while (p < len && is_blank(s[p]))
			p++;
		if (p == len)
			break;
		if (s[p] != '{')
			return veil_error_set(VEIL_EFORMAT,
			                      "JSON stream: expected an object ('{') at byte %zu",
			                      p);
		if (!(e = object_end(s, len, p)))
			return veil_error_set(VEIL_EFORMAT,
			                      "JSON stream: the object at byte %zu is not closed",
			                      p);
		if ((error = push(segs, n, cap, start, e)) < 0)
			return error;
		start = p = e;
	}
	if (start<len && * n> 0)
		(*segs)[*n - 1].end = len; /* trailing blanks stay with the last object */
	else if (start < len)
		return push(segs, n, cap, start, len);
	return 0;
}

int veil_k8s__split(veil_k8s_seg **segs, size_t *n, int *json, const char *src, size_t len)
{
	size_t cap = 0, p = 0;
	int error;

	*segs = NULL;
	*n = 0;
	if (len > VEIL_K8S_MAX_STREAM)
		return veil_error_set(VEIL_ELIMIT, "the stream is larger than %u bytes",
		                      VEIL_K8S_MAX_STREAM);
	while (p < len && is_blank(src[p]))
		p++;
	*json = p < len && src[p] == '{';
	error = *json ? split_json(segs, n, &cap, src, len) : split_yaml(segs, n, &cap, src, len);
	if (error == VEIL_EFORMAT && *json) {
		/* a JSON object followed by "---" and more documents: a YAML
		 * stream whose first document is JSON */
		*n = 0;
		*json = 0;
		error = split_yaml(segs, n, &cap, src, len);
	}
	if (error < 0) {
		free(*segs);
		*segs = NULL;
		*n = 0;
	}
	return error;
}

/* The offset of the first byte of content (after markers, directives,
 * comments and blank lines), or len when there is none. */
static size_t content_start(const char *s, size_t len)
{
	for (size_t p = 0; p < len; p = next_line(s, len, p)) {
		size_t q = p;
		if (is_doc_start(s, len, p)) {
			q += 3; /* "--- value" holds content after the marker */
		} else if (veil_yaml_marker(s + p, len - p) == VEIL_YAML_DOC_END) {
			continue;
		} else if (s[p] == '%') {
			continue; /* a directive */
		}
		while (q < len && (s[q] == ' ' || s[q] == '\t' || s[q] == '\r'))
			q++;
		if (q < len && s[q] != '\n' && s[q] != '#')
			return q;
	}
	return len;
}

int veil_k8s__has_content(const char *s, size_t len)
{
	return content_start(s, len) < len;
}

size_t veil_k8s__json_body(const char *s, size_t len)
{
	size_t q = content_start(s, len), e;

	if (q == len || s[q] != '{' || !(e = object_end(s, len, q)))
		return len;
	/* only blanks may follow: anything else (a comment, more YAML) makes
	 * it a YAML document with a flow mapping in it */
	while (e < len && is_blank(s[e]))
		e++;
	return e == len ? q : len;
}
