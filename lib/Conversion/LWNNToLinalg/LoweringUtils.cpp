//===- LoweringUtils.cpp - helpers shared by the lwnn lowerings -----------===//
//
// Element-wise generics with broadcasting, scalar activations, reshapes and
// spatial padding: the vocabulary the per-family lowerings are written in.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace lwcc::lwnn;

namespace lwcc::lowering {

Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(), type.getElementType());
}

Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type, Value value) {
  Value empty = emptyTensor(b, loc, type);
  return linalg::FillOp::create(b, loc, ValueRange{value}, ValueRange{empty})
      .getResult(0);
}

Value scalarConstant(OpBuilder &b, Location loc, Type type, double value) {
  if (auto floatType = llvm::dyn_cast<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(floatType, value));
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, int64_t(value)));
}

Value lowestScalar(OpBuilder &b, Location loc, Type type, bool isUnsigned) {
  if (llvm::isa<FloatType>(type))
    return scalarConstant(b, loc, type, -INFINITY);
  unsigned width = type.getIntOrFloatBitWidth();
  APInt lowest = isUnsigned ? APInt::getZero(width) : APInt::getSignedMinValue(width);
  return arith::ConstantOp::create(b, loc, b.getIntegerAttr(type, lowest));
}

Value maxScalar(OpBuilder &b, Location loc, Value a, Value c, bool isUnsigned) {
  if (llvm::isa<FloatType>(a.getType()))
    return arith::MaximumFOp::create(b, loc, a, c);
  if (isUnsigned)
    return arith::MaxUIOp::create(b, loc, a, c);
  return arith::MaxSIOp::create(b, loc, a, c);
}

AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                       ArrayRef<int64_t> resultShape) {
  int64_t offset = resultShape.size() - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, dim] : llvm::enumerate(operandShape)) {
    int64_t resultDim = offset + i;
    if (dim == 1 && resultShape[resultDim] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(resultDim, ctx));
  }
  return AffineMap::get(resultShape.size(), 0, exprs, ctx);
}

AffineMap channelMap(MLIRContext *ctx, int64_t rank) {
  return AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
}

Value buildElementwiseWithMaps(OpBuilder &b, Location loc, RankedTensorType type,
                               ValueRange inputs, ArrayRef<AffineMap> inputMaps,
                               ScalarBodyFn body) {
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(type.getRank()));
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, inputs, ValueRange{emptyTensor(b, loc, type)}, maps,
      iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value result = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, result);
      });
  return generic.getResult(0);
}

Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType type,
                       ValueRange inputs, ScalarBodyFn body) {
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(broadcastMap(
        b.getContext(), llvm::cast<RankedTensorType>(input.getType()).getShape(),
        type.getShape()));
  return buildElementwiseWithMaps(b, loc, type, inputs, maps, body);
}

/// clamp(x, lo, hi) with NaN propagating like ONNX's Clip.
static Value clampScalar(OpBuilder &b, Location loc, Value x, double lo, double hi) {
  Type type = x.getType();
  Value low = arith::MaximumFOp::create(b, loc, x, scalarConstant(b, loc, type, lo));
  return arith::MinimumFOp::create(b, loc, low, scalarConstant(b, loc, type, hi));
}

/// exp(x) for f32 x in [-87, 87], where every result is a normal float:
/// n = round(x / ln 2) by adding 1.5 * 2^23 (the sum's low mantissa bits
/// are n), r = x - n ln 2 in two parts, Cephes' degree-5 polynomial for
/// exp(r) on [-ln2/2, ln2/2] (about 1 ulp), times 2^n built from n's bits.
/// No special cases: math.exp's approximation spends a dozen compares and
/// selects on the ranges this never sees.
static Value boundedExpF32(OpBuilder &b, Location loc, Value x) {
  Type f32 = b.getF32Type(), i32 = b.getI32Type();
  auto f = [&](double v) { return scalarConstant(b, loc, f32, v); };
  auto fma = [&](Value m, Value n, Value a) {
    return math::FmaOp::create(b, loc, m, n, a).getResult();
  };
  Value magic = f(12582912.0);
  Value shifted = fma(x, f(1.4426950408889634), magic);
  Value n = arith::SubFOp::create(b, loc, shifted, magic);
  Value r = fma(n, f(-0.693359375), x);
  r = fma(n, f(2.12194440e-4), r);
  Value p = f(1.9875691500e-4);
  for (double c : {1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2,
                   1.6666665459e-1, 5.0000001201e-1})
    p = fma(p, r, f(c));
  Value r2 = arith::MulFOp::create(b, loc, r, r);
  Value y = fma(p, r2, arith::AddFOp::create(b, loc, r, f(1.0)));
  // y * 2^n as n added to y's exponent field, integer work instead of a
  // multiplication on the FMA units: shifted's bits are 0x4B400000 + n,
  // whose low 9 bits shifted left by 23 are n's (0x4B400000's are zero).
  // y is in [0.7, 1.42], so the sum is 2^n y's normal encoding for n in
  // [-125, 126]; n = -126 (x <= -86.99) gives a subnormal's bits, a value
  // below 2^-126 as 2^n y is.
  Value bits = arith::BitcastOp::create(b, loc, i32, shifted);
  Value exponent = arith::ShLIOp::create(
      b, loc, bits, arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(23)));
  return arith::BitcastOp::create(
      b, loc, f32,
      arith::AddIOp::create(b, loc, arith::BitcastOp::create(b, loc, i32, y), exponent));
}

