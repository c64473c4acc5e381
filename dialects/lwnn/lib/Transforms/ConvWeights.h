//===- ConvWeights.h - convolutions as constant arrays ----------*- C++ -*-===//
//
// The graph passes that rewrite weights (batch-norm folding, branch
// re-parameterisation) read a convolution, or a per-channel affine map such
// as an inference batch norm or the identity, as one linear map with plain
// float arrays, combine those, and write the result back as one lwnn op.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_DIALECT_LWNN_TRANSFORMS_CONVWEIGHTS_H
#define LWCC_DIALECT_LWNN_TRANSFORMS_CONVWEIGHTS_H

#include "lwcc/Dialect/LWNN/IR/LWNNDialect.h"

#include "mlir/IR/PatternMatch.h"

#include <optional>
#include <vector>

namespace lwcc::lwnn {

/// y = conv(input, filter, stride, pads) + bias with constant weights and no
/// activation, or (groups == 0) y[c] = diagonal[c] * input[c] + bias[c].
struct LinearConv {
  mlir::Value input;
  int64_t outChannels = 0;
  /// 0 for a per-channel (diagonal) map, which fits any grouping.
  int64_t groups = 0;
  int64_t kh = 1, kw = 1;
  /// Stride and padding (top, left, bottom, right) of the window.
  int64_t strides[2] = {1, 1};
  int64_t pads[4] = {0, 0, 0, 0};
  /// [O, C/groups, KH, KW] row-major (empty when diagonal).
  std::vector<float> filter;
  std::vector<float> diagonal;
  std::vector<float> bias;

  int64_t inChannels() const;
};

/// Reads `value`'s producer as a LinearConv: a conv2d / depthwise /
/// pointwise with constant f32 weights, dilation 1 and no activation, or an
/// inference batch_norm with constant parameters.
std::optional<LinearConv> readLinearConv(mlir::Value value);

/// The identity on `input` as a diagonal LinearConv.
LinearConv identityConv(mlir::Value input);

/// out[o] = scale[o] * in[o] + shift[o], applied after `conv`.
void scaleOutputs(LinearConv &conv, llvm::ArrayRef<float> scale, llvm::ArrayRef<float> shift);

/// The LinearConv computing a(x) + b(x), or nullopt when the two windows do
/// not line up (different inputs, strides or groups, or windows that one
/// zero-extended kernel cannot cover).
std::optional<LinearConv> addLinearConvs(const LinearConv &a, const LinearConv &b);

/// Builds `conv` as the most specific lwnn op (depthwise, pointwise or
/// conv2d). Returns null if the op's inferred type is not `type`.
mlir::Value buildLinearConv(mlir::PatternRewriter &rewriter, mlir::Location loc,
                            const LinearConv &conv, mlir::RankedTensorType type);

} // namespace lwcc::lwnn

#endif // LWCC_DIALECT_LWNN_TRANSFORMS_CONVWEIGHTS_H
