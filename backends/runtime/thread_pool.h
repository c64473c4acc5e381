/*===- thread_pool.h - the generated library's worker threads -------------===*
 *
 * Kernels marked parallel are outlined by lwcc into tasks that compute a
 * range of their iterations; the model calls lwcc_internal_parallel_for,
 * which splits the range across the context's threads. Workers are created
 * on first use, spin briefly between tasks (a model runs its layers back to
 * back), then sleep on a futex so an idle library costs no CPU.
 *
 *===----------------------------------------------------------------------===*/

#ifndef LWCC_RUNTIME_THREAD_POOL_H
#define LWCC_RUNTIME_THREAD_POOL_H

#include <stdint.h>

typedef struct lwcc_thread_pool lwcc_thread_pool;

/* One task: iterations [begin, end) of an outlined loop. */
typedef void (*lwcc_task_fn)(void *const *args, int64_t begin, int64_t end);

/* A pool of `threads - 1` workers (the caller is the last thread), or null
 * if the threads could not be created. */
lwcc_thread_pool *lwcc_thread_pool_create(int32_t threads);
void lwcc_thread_pool_destroy(lwcc_thread_pool *pool);
int32_t lwcc_thread_pool_threads(const lwcc_thread_pool *pool);

/* Runs task(args, b, e) over [0, iterations) in contiguous, balanced parts,
 * one per thread, and returns when all are done. A null pool runs it all on
 * the caller. */
void lwcc_thread_pool_run(lwcc_thread_pool *pool, lwcc_task_fn task, void *const *args,
                          int64_t iterations);

#endif
