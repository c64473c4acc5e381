//===- ExpandMath.cpp - math without libm ---------------------------------===//
//
// A generated library may depend on libc alone. LLVM lowers math.exp,
// math.tanh, math.powf, math.floor (without SSE4.1), math.fma (without FMA)
// ... to libm calls, so they are rewritten here into arith: polynomial
// approximations for the transcendental functions, integer tricks for
// rounding, a contractible mul+add for fma.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_EXPANDMATHPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;

namespace {

/// floor(x) for f32 without a libm call or SSE4.1: truncate through i32,
/// step down when that rounded up; |x| >= 2^23 (already integral), inf and
/// NaN pass through.
struct ExpandFloor : OpRewritePattern<math::FloorOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::FloorOp op, PatternRewriter &rewriter) const override {
    Type type = op.getType();
    if (!type.isF32())
      return rewriter.notifyMatchFailure(op, "only f32 floor is expanded");
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Type i32 = rewriter.getI32Type();
    auto f = [&](double v) {
      return arith::ConstantOp::create(rewriter, loc, rewriter.getF32FloatAttr(v));
    };
    Value truncated = arith::SIToFPOp::create(rewriter, loc, type,
                                              arith::FPToSIOp::create(rewriter, loc, i32, x));
    Value roundedUp = arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OGT,
                                            truncated, x);
    Value floor = arith::SelectOp::create(
        rewriter, loc, roundedUp, arith::SubFOp::create(rewriter, loc, truncated, f(1.0)),
        truncated);
    Value small = arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OLT,
                                        math::AbsFOp::create(rewriter, loc, x), f(8388608.0));
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, small, floor, x);
    return success();
  }
};

/// fma(a, b, c) as a * b + c, both marked contractible: LLVM fuses them
/// back into one FMA instruction where the target has one (every AVX2,
/// AVX-512 and NEON core), and keeps two where it has none, instead of
/// calling libm's fmaf.
struct ExpandFma : OpRewritePattern<math::FmaOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::FmaOp op, PatternRewriter &rewriter) const override {
    auto contract = arith::FastMathFlagsAttr::get(rewriter.getContext(),
                                                  arith::FastMathFlags::contract);
    Location loc = op.getLoc();
    Value product =
        arith::MulFOp::create(rewriter, loc, op.getA(), op.getB(), contract);
    rewriter.replaceOpWithNewOp<arith::AddFOp>(op, product, op.getC(), contract);
    return success();
  }
};

struct ExpandMathPass : lwcc::cpu::impl::ExpandMathPassBase<ExpandMathPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    {
      // Reduce to exp/log/tanh first (pow = exp(y * log(x)), ...).
      RewritePatternSet patterns(ctx);
      math::populateExpansionPatterns(
          patterns, {"powf", "fpowi", "exp2", "sinh", "cosh", "rsqrt", "ceil", "floor",
                     "round", "roundeven"});
      if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
        return signalPassFailure();
    }
    {
      RewritePatternSet patterns(ctx);
      populateMathPolynomialApproximationPatterns(patterns);
      if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
        return signalPassFailure();
    }
    {
      // The approximations introduce fma and floor-like ops of their own.
      RewritePatternSet patterns(ctx);
      math::populateExpansionPatterns(patterns, {"ceil", "floor", "round",
                                                 "roundeven"});
      patterns.add<ExpandFloor, ExpandFma>(ctx);
      // bf16 conversions would call compiler-rt's __truncsfbf2.
      arith::populateExpandBFloat16Patterns(patterns);
      if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
        return signalPassFailure();
    }
  }
};

} // namespace
