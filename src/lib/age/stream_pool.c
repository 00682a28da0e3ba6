/* Worker pool for the STREAM payload: one mutex guards the job counter.
 * A job is a 64 KiB chunk (~50 us of crypto), so taking the lock once per
 * job costs nothing measurable and keeps the protocol obviously correct. */
#include <signal.h>
#include <unistd.h>
#include "age/stream_pool.h"

unsigned int veil_stream__threads(unsigned int requested)
{
	long online;

	if (requested == 0) {
		online = sysconf(_SC_NPROCESSORS_ONLN);
		requested = online < 1 ? 1 : (unsigned int)(online > 64 ? 64 : online);
	}
	return requested > VEIL_STREAM_MAX_THREADS ? VEIL_STREAM_MAX_THREADS : requested;
}

/* Called with the mutex held; returns with it held. Runs jobs until none
 * are left to hand out. */
static void run_jobs_locked(veil_stream__pool *pool)
{
	veil_stream__job_fn fn;
	void *ctx;
	size_t i;

	while (pool->next < pool->jobs) {
		i = pool->next++;
		fn = pool->fn;
		ctx = pool->ctx;
		pthread_mutex_unlock(&pool->mu);
		fn(ctx, i);
		pthread_mutex_lock(&pool->mu);
		if (++pool->finished == pool->jobs)
			pthread_cond_signal(&pool->done);
	}
}

static void *worker_main(void *arg)
{
	veil_stream__pool *pool = arg;

	pthread_mutex_lock(&pool->mu);
	for (;;) {
		while (!pool->quit && pool->next >= pool->jobs)
			pthread_cond_wait(&pool->go, &pool->mu);
		if (pool->quit)
			break;
		run_jobs_locked(pool);
	}
	pthread_mutex_unlock(&pool->mu);
	return NULL;
}

static int sync_init(veil_stream__pool *pool)
{
	if (pthread_mutex_init(&pool->mu, NULL) != 0)
		return -1;
	if (pthread_cond_init(&pool->go, NULL) != 0)
		goto fail_mu;
	if (pthread_cond_init(&pool->done, NULL) != 0)
		goto fail_go;
	pool->sync_ready = 1;
	return 0;
fail_go:
	pthread_cond_destroy(&pool->go);
fail_mu:
	pthread_mutex_destroy(&pool->mu);
	return -1;
}

void veil_stream__pool_start(veil_stream__pool *pool, unsigned int workers)
{
	sigset_t all, old;
	int masked;

	if (workers > VEIL_STREAM_MAX_THREADS)
		workers = VEIL_STREAM_MAX_THREADS;
	/* Without the primitives the caller simply does all the work inline. */
	if (workers == 0 || sync_init(pool) < 0)
		return;
	/* Workers inherit a full signal mask, so signals reach the caller's
	 * thread, whose blocking read or write they must interrupt (EINTR). */
	sigfillset(&all);
	masked = pthread_sigmask(SIG_SETMASK, &all, &old) == 0;
	while (pool->workers < workers) {
		if (pthread_create(&pool->tid[pool->workers], NULL, worker_main, pool) != 0)
			break;
		pool->workers++;
	}
	if (masked)
		pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void veil_stream__pool_submit(veil_stream__pool *pool, veil_stream__job_fn fn, void *ctx,
	size_t jobs)
{
	if (!pool->sync_ready) {
		pool->fn = fn;
		pool->ctx = ctx;
		pool->jobs = jobs;
		pool->next = 0;
		pool->finished = 0;
		return;
	}
	pthread_mutex_lock(&pool->mu);
	pool->fn = fn;
	pool->ctx = ctx;
	pool->jobs = jobs;
	pool->next = 0;
	pool->finished = 0;
	pthread_cond_broadcast(&pool->go);
	pthread_mutex_unlock(&pool->mu);
}

void veil_stream__pool_finish(veil_stream__pool *pool)
{
	size_t i;

	if (!pool->sync_ready) {
		for (i = pool->next; i < pool->jobs; i++)
			pool->fn(pool->ctx, i);
		pool->next = pool->finished = pool->jobs;
		return;
	}
	pthread_mutex_lock(&pool->mu);
	run_jobs_locked(pool);
	while (pool->finished < pool->jobs)
		pthread_cond_wait(&pool->done, &pool->mu);
	pthread_mutex_unlock(&pool->mu);
}

void veil_stream__pool_stop(veil_stream__pool *pool)
{
	unsigned int i;

	if (!pool->sync_ready)
		return;
	pthread_mutex_lock(&pool->mu);
	pool->quit = 1;
	pthread_cond_broadcast(&pool->go);
	pthread_mutex_unlock(&pool->mu);
	for (i = 0; i < pool->workers; i++)
		pthread_join(pool->tid[i], NULL);
	pool->workers = 0;
	pthread_cond_destroy(&pool->done);
	pthread_cond_destroy(&pool->go);
	pthread_mutex_destroy(&pool->mu);
	pool->sync_ready = 0;
}
