//===- ExpandMath.cpp - math without libm ---------------------------------===//
//
// A generated library may depend on libc alone. LLVM lowers math.exp,
// math.tanh, math.powf, math.floor (without SSE4.1), math.fma (without FMA)
// ... to libm calls, so they are rewritten here into arith: polynomial
// approximations for the transcendental functions, integer tricks for
// rounding, mul+add for fma.
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
      math::populateExpansionPatterns(patterns, {"fma", "ceil", "floor", "round",
                                                 "roundeven"});
      // bf16 conversions would call compiler-rt's __truncsfbf2.
      arith::populateExpandBFloat16Patterns(patterns);
      if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
        return signalPassFailure();
    }
  }
};

} // namespace
