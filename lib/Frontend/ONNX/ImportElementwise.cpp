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

template <typename OpTy>
static LogicalResult convertBinary(NodeContext &ctx) {
  if (!ctx.hasInput(0) || !ctx.hasInput(1))
    return ctx.fail("expects two inputs");
  return ctx.emitResult<OpTy>(ctx.input(0), ctx.input(1));
}

static LogicalResult convertAdd(NodeContext &ctx) {
  return ctx.emitResult<AddOp>(ctx.input(0), ctx.input(1), Activation::none, nullptr);
}

/// Pow's exponent may have another element type than the base; lwnn.pow
/// takes it as it is.
static LogicalResult convertPow(NodeContext &ctx) {
  RankedTensorType base = ctx.inputType(0), exponent = ctx.inputType(1);
  if (!base || !exponent)
    return ctx.fail("expects two inputs");
  return ctx.emitResult<PowOp>(ctx.input(0), ctx.input(1));
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
  return ctx.emitResult<PReluOp>(ctx.input(0), ctx.input(1));
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
  table.add("Add", 7, kMaxOpset, convertAdd);
  table.add("Sub", 7, kMaxOpset, convertBinary<SubOp>);
  table.add("Mul", 7, kMaxOpset, convertBinary<MulOp>);
  table.add("Div", 7, kMaxOpset, convertBinary<DivOp>);
  table.add("Pow", 7, kMaxOpset, convertPow);
}

} // namespace lwcc::onnx_import
