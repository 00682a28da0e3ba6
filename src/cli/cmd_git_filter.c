/*
 * The filter and diff drivers `veil git setup` configures:
 *   clean     plaintext on stdin -> per-field SOPS ciphertext on stdout (git add)
 *   smudge    ciphertext -> plaintext when an identity opens it, else unchanged
 *   textconv  FILE -> its plaintext for diffs, or its bytes without a key
 * clean reuses the ciphertext of the staged (else HEAD) version of the path:
 * plaintext equal to what that version decrypts to gives back its bytes
 * exactly, so `git status` stays clean, and an edited file keeps the
 * ciphertext of every unchanged value, so a diff shows only what changed.
 */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cmd_git.h"
#include "veil/git.h"
#include "sops_cli.h"
#include "util/fsutil.h"
#include "util/io.h"
#include "util/secret.h"

typedef struct filter_in {
	uint8_t *data;
	size_t len;
	veil_doc *doc; /* NULL when data does not parse as the path's format */
} filter_in;

static void filter_in_dispose(filter_in *in)
{
	veil_doc_free(in->doc);
	veil_wipe_free(in->data, in->len);
}

/* Reads path ("-" = stdin) and parses it as file's format. Text that is
 * not a document passes as it is; one past a limit (an alias bomb) is an
 * error: it would pass git's filter unchecked and stop the next reader. */
static int filter_read(filter_in *in, const char *path, const char *file)
{
	int error;

	memset(in, 0, sizeof(*in));
	if ((error = veil_file_read(&in->data, &in->len, path, VEIL_DOC_MAX_SIZE)) < 0)
		return error;
	error = veil_doc_parse(&in->doc, veil_doc_format_from_path(file), (const char *)in->data,
	                       in->len, file);
	if (error < 0)
		in->doc = NULL;
	return error == VEIL_ELIMIT ? error : 0;
}

static int write_out(const uint8_t *data, size_t len)
{
	int fd = 1;

	return veil_fd_write(&fd, data, len);
}

/* The default identities, quietly: none is not an error for these drivers. */
static veil_identities *quiet_identities(void)
{
	veil_cli_keyfind kf = { NULL, 0, NULL, 0, 1, 1, 1 };
	veil_identities *ids = NULL;

	if (veil_cli__identities_find(&ids, &kf) != 0)
		return NULL;
	if (veil_identities_count(ids) == 0 && !getenv("SOPS_AGE_KEY_CMD") &&
	    !getenv("SOPS_AGE_SSH_PRIVATE_KEY_CMD")) {
		veil_identities_free(ids);
		return NULL;
	}
	return ids;
}

/* Decrypts in->doc and renders it; *out NULL when no identity opens it. */
static int decrypt_render(char **out, size_t *len, filter_in *in, const veil_identities *ids)
{
	veil_sops_decrypt_options o = VEIL_SOPS_DECRYPT_OPTIONS_INIT;
	int error;

	*out = NULL;
	*len = 0;
	if (!ids || !in->doc || !veil_sops_is_encrypted(in->doc))
		return VEIL_ENOTFOUND;
	o.identities = ids;
	if ((error = veil_sops_decrypt(in->doc, &o)) < 0)
		return error;
	return veil_doc_render(out, len, in->doc);
}

/* An in-memory file holding data, readable as /proc/self/fd/N, so the
 * encrypt command reads it like a file and nothing touches a disk. */
static int memfile(const uint8_t *data, size_t len, char path[64])
{
	int fd = memfd_create("veil-git-clean", MFD_CLOEXEC), wfd;

	if (fd < 0)
		return -1;
	wfd = fd;
	if (veil_fd_write(&wfd, data, len) < 0) {
		close(fd);
		return -1;
	}
	snprintf(path, 64, "/proc/self/fd/%d", fd);
	return fd;
}

/* Runs `veil encrypt --filename-override FILE [--reuse PRIOR] INPUT` to stdout,
 * so the recipients, rules and cipher come from the same code (and
 * .sops.yaml lookup) as a manual `veil encrypt`. */
static int run_encrypt(const char *file, const char *input, const char *reuse)
{
	char *argv[8];
	int argc = 0;

	argv[argc++] = (char *)"encrypt";
	argv[argc++] = (char *)"--filename-override";
	argv[argc++] = (char *)file;
	if (reuse) {
		argv[argc++] = (char *)"--reuse";
		argv[argc++] = (char *)reuse;
	}
	argv[argc++] = (char *)"--";
	argv[argc++] = (char *)input;
	argv[argc] = NULL;
	return veil_cli__cmd_encrypt(argc, argv);
}

