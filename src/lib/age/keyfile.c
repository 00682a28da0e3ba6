/* Identity files (age-keygen format, or an SSH private key) and
 * recipients files (-R). The rules follow the age CLI: '#' comments and
 * blank lines are skipped, one trailing CR is tolerated, nothing else is
 * trimmed, and lines are never echoed (a secret may sit on the wrong line). */
#include <stdio.h>
#include <string.h>
#include "age/keys_int.h"
#include "util/utf8.h"
#include "util/secret.h"
#include "veil/age.h"

#define MAX_LIST_FILE      (16u * 1024 * 1024)
#define MAX_RECIPIENT_LINE 8192

typedef struct lines {
	const char *data;
	size_t len;
	size_t pos;
	size_t number; /* 1-based number of the line last returned */
} lines;

/* Returns 1 with the next line (without "\n" or "\r\n"), 0 at the end. */
static int next_line(lines *it, const char **line, size_t *len)
{
	const char *nl;
	size_t n;

	if (it->pos >= it->len)
		return 0;
	*line = it->data + it->pos;
	nl = memchr(*line, '\n', it->len - it->pos);
	n = nl ? (size_t)(nl - *line) : it->len - it->pos;
	it->pos += n + (nl ? 1 : 0);
	if (n > 0 && (*line)[n - 1] == '\r')
		n--;
	*len = n;
	it->number++;
	return 1;
}

static int starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && memcmp(s, prefix, n) == 0;
}

/* PEM files other than SSH private keys: name what they are. */
static int check_other_pem(const char *data, size_t len, const char *name)
{
	size_t n;

	if (!starts_with(data, len, "-----BEGIN "))
		return 0;
	/* Name the PEM label ("RSA PRIVATE KEY"): it is not secret. */
	for (n = 11; n < len && n < 60 && data[n] >= 0x20 && data[n] < 0x7f && data[n] != '-';)
		n++;
	return veil_error_set(
	        VEIL_EUNSUPPORTED,
	        "%s: %.*s files are not supported (only SSH ed25519 and RSA private keys)", name,
	        (int)(n - 11), data + 11);
}

/* What one identity-file line became. */
typedef struct parse_ctx {
	veil_identities *list;
	const char *name;
	const veil_identity_file_options *opts;
	size_t found, skipped;
} parse_ctx;

static void skip_line(parse_ctx *c, size_t number, const char *why)
{
	char msg[512];

	c->skipped++;
	if (c->opts == NULL || c->opts->warn == NULL)
		return;
	snprintf(msg, sizeof(msg), "%s: line %zu: %s", c->name, number, why);
	c->opts->warn(msg, c->opts->warn_payload);
}

/* "AGE-SECRET-KEY-<TYPE>-1...": an identity of a type this veil does not
 * know (the age spec names new types this way). */
static int other_secret_key_type(const char *s, size_t len)
{
	size_t i = strlen("AGE-SECRET-KEY-");

	if (!starts_with(s, len, "AGE-SECRET-KEY-") || len <= i || s[i] == '1')
		return 0;
	for (; i < len && s[i] != '-'; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
			return 0;
	return i + 1 < len && s[i] == '-' && s[i + 1] == '1';
}

/* One identity: 0 added, 1 skipped (unusable type), or an error. */
static int identity_word(parse_ctx *c, const char *line, size_t len, size_t number)
{
	veil_identity *id = NULL;
	int error;

	if (starts_with(line, len, "age1"))
		return veil_error_set(
		        VEIL_EFORMAT,
		        "%s: line %zu: recipient found in identity file (identities start with "
		        "AGE-SECRET-KEY-1)",
		        c->name, number);
	if (starts_with(line, len, "ssh-"))
		return veil_error_set(
		        VEIL_EFORMAT,
		        "%s: line %zu: SSH public key found in identity file (give the private key "
		        "file instead)",
		        c->name, number);
	if (starts_with(line, len, "AGE-PLUGIN-")) {
		error = veil_keys__plugin_identity_parse(&id, line, len);
		if (error < 0)
			return veil_error_set(error, "%s: line %zu: malformed plugin identity",
			                      c->name, number);
		return veil_identities_add(c->list, id);
	}
	if (starts_with(line, len, "AGE-SECRET-KEY-PQ-1")) {
		skip_line(c, number, VEIL_PQ_REASON " (post-quantum identity skipped)");
		return 1;
	}
	if (other_secret_key_type(line, len)) {
		skip_line(c, number, "identity of a type veil does not know, skipped");
		return 1;
	}
	if (line[0] == ' ' || line[0] == '\t' || line[len - 1] == ' ' || line[len - 1] == '\t')
		return veil_error_set(
		        VEIL_EFORMAT,
		        "%s: line %zu: leading or trailing whitespace around an identity", c->name,
		        number);
	error = veil_identity_parse(&id, line, len);
	if (error < 0)
		return veil_error_set(VEIL_EFORMAT, "%s: line %zu: malformed identity", c->name,
		                      number);
	return veil_identities_add(c->list, id);
}

static int is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\v' || ch == '\f' || ch == '\r';
}

