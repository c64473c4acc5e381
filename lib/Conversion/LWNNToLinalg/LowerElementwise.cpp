//===- LowerElementwise.cpp - activations and arithmetic to linalg --------===//
//
// Every element-wise lwnn op becomes one parallel linalg.generic whose body
// is the scalar formula; broadcasting is in the indexing maps, so no operand
// is materialised at the result's size.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "lwcc/Conversion/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace lwcc::lwnn;
using namespace lwcc::lowering;

namespace {

/// Unary ops that are exactly one activation kind.
template <typename OpTy, Activation kind>
struct LowerActivation : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, applyActivation(rewriter, op.getLoc(), op.getInput(), kind,
                                           ArrayRef<float>{}));
    return success();
  }
};

/// clamp on integers: the f32 bounds saturate to the element type's range.
Value clampInteger(OpBuilder &b, Location loc, Value x, double lo, double hi,
                   bool isUnsigned) {
  unsigned width = x.getType().getIntOrFloatBitWidth();
  APInt typeMin = isUnsigned ? APInt::getZero(width) : APInt::getSignedMinValue(width);
  APInt typeMax = isUnsigned ? APInt::getMaxValue(width) : APInt::getSignedMaxValue(width);
  auto bound = [&](double v) -> APInt {
    double minD = isUnsigned ? typeMin.roundToDouble(false) : typeMin.roundToDouble(true);
    double maxD = isUnsigned ? typeMax.roundToDouble(false) : typeMax.roundToDouble(true);
    if (v <= minD)
      return typeMin;
    if (v >= maxD)
      return typeMax;
    return APInt(width, uint64_t(int64_t(v)), /*isSigned=*/true);
  };
  auto constant = [&](APInt v) {
    return arith::ConstantOp::create(b, loc, b.getIntegerAttr(x.getType(), v)).getResult();
  };
  if (isUnsigned) {
    Value low = arith::MaxUIOp::create(b, loc, x, constant(bound(lo)));
    return arith::MinUIOp::create(b, loc, low, constant(bound(hi)));
  }
  Value low = arith::MaxSIOp::create(b, loc, x, constant(bound(lo)));
  return arith::MinSIOp::create(b, loc, low, constant(bound(hi)));
}

struct LowerClip : OpRewritePattern<ClipOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ClipOp op, PatternRewriter &rewriter) const override {
    if (!llvm::isa<FloatType>(op.getType().getElementType())) {
      double lo = op.getMin().convertToDouble(), hi = op.getMax().convertToDouble();
      bool isUnsignedOp = isUnsigned(op);
      rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(), op.getType(),
                                              op.getInput(),
                                              [&](OpBuilder &b, Location l, ValueRange a) {
                                                return clampInteger(b, l, a[0], lo, hi,
                                                                    isUnsignedOp);
                                              }));
      return success();
    }
    float params[] = {op.getMin().convertToFloat(), op.getMax().convertToFloat()};
    rewriter.replaceOp(op, applyActivation(rewriter, op.getLoc(), op.getInput(),
                                           Activation::clip, ArrayRef<float>(params)));
    return success();
  }
};

struct LowerHardSigmoid : OpRewritePattern<HardSigmoidOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(HardSigmoidOp op, PatternRewriter &rewriter) const override {
    float params[] = {op.getAlpha().convertToFloat(), op.getBeta().convertToFloat()};
    rewriter.replaceOp(op, applyActivation(rewriter, op.getLoc(), op.getInput(),
                                           Activation::hard_sigmoid,
                                           ArrayRef<float>(params)));
    return success();
  }
};

struct LowerLeakyRelu : OpRewritePattern<LeakyReluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LeakyReluOp op, PatternRewriter &rewriter) const override {
    float params[] = {op.getAlpha().convertToFloat()};
    rewriter.replaceOp(op, applyActivation(rewriter, op.getLoc(), op.getInput(),
                                           Activation::leaky_relu,
                                           ArrayRef<float>(params)));
    return success();
  }
};

/// Unary math with a single scalar op.
template <typename OpTy, typename ScalarOp>
struct LowerUnaryMath : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(), op.getType(),
                                            op.getInput(),
                                            [](OpBuilder &b, Location l, ValueRange a) {
                                              return ScalarOp::create(b, l, a[0]).getResult();
                                            }));
    return success();
  }
};

struct LowerPRelu : OpRewritePattern<PReluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PReluOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(
        op, buildElementwise(rewriter, op.getLoc(), op.getType(),
                             ValueRange{op.getInput(), op.getSlope()},
                             [](OpBuilder &b, Location l, ValueRange a) -> Value {
                               Value zero = scalarConstant(b, l, a[0].getType(), 0.0);
                               Value ge = arith::CmpFOp::create(
                                   b, l, arith::CmpFPredicate::OGE, a[0], zero);
                               Value scaled = arith::MulFOp::create(b, l, a[0], a[1]);
                               return arith::SelectOp::create(b, l, ge, a[0], scaled);
                             }));
    return success();
  }
};

