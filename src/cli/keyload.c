/* Where keys come from: -i / -r / -R arguments, and the default identity
 * lookup (environment, then the veil and sops key files). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "util/fsutil.h"
#include "util/secret.h"

#define KEYFILE_MAX (16 * 1024 * 1024) /* age's identity and recipients file limit */

typedef struct identity_pass {
	const char *path;
	const char *passfile;
} identity_pass;

static int identity_file_passphrase(veil_identity **out, void *payload)
{
	identity_pass *ip = payload;
	char prompt[512];
	char *pass = NULL;
	size_t len = 0;
	int error;

	snprintf(prompt, sizeof(prompt), "Enter passphrase for identity file \"%s\": ", ip->path);
	error = veil_cli__passphrase_read(&pass, &len, ip->passfile, prompt, 0);
	if (error < 0)
		return error;
	error = veil_identity_from_passphrase(out, pass, len, 0);
	veil_secure_free(pass);
	return error;
}

int veil_cli__identities_load(veil_identities *list, const char *path, const char *passfile)
{
	identity_pass ip = { path, passfile };
	uint8_t *data = NULL;
	size_t len = 0;
	int error;

	error = veil_file_read(&data, &len, path, KEYFILE_MAX);
	if (error < 0)
		return error;
	/* A passphrase-encrypted identity file (as age -i accepts) asks for
	 * its passphrase only when it is one. */
	error = veil_identities_parse_ext(list, (const char *)data, len, path,
	                                  identity_file_passphrase, &ip);
	veil_wipe_free(data, len);
	return error;
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static int exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* The two default key files; sops's own default follows os.UserConfigDir
 * ($XDG_CONFIG_HOME, else ~/.config), so the same rule is used for both. */
static int default_file(char *buf, size_t cap, const char *suffix)
{
	const char *base = env("XDG_CONFIG_HOME");
	const char *home = env("HOME");
	int n;

	if (base)
		n = snprintf(buf, cap, "%s/%s", base, suffix);
	else if (home)
		n = snprintf(buf, cap, "%s/.config/%s", home, suffix);
	else
		return 0;
	return n > 0 && (size_t)n < cap && exists(buf);
}

int veil_cli__identities_default(veil_identities *list, const char **source)
{
	static char path[4096];
	static const char *const text_vars[] = { "VEIL_AGE_KEY", "SOPS_AGE_KEY" };
	static const char *const file_vars[] = { "VEIL_AGE_KEY_FILE", "SOPS_AGE_KEY_FILE" };
	const char *v;
	size_t i;

	for (i = 0; i < 2; i++) {
		v = env(text_vars[i]);
		if (v) {
			*source = text_vars[i];
			return veil_identities_parse(list, v, strlen(v), text_vars[i]);
		}
		v = env(file_vars[i]);
		if (v) {
			*source = v;
			return veil_cli__identities_load(list, v, NULL);
		}
	}
	if (default_file(path, sizeof(path), "veil/keys.txt") ||
	    default_file(path, sizeof(path), "sops/age/keys.txt")) {
		*source = path;
		return veil_cli__identities_load(list, path, NULL);
	}
	return veil_error_set(VEIL_ENOTFOUND, "no identity given");
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
