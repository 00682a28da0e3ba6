#ifndef VEIL_CLI_CHECK_GIT_H
#define VEIL_CLI_CHECK_GIT_H
/* veil check --staged | --all | --history (check_git.c): blobs from git
 * into the check context of cmd_check.c. */
#include "cmd_check.h"

enum {
	VEIL_CLI_CHECK_STAGED = 1,
	VEIL_CLI_CHECK_ALL,
	VEIL_CLI_CHECK_HISTORY,
};

/* The mode for the flags: --staged, --history, else --all. */
int veil_cli__check_git_mode(int staged, int history);

/* The root of the repository around the working directory (its working
 * tree, no trailing '/'). *root malloc'd. */
int veil_cli__check_git_root(char **root);

/* Feeds the mode's blobs into ctx and writes the report in fmt; returns the
 * exit code (0 clean, 1 findings, 2 failure). */
int veil_cli__check_git(veil_check *ctx, int mode, veil_check_format fmt);

#endif
