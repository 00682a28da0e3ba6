/* The guard's holes of issue 11, each with its reproducer and a variant:
 * detector gaps and false positives, positions of whole-file findings,
 * blobs that used to be skipped (UTF-16, NUL bytes, size), look-alikes of
 * encrypted values. Secrets are split across literals or made at run time
 * so this file holds none the scanner would report. */
#include "harness.h"
#include "util/bech32.h"
#include "util/buf.h"
#include "veil/check.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* Rules found in data[0..len) scanned as path (options o), space-separated. */
static void rules_n(const char *path, const char *data, size_t len, const veil_check_options *o,
                    char *out, size_t cap)
{
	veil_check *c = NULL;
	veil_check_finding f;

	out[0] = '\0';
	CHECK_INT(veil_check_new(&c, o), 0);
	CHECK_INT(veil_check_blob(c, path, (const uint8_t *)data, len, 0), 0);
	for (size_t i = 0; i < veil_check_count(c, 0); i++) {
		CHECK_INT(veil_check_get(c, i, &f), 0);
		CHECK(f.line >= 1 && f.col >= 1);
		if (strlen(out) + strlen(f.rule) + 2 < cap) {
			strcat(out, out[0] ? " " : "");
			strcat(out, f.rule);
		}
	}
	veil_check_free(c);
}

#define EXPECT_N(path, data, len, want)                                                \
	do {                                                                           \
		veil_check_options o_ = VEIL_CHECK_OPTIONS_INIT;                       \
		char got_[512], m_[800];                                               \
		rules_n(path, data, len, &o_, got_, sizeof(got_));                     \
		snprintf(m_, sizeof(m_), "%s: got [%s], want [%s]", path, got_, want); \
		if (strcmp(got_, want))                                                \
			veil_test_fail(__FILE__, __LINE__, m_);                        \
	} while (0)
#define EXPECT(path, text, want) EXPECT_N(path, text, strlen(text), want)

TEST(test_check_guard__url_passwords_with_hash_and_percent)
{
	/* issue 11's reproducer, and the class: '#', '%', '@' in the password
	 * (split before the '@': this file holds no password in a URL) */
	EXPECT("a.env",
	       "DATABASE_URL=postgres://app:9nhF#5di%zJ"
	       "@db\n",
	       "url-password");
	EXPECT("a.yaml",
	       "dsn: mysql://app:%40p9nhF5di"
	       "@db:3306/app\n",
	       "url-password");
	EXPECT("a.py",
	       "URL = 'redis://:Zq8v#N3xL"
	       "@cache:6379/0'\n",
	       "url-password");
	EXPECT("a.txt",
	       "amqp://app:Zq8v"
	       "@N3xL5p"
	       "@mq/vhost\n",
	       "url-password");
	/* no password: a fragment, a query, an e-mail after the host */
	EXPECT("a.txt", "https://host.example.com:8443/#frag@anchor\n", "");
	EXPECT("a.txt", "https://docs.example.com/auth?redirect=admin@example.com\n", "");
	EXPECT("a.txt", "https://host:8080?x=a@b.c\n", "");
	/* a format, not a password */
	EXPECT("a.py", "URL = 'postgres://app:%s@db/app' % pw\n", "");
}

TEST(test_check_guard__post_quantum_age_identities)
{
	uint8_t seed[32];
	char *x = NULL, *pq = NULL, text[256];

	randombytes_buf(seed, sizeof(seed));
	CHECK_INT(veil_bech32_encode(&x, "AGE-SECRET-KEY-", seed, 32, 1), 0);
	CHECK_INT(veil_bech32_encode(&pq, "AGE-SECRET-KEY-PQ-", seed, 32, 1), 0);
	snprintf(text, sizeof(text), "# hybrid key\n%s\n", pq);
	EXPECT("keys.txt", text, "age-secret-key");
	snprintf(text, sizeof(text), "SOPS_AGE_KEY=%s\n", pq);
	EXPECT("a.env", text, "age-secret-key");
	snprintf(text, sizeof(text), "%s\n", x);
	EXPECT("keys.txt", text, "age-secret-key");
	/* one character changed: the checksum fails, no key */
	pq[30] = pq[30] == 'Q' ? 'P' : 'Q';
	snprintf(text, sizeof(text), "%s\n", pq);
	EXPECT("keys.txt", text, "");
	free(x);
	free(pq);
}

