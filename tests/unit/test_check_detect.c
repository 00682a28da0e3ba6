/* veil_check_blob: each detector class, look-alikes, allowlists, reports.
 * Tokens are split across string literals ("AK" "IA...") so this file
 * itself holds nothing the scanner would report. */
#include "harness.h"
#include "veil/check.h"
#include "util/buf.h"
#include <stdlib.h>
#include <string.h>

/* Scans text as path; returns the rules found, space-separated, in *out. */
static size_t scan_with(const char *path, const char *text, unsigned int attrs, char *out,
                        size_t cap, const char *ignore, const char *sops_yaml)
{
	veil_check_options o = VEIL_CHECK_OPTIONS_INIT;
	veil_check *c = NULL;
	veil_check_finding f;
	size_t n = 0;

	out[0] = '\0';
	if (veil_check_new(&c, &o) != 0)
		return (size_t)-1;
	if (ignore)
		CHECK_INT(veil_check_set_ignore(c, ignore, strlen(ignore)), 0);
	if (sops_yaml)
		CHECK_INT(veil_check_set_sops_config(c, sops_yaml, strlen(sops_yaml)), 0);
	CHECK_INT(veil_check_blob(c, path, (const uint8_t *)text, strlen(text), attrs), 0);
	n = veil_check_count(c, 0);
	for (size_t i = 0; i < n; i++) {
		CHECK_INT(veil_check_get(c, i, &f), 0);
		if (strlen(out) + strlen(f.rule) + 2 < cap) {
			strcat(out, out[0] ? " " : "");
			strcat(out, f.rule);
		}
		/* the secret never appears in a finding */
		CHECK(strlen(f.masked) <= 16);
		CHECK(strlen(f.sha256) == 64);
	}
	veil_check_free(c);
	return n;
}

static size_t scan(const char *path, const char *text, char *out, size_t cap)
{
	return scan_with(path, text, 0, out, cap, NULL, NULL);
}

#define EXPECT(path, text, rules)                                                               \
	do {                                                                                    \
		char got_[512];                                                                 \
		scan(path, text, got_, sizeof(got_));                                           \
		if (strcmp(got_, rules) != 0) {                                                 \
			char m_[700];                                                           \
			snprintf(m_, sizeof(m_), "%s: got [%s], want [%s]", path, got_, rules); \
			veil_test_fail(__FILE__, __LINE__, m_);                                 \
		}                                                                               \
	} while (0)

TEST(test_check_detect__provider_tokens)
{
	EXPECT("a.env",
	       "KEY=AK"
	       "IAQ3EGT5IZJ2K7VNW4\n",
	       "aws-access-key-id");
	EXPECT("a.txt",
	       "tok gh"
	       "p_Xq4f9TzL0pWm2vN8rB6sY1cK3hJ7dG5aE0iU\n",
	       "github-token");
	EXPECT("a.txt",
	       "gl"
	       "pat-Zx9QmT4vLp2Ww8RkN3sB\n",
	       "gitlab-token");
	EXPECT("a.py",
	       "t = 'xo"
	       "xb-482910375561-9037156284013-Qw7Er5Ty3Ui1Op9As2Df4Gh6'\n",
	       "slack-token");
	EXPECT("a.rb",
	       "k = 'sk"
	       "_live_4Rt9Yp2Lm7Qx3Vb8Nc6Zs1Kd5'\n",
	       "stripe-key");
	EXPECT("a.npmrc",
	       "//r/:_authToken=np"
	       "m_Qw7Er5Ty3Ui1Op9As2Df4Gh6Jk8Lz0Xc2Vb4\n",
	       "npm-token");
	EXPECT("a.js",
	       "k = \"AI"
	       "zaSyQw7Er5Ty3Ui1Op9As2Df4Gh6Jk8Lz0XcP\"\n",
	       "gcp-api-key");
}

