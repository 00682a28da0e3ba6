#ifndef VEIL_AGE_STREAM_H
#define VEIL_AGE_STREAM_H
/* The STREAM payload: 64 KiB chunks, ChaCha20-Poly1305 with an 11-byte
 * counter and a last-chunk flag as nonce. Chunks are independent given the
 * counter, so batches of them are sealed and opened on several threads. */
#include <stddef.h>
#include <stdint.h>
#include "veil/age.h"

#define VEIL_STREAM_CHUNK 65536
#define VEIL_STREAM_TAG   16
#define VEIL_STREAM_NONCE 16 /* the random payload nonce after the header */

/* payload_key = HKDF(file_key, salt = nonce, "payload"). */
int veil_stream__key(uint8_t key[32], const uint8_t file_key[16], const uint8_t nonce[16]);

/* Encrypts all of rd to wr (the caller has written header and nonce). */
int veil_stream__encrypt(const uint8_t key[32], veil_read_fn rd, void *rd_payload, veil_write_fn wr,
                         void *wr_payload, unsigned int threads);

/* Decrypts rd (positioned just after the nonce) to wr. Writes each chunk
 * only after it authenticated, in order, and every chunk that did before a
 * failure. VEIL_EAUTH (tag), VEIL_EPAYLOAD (truncated, empty final chunk
 * after data, trailing data), VEIL_EIO. */
int veil_stream__decrypt(const uint8_t key[32], veil_read_fn rd, void *rd_payload, veil_write_fn wr,
                         void *wr_payload, unsigned int threads);

#endif
