#ifndef VEIL_UTIL_SOPSENC_H
#define VEIL_UTIL_SOPSENC_H
/* How an encrypted SOPS value starts, for every layer that must recognise
 * one without parsing it (the YAML codec under sops, the k8s stream, the
 * checker); the sops layer parses them (sops/value.c). */
#include <stddef.h>

/* Does s start like an encrypted value ("ENC[")? */
int veil_sopsenc_marked(const char *s, size_t len);

/* The cipher an encrypted value names: 1 "ENC[AES256_GCM,", 2
 * "ENC[CHACHA20_POLY1305," (the values of veil_sops_cipher), else 0. */
int veil_sopsenc_cipher(const char *s, size_t len);

#endif
