/* Where keys come from: -i / -r / -R arguments (the default identity
 * lookup is keyfind.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "util/fsutil.h"
#include "util/secret.h"

#define KEYFILE_MAX (16 * 1024 * 1024) /* age's identity and recipients file limit */

typedef struct identity_pass {
	const char *path;
	const char *passfile;
} identity_pass;

int veil_cli__identity_passphrase(veil_identity **out, const char *name, const char *passfile)
{
	char prompt[512];
	char *pass = NULL;
	size_t len = 0;
	int error;

	snprintf(prompt, sizeof(prompt), "Enter passphrase for identity file \"%s\": ", name);
	error = veil_cli__passphrase_read(&pass, &len, passfile, prompt, 0);
	if (error < 0)
		return error;
	error = veil_identity_from_passphrase(out, pass, len, 0);
	veil_secure_free(pass);
	return error;
}

static int identity_file_passphrase(veil_identity **out, void *payload)
{
	identity_pass *ip = payload;

	return veil_cli__identity_passphrase(out, ip->path, ip->passfile);
}

static void warn_line(const char *message, void *payload)
{
	(void)payload;
	veil_cli__warning("%s", message);
}

int veil_cli__identities_load_opts(veil_identities *list, const char *path,
                                   const veil_identity_file_options *opts)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int error;

	error = veil_file_read(&data, &len, path, KEYFILE_MAX);
	if (error < 0)
		return error;
	error = veil_identities_parse_opts(list, (const char *)data, len, path, opts);
	veil_wipe_free(data, len);
	return error;
}

int veil_cli__identities_load(veil_identities *list, const char *path, const char *passfile)
{
	veil_identity_file_options fo = VEIL_IDENTITY_FILE_OPTIONS_INIT;
	identity_pass ip = { path, passfile };

	/* A passphrase-encrypted identity file (as age -i accepts) asks for
	 * its passphrase only when it is one. */
	fo.passphrase = identity_file_passphrase;
	fo.passphrase_payload = &ip;
	fo.warn = warn_line;
	return veil_cli__identities_load_opts(list, path, &fo);
}

int veil_cli__recipients_add_arg(veil_recipients *list, const char *arg)
{
	veil_recipient *r = NULL;
	int error;

	/* Never echo what may be a secret key pasted in the wrong place. */
	if (!strncmp(arg, "AGE-", 4))
		return veil_error_set(VEIL_EINVAL,
		                      "-r was given an identity (a secret key), not a recipient; "
		                      "use 'veil keygen -y' to get its recipient");
	error = veil_recipient_parse(&r, arg, strlen(arg));
	if (error < 0)
		return error;
	return veil_recipients_add(list, r);
}

int veil_cli__recipients_add_file(veil_recipients *list, const char *path)
{
	uint8_t *data = NULL;
	size_t len = 0, skipped = 0;
	int error;

	error = veil_file_read(&data, &len, path, KEYFILE_MAX);
	if (error < 0)
		return error;
	error = veil_recipients_parse(list, (const char *)data, len, path, &skipped);
	if (error >= 0 && skipped > 0)
		veil_cli__warning("%s: skipped %zu unsupported key(s)", path, skipped);
	veil_wipe_free(data, len);
	return error;
}

int veil_cli__recipients_add_identities(veil_recipients *list, const veil_identities *ids)
{
	size_t i, n = veil_identities_count(ids);
	int error = 0;

	for (i = 0; i < n && error >= 0; i++) {
		veil_recipient *r = NULL;

		error = veil_identity_to_recipient(&r, veil_identities_get(ids, i));
		if (error >= 0)
			error = veil_recipients_add(list, r);
	}
	return error;
}
