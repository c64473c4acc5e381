//===- ImportConv.cpp - Conv, ConvTranspose, Gemm, MatMul, BatchNorm ------===//
//
// Converters for the ops that carry weights. Conv always imports as
// lwnn.conv2d; the raise-idioms pass specialises depthwise and pointwise.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

using namespace mlir;
using namespace lwcc::lwnn;

namespace lwcc::onnx_import {

FailureOr<Window2D> readWindow2D(NodeContext &ctx, RankedTensorType input,
                                        ArrayRef<int64_t> weightKernel) {
  if (!input || input.getRank() != 4)
    return ctx.emitError() << "only 1-D and 2-D (NCW, NCHW) windows are supported, input is "
                           << input;
  Window2D w;
  w.kernel = ctx.getInts("kernel_shape").value_or(SmallVector<int64_t>(weightKernel));
  w.strides = ctx.getInts("strides").value_or(SmallVector<int64_t>{1, 1});
  w.dilations = ctx.getInts("dilations").value_or(SmallVector<int64_t>{1, 1});
  w.pads = ctx.getInts("pads").value_or(SmallVector<int64_t>{0, 0, 0, 0});
  if (w.kernel.size() != 2 || w.strides.size() != 2 || w.dilations.size() != 2 ||
      w.pads.size() != 4)
    return ctx.emitError() << "expects 2-D kernel_shape, strides, dilations and 4 pads";
  if (!weightKernel.empty() && ArrayRef<int64_t>(w.kernel) != weightKernel)
    return ctx.emitError() << "kernel_shape does not match the weight";
  std::string autoPad = ctx.getString("auto_pad", "NOTSET");
  if (autoPad == "NOTSET")
    return w;
  if (autoPad == "VALID") {
    w.pads = {0, 0, 0, 0};
    return w;
  }
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return ctx.emitError() << "unsupported auto_pad value '" << autoPad << "'";
  for (int d = 0; d < 2; ++d) {
    int64_t in = input.getDimSize(2 + d), s = w.strides[d];
    if (s <= 0)
      return ctx.emitError() << "strides must be positive";
    int64_t out = (in + s - 1) / s;
    int64_t total = std::max<int64_t>(
        0, (out - 1) * s + (w.kernel[d] - 1) * w.dilations[d] + 1 - in);
    int64_t small = total / 2, large = total - small;
    w.pads[d] = autoPad == "SAME_UPPER" ? small : large;
    w.pads[d + 2] = autoPad == "SAME_UPPER" ? large : small;
  }
  return w;
}

static LogicalResult convertConv(NodeContext &ctx) {
  RankedTensorType input = ctx.inputType(0), weight = ctx.inputType(1);
  if (!weight || weight.getRank() != 4)
    return ctx.fail("only 1-D and 2-D convolutions (3-D or 4-D weights) are supported");
  FailureOr<Window2D> w = readWindow2D(ctx, input, weight.getShape().drop_front(2));
  if (failed(w))
    return failure();
  return ctx.emitResult<Conv2DOp>(
      ctx.input(0), ctx.input(1), ctx.input(2), w->strides, w->pads,
      w->dilations, ctx.getInt("group", 1), Activation::none, nullptr);
}

static LogicalResult convertConvTranspose(NodeContext &ctx) {
  RankedTensorType input = ctx.inputType(0), weight = ctx.inputType(1);
  if (!weight || weight.getRank() != 4)
    return ctx.fail("only 1-D and 2-D transposed convolutions are supported");
  std::string autoPad = ctx.getString("auto_pad", "NOTSET");
  // SAME pads of ConvTranspose depend on the output size, so they are
  // recomputed below rather than taken from readWindow2D's Conv rule.
  FailureOr<Window2D> window =
      readWindow2D(ctx, input, weight.getShape().drop_front(2));
  if (failed(window))
    return failure();
  Window2D w = *window;
  SmallVector<int64_t> outputPadding =
      ctx.getInts("output_padding").value_or(SmallVector<int64_t>{0, 0});
  if (outputPadding.size() != 2)
    return ctx.fail("expects 2 output_padding values");
  std::optional<SmallVector<int64_t>> outputShape = ctx.getInts("output_shape");
  if (outputShape || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int d = 0; d < 2; ++d) {
      int64_t in = input.getDimSize(2 + d), s = w.strides[d];
      int64_t target = outputShape ? (*outputShape)[outputShape->size() - 2 + d]
                                   : in * s;
      int64_t total = s * (in - 1) + outputPadding[d] +
                      (w.kernel[d] - 1) * w.dilations[d] + 1 - target;
      // ONNX splits with floor division, so a negative total (a larger
      // output than the convolution covers) extends the end.
      int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
      bool upper = autoPad == "SAME_UPPER";
      w.pads[d] = upper ? half : total - half;
      w.pads[d + 2] = upper ? total - half : half;
      // A negative pad grows the output: the same as output padding.
      for (int64_t index : {d, d + 2}) {
        if (w.pads[index] >= 0)
          continue;
        if (index == d)
          return ctx.fail("output_shape would need padding before the first row");
        outputPadding[d] += -w.pads[index];
        w.pads[index] = 0;
      }
    }
  }
  return ctx.emitResult<ConvTranspose2DOp>(
      ctx.input(0), ctx.input(1), ctx.input(2), w.strides, w.pads, w.dilations,
      outputPadding, ctx.getInt("group", 1), Activation::none, nullptr);
}

