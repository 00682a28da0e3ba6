/* Opening a repository, attributes, and the prior version of a path. */
#include "git/gitlib.h"
#include "git/gitrepo.h"

#include <stdlib.h>
#include <string.h>

#include "veil/error.h"

int veil_git_open(veil_git_repo **out, const char *start)
{
	veil_git_repo *r;
	int error;

	*out = NULL;
	if ((error = veil_git__load()) < 0)
		return error;
	if (!(r = calloc(1, sizeof(*r))))
		return veil_error_oom();
	/* From the current directory, honour GIT_DIR, GIT_INDEX_FILE and the other
	 * variables git sets for hooks: `git commit -a` and `git commit PATH` run
	 * the pre-commit hook against a temporary index named by GIT_INDEX_FILE. */
	if (start)
		error = VEIL_GIT(git_repository_open_ext)(&r->repo, start, 0, NULL);
	else
		error = VEIL_GIT(git_repository_open_ext)(&r->repo, NULL,
		                                          GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	if (error < 0) {
		free(r);
		if (error == GIT_ENOTFOUND)
			return veil_error_set(VEIL_ENOTFOUND, "%s is not in a git repository",
			                      start ? start : "the current directory");
		return veil_git__error(error, "opening the git repository");
	}
	*out = r;
	return 0;
}

void veil_git_close(veil_git_repo *repo)
{
	if (!repo)
		return;
	if (repo->index)
		VEIL_GIT(git_index_free)(repo->index);
	VEIL_GIT(git_repository_free)(repo->repo);
	free(repo);
}

const char *veil_git_workdir(const veil_git_repo *repo)
{
	return VEIL_GIT(git_repository_workdir)(repo->repo);
}

const char *veil_git_dir(const veil_git_repo *repo)
{
	return VEIL_GIT(git_repository_path)(repo->repo);
}

void *veil_git__handle(const veil_git_repo *repo)
{
	return repo->repo;
}

int veil_git__index(veil_git_repo *repo, git_index **out)
{
	int error;

	if (!repo->index && (error = VEIL_GIT(git_repository_index)(&repo->index, repo->repo)) < 0)
		return veil_git__error(error, "reading the index");
	*out = repo->index;
	return 0;
}

/* HEAD's tree, or *out NULL on an unborn branch. */
int veil_git__head_tree(veil_git_repo *repo, git_tree **out)
{
	git_object *obj = NULL;
	int error;

	*out = NULL;
	error = VEIL_GIT(git_revparse_single)(&obj, repo->repo, "HEAD^{tree}");
	if (error == GIT_ENOTFOUND || error == GIT_EUNBORNBRANCH)
		return 0;
	if (error < 0)
		return veil_git__error(error, "reading HEAD");
	*out = (git_tree *)obj;
	return 0;
}

unsigned veil_git__attrs(veil_git_repo *repo, const char *path, const void *commit_oid)
{
	git_attr_options opts = { .version = GIT_ATTR_OPTIONS_VERSION };
	const char *v = NULL;

	/* Attributes as the commit has them: the index for what is staged, the
	 * commit's own tree for history. System attributes are left out so a
	 * check does not depend on the machine it runs on. */
	opts.flags = GIT_ATTR_CHECK_NO_SYSTEM | GIT_ATTR_CHECK_INDEX_ONLY;
	if (commit_oid) {
		opts.flags = GIT_ATTR_CHECK_NO_SYSTEM | GIT_ATTR_CHECK_INDEX_ONLY |
		             GIT_ATTR_CHECK_INCLUDE_COMMIT;
		memcpy(&opts.attr_commit_id, commit_oid, sizeof(opts.attr_commit_id));
	}
	if (VEIL_GIT(git_attr_get_ext)(&v, repo->repo, &opts, path, "filter") < 0 || !v ||
	    VEIL_GIT(git_attr_value)(v) != GIT_ATTR_VALUE_STRING)
		return 0;
	if (!strcmp(v, "veil"))
		return VEIL_GIT_ATTR_FILTER_VEIL;
	if (!strcmp(v, "git-crypt") || !strncmp(v, "git-crypt-", 10))
		return VEIL_GIT_ATTR_FILTER_GITCRYPT;
	if (!strncmp(v, "crypt", 5) || !strcmp(v, "strongbox"))
		return VEIL_GIT_ATTR_FILTER_CRYPT;
	return 0;
}

static int copy_blob(veil_git_repo *repo, const git_oid *id, char **data, size_t *len)
{
	git_blob *blob = NULL;
	size_t n;
	int error;

	if ((error = VEIL_GIT(git_blob_lookup)(&blob, repo->repo, id)) < 0)
		return veil_git__error(error, "reading a blob");
	n = (size_t)VEIL_GIT(git_blob_rawsize)(blob);
	if (!(*data = malloc(n + 1))) {
		VEIL_GIT(git_blob_free)(blob);
		return veil_error_oom();
	}
	memcpy(*data, VEIL_GIT(git_blob_rawcontent)(blob), n);
	(*data)[n] = '\0';
	*len = n;
	VEIL_GIT(git_blob_free)(blob);
	return 0;
}

int veil_git_prior_blob(veil_git_repo *repo, const char *path, char **data, size_t *len)
{
	const git_index_entry *e;
	git_tree_entry *te = NULL;
	git_tree *tree = NULL;
	git_index *index = NULL;
	int error;

	*data = NULL;
	*len = 0;
	if ((error = veil_git__index(repo, &index)) < 0)
		return error;
	e = VEIL_GIT(git_index_get_bypath)(index, path, 0);
	if (e && !(e->flags_extended & GIT_INDEX_ENTRY_INTENT_TO_ADD))
		return copy_blob(repo, &e->id, data, len);
	if ((error = veil_git__head_tree(repo, &tree)) < 0)
		return error;
	if (!tree || VEIL_GIT(git_tree_entry_bypath)(&te, tree, path) < 0 ||
	    VEIL_GIT(git_tree_entry_type)(te) != GIT_OBJECT_BLOB) {
		error = veil_error_set(VEIL_ENOTFOUND, "%s is neither staged nor in HEAD", path);
		goto done;
	}
	error = copy_blob(repo, VEIL_GIT(git_tree_entry_id)(te), data, len);
done:
	if (te)
		VEIL_GIT(git_tree_entry_free)(te);
	if (tree)
		VEIL_GIT(git_tree_free)(tree);
	return error;
}
