/*
 * Identities for decryption, gathered from every source together as sops
 * 3.13.2 does (age/keysource.go loadIdentities), not the first one found:
 *
 *   --identity / -i files, VEIL_AGE_KEY, VEIL_AGE_KEY_FILE,
 *   $XDG_CONFIG_HOME/veil/keys.txt, then sops's SOPS_AGE_KEY (several keys,
 *   split at blanks), SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD,
 *   $XDG_CONFIG_HOME/sops/age/keys.txt, SOPS_AGE_SSH_PRIVATE_KEY_FILE,
 *   SOPS_AGE_SSH_PRIVATE_KEY_CMD, ~/.ssh/id_ed25519, ~/.ssh/id_rsa.
 *
 * As in sops, a source that fails to load (a missing file, a malformed key)
 * does not stop the others: it is reported at once as a warning and again
 * if nothing opens the file. Explicit -i files are different: a failure
 * there is an error (age's rule). The key commands run once per recipient
 * of the document being opened, with SOPS_AGE_RECIPIENT naming it (sops
 * runs them for each age key of the file in turn); for an age file, whose
 * recipients are not named, they run once without it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "cli.h"
#include "util/secret.h"

#define MAX_PLACES 24
#define MAX_RCPTS  32

typedef struct place {
	char what[320];   /* "SOPS_AGE_KEY_FILE=/path", "~/.ssh/id_rsa" */
	char status[400]; /* "not set", "2 identities", "error: ..." */
} place;

/* The last search, for the "no identity matched" report. */
static struct {
	place places[MAX_PLACES];
	size_t nplaces;
	const veil_cli_keyfind *opts; /* &opts_copy: the caller's may go out of scope */
	veil_cli_keyfind opts_copy;
	char *recipients[MAX_RCPTS]; /* asked for by the document (public keys) */
	size_t nrecipients;
	int searched;
} last;

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

static place *add_place(const char *fmt1, const char *arg)
{
	place *p;

	if (last.nplaces == MAX_PLACES)
		return NULL;
	p = &last.places[last.nplaces++];
	/* a path longer than what[] is shown cut, marked with "..." */
	if (snprintf(p->what, sizeof(p->what), fmt1, arg ? arg : "") >= (int)sizeof(p->what))
		memcpy(p->what + sizeof(p->what) - 4, "...", 4);
	p->status[0] = '\0';
	return p;
}

static void set_status(place *p, const char *fmt, size_t n)
{
	if (p != NULL)
		snprintf(p->status, sizeof(p->status), fmt, n, n == 1 ? "y" : "ies");
}

static void set_error(place *p, const char *msg)
{
	if (p != NULL)
		snprintf(p->status, sizeof(p->status), "error: %s", msg);
}

static void warn_line(const char *message, void *payload)
{
	(void)payload;
	if (!last.opts || !last.opts->quiet)
		veil_cli__warning("%s", message);
}

typedef struct pass_src {
	const char *name;
	const veil_cli_keyfind *o;
} pass_src;

/* A passphrase-protected identity file found through a variable: from
 * --passphrase-file, else the terminal, else a clear refusal. */
static int file_passphrase(veil_identity **out, void *payload)
{
	pass_src *ps = payload;
	int fd;

	if (!ps->o->passfile) {
		fd = ps->o->no_prompt ? -1 : open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fd < 0)
			return veil_error_set(
			        VEIL_EUNSUPPORTED,
			        "%s is passphrase-protected and there is no terminal "
			        "to ask for its passphrase (give --passphrase-file FILE)",
			        ps->name);
		close(fd);
	}
	return veil_cli__identity_passphrase(out, ps->name, ps->o->passfile);
}

/* Parses key text into list; name is used in messages. */
static int parse_text(veil_identities *list, const uint8_t *data, size_t len, const char *name,
                      int words)
{
	veil_identity_file_options fo = VEIL_IDENTITY_FILE_OPTIONS_INIT;
	pass_src ps = { name, last.opts };

	fo.passphrase = file_passphrase;
	fo.passphrase_payload = &ps;
	fo.warn = warn_line;
	fo.words = words;
	return veil_identities_parse_opts(list, (const char *)data, len, name, &fo);
}

/* One discovered source's result: counted, or warned about and recorded. */
static void settle(place *p, veil_identities *list, size_t before, int error)
{
	if (error < 0) {
		if (!last.opts->quiet)
			veil_cli__warning("%s: %s (its keys are not used)",
			                  p ? p->what : "identity", veil_error_last());
		set_error(p, veil_error_last());
		return;
	}
	set_status(p, "%zu identit%s", veil_identities_count(list) - before);
}

