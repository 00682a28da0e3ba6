/*
 * Provider token formats: private key blocks, age identities, cloud and
 * SaaS tokens. Each matcher checks the exact shape (prefix, alphabet,
 * length, checksum where the format has one) and drops documentation
 * placeholders, so look-alikes (UUIDs, hashes, sample keys) stay quiet.
 */
#include "check/detect_int.h"
#include "util/bech32.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIX_REMOVE \
	"remove it from the file, rotate it, and keep it encrypted (veil encrypt -i FILE)"

static int is_b64(int ch)
{
	return veil_check__alnum(ch) || ch == '+' || ch == '/' || ch == '=';
}
static int is_alnum(int ch)
{
	return veil_check__alnum(ch);
}
static int is_tokch(int ch)
{
	return veil_check__b64url(ch) || ch == '.';
}
static int is_b32up(int ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= '2' && ch <= '7');
}
static int is_hexc(int ch)
{
	return veil_check__hex(ch);
}
static int is_bech32up(int ch)
{
	return ch && strchr("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", ch) != NULL;
}
static int is_azure(int ch)
{
	return veil_check__b64url(ch) || ch == '~' || ch == '.';
}
static int is_letter(int ch)
{
	return (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z';
}

static int word_before(const struct veil_check__scan *s, size_t at)
{
	return at > 0 && veil_check__b64url((unsigned char)s->b[at - 1]);
}

/* A token body must look random: no placeholder, some entropy. */
static int random_enough(const char *t, size_t n, double min)
{
	return !veil_check__placeholder(t, n) && veil_check__entropy(t, n) > min;
}

/* RFC 1421 / OpenPGP armor header lines ("Proc-Type: 4,ENCRYPTED",
 * "Comment: ...") and the blank line after them. */
static size_t skip_pem_headers(const char *b, size_t i, size_t lim)
{
	for (int k = 0; k < 8; k++) {
		size_t e = i;
		while (e < lim && (b[e] == '\n' || b[e] == '\r'))
			e++;
		if (e + 1 < lim && b[e] == '\\' && b[e + 1] == 'n')
			e += 2;
		i = e;
		while (e < lim && e - i < 120 && b[e] != '\n' && b[e] != ':' && b[e] != '\\')
			e++;
		if (e >= lim || b[e] != ':' || e == i)
			return i;
		while (e < lim && b[e] != '\n' && !(b[e] == '\\' && e + 1 < lim && b[e + 1] == 'n'))
			e++;
		i = e;
	}
	return i;
}

/* -----BEGIN ... PRIVATE KEY----- with a body of at least 64 base64 chars
 * (also inside JSON strings, where line breaks are "\n"). */
size_t veil_check__m_pem(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen)
{
	const char *b = s->b;
	size_t n = s->n, i = at + kwlen, hend, body = 0, end, lim;
	const char *label;

	(void)kw;
	lim = i + 100 < n ? i + 100 : n;
	while (i < lim && b[i] != '\n' && b[i] != '-')
		i++;
	if (i + 5 > n || memcmp(b + i, "-----", 5))
		return at + 1;
	hend = i + 5;
	label = veil_check__memmem(b + at, hend - at, "PRIVATE KEY", 11);
	if (!label)
		return hend;
	lim = hend + 16384 < n ? hend + 16384 : n;
	end = skip_pem_headers(b, hend, lim);
	/* the body: base64 and line breaks (also "\n" inside a string) only */
	for (; end < lim; end++) {
		unsigned char ch = (unsigned char)b[end];
		if (ch == '\\' && end + 1 < lim && (b[end + 1] == 'n' || b[end + 1] == 'r'))
			end++;
		else if (is_b64(ch))
			body++;
		else if (ch != '\n' && ch != '\r' && ch != ' ' && ch != '\t')
			break;
	}
	if (body < 64)
		return hend;
	if (end + 8 <= lim && !memcmp(b + end, "-----END", 8)) {
		const char *close = veil_check__memmem(b + end + 8, lim - end - 8, "-----", 5);
		end = close ? (size_t)(close - b) + 5 : end + 8;
	}
	veil_check__report(s, at, end - at, "private-key", FIX_REMOVE,
	                   veil_check__memmem(b + at, hend - at, "ENCRYPTED", 9)
	                           ? "passphrase-protected private key block"
	                           : "private key block");
	return end;
}

size_t veil_check__m_putty(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen)
{
	const char *p = veil_check__memmem(s->b + at, s->n - at < 4096 ? s->n - at : 4096,
	                                   "Private-Lines:", 14);

	(void)kw;
	if (!p)
		return at + kwlen;
	veil_check__report(s, at, (size_t)(p - s->b) - at, "private-key", FIX_REMOVE,
	                   "PuTTY private key");
	return (size_t)(p - s->b) + 14;
}

/* An age identity: AGE-SECRET-KEY-1 (X25519) or AGE-SECRET-KEY-PQ-1 (the
 * ML-KEM-768 + X25519 hybrid), then 58 bech32 chars with a valid checksum
 * (32 bytes: a scalar, or the hybrid's seed). */
size_t veil_check__m_age(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen)
{
	size_t hrp_len = kwlen, k;
	char *hrp = NULL;
	uint8_t *data = NULL;
	size_t dlen = 0;
	int ok;

	(void)kw;
	if (s->n - at >= kwlen + 3 && !memcmp(s->b + at + kwlen, "PQ-", 3))
		hrp_len += 3;
	if (at + hrp_len >= s->n || s->b[at + hrp_len] != '1')
		return at + kwlen;
	k = veil_check__run(s->b, s->n, at + hrp_len + 1, is_bech32up, 100);
	if (k != 58)
		return at + hrp_len + 1 + k;
	ok = veil_bech32_decode(&hrp, &data, &dlen, s->b + at, hrp_len + 1 + k) == 0 && dlen == 32;
	veil_error_clear();
	if (data)
		sodium_memzero(data, dlen);
	free(data);
	free(hrp);
	if (ok)
		veil_check__report(s, at, hrp_len + 1 + k, "age-secret-key", FIX_REMOVE,
		                   hrp_len > kwlen ? "age post-quantum identity (secret key)"
		                                   : "age identity (secret key)");
	return at + hrp_len + 1 + k;
}

/* AWS access key id: AKIA/ASIA/ABIA/ACCA/A3Tx + 16 base32 chars. */
size_t veil_check__m_aws(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen)
{
	size_t plen = 4, k;

	(void)kw;
	if (word_before(s, at))
		return at + 1;
	if (kwlen == 3 && (at + 3 >= s->n || !(is_b32up((unsigned char)s->b[at + 3]) ||
	                                       (s->b[at + 3] >= '0' && s->b[at + 3] <= '9'))))
		return at + 1;
	k = veil_check__run(s->b, s->n, at + plen, is_b32up, 17);
	if (k != 16 || (at + 20 < s->n && veil_check__b64url((unsigned char)s->b[at + 20])))
		return at + plen + k;
	if (!random_enough(s->b + at + 4, 16, 2.5))
		return at + 20;
	veil_check__report(s, at, 20, "aws-access-key-id", NULL, "AWS access key id");
	return at + 20;
}

struct prefixed {
	const char *prefix;
	const char *rule;
	const char *what;
	int (*cls)(int);
	unsigned short min, max;
	unsigned char bounded; /* needs a non-word char before */
	unsigned char tail;    /* the run must end at a non-word char */
};

static const struct prefixed formats[] = {
	{ "AIza", "gcp-api-key", "Google API key", veil_check__b64url, 35, 35, 1, 1 },
	{ "ghp_", "github-token", "GitHub personal access token", is_alnum, 36, 36, 1, 1 },
	{ "gho_", "github-token", "GitHub OAuth token", is_alnum, 36, 36, 1, 1 },
	{ "ghu_", "github-token", "GitHub user-to-server token", is_alnum, 36, 36, 1, 1 },
	{ "ghs_", "github-token", "GitHub server-to-server token", is_alnum, 36, 36, 1, 1 },
	{ "ghr_", "github-token", "GitHub refresh token", is_alnum, 36, 76, 1, 1 },
	{ "github_pat_", "github-token", "GitHub fine-grained token", veil_check__b64url, 82, 82, 1,
	  1 },
	{ "glpat-", "gitlab-token", "GitLab personal access token", is_tokch, 20, 300, 1, 1 },
	{ "glrt-", "gitlab-token", "GitLab runner token", is_tokch, 20, 300, 1, 1 },
	{ "gldt-", "gitlab-token", "GitLab deploy token", is_tokch, 20, 300, 1, 1 },
	{ "glptt-", "gitlab-token", "GitLab pipeline trigger token", is_tokch, 20, 300, 1, 1 },
	{ "glcbt-", "gitlab-token", "GitLab CI job token", is_tokch, 20, 300, 1, 1 },
	{ "gloas-", "gitlab-token", "GitLab OAuth secret", is_tokch, 20, 300, 1, 1 },
	{ "glsoat-", "gitlab-token", "GitLab SCIM token", is_tokch, 20, 300, 1, 1 },
	{ "glagent-", "gitlab-token", "GitLab agent token", is_tokch, 50, 300, 1, 1 },
	{ "glffct-", "gitlab-token", "GitLab feature flag token", is_tokch, 20, 300, 1, 1 },
	{ "xoxb-", "slack-token", "Slack bot token", veil_check__b64url, 20, 250, 1, 1 },
	{ "xoxp-", "slack-token", "Slack user token", veil_check__b64url, 20, 250, 1, 1 },
	{ "xoxa-", "slack-token", "Slack app token", veil_check__b64url, 20, 250, 1, 1 },
	{ "xoxe-", "slack-token", "Slack config token", veil_check__b64url, 20, 250, 1, 1 },
	{ "xoxs-", "slack-token", "Slack session token", veil_check__b64url, 20, 250, 1, 1 },
	{ "xoxr-", "slack-token", "Slack refresh token", veil_check__b64url, 20, 250, 1, 1 },
	{ "xapp-", "slack-token", "Slack app-level token", veil_check__b64url, 20, 250, 1, 1 },
	{ "sk_live_", "stripe-key", "Stripe live secret key", is_alnum, 20, 250, 1, 1 },
	{ "rk_live_", "stripe-key", "Stripe live restricted key", is_alnum, 20, 250, 1, 1 },
	{ "sk_test_", "stripe-key", "Stripe test secret key", is_alnum, 20, 250, 1, 1 },
	{ "rk_test_", "stripe-key", "Stripe test restricted key", is_alnum, 20, 250, 1, 1 },
	{ "sk_prod_", "stripe-key", "Stripe secret key", is_alnum, 20, 250, 1, 1 },
	{ "npm_", "npm-token", "npm access token", is_alnum, 36, 36, 1, 1 },
	{ "pypi-AgE", "pypi-token", "PyPI upload token", veil_check__b64url, 60, 400, 1, 1 },
	{ "dckr_pat_", "docker-token", "Docker Hub access token", veil_check__b64url, 27, 60, 1,
	  1 },
	{ "AccountKey=", "azure-storage-key", "Azure storage account key", is_b64, 86, 88, 0, 1 },
	{ "SharedAccessKey=", "azure-sas-key", "Azure shared access key", is_b64, 43, 44, 0, 1 },
	{ "hvs.", "vault-token", "HashiCorp Vault service token", veil_check__b64url, 90, 250, 1,
	  1 },
	{ "hvb.", "vault-token", "HashiCorp Vault batch token", veil_check__b64url, 138, 300, 1,
	  1 },
	{ "SG.", "sendgrid-key", "SendGrid API key", is_tokch, 66, 66, 1, 1 },
	{ "dop_v1_", "digitalocean-token", "DigitalOcean token", is_hexc, 64, 64, 1, 1 },
	{ "doo_v1_", "digitalocean-token", "DigitalOcean OAuth token", is_hexc, 64, 64, 1, 1 },
	{ "dor_v1_", "digitalocean-token", "DigitalOcean refresh token", is_hexc, 64, 64, 1, 1 },
	{ "sk-ant-", "anthropic-key", "Anthropic API key", veil_check__b64url, 80, 200, 1, 1 },
	{ "sk-proj-", "openai-key", "OpenAI API key", veil_check__b64url, 40, 250, 1, 1 },
	{ "sk-svcacct-", "openai-key", "OpenAI service account key", veil_check__b64url, 40, 250, 1,
	  1 },
	{ "hf_", "huggingface-token", "Hugging Face token", is_letter, 34, 34, 1, 1 },
	{ "glsa_", "grafana-token", "Grafana service account token", veil_check__b64url, 41, 41, 1,
	  1 },
	{ "shpat_", "shopify-token", "Shopify access token", is_hexc, 32, 32, 1, 1 },
	{ "shpss_", "shopify-token", "Shopify shared secret", is_hexc, 32, 32, 1, 1 },
	{ "shpca_", "shopify-token", "Shopify custom app token", is_hexc, 32, 32, 1, 1 },
	{ "shppa_", "shopify-token", "Shopify private app token", is_hexc, 32, 32, 1, 1 },
	{ "sha256~", "openshift-token", "OpenShift user token", veil_check__b64url, 43, 43, 1, 1 },
	{ "dapi", "databricks-token", "Databricks token", is_hexc, 32, 32, 1, 1 },
};

/* A body made by repeating a shorter piece ("Ab3dE5Ab3dE5..."): a pattern
 * someone typed, not a random token. */
static int patterned(const char *t, size_t n)
{
	for (size_t p = 1; p * 2 <= n; p++) {
		size_t i = p;
		while (i < n && t[i] == t[i - p])
			i++;
		if (i == n)
			return 1;
	}
	return 0;
}

size_t veil_check__m_prefixed(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen)
{
	const struct prefixed *f = NULL;
	size_t k, start = at + kwlen, tok;
	char what[128];
	int crc; /* GitHub's gh?_ tokens: 36 chars end in a CRC-32 of the first 30 */

	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++) {
		if (!strcmp(formats[i].prefix, kw)) {
			f = &formats[i];
			break;
		}
	}
	if (!f || (f->bounded && word_before(s, at)))
		return at + 1;
	k = veil_check__run(s->b, s->n, start, f->cls, (size_t)f->max + 1);
	/* a trailing '.' ends a sentence, not a token */
	while (k > 0 && f->cls == is_tokch && s->b[start + k - 1] == '.')
		k--;
	if (k < f->min || k > f->max)
		return start + k;
	if (f->tail && start + k < s->n && veil_check__b64url((unsigned char)s->b[start + k]))
		return start + k;
	tok = kwlen + k;
	crc = kwlen == 4 && !strcmp(f->rule, "github-token");
	if (!strcmp(kw, "SG.") && s->b[at + 3 + 22] != '.')
		return start + k;
	/* a GitHub token whose checksum matches is one, however it looks */
	if (crc && veil_check__github_checksum(s->b + start, k)) {
		snprintf(what, sizeof(what), "%s (its checksum matches: a real token)", f->what);
		veil_check__report(s, at, tok, f->rule, NULL, what);
		return at + tok;
	}
	if (!random_enough(s->b + start, k, f->cls == is_hexc ? 3.0 : 3.2) ||
	    veil_check__placeholder(s->b + at, tok) || patterned(s->b + start, k))
		return start + k;
	/* a wrong checksum: made up, or damaged in a copy. Reported all the
	 * same, as gitleaks and trufflehog report any token of the right shape:
	 * a hook must not let a real token through on a guess */
	if (crc && k == VEIL_CHECK_GITHUB_BODY)
		snprintf(what, sizeof(what),
		         "%s (its checksum does not match: made up or damaged?)", f->what);
	else
		snprintf(what, sizeof(what), "%s", f->what);
	veil_check__report(s, at, tok, f->rule, NULL, what);
	return at + tok;
}

