//===- LowerElementwise.cpp - activations and arithmetic to linalg --------===//
//
// Every element-wise lwnn op becomes one parallel linalg.generic whose body
// is the scalar formula; broadcasting is in the indexing maps, so no operand
// is materialised at the result's size.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "lwcc/Conversion/Passes.h"

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

struct LowerClip : OpRewritePattern<ClipOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ClipOp op, PatternRewriter &rewriter) const override {
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

/// Binary arithmetic: float and signless-integer forms.
template <typename OpTy, typename FloatOp, typename IntOp>
struct LowerBinary : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    bool isFloat = llvm::isa<FloatType>(op.getType().getElementType());
    Value result = buildElementwise(
        rewriter, op.getLoc(), op.getType(), ValueRange{op.getLhs(), op.getRhs()},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          if (isFloat)
            return FloatOp::create(b, l, a[0], a[1]);
          return IntOp::create(b, l, a[0], a[1]);
        });
    if constexpr (std::is_same_v<OpTy, AddOp>)
      result = applyActivation(rewriter, op.getLoc(), result, op.getAct(),
                               op.getActParams());
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct LowerPow : OpRewritePattern<PowOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PowOp op, PatternRewriter &rewriter) const override {
    if (!llvm::isa<FloatType>(op.getType().getElementType()))
      return rewriter.notifyMatchFailure(op, "integer pow");
    rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(), op.getType(),
                                            ValueRange{op.getLhs(), op.getRhs()},
                                            [](OpBuilder &b, Location l, ValueRange a) {
                                              return math::PowFOp::create(b, l, a[0], a[1])
                                                  .getResult();
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

/// Scalar conversion between the element types lwnn graphs carry.
Value convertScalar(OpBuilder &b, Location loc, Value x, Type to) {
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
  if (fromInt && toFloat)
    return fromInt.getWidth() == 1 ? Value(arith::UIToFPOp::create(b, loc, to, x))
                                   : Value(arith::SIToFPOp::create(b, loc, to, x));
  if (fromFloat && toInt) {
    if (toInt.getWidth() == 1)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                   scalarConstant(b, loc, from, 0.0));
    return arith::FPToSIOp::create(b, loc, to, x);
  }
  if (toInt.getWidth() == 1)
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x,
                                 scalarConstant(b, loc, from, 0.0));
  if (fromInt.getWidth() < toInt.getWidth())
    return fromInt.getWidth() == 1 ? Value(arith::ExtUIOp::create(b, loc, to, x))
                                   : Value(arith::ExtSIOp::create(b, loc, to, x));
  return arith::TruncIOp::create(b, loc, to, x);
}

struct LowerCast : OpRewritePattern<CastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CastOp op, PatternRewriter &rewriter) const override {
    auto type = llvm::cast<RankedTensorType>(op.getType());
    Type to = type.getElementType();
    rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(), type, op.getInput(),
                                            [&](OpBuilder &b, Location l, ValueRange a) {
                                              return convertScalar(b, l, a[0], to);
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
               LowerBinary<DivOp, arith::DivFOp, arith::DivSIOp>>(ctx);
}
