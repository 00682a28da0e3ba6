#ifndef VEIL_CLI_K8S_H
#define VEIL_CLI_K8S_H
/* Shared by the `veil k8s` commands: identities (and the recipients they
 * stand for, to log which one matched) and the --log json line. */
#include "veil/k8s.h"
#include "k8s_keys.h"
#include "sops_cli.h"

typedef struct k8s_keys {
	veil_identities *ids;
	char **recipients;
	size_t nrecipients;
} k8s_keys;

/* Loads the identities the key options name (k8s_keys.h: --identity,
 * --key-from-secret, --project-keys, else the default lookup). Returns an
 * exit code (the message is printed). */
int veil_cli__k8s_keys_load(k8s_keys *k, const veil_k8s_keys *opts);
void veil_cli__k8s_keys_dispose(k8s_keys *k);
/* Fills o's identities and recipients from k; with log_json set, one JSON
 * line per decrypted document goes to stderr. */
void veil_cli__k8s_opts(veil_k8s_opts *o, const k8s_keys *k, int log_json);
/* glibc malloc settings for many small documents (see cmd_k8s.c). */
void veil_cli__k8s_tune_malloc(void);
/* The exit code for a failed stream or function. */
int veil_cli__k8s_exit(int code);

/* The options both k8s commands take: the key options, --log, --ignore-mac
 * and --help; a command's one flag of its own (decrypt's --allow-empty)
 * has the id K8S_OPT_FLAG. */
enum { K8S_OPT_LOG = 1, K8S_OPT_IGNORE_MAC, K8S_OPT_HELP, K8S_OPT_FLAG };

typedef struct k8s_common {
	veil_k8s_keys keys;
	int log_json, ignore_mac, flag;
} k8s_common;

/* The option loop: 0 with *noperands set, -1 after printing the help, or
 * an exit code after printing the usage error. */
int veil_cli__k8s_parse(k8s_common *c, const char *cmd, const veil_opt *opts,
                        void (*usage)(FILE *f), int argc, char **argv, char **operands,
                        int *noperands);

/* veil k8s decrypt's work on a stream already read (name: what messages
 * call it): the identities of c->keys, c->ignore_mac, c->log_json, and
 * c->flag as --allow-empty; the decrypted stream on stdout, or nothing.
 * Returns an exit code (the message is printed). */
int veil_cli__k8s_decrypt_buffer(const k8s_common *c, const char *name, const uint8_t *in,
                                 size_t in_len);

int veil_cli__cmd_k8s_decrypt(int argc, char **argv);
int veil_cli__cmd_k8s_cmp(int argc, char **argv);
int veil_cli__cmd_k8s_krm(int argc, char **argv);

#endif
