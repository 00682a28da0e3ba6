/*
 * Secrets without a provider prefix: the password of a URL
 * (scheme://user:pass@host), and values assigned to secret-like keys
 * (password: ..., "apiToken": "...", DB_PASS=...). The key decides the
 * bar: passwords need two character classes, tokens and secrets need
 * length and entropy. References (${VAR}, {{ tmpl }}, function calls,
 * names of other settings) and placeholders are never reported.
 */
#include "check/detect_int.h"
#include <pthread.h>
#include <stdint.h>
#include <string.h>

static int is_scheme(int ch)
{
	return veil_check__alnum(ch) || ch == '+' || ch == '.' || ch == '-';
}

/* Where a URL's authority (user:password@host:port) can end: a password
 * may hold '#', '%', ',', ';' or brackets when an '@' still follows, but
 * not '/' or '?' (the path and the query start there) or a blank or quote
 * (the text around the URL). */
static int authority_end(int ch)
{
	return ch <= ' ' || ch == '/' || ch == '?' || ch == '"' || ch == '\'' || ch == '`' ||
	       ch == '<' || ch == '>' || ch == '\\' || ch == 0x7f;
}

static int placeholder_password(const char *p, size_t n)
{
	static const char *const words[] = { "password", "pass",  "passwd", "pwd",      "secret",
		                             "pw",       "token", "user",   "changeit", "test" };

	if (n < 3 || p[0] == '$' || p[0] == '{' || p[0] == '*' || p[0] == '[')
		return 1;
	/* %s, %(password)s, %PASSWORD%: a format; %40 is an escaped '@' */
	if (p[0] == '%' &&
	    !(veil_check__hex((unsigned char)p[1]) && veil_check__hex((unsigned char)p[2])))
		return 1;
	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (strlen(words[i]) == n && !strncasecmp(words[i], p, n))
			return 1;
	return veil_check__placeholder(p, n);
}

size_t veil_check__m_url(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen)
{
	const char *b = s->b;
	size_t st = at, i = at + kwlen, at_sign = 0, colon = 0;

	(void)kw;
	while (st > 0 && at - st < 32 && is_scheme((unsigned char)b[st - 1]))
		st--;
	if (st == at || !veil_check__alnum((unsigned char)b[st]))
		return at + kwlen;
	/* user:password@host: the last '@' of the authority ends the
	 * password (as Go's url.Parse reads it), the first ':' starts it */
	for (; i < s->n && i - at < 512 && !authority_end((unsigned char)b[i]); i++) {
		if (b[i] == '@')
			at_sign = i;
		else if (b[i] == ':' && !colon && !at_sign)
			colon = i;
	}
	/* no password: resume right after "://", a provider detector may
	 * still want the rest (hooks.slack.com/...) */
	if (!at_sign || !colon || colon > at_sign || colon + 1 == at_sign ||
	    placeholder_password(b + colon + 1, at_sign - colon - 1))
		return at + kwlen;
	veil_check__report(s, colon + 1, at_sign - colon - 1, "url-password", NULL,
	                   "password in a connection string");
	return i;
}

static int is_keych(int ch)
{
	return veil_check__alnum(ch) || ch == '_' || ch == '-' || ch == '.';
}

static int icontains(const char *s, size_t n, const char *w)
{
	char buf[128];

	return strstr(veil_check__lower(buf, sizeof(buf), s, n), w) != NULL;
}

static int iends(const char *s, size_t n, const char *w)
{
	size_t wl = strlen(w);

	return n >= wl && !strncasecmp(s + n - wl, w, wl);
}

/* Parts of keys that name or point at a secret rather than hold it. */
static const char *const ref_parts[] = {
	"name",     "ref",       "file",     "path",     "url",           "uri",      "type",
	"policy",   "length",    "field",    "format",   "hash",          "sha",      "checksum",
	"digest",   "prompt",    "label",    "descr",    "regex",         "pattern",  "template",
	"header",   "count",     "timeout",  "ttl",      "expir",         "size",     "enabled",
	"required", "mode",      "version",  "endpoint", "issuer",        "audience", "scope",
	"kind",     "provider",  "manager",  "store",    "generator",     "mount",    "volume",
	"dir",      "param",     "method",   "selector", "secretkey_ref", "env",      "arn",
	"hint",     "rotation",  "lifetime", "validity", "strength",      "reset",    "forgot",
	"confirm",  "display",   "class",    "author",   "tokenizer",     "module",   "attr",
	"reader",   "_id",       "-id",      "cache",    "flow",          "input",    "placeholder",
	"text",     "title",     "message",  "error",    "variable",      "_var",     "encrypt",
	"cipher",   "algorithm", "location", "key_id",   "keyid",         "verify",   "service",
	"valid",    "length",
};
#define NPARTS (sizeof(ref_parts) / sizeof(*ref_parts))