static void load_file(veil_identities *list, place *p, const char *path)
{
	size_t before = veil_identities_count(list);
	veil_identity_file_options fo = VEIL_IDENTITY_FILE_OPTIONS_INIT;
	pass_src ps = { path, last.opts };

	fo.passphrase = file_passphrase;
	fo.passphrase_payload = &ps;
	fo.warn = warn_line;
	settle(p, list, before, veil_cli__identities_load_opts(list, path, &fo));
}

/* A default location: looked at, used only if it exists. */
static void load_default(veil_identities *list, const char *label, const char *path)
{
	struct stat st;
	place *p = add_place("%s", label);

	if (stat(path, &st) != 0) {
		if (p)
			snprintf(p->status, sizeof(p->status), "not found");
		return;
	}
	load_file(list, p, path);
}

static void load_var_file(veil_identities *list, const char *var)
{
	const char *v = env(var);
	char what[200];
	place *p;

	snprintf(what, sizeof(what), "%s=%%s", var);
	p = add_place(v ? what : var, v);
	if (!v) {
		if (p)
			snprintf(p->status, sizeof(p->status), "not set");
		return;
	}
	load_file(list, p, v);
}

static void load_var_text(veil_identities *list, const char *var, int words)
{
	const char *v = env(var);
	size_t before = veil_identities_count(list);
	place *p = add_place("%s", var);

	if (!v) {
		if (p)
			snprintf(p->status, sizeof(p->status), "not set");
		return;
	}
	settle(p, list, before, parse_text(list, (const uint8_t *)v, strlen(v), var, words));
}

/* Runs one key command (recipient may be NULL) and loads what it printed. */
static void run_cmd(veil_identities *list, const char *var, const char *recipient)
{
	const char *cmd = env(var);
	size_t before = veil_identities_count(list);
	uint8_t *out = NULL;
	size_t len = 0;
	char name[300];
	place *p;
	int error;

	snprintf(name, sizeof(name), "%s%s%.200s", var, recipient ? " for " : "",
	         recipient ? recipient : "");
	p = add_place("%s", name);
	error = veil_cli__keycmd_run(&out, &len, cmd, recipient);
	if (error == 0) {
		snprintf(name, sizeof(name), "output of %s", var);
		error = parse_text(list, out, len, name, 0);
		sodium_memzero(out, len);
		free(out);
	}
	settle(p, list, before, error);
}

static void note_cmd_var(const char *var, int later)
{
	place *p;

	if (env(var) && !later)
		return; /* run already, with its own entry */
	p = add_place("%s", var);
	if (p)
		snprintf(p->status, sizeof(p->status), "%s",
		         env(var) ? "set: runs for each recipient of the file" : "not set");
}

static int config_dir(char *buf, size_t cap, const char *suffix)
{
	const char *base = env("XDG_CONFIG_HOME"), *home = env("HOME");
	int n;

	/* Go's os.UserConfigDir, which sops uses: a relative XDG_CONFIG_HOME
	 * is not used. */
	if (base && base[0] == '/')
		n = snprintf(buf, cap, "%s/%s", base, suffix);
	else if (home)
		n = snprintf(buf, cap, "%s/.config/%s", home, suffix);
	else
		return 0;
	return n > 0 && (size_t)n < cap;
}

/* Does an identity in list already open what recipient names? Then its
 * key command need not run for it. */
static int have_identity_for(const veil_identities *list, const char *recipient)
{
	size_t i, n = veil_identities_count(list), rlen = strlen(recipient);
	int found = 0;

	/* "ssh-ed25519 AAAA... comment": compare type and key only. */
	const char *sp = strchr(recipient, ' ');
	if (sp && strchr(sp + 1, ' '))
		rlen = (size_t)(strchr(sp + 1, ' ') - recipient);
	for (i = 0; i < n && !found; i++) {
		veil_recipient *r = NULL;
		char *text = NULL;

		if (veil_identity_to_recipient(&r, veil_identities_get(list, i)) == 0 &&
		    veil_recipient_encode(&text, r) == 0)
			found = strlen(text) == rlen && !memcmp(text, recipient, rlen);
		free(text);
		veil_recipient_free(r);
	}
	return found;
}

/* veil_identities hook: the document is about to open the data key wrapped
 * for recipient. */
static int per_recipient(veil_identities *list, const char *recipient, void *payload)
{
	size_t i;

	(void)payload;
	for (i = 0; i < last.nrecipients; i++)
		if (!strcmp(last.recipients[i], recipient))
			return 0; /* asked already (edit opens a file twice) */
	if (last.nrecipients < MAX_RCPTS) {
		last.recipients[last.nrecipients] = strdup(recipient);
		if (last.recipients[last.nrecipients])
			last.nrecipients++;
	}
	if (have_identity_for(list, recipient))
		return 0;
	if (env("SOPS_AGE_KEY_CMD"))
		run_cmd(list, "SOPS_AGE_KEY_CMD", recipient);
	if (env("SOPS_AGE_SSH_PRIVATE_KEY_CMD"))
		run_cmd(list, "SOPS_AGE_SSH_PRIVATE_KEY_CMD", recipient);
	return 0;
}

