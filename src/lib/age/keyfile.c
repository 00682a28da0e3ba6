/* Identity files (age-keygen format, or an OpenSSH ed25519 key) and
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
#define SSH_PEM_BEGIN      "-----BEGIN OPENSSH PRIVATE KEY-----"

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

/* PEM files other than OpenSSH keys are identity files to the age CLI
 * (ssh-rsa, PKCS#8) but not to veil. */
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
	        "%s: %.*s files are not supported (only unencrypted OpenSSH ed25519 keys)", name,
	        (int)(n - 11), data + 11);
}

static int identity_line(veil_identities *list, const char *line, size_t len, const char *name,
                         size_t number)
{
	veil_identity *id = NULL;
	int error;

	if (starts_with(line, len, "age1"))
		return veil_error_set(
		        VEIL_EFORMAT,
		        "%s: line %zu: recipient found in identity file (identities start with "
		        "AGE-SECRET-KEY-1)",
		        name, number);
	if (starts_with(line, len, "ssh-"))
		return veil_error_set(
		        VEIL_EFORMAT,
		        "%s: line %zu: SSH public key found in identity file (give the private key "
		        "file instead)",
		        name, number);
	if (starts_with(line, len, "AGE-PLUGIN-"))
		return veil_error_set(VEIL_EUNSUPPORTED,
		                      "%s: line %zu: plugin identities are not supported", name,
		                      number);
	if (starts_with(line, len, "AGE-SECRET-KEY-PQ-"))
		return veil_error_set(VEIL_EUNSUPPORTED,
		                      "%s: line %zu: post-quantum identities are not supported",
		                      name, number);
	if (line[0] == ' ' || line[0] == '\t' || line[len - 1] == ' ' || line[len - 1] == '\t')
		return veil_error_set(
		        VEIL_EFORMAT,
		        "%s: line %zu: leading or trailing whitespace around an identity", name,
		        number);
	error = veil_identity_parse(&id, line, len);
	if (error < 0)
		return veil_error_set(VEIL_EFORMAT, "%s: line %zu: malformed identity", name,
		                      number);
	return veil_identities_add(list, id);
}

static int is_age_file(const char *data, size_t len)
{
	/* The age CLI's test: the first bytes of a binary or armored age file. */
	return starts_with(data, len, "age-encryption") || starts_with(data, len, "-----BEGIN AGE");
}

/* The plaintext of a passphrase-encrypted identity file is parsed like any
 * identity file, except that it may not be encrypted again. */
static int parse_any(veil_identities *list, const char *data, size_t len, const char *name,
                     veil_identity_passphrase_fn passphrase, void *payload);

static int parse_encrypted(veil_identities *list, const char *data, size_t len, const char *name,
                           veil_identity_passphrase_fn passphrase, void *payload)
{
	veil_age_options opts = VEIL_AGE_OPTIONS_INIT;
	uint8_t *plain = NULL;
	size_t plain_len = 0;
	char why[300];
	int error;

	if (passphrase == NULL)
		return veil_error_set(
		        VEIL_EUNSUPPORTED,
		        "%s: passphrase-encrypted identity files are not supported here (no "
		        "passphrase source)",
		        name);
	opts.passphrase = passphrase;
	opts.passphrase_payload = payload;
	opts.threads = 1;
	error = veil_age_decrypt_mem(&plain, &plain_len, (const uint8_t *)data, len, NULL, &opts);
	if (error < 0) {
		snprintf(why, sizeof(why), "%s", veil_error_last());
		return veil_error_set(error, "%s: %s", name, why);
	}
	error = parse_any(list, (const char *)plain, plain_len, name, NULL, NULL);
	veil_wipe_free(plain, plain_len);
	return error;
}

int veil_identities_parse(veil_identities *list, const char *data, size_t len, const char *name)
{
	return veil_identities_parse_ext(list, data, len, name, NULL, NULL);
}

int veil_identities_parse_ext(veil_identities *list, const char *data, size_t len, const char *name,
                              veil_identity_passphrase_fn passphrase, void *payload)
{
	if (name == NULL)
		name = "identity file";
	if (list == NULL || (data == NULL && len > 0))
		return veil_error_set(VEIL_EINVAL, "no list or no data given");
	if (len > MAX_LIST_FILE)
		return veil_error_set(VEIL_ELIMIT, "%s: identity file is larger than 16 MiB", name);
	return parse_any(list, data, len, name, passphrase, payload);
}

static int parse_any(veil_identities *list, const char *data, size_t len, const char *name,
                     veil_identity_passphrase_fn passphrase, void *payload)
{
	size_t keep = veil_identities_count(list), found = 0;
	lines it = { data, len, 0, 0 };
	veil_identity *id = NULL;
	const char *line;
	size_t line_len;
	int error;

	if (is_age_file(data, len))
		return parse_encrypted(list, data, len, name, passphrase, payload);
	if (starts_with(data, len, SSH_PEM_BEGIN)) {
		error = veil_sshed25519__parse_identity(&id, data, len, name);
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
		error = identity_line(list, line, line_len, name, it.number);
		if (error < 0)
			goto done;
		found++;
	}
	if (found == 0)
		error = veil_error_set(VEIL_EFORMAT, "%s: no identities found", name);
done:
	if (error < 0)
		veil_keys__identities_truncate(list, keep);
	return error;
}

/* One line of a recipients file: 1 if it was an unsupported SSH key. */
static int recipient_line(veil_recipients *list, const char *line, size_t len, const char *name,
                          size_t number)
{
	veil_recipient *r = NULL;
	char why[256];
	int error;

	if (starts_with(line, len, "AGE-"))
		return veil_error_set(
		        VEIL_EFORMAT,
		        "%s: line %zu: identity found in recipients file (it is a secret key; "
		        "use its age1... recipient)",
		        name, number);
	error = veil_keys__recipient_parse(&r, line, len, 0);
	if (error == VEIL_EUNSUPPORTED && veil_sshed25519__is_other_ssh_type(line, len))
		return 1;
	if (error < 0) {
		snprintf(why, sizeof(why), "%s", veil_error_last());
		return veil_error_set(error, "%s: line %zu: %s", name, number, why);
	}
	return veil_recipients_add(list, r);
}

int veil_recipients_parse(veil_recipients *list, const char *data, size_t len, const char *name,
                          size_t *skipped)
{
	size_t keep = veil_recipients_count(list), found = 0, others = 0;
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
		if (error == 1)
			others++;
		else
			found++;
		error = 0;
	}
	if (found == 0)
		error = veil_error_set(VEIL_EFORMAT, "%s: no recipients found%s", name,
		                       others ? " (only unsupported SSH key types)" : "");
done:
	if (error < 0)
		veil_keys__recipients_truncate(list, keep);
	else if (skipped != NULL)
		*skipped = others;
	return error;
}
