#ifndef VEIL_CLI_CMD_CHECK_H
#define VEIL_CLI_CMD_CHECK_H
/*
 * veil check. The path scanner lives in cmd_check.c; other blob sources
 * (the git index, the tree of a commit, history) call veil_cli__check_feed
 * for every blob, then veil_cli__check_report for the output and exit code.
 */
#include "cli.h"
#include "veil/check.h"

int veil_cli__cmd_check(int argc, char **argv);

/* One blob into the scanner; path relative to the root, '/' separated;
 * attrs: VEIL_CHECK_ATTR_* from git attributes. Returns 0 or a negative code. */
int veil_cli__check_feed(veil_check *ctx, const char *path, const void *data, size_t len,
                         unsigned int attrs);

/* Writes the findings in fmt to stdout; returns the exit code: 1 when an
 * error-level finding exists, 0 when clean (warnings only), 2 on failure. */
int veil_cli__check_report(veil_check *ctx, veil_check_format fmt);

#endif
