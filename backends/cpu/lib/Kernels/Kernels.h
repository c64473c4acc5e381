//===- Kernels.h - vector kernels the CPU backend emits ---------*- C++ -*-===//
//
// Each kernel replaces one linalg op on static memrefs with loops of vector
// operations, specialised to the op's shapes and the target's registers.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_BACKEND_CPU_KERNELS_H
#define LWCC_BACKEND_CPU_KERNELS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

namespace lwcc::cpu {

/// What the kernels are sized for.
struct VectorTarget {
  /// f32 lanes per vector register.
  int64_t lanes = 8;
  int64_t registers = 16;
};

/// A run of columns one vector covers: `width` lanes from `offset`.
struct Chunk {
  int64_t offset;
  int64_t width;
};

/// Splits columns [begin, end) into vectors of at most `lanes` lanes, each a
/// power of two, widest first; `fits(offset, width)` may veto a width (a
/// one-lane chunk is always accepted).
llvm::SmallVector<Chunk>
splitColumns(int64_t begin, int64_t end, int64_t lanes,
             llvm::function_ref<bool(int64_t, int64_t)> fits = nullptr);

/// Groups chunks into strips of at most `perStrip` vectors.
llvm::SmallVector<llvm::SmallVector<Chunk>> intoStrips(llvm::ArrayRef<Chunk> chunks,
                                                       int64_t perStrip);

mlir::Value indexConstant(mlir::OpBuilder &b, mlir::Location loc, int64_t value);

/// Loop body: gets the induction variable and the iteration values, returns
/// the values to carry on.
using LoopBody = llvm::function_ref<llvm::SmallVector<mlir::Value>(mlir::Value, mlir::ValueRange)>;

/// An scf.for from `lower` to `upper` whose body `body` builds with `b`.
mlir::scf::ForOp buildLoop(mlir::OpBuilder &b, mlir::Location loc, int64_t lower,
                                         int64_t upper, int64_t step, mlir::ValueRange inits,
                                         LoopBody body);

/// Marks `loop`'s iterations as independent (lwcc-cpu-outline-parallel).
void markParallel(mlir::scf::ForOp loop);

/// True for a memref whose shape is static and whose innermost dimension is
/// contiguous, so rows can be read with vector loads.
bool isVectorAddressable(mlir::Value memref);

/// Replaces a float linalg.matmul / linalg.batch_matmul (default maps) on
/// memrefs with the register-blocked GEMM. Fails without changing anything
/// if the op is not one it handles.
mlir::LogicalResult emitGemmKernel(mlir::RewriterBase &rewriter, mlir::linalg::LinalgOp op,
                                   const VectorTarget &target);

/// Replaces a float linalg.depthwise_conv_2d_nchw_chw on memrefs with the
/// row-vectorised depthwise kernel.
mlir::LogicalResult emitDepthwiseKernel(mlir::RewriterBase &rewriter,
                                        mlir::linalg::DepthwiseConv2DNchwChwOp op,
                                        const VectorTarget &target);

} // namespace lwcc::cpu

#endif // LWCC_BACKEND_CPU_KERNELS_H
