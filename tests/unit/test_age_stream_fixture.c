/* Helpers for the STREAM tests (see test_age_stream_fixture.h). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "age/stream.h"
#include "test_age_stream_fixture.h"
#include "veil/error.h"

const uint8_t test_stream_key[32] = {
	1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};

long piece_read(void *payload, uint8_t *buf, size_t len)
{
	struct piece_reader *r = payload;
	size_t left = r->len - r->pos;

	if (r->fail_at && r->pos >= r->fail_at)
		return veil_error_set(VEIL_EIO, "test reader failure");
	if (r->fail_at && len > r->fail_at - r->pos)
		len = r->fail_at - r->pos;
	if (r->piece && len > r->piece)
		len = r->piece;
	if (len > left)
		len = left;
	memcpy(buf, r->data + r->pos, len);
	r->pos += len;
	return (long)len;
}

int sink_write(void *payload, const uint8_t *buf, size_t len)
{
	struct sink *s = payload;
	uint8_t *p;

	s->calls++;
	if (s->len + len > s->cap) {
		s->cap = (s->len + len) * 2 + 1;
		p = realloc(s->p, s->cap);
		if (!p)
			return VEIL_ENOMEM;
		s->p = p;
	}
	if (len)
		memcpy(s->p + s->len, buf, len);
	s->len += len;
	return 0;
}

void sink_free(struct sink *s)
{
	free(s->p);
	memset(s, 0, sizeof(*s));
}

uint8_t *pattern(size_t len, unsigned int seed)
{
	uint8_t *p = malloc(len ? len : 1);
	uint32_t x = seed * 2654435761u + 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
	return p;
}

void ref_chunk(uint8_t *c, const uint8_t key[32], const uint8_t *pt, size_t len, uint64_t counter,
               int final)
{
	uint8_t nonce[12] = { 0 };
	unsigned long long clen;
	int i;

	for (i = 0; i < 8; i++)
		nonce[10 - i] = (uint8_t)(counter >> (8 * i));
	nonce[11] = (uint8_t) final;
	crypto_aead_chacha20poly1305_ietf_encrypt(c, &clen, pt, len, NULL, 0, NULL, nonce, key);
}

void ref_encrypt(uint8_t **out, size_t *out_len, const uint8_t key[32], const uint8_t *pt,
                 size_t len)
{
	size_t n = len == 0 ? 1 : (len + SCHUNK - 1) / SCHUNK, i, clen;

	*out_len = len + 16 * n;
	*out = malloc(*out_len);
	for (i = 0; i < n; i++) {
		clen = i + 1 == n ? len - i * SCHUNK : SCHUNK;
		ref_chunk(*out + i * SCT, key, pt + i * SCHUNK, clen, i, i + 1 == n);
	}
}

int run_decrypt(struct sink *out, const uint8_t key[32], const uint8_t *ct, size_t ct_len,
                unsigned int threads, size_t piece)
{
	struct piece_reader r = { ct, ct_len, 0, piece, 0 };

	memset(out, 0, sizeof(*out));
	return veil_stream__decrypt(key, piece_read, &r, sink_write, out, threads);
}
