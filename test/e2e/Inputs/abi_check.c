/* ABI checks on a generated library: two contexts on two threads give the
 * same results as one; wrong sizes, null buffers and bad thread counts are
 * rejected with a status and a message, never a crash.
 *
 *   abi_check model.so   (prints "abi: ok" or the first failure; exit 0/1) */
#include "lwcc/runtime.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const lwcc_model_info *(*get_info)(void);
static lwcc_status (*create)(lwcc_context **);
static void (*destroy)(lwcc_context *);
static lwcc_status (*set_threads)(lwcc_context *, int32_t);
static lwcc_status (*run)(lwcc_context *, const void *const *, const uint64_t *, void *const *,
                          const uint64_t *);
static const char *(*error)(const lwcc_context *);

#define CHECK(cond, ...)                                                                   \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      printf("abi: FAIL line %d: ", __LINE__);                                             \
      printf(__VA_ARGS__);                                                                 \
      printf("\n");                                                                        \
      exit(1);                                                                             \
    }                                                                                      \
  } while (0)

typedef struct job {
  const void *inputs[16];
  uint64_t in_bytes[16], out_bytes[16];
  void *outputs[16];
  int repeats;
  lwcc_status status;
} job;

static void *worker(void *arg) {
  job *j = arg;
  lwcc_context *ctx;
  j->status = create(&ctx);
  for (int i = 0; i < j->repeats && j->status == LWCC_OK; ++i)
    j->status = run(ctx, j->inputs, j->in_bytes, j->outputs, j->out_bytes);
  destroy(ctx);
  return 0;
}

static void setup(job *j, const lwcc_model_info *info, unsigned seed) {
  srand(seed);
  for (uint32_t i = 0; i < info->num_inputs; ++i) {
    float *data = malloc(info->inputs[i].bytes);
    for (uint64_t k = 0; k < info->inputs[i].bytes / 4; ++k)
      data[k] = (float)rand() / RAND_MAX - 0.5f;
    j->inputs[i] = data;
    j->in_bytes[i] = info->inputs[i].bytes;
  }
  for (uint32_t i = 0; i < info->num_outputs; ++i) {
    j->outputs[i] = calloc(1, info->outputs[i].bytes);
    j->out_bytes[i] = info->outputs[i].bytes;
  }
}

int main(int argc, char **argv) {
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  CHECK(lib, "dlopen: %s", dlerror());
  *(void **)&get_info = dlsym(lib, "lwcc_get_model_info");
  *(void **)&create = dlsym(lib, "lwcc_context_create");
  *(void **)&destroy = dlsym(lib, "lwcc_context_destroy");
  *(void **)&set_threads = dlsym(lib, "lwcc_set_num_threads");
  *(void **)&run = dlsym(lib, "lwcc_run");
  *(void **)&error = dlsym(lib, "lwcc_context_error");
  CHECK(get_info && create && destroy && set_threads && run && error, "missing symbol");
  const lwcc_model_info *info = get_info();
  CHECK(info->abi_version == LWCC_ABI_VERSION, "abi version %u", info->abi_version);
  CHECK(info->num_inputs >= 1 && info->num_inputs <= 16, "inputs");

  /* Reference: one context, one thread. */
  job ref = {.repeats = 1};
  setup(&ref, info, 7);
  worker(&ref);
  CHECK(ref.status == LWCC_OK, "reference run failed");

  /* Two contexts on two threads, same inputs, many runs. */
  job a = {.repeats = 20}, b = {.repeats = 20};
  setup(&a, info, 7);
  setup(&b, info, 7);
  pthread_t ta, tb;
  pthread_create(&ta, 0, worker, &a);
  pthread_create(&tb, 0, worker, &b);
  pthread_join(ta, 0);
  pthread_join(tb, 0);
  CHECK(a.status == LWCC_OK && b.status == LWCC_OK, "threaded runs failed");
  for (uint32_t i = 0; i < info->num_outputs; ++i) {
    CHECK(!memcmp(a.outputs[i], ref.outputs[i], ref.out_bytes[i]), "thread A differs");
    CHECK(!memcmp(b.outputs[i], ref.outputs[i], ref.out_bytes[i]), "thread B differs");
  }

  /* Bad arguments. */
  lwcc_context *ctx;
  CHECK(create(&ctx) == LWCC_OK, "create");
  uint64_t wrong[16];
  memcpy(wrong, ref.in_bytes, sizeof(wrong));
  wrong[0] -= 4;
  CHECK(run(ctx, ref.inputs, wrong, ref.outputs, ref.out_bytes) == LWCC_ERROR_SIZE_MISMATCH,
        "short input accepted");
  printf("wrong input size: %s\n", error(ctx));
  memcpy(wrong, ref.out_bytes, sizeof(wrong));
  wrong[0] += 4;
  CHECK(run(ctx, ref.inputs, ref.in_bytes, ref.outputs, wrong) == LWCC_ERROR_SIZE_MISMATCH,
        "long output accepted");
  printf("wrong output size: %s\n", error(ctx));
  const void *null_inputs[16] = {0};
  CHECK(run(ctx, null_inputs, ref.in_bytes, ref.outputs, ref.out_bytes) ==
            LWCC_ERROR_INVALID_ARGUMENT,
        "null input accepted");
  printf("null input: %s\n", error(ctx));
  CHECK(run(ctx, 0, 0, ref.outputs, ref.out_bytes) == LWCC_ERROR_INVALID_ARGUMENT,
        "null arrays accepted");
  CHECK(run(0, ref.inputs, ref.in_bytes, ref.outputs, ref.out_bytes) ==
            LWCC_ERROR_INVALID_ARGUMENT,
        "null context accepted");
  CHECK(set_threads(ctx, 0) == LWCC_ERROR_INVALID_ARGUMENT, "0 threads accepted");
  printf("zero threads: %s\n", error(ctx));
  CHECK(set_threads(ctx, 2) == LWCC_OK, "2 threads rejected");
  CHECK(run(ctx, ref.inputs, ref.in_bytes, ref.outputs, ref.out_bytes) == LWCC_OK,
        "run after errors");
  CHECK(!strcmp(error(ctx), ""), "error not cleared");
  CHECK(create(0) == LWCC_ERROR_INVALID_ARGUMENT, "null out accepted");
  destroy(ctx);
  destroy(0);
  printf("abi: ok\n");
  return 0;
}
