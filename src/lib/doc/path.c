/* Tree paths (["a"][0]) and JSON scalars, as sops's set/unset take them. */
#include "doc/set.h"
#include "util/secret.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int veil_doc_path_parse(veil_doc_path *p, const char *text)
{
	char *c;

	memset(p, 0, sizeof(*p));
	if (!(p->buf = strdup(text)))
		return veil_error_set(VEIL_ENOMEM, "out of memory");
	c = p->buf;
	while (*c) {
		if (p->n == VEIL_DOC_PATH_MAX)
			return veil_error_set(VEIL_EINVAL, "path: more than %d steps",
			                      VEIL_DOC_PATH_MAX);
		if (c[0] != '[')
			return veil_error_set(VEIL_EINVAL, "path: expected '[' at '%s'", c);
		if (c[1] == '"') {
			char *end = strchr(c + 2, '"');
			if (!end || end[1] != ']')
				return veil_error_set(VEIL_EINVAL, "path: unterminated key at '%s'",
				                      c);
			*end = '\0';
			p->key[p->n++] = c + 2;
			c = end + 2;
		} else {
			char *end;
			errno = 0;
			long idx = strtol(c + 1, &end, 10);
			if (end == c + 1 || *end != ']' || idx < 0 || errno)
				return veil_error_set(VEIL_EINVAL, "path: bad index at '%s'", c);
			p->index[p->n++] = idx;
			c = end + 1;
		}
	}
	if (p->n == 0)
		return veil_error_set(VEIL_EINVAL, "path: empty (expected e.g. '[\"a\"][\"b\"]')");
	return 0;
}

void veil_doc_path_free(veil_doc_path *p)
{
	free(p->buf);
	memset(p, 0, sizeof(*p));
}

static veil_node *step(veil_node *n, const veil_doc_path *p, size_t i)
{
	long k = -1;

	if (n->kind == VEIL_NODE_ALIAS)
		n = n->target;
	if (p->key[i])
		return n->kind == VEIL_NODE_MAP ? veil_node_get(n, p->key[i]) : NULL;
	if (n->kind != VEIL_NODE_SEQ)
		return NULL;
	for (size_t j = 0; j < n->nitems; j++)
		if (n->items[j]->kind != VEIL_NODE_COMMENT && ++k == p->index[i])
			return n->items[j];
	return NULL;
}

veil_node *veil_doc_path_find(veil_node *root, const veil_doc_path *p, size_t n)
{
	for (size_t i = 0; root && i < n; i++)
		root = step(root, p, i);
	return root;
}

/* Appends code point cp as UTF-8 at *o. */
static void put_utf8(char **o, unsigned long cp)
{
	unsigned char *u = (unsigned char *)*o;

	if (cp < 0x80) {
		*u++ = (unsigned char)cp;
	} else if (cp < 0x800) {
		*u++ = (unsigned char)(0xc0 | (cp >> 6));
		*u++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*u++ = (unsigned char)(0xe0 | (cp >> 12));
		*u++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		*u++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else {
		*u++ = (unsigned char)(0xf0 | (cp >> 18));
		*u++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
		*u++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		*u++ = (unsigned char)(0x80 | (cp & 0x3f));
	}
	*o = (char *)u;
}

static int hex4(const char *s, unsigned long *cp)
{
	char tmp[5], *end;

	memcpy(tmp, s, 4);
	tmp[4] = '\0';
	if (strlen(tmp) != 4 || strspn(tmp, "0123456789abcdefABCDEF") != 4)
		return -1;
	*cp = strtoul(tmp, &end, 16);
	return 0;
}

/* Decodes the JSON string starting at s (a '"') into out; the closing quote
 * must end the text. Never echoes the value into the message. */
static int json_string(char *out, size_t *len, const char *s)
{
	const char *c = s + 1;
	char *o = out;
	unsigned long cp, lo;

	while (*c && *c != '"') {
		if ((unsigned char)*c < 0x20)
			return veil_error_set(VEIL_EINVAL, "value: control character in a string");
		if (*c != '\\') {
			*o++ = *c++;
			continue;
		}
		c++;
		switch (*c) {
		case '"':
		case '\\':
		case '/':
			*o++ = *c;
			break;
		case 'b':
			*o++ = '\b';
			break;
		case 'f':
			*o++ = '\f';
			break;
		case 'n':
			*o++ = '\n';
			break;
		case 'r':
			*o++ = '\r';
			break;
		case 't':
			*o++ = '\t';
			break;
		case 'u':
			if (hex4(c + 1, &cp) < 0)
				return veil_error_set(VEIL_EINVAL, "value: bad \\u escape");
			c += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && c[1] == '\\' && c[2] == 'u' &&
			    hex4(c + 3, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				c += 6;
			} else if (cp >= 0xd800 && cp < 0xe000) {
				return veil_error_set(VEIL_EINVAL,
				                      "value: lone surrogate in \\u escape");
			}
			put_utf8(&o, cp);
			break;
		default:
			return veil_error_set(VEIL_EINVAL, "value: bad escape in a string");
		}
		c++;
	}
	if (*c != '"' || c[1])
		return veil_error_set(VEIL_EINVAL, "value: a JSON string must end with '\"'");
	*o = '\0';
	*len = (size_t)(o - out);
	return 0;
}

/* JSON's number grammar; *is_int when it has no fraction or exponent. */
static int json_number(const char *s, int *is_int)
{
	const char *c = s;

	if (*c == '-')
		c++;
	if (*c == '0')
		c++;
	else if (*c >= '1' && *c <= '9')
		c += strspn(c, "0123456789");
	else
		return -1;
	*is_int = *c != '.' && *c != 'e' && *c != 'E';
	if (*c == '.') {
		c++;
		if (!strspn(c, "0123456789"))
			return -1;
		c += strspn(c, "0123456789");
	}
	if (*c == 'e' || *c == 'E') {
		c++;
		if (*c == '+' || *c == '-')
			c++;
		if (!strspn(c, "0123456789"))
			return -1;
		c += strspn(c, "0123456789");
	}
	return *c ? -1 : 0;
}

int veil_doc__json_scalar(char **out, size_t *len, veil_scalar_type *type, const char *json)
{
	size_t n;
	int is_int = 0, error = 0;

	json += strspn(json, " \t\r\n");
	n = strlen(json);
	if (!(*out = malloc(n + 1)))
		return veil_error_set(VEIL_ENOMEM, "out of memory");
	memcpy(*out, json, n);
	(*out)[n] = '\0';
	while (n && strchr(" \t\r\n", (*out)[n - 1]))
		(*out)[--n] = '\0';
	*len = n;
	if ((*out)[0] == '"') {
		*type = VEIL_SCALAR_STR;
		error = json_string(*out, len, *out); /* decodes in place: never longer */
	} else if (!strcmp(*out, "true") || !strcmp(*out, "false")) {
		*type = VEIL_SCALAR_BOOL;
	} else if (!strcmp(*out, "null")) {
		*type = VEIL_SCALAR_NULL;
	} else if (json_number(*out, &is_int) == 0) {
		*type = is_int ? VEIL_SCALAR_INT : VEIL_SCALAR_FLOAT;
	} else {
		error = veil_error_set(VEIL_EINVAL,
		                       "value: not JSON (a \"string\", number, true, false, "
		                       "null, an object or a list)");
	}
	if (error < 0) {
		veil_wipe_free(*out, n);
		*out = NULL;
	}
	return error;
}
