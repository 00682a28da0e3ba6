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


const char *veil_sops__sel_name(veil_sops_sel_kind kind);
/* The kind for a metadata/config key name, or VEIL_SEL_NONE. */
veil_sops_sel_kind veil_sops__sel_from_name(const char *name);
/* Is a value encrypted under rule kind sel? matched: for the suffix and
 * regex kinds, whether a key on its path matches; for the comment kinds,
 * whether a marker comment above it (at its level or an outer one) does. */
int veil_sops__sel_encrypts(veil_sops_sel_kind sel, int matched);
/* Do the comment-regex kinds apply (matched comes from comments)? */
int veil_sops__sel_by_comment(veil_sops_sel_kind sel);

#endif
