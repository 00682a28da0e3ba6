/* AES-256-GCM for ENC[AES256_GCM,...] values: any IV length (sops writes
 * 32 bytes), a 16-byte tag. Two backends with this one interface, chosen at
 * build time (CMakeLists.txt): aesgcm_direct.c calls libcrypto's AES-NI or
 * SSSE3 block functions and its GCM mode directly; aesgcm_evp.c goes
 * through EVP. Each thread keeps the key schedule of the last key used
 * until veil_sops__gcm_release(). */
#ifndef VEIL_SOPS_AESGCM_H
#define VEIL_SOPS_AESGCM_H

#include <stddef.h>
#include <stdint.h>

/* 0 or -1 (out of memory, or an input longer than GCM allows). */
int veil_sops__gcm_seal(uint8_t *out, uint8_t tag[16], const uint8_t *in, size_t len,
                        const uint8_t key[32], const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                        size_t aad_len);
/* 0, or -1 when the tag does not match (out then holds unauthenticated
 * bytes the caller must wipe) or on an internal failure. */
int veil_sops__gcm_open(uint8_t *out, const uint8_t tag[16], const uint8_t *in, size_t len,
                        const uint8_t key[32], const uint8_t *iv, size_t iv_len, const uint8_t *aad,
                        size_t aad_len);
/* Wipes and frees this thread's cached key schedule. */
void veil_sops__gcm_release(void);

/* The implementation in use: "aesni", "vpaes" or "evp". Tests may select
 * another one the CPU supports (this thread's cache is released); returns
 * 0, or -1 if name is not available in this build or on this CPU. */
const char *veil_sops_gcm_backend(void);
int veil_sops__gcm_select(const char *name);

#endif
