#ifndef VEIL_UTIL_JSONSTR_H
#define VEIL_UTIL_JSONSTR_H
/* JSON string literals: one escaper for documents (as Go's json.Marshal
 * writes them), reports, logs and the YAML double-quoted scalars built from
 * JSON escapes (a YAML double-quoted scalar reads them the same). */
#include "util/buf.h"
#include <stddef.h>

enum {
	/* Go's json.Marshal: < > & as \u003c \u003e \u0026 (HTML safety) */
	VEIL_JSON_HTML = 1u << 0,
	/* each byte that is not UTF-8 written as U+FFFD instead of an error */
	VEIL_JSON_LOSSY = 1u << 1,
	/* DEL (0x7f) escaped too: names an attacker chose, shown on terminals */
	VEIL_JSON_DEL = 1u << 3,
	/* text from untrusted names for logs and reports */
	VEIL_JSON_LOG = VEIL_JSON_LOSSY | VEIL_JSON_DEL,
	/* inside a YAML double-quoted scalar: U+0085 (NEL), a line break to
	 * YAML, escaped as well */
	VEIL_JSON_YAML = 1u << 2,
};

/*
 * Appends s as a quoted JSON string: \" \\ \n \r \t, \u00XX for the other
 * controls, and U+2028 and U+2029 as \u escapes (line breaks to JavaScript
 * and YAML), as Go does. Without VEIL_JSON_LOSSY, VEIL_EFORMAT if s is not
 * UTF-8 (JSON cannot hold it).
 */
int veil_json_string(veil_buf *out, const char *s, size_t len, unsigned flags);

#endif