/* The parts by their first byte (indexes, 0xff-terminated) and their
 * lengths: a key costs a look at each of its bytes, not a strstr per part. */
static uint8_t parts_at[256][16];
static uint8_t parts_len[NPARTS];
static pthread_once_t parts_once = PTHREAD_ONCE_INIT;

static void parts_build(void)
{
	memset(parts_at, 0xff, sizeof(parts_at));
	for (size_t i = 0; i < NPARTS; i++) {
		uint8_t *slot = parts_at[(unsigned char)ref_parts[i][0]];
		while (*slot != 0xff)
			slot++;
		*slot = (uint8_t)i;
		parts_len[i] = (uint8_t)strlen(ref_parts[i]);
	}
}

/* Keys that name or point at a secret rather than hold it. */
static int reference_key(const char *k, size_t n)
{
	char buf[128];
	size_t len;

	pthread_once(&parts_once, parts_build);
	veil_check__lower(buf, sizeof(buf), k, n);
	len = n < sizeof(buf) ? n : sizeof(buf) - 1;
	/* strstr(buf, part) for some part: key bytes are never NUL */
	for (size_t p = 0; p < len; p++) {
		for (const uint8_t *slot = parts_at[(unsigned char)buf[p]]; *slot != 0xff; slot++) {
			const char *w = ref_parts[*slot];
			size_t wl = parts_len[*slot], j = 1;

			if (wl > len - p)
				continue;
			while (j < wl && buf[p + j] == w[j])
				j++;
			if (j == wl)
				return 1;
		}
	}
	return iends(k, n, "id") && n > 2 &&
	       (k[n - 3] == '_' || k[n - 3] == '-' || (k[n - 2] == 'I'));
}

static int is_uuid(const char *v, size_t n)
{
	if (n != 36)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (v[i] != '-')
				return 0;
		} else if (!veil_check__hex((unsigned char)v[i])) {
			return 0;
		}
	}
	return 1;
}

/* An identifier made of words (azureTokenCredential, token_file, TOKEN):
 * no digit but at its end, and case changes no more often than words
 * change (a random mixed-case string changes case every other letter). */
static int wordy(const char *v, size_t n)
{
	size_t upper = 0, letters = 0, digits_end = n;

	while (digits_end > 0 && v[digits_end - 1] >= '0' && v[digits_end - 1] <= '9')
		digits_end--;
	for (size_t i = 0; i < digits_end; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (ch >= 'A' && ch <= 'Z')
			upper++;
		else if (!(ch >= 'a' && ch <= 'z') && ch != '_' && ch != '$')
			return 0;
		letters += ch != '_' && ch != '$';
	}
	/* ALL_CAPS, lowercase, or words of three letters and more */
	return upper == 0 || upper == letters || letters >= 3 * upper;
}

/* A path segment: words joined by '.', '_' or '-' (custom.sh, get-token,
 * v1.2.3), each made of words. */
static int wordy_segment(const char *v, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t s = i;
		while (i < n && veil_check__alnum((unsigned char)v[i]))
			i++;
		if (i > s && !wordy(v + s, i - s) && !(i - s <= 3))
			return 0;
		i++;
	}
	return 1;
}

/* One identifier of words, no separator (azureTokenCredential). */
static int wordy_identifier(const char *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((v[i] | 0x20) >= 'a' && (v[i] | 0x20) <= 'z'))
			return 0;
	return wordy(v, n);
}

/* A reference in code: a.b.c, each part an identifier made of words
 * (d.azureTokenCredential, self.config.token, Values.auth.password). */
