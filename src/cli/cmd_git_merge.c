/*
 * veil git merge %O %A %B %P: git's merge driver for encrypted files.
 *
 * git hands the driver three temporary files holding the base, ours and
 * theirs exactly as stored (ciphertext) and takes %A back as the result.
 * A clean merge writes the merged file, sealed with a fresh MAC, to %A.
 * Otherwise %A stays ours (it still decrypts), the reasons go to stderr,
 * and the three versions (ciphertext only) and the conflicting paths are
 * kept in .git/veil-merge/ for `veil git mergetool`. Plaintext exists only
 * in this process's memory.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_git.h"
#include "sops_cli.h"
#include "veil/git.h"
#include "util/buf.h"
#include "util/fsutil.h"

static const char *const side_file[3] = { "base", "ours", "theirs" };

/* .git/veil-merge/<hash of path>: one directory per conflicted path. */
static int record_dir(veil_buf *out, const char *path)
{
	veil_git_repo *repo = NULL;
	uint64_t h = 1469598103934665603ull;
	int error;

	if ((error = veil_git_open(&repo, NULL)) < 0)
		return error;
	for (const char *p = path; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ull;
	error = veil_buf_printf(out, "%sveil-merge/%016llx", veil_git_dir(repo),
	                        (unsigned long long)h);
	veil_git_close(repo);
	return error;
}

static int record_file(veil_buf *p, const veil_buf *dir, const char *name)
{
	veil_buf_clear(p);
	return veil_buf_printf(p, "%s/%s", (const char *)dir->data, name);
}

void veil_cli__merge_record_clear(const char *path)
{
	veil_buf dir = VEIL_BUF_INIT(0), p = VEIL_BUF_INIT(0);
	const char *names[] = { "base", "ours", "theirs", "path", "conflicts" };

	if (record_dir(&dir, path) == 0) {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (record_file(&p, &dir, names[i]) == 0)
				unlink((const char *)p.data);
		rmdir((const char *)dir.data);
	}
	veil_buf_dispose(&dir);
	veil_buf_dispose(&p);
}

/* What mergetool needs: the three versions as git gave them (ciphertext)
 * and the conflicts (key paths and line numbers, never values). */
static int record(const char *path, const veil_cli_merge_sides *s, const char *conflicts)
{
	veil_buf dir = VEIL_BUF_INIT(0), p = VEIL_BUF_INIT(0);
	int error;

	if ((error = record_dir(&dir, path)) < 0)
		goto done;
	/* .git/veil-merge first, then the path's own directory: both private */
	char *slash = strrchr((char *)dir.data, '/');
	*slash = '\0';
	if (mkdir((const char *)dir.data, 0700) < 0 && errno != EEXIST)
		goto io;
	*slash = '/';
	if (mkdir((const char *)dir.data, 0700) < 0 && errno != EEXIST)
		goto io;
	for (int i = 0; i < 3 && error == 0; i++)
		if ((error = record_file(&p, &dir, side_file[i])) == 0)
			error = veil_file_write_atomic((const char *)p.data, s->data[i], s->len[i],
			                               0);
	if (error == 0 && (error = record_file(&p, &dir, "conflicts")) == 0)
		error = veil_file_write_atomic((const char *)p.data, (const uint8_t *)conflicts,
		                               strlen(conflicts), 0);
	if (error == 0 && (error = record_file(&p, &dir, "path")) == 0)
		error = veil_file_write_atomic((const char *)p.data, (const uint8_t *)path,
		                               strlen(path), 0);
	goto done;
io:
	error = veil_error_set(VEIL_EIO, "%s: %s", (const char *)dir.data, strerror(errno));
done:
	veil_buf_dispose(&dir);
	veil_buf_dispose(&p);
	return error;
}

int veil_cli__merge_record_load(veil_cli_merge_sides *s, const char *path)
{
	veil_buf dir = VEIL_BUF_INIT(0), p = VEIL_BUF_INIT(0);
	uint8_t *stored = NULL;
	size_t stored_len = 0;
	int error;

	memset(s, 0, sizeof(*s));
	if ((error = record_dir(&dir, path)) < 0 || (error = record_file(&p, &dir, "path")) < 0 ||
	    (error = veil_file_read(&stored, &stored_len, (const char *)p.data, 65536)) < 0)
		goto done;
	if (stored_len != strlen(path) || memcmp(stored, path, stored_len)) {
		error = veil_error_set(VEIL_ENOTFOUND, "no merge recorded for %s", path);
		goto done;
	}
	for (int i = 0; i < 3 && error == 0; i++)
		if ((error = record_file(&p, &dir, side_file[i])) == 0)
			error = veil_file_read(&s->data[i], &s->len[i], (const char *)p.data,
			                       VEIL_DOC_MAX_SIZE);
done:
	if (error < 0)
		veil_cli__merge_sides_dispose(s);
	free(stored);
	veil_buf_dispose(&dir);
	veil_buf_dispose(&p);
	return error;
}

void veil_cli__merge_sides_dispose(veil_cli_merge_sides *s)
{
	for (int i = 0; i < 3; i++)
		free(s->data[i]);
	memset(s, 0, sizeof(*s));
}

/* Says what stopped the merge, one line per conflict, and lists them for
 * the record. */
static int report(veil_buf *list, const char *path, const veil_sops_merge_result *r)
{
	int error = 0;

	for (size_t i = 0; i < r->nconflicts && error == 0; i++) {
		const veil_sops_merge_conflict *c = &r->conflicts[i];
		switch (c->kind) {
		case VEIL_SOPS_MERGE_VALUE:
			fprintf(stderr,
			        "veil: %s:%u: conflict: %s changed differently on both sides\n",
			        path, c->line, c->path);
			error = veil_buf_printf(list, "value\t%u\t%s\n", c->line, c->path);
			break;
		case VEIL_SOPS_MERGE_TEXT:
			fprintf(stderr,
			        "veil: %s:%u: conflict: the lines here changed on both sides\n",
			        path, c->line);
			error = veil_buf_printf(list, "text\t%u\n", c->line);
			break;
		default:
			fprintf(stderr,
			        "veil: %s: conflict: both sides changed the sops metadata "
			        "(recipients, rules or data key) differently\n",
			        path);
			error = veil_buf_printf(list, "metadata\t0\n");
		}
	}
	return error;
}

/* The identities a driver may use: the usual sources, quietly, never a
 * prompt (git may run without a terminal). NULL when there are none. */
veil_identities *veil_cli__merge_identities(int quiet)
{
	veil_cli_keyfind kf = { NULL, 0, NULL, 0, 1, quiet, 1 };
	veil_identities *ids = NULL;

	if (veil_cli__identities_find(&ids, &kf) != 0)
		return NULL;
	return ids;
}

/* Is every version git gave (an empty base aside) a sops file? Only those
 * are kept in .git/veil-merge/: a version committed in plaintext by mistake
 * is not copied anywhere. */
static int all_encrypted(const char *path, const veil_cli_merge_sides *s)
{
	int ok = 1;

	for (int i = 0; i < 3 && ok; i++) {
		veil_doc *doc = NULL;
		if (i == 0 && s->len[0] == 0)
			continue;
		ok = veil_doc_parse(&doc, veil_doc_format_from_path(path), (const char *)s->data[i],
		                    s->len[i], path) == 0 &&
		     veil_sops_is_encrypted(doc);
		veil_doc_free(doc);
	}
	return ok;
}

/* Runs the merge; on anything but a clean result, records it and says why. */
static int merge_or_record(const char *path, const veil_cli_merge_sides *s, const char *ours_file)
{
	veil_sops_merge_options o = VEIL_SOPS_MERGE_OPTIONS_INIT;
	veil_sops_merge_result r = { 0 };
	veil_buf list = VEIL_BUF_INIT(0);
	int rc = VEIL_EXIT_FAIL, error;

	o.identities = veil_cli__merge_identities(1);
	error = veil_sops_merge(&r, veil_doc_format_from_path(path), path, (const char *)s->data[0],
	                        s->len[0], (const char *)s->data[1], s->len[1],
	                        (const char *)s->data[2], s->len[2], &o);
	if (error == 0 && r.text) {
		if ((error = veil_file_write_atomic(ours_file, (const uint8_t *)r.text, r.len, 0)) <
		    0) {
			rc = veil_cli__lib_error(path, error);
			goto done;
		}
		veil_cli__merge_record_clear(path);
		rc = 0;
		goto done;
	}
	if (error == VEIL_ENOMATCH)
		veil_cli__error(
		        "%s: no identity opens this file's data key, so its values cannot be "
		        "merged under a valid MAC: the conflict is left to git",
		        path);
	else if (error < 0)
		veil_cli__error("%s: cannot merge values: %s", path, veil_error_last());
	else
		error = report(&list, path, &r);
	if (!all_encrypted(path, s)) {
		veil_cli__hint(
		        "a version of %s is not a sops file: the conflict is git's to settle",
		        path);
		goto done;
	}
	if (record(path, s, list.data ? (const char *)list.data : "") < 0)
		veil_cli__warning(
		        "%s: the conflict could not be recorded for veil git mergetool: %s", path,
		        veil_error_last());
	veil_cli__hint("%s is ours as it was (it still decrypts); resolve the values with: "
	               "veil git mergetool %s",
	               path, path);
done:
	veil_sops_merge_result_dispose(&r);
	veil_buf_dispose(&list);
	veil_identities_free((veil_identities *)o.identities);
	return rc;
}

int veil_cli__git_merge(int argc, char **argv)
{
	veil_cli_merge_sides s = { { NULL, NULL, NULL }, { 0, 0, 0 } };
	int rc = VEIL_EXIT_FAIL, error = 0;

	if (argc > 0 && !strcmp(argv[0], "--"))
		argc--, argv++;
	if (argc != 4)
		return veil_cli__usage("git",
		                       "'veil git merge' takes %%O %%A %%B %%P (base, ours, "
		                       "theirs, path), as git's merge.veil.driver gives them");
	for (int i = 0; i < 3 && error == 0; i++)
		if ((error = veil_file_read(&s.data[i], &s.len[i], argv[i], VEIL_DOC_MAX_SIZE)) < 0)
			rc = veil_cli__lib_error(argv[i], error);
	if (error == 0)
		rc = merge_or_record(argv[3], &s, argv[1]);
	veil_cli__merge_sides_dispose(&s);
	return rc;
}
