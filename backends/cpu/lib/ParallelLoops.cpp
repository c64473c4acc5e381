//===- ParallelLoops.cpp - the remaining loop nests on the thread pool ----===//
//
// What the kernels do not cover (padding fills and copies, im2col, the
// element-wise ops no kernel absorbed) is lowered to scf.parallel by
// linalg. Each such nest at the top of the entry becomes nested scf.for
// loops whose outermost one is marked `lwcc.parallel`, so
// lwcc-cpu-outline-parallel runs it on the thread pool like a kernel.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/IR/IRMapping.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_PARALLELLOOPSPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;

namespace {

/// Rewrites `loop` as scf.for loops, outermost first, dimensions of one
/// iteration (a batch of one) as their constant; returns the outermost loop.
scf::ForOp toNestedFors(OpBuilder &b, scf::ParallelOp loop) {
  Location loc = loop.getLoc();
  IRMapping map;
  scf::ForOp outermost;
  b.setInsertionPoint(loop);
  for (auto [iv, lb, ub, step] : llvm::zip(loop.getInductionVars(), loop.getLowerBound(),
                                           loop.getUpperBound(), loop.getStep())) {
    std::optional<int64_t> from = getConstantIntValue(lb), to = getConstantIntValue(ub),
                           by = getConstantIntValue(step);
    if (from && to && by && *by > 0 && *to - *from <= *by && *to > *from) {
      map.map(iv, lb);
      continue;
    }
    auto nested = scf::ForOp::create(b, loc, lb, ub, step);
    if (!outermost)
      outermost = nested;
    map.map(iv, nested.getInductionVar());
    b.setInsertionPoint(nested.getBody()->getTerminator());
  }
  for (Operation &op : loop.getBody()->without_terminator())
    b.clone(op, map);
  loop.erase();
  return outermost;
}

struct ParallelLoopsPass : lwcc::cpu::impl::ParallelLoopsPassBase<ParallelLoopsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    OpBuilder b(&getContext());
    for (auto loop : llvm::to_vector(func.getBody().front().getOps<scf::ParallelOp>())) {
      if (loop.getNumResults() != 0 || !loop.getInitVals().empty())
        continue;
      scf::ForOp outer = toNestedFors(b, loop);
      if (!outer)
        continue;
      std::optional<int64_t> lb = getConstantIntValue(outer.getLowerBound()),
                             ub = getConstantIntValue(outer.getUpperBound()),
                             step = getConstantIntValue(outer.getStep());
      if (lb && ub && step && *step > 0 && (*ub - *lb) / *step >= 2) {
        outer->setAttr(lwcc::cpu::kParallelAttr, UnitAttr::get(&getContext()));
        ++numMarked;
      }
    }
  }
};

} // namespace
