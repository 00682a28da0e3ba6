#ifndef VEIL_CLI_H
#define VEIL_CLI_H
/*
 * Shared pieces of the veil program: messages and exit codes, the option
 * parser, passphrase input, key loading and signal handling. Only src/cli
 * prints or exits; everything here returns to a command's run function.
 */
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "veil/veil.h"
#include "exit_codes.h"

/* Commands: argv[0] is the command name. They return an exit code. */
int veil_cli__cmd_keygen(int argc, char **argv);
int veil_cli__cmd_age(int argc, char **argv);
int veil_cli__cmd_encrypt(int argc, char **argv);
int veil_cli__cmd_decrypt(int argc, char **argv);
int veil_cli__cmd_filestatus(int argc, char **argv);
int veil_cli__cmd_set(int argc, char **argv);
int veil_cli__cmd_unset(int argc, char **argv);
int veil_cli__cmd_rotate(int argc, char **argv);
int veil_cli__cmd_updatekeys(int argc, char **argv);
int veil_cli__cmd_edit(int argc, char **argv);
int veil_cli__cmd_exec_env(int argc, char **argv);
int veil_cli__cmd_exec_file(int argc, char **argv);
int veil_cli__cmd_k8s_keys(int argc, char **argv);
int veil_cli__cmd_k8s(int argc, char **argv);
int veil_cli__cmd_groups(int argc, char **argv);

/* msg.c: one line each on stderr, "veil: error: ...", "veil: warning: ...",
 * "veil: hint: ...". */
void veil_cli__error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void veil_cli__warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void veil_cli__hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A usage error plus a hint to read `veil CMD --help`; returns VEIL_EXIT_USAGE. */
int veil_cli__usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints a library failure as "veil: error: CONTEXT: <cause>: <message>",
 * naming the cause from the code unless the message already does;
 * returns VEIL_EXIT_FAIL. */
int veil_cli__lib_error(const char *context, int code);

/* opt.c: a small getopt_long-like parser shared by the commands.
 * Short options may be clustered (-ea) and take a value attached (-oFILE)
 * or as the next argument; long ones as --name=value or --name value.
 * "--" ends the options; "-" is an operand (stdin). Options after an
 * operand are an error with a hint, as age does. */
typedef struct veil_opt {
	const char *long_name; /* without "--"; NULL for none */
	char short_name;       /* 0 for none */
	int has_arg;
	int id; /* > 0, returned by veil_opt_next */
} veil_opt;

typedef struct veil_optstate {
	int argc;
	char **argv;
	int index;           /* next argv element to look at */
	const char *cluster; /* rest of a short-option cluster, or NULL */
	const char *cmd;     /* for messages */
	char **operands;     /* operands seen so far (points into argv) */
	int noperands;
	int only_operands; /* after "--" */
} veil_optstate;

#define VEIL_OPT_END   0
#define VEIL_OPT_ERROR (-1)

/* argv[0] is the command name, skipped. operands must hold argc entries. */
void veil_cli__opt_init(veil_optstate *st, int argc, char **argv, char **operands, const char *cmd);
/* Returns the next option's id (its value in *arg, or NULL), VEIL_OPT_END,
 * or VEIL_OPT_ERROR after printing a usage error. */
int veil_cli__opt_next(veil_optstate *st, const veil_opt *opts, const char **arg);

/* passphrase.c: a passphrase in secret memory (free with veil_secure_free).
 * From file (first line, for scripts) when file is not NULL, otherwise from
 * /dev/tty with echo off, asked twice when confirm is set. Returns 0 or a
 * negative veil_error_code with the message set. Never echoes it anywhere. */
int veil_cli__passphrase_read(char **out, size_t *len, const char *file, const char *prompt,
                              int confirm);

/* keyload.c */
/* Appends the identities of one -i file ("-" = stdin): an age-keygen file, an
 * OpenSSH ed25519 key, or a passphrase-encrypted age file holding an identity
 * file (the passphrase from passfile, or asked). */
/* Asks for (or reads from passfile) the passphrase of the identity file name
 * and derives the identity it protects. */
