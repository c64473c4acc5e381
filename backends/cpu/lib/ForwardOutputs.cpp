//===- ForwardOutputs.cpp - the model writes its outputs in place ---------===//
//
// buffer-results-to-out-params hoists an output's allocation into the
// caller's buffer only when the returned value is the allocation itself. A
// conv's output comes back through the reshapes of its GEMM view
// (expand_shape of collapse_shape of the alloc), so the model computed it
// in the arena and then copied it out: for a segmentation head or a
// feature extractor that copy is a whole extra pass over the largest
// tensor (a 96x112x112 output: 0.27 ms beside its 0.42 ms conv).
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include <numeric>

namespace lwcc::cpu {
#define GEN_PASS_DEF_FORWARDOUTPUTSPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;

namespace {

/// The allocation `value` reshapes (through expand_shape and collapse_shape
/// only, so it covers the whole buffer), if any.
memref::AllocOp reshapedAlloc(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (auto alloc = llvm::dyn_cast<memref::AllocOp>(def))
      return alloc;
    if (auto expand = llvm::dyn_cast<memref::ExpandShapeOp>(def))
      value = expand.getSrc();
    else if (auto collapse = llvm::dyn_cast<memref::CollapseShapeOp>(def))
      value = collapse.getSrc();
    else
      return nullptr;
  }
  return nullptr;
}

/// Whether every use of `buffer` and of the views taken of it comes before
/// `last` in its block (ops in nested regions by their ancestor there).
bool usedOnlyBefore(Value buffer, Operation *last) {
  SmallVector<Value> worklist = {buffer};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (Operation *user : value.getUsers()) {
      if (user == last)
        continue;
      Operation *inBlock = last->getBlock()->findAncestorOpInBlock(*user);
      if (!inBlock || !inBlock->isBeforeInBlock(last))
        return false;
      if (llvm::isa<ViewLikeOpInterface>(user))
        llvm::append_range(worklist, user->getResults());
    }
  }
  return true;
}

/// `output` (identity layout, same element count) viewed with `type`'s
/// shape.
Value viewAs(OpBuilder &b, Location loc, Value output, MemRefType type) {
  auto outputType = llvm::cast<MemRefType>(output.getType());
  if (outputType.getShape() == type.getShape())
    return output;
  auto allInOne = [](int64_t rank) {
    ReassociationIndices all(rank);
    std::iota(all.begin(), all.end(), 0);
    return SmallVector<ReassociationIndices>{all};
  };
  Value flat = output;
  if (outputType.getRank() != 1)
    flat = memref::CollapseShapeOp::create(b, loc, output,
                                           allInOne(outputType.getRank()));
  if (type.getRank() == 1)
    return flat;
  return memref::ExpandShapeOp::create(b, loc, type, flat,
                                       allInOne(type.getRank()));
}

struct ForwardOutputsPass
    : lwcc::cpu::impl::ForwardOutputsPassBase<ForwardOutputsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Block &entry = func.getBody().front();
    SmallVector<memref::CopyOp> copies;
    for (auto copy : entry.getOps<memref::CopyOp>())
      copies.push_back(copy);
    OpBuilder b(func.getContext());
    for (memref::CopyOp copy : copies) {
      auto output = llvm::dyn_cast<BlockArgument>(copy.getTarget());
      if (!output || output.getOwner() != &entry || !output.hasOneUse())
        continue;
      memref::AllocOp alloc = reshapedAlloc(copy.getSource());
      auto outputType = llvm::dyn_cast<MemRefType>(output.getType());
      if (!alloc || !outputType || !outputType.getLayout().isIdentity() ||
          !outputType.hasStaticShape() || outputType.getNumElements() == 0)
        continue;
      MemRefType allocType = alloc.getType();
      if (!allocType.getLayout().isIdentity() ||
          allocType.getMemorySpace() != outputType.getMemorySpace() ||
          allocType.getRank() == 0 || !usedOnlyBefore(alloc, copy))
        continue;
      b.setInsertionPointToStart(&entry);
      Value view = viewAs(b, alloc.getLoc(), output, allocType);
      Value source = copy.getSource();
      copy.erase();
      // The reshapes that only fed the copy.
      while (Operation *def = source.getDefiningOp()) {
        if (def == alloc || !def->use_empty())
          break;
        source = def->getOperand(0);
        def->erase();
      }
      alloc.replaceAllUsesWith(view);
      alloc.erase();
      ++numForwarded;
    }
  }
};

} // namespace
