#include <stdint.h>
#include <stdlib.h>
#include "harness.h"
#include "util/buf.h"
#include "util/secret.h"
#include "veil/error.h"
#include "veil/keys.h"

TEST(test_util_buf__append_grows_and_stays_nul_terminated)
{
	veil_buf b = VEIL_BUF_INIT(0);
	size_t i;

	for (i = 0; i < 1000; i++)
		CHECK_INT(veil_buf_putc(&b, (uint8_t)('a' + i % 26)), 0);
	CHECK_INT(b.len, 1000);
	CHECK(b.cap > b.len);
	CHECK_INT(b.data[1000], 0);
	CHECK_INT(b.data[26], 'a');
	CHECK_INT(veil_buf_append(&b, "xyz", 3), 0);
	CHECK_MEM(b.data + 1000, "xyz", 4);
	veil_buf_dispose(&b);
	CHECK(b.data == NULL);
	CHECK_INT(b.len, 0);
}

TEST(test_util_buf__cap_is_enforced)
{
	veil_buf b = VEIL_BUF_INIT(10);

	CHECK_INT(veil_buf_append(&b, "0123456789", 10), 0);
	CHECK_INT(veil_buf_putc(&b, 'x'), VEIL_ELIMIT);
	CHECK_INT(b.len, 10);
	CHECK(b.cap <= 11);
	CHECK_STR((char *)b.data, "0123456789");
	veil_buf_clear(&b);
	CHECK_INT(b.len, 0);
	CHECK_INT(b.data[0], 0);
	CHECK_INT(veil_buf_append(&b, "01234567890", 11), VEIL_ELIMIT);
	CHECK_INT(veil_buf_append(&b, "abc", (size_t)-1), VEIL_ELIMIT);
	veil_buf_dispose(&b);
}

TEST(test_util_buf__printf_appends)
{
	veil_buf b = VEIL_BUF_INIT(0);
	veil_buf small = VEIL_BUF_INIT(8);

	CHECK_INT(veil_buf_printf(&b, "%s=%d", "n", 42), 0);
	CHECK_INT(veil_buf_printf(&b, ";%05u", 7u), 0);
	CHECK_STR((char *)b.data, "n=42;00007");
	CHECK_INT(b.len, 10);
	CHECK_INT(veil_buf_printf(&small, "%s", "123456789"), VEIL_ELIMIT);
	veil_buf_dispose(&b);
	veil_buf_dispose(&small);
}

TEST(test_util_buf__detach_hands_over_storage)
{
	veil_buf b = VEIL_BUF_INIT(0);
	uint8_t *p;
	size_t n = 99;

	p = veil_buf_detach(&b, &n);
	CHECK(p != NULL);
	CHECK_INT(n, 0);
	CHECK(p && p[0] == 0);
	free(p);
	CHECK_INT(veil_buf_append(&b, "hello", 5), 0);
	p = veil_buf_detach(&b, &n);
	CHECK_INT(n, 5);
	CHECK(p && strcmp((char *)p, "hello") == 0);
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
	veil_wipe_free(p, n);
}

TEST(test_util_buf__writer_adapter)
{
	veil_buf b = VEIL_BUF_INIT(4);

	CHECK_INT(veil_buf_writer(&b, (const uint8_t *)"ab", 2), 0);
	CHECK_INT(veil_buf_writer(&b, (const uint8_t *)"cd", 2), 0);
	CHECK_INT(veil_buf_writer(&b, (const uint8_t *)"e", 1), VEIL_ELIMIT);
	CHECK_STR((char *)b.data, "abcd");
	veil_buf_dispose(&b);
}

TEST(test_util_secret__alloc_is_zeroed_and_freeable)
{
	uint8_t *p = veil_secure_alloc(64);
	char *s, *t;
	size_t i, nonzero = 0;

	CHECK(p != NULL);
	if (p) {
		for (i = 0; i < 64; i++)
			nonzero += p[i] != 0;
		CHECK_INT(nonzero, 0);
		memset(p, 0x55, 64);
	}
	veil_secure_free(p);
	veil_secure_free(NULL);
	p = veil_secure_alloc(0);
	CHECK(p != NULL);
	veil_secure_free(p);

	s = veil_secure_alloc(6);
	CHECK(s != NULL);
	if (s)
		memcpy(s, "abcde", 6);
	veil_secret_string_free(s);
	veil_secret_string_free(NULL);

	t = malloc(4);
	CHECK(t != NULL);
	if (t)
		memcpy(t, "key", 4);
	veil_wipe_free_str(t);
	veil_wipe_free_str(NULL);
	veil_wipe_free(NULL, 10);
}