/// Gemm: Y = alpha * A' x B' + beta * C, imported as lwnn.dense with the
/// weight stored [N, K] (what the kernels want); constant transposes and
/// scalings fold at import.
static LogicalResult convertGemm(NodeContext &ctx) {
  RankedTensorType a = ctx.inputType(0), b = ctx.inputType(1);
  if (!a || !b || a.getRank() != 2 || b.getRank() != 2)
    return ctx.fail("Gemm needs 2-D A and B");
  Value lhs = ctx.input(0), weight = ctx.input(1);
  int64_t perm[2] = {1, 0};
  if (ctx.getInt("transA", 0)) {
    auto t = ctx.buildInferred<TransposeOp>(lhs, perm);
    if (failed(t))
      return failure();
    lhs = *t;
  }
  if (!ctx.getInt("transB", 0)) {
    auto t = ctx.buildInferred<TransposeOp>(weight, perm);
    if (failed(t))
      return failure();
    weight = *t;
  }
  float alpha = ctx.getFloat("alpha", 1.0f), beta = ctx.getFloat("beta", 1.0f);
  auto weightType = llvm::cast<RankedTensorType>(weight.getType());
  if (alpha != 1.0f) {
    auto scaled = ctx.buildInferred<MulOp>(weight, ctx.splat(RankedTensorType::get({}, weightType.getElementType()), alpha));
    if (failed(scaled))
      return failure();
    weight = *scaled;
  }
  int64_t n = weightType.getDimSize(0);
  Value bias, addend;
  if (ctx.hasInput(2) && beta != 0.0f) {
    Value c = ctx.input(2);
    auto cType = ctx.inputType(2);
    if (beta != 1.0f) {
      auto scaled = ctx.buildInferred<MulOp>(c, ctx.splat(RankedTensorType::get({}, cType.getElementType()), beta));
      if (failed(scaled))
        return failure();
      c = *scaled;
    }
    if (cType.getNumElements() == n && (cType.getRank() == 1 || cType.getDimSize(0) == 1))
      bias = reshapeTo(ctx, c, {n});
    else
      addend = c;
  }
  auto dense = ctx.buildInferred<DenseOp>(lhs, weight, bias, Activation::none, nullptr);
  if (failed(dense))
    return failure();
  Value result = *dense;
  if (addend) {
    auto sum = ctx.buildInferred<AddOp>(result, addend, Activation::none, nullptr);
    if (failed(sum))
      return failure();
    result = *sum;
  }
  ctx.setOutput(0, result);
  return success();
}

static LogicalResult convertMatMul(NodeContext &ctx) {
  return ctx.emitResult<MatMulOp>(ctx.input(0), ctx.input(1));
}

static LogicalResult convertBatchNorm(NodeContext &ctx) {
  // Before opset 7, inference was `is_test = 1` (default 0: training) and
  // `spatial = 0` normalised per activation rather than per channel.
  if (ctx.opset < 7 && !ctx.getInt("is_test", 0))
    return ctx.fail("training-mode BatchNormalization (is_test = 0) is not supported");
  if (ctx.opset < 9 && !ctx.getInt("spatial", 1))
    return ctx.fail("per-activation BatchNormalization (spatial = 0) is not supported");
  for (size_t i = 1; i < ctx.numOutputs(); ++i)
    if (ctx.hasOutput(i))
      return ctx.fail("training-mode outputs (running mean/var) are not supported");
  if (ctx.numInputs() != 5)
    return ctx.fail("expects 5 inputs (X, scale, B, mean, var)");
  return ctx.emitResult<BatchNormOp>(ctx.input(0), ctx.input(1), ctx.input(2),
                                    ctx.input(3), ctx.input(4),
                                    ctx.b.getF32FloatAttr(ctx.getFloat("epsilon", 1e-5f)));
}

void addConvConverters(ConverterTable &table) {
  table.add("Conv", 1, kMaxOpset, convertWindowed<convertConv>);
  table.add("ConvTranspose", 1, kMaxOpset, convertWindowed<convertConvTranspose>);
  table.add("Gemm", 1, kMaxOpset, convertGemm);
  table.add("MatMul", 1, kMaxOpset, convertMatMul);
  table.add("BatchNormalization", 1, kMaxOpset, convertBatchNorm);
}

} // namespace lwcc::onnx_import
