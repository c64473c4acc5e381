//===- UntieInits.cpp - one destination per op ----------------------------===//
//
// A destination is an empty tensor, an empty tensor filled with a constant
// by an op that reads nothing else, or a reshape of either. Cloning one per use
// is free at run time (the fill runs once per use either way, or is absorbed by
// the kernel writing into it) and spares one-shot bufferisation the copies it
// makes when several ops write into one shared tensor.
//
//===----------------------------------------------------------------------===//

#include "Kernels/Kernels.h"
#include "lwcc/Backend/CPU/Passes.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_UNTIEINITSPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;

namespace {

/// Whether `op` fills an empty tensor with a constant and reads nothing else.
bool isConstantFill(Operation *op) {
  auto linalgOp = llvm::dyn_cast<linalg::LinalgOp>(op);
  return linalgOp && linalgOp.hasPureTensorSemantics() &&
         lwcc::cpu::constantFillValue(op) &&
         linalgOp.getDpsInits()[0].getDefiningOp<tensor::EmptyOp>();
}

/// Gives every use of `op`'s result but one a clone of `op` of its own.
int64_t untie(Operation *op) {
  SmallVector<OpOperand *> uses;
  for (OpOperand &use : op->getResult(0).getUses())
    uses.push_back(&use);
  for (OpOperand *use : llvm::drop_begin(uses)) {
    OpBuilder b(use->getOwner());
    use->set(b.clone(*op)->getResult(0));
  }
  return uses.empty() ? 0 : uses.size() - 1;
}

/// Whether `op` computes a destination: an empty tensor, a constant fill
/// of one, or a reshape of a destination (CSE shares those too).
bool isDestination(Operation *op) {
  if (llvm::isa<tensor::EmptyOp>(op) || isConstantFill(op))
    return true;
  if (!llvm::isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(op))
    return false;
  Operation *source = op->getOperand(0).getDefiningOp();
  return source && isDestination(source);
}

struct UntieInitsPass : lwcc::cpu::impl::UntieInitsPassBase<UntieInitsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> destinations;
    getOperation().walk([&](Operation *op) {
      if (op->getNumResults() == 1 && isDestination(op))
        destinations.push_back(op);
    });
    // Last first: a clone adds uses to the op before it in the chain
    // (a reshape's fill, a fill's empty), untied in turn.
    for (Operation *op : llvm::reverse(destinations))
      numUntied += untie(op);
  }
};

} // namespace
