//===- MarkImplicitPads.cpp - the lwcc-cpu-mark-implicit-pads pass --------===//
//
// See ImplicitPad.cpp: the tag keeps a padded depthwise conv or pool input's
// source live until the kernel that reads it in place of the padded copy
// has run.
//
//===----------------------------------------------------------------------===//

#include "Kernels/Kernels.h"
#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_MARKIMPLICITPADSPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;
using namespace lwcc::cpu;

namespace {

struct MarkImplicitPadsPass
    : lwcc::cpu::impl::MarkImplicitPadsPassBase<MarkImplicitPadsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> windows;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isWindowOp(op) ||
          llvm::isa<linalg::DepthwiseConv2DNhwcHwcOp>(op.getOperation()))
        windows.push_back(op);
    });
    for (linalg::LinalgOp conv : windows) {
      if (!conv.hasPureBufferSemantics())
        continue;
      std::optional<ImplicitPad> pad =
          matchImplicitPad(conv.getDpsInputs()[0], conv,
                           isWindowOp(conv) ? windowPadValue(conv) : 0.0);
      if (!pad)
        continue;
      Operation *after = conv;
      Value out = rootOf(conv.getDpsInits()[0]);
      for (Operation *op = conv->getNextNode(); op; op = op->getNextNode())
        if (touches(op, out)) {
          if (!op->hasTrait<OpTrait::IsTerminator>())
            after = op;
          break;
        }
      // The band kernel reads the source until the pointwise conv's end.
      if (auto dw = llvm::dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(
              conv.getOperation());
          dw && dw->hasAttr(kBandRowsAttr))
        if (std::optional<DepthwisePointwise> pair =
                matchDepthwisePointwise(dw))
          after = pair->end;
      OpBuilder b(after->getContext());
      b.setInsertionPointAfter(after);
      Value zero = arith::ConstantIndexOp::create(b, conv.getLoc(), 0);
      auto load = memref::LoadOp::create(b, conv.getLoc(), pad->source,
                                         SmallVector<Value>(4, zero));
      load->setAttr(kKeepAliveAttr, b.getUnitAttr());
      ++numMarked;
    }
  }
};

} // namespace
