/*
 * One keyword pass over a buffer, then the matcher of each keyword that
 * occurs. The pass looks at every byte once through a 64 Ki-bit table of
 * case-folded byte pairs that start some keyword; only at a pair hit are
 * the keywords of that first byte compared. Most bytes of ordinary code
 * cost one table lookup.
 */
#include "git/detect_int.h"
#include <pthread.h>
#include <string.h>

struct kw {
	const char *word;
	unsigned char icase;
	veil_check__matcher fn;
};

#define P veil_check__m_prefixed
static const struct kw keywords[] = {
	{"-----BEGIN", 0, veil_check__m_pem},
	{"PuTTY-User-Key-File-", 0, veil_check__m_putty},
	{"AGE-SECRET-KEY-1", 0, veil_check__m_age},
	{"AKIA", 0, veil_check__m_aws},
	{"ASIA", 0, veil_check__m_aws},
	{"ABIA", 0, veil_check__m_aws},
	{"ACCA", 0, veil_check__m_aws},
	{"A3T", 0, veil_check__m_aws},
	{"AIza", 0, P},
	{"service_account", 0, veil_check__m_gcp_sa},
	{"ghp_", 0, P},
	{"gho_", 0, P},
	{"ghu_", 0, P},
	{"ghs_", 0, P},
	{"ghr_", 0, P},
	{"github_pat_", 0, P},
	{"glpat-", 0, P},
	{"glrt-", 0, P},
	{"gldt-", 0, P},
	{"glptt-", 0, P},
	{"glcbt-", 0, P},
	{"gloas-", 0, P},
	{"glsoat-", 0, P},
	{"glagent-", 0, P},
	{"glffct-", 0, P},
	{"xoxb-", 0, P},
	{"xoxp-", 0, P},
	{"xoxa-", 0, P},
	{"xoxe-", 0, P},
	{"xoxs-", 0, P},
	{"xoxr-", 0, P},
	{"xapp-", 0, P},
	{"hooks.slack.com/", 0, veil_check__m_slack_hook},
	{"sk_live_", 0, P},
	{"rk_live_", 0, P},
	{"sk_test_", 0, P},
	{"rk_test_", 0, P},
	{"sk_prod_", 0, P},
	{"npm_", 0, P},
	{"pypi-AgE", 0, P},
	{"dckr_pat_", 0, P},
	{"eyJ", 0, veil_check__m_jwt},
	{"AccountKey=", 0, P},
	{"SharedAccessKey=", 0, P},
	{"Q~", 0, veil_check__m_azure_ad},
	{"hvs.", 0, P},
	{"hvb.", 0, P},
	{"SG.", 0, P},
	{"dop_v1_", 0, P},
	{"doo_v1_", 0, P},
	{"dor_v1_", 0, P},
	{"sk-ant-", 0, P},
	{"sk-proj-", 0, P},
	{"sk-svcacct-", 0, P},
	{"hf_", 0, P},
	{"glsa_", 0, P},
	{"shpat_", 0, P},
	{"shpss_", 0, P},
	{"shpca_", 0, P},
	{"shppa_", 0, P},
	{"sha256~", 0, P},
	{"dapi", 0, P},
	{"://", 0, veil_check__m_url},
	{"passw", 1, veil_check__m_kv},
	{"passphrase", 1, veil_check__m_kv},
	{"pwd", 1, veil_check__m_kv},
	{"secret", 1, veil_check__m_kv},
	{"token", 1, veil_check__m_kv},
	{"apikey", 1, veil_check__m_kv},
	{"api_key", 1, veil_check__m_kv},
	{"api-key", 1, veil_check__m_kv},
	{"access_key", 1, veil_check__m_kv},
	{"accesskey", 1, veil_check__m_kv},
	{"private_key", 1, veil_check__m_kv},
	{"credential", 1, veil_check__m_kv},
	{"auth", 1, veil_check__m_kv},
};
#undef P

#define NKW (sizeof(keywords) / sizeof(*keywords))

static uint8_t pairs[65536 / 8];
static uint8_t kwlen[NKW];
/* keywords by a hash of their folded first two bytes: indexes, 0xff-terminated */
#define NBUCKETS 512
#define BUCKET(pair) ((((pair) >> 8) * 31u + ((pair) & 0xffu)) & (NBUCKETS - 1))
static uint8_t bucket[NBUCKETS][16]; /* at most 15 keywords share a bucket */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static inline unsigned char fold(unsigned char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (unsigned char)(ch | 0x20) : ch;
}

static void build(void)
{
	memset(bucket, 0xff, sizeof(bucket));
	for (size_t i = 0; i < NKW; i++) {
		const unsigned char *w = (const unsigned char *)keywords[i].word;
		unsigned int pair = (unsigned int)fold(w[0]) << 8 | fold(w[1]);
		uint8_t *slot = bucket[BUCKET(pair)];

		kwlen[i] = (uint8_t)strlen(keywords[i].word);
		pairs[pair >> 3] |= (uint8_t)(1u << (pair & 7));
		while (*slot != 0xff)
			slot++;
		*slot = (uint8_t)i;
	}
}

static int kw_at(const char *b, size_t n, size_t i, size_t k)
{
	const struct kw *w = &keywords[k];
	size_t len = kwlen[k];

	if (i + len > n)
		return 0;
	if (!w->icase)
		return !memcmp(b + i, w->word, len);
	for (size_t j = 0; j < len; j++)
		if (fold((unsigned char)b[i + j]) != (unsigned char)w->word[j])
			return 0;
	return 1;
}

int veil_check__detect(veil_check *c, const veil_check__src *src, const char *buf, size_t len)
{
	struct veil_check__scan s = {c, src, buf, len, 0};
	const unsigned char *b = (const unsigned char *)buf;
	size_t i = 0;

	pthread_once(&once, build);
	if (len < 2)
		return 0;
	while (i + 1 < len) {
		unsigned int pair = (unsigned int)fold(b[i]) << 8 | fold(b[i + 1]);
		size_t next = i + 1;

		if (pairs[pair >> 3] & (1u << (pair & 7))) {
			const uint8_t *slot = bucket[BUCKET(pair)];
			for (; *slot != 0xff; slot++) {
				if (kw_at(buf, len, i, *slot)) {
					next = keywords[*slot].fn(&s, i, keywords[*slot].word,
					                          kwlen[*slot]);
					if (next <= i)
						next = i + 1;
					break;
				}
			}
			if (s.error)
				return s.error;
		}
		i = next;
	}
	return 0;
}

void veil_check__report(struct veil_check__scan *s, size_t off, size_t len, const char *rule,
                        const char *fix, const char *what)
{
	int error;

	if (s->error)
		return;
	error = veil_check__add(s->c, s->src, off, rule, VEIL_CHECK_ERROR, s->b + off, len, fix,
	                        "%s", what);
	if (error)
		s->error = error;
}
