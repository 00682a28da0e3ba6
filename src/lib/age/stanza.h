#ifndef VEIL_AGE_STANZA_H
#define VEIL_AGE_STANZA_H
/* A recipient stanza of the age header, and the per-type wrap/unwrap that
 * keys.c dispatches to. */
#include <stddef.h>
#include <stdint.h>
#include "veil/keys.h"

#define VEIL_FILE_KEY_LEN 16

typedef struct veil_stanza {
	char **args;   /* args[0] is the type ("X25519"); each malloc'd */
	size_t nargs;  /* >= 1 */
	uint8_t *body; /* decoded body, malloc'd (may be NULL when body_len 0) */
	size_t body_len;
} veil_stanza;

void veil_stanza__dispose(veil_stanza *s);

/* Wraps file_key for r into *out (fresh ephemeral values each call). */
int veil_recipient__wrap(veil_stanza *out, const veil_recipient *r,
                         const uint8_t file_key[VEIL_FILE_KEY_LEN]);

/* Tries to unwrap file_key from s with id:
 *   0             file_key set
 *   VEIL_ENOMATCH the stanza is not for this identity (other type, other
 *                 ssh tag, AEAD tag failed: wrong key or passphrase)
 *   VEIL_EFORMAT  a stanza of this identity's type is malformed (wrong
 *                 argument count or size, body not 32 bytes, low-order
 *                 share, work factor invalid or above the maximum) */
int veil_identity__unwrap(uint8_t file_key[VEIL_FILE_KEY_LEN], const veil_identity *id,
                          const veil_stanza *s);

#endif
