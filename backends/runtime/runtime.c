/*===- runtime.c - the few lines every generated library carries ---------===*
 *
 * Context management, argument checking and error messages around the
 * generated compute function. Compiled to LLVM bitcode for each target at
 * lwcc's build time and linked into every model; it calls only libc.
 *
 *===----------------------------------------------------------------------===*/

#include "lwcc/runtime.h"
#include "thread_pool.h"

#define LWCC_API __attribute__((visibility("default")))

/* libc, declared here so the bitcode needs no target's headers. */
void *malloc(size_t size);
void free(void *ptr);
int snprintf(char *str, size_t size, const char *format, ...);
void *calloc(size_t count, size_t size);
struct lwcc_timespec {
  long seconds;
  long nanoseconds;
};
int clock_gettime(int clock, struct lwcc_timespec *time);
enum { kClockMonotonic = 1 };

/* Provided by the code lwcc generates for the model. */
extern const lwcc_model_info lwcc_internal_model_info;
extern const uint32_t lwcc_internal_profile_size;
extern const char *const lwcc_internal_profile_names[];
extern const char *const lwcc_internal_profile_kinds[];
extern const uint64_t lwcc_internal_profile_flops[];
void lwcc_internal_compute(void *const *inputs, void *const *outputs, void *arena,
                           lwcc_context *ctx);

enum { kArenaAlignment = 64, kErrorSize = 256 };

struct lwcc_context {
  void *arena;     /* aligned start */
  void *arena_raw; /* what malloc returned */
  int32_t threads;
  /* Created by the first parallel kernel of a run with threads > 1. */
  lwcc_thread_pool *pool;
  /* With --profile: nanoseconds and calls per entry. */
  uint64_t *profile;
  char error[kErrorSize];
};

/* Called by code compiled with --profile around each kernel. */
uint64_t lwcc_internal_clock(void) {
  struct lwcc_timespec t;
  clock_gettime(kClockMonotonic, &t);
  return (uint64_t)t.seconds * 1000000000ull + (uint64_t)t.nanoseconds;
}

void lwcc_internal_profile(lwcc_context *ctx, int32_t entry, uint64_t start) {
  if (!ctx->profile || entry < 0 || (uint32_t)entry >= lwcc_internal_profile_size)
    return;
  ctx->profile[2 * entry] += lwcc_internal_clock() - start;
  ctx->profile[2 * entry + 1] += 1;
}

/* Called by the generated code for each parallel kernel. */
void lwcc_internal_parallel_for(lwcc_context *ctx, lwcc_task_fn task, void *const *args,
                                int64_t iterations) {
  if (ctx->threads > 1 && !ctx->pool)
    ctx->pool = lwcc_thread_pool_create(ctx->threads);
  lwcc_thread_pool_run(ctx->pool, task, args, iterations);
}

LWCC_API const lwcc_model_info *lwcc_get_model_info(void) {
  return &lwcc_internal_model_info;
}

LWCC_API lwcc_status lwcc_context_create(lwcc_context **out) {
  if (!out)
    return LWCC_ERROR_INVALID_ARGUMENT;
  *out = 0;
  lwcc_context *ctx = (lwcc_context *)malloc(sizeof(lwcc_context));
  if (!ctx)
    return LWCC_ERROR_OUT_OF_MEMORY;
  ctx->arena = ctx->arena_raw = 0;
  ctx->pool = 0;
  ctx->profile = 0;
  if (lwcc_internal_profile_size) {
    ctx->profile = (uint64_t *)calloc(2 * (size_t)lwcc_internal_profile_size, sizeof(uint64_t));
    if (!ctx->profile) {
      free(ctx);
      return LWCC_ERROR_OUT_OF_MEMORY;
    }
  }
  ctx->threads = lwcc_internal_model_info.default_threads > 0
                     ? (int32_t)lwcc_internal_model_info.default_threads
                     : 1;
  ctx->error[0] = 0;
  uint64_t bytes = lwcc_internal_model_info.arena_bytes;
  if (bytes) {
    ctx->arena_raw = malloc((size_t)bytes + kArenaAlignment);
    if (!ctx->arena_raw) {
      free(ctx->profile);
      free(ctx);
      return LWCC_ERROR_OUT_OF_MEMORY;
    }
    uintptr_t p = (uintptr_t)ctx->arena_raw;
    ctx->arena = (void *)((p + kArenaAlignment - 1) & ~(uintptr_t)(kArenaAlignment - 1));
  }
  *out = ctx;
  return LWCC_OK;
}

