//===- Lift1D.cpp - 1-D convolutions and pools as 2-D ones ----------------===//
//
// lwnn's windowed ops are 2-D. A 1-D Conv, ConvTranspose, MaxPool or
// AveragePool over [N, C, L] is the 2-D op over [N, C, 1, L] with a 1 x K
// window: the node's attributes gain a leading unit (pads a zero pair), its
// data and weights a unit height, and its outputs lose it again.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

using namespace mlir;

namespace lwcc::onnx_import {

/// `node` with every window attribute lifted to 2-D.
static onnx::NodeProto liftAttributes(const onnx::NodeProto &node) {
  onnx::NodeProto lifted = node;
  for (onnx::AttributeProto &attr : *lifted.mutable_attribute()) {
    llvm::StringRef name = attr.name();
    SmallVector<int64_t> values(attr.ints().begin(), attr.ints().end());
    SmallVector<int64_t> out;
    if (name == "pads" && values.size() == 2)
      out = {0, values[0], 0, values[1]};
    else if ((name == "kernel_shape" || name == "strides" || name == "dilations" ||
              name == "output_padding" || name == "output_shape") &&
             values.size() == 1)
      out = {name == "output_padding" ? 0 : 1, values[0]};
    else
      continue;
    attr.clear_ints();
    for (int64_t v : out)
      attr.add_ints(v);
  }
  return lifted;
}

static Value addUnitHeight(NodeContext &ctx, Value v) {
  auto type = llvm::cast<RankedTensorType>(v.getType());
  ArrayRef<int64_t> s = type.getShape();
  return reshapeTo(ctx, v, {s[0], s[1], 1, s[2]});
}

LogicalResult convertWindowed(NodeContext &ctx, ConvertFn convert2D) {
  RankedTensorType input = ctx.inputType(0);
  if (!input || input.getRank() != 3)
    return convert2D(ctx);
  bool hasWeights = ctx.node.op_type() == "Conv" || ctx.node.op_type() == "ConvTranspose";
  SmallVector<Value> inputs(ctx.inputs.begin(), ctx.inputs.end());
  inputs[0] = addUnitHeight(ctx, inputs[0]);
  if (hasWeights && ctx.hasInput(1)) {
    if (ctx.inputType(1).getRank() != 3)
      return ctx.emitError() << "1-D " << ctx.node.op_type() << " expects 3-D weights, got "
                             << ctx.inputType(1);
    inputs[1] = addUnitHeight(ctx, inputs[1]);
  }
  onnx::NodeProto lifted = liftAttributes(ctx.node);
  NodeContext inner(lifted, inputs, ctx.b, ctx.loc, ctx.opset);
  if (failed(convert2D(inner)))
    return failure();
  for (auto [i, v] : llvm::enumerate(inner.getOutputs())) {
    if (!v)
      continue;
    ArrayRef<int64_t> s = llvm::cast<RankedTensorType>(v.getType()).getShape();
    ctx.setOutput(i, reshapeTo(ctx, v, {s[0], s[1], s[3]}));
  }
  return success();
}

} // namespace lwcc::onnx_import
