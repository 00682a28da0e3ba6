#ifndef VEIL_CLI_RULECACHE_H
#define VEIL_CLI_RULECACHE_H
/*
 * Creation rules for many files (audit, updatekeys, rotate over a
 * repository): each file's nearest .sops.yaml (or one forced config), each
 * config read and parsed once however many files it covers.
 */
#include "veil/sops.h"

typedef struct veil_cli_rulecache {
	const char *forced; /* --config or SOPS_CONFIG: every file's config */
	struct veil_cli_rulecfg {
		char *path;
		veil_sops_config *cfg; /* NULL: it did not load */
		int error;
		char *message;
	} * items;
	size_t n, cap;
} veil_cli_rulecache;

/*
 * The creation rule of file (*rule) and its config (*cfg, may be NULL).
 * 0; VEIL_ENOTFOUND for no config or no matching rule; VEIL_EUNSUPPORTED
 * with *rule set for a rule that also names pgp/kms keys; another error
 * when the config does not parse. The message is set (veil_error_last()).
 */
int veil_cli__rules_match(veil_cli_rulecache *rc, const veil_sops_rule **rule,
                          const veil_sops_config **cfg, const char *file);
void veil_cli__rules_dispose(veil_cli_rulecache *rc);

#endif
