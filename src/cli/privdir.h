#ifndef VEIL_CLI_PRIVDIR_H
#define VEIL_CLI_PRIVDIR_H
/*
 * Where plaintext may touch a file system (edit, exec-file): a fresh 0700
 * directory, in memory when possible ($XDG_RUNTIME_DIR, then /dev/shm,
 * then $TMPDIR or /tmp), whose files are overwritten with zeros, synced
 * and unlinked before it is removed; and running a child through /bin/sh.
 */
#include <stddef.h>

#define VEIL_CLI_PRIVDIR_MAX 4096

/* Makes the directory; dir gets its path. 0 or a negative veil_error_code.
 * It is recorded for the signal handler until veil_cli__privdir_remove. */
int veil_cli__privdir_make(char dir[VEIL_CLI_PRIVDIR_MAX]);
/* other_user: the directory is handed to another user (exec-file --user),
 * so it goes under a base that user can reach (not $XDG_RUNTIME_DIR). */
int veil_cli__privdir_make_for(char dir[VEIL_CLI_PRIVDIR_MAX], int other_user);

/* Writes data to dir/name (path gets it), mode 0600, never following a
 * link or replacing a file. 0 or a negative veil_error_code. */
int veil_cli__privdir_write(char *path, size_t cap, const char *dir, const char *name,
                            const char *data, size_t len);

/* Wipes every regular file in dir (the editor's swap and backup files too),
 * removes everything and the directory. dir "" is a no-op. */
void veil_cli__privdir_remove(const char *dir);

/* The same for every directory still recorded; async-signal-safe (the
 * signal handler's cleanup). */
void veil_cli__privdir_cleanup_all(void);

/*
 * Runs /bin/sh -c SCRIPT with arg as its $1 (none when NULL),
 * with env (nenv "NAME", "VALUE" pairs) added to the child's environment.
 * Signals meanwhile are passed on to the child (SIGINT is left to it: an
 * editor's Ctrl-C must not end veil); if one came, veil ends by it once the
 * child has gone (signals.c). Returns its exit status, 128 + N when signal
 * N ended it, or a negative veil_error_code.
 */
int veil_cli__run_shell(const char *script, const char *arg, const char *const *env, size_t nenv);

/* cmd_edit.c: runs the user's editor ($VEIL_EDITOR, $SOPS_EDITOR, $EDITOR,
 * else vi) on path; 0, or prints why (naming file) and returns sops's 201. */
int veil_cli__run_editor(const char *path, const char *file);

/* sops exec-env / exec-file's ways to run the command. */
typedef struct veil_cli_run_opts {
	int pristine;     /* the child's environment is env alone */
	const char *user; /* run as this user (needs the privileges to) */
	int same_process; /* exec the shell in this process: never returns on success */
} veil_cli_run_opts;

/* veil_cli__run_shell with o (NULL: the defaults). A --user that does not
 * exist or cannot be switched to fails before anything runs. */
int veil_cli__run_shell_ex(const char *script, const char *arg, const char *const *env, size_t nenv,
                           const veil_cli_run_opts *o);

#endif
