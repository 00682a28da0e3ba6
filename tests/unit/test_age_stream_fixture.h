#ifndef VEIL_TEST_AGE_STREAM_FIXTURE_H
#define VEIL_TEST_AGE_STREAM_FIXTURE_H
/* Shared helpers for the STREAM tests: a memory reader that hands out odd
 * piece sizes, a growing memory writer, and a plain single-threaded STREAM
 * encoder written straight on libsodium as the reference. */
#include <stddef.h>
#include <stdint.h>

#define SCHUNK 65536
#define SCT    (65536 + 16)

struct piece_reader {
	const uint8_t *data;
	size_t len, pos;
	size_t piece;   /* at most this many bytes per call (0 = all asked) */
	size_t fail_at; /* return VEIL_EIO once pos reaches this (0 = never) */
};
long piece_read(void *payload, uint8_t *buf, size_t len);

struct sink {
	uint8_t *p;
	size_t len, cap;
	int calls;
};
int sink_write(void *payload, const uint8_t *buf, size_t len);
void sink_free(struct sink *s);

/* Deterministic test plaintext (not secret, just varied). */
uint8_t *pattern(size_t len, unsigned int seed);

/* Reference STREAM encoding of pt; *out malloc'd, *out_len its size. */
void ref_encrypt(uint8_t **out, size_t *out_len, const uint8_t key[32], const uint8_t *pt,
                 size_t len);
/* One chunk: ciphertext of len bytes with this counter and flag into c. */
void ref_chunk(uint8_t *c, const uint8_t key[32], const uint8_t *pt, size_t len, uint64_t counter,
               int final);

/* Runs veil_stream__decrypt over ct with the given threads and reader piece;
 * returns its code, output in *out (caller frees with sink_free). */
int run_decrypt(struct sink *out, const uint8_t key[32], const uint8_t *ct, size_t ct_len,
                unsigned int threads, size_t piece);

extern const uint8_t test_stream_key[32];

#endif
