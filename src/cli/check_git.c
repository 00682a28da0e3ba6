/*
 * veil check --staged | --all | --history: the git sources of src/lib/git
 * feed the check context blob by blob, straight from the object database
 * (never the working tree, never a filter or textconv). The .sops.yaml
 * rules and .veilignore are the index's (else HEAD's) too: what the commit
 * will have, not what lies on disk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_git.h"
#include "veil/git.h"
#include "util/array.h"

typedef struct introduced {
	size_t first, end; /* findings [first, end) came from this blob */
	char commit[41];
	char *path;
} introduced;

typedef struct feed {
	veil_check *ctx;
	introduced *blobs; /* --history: which commit each finding came from */
	size_t nblobs, cap;
	int error;
} feed;

static unsigned attrs_of(unsigned git)
{
	return (git & VEIL_GIT_ATTR_FILTER_VEIL ? VEIL_CHECK_ATTR_FILTER_VEIL : 0) |
	       (git & VEIL_GIT_ATTR_FILTER_GITCRYPT ? VEIL_CHECK_ATTR_FILTER_GITCRYPT : 0) |
	       (git & VEIL_GIT_ATTR_FILTER_CRYPT ? VEIL_CHECK_ATTR_FILTER_OTHER : 0);
}

static int note_commit(feed *f, const veil_git_blob *b, size_t before, size_t after)
{
	introduced *in;

	if (after == before || !b->commit)
		return 0;
	if (f->nblobs == f->cap) {
		introduced *nb = veil_array_grow(f->blobs, &f->cap, f->nblobs + 1, sizeof(*nb));

		if (!nb)
			return VEIL_ENOMEM;
		f->blobs = nb;
	}
	in = &f->blobs[f->nblobs];
	if (!(in->path = strdup(b->path)))
		return veil_error_oom();
	in->first = before;
	in->end = after;
	snprintf(in->commit, sizeof(in->commit), "%s", b->commit);
	f->nblobs++;
	return 0;
}

static int feed_blob(void *payload, const veil_git_blob *b)
{
	feed *f = payload;
	size_t before = veil_check_count(f->ctx, 0);
	int error = veil_check_set_commit(f->ctx, b->commit);

	if (error == 0)
		error = veil_cli__check_feed(f->ctx, b->path, b->data, b->len, attrs_of(b->attrs));
	if (error < 0)
		return error;
	return note_commit(f, b, before, veil_check_count(f->ctx, 0));
}

/* The index's (else HEAD's) .sops.yaml and .veilignore replace the disk's. */
static int policy_from_index(veil_check *ctx, veil_git_repo *repo)
{
	char *text = NULL;
	size_t len = 0;
	int error;

	error = veil_git_prior_blob(repo, ".sops.yaml", &text, &len);
	if (error == 0 || error == VEIL_ENOTFOUND)
		error = veil_check_set_sops_config(ctx, text ? text : "", error == 0 ? len : 0);
	free(text);
	text = NULL;
	if (error < 0)
		return error;
	error = veil_git_prior_blob(repo, ".veilignore", &text, &len);
	if (error == 0 || error == VEIL_ENOTFOUND)
		error = veil_check_set_ignore(ctx, text ? text : "", error == 0 ? len : 0);
	free(text);
	return error;
}

int veil_cli__check_git_mode(int staged, int history)
{
	return staged    ? VEIL_CLI_CHECK_STAGED
	       : history ? VEIL_CLI_CHECK_HISTORY
	                 : VEIL_CLI_CHECK_ALL;
}

int veil_cli__check_git_root(char **root)
{
	veil_git_repo *repo = NULL;
	const char *wd;
	int error;

	*root = NULL;
	if ((error = veil_git_open(&repo, NULL)) < 0)
		return error;
	wd = veil_git_workdir(repo);
	if (!wd)
		wd = "/";
	if (!(*root = strdup(wd)))
		error = veil_error_oom();
	else if (strlen(*root) > 1 && (*root)[strlen(*root) - 1] == '/')
		(*root)[strlen(*root) - 1] = '\0';
	veil_git_close(repo);
	return error;
}

int veil_cli__check_git(veil_check *ctx, int mode, veil_check_format fmt)
{
	veil_git_repo *repo = NULL;
	feed f = { .ctx = ctx };
	int error, rc;

	if ((error = veil_git_open(&repo, NULL)) < 0 ||
	    (error = policy_from_index(ctx, repo)) < 0) {
		veil_cli__lib_error("check", error);
		rc = VEIL_EXIT_USAGE;
		goto done;
	}
	if (mode == VEIL_CLI_CHECK_STAGED)
		error = veil_git_each_staged(repo, feed_blob, &f);
	else if (mode == VEIL_CLI_CHECK_ALL)
		error = veil_git_each_file(repo, feed_blob, &f);
	else
		error = veil_git_each_history(repo, feed_blob, &f);
	if (error < 0) {
		veil_cli__lib_error("check", error);
		rc = VEIL_EXIT_USAGE;
		goto done;
	}
	rc = veil_cli__check_report(ctx, fmt);
	/* which commit put each finding into history */
	if (fmt == VEIL_CHECK_FORMAT_TEXT)
		for (size_t i = 0; i < f.nblobs; i++)
			printf("%s: introduced by commit %s (%zu finding%s)\n", f.blobs[i].path,
			       f.blobs[i].commit, f.blobs[i].end - f.blobs[i].first,
			       f.blobs[i].end - f.blobs[i].first == 1 ? "" : "s");
done:
	for (size_t i = 0; i < f.nblobs; i++)
		free(f.blobs[i].path);
	free(f.blobs);
	veil_git_close(repo);
	return rc;
}