/* The prior version of file (staged, else HEAD), when it is encrypted. */
static int read_prior(filter_in *prior, const char *file)
{
	veil_git_repo *repo = NULL;
	char *data = NULL;
	size_t len = 0;

	memset(prior, 0, sizeof(*prior));
	if (veil_git_open(&repo, NULL) < 0)
		return 0; /* not in a repository: nothing to reuse */
	if (veil_git_prior_blob(repo, file, &data, &len) == 0) {
		prior->data = (uint8_t *)data;
		prior->len = len;
		if (veil_doc_parse(&prior->doc, veil_doc_format_from_path(file), data, len, file) <
		            0 ||
		    !veil_sops_is_encrypted(prior->doc)) {
			veil_doc_free(prior->doc);
			prior->doc = NULL;
		}
	}
	veil_git_close(repo);
	return 0;
}

int veil_cli__git_clean(const char *file)
{
	filter_in in, prior = { 0 };
	veil_identities *ids = NULL;
	char *plain = NULL, inpath[64], priorpath[64];
	size_t plain_len = 0;
	int infd = -1, priorfd = -1, rc = VEIL_EXIT_FAIL, error;

	if ((error = filter_read(&in, "-", file)) < 0) {
		veil_cli__lib_error(file, error);
		rc = veil_cli__sops_exit(error);
		goto done;
	}
	if (in.len == 0 || (in.doc && veil_sops_is_encrypted(in.doc))) {
		/* already encrypted (e.g. checked out without a key), or empty
		 * (nothing to hide, and no document to encrypt): as it is */
		rc = write_out(in.data, in.len) < 0 ? veil_cli__lib_error(file, VEIL_EIO) : 0;
		goto done;
	}
	read_prior(&prior, file);
	if (prior.doc && (ids = quiet_identities()) != NULL) {
		veil_doc *copy = NULL;

		/* decrypting needs the prior text intact for --reuse: use a copy */
		if (veil_doc_parse(&copy, veil_doc_format_from_path(file), (const char *)prior.data,
		                   prior.len, file) == 0) {
			filter_in tmp = { .doc = copy };

			error = decrypt_render(&plain, &plain_len, &tmp, ids);
			veil_doc_free(copy);
			if (error == 0 && plain_len == in.len && !memcmp(plain, in.data, in.len)) {
				rc = write_out(prior.data, prior.len) < 0
				             ? veil_cli__lib_error(file, VEIL_EIO)
				             : 0;
				goto done;
			}
			if (error < 0) {
				/* rotated keys or a broken prior: a fresh data key */
				veil_doc_free(prior.doc);
				prior.doc = NULL;
			}
		}
	}
	if ((infd = memfile(in.data, in.len, inpath)) < 0 ||
	    (prior.doc && ids && (priorfd = memfile(prior.data, prior.len, priorpath)) < 0)) {
		veil_cli__error("%s: cannot make an in-memory file: %s", file, strerror(errno));
		goto done;
	}
	rc = run_encrypt(file, inpath, priorfd >= 0 ? priorpath : NULL);
done:
	if (infd >= 0)
		close(infd);
	if (priorfd >= 0)
		close(priorfd);
	veil_wipe_free(plain, plain_len);
	veil_identities_free(ids);
	filter_in_dispose(&prior);
	filter_in_dispose(&in);
	return rc;
}

/* smudge and textconv: plaintext when an identity opens the file, else the
 * bytes unchanged. A checkout must never fail for want of a key. */
static int reveal(const char *path, const char *file)
{
	veil_identities *ids = NULL;
	filter_in in;
	char *plain = NULL;
	size_t plain_len = 0;
	int rc = 0, error;

	if ((error = filter_read(&in, path, file)) < 0) {
		veil_cli__lib_error(file, error);
		filter_in_dispose(&in);
		return veil_cli__sops_exit(error);
	}
	if (in.doc && veil_sops_is_encrypted(in.doc))
		ids = quiet_identities();
	error = ids ? decrypt_render(&plain, &plain_len, &in, ids) : VEIL_ENOTFOUND;
	if (error < 0 && ids)
		veil_cli__warning("%s: left encrypted: %s", file, veil_error_last());
	if (error == 0)
		error = write_out((const uint8_t *)plain, plain_len);
	else
		error = write_out(in.data, in.len);
	if (error < 0)
		rc = veil_cli__lib_error(file, error);
	veil_wipe_free(plain, plain_len);
	veil_identities_free(ids);
	filter_in_dispose(&in);
	return rc;
}

int veil_cli__git_smudge(const char *file)
{
	return reveal("-", file);
}

int veil_cli__git_textconv(const char *file)
{
	return reveal(file, file);
}