/// Binary arithmetic: float, signed and unsigned integer forms (ONNX's
/// integer arithmetic wraps).
template <typename OpTy, typename FloatOp, typename IntOp, typename UIntOp = IntOp>
struct LowerBinary : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    bool isFloat = llvm::isa<FloatType>(op.getType().getElementType());
    bool isUnsignedOp = isUnsigned(op);
    Value result = buildElementwise(
        rewriter, op.getLoc(), op.getType(), ValueRange{op.getLhs(), op.getRhs()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          if (isFloat)
            return FloatOp::create(b, l, a[0], a[1]);
          if (isUnsignedOp)
            return UIntOp::create(b, l, a[0], a[1]);
          return IntOp::create(b, l, a[0], a[1]);
        });
    if constexpr (std::is_same_v<OpTy, AddOp>)
      result = applyActivation(rewriter, op.getLoc(), result, op.getAct(),
                               op.getActParams());
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Scalar conversion between the element types lwnn graphs carry; the
/// flags say whether the integer source or result is unsigned.
Value convertScalar(OpBuilder &b, Location loc, Value x, Type to, bool fromUnsigned,
                    bool toUnsigned) {
  Type from = x.getType();
  if (from == to)
    return x;
  auto fromInt = llvm::dyn_cast<IntegerType>(from);
  auto toInt = llvm::dyn_cast<IntegerType>(to);
  auto fromFloat = llvm::dyn_cast<FloatType>(from);
  auto toFloat = llvm::dyn_cast<FloatType>(to);
  if (fromFloat && toFloat)
    return fromFloat.getWidth() < toFloat.getWidth()
               ? Value(arith::ExtFOp::create(b, loc, to, x))
               : Value(arith::TruncFOp::create(b, loc, to, x));
  bool zeroExtend = fromInt && (fromInt.getWidth() == 1 || fromUnsigned);
  if (fromInt && toFloat)
    return zeroExtend ? Value(arith::UIToFPOp::create(b, loc, to, x))
                      : Value(arith::SIToFPOp::create(b, loc, to, x));
  if (fromFloat && toInt) {
    if (toInt.getWidth() == 1)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                   scalarConstant(b, loc, from, 0.0));
    return toUnsigned ? Value(arith::FPToUIOp::create(b, loc, to, x))
                      : Value(arith::FPToSIOp::create(b, loc, to, x));
  }
  if (toInt.getWidth() == 1)
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x,
                                 scalarConstant(b, loc, from, 0.0));
  if (fromInt.getWidth() < toInt.getWidth())
    return zeroExtend ? Value(arith::ExtUIOp::create(b, loc, to, x))
                      : Value(arith::ExtSIOp::create(b, loc, to, x));
  if (fromInt.getWidth() == toInt.getWidth())
    return x;
  return arith::TruncIOp::create(b, loc, to, x);
}

/// x^e for integers by repeated squaring over the exponent's bits; a
/// negative exponent gives 1/x^|e| truncated (0 unless x is 1 or -1).
Value integerPow(OpBuilder &b, Location loc, Value x, Value e) {
  Type type = x.getType();
  unsigned bits = e.getType().getIntOrFloatBitWidth();
  Value zero = scalarConstant(b, loc, type, 0), one = scalarConstant(b, loc, type, 1);
  Value eZero = scalarConstant(b, loc, e.getType(), 0);
  Value eOne = scalarConstant(b, loc, e.getType(), 1);
  Value negative = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, e, eZero);
  Value magnitude = arith::SelectOp::create(
      b, loc, negative, arith::SubIOp::create(b, loc, eZero, e), e);
  Value lb = arith::ConstantIndexOp::create(b, loc, 0);
  Value ub = arith::ConstantIndexOp::create(b, loc, bits);
  Value step = arith::ConstantIndexOp::create(b, loc, 1);
  auto loop = scf::ForOp::create(
      b, loc, lb, ub, step, ValueRange{one, x, magnitude},
      [&](OpBuilder &nb, Location l, Value, ValueRange acc) {
        Value odd = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ne,
                                          arith::AndIOp::create(nb, l, acc[2], eOne), eZero);
        Value times = arith::MulIOp::create(nb, l, acc[0], acc[1]);
        Value result = arith::SelectOp::create(nb, l, odd, times, acc[0]);
        Value square = arith::MulIOp::create(nb, l, acc[1], acc[1]);
        Value rest = arith::ShRUIOp::create(nb, l, acc[2], eOne);
        scf::YieldOp::create(nb, l, ValueRange{result, square, rest});
      });
  Value positive = loop.getResult(0);
  // 1/x^|e|: 1 for x = 1, +-1 for x = -1, 0 otherwise.
  Value isOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, one);
  Value minusOne = scalarConstant(b, loc, type, -1);
  Value isMinusOne = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, minusOne);
  Value oddE = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                     arith::AndIOp::create(b, loc, e, eOne), eZero);
  Value signed1 = arith::SelectOp::create(b, loc, oddE, minusOne, one);
  Value reciprocal = arith::SelectOp::create(
      b, loc, isOne, one, arith::SelectOp::create(b, loc, isMinusOne, signed1, zero));
  return arith::SelectOp::create(b, loc, negative, reciprocal, positive);
}

