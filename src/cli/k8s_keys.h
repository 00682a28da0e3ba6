#ifndef VEIL_CLI_K8S_KEYS_H
#define VEIL_CLI_K8S_KEYS_H
/*
 * Key custody for the in-cluster commands (`veil k8s decrypt`, `veil k8s
 * krm`, ...): where their identities come from (every command already runs
 * without core dumps: harden.c). A k8s command:
 *
 *	veil_k8s_keys keys;
 *	veil_identities *ids = NULL;
 *
 *	veil_cli__k8s_keys_init(&keys);
 *	// its own veil_opt table ends with VEIL_K8S_KEYS_OPTS before the
 *	// terminator; every id it does not know goes to the hook:
 *	//   r = veil_cli__k8s_keys_opt(&keys, id, arg);  1 taken, 0 not ours,
 *	//                                                <0 usage error printed
 *	// (or, with another parser, veil_cli__k8s_keys_option(&keys, "name", arg))
 *	error = veil_cli__k8s_keys_identities(&keys, &ids);  // message printed on failure
 *	...
 *	veil_identities_free(ids);
 *
 * Sources, all of which are loaded together (several identities at once is
 * how a key is rotated: decrypt with old and new until every file is
 * re-encrypted):
 *   --identity PATH        an identity file, or a directory whose *.agekey
 *                          files are all loaded (a mounted Secret); repeatable
 *   --key-from-secret NAMESPACE/NAME[/KEY]
 *                          a Secret read from the Kubernetes API with the
 *                          in-cluster service account (see cluster/kubeapi.h);
 *                          repeatable
 *   --project-keys DIR     Argo CD: DIR/<ARGOCD_APP_PROJECT_NAME>.agekey only.
 *                          The project comes from Argo CD's own variable,
 *                          never from the user-controlled ARGOCD_ENV_*.
 * With none of them: VEIL_AGE_KEY, VEIL_AGE_KEY_FILE, then the standard
 * lookup of keyload.c (SOPS_AGE_KEY, ..., ~/.config/sops/age/keys.txt).
 * Keys are only ever held in sodium_malloc memory.
 */
#include <stdio.h>
#include "cli.h"

#define VEIL_K8S_KEYS_MAX 32

/* Option ids reserved for the key options: a command's own ids stay below. */
enum {
	VEIL_K8S_OPT_BASE = 900,
	VEIL_K8S_OPT_IDENTITY = VEIL_K8S_OPT_BASE,
	VEIL_K8S_OPT_KEY_FROM_SECRET,
	VEIL_K8S_OPT_PROJECT_KEYS,
	VEIL_K8S_OPT_KUBE_TIMEOUT,
	VEIL_K8S_OPT_LAST,
};

/* Entries to put in a command's veil_opt table (before {NULL, 0, 0, 0}). */
#define VEIL_K8S_KEYS_OPTS                                                 \
	{ "identity", 0, 1, VEIL_K8S_OPT_IDENTITY },                       \
	        { "key-from-secret", 0, 1, VEIL_K8S_OPT_KEY_FROM_SECRET }, \
	        { "project-keys", 0, 1, VEIL_K8S_OPT_PROJECT_KEYS },       \
	{                                                                  \
		"kube-timeout", 0, 1, VEIL_K8S_OPT_KUBE_TIMEOUT            \
	}

typedef struct veil_k8s_keys {
	const char *identities[VEIL_K8S_KEYS_MAX]; /* point into argv */
	size_t nidentities;
	const char *secrets[VEIL_K8S_KEYS_MAX];
	size_t nsecrets;
	const char *project_dir;
	long kube_timeout_ms; /* 0 = VEIL_KUBE_TIMEOUT_MS or the default */
	const char *cmd;      /* for usage messages */
	const char *source;   /* after load: where the first identity came from */
} veil_k8s_keys;

void veil_cli__k8s_keys_init(veil_k8s_keys *k, const char *cmd);

/* The hook for a veil_opt id: 1 if it was a key option (taken), 0 if not,
 * or VEIL_OPT_ERROR after printing a usage error. */
int veil_cli__k8s_keys_opt(veil_k8s_keys *k, int id, const char *arg);

/* The same by long name without "--" ("identity", "key-from-secret", ...). */
int veil_cli__k8s_keys_option(veil_k8s_keys *k, const char *name, const char *arg);

/* The option lines for a command's --help. */
void veil_cli__k8s_keys_usage(FILE *f);

/* Loads every identity the options name (or the default lookup). On failure
 * prints "veil: error: ..." (never key bytes) and returns a negative code;
 * *out is NULL then. */
int veil_cli__k8s_keys_identities(const veil_k8s_keys *k, veil_identities **out);

#endif