static int code_reference(const char *v, size_t n)
{
	size_t i = 0, parts = 0;

	while (i < n) {
		size_t s = i;
		if (!((v[i] | 0x20) >= 'a' && (v[i] | 0x20) <= 'z') && v[i] != '_' && v[i] != '$')
			return 0;
		while (i < n && v[i] != '.')
			i++;
		if (!wordy(v + s, i - s))
			return 0;
		parts++;
		if (i < n && ++i == n)
			return 0; /* a trailing dot */
	}
	return parts >= 2;
}

/* A file path (./run.sh, /usr/local/bin/tool, assets/custom.sh,
 * ~/.config/x): segments of words, rooted or ending in an extension. */
static int file_path(const char *v, size_t n)
{
	size_t i = 0, last = 0;
	int rooted = v[0] == '/' || v[0] == '~' ||
	             (v[0] == '.' && n > 1 && (v[1] == '/' || v[1] == '.'));

	if (!memchr(v, '/', n))
		return 0;
	while (i < n) {
		size_t s = i;
		while (i < n && v[i] != '/')
			i++;
		for (size_t k = s; k < i; k++) {
			unsigned char ch = (unsigned char)v[k];
			if (!veil_check__alnum(ch) && ch != '.' && ch != '_' && ch != '-' &&
			    ch != '~')
				return 0;
		}
		if (i > s && !wordy_segment(v + s, i - s))
			return 0;
		last = s;
		i++;
	}
	if (rooted)
		return 1;
	/* relative: its file has an extension of a few lowercase letters */
	{
		const char *dot = memchr(v + last, '.', n - last);
		size_t el = dot ? n - (size_t)(dot - v) - 1 : 0;
		if (!dot || el < 1 || el > 5)
			return 0;
		for (size_t k = 0; k < el; k++)
			if (!(dot[1 + k] >= 'a' && dot[1 + k] <= 'z'))
				return 0;
		return 1;
	}
}

/* Command-line flags (--verbose --output-type yaml, -v -i): options to a
 * program, not a secret. */
static int flags(const char *v, size_t n)
{
	return v[0] == '-' && n > 1 && (v[1] == '-' || memchr(v, ' ', n) != NULL) &&
	       (v[1] == '-' || ((v[1] | 0x20) >= 'a' && (v[1] | 0x20) <= 'z'));
}

/* Values that are expressions, references or words rather than secrets;
 * pw: under a password key, where words in camelCase can be the password. */
static int not_a_value(const char *v, size_t n, int pw)
{
	static const char *const refs[] = { "${",          "{{",         "(",       ")",    "ENC[",
		                            "ENC\\[",      "vault:",     "ref+",    "arn:", "sm://",
		                            "file:",       "env:",       "secret:", "://",  "$(",
		                            "process.env", "os.environ", "getenv" };
	unsigned char c0 = (unsigned char)v[0];
	int ident = 1;

	if (strchr("$<%&*!@[{#|>", c0))
		return 1;
	for (size_t i = 0; i < sizeof(refs) / sizeof(*refs); i++)
		if (veil_check__memmem(v, n, refs[i], strlen(refs[i])))
			return 1;
	if (is_uuid(v, n) || flags(v, n) || file_path(v, n) ||
	    (!pw && (code_reference(v, n) || (n >= 16 && wordy_identifier(v, n)))))
		return 1;
	for (size_t i = 0; i < n && ident; i++) {
		unsigned char ch = (unsigned char)v[i];
		ident = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
		        ch == '.' || ch == '-' || ch == ' ';
	}
	/* one case of letters and separators: a word, a setting's name, an enum */
	if (ident && veil_check__classes(v, n) <= 2 &&
	    !(veil_check__classes(v, n) == 2 && !memchr(v, '_', n) && !memchr(v, '.', n) &&
	      !memchr(v, '-', n) && n >= 16))
		return 1;
	return veil_check__placeholder(v, n);
}

static size_t skip_blank(const char *b, size_t n, size_t i)
{
	while (i < n && (b[i] == ' ' || b[i] == '\t'))
		i++;
	return i;
}

