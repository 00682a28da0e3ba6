/* veil age: the encryption and decryption runs, after cmd_age.c has checked
 * the arguments. Output goes through veil_outfile, so a failed or
 * interrupted run leaves no partial file and never touches an existing one. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "cmd_age.h"
#include "util/fsutil.h"
#include "util/io.h"
#include "util/secret.h"

typedef struct age_io {
	int fd;
	veil_outfile *out;
} age_io;

/* Decryption's lazy passphrase source (veil_age_options.passphrase). */
typedef struct pass_ctx {
	const char *passfile;
	int explicit_ids;
	int asked;   /* a passphrase was tried */
	int refused; /* the file needs one, but -i was given */
} pass_ctx;

static int is_stdio(const char *path)
{
	return !path || !strcmp(path, "-");
}

static const char *input_name(const age_args *a)
{
	return is_stdio(a->input) ? "standard input" : a->input;
}

/* age refuses to write over its own input; with temp+rename it would even
 * "work", but the user almost certainly swapped two arguments. */
static int same_file(const char *input, const char *output)
{
	struct stat si, so;

	if (is_stdio(input) || is_stdio(output))
		return 0;
	if (stat(input, &si) < 0 || stat(output, &so) < 0)
		return 0;
	return S_ISREG(so.st_mode) && si.st_dev == so.st_dev && si.st_ino == so.st_ino;
}

/* The output must not replace the input or a key file it was given. */
static int output_clobbers(const age_args *a)
{
	size_t i;

	if (same_file(a->input, a->output)) {
		veil_cli__error("the output '%s' is the input file", a->output);
		return 1;
	}
	for (i = 0; i < a->nifiles; i++) {
		if (same_file(a->ifiles[i], a->output)) {
			veil_cli__error("the output '%s' is an identity file (-i)", a->output);
			return 1;
		}
	}
	for (i = 0; i < a->nrfiles; i++) {
		if (same_file(a->rfiles[i], a->output)) {
			veil_cli__error("the output '%s' is a recipients file (-R)", a->output);
			return 1;
		}
	}
	return 0;
}

static int io_open(age_io *io, const age_args *a)
{
	int error;

	io->fd = -1;
	io->out = NULL;
	if (output_clobbers(a))
		return VEIL_EXIT_FAIL;
	if (is_stdio(a->input)) {
		io->fd = STDIN_FILENO;
	} else {
		io->fd = open(a->input, O_RDONLY | O_CLOEXEC);
		if (io->fd < 0) {
			veil_cli__error("cannot open the input '%s': %s", a->input,
			                strerror(errno));
			return VEIL_EXIT_FAIL;
		}
	}
	error = veil_outfile_open(&io->out, is_stdio(a->output) ? NULL : a->output, 0);
	if (error < 0) {
		if (io->fd != STDIN_FILENO)
			close(io->fd);
		io->fd = -1;
		return veil_cli__lib_error(a->output, error);
	}
	return 0;
}

/* Commits the output on success, removes it otherwise; closes the input. */
static int io_finish(age_io *io, int error, const age_args *a)
{
	if (error >= 0) {
		error = veil_outfile_commit(io->out);
		if (error < 0)
			veil_cli__lib_error(is_stdio(a->output) ? "writing the output" : a->output,
			                    error);
	} else {
		veil_outfile_abort(io->out);
	}
	io->out = NULL;
	if (io->fd >= 0 && io->fd != STDIN_FILENO)
		close(io->fd);
	io->fd = -1;
	return error < 0 ? VEIL_EXIT_FAIL : VEIL_EXIT_OK;
}

static int add_passphrase_recipient(veil_recipients *rs, const char *passfile)
{
	veil_recipient *r = NULL;
	char *pass = NULL;
	size_t len = 0;
	int error;

	error = veil_cli__passphrase_read(&pass, &len, passfile, "Enter passphrase: ", 1);
	if (error < 0)
		return error;
	error = veil_recipient_from_passphrase(&r, pass, len, 0);
	veil_secure_free(pass);
	if (error < 0)
		return error;
	return veil_recipients_add(rs, r);
}

/* -r, -R, -e -i and -p into one list; prints its own errors. */
static int build_recipients(veil_recipients *rs, const age_args *a)
{
	veil_identities *ids = NULL;
	char context[160];
	size_t i;
	int error = 0;

	for (i = 0; i < a->nrecipients && error >= 0; i++) {
		error = veil_cli__recipients_add_arg(rs, a->recipients[i]);
		snprintf(context, sizeof(context), "-r %.100s", a->recipients[i]);
	}
	for (i = 0; i < a->nrfiles && error >= 0; i++) {
		error = veil_cli__recipients_add_file(rs, a->rfiles[i]);
		snprintf(context, sizeof(context), "-R %.100s", a->rfiles[i]);
	}
	if (error >= 0 && a->nifiles)
		error = veil_identities_new(&ids);
	for (i = 0; i < a->nifiles && error >= 0; i++) {
		error = veil_cli__identities_load(ids, a->ifiles[i], a->passfile);
		snprintf(context, sizeof(context), "-i %.100s", a->ifiles[i]);
	}
	if (error >= 0 && a->nplugins && !ids)
		error = veil_identities_new(&ids);
	for (i = 0; i < a->nplugins && error >= 0; i++) {
		veil_identity *pid = NULL;

		error = veil_identity_for_plugin(&pid, a->plugins[i]);
		if (error >= 0)
			error = veil_identities_add(ids, pid);
		snprintf(context, sizeof(context), "-j %.100s", a->plugins[i]);
	}
	if (error >= 0 && ids) {
		error = veil_cli__recipients_add_identities(rs, ids);
		snprintf(context, sizeof(context), "-e -i");
	}
	if (error >= 0 && a->passphrase) {
		error = add_passphrase_recipient(rs, a->passfile);
		snprintf(context, sizeof(context), "passphrase");
	}
	veil_identities_free(ids);
	/* An "AGE-..." -r argument must not be echoed back, not even here. */
	if (error < 0 && !strncmp(context, "-r AGE-", 7))
		snprintf(context, sizeof(context), "-r");
	if (error < 0)
		return veil_cli__lib_error(context, error);
	return 0;
}

