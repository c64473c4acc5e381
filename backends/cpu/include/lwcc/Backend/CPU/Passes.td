//===- Passes.td - CPU backend passes ----------------------*- tablegen -*-===//
//
// The CPU backend's own passes, between linalg on tensors and LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_BACKEND_CPU_PASSES_TD
#define LWCC_BACKEND_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def PrepareEntryPass : Pass<"lwcc-cpu-prepare-entry", "::mlir::func::FuncOp"> {
  let summary = "Mark the model's input buffers read-only before bufferisation";
  let description = [{
    The caller owns the input buffers and may reuse them, so one-shot
    bufferisation must never write into a function argument: every argument
    of a public function gets `bufferization.writable = false`.

    A value returned as two outputs is copied so each output has its own
    buffer (buffer-results-to-out-params needs distinct results).

    A zero-size tensor of rank > 1 (e.g. `tensor<20x0x5xf32>`) crosses the
    entry as `tensor<0xf32>`, reshaped inside: MLIR's bare-pointer calling
    convention cannot describe a multi-dimensional memref with no elements.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::linalg::LinalgDialect"];
}

def PlanArenaPass : Pass<"lwcc-plan-arena", "::mlir::func::FuncOp"> {
  let summary = "Place every intermediate buffer in one static arena by liveness";
  let description = [{
    After bufferisation each intermediate tensor is a `memref.alloc` in the
    function body. This pass computes each buffer's live range (its
    allocation to its last use, through views), packs buffers whose ranges
    do not overlap into the same bytes (largest first, lowest free offset),
    replaces each alloc with a `memref.view` into a new trailing function
    argument `memref<Nxi8>` (the arena the context owns) and records N in
    the function's `lwcc.arena_bytes` attribute. Allocations it cannot place
    (dynamic shapes, inside loops) are reported as errors: a generated
    library never calls malloc while it runs.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect"];
  let options = [
    Option<"alignment", "alignment", "int64_t", "64",
           "Byte alignment of every buffer in the arena">
  ];
  let statistics = [
    Statistic<"numBuffers", "num-buffers", "Buffers placed in the arena">,
    Statistic<"naiveBytes", "naive-bytes", "Bytes without reuse">,
    Statistic<"arenaBytes", "arena-bytes", "Bytes of the planned arena">
  ];
}

def LowerCopiesPass : Pass<"lwcc-cpu-lower-copies", "::mlir::func::FuncOp"> {
  let summary = "Turn memref.copy into linalg.copy";
  let description = [{
    `memref.copy` between strided views lowers to a call into MLIR's C
    runner library, which a generated library must not depend on; as
    `linalg.copy` it becomes ordinary loops.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def FlattenConstantsPass : Pass<"lwcc-cpu-flatten-constants", "::mlir::ModuleOp"> {
  let summary = "Store constant buffers as flat 1-D globals";
  let description = [{
    A rank-4 weight global becomes nested LLVM arrays, one uniqued constant
    per innermost row: tens of thousands of constants per model and most of
    the compile time. A flat global is one constant blob; each
    `memref.get_global` then expands it back to the shape its users need.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def ExpandMathPass : Pass<"lwcc-cpu-expand-math", "::mlir::func::FuncOp"> {
  let summary = "Replace math functions that would call libm with inline code";
  let description = [{
    The generated library depends on libc only, so exp, tanh, log, pow,
    floor, ceil, round and fma become polynomial approximations and integer
    tricks in arith. sqrt and abs stay: they are single instructions.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

#endif // LWCC_BACKEND_CPU_PASSES_TD