TEST(test_check_guard__flags_paths_and_code_references)
{
	/* issue 11's reproducers */
	EXPECT("a.sh", "export HELM_SECRETS_BACKEND_ARGS=\"--verbose --output-type yaml\"\n", "");
	EXPECT("a.env", "HELM_SECRETS_BACKEND=assets/custom.sh\n", ""); /* veil:allow */
	EXPECT("a.go", "\t\tTokenCredential: d.azureTokenCredential,\n", "");
	/* their classes */
	EXPECT("a.env", "SECRET_ARGS=\"--verbose --output-type=yaml\"\n", "");
	EXPECT("a.env", "TOKEN_CMD=/usr/local/bin/get-token.sh\n", "");         /* veil:allow */
	EXPECT("a.env", "SECRETS_HELPER=./scripts/fetch-secret.sh\n", "");      /* veil:allow */
	EXPECT("a.yaml", "clientSecret: settings.azureClientSecretName\n", ""); /* veil:allow */
	EXPECT("a.yaml", "apiToken: azureTokenCredential\n", "");               /* veil:allow */
	/* real secrets with '/', '.' or mixed case still are */
	EXPECT("a.env",
	       "SECRET_KEY=Qw7Er5Ty3U/i1Op9As2Df4Gh6Jk" /* veil:allow */
	       "8LzXc\n",
	       "secret-assignment");
	EXPECT("a.yaml",
	       "token: aB3dE.fG7hI9jK1lMn0pQr" /* veil:allow */
	       "S2tUv\n",
	       "secret-assignment");
	/* under a password key, words can be the password */
	EXPECT("a.yaml",
	       "password: MySuperSec" /* veil:allow */
	       "retPassword\n",
	       "password-assignment");
}

TEST(test_check_guard__templates_in_assignments)
{
	EXPECT("a.env",
	       "DB_PASSWORD="
	       "${DB_PASSWORD:-Sup3rS3cr3tPw}\n",
	       "password-assignment");
	EXPECT("a.env", "DB_PASSWORD=${DB_PASSWORD:-changeme}\n", "");
	EXPECT("a.env", "DB_PASSWORD=${DB_PASSWORD}\n", "");
}

TEST(test_check_guard__whole_file_findings_start_at_line_one)
{
	veil_check_options o = VEIL_CHECK_OPTIONS_INIT;
	veil_check *c = NULL;
	veil_buf b = VEIL_BUF_INIT(0);
	veil_check_finding f;
	const char *rules =
	        "creation_rules:\n  - path_regex: ^secrets/\n"
	        "    age: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n";

	CHECK_INT(veil_check_new(&c, &o), 0);
	CHECK_INT(veil_check_set_sops_config(c, rules, strlen(rules)), 0);
	CHECK_INT(veil_check_blob(c, "secrets/a.yaml", (const uint8_t *)"a: b\n", 5, 0), 0);
	CHECK_INT(veil_check_count(c, 0), 1);
	CHECK_INT(veil_check_get(c, 0, &f), 0);
	CHECK_INT(f.line, 1);
	CHECK_INT(f.col, 1);
	CHECK_STR(f.masked, "");
	CHECK_INT(strlen(f.sha256), 64);
	CHECK_INT(veil_check_report(c, VEIL_CHECK_FORMAT_TEXT, veil_buf_writer, &b), 0);
	CHECK(strstr((char *)b.data, "secrets/a.yaml:1:1 sops-unencrypted") != NULL);
	veil_buf_clear(&b);
	CHECK_INT(veil_check_report(c, VEIL_CHECK_FORMAT_JSON, veil_buf_writer, &b), 0);
	CHECK(strstr((char *)b.data, "\"line\":1,\"column\":1") != NULL);
	veil_buf_clear(&b);
	CHECK_INT(veil_check_report(c, VEIL_CHECK_FORMAT_SARIF, veil_buf_writer, &b), 0);
	CHECK(strstr((char *)b.data, "\"startLine\":1,\"startColumn\":1") != NULL);
	veil_buf_dispose(&b);
	veil_check_free(c);
}

static const char secret_yaml[] = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\n"
                                  "stringData:\n  app.conf: hunter2-unit\n";