TEST(test_check_detect__private_keys_and_age)
{
	char pem[1024];

	snprintf(pem, sizeof(pem),
	         "-----BEG"
	         "IN OPENSSH PRIVATE KEY-----\n%s\n%s\n-----END OPENSSH "
	         "PRIVATE KEY-----\n",
	         "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
	         "QyNTUxOQAAACBEvQfJm3n1V4w3pZQY8cW6yqQ1kTzBfXo2rN9sD7uH5wAAAJg7bqfIO26n");
	EXPECT("id_ed25519", pem, "private-key");
	/* a placeholder block in documentation is not a key */
	EXPECT("README.md",
	       "-----BEG"
	       "IN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----\n",
	       "");
	/* age identity with a valid bech32 checksum; the same with one char changed is not */
	EXPECT("keys.txt",
	       "AGE-SECRET-"
	       "KEY-1QQQSYQCYQ5RQWZQFPG9SCRGWPUGPZYSNZS23V9CCRYDPK8QARC0SWRYDWG\n",
	       "age-secret-key");
	EXPECT("keys.txt",
	       "AGE-SECRET-"
	       "KEY-1QQQSYQCYQ5RQWZQFPG9SCRGWPUGPZYSNZS23V9CCRYDPK8QARC0SWRYDWQ\n",
	       "");
}

