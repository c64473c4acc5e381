/*===- thread_pool.c - the generated library's worker threads -------------===*
 *
 * Synchronisation is one generation counter: the caller publishes a task
 * and bumps it; each worker runs its part and decrements `pending`. Workers
 * spin on the counter for a while, then sleep on it with a futex. Only
 * pthread_create/join and syscall come from libc (glibc >= 2.34 has them in
 * libc.so.6), so the bitcode still needs no target headers.
 *
 *===----------------------------------------------------------------------===*/

#include "thread_pool.h"

typedef unsigned long pthread_t;
int pthread_create(pthread_t *thread, const void *attr, void *(*start)(void *), void *arg);
int pthread_join(pthread_t thread, void **result);
long syscall(long number, ...);
void *malloc(unsigned long size);
void free(void *ptr);

#if defined(__x86_64__)
#define LWCC_SYS_FUTEX 202
#define LWCC_CPU_RELAX() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define LWCC_SYS_FUTEX 98
#define LWCC_CPU_RELAX() __builtin_arm_yield()
#else
#error "unsupported target"
#endif

enum {
  kMaxThreads = 64,
  kFutexWaitPrivate = 128,
  kFutexWakePrivate = 129,
  /* ~50-100 us of spinning: longer than the gap between two layers. */
  kSpins = 20000,
};

struct worker {
  lwcc_thread_pool *pool;
  int32_t part;
  pthread_t id;
};

struct lwcc_thread_pool {
  int32_t threads;
  uint32_t generation; /* futex word */
  int32_t sleepers;
  int32_t pending;
  int32_t stop;
  lwcc_task_fn task;
  void *const *args;
  int64_t iterations;
  struct worker workers[kMaxThreads];
};

static void run_part(lwcc_thread_pool *pool, int32_t part) {
  int64_t n = pool->iterations, parts = pool->threads < n ? pool->threads : n;
  if (part >= parts)
    return;
  int64_t begin = n * part / parts, end = n * (part + 1) / parts;
  pool->task(pool->args, begin, end);
}

static void *worker_main(void *arg) {
  struct worker *self = (struct worker *)arg;
  lwcc_thread_pool *pool = self->pool;
  uint32_t seen = 0;
  for (;;) {
    uint32_t now;
    int spins = 0;
    while ((now = __atomic_load_n(&pool->generation, __ATOMIC_ACQUIRE)) == seen) {
      if (++spins < kSpins) {
        LWCC_CPU_RELAX();
        continue;
      }
      __atomic_fetch_add(&pool->sleepers, 1, __ATOMIC_SEQ_CST);
      /* Returns at once if the generation moved since it was read. */
      syscall(LWCC_SYS_FUTEX, &pool->generation, kFutexWaitPrivate, seen, 0, 0, 0);
      __atomic_fetch_sub(&pool->sleepers, 1, __ATOMIC_SEQ_CST);
      spins = 0;
    }
    seen = now;
    if (__atomic_load_n(&pool->stop, __ATOMIC_ACQUIRE))
      return 0;
    run_part(pool, self->part);
    __atomic_fetch_sub(&pool->pending, 1, __ATOMIC_ACQ_REL);
  }
}

static void publish(lwcc_thread_pool *pool) {
  __atomic_fetch_add(&pool->generation, 1, __ATOMIC_SEQ_CST);
  if (__atomic_load_n(&pool->sleepers, __ATOMIC_SEQ_CST) > 0)
    syscall(LWCC_SYS_FUTEX, &pool->generation, kFutexWakePrivate, kMaxThreads, 0, 0, 0);
}

lwcc_thread_pool *lwcc_thread_pool_create(int32_t threads) {
  if (threads < 2 || threads > kMaxThreads)
    return 0;
  lwcc_thread_pool *pool = (lwcc_thread_pool *)malloc(sizeof(lwcc_thread_pool));
  if (!pool)
    return 0;
  pool->threads = 1;
  pool->generation = 0;
  pool->sleepers = pool->pending = pool->stop = 0;
  for (int32_t i = 1; i < threads; ++i) {
    struct worker *w = &pool->workers[i - 1];
    w->pool = pool;
    w->part = i;
    if (pthread_create(&w->id, 0, worker_main, w) != 0)
      break;
    pool->threads = i + 1;
  }
  if (pool->threads < 2) {
    free(pool);
    return 0;
  }
  return pool;
}

void lwcc_thread_pool_destroy(lwcc_thread_pool *pool) {
  if (!pool)
    return;
  __atomic_store_n(&pool->stop, 1, __ATOMIC_RELEASE);
  publish(pool);
  for (int32_t i = 1; i < pool->threads; ++i)
    pthread_join(pool->workers[i - 1].id, 0);
  free(pool);
}

int32_t lwcc_thread_pool_threads(const lwcc_thread_pool *pool) {
  return pool ? pool->threads : 1;
}

void lwcc_thread_pool_run(lwcc_thread_pool *pool, lwcc_task_fn task, void *const *args,
                          int64_t iterations) {
  if (iterations <= 0)
    return;
  if (!pool || iterations == 1) {
    task(args, 0, iterations);
    return;
  }
  pool->task = task;
  pool->args = args;
  pool->iterations = iterations;
  __atomic_store_n(&pool->pending, pool->threads - 1, __ATOMIC_RELEASE);
  publish(pool);
  run_part(pool, 0);
  while (__atomic_load_n(&pool->pending, __ATOMIC_ACQUIRE) > 0)
    LWCC_CPU_RELAX();
}