/* secret_yaml as UTF-16 (le or be), with or without a BOM, into out. */
static size_t utf16(char *out, int be, int bom)
{
	size_t n = 0;

	if (bom) {
		out[n++] = be ? '\xFE' : '\xFF';
		out[n++] = be ? '\xFF' : '\xFE';
	}
	for (const char *p = secret_yaml; *p; p++) {
		out[n++] = be ? '\0' : *p;
		out[n++] = be ? *p : '\0';
	}
	return n;
}

TEST(test_check_guard__skipped_blobs_are_read)
{
	char buf[512];
	size_t n;

	/* UTF-16 with a BOM, both byte orders, and without one */
	EXPECT_N("s.yaml", buf, utf16(buf, 0, 1), "k8s-secret-plaintext");
	EXPECT_N("s.yaml", buf, utf16(buf, 1, 1), "k8s-secret-plaintext");
	EXPECT_N("s.yaml", buf, utf16(buf, 0, 0), "k8s-secret-plaintext");
	/* a NUL in the first 8000 bytes (git calls the file binary) */
	n = (size_t)snprintf(buf, sizeof(buf), "# x\n%s", secret_yaml);
	buf[2] = '\0';
	EXPECT_N("s.yaml", buf, n, "k8s-secret-plaintext");
	/* binary data: the exact formats are still found, not the heuristics */
	memset(buf, 0, 200);
	n = 200 + (size_t)snprintf(buf + 200, sizeof(buf) - 200,
	                           "AK"
	                           "IAQ3EGT5IZJ2K7VNW4 password=Xk9mQ2vLp7wZ"); /* veil:allow */
	EXPECT_N("blob.bin", buf, n, "aws-access-key-id");
}

TEST(test_check_guard__max_size_says_what_it_skipped)
{
	veil_check_options o = VEIL_CHECK_OPTIONS_INIT;
	char got[256];
	const char *text = "KEY=AK"
	                   "IAQ3EGT5IZJ2K7VNW4\n";

	o.max_scan_size = 10;
	rules_n("a.env", text, strlen(text), &o, got, sizeof(got));
	CHECK_STR(got, "check-skipped");
	/* the Kubernetes check still runs past it */
	rules_n("s.yaml", secret_yaml, strlen(secret_yaml), &o, got, sizeof(got));
	CHECK_STR(got, "k8s-secret-plaintext check-skipped");
}

TEST(test_check_guard__encrypted_look_alikes_are_plaintext)
{
	/* only what sops would decrypt counts as encrypted */
	EXPECT("s.yaml", "kind: Secret\nstringData:\n  a: ENC[hunter2-unit]\n",
	       "k8s-secret-plaintext");
	EXPECT("s.yaml", "kind: Secret\ndata:\n  a: ENC[AES256_GCM,data:aHVudGVy,type:str]\n",
	       "k8s-secret-plaintext");
	EXPECT("s.yaml",
	       "kind: Secret\ndata:\n  a: ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]\n",
	       "k8s-secret-plaintext");
	EXPECT("s.yaml",
	       "kind: Secret\ndata:\n  a: ENC[AES256_GCM,data:Zm9v,"
	       "iv:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=,tag:AAAAAAAAAAAAAAAAAAAAAA==,type:"
	       "str]\n",
	       "");
}

TEST(test_check_guard__fix_hints_say_what_works)
{
	veil_check_options o = VEIL_CHECK_OPTIONS_INIT;
	veil_check *c = NULL;
	veil_check_finding f;
	/* a Secret with a sops block and a key added in plaintext: encrypt
	 * -i would refuse it (203); the hint says veil set, with the path */
	const char *text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\nstringData:\n"
	                   "  app.conf: hunter2-unit\nsops:\n  age:\n    - recipient: "
	                   "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n"
	                   "      enc: x\n  mac: x\n  version: 3.9.0\n"
	                   "  lastmodified: \"2026-01-01T00:00:00Z\"\n  encrypted_regex: "
	                   "^(data|stringData)$\n";

	CHECK_INT(veil_check_new(&c, &o), 0);
	CHECK_INT(veil_check_blob(c, "k8s/s.yaml", (const uint8_t *)text, strlen(text), 0), 0);
	CHECK_INT(veil_check_count(c, 0), 1);
	CHECK_INT(veil_check_get(c, 0, &f), 0);
	CHECK(strstr(f.fix, "veil set --value-stdin k8s/s.yaml '[\"stringData\"][\"app.conf\"]'") !=
	      NULL);
	CHECK(strstr(f.fix, "encrypt -i") == NULL);
	veil_check_free(c);
}
