/* Secret memory: sodium_malloc for keys, wipe-then-free for bulk buffers. */
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util/secret.h"
#include "veil/error.h"
#include "veil/keys.h"

/*
 * Small secrets (data keys, file keys: 32 bytes; an AES key schedule: 300)
 * come from one pool that is itself a sodium_malloc region (guard pages
 * around it, mlock'ed, out of core dumps), carved into 64-byte chunks, up
 * to 8 adjacent ones per allocation, wiped when freed. sodium_malloc costs
 * about a dozen system calls per allocation (mmap, mprotect, mlock,
 * madvise, and back), which made a 1,000-document manifest stream spend
 * most of its time in the kernel; a chunk costs none. What a pooled chunk
 * gives up is its own guard pages: neighbours share the region's. Larger
 * allocations, and any when the pool is full, still get their own
 * sodium_malloc.
 */
#define POOL_CHUNK   64
#define POOL_CHUNKS  1024
#define POOL_WORDS   (POOL_CHUNKS / 64)
#define POOL_MAX_RUN 8

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char *pool;
static uint64_t pool_used[POOL_WORDS];
static unsigned char pool_run[POOL_CHUNKS]; /* chunks taken, at a run's first chunk */
static int pool_unavailable;

/* n adjacent free chunks (1..POOL_MAX_RUN) within one bitmap word. */
static void *pool_take(size_t n)
{
	uint64_t mask = n >= 64 ? UINT64_MAX : ((uint64_t)1 << n) - 1;
	void *p = NULL;

	pthread_mutex_lock(&pool_lock);
	if (!pool && !pool_unavailable) {
		pool = sodium_malloc((size_t)POOL_CHUNK * POOL_CHUNKS);
		pool_unavailable = !pool;
	}
	for (size_t w = 0; pool && !p && w < POOL_WORDS; w++) {
		if (pool_used[w] == UINT64_MAX)
			continue;
		for (unsigned b = 0; b + n <= 64; b++) {
			if (!(pool_used[w] & (mask << b))) {
				pool_used[w] |= mask << b;
				pool_run[w * 64 + b] = (unsigned char)n;
				p = pool + (w * 64 + b) * POOL_CHUNK;
				break;
			}
		}
	}
	pthread_mutex_unlock(&pool_lock);
	return p;
}

static int pool_give(void *p)
{
	unsigned char *c = p;
	size_t i, n;

	if (!pool || c < pool || c >= pool + (size_t)POOL_CHUNK * POOL_CHUNKS)
		return 0;
	i = (size_t)(c - pool) / POOL_CHUNK;
	n = pool_run[i];
	sodium_memzero(pool + i * POOL_CHUNK, n * POOL_CHUNK);
	pthread_mutex_lock(&pool_lock);
	pool_used[i / 64] &= ~((((uint64_t)1 << n) - 1) << (i % 64));
	pool_run[i] = 0;
	pthread_mutex_unlock(&pool_lock);
	return 1;
}

void *veil_secure_alloc(size_t len)
{
	size_t chunks = len ? (len + POOL_CHUNK - 1) / POOL_CHUNK : 1;
	void *p = chunks <= POOL_MAX_RUN ? pool_take(chunks) : NULL;

	/* sodium_malloc(0) may return a valid pointer or NULL; ask for one byte so
	 * a zero-length secret is still a distinct, freeable allocation. */
	if (!p)
		p = sodium_malloc(len ? len : 1);
	if (!p) {
		veil_error_set(VEIL_ENOMEM, "cannot allocate %zu bytes of secure memory", len);
		return NULL;
	}
	/* sodium_malloc fills with 0xdb to catch uninitialised use; callers here
	 * expect zeroed memory like calloc. */
	sodium_memzero(p, len ? len : 1);
	return p;
}

void veil_secure_free(void *p)
{
	if (p && !pool_give(p))
		sodium_free(p);
}

void veil_wipe_free(void *p, size_t len)
{
	if (!p)
		return;
	sodium_memzero(p, len);
	free(p);
}

void veil_wipe_free_str(char *s)
{
	if (!s)
		return;
	veil_wipe_free(s, strlen(s));
}

void veil_secret_string_free(char *s)
{
	/* sodium_free wipes the whole allocation, so no strlen is needed. */
	veil_secure_free(s);
}
