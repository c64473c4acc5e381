//===- ONNXImporter.h - ONNX models into the lwnn dialect -------*- C++ -*-===//
//
// Entry points that turn an ONNX ModelProto (binary `.onnx` or ONNX text
// syntax `.onnxtxt`) into a module with one `func.func` of lwnn ops.
// Diagnostics go to the MLIRContext's handler and name the ONNX node.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_FRONTEND_ONNXIMPORTER_H
#define LWCC_FRONTEND_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/SmallVector.h"
#include <string>

namespace lwcc {

struct ONNXImportOptions {
  /// Shapes that replace the declared ones of named graph inputs (fixes
  /// symbolic dimensions such as a dynamic batch).
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// Folder that external-data paths are resolved in and must stay inside.
  /// Empty: external data is rejected.
  std::string modelDir;
  /// Name of the generated function.
  std::string functionName = "main";
  /// Graph inputs replaced by constants read from ONNX TensorProto (.pb)
  /// files: run-time parameters (shapes, scales, axes) frozen at compile time.
  llvm::StringMap<std::string> frozenInputs;
  /// Recognise exporter idioms (channel shuffle, hard-swish, SE, ...) after
  /// import.
  bool raiseIdioms = true;
};

/// Parses `--input-shape` values of the form `name:1,3,224,224`.
/// Returns an error message, or the empty string on success.
std::string parseInputShape(llvm::StringRef spec, ONNXImportOptions &options);

/// Parses `name=file.pb` into `options.frozenInputs`; returns an error
/// message, empty on success.
std::string parseFrozenInput(llvm::StringRef spec, ONNXImportOptions &options);

/// Imports a model held in memory; `isText` selects ONNX text syntax.
/// Returns null after emitting diagnostics when the model cannot be imported.
mlir::OwningOpRef<mlir::ModuleOp> importONNX(mlir::MLIRContext &context,
                                             llvm::StringRef bytes, bool isText,
                                             llvm::StringRef sourceName,
                                             const ONNXImportOptions &options);

/// Imports a model file: `.onnxtxt` is read as text syntax, anything else as
/// binary protobuf. Sets `modelDir` from the path when the options leave it
/// empty.
mlir::OwningOpRef<mlir::ModuleOp> importONNXFile(mlir::MLIRContext &context,
                                                 llvm::StringRef path,
                                                 ONNXImportOptions options);

/// Registers every dialect the importer creates ops of.
void registerONNXImportDialects(mlir::DialectRegistry &registry);

} // namespace lwcc

#endif // LWCC_FRONTEND_ONNXIMPORTER_H
