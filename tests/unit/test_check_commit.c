/* veil_check_set_commit: findings of --history name the commit of their blob,
 * in veil_check_get and in the JSON and SARIF reports. */
#include "harness.h"
#include "veil/check.h"
#include "util/buf.h"
#include <string.h>

static const char commit_a[] = "0123456789abcdef0123456789abcdef01234567";

static int to_buf(void *payload, const uint8_t *data, size_t len)
{
	return veil_buf_append(payload, data, len);
}

/* A Secret with a plaintext value: one finding, whatever the detectors say. */
static const char secret_yaml[] = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\n"
                                  "stringData:\n  pin: \"4711\"\n";

TEST(test_check_commit__findings_name_the_commit)
{
	veil_check_options o = VEIL_CHECK_OPTIONS_INIT;
	veil_check *c = NULL;
	veil_check_finding f;
	veil_buf b = VEIL_BUF_INIT(0);

	CHECK_INT(veil_check_new(&c, &o), 0);
	CHECK_INT(veil_check_set_commit(c, commit_a), 0);
	CHECK_INT(
	        veil_check_blob(c, "a.yaml", (const uint8_t *)secret_yaml, strlen(secret_yaml), 0),
	        0);
	CHECK_INT(veil_check_set_commit(c, NULL), 0);
	CHECK_INT(
	        veil_check_blob(c, "b.yaml", (const uint8_t *)secret_yaml, strlen(secret_yaml), 0),
	        0);
	CHECK_INT((int)veil_check_count(c, 0), 2);
	CHECK_INT(veil_check_get(c, 0, &f), 0);
	CHECK(f.commit && !strcmp(f.commit, commit_a));
	CHECK_INT(veil_check_get(c, 1, &f), 0);
	CHECK(f.commit == NULL);

	CHECK_INT(veil_check_report(c, VEIL_CHECK_FORMAT_JSON, to_buf, &b), 0);
	CHECK_INT(veil_buf_putc(&b, 0), 0);
	CHECK(strstr((char *)b.data, "\"commit\":\"0123456789abcdef0123456789abcdef01234567\"}"));
	/* only the first finding has one */
	CHECK(strstr(strstr((char *)b.data, "\"commit\"") + 1, "\"commit\"") == NULL);
	veil_buf_clear(&b);
	CHECK_INT(veil_check_report(c, VEIL_CHECK_FORMAT_SARIF, to_buf, &b), 0);
	CHECK_INT(veil_buf_putc(&b, 0), 0);
	CHECK(strstr((char *)b.data, "\"commitSha\":\"0123456789abcdef0123456789abcdef01234567\""));
	CHECK(strstr((char *)b.data,
	             "\"properties\":{\"commit\":\"0123456789abcdef0123456789abcdef01234567\"}"));
	veil_buf_dispose(&b);
	veil_check_free(c);
}

TEST(test_check_commit__rejects_what_is_not_an_id)
{
	veil_check_options o = VEIL_CHECK_OPTIONS_INIT;
	veil_check *c = NULL;
	char long_id[80];

	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	CHECK_INT(veil_check_new(&c, &o), 0);
	CHECK_INT(veil_check_set_commit(c, "HEAD"), VEIL_EINVAL);
	CHECK_INT(veil_check_set_commit(c, "abc"), VEIL_EINVAL);
	CHECK_INT(veil_check_set_commit(c, long_id), VEIL_EINVAL);
	long_id[64] = '\0'; /* a SHA-256 repository's id */
	CHECK_INT(veil_check_set_commit(c, long_id), 0);
	veil_check_free(c);
}