TEST(test_check_detect__look_alikes)
{
	EXPECT("ids.yaml",
	       "id: 123e4567-e89b-42d3-a456-426614174000\n"
	       "token_id: 9f0c3a1e-5b7d-4c2a-8e6f-0a1b2c3d4e5f\n",
	       "");
	EXPECT("log.txt", "commit 3f2a9c0d8b7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a\n", "");
	EXPECT("SUMS", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08  x\n", "");
	EXPECT("docs.md",
	       "aws_access_key_id = AKIAIOSFODNN7EX"
	       "AMPLE\n",
	       "");
	EXPECT("r.txt", "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n", "");
	EXPECT("s.yaml", "password: ENC[AES256_GCM,data:Zm9v,iv:YmFy,tag:YmF6,type:str]\n", "");
	EXPECT("app.py", "DB_PASSWORD = os.environ[\"DB_PASSWORD\"]\npassword_field = 'password'\n",
	       "");
	EXPECT("ci.yml", "GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n", "");
}

TEST(test_check_detect__passwords)
{
	EXPECT("settings.py",
	       "URL = \"postgres://app:Xk9!mQ2v"
	       "Lp@db:5432/app\"\n",
	       "url-password");
	EXPECT("c.yaml",
	       "db:\n  pass"
	       "word: Xk9#mQ2vLp7\n",
	       "password-assignment");
	EXPECT("c.json",
	       "{\"client_sec"
	       "ret\": \"Qw7Er5Ty3Ui1Op9As2Df4Gh6Jk8Lz0Xc\"}\n",
	       "secret-assignment");
	EXPECT("dev.yaml", "url: postgres://user:password@localhost/dev\n", "");
}

TEST(test_check_detect__kubernetes)
{
	EXPECT("s.yaml", "kind: Secret\nstringData:\n  pw: hunter22\n", "k8s-secret-plaintext");
	EXPECT("l.yaml", "kind: List\nitems:\n  - kind: Secret\n    data:\n      a: aGVsbG8=\n",
	       "k8s-secret-plaintext");
	EXPECT("s.json", "{\"kind\":\"Secret\",\"data\":{\"a\":\"aGVsbG8=\"}}",
	       "k8s-secret-plaintext");
	EXPECT("k.yaml", "secretGenerator:\n  - name: a\n    literals: [\"A=b1c2d3e4\"]\n",
	       "kustomize-secret-literal");
	/* a kubeconfig is one by its content, whatever its name */
	EXPECT("kc", "kind: Config\nusers:\n  - name: u\n    user:\n      token: abcdef123456\n",
	       "kubeconfig-credential");
	EXPECT("kc", "users:\n  - name: u\n    user:\n      token: abcdef123456\n",
	       "kubeconfig-credential");
	EXPECT("kubeconfig.yaml",
	       "kind: Config\nusers:\n  - name: u\n    user:\n      token: abcdef123456\n",
	       "kubeconfig-credential");
	EXPECT("h.yaml", "kind: Secret\ndata:\n  a: {{ .Values.a | b64enc }}\n", "");
	EXPECT("e.yaml", "kind: Secret\ndata:\n  a: \"\"\nstringData: {}\n", "");
	/* the decoded data value is scanned too: the finding stays on its line */
	EXPECT("d.yaml", "kind: Secret\ndata:\n  k: QUtJQVEzRUdUNUlaSjJLN1ZOVzQ=\n",
	       "k8s-secret-plaintext aws-access-key-id");
}

TEST(test_check_detect__allowlists)
{
	char got[256];
	const char *text = "KEY=AK"
	                   "IAQ3EGT5IZJ2K7VNW4\n";
	const char *allowed = "KEY=AK"
	                      "IAQ3EGT5IZJ2K7VNW4 # veil"
	                      ":allow\n";
	/* sha256 of the key id */
	const char *ign = "a.env aws-access-key-id "
	                  "93c35298055031e839ddf6de41332a32d5b45669602df621ccddea34d0657036\n";

	CHECK_INT(scan_with("a.env", allowed, 0, got, sizeof(got), NULL, NULL), 0);
	CHECK_INT(scan_with("a.env", text, 0, got, sizeof(got), ign, NULL), 0);
	/* the entry names the path and the rule: elsewhere it does not apply */
	CHECK_INT(scan_with("b.env", text, 0, got, sizeof(got), ign, NULL), 1);
	/* a malformed entry is an error, not silently ignored */
	{
		veil_check_options o = VEIL_CHECK_OPTIONS_INIT;
		veil_check *c = NULL;
		CHECK_INT(veil_check_new(&c, &o), 0);
		CHECK(veil_check_set_ignore(c, "a.env 12\n", 9) < 0);
		veil_check_free(c);
	}
}

TEST(test_check_detect__sops_rules_and_filters)
{
	char got[256];
	const char *rules =
	        "creation_rules:\n  - path_regex: secrets/.*\\.yaml$\n"
	        "    age: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p\n";

	scan_with("secrets/a.yaml", "user: x\n", 0, got, sizeof(got), NULL, rules);
	CHECK_STR(got, "sops-unencrypted");
	scan_with("other/a.yaml", "user: x\n", 0, got, sizeof(got), NULL, rules);
	CHECK_STR(got, "");
	scan_with("x.bin", "plain text\n", VEIL_CHECK_ATTR_FILTER_GITCRYPT, got, sizeof(got), NULL,
	          NULL);
	CHECK_STR(got, "filter-plaintext");
	{
		static const char crypt[] = "\0GITCRYPT\0\1\2\3\4\5\6\7\10\11\12\13\14";
		veil_check_options o = VEIL_CHECK_OPTIONS_INIT;
		veil_check *c = NULL;
		CHECK_INT(veil_check_new(&c, &o), 0);
		CHECK_INT(veil_check_blob(c, "x.bin", (const uint8_t *)crypt, sizeof(crypt) - 1,
		                          VEIL_CHECK_ATTR_FILTER_GITCRYPT),
		          0);
		CHECK_INT(veil_check_count(c, 0), 0);
		veil_check_free(c);
	}
}

TEST(test_check_detect__reports)
{
	veil_check_options o = VEIL_CHECK_OPTIONS_INIT;
	veil_check *c = NULL;
	veil_buf b = VEIL_BUF_INIT(0);
	const char *text = "KEY=AK"
	                   "IAQ3EGT5IZJ2K7VNW4\n";

	CHECK_INT(veil_check_new(&c, &o), 0);
	CHECK_INT(veil_check_blob(c, "dir/a b.env", (const uint8_t *)text, strlen(text), 0), 0);
	CHECK_INT(veil_check_report(c, VEIL_CHECK_FORMAT_TEXT, veil_buf_writer, &b), 0);
	CHECK(strstr((char *)b.data, "dir/a b.env:1:5 aws-access-key-id") != NULL);
	CHECK(strstr((char *)b.data, "Q3EGT5IZ") == NULL);
	veil_buf_clear(&b);
	CHECK_INT(veil_check_report(c, VEIL_CHECK_FORMAT_SARIF, veil_buf_writer, &b), 0);
	CHECK(strstr((char *)b.data, "\"version\":\"2.1.0\"") != NULL);
	CHECK(strstr((char *)b.data, "\"uri\":\"dir/a%20b.env\"") != NULL);
	veil_buf_clear(&b);
	CHECK_INT(veil_check_report(c, VEIL_CHECK_FORMAT_JSON, veil_buf_writer, &b), 0);
	CHECK(strstr((char *)b.data, "\"errors\":1") != NULL);
	veil_buf_dispose(&b);
	veil_check_free(c);
}
