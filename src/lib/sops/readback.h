#ifndef VEIL_SOPS_READBACK_H
#define VEIL_SOPS_READBACK_H
/* veil_sops_render with the size cap as a parameter (tests use a small one). */
#include "veil/sops.h"
#include <stddef.h>

int veil_sops__render_max(char **out, size_t *out_len, const veil_doc *doc, size_t max);

#endif
