/* YAML document markers (util/yamlmark.h). */
#include <string.h>
#include "harness.h"
#include "util/yamlmark.h"

#define MARK(s) veil_yaml_marker(s, strlen(s))

TEST(test_util_yamlmark__markers_need_a_blank_or_the_end)
{
	CHECK_INT(MARK("---"), VEIL_YAML_DOC_START);
	CHECK_INT(MARK("---\n"), VEIL_YAML_DOC_START);
	CHECK_INT(MARK("--- # c\n"), VEIL_YAML_DOC_START);
	CHECK_INT(MARK("--- a: 1\n"), VEIL_YAML_DOC_START);
	CHECK_INT(MARK("---\r\n"), VEIL_YAML_DOC_START);
	CHECK_INT(MARK("...\n"), VEIL_YAML_DOC_END);
	CHECK_INT(MARK("...\t"), VEIL_YAML_DOC_END);
	CHECK_INT(MARK("----\n"), 0);
	CHECK_INT(MARK("---a\n"), 0);
	CHECK_INT(MARK("....\n"), 0);
	CHECK_INT(MARK("--\n"), 0);
	CHECK_INT(MARK(" ---\n"), 0);
	CHECK_INT(MARK(""), 0);
}
