//===- ConvOps.cpp - convolution, dense and matmul ops --------------------===//
//
// Shape inference and verification for the conv family. Shape rules live in
// inferReturnTypes (which the verifier also runs), operand consistency in
// verify().
//
//===----------------------------------------------------------------------===//

#include "LWNNOpUtils.h"
#include "lwcc/Dialect/LWNN/IR/LWNNDialect.h"

#include "mlir/Dialect/Traits.h"

using namespace mlir;
using namespace lwcc::lwnn;
using namespace lwcc::lwnn::detail;

/// Infers an NCHW convolution result; `channelsPerGroup` is the filter's
/// input-channel extent the input must agree with.
static LogicalResult inferConv(std::optional<Location> loc, Type inputType,
                               Type filterType, ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
                               int64_t groups, SmallVectorImpl<Type> &results) {
  auto input = getRankedType(loc, inputType, "input", 4);
  auto filter = getRankedType(loc, filterType, "filter", 4);
  if (failed(input) || failed(filter) ||
      failed(verifyWindow2D(loc, strides, pads, dilations)))
    return failure();
  ArrayRef<int64_t> in = input->getShape(), f = filter->getShape();
  if (groups <= 0 || in[1] % groups != 0 || f[0] % groups != 0)
    return emitOptionalError(loc, "groups (", groups,
                             ") must divide input channels (", in[1],
                             ") and output channels (", f[0], ")");
  if (f[1] * groups != in[1])
    return emitOptionalError(loc, "filter has ", f[1],
                             " input channels per group, expected ",
                             in[1] / groups);
  SmallVector<int64_t> out = {in[0], f[0], 0, 0};
  for (int d = 0; d < 2; ++d) {
    out[2 + d] = windowOutputSize(in[2 + d], f[2 + d], strides[d], pads[d],
                                  pads[d + 2], dilations[d], false);
    if (out[2 + d] <= 0)
      return emitOptionalError(loc, "kernel does not fit the padded input");
  }
  auto elt = getAccumulatorElementType(loc, input->getElementType(),
                                       filter->getElementType(), 1);
  if (failed(elt))
    return failure();
  results.push_back(RankedTensorType::get(out, *elt));
  return success();
}

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  return inferConv(loc, adaptor.getInput().getType(),
                   adaptor.getFilter().getType(), adaptor.getStrides(),
                   adaptor.getPads(), adaptor.getDilations(),
                   adaptor.getGroups(), results);
}

LogicalResult Conv2DOp::verify() {
  if (failed(verifyFusedActivation(*this, getAct(), getActParams())))
    return failure();
  return verifyWeightAndBias(*this, getInput(), getFilter(), getBias(),
                             getFilter().getType().getDimSize(0));
}

LogicalResult DepthwiseConv2DOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  auto input = getRankedType(loc, adaptor.getInput().getType(), "input", 4);
  if (failed(input))
    return failure();
  return inferConv(loc, *input, adaptor.getFilter().getType(),
                   adaptor.getStrides(), adaptor.getPads(),
                   adaptor.getDilations(), input->getDimSize(1), results);
}

LogicalResult DepthwiseConv2DOp::verify() {
  if (failed(verifyFusedActivation(*this, getAct(), getActParams())))
    return failure();
  return verifyWeightAndBias(*this, getInput(), getFilter(), getBias(),
                             getFilter().getType().getDimSize(0));
}

LogicalResult PointwiseConv2DOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  auto filter = getRankedType(loc, adaptor.getFilter().getType(), "filter", 4);
  if (failed(filter))
    return failure();
  if (filter->getDimSize(2) != 1 || filter->getDimSize(3) != 1)
    return emitOptionalError(loc, "pointwise filter must be [O, C, 1, 1], got ",
                             *filter);
  int64_t zeros[4] = {0, 0, 0, 0}, ones[2] = {1, 1};
  return inferConv(loc, adaptor.getInput().getType(), *filter,
                   adaptor.getStrides(), zeros, ones, 1, results);
}

LogicalResult PointwiseConv2DOp::verify() {
  if (failed(verifyFusedActivation(*this, getAct(), getActParams())))
    return failure();
  return verifyWeightAndBias(*this, getInput(), getFilter(), getBias(),
                             getFilter().getType().getDimSize(0));
}

