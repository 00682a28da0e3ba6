/* STREAM round trips: the multi-threaded pipeline must produce exactly the
 * bytes of a plain one-chunk-at-a-time libsodium loop, for every size class
 * (empty, short, exact chunk multiples, single and multiple batches). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include "age/stream.h"
#include "harness.h"
#include "test_age_stream_fixture.h"
#include "veil/error.h"

static const size_t sizes[] = {
	0,
	1,
	65535,
	65536,
	65537,
	131072,
	5 * 65536 + 7,
	/* past one batch (8 chunks) and two: exact batches, one more byte, several */
	8 * 65536,
	8 * 65536 + 1,
	16 * 65536,
	16 * 65536 + 1,
	17 * 65536,
	32 * 65536,
	40 * 65536 + 123,
};
static const unsigned int thread_counts[] = { 1, 2, 4, 0 };

static void round_trip(size_t len, unsigned int threads, size_t piece)
{
	uint8_t *pt = pattern(len, (unsigned int)len), *ref;
	size_t ref_len;
	struct piece_reader r = { pt, len, 0, piece, 0 };
	struct sink ct = { 0 }, back = { 0 };
	char what[96];
	int rc;

	ref_encrypt(&ref, &ref_len, test_stream_key, pt, len);
	rc = veil_stream__encrypt(test_stream_key, piece_read, &r, sink_write, &ct, threads);
	snprintf(what, sizeof(what), "size %zu threads %u piece %zu", len, threads, piece);
	CHECK_INT(rc, 0);
	CHECK_INT(ct.len, ref_len);
	if (ct.len == ref_len && memcmp(ct.p, ref, ref_len) != 0)
		veil_test_fail(__FILE__, __LINE__, what);
	rc = run_decrypt(&back, test_stream_key, ct.p, ct.len, threads, piece);
	CHECK_INT(rc, 0);
	CHECK_INT(back.len, len);
	if (back.len == len && len && memcmp(back.p, pt, len) != 0)
		veil_test_fail(__FILE__, __LINE__, what);
	sink_free(&ct);
	sink_free(&back);
	free(ref);
	free(pt);
}

TEST(test_age_stream__round_trip_matches_reference_all_sizes_and_threads)
{
	size_t s, t;

	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (t = 0; t < sizeof(thread_counts) / sizeof(thread_counts[0]); t++)
			round_trip(sizes[s], thread_counts[t], 0);
}

TEST(test_age_stream__round_trip_with_short_reads)
{
	/* Readers that return odd-sized pieces (pipes, terminals) must not move
	 * chunk boundaries. */
	round_trip(5 * 65536 + 7, 2, 1000);
	round_trip(17 * 65536 + 3, 2, 65535);
	round_trip(16 * 65536, 4, 4099);
	round_trip(1, 2, 1);
}

TEST(test_age_stream__empty_plaintext_is_one_empty_final_chunk)
{
	struct piece_reader r = { (const uint8_t *)"", 0, 0, 0, 0 };
	struct sink ct = { 0 };
	uint8_t ref[16];

	ref_chunk(ref, test_stream_key, NULL, 0, 0, 1);
	CHECK_INT(veil_stream__encrypt(test_stream_key, piece_read, &r, sink_write, &ct, 2), 0);
	CHECK_INT(ct.len, 16);
	CHECK(ct.len == 16 && memcmp(ct.p, ref, 16) == 0);
	sink_free(&ct);
}

TEST(test_age_stream__exact_multiple_ends_with_full_final_chunk)
{
	uint8_t *pt = pattern(2 * 65536, 7), *last = malloc(SCT);
	struct piece_reader r = { pt, 2 * 65536, 0, 0, 0 };
	struct sink ct = { 0 };

	ref_chunk(last, test_stream_key, pt + 65536, 65536, 1, 1);
	CHECK_INT(veil_stream__encrypt(test_stream_key, piece_read, &r, sink_write, &ct, 1), 0);
	CHECK_INT(ct.len, 2 * SCT);
	CHECK(ct.len == 2 * SCT && memcmp(ct.p + SCT, last, SCT) == 0);
	sink_free(&ct);
	free(last);
	free(pt);
}

TEST(test_age_stream__key_is_hkdf_of_file_key_and_nonce)
{
	/* Independent recomputation: PRK = HMAC(salt=nonce, file_key),
	 * key = HMAC(PRK, "payload" || 0x01). */
	uint8_t file_key[16], nonce[16], prk[32], want[32], got[32];
	uint8_t info[8] = { 'p', 'a', 'y', 'l', 'o', 'a', 'd', 1 };
	crypto_auth_hmacsha256_state st;

	memset(file_key, 0x11, sizeof(file_key));
	memset(nonce, 0x22, sizeof(nonce));
	crypto_auth_hmacsha256_init(&st, nonce, sizeof(nonce));
	crypto_auth_hmacsha256_update(&st, file_key, sizeof(file_key));
	crypto_auth_hmacsha256_final(&st, prk);
	crypto_auth_hmacsha256_init(&st, prk, sizeof(prk));
	crypto_auth_hmacsha256_update(&st, info, sizeof(info));
	crypto_auth_hmacsha256_final(&st, want);
	CHECK_INT(veil_stream__key(got, file_key, nonce), 0);
	CHECK_MEM(got, want, 32);
}

static int failing_write(void *payload, const uint8_t *buf, size_t len)
{
	int *calls = payload;

	(void)buf;
	(void)len;
	return ++*calls >= 2 ? veil_error_set(VEIL_EIO, "disk full") : 0;
}

TEST(test_age_stream__write_failure_stops_encryption)
{
	size_t len = 40 * 65536;
	uint8_t *pt = pattern(len, 3);
	struct piece_reader r = { pt, len, 0, 0, 0 };
	int calls = 0;

	CHECK_INT(veil_stream__encrypt(test_stream_key, piece_read, &r, failing_write, &calls, 2),
	          VEIL_EIO);
	CHECK_INT(calls, 2);
	free(pt);
}

TEST(test_age_stream__read_failure_is_reported)
{
	size_t len = 40 * 65536;
	uint8_t *pt = pattern(len, 4);
	struct piece_reader r = { pt, len, 0, 0, 20 * 65536 + 5 };
	struct sink ct = { 0 };

	CHECK_INT(veil_stream__encrypt(test_stream_key, piece_read, &r, sink_write, &ct, 2),
	          VEIL_EIO);
	sink_free(&ct);
	free(pt);
}
