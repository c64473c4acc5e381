/*===- runtime.h - the C ABI of every lwcc-generated library ------*- C -*-===*
 *
 * A library lwcc generates for a model exports exactly these functions. The
 * per-model `model.h` repeats them with the model's names and shapes.
 * Contexts own the activation arena; two contexts may run at the same time
 * on different threads. Failures return a status and never abort.
 *
 *===----------------------------------------------------------------------===*/

#ifndef LWCC_RUNTIME_H
#define LWCC_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LWCC_ABI_VERSION 1

typedef enum lwcc_status {
  LWCC_OK = 0,
  LWCC_ERROR_INVALID_ARGUMENT = 1, /* a null pointer or a bad value */
  LWCC_ERROR_SIZE_MISMATCH = 2,    /* a buffer's byte size is not the tensor's */
  LWCC_ERROR_OUT_OF_MEMORY = 3,    /* the arena could not be allocated */
} lwcc_status;

/* Element types use ONNX's TensorProto.DataType codes. */
typedef enum lwcc_dtype {
  LWCC_FLOAT32 = 1,
  LWCC_UINT8 = 2,
  LWCC_INT8 = 3,
  LWCC_INT32 = 6,
  LWCC_INT64 = 7,
  LWCC_BOOL = 9,
} lwcc_dtype;

typedef struct lwcc_tensor_info {
  const char *name;     /* the ONNX graph input/output name */
  int32_t dtype;        /* lwcc_dtype */
  int32_t rank;
  const int64_t *shape; /* rank entries */
  uint64_t bytes;       /* size of the buffer lwcc_run expects */
} lwcc_tensor_info;

typedef struct lwcc_model_info {
  uint32_t abi_version; /* LWCC_ABI_VERSION */
  uint32_t num_inputs;
  uint32_t num_outputs;
  uint32_t default_threads; /* what a new context uses (lwcc --threads) */
  const char *model_name;
  const char *target;   /* e.g. "x86_64", "aarch64" */
  const lwcc_tensor_info *inputs;
  const lwcc_tensor_info *outputs;
  uint64_t arena_bytes;  /* activation memory one context holds */
  uint64_t weight_bytes; /* constant data in .rodata */
} lwcc_model_info;

typedef struct lwcc_context lwcc_context;

/* Static description of the model; never null. */
const lwcc_model_info *lwcc_get_model_info(void);

/* Allocates a context and its arena. */
lwcc_status lwcc_context_create(lwcc_context **out);
void lwcc_context_destroy(lwcc_context *ctx);

/* Threads the context may use for one run (>= 1). */
lwcc_status lwcc_set_num_threads(lwcc_context *ctx, int32_t threads);

/* Runs the model: inputs[i] holds input_bytes[i] bytes of input i, outputs[j]
 * receives output j. Sizes must match the model info exactly. */
lwcc_status lwcc_run(lwcc_context *ctx, const void *const *inputs,
                     const uint64_t *input_bytes, void *const *outputs,
                     const uint64_t *output_bytes);

/* The message of the context's last failure ("" if none). */
const char *lwcc_context_error(const lwcc_context *ctx);

/* Per-layer profile of a library compiled with `lwcc --profile`: one entry
 * per kernel or loop nest the model runs, named after its ONNX node. */
typedef struct lwcc_profile_entry {
  const char *name;     /* "<ONNX node> <what ran>" */
  const char *kind;     /* "pointwise", "conv-gemm", "depthwise", "copy", ... */
  uint64_t flops;       /* floating-point operations per run (0: not counted) */
  uint64_t nanoseconds; /* summed over the context's runs since the last reset */
  uint64_t calls;
} lwcc_profile_entry;

/* Number of entries; 0 unless the library was compiled with --profile. */
uint32_t lwcc_profile_size(void);
lwcc_status lwcc_profile_get(const lwcc_context *ctx, uint32_t index,
                             lwcc_profile_entry *out);
void lwcc_profile_reset(lwcc_context *ctx);

#ifdef __cplusplus
}
#endif

#endif /* LWCC_RUNTIME_H */
