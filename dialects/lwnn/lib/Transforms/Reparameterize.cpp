//===- Reparameterize.cpp - parallel linear branches into one conv --------===//
//
// Structural re-parameterisation (RepVGG, ACNet, MobileOne, DBB) at compile
// time: branches that read the same input through a k x k conv, a 1 x 1
// conv, a batch norm or nothing at all, and whose outputs are summed, are
// one convolution whose kernel is the sum of the branches' kernels, each
// zero-extended to the largest window and placed at its own offset. Applied
// to each add in turn, a sum of any number of branches folds into one conv.
//
//===----------------------------------------------------------------------===//

#include "ConvWeights.h"
#include "lwcc/Dialect/LWNN/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace lwcc::lwnn {
#define GEN_PASS_DEF_REPARAMETERIZEPASS
#include "lwcc/Dialect/LWNN/Transforms/Passes.h.inc"
} // namespace lwcc::lwnn

using namespace mlir;
using namespace lwcc::lwnn;

namespace {

/// The branch computing `value`, if it is a linear map only this add uses.
std::optional<LinearConv> readBranch(Value value) {
  if (!value.hasOneUse())
    return std::nullopt;
  return readLinearConv(value);
}

struct MergeSummedBranches : OpRewritePattern<AddOp> {
  MergeSummedBranches(MLIRContext *context, llvm::Statistic &merged)
      : OpRewritePattern(context), merged(merged) {}

  LogicalResult matchAndRewrite(AddOp op, PatternRewriter &rewriter) const override {
    Value lhs = op.getLhs(), rhs = op.getRhs();
    if (lhs.getType() != op.getType() || rhs.getType() != op.getType())
      return rewriter.notifyMatchFailure(op, "broadcasting add");
    std::optional<LinearConv> a = readBranch(lhs), b = readBranch(rhs);
    // The identity branch: the input itself.
    if (a && !b && rhs == a->input)
      b = identityConv(rhs);
    if (b && !a && lhs == b->input)
      a = identityConv(lhs);
    if (!a || !b)
      return rewriter.notifyMatchFailure(op, "operands are not linear branches");
    std::optional<LinearConv> sum = addLinearConvs(*a, *b);
    if (!sum)
      return rewriter.notifyMatchFailure(op, "branch windows do not line up");
    Value conv = buildLinearConv(rewriter, op.getLoc(), *sum, op.getType());
    if (!conv)
      return rewriter.notifyMatchFailure(op, "merged convolution has another shape");
    rewriter.replaceOp(op, conv);
    ++merged;
    return success();
  }

  llvm::Statistic &merged;
};

struct ReparameterizePass : lwcc::lwnn::impl::ReparameterizePassBase<ReparameterizePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<MergeSummedBranches>(&getContext(), numMerged);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
