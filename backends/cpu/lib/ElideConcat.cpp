//===- ElideConcat.cpp - producers write straight into the concat buffer --===//
//
// A lowered concat is a chain of insert_slices into a tensor.empty, each
// after the last of the inputs is computed. The chain is rebuilt in the
// order its inputs are produced, each insert right after its input, and the
// concat's empty moves to the entry block; then an element-wise producer's
// init can be the slice of the chain value just before it:
//
//   %s = tensor.extract_slice %chain[...]
//   %r = linalg.generic ... outs(%s)
//   %next = tensor.insert_slice %r into %chain[...]
//
// which one-shot bufferisation recognises as writing the slice in place
// (the insert copies a buffer onto itself, which folds away). Inserting
// disjoint slices commutes, so the order of the chain is free.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Passes.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_ELIDECONCATPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;

namespace {

/// Whether the slice is one run of consecutive elements of the destination:
/// unit dimensions, then one partial dimension, then whole dimensions.
bool isContiguousSlice(tensor::InsertSliceOp insert) {
  if (!insert.getOffsets().empty() || !insert.getSizes().empty() ||
      !insert.getStrides().empty() || !insert.hasUnitStride())
    return false;
  ArrayRef<int64_t> sizes = insert.getStaticSizes();
  ArrayRef<int64_t> full = insert.getDestType().getShape();
  if (sizes.size() != full.size())
    return false;
  size_t partial = 0;
  while (partial < sizes.size() && sizes[partial] == 1)
    ++partial;
  for (size_t i = partial + 1; i < sizes.size(); ++i)
    if (sizes[i] != full[i])
      return false;
  return true;
}

/// The init of the all-parallel generic computing `value`, if it is an
/// empty tensor the generic only writes (never reads what it holds). CSE
/// merges equal empty tensors, so others may use the same one.
OpOperand *producerInit(Value value) {
  auto generic = value.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic->getNumResults() != 1 ||
      generic.getNumLoops() != generic.getNumParallelLoops())
    return nullptr;
  OpOperand &init = generic.getDpsInitsMutable()[0];
  if (generic.payloadUsesValueFromOperand(&init) ||
      !init.get().getDefiningOp<tensor::EmptyOp>())
    return nullptr;
  return &init;
}

/// The insert_slices of one lowered concat, first to last.
SmallVector<tensor::InsertSliceOp> concatChain(tensor::EmptyOp buffer) {
  SmallVector<tensor::InsertSliceOp> chain;
  Value value = buffer.getResult();
  while (value.hasOneUse()) {
    auto insert = llvm::dyn_cast<tensor::InsertSliceOp>(*value.user_begin());
    if (!insert || insert.getDest() != value)
      break;
    chain.push_back(insert);
    value = insert.getResult();
  }
  return chain;
}

struct ElideConcatPass : lwcc::cpu::impl::ElideConcatPassBase<ElideConcatPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Block &entry = func.getBody().front();
    // An empty tensor shared with other ops is no concat's own (see
    // lwcc-cpu-untie-inits).
    SmallVector<tensor::EmptyOp> buffers;
    for (auto empty : entry.getOps<tensor::EmptyOp>())
      if (empty.getType().hasStaticShape() && empty->hasOneUse())
        buffers.push_back(empty);
    for (tensor::EmptyOp buffer : buffers)
      elide(entry, buffer, concatChain(buffer));
    // The producers' own empty tensors, now unused.
    for (tensor::EmptyOp empty :
         llvm::make_early_inc_range(entry.getOps<tensor::EmptyOp>()))
      if (empty->use_empty())
        empty->erase();
  }

  void elide(Block &entry, tensor::EmptyOp buffer,
             SmallVector<tensor::InsertSliceOp> chain) {
    // A value used elsewhere too keeps its own buffer: others read it while
    // later inserts may still be writing the concat.
    auto elidable = [](tensor::InsertSliceOp insert) {
      OpOperand *init = producerInit(insert.getSource());
      return init && insert.getSource().hasOneUse() &&
             isContiguousSlice(insert) &&
             init->get().getType() == insert.getSourceType();
    };
    if (chain.empty() || !llvm::any_of(chain, elidable) ||
        !llvm::all_of(chain, [](tensor::InsertSliceOp insert) {
          return insert.getOffsets().empty() && insert.getSizes().empty() &&
                 insert.getStrides().empty();
        }))
      return;
    // Inputs computed first go first; block arguments before everything.
    auto producedAt = [&](tensor::InsertSliceOp insert) -> Operation * {
      Operation *def = insert.getSource().getDefiningOp();
      return def ? entry.findAncestorOpInBlock(*def) : nullptr;
    };
    if (llvm::any_of(chain, [&](tensor::InsertSliceOp insert) {
          return insert.getSource().getDefiningOp() && !producedAt(insert);
        }))
      return;
    SmallVector<OpOperand *> consumers;
    for (OpOperand &use : chain.back()->getUses())
      consumers.push_back(&use);
    llvm::stable_sort(chain,
                      [&](tensor::InsertSliceOp a, tensor::InsertSliceOp b) {
                        Operation *x = producedAt(a), *y = producedAt(b);
                        return y && (!x || x->isBeforeInBlock(y));
                      });
    buffer->moveBefore(&entry, entry.begin());
    Value value = buffer.getResult();
    for (tensor::InsertSliceOp insert : chain) {
      insert.getDestMutable().assign(value);
      Operation *after = value.getDefiningOp();
      if (Operation *def = producedAt(insert))
        if (after->isBeforeInBlock(def))
          after = def;
      insert->moveAfter(after);
      value = insert.getResult();
    }
    for (OpOperand *use : consumers)
      use->set(value);
    for (tensor::InsertSliceOp insert : chain) {
      if (!elidable(insert))
        continue;
      OpOperand *init = producerInit(insert.getSource());
      OpBuilder b(init->getOwner());
      auto slice = tensor::ExtractSliceOp::create(
          b, insert.getLoc(), insert.getSourceType(), insert.getDest(),
          insert.getMixedOffsets(), insert.getMixedSizes(),
          insert.getMixedStrides());
      init->set(slice.getResult());
      ++numElided;
    }
  }
};

} // namespace
