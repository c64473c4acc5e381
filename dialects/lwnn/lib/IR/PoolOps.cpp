//===- PoolOps.cpp - pooling, reduction and softmax ops -------------------===//
//
// Shape inference and verification for pools and reductions.
//
//===----------------------------------------------------------------------===//

#include "LWNNOpUtils.h"
#include "lwcc/Dialect/LWNN/IR/LWNNDialect.h"

using namespace mlir;
using namespace lwcc::lwnn;
using namespace lwcc::lwnn::detail;

static LogicalResult inferPool2D(std::optional<Location> loc, Type inputType,
                                 ArrayRef<int64_t> kernel,
                                 ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                                 ArrayRef<int64_t> dilations, bool ceilMode,
                                 SmallVectorImpl<Type> &results) {
  auto input = getRankedType(loc, inputType, "input", 4);
  if (failed(input) || failed(verifyWindow2D(loc, strides, pads, dilations)))
    return failure();
  if (kernel.size() != 2 || kernel[0] <= 0 || kernel[1] <= 0)
    return emitOptionalError(loc, "kernel must be two positive sizes");
  SmallVector<int64_t> out(input->getShape());
  for (int d = 0; d < 2; ++d) {
    if (pads[d] >= kernel[d] || pads[d + 2] >= kernel[d])
      return emitOptionalError(loc, "pads must be smaller than the kernel");
    out[2 + d] = windowOutputSize(out[2 + d], kernel[d], strides[d], pads[d],
                                  pads[d + 2], dilations[d], ceilMode);
    if (out[2 + d] <= 0)
      return emitOptionalError(loc, "kernel does not fit the padded input");
  }
  results.push_back(RankedTensorType::get(out, input->getElementType()));
  return success();
}

LogicalResult MaxPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  return inferPool2D(loc, adaptor.getInput().getType(), adaptor.getKernel(),
                     adaptor.getStrides(), adaptor.getPads(),
                     adaptor.getDilations(), adaptor.getCeilMode(), results);
}

LogicalResult MaxPool2DWithIndicesOp::inferReturnTypes(MLIRContext *ctx,
                                                       std::optional<Location> loc,
                                                       Adaptor adaptor,
                                                       SmallVectorImpl<Type> &results) {
  if (failed(inferPool2D(loc, adaptor.getInput().getType(), adaptor.getKernel(),
                         adaptor.getStrides(), adaptor.getPads(),
                         adaptor.getDilations(), adaptor.getCeilMode(), results)))
    return failure();
  results.push_back(llvm::cast<RankedTensorType>(results[0]).clone(IntegerType::get(ctx, 64)));
  return success();
}

LogicalResult AvgPool2DOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  int64_t ones[2] = {1, 1};
  return inferPool2D(loc, adaptor.getInput().getType(), adaptor.getKernel(),
                     adaptor.getStrides(), adaptor.getPads(), ones,
                     adaptor.getCeilMode(), results);
}

LogicalResult AvgPool2DOp::verify() {
  if (llvm::isa<IntegerType>(getInput().getType().getElementType()))
    return emitOpError("average pooling needs a float or quantised input");
  return success();
}

static LogicalResult inferGlobalPool(std::optional<Location> loc, Type inputType,
                                     SmallVectorImpl<Type> &results) {
  auto input = getRankedType(loc, inputType, "input");
  if (failed(input))
    return failure();
  if (input->getRank() < 3)
    return emitOptionalError(loc, "global pooling needs [N, C, spatial...]");
  SmallVector<int64_t> out(input->getShape());
  std::fill(out.begin() + 2, out.end(), 1);
  results.push_back(RankedTensorType::get(out, input->getElementType()));
  return success();
}

LogicalResult GlobalAvgPoolOp::inferReturnTypes(MLIRContext *,
                                                std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &results) {
  return inferGlobalPool(loc, adaptor.getInput().getType(), results);
}

LogicalResult GlobalMaxPoolOp::inferReturnTypes(MLIRContext *,
                                                std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &results) {
  return inferGlobalPool(loc, adaptor.getInput().getType(), results);
}

LogicalResult ReduceMeanOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location> loc,
                                             Adaptor adaptor,
                                             SmallVectorImpl<Type> &results) {
  auto input = getRankedType(loc, adaptor.getInput().getType(), "input");
  if (failed(input))
    return failure();
  ArrayRef<int64_t> axes = adaptor.getAxes();
  int64_t rank = input->getRank();
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] < 0 || axes[i] >= rank)
      return emitOptionalError(loc, "axis ", axes[i], " out of range for rank ",
                               rank);
    if (i > 0 && axes[i] <= axes[i - 1])
      return emitOptionalError(loc, "axes must be sorted and unique");
  }
  SmallVector<int64_t> out;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(axes, d);
    if (!reduced)
      out.push_back(input->getDimSize(d));
    else if (adaptor.getKeepdims())
      out.push_back(1);
  }
  results.push_back(RankedTensorType::get(out, input->getElementType()));
  return success();
}

LogicalResult SoftmaxOp::verify() {
  int64_t rank = getInput().getType().getRank();
  int64_t axis = static_cast<int64_t>(getAxis());
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " out of range for rank " << rank;
  return success();
}
