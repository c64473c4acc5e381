//===- HoistAllocas.cpp - loop-invariant stack buffers to the entry -------===//
//
// An alloca of static shape in a loop body would grow the stack by its size
// on every iteration; in the entry block it is one frame slot. Nothing is
// lost by sharing it across iterations: an alloca's contents start
// undefined, so no iteration may rely on what a fresh buffer holds.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_HOISTALLOCASPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;

namespace {

struct HoistAllocasPass
    : lwcc::cpu::impl::HoistAllocasPassBase<HoistAllocasPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Block &entry = func.getBody().front();
    SmallVector<memref::AllocaOp> nested;
    func.walk([&](memref::AllocaOp op) {
      if (op->getBlock() != &entry && op->getNumOperands() == 0 &&
          !op->getParentOfType<memref::AllocaScopeOp>())
        nested.push_back(op);
    });
    for (memref::AllocaOp op : nested)
      op->moveBefore(&entry, entry.begin());
    numHoisted += nested.size();
  }
};

} // namespace
