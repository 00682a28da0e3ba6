#ifndef VEIL_SOPS_RULES_H
#define VEIL_SOPS_RULES_H
/*
 * .sops.yaml creation rules: which recipients, key groups, selection rule
 * and cipher a new file gets. Found by walking up from the file's own
 * directory (sops starts at the working directory, a long-standing
 * complaint), matched on the path relative to the config's directory.
 */
#include "sops/value.h"
#include "util/regex.h"
#include <stddef.h>

#define VEIL_SOPS_CONFIG_NAME       ".sops.yaml"
#define VEIL_SOPS_CONFIG_MAX        (1024u * 1024)
#define VEIL_SOPS_CONFIG_MAX_LEVELS 100

typedef struct veil_sops_selection {
	veil_sops_sel_kind kind;
	char *value; /* suffix or regex source; NULL for NONE */
} veil_sops_selection;

const char *veil_sops__sel_name(veil_sops_sel_kind kind);
/* The kind for a metadata/config key name, or VEIL_SEL_NONE. */
veil_sops_sel_kind veil_sops__sel_from_name(const char *name);
/* Is a value encrypted under rule kind sel? matched: for the suffix and
 * regex kinds, whether a key on its path matches; for the comment kinds,
 * whether a marker comment above it (at its level or an outer one) does. */
int veil_sops__sel_encrypts(veil_sops_sel_kind sel, int matched);
/* Do the comment-regex kinds apply (matched comes from comments)? */
int veil_sops__sel_by_comment(veil_sops_sel_kind sel);

typedef struct veil_sops_group {
	char **age; /* recipient strings as written (trimmed) */
	size_t nage;
} veil_sops_group;

typedef struct veil_sops_rule {
	char *path_regex; /* source text, NULL = matches every file */
	veil_regex *path_re;
	veil_sops_group *groups; /* flat age list = one group */
	size_t ngroups;
	int shamir_threshold; /* 0 = number of groups */
	veil_sops_selection sel;
	int mac_only_encrypted;
	veil_sops_cipher cipher; /* 0 = not set (veil's default) */
	char *scope;             /* veil extension: "strict" / "namespace", or NULL */
} veil_sops_rule;

typedef struct veil_sops_config {
	char *path; /* the .sops.yaml read */
	char *dir;  /* its directory, absolute */
	veil_sops_rule *rules;
	size_t nrules;
} veil_sops_config;

/* Walks up from the directory of file_path (absolute or relative to the
 * working directory) to find .sops.yaml. *out malloc'd; VEIL_ENOTFOUND if
 * none within VEIL_SOPS_CONFIG_MAX_LEVELS. */
int veil_sops__config_find(char **out, const char *file_path);

/* Parses config text (name for messages); dir is the config's directory. */
int veil_sops__config_parse(veil_sops_config **out, const char *text, size_t len, const char *name,
                            const char *dir);
int veil_sops__config_load(veil_sops_config **out, const char *path);
void veil_sops__config_free(veil_sops_config *cfg);

/* The first rule whose path_regex matches file_path made relative to the
 * config's directory. VEIL_ENOTFOUND "no matching creation rule" if none. */
int veil_sops__config_match(const veil_sops_rule **out, const veil_sops_config *cfg,
                            const char *file_path);

#endif