static size_t b64url_decode(uint8_t *out, size_t cap, const char *in, size_t n)
{
	uint32_t acc = 0;
	size_t bits = 0, o = 0;

	for (size_t i = 0; i < n && o < cap; i++) {
		int ch = (unsigned char)in[i], v;
		if (ch >= 'A' && ch <= 'Z')
			v = ch - 'A';
		else if (ch >= 'a' && ch <= 'z')
			v = ch - 'a' + 26;
		else if (ch >= '0' && ch <= '9')
			v = ch - '0' + 52;
		else if (ch == '-' || ch == '+')
			v = 62;
		else if (ch == '_' || ch == '/')
			v = 63;
		else
			break;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	return o;
}

/* header.payload.signature, the header a JSON object naming "alg". */
size_t veil_check__m_jwt(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen)
{
	const char *b = s->b;
	size_t n = s->n, h, p, g, i;
	uint8_t head[128];
	size_t hl;

	(void)kw;
	if (word_before(s, at))
		return at + kwlen;
	h = veil_check__run(b, n, at, veil_check__b64url, 4096);
	i = at + h;
	if (h < 12 || i + 1 >= n || b[i] != '.')
		return i;
	p = veil_check__run(b, n, i + 1, veil_check__b64url, 65536);
	if (p < 12 || i + 1 + p >= n || b[i + 1 + p] != '.')
		return i + 1 + p;
	g = veil_check__run(b, n, i + 2 + p, veil_check__b64url, 4096);
	if (g < 16)
		return i + 2 + p + g;
	hl = b64url_decode(head, sizeof(head), b + at, h < 160 ? h : 160);
	if (!veil_check__memmem((const char *)head, hl, "\"alg\"", 5) &&
	    !veil_check__memmem((const char *)head, hl, "\"typ\"", 5))
		return i + 2 + p + g;
	veil_check__report(s, at, h + p + g + 2, "jwt", NULL, "JSON Web Token");
	return i + 2 + p + g;
}

/* Azure AD client secret: xxx9Q~ + 31..34 chars. */
size_t veil_check__m_azure_ad(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen)
{
	size_t start, k;

	(void)kw;
	if (at < 4 || !(s->b[at - 1] >= '0' && s->b[at - 1] <= '9'))
		return at + kwlen;
	start = at - 4;
	for (size_t i = start; i < at; i++)
		if (!is_azure((unsigned char)s->b[i]))
			return at + kwlen;
	if (start > 0 && is_azure((unsigned char)s->b[start - 1]))
		return at + kwlen;
	k = veil_check__run(s->b, s->n, at + 2, is_azure, 35);
	if (k < 31 || k > 34)
		return at + 2 + k;
	if (!random_enough(s->b + at + 2, k, 3.5))
		return at + 2 + k;
	veil_check__report(s, start, 6 + k, "azure-client-secret", NULL, "Azure AD client secret");
	return at + 2 + k;
}

static int is_hookch(int ch)
{
	return veil_check__alnum(ch) || ch == '/' || ch == '_' || ch == '-';
}

size_t veil_check__m_slack_hook(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen)
{
	size_t i = at + kwlen, k;
	static const char *const kinds[] = { "services/", "workflows/", "triggers/" };

	(void)kw;
	for (size_t j = 0; j < 3; j++) {
		size_t l = strlen(kinds[j]);
		if (i + l <= s->n && !memcmp(s->b + i, kinds[j], l)) {
			k = veil_check__run(s->b, s->n, i + l, is_hookch, 200);
			if (k >= 40 && random_enough(s->b + i + l, k, 3.5))
				veil_check__report(s, at, kwlen + l + k, "slack-webhook", NULL,
				                   "Slack incoming webhook URL");
			return i + l + k;
		}
	}
	return i;
}

/* GCP service-account key JSON: "type": "service_account" plus a
 * "private_key" holding a key block. Reported at the type line. */
size_t veil_check__m_gcp_sa(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen)
{
	const char *b = s->b, *pk, *id;
	size_t back = at > 40 ? at - 40 : 0, len;

	(void)kw;
	if (at == 0 || b[at - 1] != '"' || !veil_check__memmem(b + back, at - back, "\"type\"", 6))
		return at + kwlen;
	pk = veil_check__memmem(b, s->n, "\"private_key\"", 13);
	if (pk) {
		size_t i = (size_t)(pk - b) + 13;
		while (i < s->n && (b[i] == ' ' || b[i] == ':' || b[i] == '\t'))
			i++;
		pk = i + 11 <= s->n && !memcmp(b + i, "\"-----BEGIN", 11) ? pk : NULL;
	}
	if (!pk)
		return at + kwlen;
	/* the key id names the key; hash it so an ignore entry survives re-formatting */
	id = veil_check__memmem(b, s->n, "\"private_key_id\"", 16);
	if (id) {
		const char *q = memchr(id + 16, '"', (size_t)(b + s->n - id - 16));
		len = q ? veil_check__run(b, s->n, (size_t)(q + 1 - b), is_hexc, 100) : 0;
		if (q && len) {
			int error = veil_check__add(s->c, s->src, at, "gcp-service-account",
			                            VEIL_CHECK_ERROR, q + 1, len, FIX_REMOVE,
			                            "GCP service account key file");
			if (error && !s->error)
				s->error = error;
			return at + kwlen;
		}
	}
	veil_check__report(s, at, kwlen, "gcp-service-account", FIX_REMOVE,
	                   "GCP service account key file");
	return at + kwlen;
}
