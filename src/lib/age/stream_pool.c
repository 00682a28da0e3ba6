/* Worker pool for the STREAM payload: one mutex guards the job counter.
 * A job is a 64 KiB chunk (~50 us of crypto), so taking the lock once per
 * job costs nothing measurable and keeps the protocol obviously correct.
 * Between batches threads spin for a short while before they sleep: the
 * next batch or the last straggling chunk usually arrives within
 * microseconds, while a condition-variable wake-up of an idle vCPU took
 * long enough to leave a third of two cores idle. */
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include "age/stream_pool.h"
#include "util/cpu.h"

#define WORKER_SPIN_NS 100000L /* waiting for the next batch */
#define CALLER_SPIN_NS 300000L /* waiting for the chunks still in flight */

unsigned int veil_stream__threads(unsigned int requested)
{
	if (requested == 0)
		requested = veil_cpu_count();
	return requested > VEIL_STREAM_MAX_THREADS ? VEIL_STREAM_MAX_THREADS : requested;
}

/* Spins until *v differs from old or max_ns pass; 1 if it changed. */
static int spin_until_changed(atomic_ulong *v, unsigned long old, long max_ns)
{
	struct timespec t0, t;
	long ns;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		for (i = 0; i < 128; i++)
			if (atomic_load_explicit(v, memory_order_acquire) != old)
				return 1;
		clock_gettime(CLOCK_MONOTONIC, &t);
		ns = (t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec);
		if (ns >= max_ns)
			return 0;
	}
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
		if (++pool->finished == pool->jobs) {
			atomic_fetch_add_explicit(&pool->completed, 1, memory_order_release);
			pthread_cond_signal(&pool->done);
		}
	}
}

static void *worker_main(void *arg)
{
	veil_stream__pool *pool = arg;

	unsigned long seen;

	pthread_mutex_lock(&pool->mu);
	for (;;) {
		if (pool->quit)
			break;
		if (pool->next < pool->jobs) {
			run_jobs_locked(pool);
			continue;
		}
		seen = atomic_load_explicit(&pool->submitted, memory_order_acquire);
		pthread_mutex_unlock(&pool->mu);
		spin_until_changed(&pool->submitted, seen, WORKER_SPIN_NS);
		pthread_mutex_lock(&pool->mu);
		while (!pool->quit && pool->next >= pool->jobs)
			pthread_cond_wait(&pool->go, &pool->mu);
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
	atomic_init(&pool->submitted, 0);
	atomic_init(&pool->completed, 0);
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
	atomic_fetch_add_explicit(&pool->submitted, 1, memory_order_release);
	if (jobs == 0) /* keeps completed in step with submitted */
		atomic_fetch_add_explicit(&pool->completed, 1, memory_order_release);
	pthread_cond_broadcast(&pool->go);
	pthread_mutex_unlock(&pool->mu);
}

void veil_stream__pool_finish(veil_stream__pool *pool)
{
	unsigned long want;
	size_t i;

	if (!pool->sync_ready) {
		for (i = pool->next; i < pool->jobs; i++)
			pool->fn(pool->ctx, i);
		pool->next = pool->finished = pool->jobs;
		return;
	}
	pthread_mutex_lock(&pool->mu);
	run_jobs_locked(pool);
	if (pool->finished < pool->jobs) {
		/* Only chunks already running on workers are left. */
		want = atomic_load_explicit(&pool->submitted, memory_order_relaxed);
		pthread_mutex_unlock(&pool->mu);
		while (atomic_load_explicit(&pool->completed, memory_order_acquire) != want)
			if (!spin_until_changed(&pool->completed, want - 1, CALLER_SPIN_NS))
				break;
		pthread_mutex_lock(&pool->mu);
		while (pool->finished < pool->jobs)
			pthread_cond_wait(&pool->done, &pool->mu);
	}
	pthread_mutex_unlock(&pool->mu);
}

void veil_stream__pool_stop(veil_stream__pool *pool)
{
	unsigned int i;

	if (!pool->sync_ready)
		return;
	pthread_mutex_lock(&pool->mu);
	pool->quit = 1;
	atomic_fetch_add_explicit(&pool->submitted, 1, memory_order_release);
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
