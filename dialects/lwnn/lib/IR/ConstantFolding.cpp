//===- ConstantFolding.cpp - evaluate lwnn ops on constants ---------------===//
//
// See ConstantFolding.h.
//
//===----------------------------------------------------------------------===//

#include "ConstantFolding.h"

#include "llvm/ADT/APFloat.h"
#include <cmath>

using namespace mlir;

namespace lwcc::lwnn::detail {

/// Folding larger tensors would bloat compile time for no gain: only shape
/// arithmetic and weight preprocessing reach this code.
static constexpr int64_t kMaxFoldElements = int64_t(1) << 24;

/// Whether `type` has at most kMaxFoldElements elements, without overflowing
/// on absurd shapes.
static bool isSmallEnoughToFold(ShapedType type) {
  if (!type.hasStaticShape())
    return false;
  int64_t count = 1;
  for (int64_t d : type.getShape()) {
    if (d != 0 && count > kMaxFoldElements / d)
      return false;
    count *= d;
  }
  return true;
}

std::optional<UnpackedTensor> unpack(Attribute attr) {
  auto dense = llvm::dyn_cast_if_present<DenseElementsAttr>(attr);
  if (!dense)
    return std::nullopt;
  auto type = llvm::dyn_cast<RankedTensorType>(dense.getType());
  if (!type || !isSmallEnoughToFold(type))
    return std::nullopt;
  UnpackedTensor out;
  out.type = type;
  Type elt = type.getElementType();
  if (llvm::isa<FloatType>(elt)) {
    out.isFloat = true;
    out.floats.reserve(type.getNumElements());
    for (const APFloat &v : dense.getValues<APFloat>())
      out.floats.push_back(v.convertToDouble());
    return out;
  }
  if (auto intTy = llvm::dyn_cast<IntegerType>(elt)) {
    out.ints.reserve(type.getNumElements());
    bool isUnsigned = intTy.isUnsigned() || intTy.getWidth() == 1;
    for (const APInt &v : dense.getValues<APInt>())
      out.ints.push_back(isUnsigned ? int64_t(v.getZExtValue()) : v.getSExtValue());
    return out;
  }
  return std::nullopt;
}

DenseElementsAttr pack(const UnpackedTensor &values, RankedTensorType type) {
  Type elt = type.getElementType();
  int64_t n = values.size();
  if (auto floatTy = llvm::dyn_cast<FloatType>(elt)) {
    SmallVector<APFloat> data;
    data.reserve(n);
    for (int64_t i = 0; i < n; ++i) {
      APFloat v(values.asDouble(i));
      bool lost;
      v.convert(floatTy.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      data.push_back(v);
    }
    return DenseElementsAttr::get(type, data);
  }
  auto intTy = llvm::dyn_cast<IntegerType>(elt);
  if (!intTy)
    return {};
  SmallVector<APInt> data;
  data.reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    int64_t v = values.isFloat ? int64_t(std::trunc(values.floats[i]))
                               : values.ints[i];
    if (intTy.getWidth() == 1)
      v = v != 0;
    data.push_back(APInt(intTy.getWidth(), uint64_t(v), /*isSigned=*/true,
                         /*implicitTrunc=*/true));
  }
  return DenseElementsAttr::get(type, data);
}

SmallVector<int64_t> delinearize(int64_t linear, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> index(shape.size());
  for (int64_t d = int64_t(shape.size()) - 1; d >= 0; --d) {
    index[d] = shape[d] ? linear % shape[d] : 0;
    linear = shape[d] ? linear / shape[d] : 0;
  }
  return index;
}

int64_t linearize(ArrayRef<int64_t> index, ArrayRef<int64_t> shape) {
  int64_t linear = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    linear = linear * shape[d] + index[d];
  return linear;
}

int64_t broadcastSourceIndex(ArrayRef<int64_t> resultShape,
                             ArrayRef<int64_t> operandShape, int64_t linear) {
  SmallVector<int64_t> index = delinearize(linear, resultShape);
  size_t offset = resultShape.size() - operandShape.size();
  int64_t source = 0;
  for (size_t d = 0; d < operandShape.size(); ++d) {
    int64_t i = operandShape[d] == 1 ? 0 : index[d + offset];
    source = source * operandShape[d] + i;
  }
  return source;
}

DenseElementsAttr
foldBinary(Attribute lhsAttr, Attribute rhsAttr, RankedTensorType resultType,
           llvm::function_ref<double(double, double)> floatFn,
           llvm::function_ref<std::optional<int64_t>(int64_t, int64_t)> intFn) {
  std::optional<UnpackedTensor> lhs = unpack(lhsAttr), rhs = unpack(rhsAttr);
  if (!lhs || !rhs || !isSmallEnoughToFold(resultType))
    return {};
  ArrayRef<int64_t> shape = resultType.getShape();
  UnpackedTensor out;
  out.type = resultType;
  out.isFloat = llvm::isa<FloatType>(resultType.getElementType());
  int64_t n = resultType.getNumElements();
  for (int64_t i = 0; i < n; ++i) {
    int64_t li = broadcastSourceIndex(shape, lhs->type.getShape(), i);
    int64_t ri = broadcastSourceIndex(shape, rhs->type.getShape(), i);
    if (out.isFloat) {
      out.floats.push_back(floatFn(lhs->asDouble(li), rhs->asDouble(ri)));
      continue;
    }
    if (lhs->isFloat || rhs->isFloat)
      return {};
    std::optional<int64_t> v = intFn(lhs->ints[li], rhs->ints[ri]);
    if (!v)
      return {};
    out.ints.push_back(*v);
  }
  return pack(out, resultType);
}

DenseElementsAttr foldUnaryFloat(Attribute operand,
                                 llvm::function_ref<double(double)> fn) {
  std::optional<UnpackedTensor> in = unpack(operand);
  if (!in || !in->isFloat)
    return {};
  for (double &v : in->floats)
    v = fn(v);
  return pack(*in, in->type);
}

DenseElementsAttr foldGatherElements(const UnpackedTensor &source,
                                     RankedTensorType resultType,
                                     llvm::function_ref<int64_t(int64_t)> sourceIndex) {
  if (!isSmallEnoughToFold(resultType))
    return {};
  UnpackedTensor out;
  out.type = resultType;
  out.isFloat = source.isFloat;
  int64_t n = resultType.getNumElements();
  for (int64_t i = 0; i < n; ++i) {
    int64_t s = sourceIndex(i);
    if (s < 0 || s >= source.size())
      return {};
    if (source.isFloat)
      out.floats.push_back(source.floats[s]);
    else
      out.ints.push_back(source.ints[s]);
  }
  return pack(out, resultType);
}

} // namespace lwcc::lwnn::detail
