//===- LWNNOpUtils.h - helpers shared by the op families --------*- C++ -*-===//
//
// Shape arithmetic and checks that several op families need: window output
// sizes, broadcasting, fused-activation parameters, quantised accumulators.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_DIALECT_LWNN_LIB_IR_LWNNOPUTILS_H
#define LWCC_DIALECT_LWNN_LIB_IR_LWNNOPUTILS_H

#include "lwcc/Dialect/LWNN/IR/LWNNDialect.h"

namespace lwcc::lwnn::detail {

/// Output length of a sliding window (convolution or pool) along one axis;
/// zero or negative when the window does not fit.
int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                         int64_t padBegin, int64_t padEnd, int64_t dilation,
                         bool ceilMode);

/// Checks the attribute arrays of a 2-D window op: two positive strides and
/// dilations, four non-negative pads. Emits at `loc` when given.
mlir::LogicalResult verifyWindow2D(std::optional<mlir::Location> loc,
                                   llvm::ArrayRef<int64_t> strides,
                                   llvm::ArrayRef<int64_t> pads,
                                   llvm::ArrayRef<int64_t> dilations);

/// The ranked type of `v`, or failure with a diagnostic naming `what`.
mlir::FailureOr<mlir::RankedTensorType>
getRankedType(std::optional<mlir::Location> loc, mlir::Type type,
              llvm::StringRef what, int64_t expectedRank = -1);

/// Element type of a conv/dense result: the input's for floats, an i32
/// accumulator scaled by input scale x weight scale for quantised inputs.
mlir::FailureOr<mlir::Type>
getAccumulatorElementType(std::optional<mlir::Location> loc, mlir::Type input,
                          mlir::Type weight, int64_t channelAxis);

/// Verifies `act_params` holds what `act` needs, and bias/weight element
/// types agree with the input's.
mlir::LogicalResult verifyFusedActivation(mlir::Operation *op, Activation act,
                                          std::optional<llvm::ArrayRef<float>> params);

/// Verifies a conv-like op's operands: element kinds agree (all float of one
/// type, or quantised input and weight with an i32 bias) and the bias has
/// one value per output channel.
mlir::LogicalResult verifyWeightAndBias(mlir::Operation *op, mlir::Value input,
                                        mlir::Value weight, mlir::Value bias,
                                        int64_t outChannels);

} // namespace lwcc::lwnn::detail

#endif // LWCC_DIALECT_LWNN_LIB_IR_LWNNOPUTILS_H