/* A line: one identity, or with opts->words every blank-separated word. */
static int identity_line(parse_ctx *c, const char *line, size_t len, size_t number)
{
	size_t i = 0, start;
	int error;

	if (c->opts == NULL || !c->opts->words) {
		error = identity_word(c, line, len, number);
		if (error == 0)
			c->found++;
		return error < 0 ? error : 0;
	}
	while (i < len) {
		while (i < len && is_blank(line[i]))
			i++;
		for (start = i; i < len && !is_blank(line[i]);)
			i++;
		if (i == start)
			break;
		error = identity_word(c, line + start, i - start, number);
		if (error < 0)
			return error;
		if (error == 0)
			c->found++;
	}
	return 0;
}

static int is_age_file(const char *data, size_t len)
{
	/* The age CLI's test: the first bytes of a binary or armored age file. */
	return starts_with(data, len, "age-encryption") || starts_with(data, len, "-----BEGIN AGE");
}

/* The plaintext of a passphrase-encrypted identity file is parsed like any
 * identity file, except that it may not be encrypted again. */
static int parse_any(veil_identities *list, const char *data, size_t len, const char *name,
                     const veil_identity_file_options *opts, int nested);

static int parse_encrypted(veil_identities *list, const char *data, size_t len, const char *name,
                           const veil_identity_file_options *o)
{
	veil_age_options opts = VEIL_AGE_OPTIONS_INIT;
	uint8_t *plain = NULL;
	size_t plain_len = 0;
	char why[300];
	int error;

	if (o == NULL || o->passphrase == NULL)
		return veil_error_set(
		        VEIL_EUNSUPPORTED,
		        "%s: passphrase-encrypted identity files are not supported here (no "
		        "passphrase source)",
		        name);
	opts.passphrase = o->passphrase;
	opts.passphrase_payload = o->passphrase_payload;
	opts.threads = 1;
	error = veil_age_decrypt_mem(&plain, &plain_len, (const uint8_t *)data, len, NULL, &opts);
	if (error < 0) {
		snprintf(why, sizeof(why), "%s", veil_error_last());
		return veil_error_set(error, "%s: %s", name, why);
	}
	error = parse_any(list, (const char *)plain, plain_len, name, o, 1);
	veil_wipe_free(plain, plain_len);
	return error;
}

int veil_identities_parse(veil_identities *list, const char *data, size_t len, const char *name)
{
	return veil_identities_parse_opts(list, data, len, name, NULL);
}

int veil_identities_parse_ext(veil_identities *list, const char *data, size_t len, const char *name,
                              veil_identity_passphrase_fn passphrase, void *payload)
{
	veil_identity_file_options o = VEIL_IDENTITY_FILE_OPTIONS_INIT;

	o.passphrase = passphrase;
	o.passphrase_payload = payload;
	return veil_identities_parse_opts(list, data, len, name, &o);
}

int veil_identities_parse_opts(veil_identities *list, const char *data, size_t len,
                               const char *name, const veil_identity_file_options *opts)
{
	if (name == NULL)
		name = "identity file";
	if (list == NULL || (data == NULL && len > 0))
		return veil_error_set(VEIL_EINVAL, "no list or no data given");
	if (opts != NULL && opts->version != VEIL_IDENTITY_FILE_OPTIONS_VERSION)
		return veil_error_set(VEIL_EINVAL, "unknown veil_identity_file_options version %u",
		                      opts->version);
	if (len > MAX_LIST_FILE)
		return veil_error_set(VEIL_ELIMIT, "%s: identity file is larger than 16 MiB", name);
	return parse_any(list, data, len, name, opts, 0);
}

