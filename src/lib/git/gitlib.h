#ifndef VEIL_GIT_GITLIB_H
#define VEIL_GIT_GITLIB_H
/*
 * libgit2, loaded on first use (util/dynlib.h): linking it would cost every
 * veil process ~12 ms of startup. The table below holds one pointer per
 * function veil calls, typed with __typeof__ of the git2.h declaration, so
 * a call through it is checked like a direct call:
 *
 *	if ((error = veil_git__load()) < 0) return error;
 *	VEIL_GIT(git_repository_open_ext)(&repo, ".", 0, NULL);
 */
#include <git2.h>

#define VEIL_GIT_FUNCS(X)                 \
	X(git_libgit2_init)               \
	X(git_error_last)                 \
	X(git_repository_open_ext)        \
	X(git_repository_free)            \
	X(git_repository_index)           \
	X(git_repository_workdir)         \
	X(git_repository_path)            \
	X(git_repository_commondir)       \
	X(git_repository_config)          \
	X(git_repository_config_snapshot) \
	X(git_index_entrycount)           \
	X(git_index_get_byindex)          \
	X(git_index_get_bypath)           \
	X(git_index_free)                 \
	X(git_index_find)                 \
	X(git_diff_tree_to_index)         \
	X(git_diff_num_deltas)            \
	X(git_diff_get_delta)             \
	X(git_diff_free)                  \
	X(git_blob_lookup)                \
	X(git_blob_rawcontent)            \
	X(git_blob_rawsize)               \
	X(git_blob_free)                  \
	X(git_tree_free)                  \
	X(git_tree_lookup)                \
	X(git_tree_entry_bypath)          \
	X(git_tree_entry_free)            \
	X(git_tree_entry_id)              \
	X(git_tree_entry_type)            \
	X(git_tree_entry_filemode)        \
	X(git_tree_entry_name)            \
	X(git_tree_walk)                  \
	X(git_revparse_single)            \
	X(git_object_free)                \
	X(git_object_peel)                \
	X(git_commit_lookup)              \
	X(git_commit_tree_id)             \
	X(git_commit_free)                \
	X(git_revwalk_new)                \
	X(git_revwalk_push_head)          \
	X(git_revwalk_push_glob)          \
	X(git_revwalk_sorting)            \
	X(git_revwalk_next)               \
	X(git_revwalk_free)               \
	X(git_attr_get_ext)               \
	X(git_attr_value)                 \
	X(git_oid_tostr)                  \
	X(git_oid_equal)                  \
	X(git_config_get_string_buf)      \
	X(git_config_get_path)            \
	X(git_config_set_string)          \
	X(git_config_set_bool)            \
	X(git_config_delete_entry)        \
	X(git_config_free)                \
	X(git_buf_dispose)

typedef struct veil_git_fns {
#define VEIL_GIT_SLOT(name) __typeof__(name) *name;
	VEIL_GIT_FUNCS(VEIL_GIT_SLOT)
#undef VEIL_GIT_SLOT
} veil_git_fns;

extern veil_git_fns veil_git__fns;
#define VEIL_GIT(name) (veil_git__fns.name)

/* Loads libgit2 and runs git_libgit2_init, once per process. Returns 0, or
 * VEIL_EUNSUPPORTED naming the missing library or symbol. */
int veil_git__load(void);

/* Sets the veil error from libgit2's last error: "context: message".
 * Returns VEIL_ENOTFOUND for GIT_ENOTFOUND, else VEIL_ERROR. */
int veil_git__error(int git_code, const char *context);

#endif
