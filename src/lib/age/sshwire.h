#ifndef VEIL_AGE_SSHWIRE_H
#define VEIL_AGE_SSHWIRE_H
/* A cursor over SSH wire data (RFC 4251 uint32 and string), shared by the
 * ssh-ed25519 recipient and the OpenSSH private key reader. */
#include <stddef.h>
#include <stdint.h>

typedef struct veil_sshwire {
	const uint8_t *p;
	size_t len;
} veil_sshwire;

/* Each returns 0, or -1 when the data is too short (the cursor is then
 * left where it was). */
int veil_sshwire__u32(veil_sshwire *w, uint32_t *out);
/* A length-prefixed string, as a cursor over its bytes. */
int veil_sshwire__string(veil_sshwire *w, veil_sshwire *s);
/* Is the string s exactly want? */
int veil_sshwire__is(const veil_sshwire *s, const char *want);

#endif
