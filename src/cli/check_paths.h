#ifndef VEIL_CLI_CHECK_PATHS_H
#define VEIL_CLI_CHECK_PATHS_H
/* veil check PATH... (check_paths.c): files and directories on disk into
 * the check context of cmd_check.c. */
#include "cmd_check.h"

/*
 * Walks paths (directories recursively, without .git and symlinks) and
 * scans every file into ctx, on jobs threads (0: one per CPU the process may use, at
 * most 8) with contexts made from o; the findings come out in walk order
 * whatever the number of threads. Prints failures on stderr in that order
 * too; returns 1 if something could not be scanned, else 0.
 */
int veil_cli__check_paths(veil_check *ctx, const veil_check_options *o, char *const *paths,
                          int npaths, unsigned int jobs);

#endif