int veil_cli__age_encrypt(const age_args *a)
{
	veil_age_options opts = VEIL_AGE_OPTIONS_INIT;
	veil_recipients *rs = NULL;
	age_io io = { -1, NULL };
	int error, rc;

	if (!a->output && !a->armor && isatty(STDOUT_FILENO)) {
		veil_cli__error("refusing to write binary ciphertext to a terminal");
		veil_cli__hint("use -a for ASCII armor, -o FILE, or \"-o -\" to force");
		return VEIL_EXIT_FAIL;
	}
	error = veil_recipients_new(&rs);
	if (error < 0) {
		rc = veil_cli__lib_error("encrypting", error);
		goto done;
	}
	rc = build_recipients(rs, a);
	if (rc)
		goto done;
	rc = io_open(&io, a);
	if (rc)
		goto done;
	opts.armor = a->armor;
	error = veil_age_encrypt(veil_fd_read, &io.fd, veil_outfile_writer, io.out, rs, &opts);
	if (error < 0) {
		char context[300];

		snprintf(context, sizeof(context), "encrypting %s", input_name(a));
		veil_cli__lib_error(context, error);
	}
	rc = io_finish(&io, error, a);
done:
	veil_recipients_free(rs);
	return rc;
}

static int decrypt_passphrase(veil_identity **out, void *payload)
{
	pass_ctx *pc = payload;
	char *pass = NULL;
	size_t len = 0;
	int error;

	/* As age: a script that names -i must not hang on a prompt. */
	if (pc->explicit_ids && !pc->passfile) {
		pc->refused = 1;
		return veil_error_set(VEIL_ENOMATCH, "the file is passphrase-encrypted; "
		                                     "-i identities can't open it (omit -i to be "
		                                     "asked, or give --passphrase-file)");
	}
	pc->asked = 1;
	error = veil_cli__passphrase_read(&pass, &len, pc->passfile, "Enter passphrase: ", 0);
	if (error < 0)
		return error;
	error = veil_identity_from_passphrase(out, pass, len, 0);
	veil_secure_free(pass);
	return error;
}

static void decrypt_hint(int error, const pass_ctx *pc)
{
	switch (error) {
	case VEIL_ENOMATCH:
		if (pc->refused)
			break;
		if (pc->asked)
			veil_cli__hint("was the passphrase mistyped?");
		break;
	case VEIL_EMAC:
		veil_cli__hint("the header was modified after encryption, or the file is damaged");
		break;
	case VEIL_EAUTH:
	case VEIL_EPAYLOAD:
		veil_cli__hint("the file is truncated or was modified after encryption; only "
		               "authenticated data was written");
		break;
	default:
		break;
	}
}

int veil_cli__age_decrypt(const age_args *a)
{
	veil_age_options opts = VEIL_AGE_OPTIONS_INIT;
	pass_ctx pc = { a->passfile, a->nifiles + a->nplugins > 0, 0, 0 };
	veil_cli_keyfind kf = { a->ifiles, a->nifiles, a->passfile, a->nifiles + a->nplugins > 0, 0,
		                0,         0 };
	size_t i;
	veil_identities *ids = NULL;
	age_io io = { -1, NULL };
	int error, rc;

	/* -i: only those files, as age; without: every source sops reads. */
	rc = veil_cli__identities_find(&ids, &kf);
	for (i = 0; rc == 0 && i < a->nplugins; i++) {
		veil_identity *pid = NULL;

		error = veil_identity_for_plugin(&pid, a->plugins[i]);
		if (error >= 0)
			error = veil_identities_add(ids, pid);
		if (error < 0)
			rc = veil_cli__lib_error(a->plugins[i], error);
	}
	if (rc)
		goto done;
	rc = io_open(&io, a);
	if (rc)
		goto done;
	opts.passphrase = decrypt_passphrase;
	opts.passphrase_payload = &pc;
	error = veil_age_decrypt(veil_fd_read, &io.fd, veil_outfile_writer, io.out, ids, &opts);
	if (error < 0) {
		char context[300];

		snprintf(context, sizeof(context), "decrypting %s", input_name(a));
		if (error == VEIL_ENOMATCH && (pc.asked || pc.refused))
			veil_cli__keyfind_forget(); /* a passphrase file: keys are beside the point */
		veil_cli__lib_error(context, error);
		decrypt_hint(error, &pc);
	}
	rc = io_finish(&io, error, a);
done:
	veil_identities_free(ids);
	return rc;
}
