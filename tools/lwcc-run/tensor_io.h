/*===- tensor_io.h - .npy and ONNX TensorProto files for lwcc-run -*- C -*-===*
 *
 * Reading inputs and references (.npy, or ONNX TensorProto .pb as the ONNX
 * backend tests ship them) and writing outputs as .npy. Plain C and libc so
 * lwcc-run cross-builds for every target lwcc supports.
 *
 *===----------------------------------------------------------------------===*/

#ifndef LWCC_RUN_TENSOR_IO_H
#define LWCC_RUN_TENSOR_IO_H

#include <stddef.h>
#include <stdint.h>

enum { kMaxRank = 8 };

typedef struct tensor {
  int32_t dtype; /* ONNX TensorProto.DataType code */
  int32_t rank;
  int64_t shape[kMaxRank];
  uint64_t bytes;
  void *data;
} tensor;

/* Bytes per element of an ONNX data type, 0 if unsupported. */
size_t dtype_size(int32_t dtype);
const char *dtype_name(int32_t dtype);

/* Loads `path` (.npy or .pb by extension). On failure returns 0 and writes a
 * message into `error`. */
int tensor_load(const char *path, tensor *out, char *error, size_t error_size);

/* Writes `t` as a .npy file. */
int tensor_save_npy(const char *path, const tensor *t, char *error, size_t error_size);

void tensor_free(tensor *t);

#endif /* LWCC_RUN_TENSOR_IO_H */