LogicalResult ConvTranspose2DOp::inferReturnTypes(
    MLIRContext *, std::optional<Location> loc, Adaptor adaptor,
    SmallVectorImpl<Type> &results) {
  auto input = getRankedType(loc, adaptor.getInput().getType(), "input", 4);
  auto filter = getRankedType(loc, adaptor.getFilter().getType(), "filter", 4);
  ArrayRef<int64_t> strides = adaptor.getStrides(), pads = adaptor.getPads(),
                    dilations = adaptor.getDilations(),
                    outputPadding = adaptor.getOutputPadding();
  if (failed(input) || failed(filter) ||
      failed(verifyWindow2D(loc, strides, pads, dilations)))
    return failure();
  int64_t groups = adaptor.getGroups();
  ArrayRef<int64_t> in = input->getShape(), f = filter->getShape();
  if (groups <= 0 || in[1] % groups != 0)
    return emitOptionalError(loc, "groups (", groups,
                             ") must divide input channels (", in[1], ")");
  if (f[0] != in[1])
    return emitOptionalError(loc, "filter has ", f[0],
                             " input channels, expected ", in[1]);
  if (outputPadding.size() != 2)
    return emitOptionalError(loc, "expects 2 output_padding values");
  SmallVector<int64_t> out = {in[0], f[1] * groups, 0, 0};
  for (int d = 0; d < 2; ++d) {
    if (outputPadding[d] < 0 ||
        outputPadding[d] >= std::max(strides[d], dilations[d]))
      return emitOptionalError(loc, "output_padding must be in [0, max(stride, dilation))");
    out[2 + d] = strides[d] * (in[2 + d] - 1) + outputPadding[d] +
                 (f[2 + d] - 1) * dilations[d] + 1 - pads[d] - pads[d + 2];
    if (out[2 + d] <= 0)
      return emitOptionalError(loc, "pads leave an empty output");
  }
  auto elt = getAccumulatorElementType(loc, input->getElementType(),
                                       filter->getElementType(), 1);
  if (failed(elt))
    return failure();
  results.push_back(RankedTensorType::get(out, *elt));
  return success();
}

LogicalResult ConvTranspose2DOp::verify() {
  if (failed(verifyFusedActivation(*this, getAct(), getActParams())))
    return failure();
  return verifyWeightAndBias(*this, getInput(), getFilter(), getBias(),
                             getOutput().getType().getDimSize(1));
}

LogicalResult DenseOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &results) {
  auto input = getRankedType(loc, adaptor.getInput().getType(), "input", 2);
  auto weight = getRankedType(loc, adaptor.getWeight().getType(), "weight", 2);
  if (failed(input) || failed(weight))
    return failure();
  if (input->getDimSize(1) != weight->getDimSize(1))
    return emitOptionalError(loc, "input has ", input->getDimSize(1),
                             " features but weight expects ",
                             weight->getDimSize(1));
  auto elt = getAccumulatorElementType(loc, input->getElementType(),
                                       weight->getElementType(), 1);
  if (failed(elt))
    return failure();
  results.push_back(RankedTensorType::get(
      {input->getDimSize(0), weight->getDimSize(0)}, *elt));
  return success();
}

LogicalResult DenseOp::verify() {
  if (failed(verifyFusedActivation(*this, getAct(), getActParams())))
    return failure();
  return verifyWeightAndBias(*this, getInput(), getWeight(), getBias(),
                             getWeight().getType().getDimSize(0));
}

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &results) {
  auto lhs = getRankedType(loc, adaptor.getLhs().getType(), "lhs");
  auto rhs = getRankedType(loc, adaptor.getRhs().getType(), "rhs");
  if (failed(lhs) || failed(rhs))
    return failure();
  if (lhs->getRank() == 0 || rhs->getRank() == 0)
    return emitOptionalError(loc, "matmul operands must have rank >= 1");
  SmallVector<int64_t> a(lhs->getShape()), b(rhs->getShape());
  bool dropRow = a.size() == 1, dropCol = b.size() == 1;
  if (dropRow)
    a.insert(a.begin(), 1);
  if (dropCol)
    b.push_back(1);
  if (a.back() != b[b.size() - 2])
    return emitOptionalError(loc, "contraction sizes differ: ", a.back(),
                             " vs ", b[b.size() - 2]);
  SmallVector<int64_t> batch;
  if (!OpTrait::util::getBroadcastedShape(ArrayRef(a).drop_back(2),
                                          ArrayRef(b).drop_back(2), batch))
    return emitOptionalError(loc, "batch dimensions do not broadcast");
  if (!dropRow)
    batch.push_back(a[a.size() - 2]);
  if (!dropCol)
    batch.push_back(b.back());
  auto elt = getAccumulatorElementType(loc, lhs->getElementType(),
                                       rhs->getElementType(), batch.size() - 1);
  if (failed(elt))
    return failure();
  results.push_back(RankedTensorType::get(batch, *elt));
  return success();
}
