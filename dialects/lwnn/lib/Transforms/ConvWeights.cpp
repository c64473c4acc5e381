//===- ConvWeights.cpp - convolutions as constant arrays ------------------===//

#include "ConvWeights.h"

#include <cmath>

using namespace mlir;

namespace lwcc::lwnn {
namespace {

std::optional<std::vector<float>> readFloats(Value value) {
  auto constant = value.getDefiningOp<ConstantOp>();
  if (!constant || constant.getSparsityAttr())
    return std::nullopt;
  auto dense = llvm::dyn_cast<DenseElementsAttr>(constant.getValue());
  if (!dense || !dense.getElementType().isF32())
    return std::nullopt;
  auto values = dense.getValues<float>();
  return std::vector<float>(values.begin(), values.end());
}

bool isFloat4D(Value value) {
  auto type = llvm::dyn_cast<RankedTensorType>(value.getType());
  return type && type.getRank() == 4 && type.hasStaticShape() &&
         type.getElementType().isF32();
}

/// Fills the parts every convolution form shares; false if unsupported.
template <typename ConvOp>
bool readCommon(ConvOp op, LinearConv &conv) {
  if (op.getAct() != Activation::none || !isFloat4D(op.getInput()) ||
      !isFloat4D(op.getResult()))
    return false;
  auto filter = readFloats(op.getFilter());
  if (!filter)
    return false;
  auto filterType = llvm::cast<RankedTensorType>(op.getFilter().getType());
  conv.input = op.getInput();
  conv.outChannels = filterType.getDimSize(0);
  conv.kh = filterType.getDimSize(2);
  conv.kw = filterType.getDimSize(3);
  conv.filter = std::move(*filter);
  conv.bias.assign(conv.outChannels, 0.0f);
  if (op.getBias()) {
    auto bias = readFloats(op.getBias());
    if (!bias || static_cast<int64_t>(bias->size()) != conv.outChannels)
      return false;
    conv.bias = std::move(*bias);
  }
  ArrayRef<int64_t> strides = op.getStrides();
  conv.strides[0] = strides[0];
  conv.strides[1] = strides[1];
  return true;
}

bool unitDilation(ArrayRef<int64_t> dilations) {
  return llvm::all_of(dilations, [](int64_t d) { return d == 1; });
}

} // namespace

int64_t LinearConv::inChannels() const {
  return llvm::cast<RankedTensorType>(input.getType()).getDimSize(1);
}

std::optional<LinearConv> readLinearConv(Value value) {
  Operation *op = value.getDefiningOp();
  if (!op)
    return std::nullopt;
  LinearConv conv;
  auto setPads = [&](ArrayRef<int64_t> pads) { llvm::copy(pads, conv.pads); };
  if (auto c = llvm::dyn_cast<Conv2DOp>(op)) {
    if (!unitDilation(c.getDilations()) || !readCommon(c, conv))
      return std::nullopt;
    conv.groups = c.getGroups();
    setPads(c.getPads());
    return conv;
  }
  if (auto c = llvm::dyn_cast<DepthwiseConv2DOp>(op)) {
    if (!unitDilation(c.getDilations()) || !readCommon(c, conv))
      return std::nullopt;
    conv.groups = conv.inChannels();
    setPads(c.getPads());
    return conv;
  }
  if (auto c = llvm::dyn_cast<PointwiseConv2DOp>(op)) {
    if (!readCommon(c, conv))
      return std::nullopt;
    conv.groups = 1;
    return conv;
  }
  if (auto bn = llvm::dyn_cast<BatchNormOp>(op)) {
    if (!isFloat4D(bn.getInput()))
      return std::nullopt;
    auto scale = readFloats(bn.getScale()), shift = readFloats(bn.getBias()),
         mean = readFloats(bn.getMean()), variance = readFloats(bn.getVariance());
    if (!scale || !shift || !mean || !variance)
      return std::nullopt;
    conv = identityConv(bn.getInput());
    if (scale->size() != conv.diagonal.size() || shift->size() != conv.diagonal.size() ||
        mean->size() != conv.diagonal.size() || variance->size() != conv.diagonal.size())
      return std::nullopt;
    double epsilon = bn.getEpsilon().convertToFloat();
    for (size_t c = 0; c < conv.diagonal.size(); ++c) {
      double s = (*scale)[c] / std::sqrt(double((*variance)[c]) + epsilon);
      conv.diagonal[c] = static_cast<float>(s);
      conv.bias[c] = static_cast<float>((*shift)[c] - (*mean)[c] * s);
    }
    return conv;
  }
  return std::nullopt;
}

LinearConv identityConv(Value input) {
  LinearConv conv;
  conv.input = input;
  conv.outChannels = conv.inChannels();
  conv.diagonal.assign(conv.outChannels, 1.0f);
  conv.bias.assign(conv.outChannels, 0.0f);
  return conv;
}

void scaleOutputs(LinearConv &conv, ArrayRef<float> scale, ArrayRef<float> shift) {
  size_t perOutput = conv.filter.size() / conv.outChannels;
  for (int64_t o = 0; o < conv.outChannels; ++o) {
    for (size_t i = 0; i < perOutput && !conv.filter.empty(); ++i)
      conv.filter[o * perOutput + i] *= scale[o];
    if (!conv.diagonal.empty())
      conv.diagonal[o] *= scale[o];
    conv.bias[o] = conv.bias[o] * scale[o] + shift[o];
  }
}

std::optional<LinearConv> addLinearConvs(const LinearConv &a, const LinearConv &b) {
  if (a.input != b.input || a.outChannels != b.outChannels ||
      a.strides[0] != b.strides[0] || a.strides[1] != b.strides[1])
    return std::nullopt;
  if (a.groups && b.groups && a.groups != b.groups)
    return std::nullopt;
  LinearConv sum;
  sum.input = a.input;
  sum.outChannels = a.outChannels;
  sum.groups = a.groups ? a.groups : b.groups ? b.groups : a.outChannels;
  llvm::copy(a.strides, sum.strides);
  // Each kernel sits in the merged window at its own offset; the windows
  // must end alike too, or the two would not produce the same pixels.
  sum.pads[0] = std::max(a.pads[0], b.pads[0]);
  sum.pads[1] = std::max(a.pads[1], b.pads[1]);
  int64_t offA[2] = {sum.pads[0] - a.pads[0], sum.pads[1] - a.pads[1]};
  int64_t offB[2] = {sum.pads[0] - b.pads[0], sum.pads[1] - b.pads[1]};
  sum.kh = std::max(offA[0] + a.kh, offB[0] + b.kh);
  sum.kw = std::max(offA[1] + a.kw, offB[1] + b.kw);
  int64_t endA[2] = {sum.kh - offA[0] - a.kh + a.pads[2], sum.kw - offA[1] - a.kw + a.pads[3]};
  int64_t endB[2] = {sum.kh - offB[0] - b.kh + b.pads[2], sum.kw - offB[1] - b.kw + b.pads[3]};
  if (endA[0] != endB[0] || endA[1] != endB[1])
    return std::nullopt;
  sum.pads[2] = endA[0];
  sum.pads[3] = endA[1];
  int64_t inChannels = a.inChannels();
  if (inChannels % sum.groups != 0 || sum.outChannels % sum.groups != 0)
    return std::nullopt;
  int64_t perGroup = inChannels / sum.groups;
  // A diagonal branch maps channel c to c: only where channel c of the
  // output reads channel c of the input within its group.
  bool diagonalFits = inChannels == sum.outChannels;
  if ((a.groups == 0 || b.groups == 0) && !diagonalFits)
    return std::nullopt;
  sum.filter.assign(sum.outChannels * perGroup * sum.kh * sum.kw, 0.0f);
  auto at = [&](int64_t o, int64_t c, int64_t y, int64_t x) -> float & {
    return sum.filter[((o * perGroup + c) * sum.kh + y) * sum.kw + x];
  };
  auto place = [&](const LinearConv &part, const int64_t offset[2]) {
    for (int64_t o = 0; o < sum.outChannels; ++o) {
      if (part.groups == 0) {
        at(o, o % perGroup, offset[0], offset[1]) += part.diagonal[o];
        continue;
      }
      for (int64_t c = 0; c < perGroup; ++c)
        for (int64_t y = 0; y < part.kh; ++y)
          for (int64_t x = 0; x < part.kw; ++x)
            at(o, c, offset[0] + y, offset[1] + x) +=
                part.filter[((o * perGroup + c) * part.kh + y) * part.kw + x];
    }
  };
  place(a, offA);
  place(b, offB);
  sum.bias.resize(sum.outChannels);
  for (int64_t o = 0; o < sum.outChannels; ++o)
    sum.bias[o] = a.bias[o] + b.bias[o];
  return sum;
}

Value buildLinearConv(PatternRewriter &rewriter, Location loc, const LinearConv &conv,
                      RankedTensorType type) {
  auto inType = llvm::cast<RankedTensorType>(conv.input.getType());
  int64_t outH = (inType.getDimSize(2) + conv.pads[0] + conv.pads[2] - conv.kh) / conv.strides[0] + 1;
  int64_t outW = (inType.getDimSize(3) + conv.pads[1] + conv.pads[3] - conv.kw) / conv.strides[1] + 1;
  if (type.getDimSize(1) != conv.outChannels || type.getDimSize(2) != outH ||
      type.getDimSize(3) != outW || type.getDimSize(0) != inType.getDimSize(0))
    return Value();
  int64_t groups = conv.groups ? conv.groups : conv.outChannels;
  int64_t perGroup = inType.getDimSize(1) / groups;
  Type f32 = rewriter.getF32Type();
  std::vector<float> filter = conv.filter;
  if (conv.groups == 0) { // a lone diagonal: a 1x1 depthwise filter
    filter = conv.diagonal;
  }
  auto filterType = RankedTensorType::get({conv.outChannels, perGroup, conv.kh, conv.kw}, f32);
  Value filterValue = ConstantOp::create(
      rewriter, loc, DenseElementsAttr::get(filterType, ArrayRef<float>(filter)), nullptr);
  auto biasType = RankedTensorType::get({conv.outChannels}, f32);
  Value bias = ConstantOp::create(
      rewriter, loc, DenseElementsAttr::get(biasType, ArrayRef<float>(conv.bias)), nullptr);
  SmallVector<int64_t> strides(conv.strides, conv.strides + 2),
      pads(conv.pads, conv.pads + 4), dilations = {1, 1};
  bool unpadded = llvm::all_of(pads, [](int64_t p) { return p == 0; });
  if (groups > 1 && groups == inType.getDimSize(1) && perGroup == 1)
    return DepthwiseConv2DOp::create(rewriter, loc, type, conv.input, filterValue, bias,
                                     strides, pads, dilations, Activation::none, nullptr);
  if (groups == 1 && unpadded && conv.kh == 1 && conv.kw == 1)
    return PointwiseConv2DOp::create(rewriter, loc, type, conv.input, filterValue, bias,
                                     strides, Activation::none, nullptr);
  return Conv2DOp::create(rewriter, loc, type, conv.input, filterValue, bias, strides, pads,
                          dilations, groups, Activation::none, nullptr);
}

} // namespace lwcc::lwnn
