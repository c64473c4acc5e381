//===- FoldBatchNorm.cpp - inference batch norm into the producing conv ---===//
//
// bn(conv(x)) = conv'(x) with filter'[o] = s[o] * filter[o] and
// bias'[o] = s[o] * (bias[o] - mean[o]) + beta[o], s = gamma / sqrt(var + eps):
// the normalisation costs nothing at run time.
//
//===----------------------------------------------------------------------===//

#include "ConvWeights.h"
#include "lwcc/Dialect/LWNN/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace lwcc::lwnn {
#define GEN_PASS_DEF_FOLDBATCHNORMPASS
#include "lwcc/Dialect/LWNN/Transforms/Passes.h.inc"
} // namespace lwcc::lwnn

using namespace mlir;
using namespace lwcc::lwnn;

namespace {

struct FoldBatchNormIntoConv : OpRewritePattern<BatchNormOp> {
  FoldBatchNormIntoConv(MLIRContext *context, llvm::Statistic &folded)
      : OpRewritePattern(context), folded(folded) {}

  LogicalResult matchAndRewrite(BatchNormOp op, PatternRewriter &rewriter) const override {
    if (!op.getInput().hasOneUse())
      return rewriter.notifyMatchFailure(op, "the convolution has other users");
    std::optional<LinearConv> conv = readLinearConv(op.getInput());
    if (!conv || conv->groups == 0)
      return rewriter.notifyMatchFailure(op, "input is not a constant-weight convolution");
    std::optional<LinearConv> norm = readLinearConv(op.getResult());
    if (!norm)
      return rewriter.notifyMatchFailure(op, "parameters are not constants");
    scaleOutputs(*conv, norm->diagonal, norm->bias);
    Value folded = buildLinearConv(rewriter, op.getLoc(), *conv, op.getType());
    if (!folded)
      return rewriter.notifyMatchFailure(op, "folded convolution has another shape");
    rewriter.replaceOp(op, folded);
    ++this->folded;
    return success();
  }

  llvm::Statistic &folded;
};

struct FoldBatchNormPass : lwcc::lwnn::impl::FoldBatchNormPassBase<FoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldBatchNormIntoConv>(&getContext(), numFolded);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