static void reset(const veil_cli_keyfind *o)
{
	size_t i;

	for (i = 0; i < last.nrecipients; i++)
		free(last.recipients[i]);
	memset(&last, 0, sizeof(last));
	last.opts_copy = *o;
	last.opts = &last.opts_copy;
	last.searched = 1;
}

/* Every source after the explicit files, in sops's order. */
static void discover(veil_identities *list, const veil_cli_keyfind *o)
{
	char path[4096], ssh[4096];
	const char *home = env("HOME");

	load_var_text(list, "VEIL_AGE_KEY", 0);
	load_var_file(list, "VEIL_AGE_KEY_FILE");
	if (config_dir(path, sizeof(path), "veil/keys.txt"))
		load_default(list, path, path);
	load_var_text(list, "SOPS_AGE_KEY", 1);
	load_var_file(list, "SOPS_AGE_KEY_FILE");
	if (!o->per_recipient && env("SOPS_AGE_KEY_CMD"))
		run_cmd(list, "SOPS_AGE_KEY_CMD", NULL);
	note_cmd_var("SOPS_AGE_KEY_CMD", o->per_recipient);
	if (config_dir(path, sizeof(path), "sops/age/keys.txt"))
		load_default(list, path, path);
	load_var_file(list, "SOPS_AGE_SSH_PRIVATE_KEY_FILE");
	if (!o->per_recipient && env("SOPS_AGE_SSH_PRIVATE_KEY_CMD"))
		run_cmd(list, "SOPS_AGE_SSH_PRIVATE_KEY_CMD", NULL);
	note_cmd_var("SOPS_AGE_SSH_PRIVATE_KEY_CMD", o->per_recipient);
	if (home) {
		snprintf(ssh, sizeof(ssh), "%s/.ssh/id_ed25519", home);
		load_default(list, ssh, ssh);
		snprintf(ssh, sizeof(ssh), "%s/.ssh/id_rsa", home);
		load_default(list, ssh, ssh);
	}
}

int veil_cli__identities_find(veil_identities **out, const veil_cli_keyfind *o)
{
	veil_identities *list = NULL;
	size_t i, before;
	place *p;
	int error;

	*out = NULL;
	reset(o);
	if ((error = veil_identities_new(&list)) < 0)
		return veil_cli__lib_error("identities", error);
	for (i = 0; i < o->nfiles; i++) {
		before = veil_identities_count(list);
		p = add_place("%s", o->files[i]);
		error = veil_cli__identities_load(list, o->files[i], o->passfile);
		if (error < 0) {
			veil_identities_free(list);
			return veil_cli__lib_error(o->files[i], error);
		}
		set_status(p, "%zu identit%s", veil_identities_count(list) - before);
	}
	if (!o->only_files)
		discover(list, o);
	if (o->per_recipient)
		veil_identities_set_hook(list, per_recipient, NULL);
	*out = list;
	return 0;
}

void veil_cli__keyfind_forget(void)
{
	last.searched = 0;
}

void veil_cli__keyfind_report(void)
{
	size_t i;

	if (!last.searched)
		return;
	veil_cli__hint("looked for identities in:");
	for (i = 0; i < last.nplaces; i++)
		veil_cli__hint("  %s: %s", last.places[i].what, last.places[i].status);
	if (last.nrecipients == 0)
		return;
	veil_cli__hint("the file can be opened by an identity for one of:");
	for (i = 0; i < last.nrecipients; i++) {
		const char *r = last.recipients[i], *kind = "X25519 key";
		const char *sep = strrchr(r, '1');
		char plugin[100];

		if (!strncmp(r, "ssh-ed25519 ", 12))
			kind = "ssh-ed25519 key";
		else if (!strncmp(r, "ssh-rsa ", 8))
			kind = "ssh-rsa key";
		else if (!strncmp(r, "age1pq1", 7))
			kind = "post-quantum key (not supported)";
		else if (!strncmp(r, "age1", 4) && sep > r + 4) {
			snprintf(plugin, sizeof(plugin), "key of plugin age-plugin-%.*s",
			         (int)(sep - r - 4 > 40 ? 40 : sep - r - 4), r + 4);
			kind = plugin;
		}
		veil_cli__hint("  %s: %.80s%s", kind, r, strlen(r) > 80 ? "..." : "");
	}
}
