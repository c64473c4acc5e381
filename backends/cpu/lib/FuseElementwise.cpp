//===- FuseElementwise.cpp - element-wise fusion that spares the GEMMs ----===//
//
// linalg's element-wise fusion also fuses producers into reductions and
// propagates reshapes by generalising named ops, which would turn the GEMMs
// the kernels match back into generics (a dense layer would absorb the
// global pool's division, a conv's matmul its reshapes). Here fusion is
// limited to chains of all-parallel linalg.generic ops.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_FUSEELEMENTWISEPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;

namespace {

bool isParallelGeneric(Operation *op) {
  auto generic = llvm::dyn_cast_if_present<linalg::GenericOp>(op);
  return generic && generic.getNumLoops() == generic.getNumParallelLoops();
}

/// f(slice(product)) -> slice(f(product)) for an element-wise f of one
/// input on the kept columns of an image product (lwcc-cpu-conv-to-gemm):
/// on the whole product, f is an epilogue the GEMM kernel absorbs, where on
/// the slice it was a pass of its own; the padded copy or the window kernel
/// after it reads the kept columns in place. f also runs on the dropped
/// columns, which hold finite partial sums.
struct ElementwiseOnWholeProduct : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 1 ||
        op.getNumDpsInits() != 1 || !isParallelGeneric(op) ||
        !llvm::all_of(op.getIndexingMapsArray(),
                      [](AffineMap map) { return map.isIdentity(); }))
      return rewriter.notifyMatchFailure(op, "not element-wise on one input");
    // Only where a padded copy reads the result anyway: that copy then
    // reads the kept columns from the product (the pass is saved), where
    // any other reader would need the kept columns copied out (no better
    // than the pass).
    if (!op->hasOneUse() || !llvm::isa<tensor::PadOp>(*op->user_begin()))
      return rewriter.notifyMatchFailure(op, "result not only padded");
    Block &body = op.getRegion().front();
    if (!body.getArgument(1).use_empty() ||
        body.walk([](linalg::IndexOp) { return WalkResult::interrupt(); })
            .wasInterrupted())
      return rewriter.notifyMatchFailure(op, "reads its init or its indices");
    auto slice = op.getDpsInputs()[0].getDefiningOp<tensor::ExtractSliceOp>();
    if (!slice || !slice->hasOneUse() || !slice.hasUnitStride() ||
        !llvm::all_of(slice.getStaticOffsets(),
                      [](int64_t offset) { return offset == 0; }))
      return rewriter.notifyMatchFailure(op, "input is not a kept-columns slice");
    auto expand = slice.getSource().getDefiningOp<tensor::ExpandShapeOp>();
    auto product = expand ? expand.getSrc().getDefiningOp<linalg::GenericOp>()
                          : linalg::GenericOp();
    auto kind = product ? product->getAttrOfType<StringAttr>(lwcc::cpu::kKindAttr)
                        : StringAttr();
    if (!kind || kind.getValue() != "conv-gemm" || !expand->hasOneUse() ||
        product.getNumLoops() != 5)
      return rewriter.notifyMatchFailure(op, "not an image product's slice");
    auto wideType = llvm::cast<RankedTensorType>(expand.getType());
    auto resultType = llvm::cast<RankedTensorType>(op.getResult(0).getType());
    Location loc = op.getLoc();
    Value init = tensor::EmptyOp::create(rewriter, loc, wideType.getShape(),
                                         resultType.getElementType());
    auto whole = linalg::GenericOp::create(
        rewriter, loc,
        TypeRange{RankedTensorType::get(wideType.getShape(),
                                        resultType.getElementType())},
        ValueRange{expand.getResult()}, ValueRange{init},
        op.getIndexingMapsArray(), op.getIteratorTypesArray());
    rewriter.inlineRegionBefore(op.getRegion(), whole.getRegion(),
                                whole.getRegion().end());
    whole->setDiscardableAttrs(op->getDiscardableAttrDictionary());
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, resultType, whole.getResult(0), slice.getMixedOffsets(),
        slice.getMixedSizes(), slice.getMixedStrides());
    return success();
  }
};

struct FuseElementwisePass
    : lwcc::cpu::impl::FuseElementwisePassBase<FuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::ControlFusionFn onlyParallel = [](OpOperand *operand) {
      Operation *producer = operand->get().getDefiningOp();
      Operation *consumer = operand->getOwner();
      auto isReshape = [](Operation *op) {
        return llvm::isa_and_present<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(op);
      };
      if (!(isParallelGeneric(producer) || isReshape(producer)) ||
          !(isParallelGeneric(consumer) || isReshape(consumer)) || !producer->hasOneUse())
        return false;
      // A producer the consumer broadcasts (a squeeze-excite gate over an
      // image) would be recomputed for every element it is broadcast to.
      if (auto generic = llvm::dyn_cast<linalg::GenericOp>(consumer))
        if (!generic.getMatchingIndexingMap(operand).isPermutation())
          return false;
      return true;
    };
    linalg::populateElementwiseOpsFusionPatterns(patterns, onlyParallel);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, onlyParallel);
    linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    // After the fusion above, so it does not fold the product's reshape
    // into the element-wise op that now reads it.
    RewritePatternSet whole(&getContext());
    whole.add<ElementwiseOnWholeProduct>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(whole))))
      signalPassFailure();
  }
};

} // namespace
