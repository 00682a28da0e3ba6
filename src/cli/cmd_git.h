#ifndef VEIL_CLI_CMD_GIT_H
#define VEIL_CLI_CMD_GIT_H
#include <stddef.h>
#include <stdint.h>
#include "veil/keys.h"
/* The git integration commands (cmd_hook.c, cmd_git.c, cmd_git_filter.c). */

/* veil hook install | uninstall */
int veil_cli__cmd_hook(int argc, char **argv);
/* veil git setup | clean | smudge | textconv */
int veil_cli__cmd_git(int argc, char **argv);

/* The filter and diff drivers git calls (cmd_git_filter.c); file is the
 * path git names, content comes on stdin (textconv: from the file). */
int veil_cli__git_clean(const char *file);
int veil_cli__git_smudge(const char *file);
int veil_cli__git_textconv(const char *file);
/* veil git setup [PATTERN...] (cmd_git.c) */
int veil_cli__git_setup(int npatterns, char **patterns);

/* The merge driver and tool (cmd_git_merge.c, cmd_git_mergetool.c): args
 * after the subcommand's name. */
int veil_cli__git_merge(int argc, char **argv);
int veil_cli__git_mergetool(int argc, char **argv);

/* A merge's three versions as git gave them: base, ours, theirs. */
typedef struct veil_cli_merge_sides {
	uint8_t *data[3];
	size_t len[3];
} veil_cli_merge_sides;

/* mergetool's whole-file way (cmd_git_mergetool_text.c): the plaintext
 * line merge with conflict markers in the editor, sealed with ours as the
 * reuse source into file. Prints its errors; an exit code, or 0. */
int veil_cli__mergetool_text(const char *file, const char *path, const veil_cli_merge_sides *s,
                             const veil_identities *ids);

/* What the driver kept in .git/veil-merge/ for path (relative to the
 * repository root): VEIL_ENOTFOUND when nothing is recorded. */
int veil_cli__merge_record_load(veil_cli_merge_sides *s, const char *path);
void veil_cli__merge_record_clear(const char *path);
void veil_cli__merge_sides_dispose(veil_cli_merge_sides *s);
/* The identities from the usual sources, never prompting; NULL if none
 * could be gathered. quiet: no warnings. */
veil_identities *veil_cli__merge_identities(int quiet);

#endif
