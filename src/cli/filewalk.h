#ifndef VEIL_CLI_FILEWALK_H
#define VEIL_CLI_FILEWALK_H
/*
 * The files of a repository-wide command (audit, updatekeys, rotate):
 * operands as given, directories walked. One list, in a fixed order
 * (names sorted at each level), so a plan and its application go through
 * the files the same way every time.
 */
#include <stddef.h>

typedef struct veil_cli_file {
	char *path;
	int named; /* an operand itself, not found in a directory */
} veil_cli_file;

typedef struct veil_cli_files {
	veil_cli_file *items;
	size_t n, cap;
} veil_cli_files;

/*
 * Appends each of paths: a file as it is; a directory's regular files,
 * recursively (without .git, .sops.yaml/.sops.yml, or following symlinks),
 * when recursive, else a usage error naming -r. Prints the error and
 * returns an exit code, or 0.
 */
int veil_cli__files_collect(veil_cli_files *out, const char *cmd, char *const *paths, size_t n,
                            int recursive);
/* What veil_cli__files_walk skips besides .git (and what it keeps). */
enum {
	VEIL_CLI_WALK_NO_HIDDEN = 1,   /* every name starting with "." */
	VEIL_CLI_WALK_SOPS_CONFIG = 2, /* keep .sops.yaml/.sops.yml files */
};
/* Appends the regular files below dir (walked as for -r: names sorted at
 * each level, symlinks not followed, .git never entered). */
int veil_cli__files_walk(veil_cli_files *out, const char *dir, unsigned int flags);
void veil_cli__files_dispose(veil_cli_files *f);

/* Could text be a sops file (worth parsing): it mentions a mac and sops.
 * Files met in a directory that are not are passed over. */
int veil_cli__files_sops_like(const char *text, size_t len);

#endif
