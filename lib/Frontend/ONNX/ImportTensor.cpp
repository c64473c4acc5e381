//===- ImportTensor.cpp - constants, casts, shapes, gathers ---------------===//
//
// Constant, ConstantOfShape, Shape, Gather, Cast, Identity and Dropout. With
// static shapes, Shape is a constant and the chains exporters build on it
// (Gather, Unsqueeze, Concat, Cast, ...) fold away.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

using namespace mlir;
using namespace lwcc::lwnn;

namespace lwcc::onnx_import {

static LogicalResult convertConstant(NodeContext &ctx) {
  Builder &b = ctx.b;
  if (const onnx::AttributeProto *a = ctx.attr("value")) {
    std::string error;
    auto value = convertTensor(b.getContext(), a->t(), "", error);
    if (failed(value))
      return ctx.fail(error);
    ctx.setOutput(0, ctx.constant(*value));
    return success();
  }
  if (const onnx::AttributeProto *a = ctx.attr("value_float")) {
    ctx.setOutput(0, ctx.constant(DenseElementsAttr::get(
                         RankedTensorType::get({}, b.getF32Type()), a->f())));
    return success();
  }
  if (auto floats = ctx.getFloats("value_floats")) {
    ctx.setOutput(0, ctx.constant(DenseElementsAttr::get(
                         RankedTensorType::get({int64_t(floats->size())}, b.getF32Type()),
                         ArrayRef<float>(*floats))));
    return success();
  }
  if (const onnx::AttributeProto *a = ctx.attr("value_int")) {
    ctx.setOutput(0, ctx.constant(DenseElementsAttr::get(
                         RankedTensorType::get({}, b.getI64Type()), int64_t(a->i()))));
    return success();
  }
  if (auto ints = ctx.getInts("value_ints")) {
    ctx.setOutput(0, ctx.constant(DenseElementsAttr::get(
                         RankedTensorType::get({int64_t(ints->size())}, b.getI64Type()),
                         ArrayRef<int64_t>(*ints))));
    return success();
  }
  return ctx.fail("only tensor, float(s) and int(s) constants are supported");
}

static LogicalResult convertConstantOfShape(NodeContext &ctx) {
  auto shape = ctx.constantInts(0, "input");
  if (failed(shape))
    return failure();
  for (int64_t d : *shape)
    if (d < 0)
      return ctx.emitError() << "negative dimension " << d;
  DenseElementsAttr fill = DenseElementsAttr::get(
      RankedTensorType::get({1}, ctx.b.getF32Type()), 0.0f);
  if (const onnx::AttributeProto *a = ctx.attr("value")) {
    std::string error;
    auto value = convertTensor(ctx.b.getContext(), a->t(), "", error);
    if (failed(value))
      return ctx.fail(error);
    if (value->getNumElements() != 1)
      return ctx.fail("value must hold one element");
    fill = *value;
  }
  auto type = RankedTensorType::get(*shape, fill.getElementType());
  ctx.setOutput(0, ctx.constant(fill.resizeSplat(type)));
  return success();
}

static LogicalResult convertShape(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  int64_t rank = type.getRank();
  int64_t start = ctx.getInt("start", 0), end = ctx.getInt("end", rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  SmallVector<int64_t> dims(type.getShape().slice(start, end - start));
  ctx.setOutput(0, ctx.constant(DenseElementsAttr::get(
                       RankedTensorType::get({int64_t(dims.size())},
                                             ctx.b.getI64Type()),
                       ArrayRef<int64_t>(dims))));
  return success();
}

static LogicalResult convertGather(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0), indices = ctx.inputType(1);
  if (!type || !indices || !llvm::isa<IntegerType>(indices.getElementType()))
    return ctx.fail("expects data and integer indices");
  FailureOr<int64_t> axis = normalizeAxis(ctx, ctx.getInt("axis", 0), type.getRank());
  if (failed(axis))
    return failure();
  // Constant indices are checked here so a bad model fails at import.
  if (DenseElementsAttr idx = ctx.constantInput(1)) {
    int64_t dim = type.getDimSize(*axis);
    for (const APInt &v : idx.getValues<APInt>())
      if (v.getSExtValue() < -dim || v.getSExtValue() >= dim)
        return ctx.emitError() << "index " << v.getSExtValue()
                               << " is out of range for dimension of size " << dim;
  }
  return ctx.emitResult<GatherOp>(ctx.input(0), ctx.input(1), *axis);
}

static LogicalResult convertCast(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  Type elt = convertElementType(ctx.b.getContext(), ctx.getInt("to", 0));
  if (elt && elt.isBF16())
    return ctx.fail("casting to bfloat16 is not supported");
  if (!elt)
    return ctx.emitError() << "unsupported target type " << ctx.getInt("to", 0);
  if (llvm::isa<quant::QuantizedType>(type.getElementType()))
    return ctx.fail("casting quantised tensors is not supported");
  if (type.getElementType() == elt) {
    ctx.setOutput(0, ctx.input(0));
    return success();
  }
  ctx.setOutput(0, CastOp::create(ctx.b, ctx.loc, type.clone(elt), ctx.input(0)));
  return success();
}

static LogicalResult convertIdentity(NodeContext &ctx) {
  if (!ctx.hasInput(0))
    return ctx.fail("expects an input");
  ctx.setOutput(0, ctx.input(0));
  return success();
}

static LogicalResult convertDropout(NodeContext &ctx) {
  if (ctx.opset < 7 && !ctx.getInt("is_test", 0))
    return ctx.fail("training-mode Dropout (is_test = 0) is not supported");
  if (ctx.opset >= 12 && ctx.hasInput(2)) {
    auto training = ctx.constantFloats(2, "training_mode");
    if (failed(training))
      return failure();
    if ((*training)[0] != 0.0) {
      // Training with ratio 0 drops nothing: the identity as in inference.
      auto ratio = ctx.hasInput(1) ? ctx.constantFloats(1, "ratio")
                                   : FailureOr<SmallVector<double>>(SmallVector<double>{0.5});
      if (failed(ratio))
        return failure();
      if ((*ratio)[0] != 0.0)
        return ctx.fail("training-mode Dropout is not supported");
    }
  }
  if (ctx.hasOutput(1)) {
    // Before opset 10 the mask had the data's type and undefined contents.
    if (ctx.opset < 10)
      return ctx.fail("the mask output of Dropout before opset 10 is not supported");
    // In inference every element is kept.
    auto maskType = ctx.inputType(0).clone(ctx.b.getI1Type());
    ctx.setOutput(1, ctx.constant(DenseElementsAttr::get(maskType, true)));
  }
  return convertIdentity(ctx);
}

void addTensorConverters(ConverterTable &table) {
  table.add("Constant", 1, kMaxOpset, convertConstant);
  table.add("ConstantOfShape", 9, kMaxOpset, convertConstantOfShape);
  table.add("Shape", 1, kMaxOpset, convertShape);
  table.add("Gather", 1, kMaxOpset, convertGather);
  table.add("Cast", 6, kMaxOpset, convertCast);
  table.add("Identity", 1, kMaxOpset, convertIdentity);
  table.add("Dropout", 1, kMaxOpset, convertDropout);
}

} // namespace lwcc::onnx_import
