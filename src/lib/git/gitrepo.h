#ifndef VEIL_GIT_GITREPO_H
#define VEIL_GIT_GITREPO_H
/* Internal to src/lib/git: the repository handle behind veil_git_repo. */
#include "git/gitlib.h"
#include "veil/git.h"

struct veil_git_repo {
	git_repository *repo;
	git_index *index; /* loaded on first use */
};

/* The git_repository * (as void *, so callers need not include git2.h). */
void *veil_git__handle(const veil_git_repo *repo);

/* Internal to the sources: attributes of path from the index (commit NULL)
 * or from a commit's tree. */
unsigned veil_git__attrs(veil_git_repo *repo, const char *path, const void *commit_oid);

int veil_git__index(veil_git_repo *repo, git_index **out);
int veil_git__head_tree(veil_git_repo *repo, git_tree **out);

/* Looks up a blob and calls fn with it. */
int veil_git__emit(veil_git_repo *repo, const git_oid *id, const char *path, unsigned attrs,
                   const char *commit, veil_git_blob_fn fn, void *payload);

/* --all in a bare repository: every file of HEAD's tree. */
int veil_git__each_history_head(veil_git_repo *repo, veil_git_blob_fn fn, void *payload);

/* A regular file (not a symlink or submodule)? */
#define VEIL_GIT_REGULAR(mode) \
	((mode) == GIT_FILEMODE_BLOB || (mode) == GIT_FILEMODE_BLOB_EXECUTABLE)

#endif