/// Base and exponent may differ in element type; the result has the base's.
struct LowerPow : OpRewritePattern<PowOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PowOp op, PatternRewriter &rewriter) const override {
    Type baseType = op.getType().getElementType();
    rewriter.replaceOp(
        op, buildElementwise(
                rewriter, op.getLoc(), op.getType(), ValueRange{op.getLhs(), op.getRhs()},
                [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                  Value x = a[0], e = a[1];
                  if (llvm::isa<FloatType>(baseType)) {
                    if (!llvm::isa<FloatType>(e.getType()))
                      e = arith::SIToFPOp::create(b, l, baseType, e);
                    else if (e.getType() != baseType)
                      e = convertScalar(b, l, e, baseType, false, false);
                    return math::PowFOp::create(b, l, x, e);
                  }
                  if (llvm::isa<IntegerType>(e.getType()))
                    return integerPow(b, l, x,
                                      convertScalar(b, l, e, baseType, false, false));
                  // Float exponent: exact when integral, else f32 power
                  // truncated like ONNX's cast back to the base type.
                  Type f32 = b.getF32Type();
                  Value ef = convertScalar(b, l, e, f32, false, false);
                  Value integral = arith::CmpFOp::create(
                      b, l, arith::CmpFPredicate::OEQ, ef, math::TruncOp::create(b, l, ef));
                  Value exact = integerPow(
                      b, l, x, arith::FPToSIOp::create(b, l, baseType, ef));
                  Value approx = arith::FPToSIOp::create(
                      b, l, baseType,
                      math::PowFOp::create(b, l, arith::SIToFPOp::create(b, l, f32, x), ef));
                  return arith::SelectOp::create(b, l, integral, exact, approx);
                }));
    return success();
  }
};

/// (x - mean) * scale / sqrt(var + eps) + bias, per channel.
struct LowerBatchNorm : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp op, PatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    AffineMap identity = rewriter.getMultiDimIdentityMap(type.getRank());
    AffineMap channel = channelMap(rewriter.getContext(), type.getRank());
    double epsilon = op.getEpsilon().convertToDouble();
    Value result = buildElementwiseWithMaps(
        rewriter, op.getLoc(), type,
        ValueRange{op.getInput(), op.getScale(), op.getBias(), op.getMean(),
                   op.getVariance()},
        {identity, channel, channel, channel, channel},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value eps = scalarConstant(b, l, a[0].getType(), epsilon);
          Value stddev = math::SqrtOp::create(b, l, arith::AddFOp::create(b, l, a[4], eps));
          Value centred = arith::SubFOp::create(b, l, a[0], a[3]);
          Value scaled = arith::MulFOp::create(b, l, centred, a[1]);
          return arith::AddFOp::create(b, l, arith::DivFOp::create(b, l, scaled, stddev),
                                       a[2]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct LowerCast : OpRewritePattern<CastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CastOp op, PatternRewriter &rewriter) const override {
    auto type = llvm::cast<RankedTensorType>(op.getType());
    Type to = type.getElementType();
    bool fromUnsigned = op->hasAttr(kUnsignedSourceAttr), toUnsigned = isUnsigned(op);
    rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(), type, op.getInput(),
                                            [&](OpBuilder &b, Location l, ValueRange a) {
                                              return convertScalar(b, l, a[0], to,
                                                                   fromUnsigned, toUnsigned);
                                            }));
    return success();
  }
};

} // namespace

void lwcc::populateLowerElementwisePatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<LowerActivation<ReluOp, Activation::relu>,
               LowerActivation<Relu6Op, Activation::relu6>,
               LowerActivation<HardSwishOp, Activation::hard_swish>,
               LowerActivation<SigmoidOp, Activation::sigmoid>,
               LowerActivation<SiluOp, Activation::silu>,
               LowerActivation<TanhOp, Activation::tanh>>(ctx);
  patterns.add<LowerClip, LowerHardSigmoid, LowerLeakyRelu, LowerPRelu, LowerPow,
               LowerBatchNorm, LowerCast>(ctx);
  patterns.add<LowerUnaryMath<SqrtOp, math::SqrtOp>,
               LowerUnaryMath<NegOp, arith::NegFOp>>(ctx);
  patterns.add<LowerBinary<AddOp, arith::AddFOp, arith::AddIOp>,
               LowerBinary<SubOp, arith::SubFOp, arith::SubIOp>,
               LowerBinary<MulOp, arith::MulFOp, arith::MulIOp>,
               LowerBinary<DivOp, arith::DivFOp, arith::DivSIOp, arith::DivUIOp>>(ctx);
}