/// numerator / (1 + exp(-x)) (1 / (1 + exp(-x)) is the sigmoid, x / (1 +
/// exp(-x)) the SiLU, one multiplication fewer than x * sigmoid(x)); for
/// f32, exp's argument clamped to [-87, 87] (sigmoid is 0 or 1 to f32
/// precision well inside that) so the bounded exp applies. NaN passes
/// through the clamp and the arithmetic.
static Value gatedBySigmoid(OpBuilder &b, Location loc, Value numerator, Value x) {
  Type type = x.getType();
  Value one = scalarConstant(b, loc, type, 1.0);
  Value negated = arith::NegFOp::create(b, loc, x);
  Value e;
  if (type.isF32()) {
    Value clamped = clampScalar(b, loc, negated, -87.0, 87.0);
    e = boundedExpF32(b, loc, clamped);
  } else {
    e = math::ExpOp::create(b, loc, negated);
  }
  return arith::DivFOp::create(b, loc, numerator, arith::AddFOp::create(b, loc, one, e));
}

Value buildActivation(OpBuilder &b, Location loc, Activation act,
                      ArrayRef<float> params, Value x) {
  Type type = x.getType();
  auto param = [&](unsigned i, double fallback) {
    return i < params.size() ? double(params[i]) : fallback;
  };
  switch (act) {
  case Activation::none:
    return x;
  case Activation::relu:
    return arith::MaximumFOp::create(b, loc, x, scalarConstant(b, loc, type, 0.0));
  case Activation::relu6:
    return clampScalar(b, loc, x, 0.0, 6.0);
  case Activation::clip:
    return clampScalar(b, loc, x, param(0, -INFINITY), param(1, INFINITY));
  case Activation::hard_sigmoid: {
    Value lin = arith::AddFOp::create(
        b, loc, arith::MulFOp::create(b, loc, x, scalarConstant(b, loc, type, param(0, 0.2))),
        scalarConstant(b, loc, type, param(1, 0.5)));
    return clampScalar(b, loc, lin, 0.0, 1.0);
  }
  case Activation::hard_swish: {
    Value gate = buildActivation(b, loc, Activation::hard_sigmoid,
                                 {1.0f / 6.0f, 0.5f}, x);
    return arith::MulFOp::create(b, loc, x, gate);
  }
  case Activation::sigmoid:
    return gatedBySigmoid(b, loc, scalarConstant(b, loc, type, 1.0), x);
  case Activation::silu:
    return gatedBySigmoid(b, loc, x, x);
  case Activation::tanh:
    return math::TanhOp::create(b, loc, x);
  case Activation::leaky_relu: {
    Value zero = scalarConstant(b, loc, type, 0.0);
    Value scaled = arith::MulFOp::create(b, loc, x, scalarConstant(b, loc, type, param(0, 0.01)));
    Value positive = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x, zero);
    return arith::SelectOp::create(b, loc, positive, x, scaled);
  }
  }
  llvm_unreachable("unknown activation");
}

Value applyActivation(OpBuilder &b, Location loc, Value tensor, Activation act,
                      std::optional<ArrayRef<float>> params) {
  if (act == Activation::none)
    return tensor;
  auto type = llvm::cast<RankedTensorType>(tensor.getType());
  ArrayRef<float> values = params.value_or(ArrayRef<float>{});
  return buildElementwise(b, loc, type, tensor,
                          [&](OpBuilder &nb, Location nloc, ValueRange args) {
                            return buildActivation(nb, nloc, act, values, args[0]);
                          });
}

Value reshapeTensor(OpBuilder &b, Location loc, Value value, RankedTensorType type) {
  auto source = llvm::cast<RankedTensorType>(value.getType());
  if (source == type)
    return value;
  if (source.getRank() > type.getRank()) {
    if (auto reassoc = getReassociationIndicesForCollapse(source.getShape(),
                                                          type.getShape()))
      return tensor::CollapseShapeOp::create(b, loc, type, value, *reassoc);
  } else if (source.getRank() < type.getRank()) {
    if (auto reassoc = getReassociationIndicesForCollapse(type.getShape(),
                                                          source.getShape()))
      return tensor::ExpandShapeOp::create(b, loc, type, value, *reassoc);
  }
  // No single collapse or expand: go through the flat vector (rank 0 has
  // no dims to group, so it expands from nothing).
  auto flat = RankedTensorType::get({source.getNumElements()}, source.getElementType());
  Value flatValue = value;
  if (source.getRank() != 1) {
    SmallVector<ReassociationIndices> all;
    if (source.getRank() > 0)
      all.push_back(llvm::to_vector(llvm::seq<int64_t>(0, source.getRank())));
    flatValue = source.getRank() == 0
                    ? Value(tensor::ExpandShapeOp::create(b, loc, flat, value, all))
                    : Value(tensor::CollapseShapeOp::create(b, loc, flat, value, all));
  }
  if (type.getRank() == 1)
    return flatValue;
  SmallVector<ReassociationIndices> all;
  if (type.getRank() > 0)
    all.push_back(llvm::to_vector(llvm::seq<int64_t>(0, type.getRank())));
  if (type.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, type, flatValue, all);
  return tensor::ExpandShapeOp::create(b, loc, type, flatValue, all);
}

Value padSpatial(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> pads,
                 Value value) {
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return input;
  auto type = llvm::cast<RankedTensorType>(input.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> low(rank, 0), high(rank, 0);
  low[rank - 2] = pads[0];
  low[rank - 1] = pads[1];
  high[rank - 2] = pads[2];
  high[rank - 1] = pads[3];
  SmallVector<int64_t> shape(type.getShape());
  for (int64_t d = 0; d < rank; ++d)
    shape[d] += low[d] + high[d];
  auto padded = RankedTensorType::get(shape, type.getElementType());
  return tensor::PadOp::create(b, loc, padded, input,
                               getAsIndexOpFoldResult(b.getContext(), low),
                               getAsIndexOpFoldResult(b.getContext(), high), value);
}

} // namespace lwcc::lowering
