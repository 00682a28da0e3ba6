#ifndef VEIL_CLI_CMD_GIT_H
#define VEIL_CLI_CMD_GIT_H
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

#endif
