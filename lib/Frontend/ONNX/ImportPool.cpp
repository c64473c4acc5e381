//===- ImportPool.cpp - pools, ReduceMean, Softmax ------------------------===//
//
// Converters for windowed and global pooling, mean reduction and softmax
// (with the pre-opset-13 "flatten to 2-D" softmax semantics).
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

using namespace mlir;
using namespace lwcc::lwnn;

namespace lwcc::onnx_import {

static LogicalResult convertMaxPool(NodeContext &ctx) {
  FailureOr<Window2D> w = readWindow2D(ctx, ctx.inputType(0), {});
  if (failed(w))
    return failure();
  if (ctx.hasOutput(1)) {
    auto op = ctx.buildInferred<MaxPool2DWithIndicesOp>(
        ctx.input(0), w->kernel, w->strides, w->pads, w->dilations,
        bool(ctx.getInt("ceil_mode", 0)), ctx.getInt("storage_order", 0) != 0);
    if (failed(op))
      return failure();
    ctx.setOutput(0, op->getOutput());
    ctx.setOutput(1, op->getIndices());
    return success();
  }
  return ctx.emitResult<MaxPool2DOp>(ctx.input(0), w->kernel, w->strides, w->pads,
                                    w->dilations,
                                    bool(ctx.getInt("ceil_mode", 0)));
}

static LogicalResult convertAveragePool(NodeContext &ctx) {
  FailureOr<Window2D> w = readWindow2D(ctx, ctx.inputType(0), {});
  if (failed(w))
    return failure();
  if (llvm::any_of(w->dilations, [](int64_t d) { return d != 1; }))
    return ctx.fail("dilated average pooling is not supported");
  return ctx.emitResult<AvgPool2DOp>(
      ctx.input(0), w->kernel, w->strides, w->pads,
      bool(ctx.getInt("ceil_mode", 0)), bool(ctx.getInt("count_include_pad", 0)));
}

template <typename OpTy>
static LogicalResult convertGlobalPool(NodeContext &ctx) {
  return ctx.emitResult<OpTy>(ctx.input(0));
}

static LogicalResult convertReduceMean(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  if (!type)
    return ctx.fail("expects a ranked input");
  SmallVector<int64_t> axes;
  std::optional<SmallVector<int64_t>> given = ctx.getInts("axes");
  if (!given || given->empty()) {
    for (int64_t d = 0; d < type.getRank(); ++d)
      axes.push_back(d);
  } else {
    for (int64_t a : *given) {
      FailureOr<int64_t> axis = normalizeAxis(ctx, a, type.getRank());
      if (failed(axis))
        return failure();
      axes.push_back(*axis);
    }
  }
  llvm::sort(axes);
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  return ctx.emitResult<ReduceMeanOp>(ctx.input(0), axes,
                                     bool(ctx.getInt("keepdims", 1)));
}

static LogicalResult convertSoftmax(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  if (!type || !llvm::isa<FloatType>(type.getElementType()))
    return ctx.fail("expects a float tensor");
  int64_t rank = type.getRank();
  FailureOr<int64_t> axis =
      normalizeAxis(ctx, ctx.getInt("axis", ctx.opset < 13 ? 1 : -1), rank);
  if (failed(axis))
    return failure();
  IntegerAttr axisAttr = ctx.b.getI64IntegerAttr(*axis);
  if (ctx.opset >= 13 || *axis == rank - 1) {
    ctx.setOutput(0, SoftmaxOp::create(ctx.b, ctx.loc, ctx.input(0), axisAttr));
    return success();
  }
  // Before opset 13, softmax normalises over all dimensions from `axis` on.
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < *axis ? outer : inner) *= type.getDimSize(d);
  Value flat = reshapeTo(ctx, ctx.input(0), {outer, inner});
  Value soft = SoftmaxOp::create(ctx.b, ctx.loc, flat, ctx.b.getI64IntegerAttr(1));
  ctx.setOutput(0, reshapeTo(ctx, soft, type.getShape()));
  return success();
}

void addPoolConverters(ConverterTable &table) {
  table.add("MaxPool", 1, kMaxOpset, convertWindowed<convertMaxPool>);
  table.add("AveragePool", 1, kMaxOpset, convertWindowed<convertAveragePool>);
  table.add("GlobalAveragePool", 1, kMaxOpset, convertGlobalPool<GlobalAvgPoolOp>);
  table.add("GlobalMaxPool", 1, kMaxOpset, convertGlobalPool<GlobalMaxPoolOp>);
  table.add("ReduceMean", 1, 17, convertReduceMean);
  table.add("Softmax", 1, kMaxOpset, convertSoftmax);
}

} // namespace lwcc::onnx_import