static int parse_any(veil_identities *list, const char *data, size_t len, const char *name,
                     const veil_identity_file_options *opts, int nested)
{
	parse_ctx c = { list, name, opts, 0, 0 };
	size_t keep = veil_identities_count(list);
	lines it = { data, len, 0, 0 };
	veil_identity *id = NULL;
	const char *line;
	size_t line_len;
	int error = 0;

	if (is_age_file(data, len)) {
		if (nested)
			return veil_error_set(VEIL_EFORMAT,
			                      "%s: an encrypted identity file inside another",
			                      name);
		return parse_encrypted(list, data, len, name, opts);
	}
	if (veil_keys__is_ssh_private_key(data, len)) {
		error = veil_keys__ssh_identity_parse(&id, data, len, name);
		if (error < 0)
			return error;
		return veil_identities_add(list, id);
	}
	error = check_other_pem(data, len, name);
	if (error < 0)
		return error;
	if (veil_utf8_valid_prefix(data, len) != len)
		return veil_error_set(VEIL_EFORMAT, "%s: identity file is not valid UTF-8", name);
	while (next_line(&it, &line, &line_len)) {
		if (line_len == 0 || line[0] == '#')
			continue;
		error = identity_line(&c, line, line_len, it.number);
		if (error < 0)
			goto done;
	}
	if (c.found == 0)
		error = veil_error_set(VEIL_EFORMAT, "%s: no %sidentities found", name,
		                       c.skipped ? "usable " : "");
done:
	if (error < 0)
		veil_keys__identities_truncate(list, keep);
	return error;
}

/* One line of a recipients file. */
static int recipient_line(veil_recipients *list, const char *line, size_t len, const char *name,
                          size_t number)
{
	veil_recipient *r = NULL;
	char why[300];
	int error;

	if (starts_with(line, len, "AGE-"))
		return veil_error_set(
		        VEIL_EFORMAT,
		        "%s: line %zu: identity found in recipients file (it is a secret key; "
		        "use its age1... recipient)",
		        name, number);
	error = veil_keys__recipient_parse(&r, line, len, 0);
	if (error < 0) {
		/* Never skipped: the file would be encrypted without this
		 * recipient, who then cannot open it. */
		snprintf(why, sizeof(why), "%s", veil_error_last());
		return veil_error_set(error, "%s: line %zu: %s%s", name, number, why,
		                      error == VEIL_EUNSUPPORTED
		                              ? " (remove or comment out the line to encrypt "
		                                "without this recipient)"
		                              : "");
	}
	return veil_recipients_add(list, r);
}

int veil_recipients_parse(veil_recipients *list, const char *data, size_t len, const char *name,
                          size_t *skipped)
{
	size_t keep = veil_recipients_count(list), found = 0;
	lines it = { data, len, 0, 0 };
	const char *line;
	size_t line_len;
	int error = 0;

	if (name == NULL)
		name = "recipients file";
	if (skipped != NULL)
		*skipped = 0;
	if (list == NULL || (data == NULL && len > 0))
		return veil_error_set(VEIL_EINVAL, "no list or no data given");
	if (len > MAX_LIST_FILE)
		return veil_error_set(VEIL_ELIMIT, "%s: recipients file is larger than 16 MiB",
		                      name);
	while (next_line(&it, &line, &line_len)) {
		if (line_len > MAX_RECIPIENT_LINE) {
			error = veil_error_set(VEIL_ELIMIT, "%s: line %zu is longer than %d bytes",
			                       name, it.number, MAX_RECIPIENT_LINE);
			goto done;
		}
		if (line_len == 0 || line[0] == '#')
			continue;
		error = recipient_line(list, line, line_len, name, it.number);
		if (error < 0)
			goto done;
		found++;
	}
	if (found == 0)
		error = veil_error_set(VEIL_EFORMAT, "%s: no recipients found", name);
done:
	if (error < 0)
		veil_keys__recipients_truncate(list, keep);
	return error;
}
