//===- LowerCopies.cpp - memref.copy -> linalg.copy -----------------------===//
//
// Keeps generated code free of calls into MLIR's runtime: strided copies
// become loops through linalg.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Passes.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_LOWERCOPIESPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;

namespace {

struct LowerCopiesPass : lwcc::cpu::impl::LowerCopiesPassBase<LowerCopiesPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp op) { copies.push_back(op); });
    for (memref::CopyOp copy : copies) {
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(), copy.getTarget());
      copy.erase();
    }
  }
};

} // namespace
