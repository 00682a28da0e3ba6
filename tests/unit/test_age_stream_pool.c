/* The STREAM worker pool: every job of every batch runs exactly once, and a
 * batch has fully finished when pool_finish returns, with or without workers. */
#include <string.h>
#include "age/stream_pool.h"
#include "harness.h"

struct counts {
	int ran[64];
};

static void count_job(void *ctx, size_t i)
{
	struct counts *c = ctx;

	c->ran[i]++;
}

static void many_batches(unsigned int workers)
{
	veil_stream__pool pool;
	struct counts c[2];
	size_t batch, i, jobs;
	int bad = 0;

	memset(&pool, 0, sizeof(pool));
	veil_stream__pool_start(&pool, workers);
	CHECK(pool.workers <= workers);
	for (batch = 0; batch < 500; batch++) {
		struct counts *cur = &c[batch % 2];

		jobs = 1 + batch % 64;
		memset(cur, 0, sizeof(*cur));
		veil_stream__pool_submit(&pool, count_job, cur, jobs);
		veil_stream__pool_finish(&pool);
		for (i = 0; i < 64; i++)
			bad += cur->ran[i] != (i < jobs ? 1 : 0);
	}
	CHECK_INT(bad, 0);
	veil_stream__pool_stop(&pool);
	CHECK_INT(pool.workers, 0);
	/* Stopping twice, or a pool never started, is harmless. */
	veil_stream__pool_stop(&pool);
}

TEST(test_age_stream_pool__every_job_runs_once_per_batch)
{
	many_batches(0);
	many_batches(1);
	many_batches(3);
	many_batches(8);
}

TEST(test_age_stream_pool__thread_count_is_bounded)
{
	CHECK_INT(veil_stream__threads(1), 1);
	CHECK_INT(veil_stream__threads(5), 5);
	CHECK_INT(veil_stream__threads(100), VEIL_STREAM_MAX_THREADS);
	CHECK(veil_stream__threads(0) >= 1 && veil_stream__threads(0) <= VEIL_STREAM_MAX_THREADS);
}

TEST(test_age_stream_pool__finish_without_submit_is_a_no_op)
{
	veil_stream__pool pool;

	memset(&pool, 0, sizeof(pool));
	veil_stream__pool_start(&pool, 2);
	veil_stream__pool_finish(&pool);
	veil_stream__pool_stop(&pool);
	CHECK_INT(pool.jobs, 0);
}
