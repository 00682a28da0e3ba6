/* STREAM decryption failures: each must give the right class and release
 * exactly the chunks that authenticated before it, in order (the CCTV
 * "payload failure" vectors hash that prefix), whatever the thread count. */
#include <stdlib.h>
#include <string.h>
#include "age/stream.h"
#include "harness.h"
#include "test_age_stream_fixture.h"
#include "veil/error.h"

static const unsigned int thread_counts[] = { 1, 2, 4 };

/* Decrypts ct with 1, 2 and 4 threads and whole or piecewise reads; checks
 * the code and that the output is exactly the first `released` bytes of pt. */
static void expect(const uint8_t *ct, size_t ct_len, const uint8_t *pt, int code, size_t released,
                   int line)
{
	struct sink out;
	size_t t, p;
	static const size_t pieces[] = { 0, 9999 };
	char what[160];
	int rc;

	for (t = 0; t < sizeof(thread_counts) / sizeof(thread_counts[0]); t++) {
		for (p = 0; p < 2; p++) {
			rc = run_decrypt(&out, test_stream_key, ct, ct_len, thread_counts[t],
			                 pieces[p]);
			snprintf(what, sizeof(what),
			         "line %d threads %u: rc %d (want %d), released %zu (want %zu)",
			         line, thread_counts[t], rc, code, out.len, released);
			if (rc != code || out.len != released ||
			    (released && memcmp(out.p, pt, released) != 0))
				veil_test_fail(__FILE__, line, what);
			sink_free(&out);
		}
	}
}

/* A fixture file: plaintext and its reference ciphertext. */
struct fixture {
	uint8_t *pt, *ct;
	size_t pt_len, ct_len;
};

static struct fixture make(size_t len)
{
	struct fixture f;

	f.pt_len = len;
	f.pt = pattern(len, (unsigned int)len + 99);
	ref_encrypt(&f.ct, &f.ct_len, test_stream_key, f.pt, len);
	return f;
}

static void drop(struct fixture *f)
{
	free(f->pt);
	free(f->ct);
}

static void tamper_chunk(size_t len, size_t chunk)
{
	struct fixture f = make(len);
	size_t at = chunk * SCT + 5;

	if (at >= f.ct_len)
		at = f.ct_len - 1;
	f.ct[at] ^= 0x40;
	expect(f.ct, f.ct_len, f.pt, VEIL_EAUTH, chunk * SCHUNK, __LINE__);
	/* The tag itself, too. */
	f.ct[at] ^= 0x40;
	at = chunk + 1 == (f.ct_len + SCT - 1) / SCT ? f.ct_len - 1 : (chunk + 1) * SCT - 1;
	f.ct[at] ^= 0x01;
	expect(f.ct, f.ct_len, f.pt, VEIL_EAUTH, chunk * SCHUNK, __LINE__);
	drop(&f);
}

TEST(test_age_stream__tampered_chunk_releases_exactly_the_prefix)
{
	/* One batch (5 chunks + 7 bytes) and several (40 chunks + 123 bytes,
	 * batches of 8): first, middle, batch edges and last chunk. */
	tamper_chunk(5 * 65536 + 7, 0);
	tamper_chunk(5 * 65536 + 7, 2);
	tamper_chunk(5 * 65536 + 7, 5);
	tamper_chunk(40 * 65536 + 123, 0);
	tamper_chunk(40 * 65536 + 123, 15);
	tamper_chunk(40 * 65536 + 123, 16);
	tamper_chunk(40 * 65536 + 123, 21);
	tamper_chunk(40 * 65536 + 123, 40);
	tamper_chunk(32 * 65536, 31);
	tamper_chunk(1, 0);
}

TEST(test_age_stream__truncation_is_a_payload_error)
{
	struct fixture f = make(40 * 65536 + 123);
	size_t k;

	/* Nothing at all after the nonce. */
	expect(f.ct, 0, f.pt, VEIL_EPAYLOAD, 0, __LINE__);
	/* Shorter than a tag. */
	expect(f.ct, 10, f.pt, VEIL_EPAYLOAD, 0, __LINE__);
	expect(f.ct, 3 * SCT + 15, f.pt, VEIL_EPAYLOAD, 3 * SCHUNK, __LINE__);
	/* Cut at a chunk boundary: the chunk before EOF opens as non-final, so
	 * the file lacks its final chunk (released, as age does). */
	for (k = 1; k <= 40; k += 13)
		expect(f.ct, k * SCT, f.pt, VEIL_EPAYLOAD, k * SCHUNK, __LINE__);
	expect(f.ct, 16 * SCT, f.pt, VEIL_EPAYLOAD, 16 * SCHUNK, __LINE__);
	expect(f.ct, 32 * SCT, f.pt, VEIL_EPAYLOAD, 32 * SCHUNK, __LINE__);
	/* Cut inside a chunk: its tag cannot verify. */
	expect(f.ct, 7 * SCT + 100, f.pt, VEIL_EAUTH, 7 * SCHUNK, __LINE__);
	expect(f.ct, f.ct_len - 1, f.pt, VEIL_EAUTH, 40 * SCHUNK, __LINE__);
	drop(&f);
}