int veil_cli__identity_passphrase(veil_identity **out, const char *name, const char *passfile);
int veil_cli__identities_load(veil_identities *list, const char *path, const char *passfile);
/* One identity file with explicit options (keyfind.c's sources). */
int veil_cli__identities_load_opts(veil_identities *list, const char *path,
                                   const veil_identity_file_options *opts);

/* keyfind.c: identities for decryption from every source, as sops finds
 * them (see there). */
typedef struct veil_cli_keyfind {
	const char *const *files; /* -i / --identity, loaded first; an error there is fatal */
	size_t nfiles;
	const char *passfile; /* --passphrase-file for passphrase-protected identity files */
	int only_files;       /* veil age -d -i/-j: only what was named, as age */
	int per_recipient;    /* documents: key commands run per recipient (SOPS_AGE_RECIPIENT) */
	int quiet;            /* git filters: no warnings */
	int no_prompt;        /* never ask on the terminal (git filters, cluster commands) */
} veil_cli_keyfind;
/* Fills *out (free with veil_identities_free). Discovered sources that fail
 * are warned about and skipped. Prints its error and returns an exit code
 * (VEIL_EXIT_FAIL) for a failed -i file, or 0. */
int veil_cli__identities_find(veil_identities **out, const veil_cli_keyfind *opts);
/* Hint lines after "no identity matched": every place looked at, with what
 * it gave, and the recipients the document asked for. */
void veil_cli__keyfind_report(void);
/* The report is not wanted (the failure was about something else). */
void veil_cli__keyfind_forget(void);
/* keycmd.c: runs a sops key command (split like google/shlex, no shell)
 * with SOPS_AGE_RECIPIENT set when recipient is not NULL; *out is its
 * standard output (malloc'd: wipe it). */
int veil_cli__keycmd_run(uint8_t **out, size_t *len, const char *cmd, const char *recipient);
/* The same for argv (argv[0] found on PATH by execvp, no shell): stdin
 * /dev/null, stderr passed through, stdout read whole (at most max bytes)
 * into *out. Any exit status but 0, a signal, or more output than max is a
 * failure with *out NULL. */
int veil_cli__run_capture(uint8_t **out, size_t *len, char *const *argv, size_t max,
                          const char *recipient);
/* -r: one recipient string. */
int veil_cli__recipients_add_arg(veil_recipients *list, const char *arg);
/* -R: a recipients file ("-" = stdin); skipped keys are warned about. */
int veil_cli__recipients_add_file(veil_recipients *list, const char *path);
/* -e -i: the recipients of identities. */
int veil_cli__recipients_add_identities(veil_recipients *list, const veil_identities *ids);

/* ageui.c: the terminal UI of age plugins and slow steps (veil_age_set_ui);
 * VEIL_AGE_PLUGIN_TIMEOUT (seconds) bounds each wait for a plugin. */
void veil_cli__ui_install(void);

/* harden.c: core dumps off and the process not dumpable (see there);
 * called first by main. -1 only when VEIL_REQUIRE_HARDENING=1 and it failed. */
int veil_cli__harden(void);

/* signals.c: a termination signal (INT, TERM, HUP, QUIT, ...) ends veil at
 * once: temp outputs, private directories and helpers are removed, a
 * terminal's echo restored, then the process ends by that signal. */
void veil_cli__signals_install(void);
/* In a forked child that does not exec at once: default dispositions. */
void veil_cli__signals_child(void);
/* Blocks the handled signals around a few calls whose result the cleanup
 * must know about (a directory made, then recorded); restores *old. */
void veil_cli__signals_block(sigset_t *old);
void veil_cli__signals_unblock(const sigset_t *old);
/* While a child runs: veil_cli__signals_watch(0) before fork, (pid) after.
 * Signals are then recorded and passed on (SIGINT is left to the child);
 * veil_cli__signals_unwatch(waitpid status, or -1) ends the process by the
 * signal if one came (after cleanup), else returns. */
void veil_cli__signals_watch(pid_t pid);
void veil_cli__signals_unwatch(int status);
/* A helper process (add 1) killed on the way out, or forgotten (add 0). */
void veil_cli__signals_helper(pid_t pid, int add);
/* A terminal fd whose mode the cleanup restores (echo turned off for a
 * passphrase); (-1, NULL) when it is restored. */
struct termios;
void veil_cli__signals_tty(int fd, const struct termios *mode);

#endif
