#ifndef VEIL_SOPS_ALIASES_H
#define VEIL_SOPS_ALIASES_H
/* YAML aliases written out for sops's readers (aliases.c). */
#include "veil/sops.h"

/*
 * Writes out in full, as sops writes them, the aliases of a YAML doc
 * through which the walk would encrypt something under the selection rule
 * (kind, value), at the anchor's path or the alias's; doc is re-parsed
 * (veil_doc_reset) after each. *count says how many. VEIL_ELIMIT past a
 * cap (an alias bomb). Other formats have no aliases: nothing to do.
 */
int veil_sops__expand_aliases(veil_doc *doc, veil_sops_sel_kind kind, const char *value,
                              size_t *count);

#endif
