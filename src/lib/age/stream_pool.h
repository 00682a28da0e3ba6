#ifndef VEIL_AGE_STREAM_POOL_H
#define VEIL_AGE_STREAM_POOL_H
/* A small fixed pool of worker threads that runs one batch of independent
 * jobs at a time (the STREAM chunks of a batch). The caller submits a batch,
 * does its own I/O meanwhile, then joins in and waits for the batch to end.
 * With no workers started everything runs on the caller's thread. */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>

#define VEIL_STREAM_MAX_THREADS 8

typedef void (*veil_stream__job_fn)(void *ctx, size_t index);

typedef struct veil_stream__pool {
	pthread_t tid[VEIL_STREAM_MAX_THREADS];
	unsigned int workers; /* threads actually started */
	int sync_ready;       /* mutex and conditions initialised */
	pthread_mutex_t mu;
	pthread_cond_t go;   /* a batch was submitted, or quit */
	pthread_cond_t done; /* the last job of a batch finished */
	veil_stream__job_fn fn;
	void *ctx;
	size_t jobs;     /* jobs in the current batch */
	size_t next;     /* next job index to hand out */
	size_t finished; /* jobs of the current batch that returned */
	int quit;
	/* Batches submitted and completed (or stop requested), readable without
	 * the mutex: threads spin on them briefly before sleeping, because waking
	 * a sleeping thread (an idle vCPU) costs about as much as a chunk. */
	atomic_ulong submitted;
	atomic_ulong completed;
} veil_stream__pool;

/* 0 = the CPUs the process may use (util/cpu.h, affinity and cgroup quota);
 * the result is in 1..VEIL_STREAM_MAX_THREADS. */
unsigned int veil_stream__threads(unsigned int requested);

/* Starts up to `workers` threads (fewer if creation fails; then the caller
 * does more of the work). Zero-initialise the pool first. Never fails. */
void veil_stream__pool_start(veil_stream__pool *pool, unsigned int workers);

/* Hands out jobs 0..jobs-1 of fn(ctx, i); returns at once. */
void veil_stream__pool_submit(veil_stream__pool *pool, veil_stream__job_fn fn, void *ctx,
                              size_t jobs);

/* Runs remaining jobs of the current batch on the calling thread, then waits
 * until every job of it has returned. A no-op when nothing was submitted. */
void veil_stream__pool_finish(veil_stream__pool *pool);

/* Stops and joins the workers. Safe on a zeroed or never-started pool. */
void veil_stream__pool_stop(veil_stream__pool *pool);

#endif
