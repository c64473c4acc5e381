//===- Decompose.cpp - compound lwnn ops into simpler lwnn ops ------------===//
//
// squeeze_excite exists so graph passes can reason about SE blocks as one
// unit; until a fused kernel exists for it, the lowering spells it out as
// global pool -> 1x1 conv + act -> 1x1 conv + gate -> multiply.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Conversion/Passes.h"
#include "lwcc/Dialect/LWNN/IR/LWNNDialect.h"

using namespace mlir;
using namespace lwcc::lwnn;

namespace {

struct DecomposeSqueezeExcite : OpRewritePattern<SqueezeExciteOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SqueezeExciteOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = llvm::cast<RankedTensorType>(op.getType());
    auto reduceW = llvm::cast<RankedTensorType>(op.getReduceWeight().getType());
    Type elt = type.getElementType();
    int64_t n = type.getDimSize(0), c = type.getDimSize(1), r = reduceW.getDimSize(0);
    auto pooledType = RankedTensorType::get({n, c, 1, 1}, elt);
    auto reducedType = RankedTensorType::get({n, r, 1, 1}, elt);
    DenseI64ArrayAttr unit = rewriter.getDenseI64ArrayAttr({1, 1});
    Value pooled = GlobalAvgPoolOp::create(rewriter, loc, pooledType, op.getInput());
    Value reduced = PointwiseConv2DOp::create(
        rewriter, loc, reducedType, pooled, op.getReduceWeight(), op.getReduceBias(), unit,
        ActivationAttr::get(ctx, op.getAct()), op.getActParamsAttr());
    Value gate = PointwiseConv2DOp::create(
        rewriter, loc, pooledType, reduced, op.getExpandWeight(), op.getExpandBias(), unit,
        ActivationAttr::get(ctx, op.getGate()), op.getGateParamsAttr());
    rewriter.replaceOpWithNewOp<MulOp>(op, type, op.getInput(), gate);
    return success();
  }
};

} // namespace

void lwcc::populateDecomposeLWNNPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeSqueezeExcite>(patterns.getContext());
}
