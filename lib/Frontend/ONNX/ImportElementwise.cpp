//===- ImportElementwise.cpp - activations and arithmetic -----------------===//
//
// Converters for activations (including Clip's attribute form before opset
// 11 and input form after) and broadcasting arithmetic.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

#include <limits>

using namespace mlir;
using namespace lwcc::lwnn;

namespace lwcc::onnx_import {

template <typename OpTy>
static LogicalResult convertUnary(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  if (!type || !llvm::isa<FloatType>(type.getElementType()))
    return ctx.emitError() << "expects a float tensor, got " << ctx.input(0).getType();
  ctx.setOutput(0, OpTy::create(ctx.b, ctx.loc, ctx.input(0)));
  return success();
}

/// The right operand of a binary op. Before opset 7, ONNX broadcast only
/// with `broadcast = 1`, aligning B's dims with A's from `axis` (suffix
/// alignment when absent); B is reshaped so numpy rules say the same.
static FailureOr<Value> binaryRhs(NodeContext &ctx) {
  Value rhs = ctx.input(1);
  if (ctx.opset >= 7)
    return rhs;
  RankedTensorType a = ctx.inputType(0), b = ctx.inputType(1);
  if (!ctx.getInt("broadcast", 0)) {
    if (a.getShape() != b.getShape())
      return ctx.emitError() << "operands " << a << " and " << b
                             << " differ in shape and 'broadcast' is not set";
    return rhs;
  }
  if (!ctx.attr("axis"))
    return rhs;
  int64_t axis = ctx.getInt("axis", 0);
  if (axis < 0)
    axis += a.getRank();
  if (axis < 0 || axis + b.getRank() > a.getRank())
    return ctx.emitError() << "broadcast axis " << ctx.getInt("axis", 0) << " does not fit "
                           << b << " into " << a;
  SmallVector<int64_t> shape(b.getShape());
  shape.append(a.getRank() - axis - b.getRank(), 1);
  return reshapeTo(ctx, rhs, shape);
}

/// add/sub/mul/div/pow. Pow's exponent may have another element type than
/// the base; lwnn.pow takes it as it is. Add carries a (none) activation.
template <typename OpTy>
static LogicalResult convertBinary(NodeContext &ctx) {
  if (!ctx.hasInput(0) || !ctx.hasInput(1))
    return ctx.fail("expects two inputs");
  FailureOr<Value> rhs = binaryRhs(ctx);
  if (failed(rhs))
    return failure();
  if constexpr (std::is_same_v<OpTy, AddOp>)
    return ctx.emitResult<AddOp>(ctx.input(0), *rhs, Activation::none, nullptr);
  else
    return ctx.emitResult<OpTy>(ctx.input(0), *rhs);
}

static LogicalResult convertClip(NodeContext &ctx) {
  float lo = std::numeric_limits<float>::lowest();
  float hi = std::numeric_limits<float>::max();
  if (ctx.opset < 11) {
    lo = ctx.getFloat("min", lo);
    hi = ctx.getFloat("max", hi);
  } else {
    for (size_t i : {1, 2}) {
      if (!ctx.hasInput(i))
        continue;
      auto bound = ctx.constantFloats(i, i == 1 ? "min" : "max");
      if (failed(bound))
        return failure();
      if (bound->size() != 1)
        return ctx.fail("Clip bounds must be scalars");
      (i == 1 ? lo : hi) = float((*bound)[0]);
    }
  }
  if (lo > hi)
    return ctx.emitError() << "min (" << lo << ") exceeds max (" << hi << ")";
  RankedTensorType type = ctx.inputType(0);
  if (!type)
    return ctx.fail("expects an input");
  if (!llvm::isa<FloatType>(type.getElementType()))
    for (float bound : {lo, hi})
      if (std::abs(bound) < 16777216.0f && bound != std::trunc(bound))
        return ctx.emitError() << "Clip bound " << bound << " on an integer tensor is not an integer";
      else if (std::abs(bound) >= 16777216.0f && std::abs(bound) < std::numeric_limits<float>::max())
        return ctx.emitError() << "Clip bound " << bound
                               << " on an integer tensor is beyond what lwcc represents exactly (2^24)";
  ctx.setOutput(0, ClipOp::create(ctx.b, ctx.loc, ctx.input(0),
                                  ctx.b.getF32FloatAttr(lo),
                                  ctx.b.getF32FloatAttr(hi)));
  return success();
}

static LogicalResult convertHardSigmoid(NodeContext &ctx) {
  ctx.setOutput(0, HardSigmoidOp::create(
                       ctx.b, ctx.loc, ctx.input(0),
                       ctx.b.getF32FloatAttr(ctx.getFloat("alpha", 0.2f)),
                       ctx.b.getF32FloatAttr(ctx.getFloat("beta", 0.5f))));
  return success();
}

static LogicalResult convertLeakyRelu(NodeContext &ctx) {
  ctx.setOutput(0, LeakyReluOp::create(
                       ctx.b, ctx.loc, ctx.input(0),
                       ctx.b.getF32FloatAttr(ctx.getFloat("alpha", 0.01f))));
  return success();
}

static LogicalResult convertPRelu(NodeContext &ctx) {
  RankedTensorType input = ctx.inputType(0), slope = ctx.inputType(1);
  if (!input || !slope)
    return ctx.fail("expects two inputs");
  // Before opset 7 a [C] slope ran along the channel axis.
  Value slopeValue = ctx.input(1);
  if (ctx.opset < 7 && slope.getRank() == 1 && input.getRank() > 2 &&
      slope.getDimSize(0) == input.getDimSize(1) && slope.getDimSize(0) != 1) {
    SmallVector<int64_t> shape(input.getRank() - 1, 1);
    shape[0] = slope.getDimSize(0);
    slopeValue = reshapeTo(ctx, slopeValue, shape);
  }
  return ctx.emitResult<PReluOp>(ctx.input(0), slopeValue);
}

void addElementwiseConverters(ConverterTable &table) {
  table.add("Relu", 1, kMaxOpset, convertUnary<ReluOp>);
  table.add("Sigmoid", 1, kMaxOpset, convertUnary<SigmoidOp>);
  table.add("Tanh", 1, kMaxOpset, convertUnary<TanhOp>);
  table.add("Sqrt", 1, kMaxOpset, convertUnary<SqrtOp>);
  table.add("Neg", 1, kMaxOpset, convertUnary<NegOp>);
  table.add("HardSwish", 14, kMaxOpset, convertUnary<HardSwishOp>);
  table.add("Clip", 1, kMaxOpset, convertClip);
  table.add("HardSigmoid", 1, kMaxOpset, convertHardSigmoid);
  table.add("LeakyRelu", 1, kMaxOpset, convertLeakyRelu);
  table.add("PRelu", 1, kMaxOpset, convertPRelu);
  table.add("Add", 1, kMaxOpset, convertBinary<AddOp>);
  table.add("Sub", 1, kMaxOpset, convertBinary<SubOp>);
  table.add("Mul", 1, kMaxOpset, convertBinary<MulOp>);
  table.add("Div", 1, kMaxOpset, convertBinary<DivOp>);
  table.add("Pow", 1, kMaxOpset, convertBinary<PowOp>);
}

} // namespace lwcc::onnx_import
