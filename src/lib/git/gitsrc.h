#ifndef VEIL_GIT_GITSRC_H
#define VEIL_GIT_GITSRC_H
/*
 * The blobs `veil check` reads from git: what is staged (`--staged`),
 * every file of the index (`--all`), every blob in history (`--history`).
 * Content always comes from the object database, never from the working
 * tree and never through a filter or textconv: what is checked is exactly
 * what would be (or was) committed.
 */
#include <stddef.h>
#include <stdint.h>

typedef struct veil_git_repo veil_git_repo;

/* The path's `filter` attribute names an encrypting filter: its blobs must
 * be stored encrypted. */
enum {
	VEIL_GIT_ATTR_FILTER_VEIL = 1u << 0,     /* filter=veil */
	VEIL_GIT_ATTR_FILTER_GITCRYPT = 1u << 1, /* filter=git-crypt */
	VEIL_GIT_ATTR_FILTER_CRYPT = 1u << 2,    /* transcrypt (crypt*), strongbox */
};

typedef struct veil_git_blob {
	const char *path; /* relative to the repository root, '/'-separated */
	const uint8_t *data;
	size_t len;
	unsigned attrs;     /* VEIL_GIT_ATTR_* */
	const char *commit; /* --history: hex id of the commit that introduced it */
} veil_git_blob;

/* Called once per blob; a negative return stops the walk and is returned. */
typedef int (*veil_git_blob_fn)(void *payload, const veil_git_blob *blob);

/* Opens the repository containing start (a directory; NULL = "."), loading
 * libgit2 on first use. VEIL_ENOTFOUND if start is not in a repository. */
int veil_git__open(veil_git_repo **out, const char *start);
void veil_git__close(veil_git_repo *repo);
/* The working tree's root with a trailing '/', or NULL for a bare repo. */
const char *veil_git__workdir(const veil_git_repo *repo);
/* The git_repository * (as void *, so callers need not include git2.h). */
void *veil_git__handle(const veil_git_repo *repo);

/*
 * --staged: every regular file (not symlinks, submodules, deletions or
 * intent-to-add placeholders) whose staged blob differs from HEAD's; all of
 * them on the first commit, or when .sops.yaml, .gitattributes or
 * .veilignore is among the changes, since those change how every file is
 * judged. Attributes are read from the index, as the commit will have them.
 */
int veil_git__each_staged(veil_git_repo *repo, veil_git_blob_fn fn, void *payload);

/* --all: every regular file of the index (HEAD's tree in a bare repo). */
int veil_git__each_file(veil_git_repo *repo, veil_git_blob_fn fn, void *payload);

/*
 * --history: every blob of every commit reachable from HEAD and all refs,
 * oldest first, each blob once, attributed to the first commit (in
 * topological order) whose tree has it, with that commit's attributes.
 */
int veil_git__each_history(veil_git_repo *repo, veil_git_blob_fn fn, void *payload);

/* The staged version of path (relative to the root), else HEAD's, in
 * malloc'd memory. VEIL_ENOTFOUND when neither has it. */
int veil_git__prior_blob(veil_git_repo *repo, const char *path, char **data, size_t *len);

/* The directory git runs hooks from: core.hooksPath (relative to the
 * working tree's root) or $GIT_COMMON_DIR/hooks. *out malloc'd. */
int veil_git__hooks_dir(veil_git_repo *repo, char **out);

/* Sets name in the repository's own config file (.git/config); value NULL
 * sets the boolean true. */
int veil_git__config_set(veil_git_repo *repo, const char *name, const char *value);

/* Internal to the sources: attributes of path from the index (commit NULL)
 * or from a commit's tree. */
unsigned veil_git__attrs(veil_git_repo *repo, const char *path, const void *commit_oid);

#endif