TEST(test_age_stream__trailing_data_after_final_chunk)
{
	struct fixture f = make(3 * 65536);
	struct fixture g = make(3 * 65536 + 7);
	uint8_t *ct = malloc(f.ct_len + SCT + 1);

	/* After a full final chunk: that chunk is released, then the error. */
	memcpy(ct, f.ct, f.ct_len);
	ct[f.ct_len] = 0;
	expect(ct, f.ct_len + 1, f.pt, VEIL_EPAYLOAD, 3 * SCHUNK, __LINE__);
	/* A whole extra chunk of garbage. */
	memset(ct + f.ct_len, 0xab, SCT);
	expect(ct, f.ct_len + SCT, f.pt, VEIL_EPAYLOAD, 3 * SCHUNK, __LINE__);
	/* After a short final chunk a trailing byte changes that chunk's length,
	 * so its tag fails. */
	memcpy(ct, g.ct, g.ct_len);
	ct[g.ct_len] = 0;
	expect(ct, g.ct_len + 1, g.pt, VEIL_EAUTH, 3 * SCHUNK, __LINE__);
	free(ct);
	drop(&f);
	drop(&g);
}

TEST(test_age_stream__empty_final_chunk_after_data_is_rejected)
{
	struct fixture f = make(2 * 65536);
	struct fixture big = make(20 * 65536);
	uint8_t *ct = malloc(big.ct_len + 16);

	/* Appended after a full final chunk: trailing data after the final one. */
	memcpy(ct, f.ct, f.ct_len);
	ref_chunk(ct + f.ct_len, test_stream_key, NULL, 0, 2, 1);
	expect(ct, f.ct_len + 16, f.pt, VEIL_EPAYLOAD, 2 * SCHUNK, __LINE__);
	/* A writer that ended with an empty final chunk after non-final full
	 * ones (age < 1.0 did): rejected after releasing the full chunks. */
	ref_chunk(ct + SCT, test_stream_key, f.pt + SCHUNK, SCHUNK, 1, 0);
	ref_chunk(ct + 2 * SCT, test_stream_key, NULL, 0, 2, 1);
	expect(ct, 2 * SCT + 16, f.pt, VEIL_EPAYLOAD, 2 * SCHUNK, __LINE__);
	/* The same across a batch boundary (chunk 20 is in the second batch). */
	memcpy(ct, big.ct, big.ct_len);
	ref_chunk(ct + 19 * SCT, test_stream_key, big.pt + 19 * SCHUNK, SCHUNK, 19, 0);
	ref_chunk(ct + 20 * SCT, test_stream_key, NULL, 0, 20, 1);
	expect(ct, 20 * SCT + 16, big.pt, VEIL_EPAYLOAD, 20 * SCHUNK, __LINE__);
	free(ct);
	drop(&f);
	drop(&big);
}

TEST(test_age_stream__swapped_chunks_fail_authentication)
{
	struct fixture f = make(3 * 65536 + 9);
	struct fixture big = make(20 * 65536 + 9);
	uint8_t *tmp = malloc(SCT);

	memcpy(tmp, f.ct, SCT);
	memcpy(f.ct, f.ct + SCT, SCT);
	memcpy(f.ct + SCT, tmp, SCT);
	expect(f.ct, f.ct_len, f.pt, VEIL_EAUTH, 0, __LINE__);
	/* Chunks 17 and 18, in the second batch of a bigger file. */
	memcpy(tmp, big.ct + 17 * SCT, SCT);
	memcpy(big.ct + 17 * SCT, big.ct + 18 * SCT, SCT);
	memcpy(big.ct + 18 * SCT, tmp, SCT);
	expect(big.ct, big.ct_len, big.pt, VEIL_EAUTH, 17 * SCHUNK, __LINE__);
	free(tmp);
	drop(&f);
	drop(&big);
}

TEST(test_age_stream__final_flag_in_the_middle_is_rejected)
{
	/* Two final chunks: the first full one is final, so data follows it. */
	struct fixture f = make(3 * 65536);
	uint8_t *ct = malloc(f.ct_len);

	memcpy(ct, f.ct, f.ct_len);
	ref_chunk(ct + SCT, test_stream_key, f.pt + SCHUNK, SCHUNK, 1, 1);
	expect(ct, f.ct_len, f.pt, VEIL_EPAYLOAD, 2 * SCHUNK, __LINE__);
	/* A short non-final chunk at the end (never valid). */
	ref_chunk(ct + SCT, test_stream_key, f.pt + SCHUNK, SCHUNK, 1, 0);
	ref_chunk(ct + 2 * SCT, test_stream_key, f.pt + 2 * SCHUNK, 100, 2, 0);
	expect(ct, 2 * SCT + 116, f.pt, VEIL_EAUTH, 2 * SCHUNK, __LINE__);
	free(ct);
	drop(&f);
}

TEST(test_age_stream__read_failure_releases_authenticated_batches)
{
	struct fixture f = make(40 * 65536 + 123);
	struct piece_reader r = { f.ct, f.ct_len, 0, 0, 20 * SCT + 5 };
	struct sink out = { 0 };
	int rc;

	rc = veil_stream__decrypt(test_stream_key, piece_read, &r, sink_write, &out, 2);
	CHECK_INT(rc, VEIL_EIO);
	/* Whatever was released is an exact chunk prefix of the plaintext. */
	CHECK(out.len % SCHUNK == 0 && out.len <= 20 * SCHUNK);
	CHECK(out.len == 0 || memcmp(out.p, f.pt, out.len) == 0);
	CHECK_INT(out.len, 16 * SCHUNK);
	sink_free(&out);
	drop(&f);
}

TEST(test_age_stream__wrong_key_releases_nothing)
{
	struct fixture f = make(20 * 65536);
	uint8_t key[32];
	struct sink out;

	memcpy(key, test_stream_key, 32);
	key[0] ^= 1;
	CHECK_INT(run_decrypt(&out, key, f.ct, f.ct_len, 2, 0), VEIL_EAUTH);
	CHECK_INT(out.len, 0);
	sink_free(&out);
	drop(&f);
}
