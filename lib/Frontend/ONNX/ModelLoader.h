//===- ModelLoader.h - bytes to onnx::ModelProto ----------------*- C++ -*-===//
//
// The only code that calls libonnx/protobuf APIs that can throw. It catches
// everything and reports a message, so no exception crosses into MLIR code.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_LIB_FRONTEND_ONNX_MODELLOADER_H
#define LWCC_LIB_FRONTEND_ONNX_MODELLOADER_H

#include "onnx/onnx_pb.h"
#include <string>
#include <vector>

namespace lwcc::onnx_import {

/// Parses binary protobuf or ONNX text syntax into `model`. Returns an error
/// message, empty on success.
std::string parseModel(const char *data, size_t size, bool isText,
                       onnx::ModelProto &model);

/// Parses a binary TensorProto (the .pb files ONNX test data ships). Returns
/// an error message, empty on success.
std::string parseTensor(const char *data, size_t size, onnx::TensorProto &tensor);

/// Reads the external data of `tensor` into `bytes`. The location must be a
/// relative path that resolves inside `modelDir` (no absolute paths, no `..`
/// escapes, no symlinks out). Returns an error message, empty on success.
std::string readExternalData(const onnx::TensorProto &tensor,
                             const std::string &modelDir,
                             std::vector<char> &bytes);

} // namespace lwcc::onnx_import

#endif // LWCC_LIB_FRONTEND_ONNX_MODELLOADER_H
