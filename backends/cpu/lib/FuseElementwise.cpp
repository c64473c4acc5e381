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
      signalPassFailure();
  }
};

} // namespace
