/* The one JSON string escaper (util/jsonstr.h). */
#include <stdlib.h>
#include <string.h>
#include "harness.h"
#include "util/jsonstr.h"
#include "veil/error.h"

static char *quote(const char *s, size_t len, unsigned flags, int *code)
{
	veil_buf b = VEIL_BUF_INIT(0);

	*code = veil_json_string(&b, s, len, flags);
	if (*code < 0) {
		veil_buf_dispose(&b);
		return NULL;
	}
	return (char *)veil_buf_detach(&b, NULL);
}

#define EXPECT_QUOTE(s, flags, want)                                     \
	do {                                                             \
		int c_;                                                  \
		char *got_ = quote(s, sizeof(s) - 1, flags, &c_);        \
		CHECK_INT(c_, 0);                                        \
		CHECK(got_ && !strcmp(got_, want));                      \
		if (got_ && strcmp(got_, want))                          \
			fprintf(stderr, "got %s want %s\n", got_, want); \
		free(got_);                                              \
	} while (0)

TEST(test_util_jsonstr__as_go_json_marshal_writes)
{
	EXPECT_QUOTE("a\"b\\c", 0, "\"a\\\"b\\\\c\"");
	EXPECT_QUOTE("l1\nl2\r\t", 0, "\"l1\\nl2\\r\\t\"");
	EXPECT_QUOTE("\x01\x1f", 0, "\"\\u0001\\u001f\"");
	EXPECT_QUOTE("<a&b>", VEIL_JSON_HTML, "\"\\u003ca\\u0026b\\u003e\"");
	EXPECT_QUOTE("<a&b>", 0, "\"<a&b>\"");
	EXPECT_QUOTE("x\xe2\x80\xa8y\xe2\x80\xa9", 0, "\"x\\u2028y\\u2029\"");
	EXPECT_QUOTE("\x7f\xc2\x85é", 0, "\"\x7f\xc2\x85é\"");
}

TEST(test_util_jsonstr__logs_and_yaml_escape_more)
{
	EXPECT_QUOTE("\x7f", VEIL_JSON_LOG, "\"\\u007f\"");
	EXPECT_QUOTE("a\xc2\x85"
	             "b",
	             VEIL_JSON_YAML, "\"a\\u0085b\"");
	EXPECT_QUOTE("a\xff"
	             "b\xe2\x80",
	             VEIL_JSON_LOG,
	             "\"a\xef\xbf\xbd"
	             "b\xef\xbf\xbd\xef\xbf\xbd\"");
}

TEST(test_util_jsonstr__invalid_utf8_is_refused_unless_lossy)
{
	int code;

	CHECK(quote("a\xff", 2, 0, &code) == NULL);
	CHECK_INT(code, VEIL_EFORMAT);
	CHECK(quote("\xed\xa0\x80", 3, 0, &code) == NULL); /* a UTF-16 surrogate */
}
