//===- ConstantFolding.h - evaluate lwnn ops on constants -------*- C++ -*-===//
//
// Folders for the arithmetic and data movement that exporters emit around
// shapes (Shape -> Gather -> Unsqueeze -> Concat -> Reshape chains) and around
// weights. Values are unpacked to int64 or double: these tensors are small or
// folded once at compile time, so clarity beats speed here.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_DIALECT_LWNN_LIB_IR_CONSTANTFOLDING_H
#define LWCC_DIALECT_LWNN_LIB_IR_CONSTANTFOLDING_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include <optional>
#include <vector>

namespace lwcc::lwnn::detail {

/// A constant tensor unpacked for folding: `ints` for integer and boolean
/// element types, `floats` for floating point.
struct UnpackedTensor {
  mlir::RankedTensorType type;
  bool isFloat = false;
  std::vector<int64_t> ints;
  std::vector<double> floats;

  int64_t size() const { return isFloat ? floats.size() : ints.size(); }
  double asDouble(int64_t i) const { return isFloat ? floats[i] : ints[i]; }
};

/// Unpacks a dense int or float constant; nullopt for anything else
/// (quantised, resource blobs, too large to be worth folding).
std::optional<UnpackedTensor> unpack(mlir::Attribute attr);

/// Packs values into a DenseElementsAttr of `type`, converting between int
/// and float as needed (float to int truncates toward zero, as ONNX Cast).
mlir::DenseElementsAttr pack(const UnpackedTensor &values,
                             mlir::RankedTensorType type);

/// Index into `operandShape` of the element that numpy broadcasting reads
/// for result element `linear` of `resultShape`.
int64_t broadcastSourceIndex(llvm::ArrayRef<int64_t> resultShape,
                             llvm::ArrayRef<int64_t> operandShape,
                             int64_t linear);

/// Folds a broadcasting binary op. `intFn` returns nullopt where the result
/// is undefined (division by zero), which aborts the fold.
mlir::DenseElementsAttr
foldBinary(mlir::Attribute lhs, mlir::Attribute rhs,
           mlir::RankedTensorType resultType,
           llvm::function_ref<double(double, double)> floatFn,
           llvm::function_ref<std::optional<int64_t>(int64_t, int64_t)> intFn);

/// Folds an elementwise float op.
mlir::DenseElementsAttr foldUnaryFloat(mlir::Attribute operand,
                                       llvm::function_ref<double(double)> fn);

/// Gathers result element i from source element `sourceIndex(i)`: the shared
/// core of slice, transpose, gather, broadcast and concat folding.
mlir::DenseElementsAttr
foldGatherElements(const UnpackedTensor &source,
                   mlir::RankedTensorType resultType,
                   llvm::function_ref<int64_t(int64_t)> sourceIndex);

/// Row-major multi-index of `linear` in `shape`.
llvm::SmallVector<int64_t> delinearize(int64_t linear,
                                       llvm::ArrayRef<int64_t> shape);

/// Row-major linear index of `index` in `shape`.
int64_t linearize(llvm::ArrayRef<int64_t> index, llvm::ArrayRef<int64_t> shape);

} // namespace lwcc::lwnn::detail

#endif // LWCC_DIALECT_LWNN_LIB_IR_CONSTANTFOLDING_H
