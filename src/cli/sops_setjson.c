/*
 * `veil set` with a JSON object or list: the value goes into the file as a
 * flow collection written with the value's own tokens (numbers and strings
 * byte for byte: 1.0 stays a float, "\u00e9" stays what it was), which
 * YAML and JSON both read. cJSON validates the value first; the caller
 * re-parses the file and checks the path now holds a collection of the
 * right size.
 */
#include "sops_session.h"
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include "util/buf.h"
#include "util/secret.h"

#define SETJSON_MAX (1u << 20) /* a value bigger than 1 MiB is refused */

/* Copies the JSON string starting at s (its opening quote) into b. */
static const char *copy_string(veil_buf *b, const char *s)
{
	const char *e = s + 1;

	while (*e && *e != '"')
		e += *e == '\\' && e[1] ? 2 : 1;
	return veil_buf_append(b, s, (size_t)(e - s + 1)) < 0 ? NULL : e + 1;
}

/* Re-emits valid JSON text as flow YAML: ", " and ": " between tokens. */
static int reemit(veil_buf *b, const char *s)
{
	while (*s) {
		const char *t = NULL;

		if (strchr(" \t\r\n", *s)) {
			s++;
			continue;
		}
		if (*s == '"') {
			if (!(s = copy_string(b, s)))
				return VEIL_ENOMEM;
			continue;
		}
		if (*s == ',' || *s == ':')
			t = *s == ',' ? ", " : ": ";
		if (t ? veil_buf_append(b, t, 2) < 0 : veil_buf_putc(b, (uint8_t)*s) < 0)
			return VEIL_ENOMEM;
		s++;
	}
	return 0;
}

int veil_cli__json_collection(char **flow, size_t *flow_len, veil_cli_collection *shape,
                              const char *json)
{
	veil_buf b = VEIL_BUF_INIT(2 * SETJSON_MAX);
	const char *end = NULL;
	cJSON *v;
	int error;

	*flow = NULL;
	*flow_len = 0;
	if (strlen(json) > SETJSON_MAX)
		return veil_error_set(VEIL_ELIMIT, "value: larger than %u bytes", SETJSON_MAX);
	v = cJSON_ParseWithOpts(json, &end, 1);
	if (!v || !(cJSON_IsObject(v) || cJSON_IsArray(v))) {
		cJSON_Delete(v);
		return veil_error_set(VEIL_EINVAL, "value: not valid JSON");
	}
	shape->is_map = cJSON_IsObject(v);
	shape->count = (size_t)cJSON_GetArraySize(v);
	cJSON_Delete(v);
	if ((error = reemit(&b, json)) < 0) {
		veil_buf_dispose(&b);
		return error;
	}
	*flow = (char *)veil_buf_detach(&b, flow_len);
	return *flow ? 0 : VEIL_ENOMEM;
}

int veil_cli__text_replace(char **out, size_t *out_len, const char *src, size_t len,
                           const veil_node *n, const char *flow, size_t flow_len)
{
	size_t a = n->span.start, b = n->span.end;
	/* "key:" with an implicit null has an empty span right after ':' */
	int space = a > 0 && !strchr(" \t\r\n[{,", src[a - 1]);

	if (b > len || a > b)
		return veil_error_set(VEIL_ERROR, "set: the value's place is outside the file");
	*out_len = len - (b - a) + (size_t)space + flow_len;
	if (!(*out = malloc(*out_len + 1)))
		return veil_error_set(VEIL_ENOMEM, "out of memory");
	memcpy(*out, src, a);
	if (space)
		(*out)[a] = ' ';
	memcpy(*out + a + space, flow, flow_len);
	memcpy(*out + a + space + flow_len, src + b, len - b);
	(*out)[*out_len] = '\0';
	return 0;
}
