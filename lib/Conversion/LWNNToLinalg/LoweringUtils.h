//===- LoweringUtils.h - helpers shared by the lwnn lowerings ---*- C++ -*-===//
//
// Builders the per-family lowerings share: element-wise linalg.generic with
// numpy broadcasting, scalar activations (also used for fused epilogues),
// constants and reshapes.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_LIB_CONVERSION_LWNNTOLINALG_LOWERINGUTILS_H
#define LWCC_LIB_CONVERSION_LWNNTOLINALG_LOWERINGUTILS_H

#include "lwcc/Dialect/LWNN/IR/LWNNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace lwcc::lowering {

/// Discardable attributes MakeSignless leaves on lwnn ops whose integers
/// were unsigned (for casts: the result; the source has its own).
inline constexpr llvm::StringLiteral kUnsignedAttr = "lwnn.unsigned";
inline constexpr llvm::StringLiteral kUnsignedSourceAttr = "lwnn.unsigned_source";

/// Whether `op` computes on unsigned integers.
inline bool isUnsigned(mlir::Operation *op) { return op->hasAttr(kUnsignedAttr); }

/// The smallest value of int or float type `type` (-inf for floats), the
/// identity of max.
mlir::Value lowestScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                         bool isUnsigned);

/// max(a, b) for float, signed or unsigned integer scalars.
mlir::Value maxScalar(mlir::OpBuilder &b, mlir::Location loc, mlir::Value a,
                      mlir::Value c, bool isUnsigned);

using ScalarBodyFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// `tensor.empty` of `type`.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType type);

/// A tensor of `type` filled with `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::RankedTensorType type, mlir::Value value);

/// Scalar constant `value` of float or integer type `type`.
mlir::Value scalarConstant(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Type type, double value);

/// The indexing map reading `operand` (numpy-broadcast, right-aligned) at
/// the iteration point of a loop nest over `resultShape`.
mlir::AffineMap broadcastMap(mlir::MLIRContext *ctx,
                             llvm::ArrayRef<int64_t> operandShape,
                             llvm::ArrayRef<int64_t> resultShape);

/// A parallel linalg.generic producing `type` from `inputs`, which broadcast
/// numpy-style to it; `body` gets one scalar per input and returns the
/// result scalar.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType type,
                             mlir::ValueRange inputs, ScalarBodyFn body);

/// Like buildElementwise with explicit indexing maps for the inputs.
mlir::Value buildElementwiseWithMaps(mlir::OpBuilder &b, mlir::Location loc,
                                     mlir::RankedTensorType type,
                                     mlir::ValueRange inputs,
                                     llvm::ArrayRef<mlir::AffineMap> inputMaps,
                                     ScalarBodyFn body);

/// The map of a per-channel vector (length C) read at NC... iteration points.
mlir::AffineMap channelMap(mlir::MLIRContext *ctx, int64_t rank);

/// Scalar activation `act` of `x` with its `params` (see lwnn.act).
mlir::Value buildActivation(mlir::OpBuilder &b, mlir::Location loc,
                            lwnn::Activation act, llvm::ArrayRef<float> params,
                            mlir::Value x);

/// Applies a fused activation to a whole tensor (a no-op for `none`).
mlir::Value applyActivation(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value tensor, lwnn::Activation act,
                            std::optional<llvm::ArrayRef<float>> params);

/// Reshapes `value` to `type` (same element count) with collapse/expand.
mlir::Value reshapeTensor(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value, mlir::RankedTensorType type);

/// Pads the two trailing (spatial) dims of an NCHW tensor with `value`;
/// `pads` is [top, left, bottom, right]. Returns `input` when all are zero.
mlir::Value padSpatial(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value input, llvm::ArrayRef<int64_t> pads,
                       mlir::Value value);

} // namespace lwcc::lowering

#endif // LWCC_LIB_CONVERSION_LWNNTOLINALG_LOWERINGUTILS_H