LWCC_API void lwcc_context_destroy(lwcc_context *ctx) {
  if (!ctx)
    return;
  lwcc_thread_pool_destroy(ctx->pool);
  free(ctx->profile);
  free(ctx->arena_raw);
  free(ctx);
}

LWCC_API lwcc_status lwcc_set_num_threads(lwcc_context *ctx, int32_t threads) {
  if (!ctx)
    return LWCC_ERROR_INVALID_ARGUMENT;
  if (threads < 1) {
    snprintf(ctx->error, kErrorSize, "thread count %d is not positive", (int)threads);
    return LWCC_ERROR_INVALID_ARGUMENT;
  }
  if (threads != ctx->threads) {
    lwcc_thread_pool_destroy(ctx->pool);
    ctx->pool = 0;
  }
  ctx->threads = threads;
  return LWCC_OK;
}

/* Checks one side (inputs or outputs) of a run's arguments. */
static lwcc_status check_buffers(lwcc_context *ctx, const char *side,
                                 const void *const *buffers, const uint64_t *bytes,
                                 uint32_t count, const lwcc_tensor_info *info) {
  if (count && (!buffers || !bytes)) {
    snprintf(ctx->error, kErrorSize, "%s: null buffer or size array", side);
    return LWCC_ERROR_INVALID_ARGUMENT;
  }
  for (uint32_t i = 0; i < count; ++i) {
    if (!buffers[i]) {
      snprintf(ctx->error, kErrorSize, "%s '%s': null buffer", side, info[i].name);
      return LWCC_ERROR_INVALID_ARGUMENT;
    }
    if (bytes[i] != info[i].bytes) {
      snprintf(ctx->error, kErrorSize, "%s '%s': %llu bytes given, %llu expected", side,
               info[i].name, (unsigned long long)bytes[i],
               (unsigned long long)info[i].bytes);
      return LWCC_ERROR_SIZE_MISMATCH;
    }
  }
  return LWCC_OK;
}

LWCC_API lwcc_status lwcc_run(lwcc_context *ctx, const void *const *inputs,
                              const uint64_t *input_bytes, void *const *outputs,
                              const uint64_t *output_bytes) {
  if (!ctx)
    return LWCC_ERROR_INVALID_ARGUMENT;
  const lwcc_model_info *info = &lwcc_internal_model_info;
  lwcc_status status = check_buffers(ctx, "input", inputs, input_bytes, info->num_inputs,
                                     info->inputs);
  if (status == LWCC_OK)
    status = check_buffers(ctx, "output", (const void *const *)outputs, output_bytes,
                           info->num_outputs, info->outputs);
  if (status != LWCC_OK)
    return status;
  lwcc_internal_compute((void *const *)inputs, outputs, ctx->arena, ctx);
  ctx->error[0] = 0;
  return LWCC_OK;
}

LWCC_API const char *lwcc_context_error(const lwcc_context *ctx) {
  return ctx ? ctx->error : "null context";
}

LWCC_API uint32_t lwcc_profile_size(void) { return lwcc_internal_profile_size; }

LWCC_API lwcc_status lwcc_profile_get(const lwcc_context *ctx, uint32_t index,
                                      lwcc_profile_entry *out) {
  if (!ctx || !out || index >= lwcc_internal_profile_size || !ctx->profile)
    return LWCC_ERROR_INVALID_ARGUMENT;
  out->name = lwcc_internal_profile_names[index];
  out->kind = lwcc_internal_profile_kinds[index];
  out->flops = lwcc_internal_profile_flops[index];
  out->nanoseconds = ctx->profile[2 * index];
  out->calls = ctx->profile[2 * index + 1];
  return LWCC_OK;
}

LWCC_API void lwcc_profile_reset(lwcc_context *ctx) {
  if (!ctx || !ctx->profile)
    return;
  for (uint32_t i = 0; i < 2 * lwcc_internal_profile_size; ++i)
    ctx->profile[i] = 0;
}
