/* SealedSecrets: encryptedData is ciphertext (no detector reports it), a
 * literal in spec.template.data/stringData is a plaintext secret. */
#include "harness.h"
#include "veil/check.h"
#include <stdio.h>
#include <string.h>

/* Rules found in text scanned as path, space-separated. */
static void rules_of(const char *path, const char *text, char *out, size_t cap)
{
	veil_check_options o = VEIL_CHECK_OPTIONS_INIT;
	veil_check *c = NULL;
	veil_check_finding f;

	out[0] = '\0';
	CHECK_INT(veil_check_new(&c, &o), 0);
	CHECK_INT(veil_check_blob(c, path, (const uint8_t *)text, strlen(text), 0), 0);
	for (size_t i = 0; i < veil_check_count(c, 0); i++) {
		CHECK_INT(veil_check_get(c, i, &f), 0);
		if (strlen(out) + strlen(f.rule) + 2 < cap) {
			strcat(out, out[0] ? " " : "");
			strcat(out, f.rule);
		}
	}
	veil_check_free(c);
}

#define EXPECT_RULES(path, text, want)                                                 \
	do {                                                                           \
		char got_[256], m_[512];                                               \
		rules_of(path, text, got_, sizeof(got_));                              \
		snprintf(m_, sizeof(m_), "%s: got [%s], want [%s]", path, got_, want); \
		if (strcmp(got_, want))                                                \
			veil_test_fail(__FILE__, __LINE__, m_);                        \
	} while (0)

/* What kubeseal writes: base64 of a 2-byte length, the RSA-sealed session
 * key and the AES-GCM ciphertext; here a made-up short one. */
#define SEALED "AgBy3i4OJSWK+PiTySYZZA9rO43cGDEqAq1xWmT7sYp2Kq9vLfN0dRu8Gh=="

static const char sealed_yaml[] =
        "apiVersion: bitnami.com/v1alpha1\n"
        "kind: SealedSecret\n"
        "metadata:\n  name: db\n  namespace: prod\n"
        "spec:\n"
        "  encryptedData:\n"
        "    password: " SEALED "\n"
        "    api_token: " SEALED "\n"
        "  template:\n"
        "    metadata:\n      name: db\n"
        "    type: Opaque\n"
        "    data:\n"
        "      dsn: 'postgres://app:{{ index . \"password\" }}@db:5432/app'\n";

TEST(test_check_sealed__encrypted_data_is_not_a_secret)
{
	char text[1024];

	EXPECT_RULES("sealed.yaml", sealed_yaml, "");
	/* the same lines outside a SealedSecret are reported: the test can fail */
	snprintf(text, sizeof(text), "db:\n  password: %s\n  api_token: %s\n", SEALED, SEALED);
	EXPECT_RULES("config.yaml", text, "password-assignment secret-assignment");
	/* as JSON */
	EXPECT_RULES("sealed.json",
	             "{\"apiVersion\": \"bitnami.com/v1alpha1\", \"kind\": \"SealedSecret\",\n"
	             " \"metadata\": {\"name\": \"db\"},\n"
	             " \"spec\": {\"encryptedData\": {\"password\": \"" SEALED "\"}}}\n",
	             "");
	/* the old form: the whole Secret sealed in spec.data */
	EXPECT_RULES("old.yaml",
	             "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: o\n"
	             "spec:\n  data: " SEALED "\n",
	             "");
}

TEST(test_check_sealed__template_literals_are_plaintext)
{
	const char *pw = "      password: hunter2-Xq9\n"; /* veil:allow */
	char text[2048];

	snprintf(text, sizeof(text), "%s%s", sealed_yaml, pw);
	EXPECT_RULES("sealed.yaml", text, "k8s-secret-plaintext");
	snprintf(text, sizeof(text),
	         "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: s\n"
	         "spec:\n  encryptedData:\n    token: %s\n  template:\n    stringData:\n"
	         "      pin: \"4711\"\n      empty: \"\"\n",
	         SEALED);
	EXPECT_RULES("sealed.yaml", text, "k8s-secret-plaintext");
}

TEST(test_check_sealed__encrypted_data_that_is_not_base64)
{
	static const char head[] = "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n"
	                           "metadata:\n  name: s\nspec:\n  encryptedData:\n";
	char text[1024];

	/* kubeseal never writes '!' or '_': pasted in plaintext */
	snprintf(text, sizeof(text), "%s    password: hunter2-Xq9!\n", head); /* veil:allow */
	EXPECT_RULES("sealed.yaml", text, "k8s-secret-plaintext");
	snprintf(text, sizeof(text),
	         "%s    token: gh"
	         "p_Zq8vN3xL5pR9tW2mK7bY1dF6hJ4cZ0Vq8sN2\n",
	         head);
	EXPECT_RULES("sealed.yaml", text, "k8s-secret-plaintext");
	/* templates and empty values are not */
	snprintf(text, sizeof(text), "%s    a: \"{{ .Values.sealed.a }}\"\n    b: \"\"\n", head);
	EXPECT_RULES("sealed.yaml", text, "");
}

TEST(test_check_sealed__ciphertext_ranges_end_with_the_object)
{
	char text[2048];

	/* a plaintext Secret after a SealedSecret in the same stream, and a
	 * detector hit after it, are still reported */
	snprintf(text, sizeof(text),
	         "%s---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: p\nstringData:\n"
	         "  token: Zq8vN3xL5pR9tW2mK7bY1dF6\n---\nkind: ConfigMap\ndata:\n" /* veil:allow */
	         "  url: postgres://app:S3cr3t-Xq9w@db:5432/app\n",                 /* veil:allow */
	         sealed_yaml);
	EXPECT_RULES("stream.yaml", text, "k8s-secret-plaintext url-password");
}
