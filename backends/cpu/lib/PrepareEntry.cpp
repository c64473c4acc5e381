//===- PrepareEntry.cpp - read-only model inputs --------------------------===//
//
// Marks the arguments of public functions non-writable so bufferisation
// copies instead of computing in place in the caller's input buffers.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Passes.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_PREPAREENTRYPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;

namespace {

struct PrepareEntryPass : lwcc::cpu::impl::PrepareEntryPassBase<PrepareEntryPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal() || !func.isPublic())
      return;
    Builder b(&getContext());
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
      if (llvm::isa<TensorType>(func.getArgument(i).getType()))
        func.setArgAttr(i, bufferization::BufferizationDialect::kWritableAttrName,
                        b.getBoolAttr(false));
  }
};

} // namespace
