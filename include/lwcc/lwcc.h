/*===- lwcc.h - the lwcc compiler's C API -------------------------*- C -*-===*
 *
 * Compile an ONNX model (file or memory) into a shared library, LLVM IR,
 * assembly, an object or the lwnn MLIR, from C. Diagnostics are returned in
 * the result, never printed. The C form of lwcc/Compiler.h; link liblwcc.
 *
 * Not to be confused with lwcc/runtime.h, the ABI of the libraries lwcc
 * generates.
 *
 *===----------------------------------------------------------------------===*/

#ifndef LWCC_LWCC_H
#define LWCC_LWCC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum lwcc_emit {
  LWCC_EMIT_SHARED_LIBRARY = 0,
  LWCC_EMIT_OBJECT = 1,
  LWCC_EMIT_ASSEMBLY = 2,
  LWCC_EMIT_LLVM = 3,
  LWCC_EMIT_MLIR = 4,
} lwcc_emit;

typedef struct lwcc_compile_options {
  const char *target;       /* "host" (NULL), "x86_64" or "aarch64" */
  const char *cpu;          /* NULL: the target's default */
  int opt_level;            /* 0..3 */
  lwcc_emit emit;
  unsigned default_threads; /* 0 or 1: one thread */
  /* Shapes for inputs with symbolic dims, as "name:d0,d1,..."; NULL-ended. */
  const char *const *input_shapes;
  const char *model_name;   /* NULL: the file's stem */
} lwcc_compile_options;

typedef struct lwcc_compile_result lwcc_compile_result;

/* Options with the defaults lwcc uses (host, -O3, shared library). */
void lwcc_compile_options_init(lwcc_compile_options *options);

/* Never returns NULL; check lwcc_result_ok. */
lwcc_compile_result *lwcc_compile_file(const char *path, const lwcc_compile_options *options);
/* `is_text`: ONNX text syntax rather than a binary ModelProto. External data
 * is resolved in `model_dir` (NULL: rejected). */
lwcc_compile_result *lwcc_compile_buffer(const void *data, size_t size, int is_text,
                                         const char *source_name, const char *model_dir,
                                         const lwcc_compile_options *options);

int lwcc_result_ok(const lwcc_compile_result *result);
/* All diagnostics, one per line ("error: node 'conv1': ..."); "" if none. */
const char *lwcc_result_diagnostics(const lwcc_compile_result *result);
/* The artifact's bytes (the .so, object, or text). */
const void *lwcc_result_data(const lwcc_compile_result *result, size_t *size);
/* The per-model header (shared libraries only; "" otherwise). */
const char *lwcc_result_header(const lwcc_compile_result *result);
/* Writes the artifact to `path` (and, for a library, its header beside it)
 * atomically. Returns 0 on success, or -1 with the message appended to the
 * diagnostics. */
int lwcc_result_write(lwcc_compile_result *result, const char *path);
void lwcc_result_free(lwcc_compile_result *result);

#ifdef __cplusplus
}
#endif

#endif /* LWCC_LWCC_H */
