#ifndef VEIL_GIT_H
#define VEIL_GIT_H
/*
 * The blobs `veil check` reads from git: what is staged (`--staged`),
 * every file of the index (`--all`), every blob in history (`--history`).
 * Content always comes from the object database, never from the working
 * tree and never through a filter or textconv: what is checked is exactly
 * what would be (or was) committed. libgit2 is loaded on first use.
 *
 * Also the translation of .sops.yaml path_regex rules to .gitattributes
 * patterns used by `veil git setup`.
 */
#include <stddef.h>
#include <stdint.h>
#include "veil/common.h"

VEIL_BEGIN_DECL

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
VEIL_EXTERN int veil_git_open(veil_git_repo **out, const char *start);
VEIL_EXTERN void veil_git_close(veil_git_repo *repo);
/* The working tree's root with a trailing '/', or NULL for a bare repo. */
VEIL_EXTERN const char *veil_git_workdir(const veil_git_repo *repo);
/* The repository's own git directory (.git, or .git/worktrees/NAME for a
 * linked worktree) with a trailing '/': where per-worktree state goes. */
VEIL_EXTERN const char *veil_git_dir(const veil_git_repo *repo);
/*
 * --staged: every regular file (not symlinks, submodules, deletions or
 * intent-to-add placeholders) whose staged blob differs from HEAD's; all of
 * them on the first commit, or when .sops.yaml, .gitattributes or
 * .veilignore is among the changes, since those change how every file is
 * judged. Attributes are read from the index, as the commit will have them.
 */
VEIL_EXTERN int veil_git_each_staged(veil_git_repo *repo, veil_git_blob_fn fn, void *payload);

/* --all: every regular file of the index (HEAD's tree in a bare repo). */
VEIL_EXTERN int veil_git_each_file(veil_git_repo *repo, veil_git_blob_fn fn, void *payload);

/*
 * --history: every blob of every commit reachable from HEAD and all refs,
 * oldest first, each blob once, attributed to the first commit (in
 * topological order) whose tree has it, with that commit's attributes.
 */
VEIL_EXTERN int veil_git_each_history(veil_git_repo *repo, veil_git_blob_fn fn, void *payload);

/* The staged version of path (relative to the root), else HEAD's, in
 * malloc'd memory. VEIL_ENOTFOUND when neither has it. */
VEIL_EXTERN int veil_git_prior_blob(veil_git_repo *repo, const char *path, char **data,
                                    size_t *len);

/* The directory git runs hooks from: core.hooksPath (relative to the
 * working tree's root) or $GIT_COMMON_DIR/hooks. *out malloc'd. */
VEIL_EXTERN int veil_git_hooks_dir(veil_git_repo *repo, char **out);

/* Sets name in the repository's own config file (.git/config); value NULL
 * sets the boolean true. */
VEIL_EXTERN int veil_git_config_set(veil_git_repo *repo, const char *name, const char *value);

/*
 * `veil git setup` turns .sops.yaml creation rules into .gitattributes
 * patterns. A rule's path_regex is searched (unanchored) in the path
 * relative to the config's directory; gitattributes patterns are globs.
 * Only the regex shapes that have an exact glob equivalent are translated
 * (literals, escapes, ^ $, .* .+ [^/]* [^/]+, . , simple classes, x?,
 * (a|b) groups); anything else is refused, so a rule is never silently
 * widened or narrowed.
 */

#define VEIL_GIT_GLOB_MAX_REGEX 512 /* bytes of path_regex */
#define VEIL_GIT_GLOB_MAX       32  /* patterns one regex may expand to */

/*
 * Translates re into up to VEIL_GIT_GLOB_MAX gitattributes patterns (each
 * malloc'd, *out malloc'd; free with veil_git_globs_free), rooted at
 * prefix (the config's directory relative to the repository root, "" or
 * "dir/"). VEIL_EUNSUPPORTED (message says why) if it has no exact glob form.
 */
VEIL_EXTERN int veil_git_regex_globs(char ***out, size_t *n, const char *re, const char *prefix);
VEIL_EXTERN void veil_git_globs_free(char **globs, size_t n);

VEIL_END_DECL

#endif
