#ifndef VEIL_AGE_FORMAT_H
#define VEIL_AGE_FORMAT_H
/* The age v1 header: strict parsing (every rule of the spec) and
 * canonical writing. The parser keeps the exact bytes up to and including
 * "---" because the header MAC is computed over them. */
#include <stddef.h>
#include <stdint.h>
#include "veil/age.h"
#include "age/stanza.h"
#include "util/buf.h"

#define VEIL_AGE_INTRO           "age-encryption.org/v1\n"
/* Our own caps; the spec sets none. Real headers are far smaller. */
#define VEIL_AGE_MAX_HEADER      (16u * 1024 * 1024)
#define VEIL_AGE_MAX_STANZAS     4096
#define VEIL_AGE_MAX_ARG_LEN     8192
/* A stanza's first line, in the plugin protocol (which reuses the format). */
#define VEIL_AGE_MAX_STANZA_LINE (64 * 1024)

typedef struct veil_header {
	veil_stanza *stanzas;
	size_t nstanzas;
	uint8_t mac[32];
	veil_buf raw; /* bytes from the intro through "---" (MAC input) */
} veil_header;

/* A reader with a lookahead buffer: the header parser consumes lines from
 * it and the STREAM decoder continues with whatever is left buffered. */
typedef struct veil_bufreader {
	veil_read_fn read;
	void *payload;
	uint8_t *buf;
	size_t cap;
	size_t start;
	size_t end;
	size_t used; /* high-water mark of end: what dispose wipes */
	int eof;
} veil_bufreader;

int veil_bufreader__init(veil_bufreader *br, veil_read_fn rd, void *payload, size_t cap);
void veil_bufreader__dispose(veil_bufreader *br);
/* Buffers at least n bytes (at most cap) unless the input ends first;
 * the bytes stay unread, at buf + start. 0 or a negative code. */
int veil_bufreader__peek(veil_bufreader *br, size_t n);
/* veil_read_fn over a veil_bufreader (buffered bytes first). */
long veil_bufreader__read(void *payload, uint8_t *buf, size_t len);

/* Parses the header from br; VEIL_EFORMAT with a precise message. */
int veil_header__parse(veil_header *out, veil_bufreader *br);
/* One stanza, "-> args" and its body lines, as the plugin protocol sends
 * them over a pipe: 0; VEIL_ENOTFOUND at a clean end of input; VEIL_EFORMAT
 * with the rule broken. The header's limits apply. */
int veil_stanza__read(veil_stanza *out, veil_bufreader *br);
/* Appends one stanza in the header's canonical form. */
int veil_stanza__encode(veil_buf *out, const veil_stanza *s);

/* Serialises stanzas + "---" (no MAC) into out: the MAC input. */
int veil_header__encode_mac_input(veil_buf *out, const veil_stanza *stanzas, size_t n);
void veil_header__dispose(veil_header *h);

/* HMAC key = HKDF(file_key, "", "header"); mac = HMAC(key, mac_input). */
int veil_header__mac(uint8_t mac[32], const uint8_t file_key[VEIL_FILE_KEY_LEN],
                     const uint8_t *mac_input, size_t len);

#endif