/* The value after "key" "op": its span in (*vs, *vl); 0 if there is none. */
static int value_after(const char *b, size_t n, size_t i, size_t *vs, size_t *vl, size_t *resume)
{
	unsigned char q;
	size_t e;

	if (i < n && (b[i] == '"' || b[i] == '\''))
		i++;
	i = skip_blank(b, n, i);
	if (i >= n)
		return 0;
	if (b[i] == '=') {
		if (i + 1 < n && (b[i + 1] == '=' || b[i + 1] == '~'))
			return 0;
		i += (i + 1 < n && b[i + 1] == '>') ? 2 : 1;
	} else if (b[i] == ':') {
		if (i + 1 < n && b[i + 1] == ':')
			return 0;
		i += (i + 1 < n && b[i + 1] == '=') ? 2 : 1;
		if (i < n && b[i] != ' ' && b[i] != '\t' && b[i] != '"' && b[i] != '\'')
			return 0; /* "a:b" is not YAML's "a: b" */
	} else {
		return 0;
	}
	i = skip_blank(b, n, i);
	if (i >= n)
		return 0;
	q = (unsigned char)b[i];
	if (q == '"' || q == '\'' || q == '`') {
		e = ++i;
		while (e < n && e - i < 300 && b[e] != (char)q && b[e] != '\n') {
			if (b[e] == '\\' && q != '\'')
				e++;
			e++;
		}
		if (e >= n || b[e] != (char)q)
			return 0;
	} else {
		e = i;
		while (e < n && e - i < 300 && (unsigned char)b[e] > ' ' && !strchr(",;)}]", b[e]))
			e++;
	}
	*vs = i;
	*vl = e - i;
	*resume = e;
	return e > i;
}

/* A value in GitHub's token format is the GitHub detector's to judge (it
 * knows the checksum and the placeholders); it scans this text too. */
static int github_token(const char *v, size_t n)
{
	if (n != 40 || v[0] != 'g' || v[1] != 'h' || !v[2] || !strchr("pousr", v[2]) || v[3] != '_')
		return 0;
	for (size_t i = 4; i < n; i++)
		if (!veil_check__alnum((unsigned char)v[i]))
			return 0;
	return 1;
}

size_t veil_check__m_kv(struct veil_check__scan *s, size_t at, const char *kw, size_t kwlen)
{
	const char *b = s->b, *v;
	size_t ks = at, ke = at + kwlen, vs, vl, resume = 0, klen;
	int pw, aws;

	(void)kw;
	while (ks > 0 && at - ks < 64 && is_keych((unsigned char)b[ks - 1]))
		ks--;
	while (ke < s->n && ke - at < 64 && is_keych((unsigned char)b[ke]))
		ke++;
	klen = ke - ks;
	if (klen > 60 || reference_key(b + ks, klen))
		return ke;
	/* resume after the key only: a provider detector may still name the
	 * value more precisely (the finding store keeps the specific rule) */
	if (!value_after(b, s->n, ke, &vs, &vl, &resume))
		return ke;
	v = b + vs;
	pw = icontains(b + ks, klen, "pass") || icontains(b + ks, klen, "pwd");
	if (vl < 8 || vl > 256 || github_token(v, vl))
		return ke;
	/* a template or variable reference is no secret, unless it holds
	 * one (${DB:-literal}, {{ "literal" }}): then it is judged whole */
	if (veil_check__templated(v, vl) ? !veil_check__holds_literal(v, vl)
	                                 : not_a_value(v, vl, pw))
		return ke;
	aws = (icontains(b + ks, klen, "aws") || icontains(b + ks, klen, "secret_access")) &&
	      vl == 40;
	if (aws) {
		for (size_t i = 0; i < vl && aws; i++)
			aws = veil_check__alnum((unsigned char)v[i]) || v[i] == '/' || v[i] == '+';
		if (aws && veil_check__entropy(v, vl) > 3.5) {
			veil_check__report(s, vs, vl, "aws-secret-access-key", NULL,
			                   "AWS secret access key");
			return ke;
		}
	}
	if (pw) {
		if (veil_check__classes(v, vl) >= 2 && veil_check__entropy(v, vl) >= 2.5)
			veil_check__report(s, vs, vl, "password-assignment", NULL,
			                   "plaintext password assigned to a secret-like key");
		return ke;
	}
	if (vl >= 16 && veil_check__classes(v, vl) >= 2 && veil_check__entropy(v, vl) >= 3.5)
		veil_check__report(s, vs, vl, "secret-assignment", NULL,
		                   "high-entropy value assigned to a secret-like key");
	return ke;
}
