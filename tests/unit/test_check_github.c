/* GitHub token checksums: CRC-32 known answers, tokens built here with a
 * right and a wrong checksum, and the placeholders that must stay quiet.
 * Prefixes are split across literals so this file holds no token. */
#include "harness.h"
#include "check/detect_int.h"
#include "veil/check.h"
#include <stdio.h>
#include <string.h>

static const char b62_digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* prefix + body30 + base62(CRC-32(body30)) into out (41 bytes). */
static void make_token(char out[41], const char *prefix, const char *body30)
{
	uint32_t crc = veil_check__crc32(body30, 30);

	memcpy(out, prefix, 4);
	memcpy(out + 4, body30, 30);
	for (int i = 5; i >= 0; i--) {
		out[34 + i] = b62_digits[crc % 62];
		crc /= 62;
	}
	out[40] = '\0';
}

/* The one finding of text (or "" for none) and its message. */
static void scan1(const char *text, char rule[64], char msg[256])
{
	veil_check_options o = VEIL_CHECK_OPTIONS_INIT;
	veil_check *c = NULL;
	veil_check_finding f;

	rule[0] = msg[0] = '\0';
	CHECK_INT(veil_check_new(&c, &o), 0);
	CHECK_INT(veil_check_blob(c, "ci.env", (const uint8_t *)text, strlen(text), 0), 0);
	CHECK(veil_check_count(c, 0) <= 1);
	if (veil_check_count(c, 0) == 1 && veil_check_get(c, 0, &f) == 0) {
		snprintf(rule, 64, "%s", f.rule);
		snprintf(msg, 256, "%s", f.message);
	}
	veil_check_free(c);
}

TEST(test_check_github__crc32_known_answers)
{
	CHECK(veil_check__crc32("", 0) == 0);
	CHECK(veil_check__crc32("123456789", 9) == 0xCBF43926u);
	CHECK(veil_check__crc32("The quick brown fox jumps over the lazy dog", 43) == 0x414FA339u);
	CHECK(veil_check__crc32("a", 1) == 0xE8B7BE43u);
}

TEST(test_check_github__checksum)
{
	char tok[41];

	make_token(tok,
	           "gh"
	           "p_",
	           "k3P9xQ2mZr7LwT5vB8nY1cH4dJ6fG0");
	CHECK(veil_check__github_checksum(tok + 4, 36));
	/* one character off anywhere breaks it */
	tok[10] = tok[10] == 'a' ? 'b' : 'a';
	CHECK(!veil_check__github_checksum(tok + 4, 36));
	make_token(tok,
	           "gh"
	           "p_",
	           "k3P9xQ2mZr7LwT5vB8nY1cH4dJ6fG0");
	tok[39] = tok[39] == 'a' ? 'b' : 'a';
	CHECK(!veil_check__github_checksum(tok + 4, 36));
	/* lower and upper case swapped: the other base62 alphabet (Go's) */
	make_token(tok,
	           "gh"
	           "p_",
	           "k3P9xQ2mZr7LwT5vB8nY1cH4dJ6fG0");
	for (int i = 34; i < 40; i++)
		if ((tok[i] | 0x20) >= 'a' && (tok[i] | 0x20) <= 'z')
			tok[i] ^= 0x20;
	CHECK(strspn(tok + 34, "0123456789") == 6 || !veil_check__github_checksum(tok + 4, 36));
	CHECK(!veil_check__github_checksum(tok + 4, 35));
	CHECK(!veil_check__github_checksum("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", 36));
}

static const char *const quiet[] = {
	"GH_TOKEN=gh"
	"p_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
	"GH_TOKEN=gh"
	"p_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n",
	"GH_TOKEN=gh"
	"p_Ab3dE5Gh9KAb3dE5Gh9KAb3dE5Gh9KAb3dE5\n",
	"GH_TOKEN=gh"
	"p_aB1cD2eF3gH4aB1cD2eF3gH4aB1cD2eF3gH4\n",
	"GH_TOKEN=gh"
	"p_0123456789abcdefghijklmnopqrstuvwxyz\n",
	"GH_TOKEN=gh"
	"p_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789\n",
	"GH_TOKEN=gh"
	"p_<your-token-here>\n",
};

TEST(test_check_github__tokens_and_placeholders)
{
	static const char *const prefixes[] = { "gh"
		                                "p_",
		                                "gh"
		                                "o_",
		                                "gh"
		                                "u_",
		                                "gh"
		                                "s_",
		                                "gh"
		                                "r_" };
	char tok[41], text[128], rule[64], msg[256];

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(*prefixes); i++) {
		make_token(tok, prefixes[i], "Vq8sN2xL5pR9tW3mK7bY1dF6hJ4cZ0");
		snprintf(text, sizeof(text), "GH_TOKEN=%s\n", tok);
		scan1(text, rule, msg);
		CHECK(!strcmp(rule, "github-token"));
		CHECK(strstr(msg, "checksum matches") != NULL);
	}
	/* a right checksum wins over every look-alike heuristic */
	make_token(tok,
	           "gh"
	           "p_",
	           "exampleexampleexampleexample12");
	snprintf(text, sizeof(text), "GH_TOKEN=%s\n", tok);
	scan1(text, rule, msg);
	CHECK(!strcmp(rule, "github-token"));
	/* random-looking, wrong checksum: still reported, and said so */
	make_token(tok,
	           "gh"
	           "p_",
	           "Vq8sN2xL5pR9tW3mK7bY1dF6hJ4cZ0");
	tok[36] = tok[36] == 'Q' ? 'R' : 'Q';
	snprintf(text, sizeof(text), "GH_TOKEN=%s\n", tok);
	scan1(text, rule, msg);
	CHECK(!strcmp(rule, "github-token"));
	CHECK(strstr(msg, "does not match") != NULL);
	/* placeholders and patterns */
	for (size_t i = 0; i < sizeof(quiet) / sizeof(*quiet); i++) {
		scan1(quiet[i], rule, msg);
		CHECK(!strcmp(rule, ""));
	}
}
