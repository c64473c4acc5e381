//===- EmitKernels.cpp - the lwcc-cpu-emit-kernels pass -------------------===//
//
// Walks a bufferised function and gives each op a kernel exists for its
// vector kernel; ops a kernel declines (dynamic shapes, non-f32, strided
// rows) keep their linalg form and become loops later.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_EMITKERNELSPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;
using namespace lwcc::cpu;

namespace {

struct EmitKernelsPass : lwcc::cpu::impl::EmitKernelsPassBase<EmitKernelsPass> {
  using EmitKernelsPassBase::EmitKernelsPassBase;

  void runOnOperation() override {
    if (vectorBits < 32 || vectorBits % 32 != 0 || vectorRegisters < 8) {
      getOperation().emitError(
          "lwcc-cpu-emit-kernels: vector-bits must be a multiple of 32 "
          "and vector-registers at least 8");
      return signalPassFailure();
    }
    VectorTarget target{vectorBits / 32, vectorRegisters};
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (llvm::isa<linalg::MatmulOp, linalg::BatchMatmulOp,
                    linalg::DepthwiseConv2DNhwcHwcOp, linalg::TransposeOp>(
              op.getOperation()) ||
          isWindowOp(op) ||
          (llvm::isa<linalg::GenericOp>(op.getOperation()) &&
           op.getNumReductionLoops() > 0))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    // The band kernels take both ops of a pair, or neither, which then get
    // kernels of their own below; returns how many pairs were taken.
    llvm::DenseSet<Operation *> fused;
    auto takePairs = [&](function_ref<LogicalResult(
                             Operation *, SmallVectorImpl<Operation *> &)>
                             emitPair) {
      int64_t pairs = 0;
      for (linalg::LinalgOp op : ops) {
        SmallVector<Operation *> taken;
        if (fused.contains(op) || failed(emitPair(op, taken)))
          continue;
        ++pairs;
        fused.insert(taken.begin(), taken.end());
      }
      return pairs;
    };
    // Depthwise + pointwise pairs lwcc-cpu-fuse-depthwise-pointwise tagged.
    numBands += takePairs([&](Operation *op, auto &taken) {
      auto dw = llvm::dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(op);
      if (!dw || !dw->hasAttr(kBandRowsAttr))
        return failure();
      return emitDepthwisePointwise(rewriter, dw, target, taken);
    });
    if (columnBands)
      numColumnBands += takePairs([&](Operation *op, auto &taken) {
        auto gemm = llvm::dyn_cast<linalg::MatmulOp>(op);
        if (!gemm)
          return failure();
        return emitColumnBands(rewriter, gemm, target, taken);
      });
    for (linalg::LinalgOp op : ops) {
      if (fused.contains(op))
        continue;
      auto generic = llvm::dyn_cast<linalg::GenericOp>(op.getOperation());
      if (auto transpose =
              llvm::dyn_cast<linalg::TransposeOp>(op.getOperation())) {
        if (succeeded(emitTransposeKernel(rewriter, transpose)))
          ++numTransposes;
      } else if (auto nhwc = llvm::dyn_cast<linalg::DepthwiseConv2DNhwcHwcOp>(
                     op.getOperation())) {
        if (succeeded(emitChannelsLastDepthwise(rewriter, nhwc, target)))
          ++numChannelsLastDepthwise;
      } else if (generic &&
                 succeeded(emitWinogradInput(rewriter, generic, target))) {
        ++numWinogradInputs;
      } else if (generic &&
                 succeeded(emitWinogradOutput(rewriter, generic, target))) {
        ++numWinogradOutputs;
      } else if (isWindowOp(op)) {
        bool foldedPad = false;
        if (succeeded(emitWindowKernel(rewriter, op, target, foldedPad)))
          ++numWindows;
        numImplicitPads += foldedPad;
      } else if (succeeded(emitGemmKernel(rewriter, op, target))) {
        ++numGemms;
      } else if (generic &&
                 succeeded(emitReductionKernel(rewriter, generic, target))) {
        ++numReductions;
      }
    }
    // Tags of pads no kernel folded: the source stayed live for nothing.
    getOperation().walk([&](memref::LoadOp load) {
      if (load->hasAttr(kKeepAliveAttr))
        rewriter.eraseOp(load);
    });
  }
};

} // namespace
