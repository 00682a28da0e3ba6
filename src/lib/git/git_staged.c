/* --staged and --all: blobs from the index, exactly as they will be committed. */
#include "git/gitrepo.h"

#include <stdlib.h>
#include <string.h>

#include "veil/error.h"

int veil_git__emit(veil_git_repo *repo, const git_oid *id, const char *path, unsigned attrs,
                   const char *commit, veil_git_blob_fn fn, void *payload)
{
	veil_git_blob b = { 0 };
	git_blob *blob = NULL;
	int error;

	if ((error = VEIL_GIT(git_blob_lookup)(&blob, repo->repo, id)) < 0)
		return veil_git__error(error, path);
	b.path = path;
	b.data = VEIL_GIT(git_blob_rawcontent)(blob);
	b.len = (size_t)VEIL_GIT(git_blob_rawsize)(blob);
	b.attrs = attrs;
	b.commit = commit;
	error = fn(payload, &b);
	VEIL_GIT(git_blob_free)(blob);
	return error;
}

/* A stage-0 regular file with real content? */
static int checkable(const git_index_entry *e)
{
	return e && GIT_INDEX_ENTRY_STAGE(e) == 0 && VEIL_GIT_REGULAR(e->mode) &&
	       !(e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD);
}

/* Files that change how every other file is judged. */
static int is_policy_file(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return !strcmp(base, ".sops.yaml") || !strcmp(base, ".gitattributes") ||
	       !strcmp(base, ".veilignore");
}

/* Marks the index entries whose blob differs from HEAD's tree (one diff,
 * a merge of two sorted lists, not a lookup per entry); *all when a policy
 * file is among them. */
static int mark_changed(veil_git_repo *repo, git_tree *head, git_index *index,
                        unsigned char *changed, int *all)
{
	git_diff_options o = { .version = GIT_DIFF_OPTIONS_VERSION,
		               .ignore_submodules = GIT_SUBMODULE_IGNORE_ALL,
		               .context_lines = 3 };
	git_diff *diff = NULL;
	size_t n, pos;
	int error;

	if ((error = VEIL_GIT(git_diff_tree_to_index)(&diff, repo->repo, head, index, &o)) < 0)
		return veil_git__error(error, "comparing the index with HEAD");
	n = VEIL_GIT(git_diff_num_deltas)(diff);
	for (size_t i = 0; i < n; i++) {
		const git_diff_delta *d = VEIL_GIT(git_diff_get_delta)(diff, i);

		if (!d || d->status == GIT_DELTA_DELETED || !d->new_file.path ||
		    VEIL_GIT(git_index_find)(&pos, index, d->new_file.path) < 0)
			continue;
		changed[pos] = 1;
		if (is_policy_file(d->new_file.path))
			*all = 1;
	}
	VEIL_GIT(git_diff_free)(diff);
	return 0;
}

static int each_index(veil_git_repo *repo, int only_changed, veil_git_blob_fn fn, void *payload)
{
	git_tree *head = NULL;
	git_index *index = NULL;
	unsigned char *changed = NULL;
	size_t n, i;
	int all = !only_changed, error;

	if ((error = veil_git__index(repo, &index)) < 0)
		return error;
	n = VEIL_GIT(git_index_entrycount)(index);
	if (only_changed) {
		if ((error = veil_git__head_tree(repo, &head)) < 0)
			return error;
		all = !head;
		if (!(changed = calloc(n ? n : 1, 1))) {
			error = veil_error_oom();
			goto done;
		}
		if (!all && (error = mark_changed(repo, head, index, changed, &all)) < 0)
			goto done;
	}
	for (i = 0; i < n && error >= 0; i++) {
		const git_index_entry *e = VEIL_GIT(git_index_get_byindex)(index, i);

		if (!checkable(e) || !(all || changed[i]))
			continue;
		error = veil_git__emit(repo, &e->id, e->path, veil_git__attrs(repo, e->path, NULL),
		                       NULL, fn, payload);
	}
done:
	free(changed);
	if (head)
		VEIL_GIT(git_tree_free)(head);
	return error < 0 ? error : 0;
}

int veil_git_each_staged(veil_git_repo *repo, veil_git_blob_fn fn, void *payload)
{
	return each_index(repo, 1, fn, payload);
}

int veil_git_each_file(veil_git_repo *repo, veil_git_blob_fn fn, void *payload)
{
	if (!veil_git_workdir(repo))
		return veil_git__each_history_head(repo, fn, payload);
	return each_index(repo, 0, fn, payload);
}
