/* YAML document markers (yamlmark.h). */
#include "util/yamlmark.h"
#include <string.h>

int veil_yaml_marker(const char *s, size_t len)
{
	int kind;

	if (len < 3)
		return 0;
	if (!memcmp(s, "---", 3))
		kind = VEIL_YAML_DOC_START;
	else if (!memcmp(s, "...", 3))
		kind = VEIL_YAML_DOC_END;
	else
		return 0;
	return len == 3 || memchr(" \t\r\n", s[3], 4) ? kind : 0;
}
