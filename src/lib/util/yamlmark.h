#ifndef VEIL_UTIL_YAMLMARK_H
#define VEIL_UTIL_YAMLMARK_H
/* YAML's document markers, for the code that cuts streams into documents
 * without parsing them (the k8s stream, the KRM list, the large-file
 * pieces, the checker's restart after a syntax error). */
#include <stddef.h>

enum { VEIL_YAML_DOC_START = 1, VEIL_YAML_DOC_END = 2 };

/* VEIL_YAML_DOC_START for "---", VEIL_YAML_DOC_END for "..." at s (the
 * start of a line) followed by the end, a blank or a line break; else 0.
 * Such a line cannot occur inside content (YAML's c-forbidden). */
int veil_yaml_marker(const char *s, size_t len);

#endif
