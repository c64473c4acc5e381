//===- FuseDepthwisePointwise.cpp - depthwise + pointwise in row bands ----===//
//
// Picks the depthwise convs whose output only a pointwise conv reads (after
// an optional element-wise op: its activation) and whose output is too big
// to stay in cache between the two, and prepares them for the band kernel
// (Kernels/BandKernel.cpp): the conv, its bias and activation move to just
// before the GEMM, so the arena planner sees the conv's input live where
// the kernel reads it, and a keep-alive load after the GEMM's consumer
// holds it there; the conv is tagged with its rows per band. An expansion
// computing the conv's padded input moves along and is tagged too.
//
//===----------------------------------------------------------------------===//

#include "Kernels/Kernels.h"
#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_FUSEDEPTHWISEPOINTWISEPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;
using namespace lwcc::cpu;

namespace {

/// Rows per band: the most (at most 16, the window kernel's unrolling
/// budget) that divide the output's height into at least two bands whose
/// depthwise rows [C, rows, W] fit in `bandBytes` together with, where an
/// expansion is fused, the input rows its windows read (`inputRowBytes`
/// each, (rows - 1) * stride + window of them); 0 if none do.
int64_t bandRows(ArrayRef<int64_t> out, int64_t bandBytes,
                 int64_t inputRowBytes = 0, int64_t stride = 1,
                 int64_t window = 1) {
  int64_t rowBytes = out[1] * out[3] * 4;
  for (int64_t rows = std::min<int64_t>(16, out[2] / 2); rows >= 1; --rows) {
    int64_t span = (rows - 1) * stride + window;
    if (out[2] % rows == 0 &&
        rows * rowBytes + span * inputRowBytes <= bandBytes)
      return rows;
  }
  return 0;
}

/// Whether the ops `moved` (in order, before `to`) can move to just before
/// `to`: nothing they skip touches what they read or write.
bool canSink(ArrayRef<Operation *> moved, Operation *to) {
  SmallVector<Value> roots;
  for (Operation *op : moved)
    for (Value operand : op->getOperands())
      if (llvm::isa<MemRefType>(operand.getType()) &&
          !rootOf(operand).getDefiningOp<memref::GetGlobalOp>())
        roots.push_back(rootOf(operand)); // constants: nothing writes them
  for (Operation *op = moved.front(); op != to; op = op->getNextNode()) {
    if (llvm::is_contained(moved, op))
      continue;
    if (op->getNumRegions() && !llvm::isa<linalg::LinalgOp>(op))
      return false;
    if (llvm::any_of(roots, [&](Value root) { return touches(op, root); }))
      return false;
  }
  return true;
}

struct FuseDepthwisePointwisePass
    : lwcc::cpu::impl::FuseDepthwisePointwisePassBase<
          FuseDepthwisePointwisePass> {
  using FuseDepthwisePointwisePassBase::FuseDepthwisePointwisePassBase;

  void runOnOperation() override {
    SmallVector<linalg::DepthwiseConv2DNchwChwOp> convs;
    getOperation().walk(
        [&](linalg::DepthwiseConv2DNchwChwOp dw) { convs.push_back(dw); });
    // A projection already in a band loop cannot be the next pair's
    // expansion: moving it would leave its own pair's keep-alive behind.
    llvm::SmallPtrSet<Operation *, 8> projections;
    for (auto dw : convs) {
      std::optional<DepthwisePointwise> pair = matchDepthwisePointwise(dw);
      if (!pair)
        continue;
      ArrayRef<int64_t> out =
          llvm::cast<MemRefType>(dw.getDpsInits()[0].getType()).getShape();
      if (out[1] * out[2] * out[3] * 4 < minBytes)
        continue;
      SmallVector<Operation *> moved;
      if (pair->dwFill)
        moved.push_back(pair->dwFill);
      moved.push_back(dw);
      if (pair->dwConsumer)
        moved.push_back(pair->dwConsumer);
      // With the expansion: its bias, GEMM and activation and the padded
      // copy move too (in program order).
      std::optional<ExpandConv> expansion =
          expand ? matchExpand(dw) : std::nullopt;
      if (expansion && projections.contains(expansion->gemm))
        expansion.reset();
      int64_t rows = 0;
      if (expansion) {
        SmallVector<Operation *> all = {expansion->fill, expansion->gemm};
        if (expansion->consumer)
          all.push_back(expansion->consumer);
        all.append({expansion->pad.fill, expansion->pad.copy});
        llvm::sort(all, [](Operation *x, Operation *y) {
          return x->isBeforeInBlock(y);
        });
        all.append(moved);
        auto strides = dw.getStrides().getValues<int64_t>();
        auto dilations = dw.getDilations().getValues<int64_t>();
        int64_t kh = llvm::cast<MemRefType>(dw.getDpsInputs()[1].getType())
                         .getDimSize(1);
        ArrayRef<int64_t> expanded =
            llvm::cast<MemRefType>(expansion->result.getType()).getShape();
        rows = bandRows(out, expandBandBytes, expanded[1] * expanded[3] * 4,
                        strides[0], (kh - 1) * dilations[0] + 1);
        if (rows && depthwiseBandFits(dw, rows) && canSink(all, pair->pw)) {
          moved = all;
        } else {
          expansion.reset();
          rows = 0;
        }
      }
      if (!expansion)
        rows = bandRows(out, bandBytes);
      if (!rows || !depthwiseBandFits(dw, rows) || !canSink(moved, pair->pw))
        continue;
      for (Operation *op : moved)
        op->moveBefore(pair->pw);
      dw->setAttr(kBandRowsAttr,
                  IntegerAttr::get(IntegerType::get(&getContext(), 64), rows));
      OpBuilder b(pair->end);
      b.setInsertionPointAfter(pair->end);
      SmallVector<Value, 2> read = {dw.getDpsInputs()[0]};
      if (expansion) {
        dw->setAttr(kBandExpandAttr, b.getUnitAttr());
        read.push_back(expansion->input);
        ++numExpanded;
      }
      Value zero = arith::ConstantIndexOp::create(b, dw.getLoc(), 0);
      for (Value input : read) {
        auto type = llvm::cast<MemRefType>(input.getType());
        auto load = memref::LoadOp::create(
            b, dw.getLoc(), input, SmallVector<Value>(type.getRank(), zero));
        load->setAttr(kKeepAliveAttr, b.getUnitAttr());
      }
      projections.insert(pair->pw);
      ++numFused;
    }
  }
};

} // namespace
