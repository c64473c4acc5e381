//===- Passes.h - CPU backend passes and pipelines --------------*- C++ -*-===//
//
// The CPU backend's passes and the named pipelines that take a lwnn module
// to the LLVM dialect, step by step (each runnable from lwcc-opt).
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_BACKEND_CPU_PASSES_H
#define LWCC_BACKEND_CPU_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace lwcc::cpu {

#define GEN_PASS_DECL
#include "lwcc/Backend/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lwcc/Backend/CPU/Passes.h.inc"

/// Marks an scf.for whose iterations may run on different threads
/// (lwcc-cpu-emit-kernels sets it, lwcc-cpu-outline-parallel consumes it).
inline constexpr llvm::StringLiteral kParallelAttr = "lwcc.parallel";

/// Marks `arith.addi %iv, %step` in the body of a parallel loop: the end of
/// the iterations that body covers. Serially that is the next iteration;
/// lwcc-cpu-outline-parallel runs such a body once for each thread's whole
/// run of iterations and replaces it with the run's end, so a kernel whose
/// iterations would each repeat some work (packing the same tile of B) does
/// it once per thread.
inline constexpr llvm::StringLiteral kRangeEndAttr = "lwcc.range_end";

/// What a linalg op computes, for profiles and kernels: pointwise,
/// conv-gemm, grouped-gemm, dense, im2col (lwcc-cpu-conv-to-gemm).
inline constexpr llvm::StringLiteral kKindAttr = "lwcc.kind";

/// Options of the CPU lowering pipelines.
struct CPUPipelineOptions {
  /// Fuse chains of element-wise linalg ops before bufferisation.
  bool fuseElementwise = true;
  /// Run batch-1 convolutions as GEMMs (lwcc-cpu-conv-to-gemm).
  bool convToGemm = true;
  /// ... reading k x k convolutions' column matrices straight from the
  /// image instead of an im2col where that pays (lwcc-cpu-conv-to-gemm's
  /// image-products option).
  bool imageGemm = true;
  /// ... and 3x3 stride-1 ones with constant filters as Winograd F(4x4,
  /// 3x3) or F(2x2, 3x3) (its winograd option).
  bool winograd = true;
  /// Let element-wise producers write into their concat's buffer
  /// (lwcc-cpu-elide-concat).
  bool elideConcat = true;
  /// Run depthwise convs and the pointwise convs reading them in bands of
  /// rows (lwcc-cpu-fuse-depthwise-pointwise; needs vectorKernels).
  bool fuseDepthwisePointwise = false;
  /// Replace GEMMs and depthwise convolutions with vector kernels
  /// (lwcc-cpu-emit-kernels), sized for this register file.
  bool vectorKernels = true;
  /// Store constant GEMM weights packed in the kernel's reading order
  /// (lwcc-cpu-pack-weights).
  bool packWeights = true;
  /// Run an im2col and the GEMM reading it in bands of output rows, the
  /// column matrix on the stack (lwcc-cpu-emit-kernels' column-bands).
  bool columnBands = true;
  /// "nchw", or lwcc-cpu-choose-layout's "nhwc" or "auto".
  std::string layout = "nchw";
  int64_t vectorBits = 256;
  int64_t vectorRegisters = 16;
  /// Run the kernels' parallel loops on the runtime's thread pool.
  bool parallel = true;
  /// Time each kernel (lwcc-cpu-profile, `lwcc --profile`).
  bool profile = false;
};

/// lwnn -> linalg on tensors (lwcc-cpu-to-linalg).
void buildCPUToLinalgPipeline(mlir::OpPassManager &pm, const CPUPipelineOptions &options);
/// linalg on tensors -> memrefs in a planned arena (lwcc-cpu-bufferize).
void buildCPUBufferizePipeline(mlir::OpPassManager &pm, const CPUPipelineOptions &options);
/// memrefs -> the LLVM dialect with bare-pointer calls (lwcc-cpu-to-llvm).
void buildCPUToLLVMPipeline(mlir::OpPassManager &pm, const CPUPipelineOptions &options);
/// All three in order (lwcc-cpu-lower).
void buildCPULoweringPipeline(mlir::OpPassManager &pm, const CPUPipelineOptions &options);

/// Registers the passes above and the four named pipelines.
void registerCPUBackend();

} // namespace lwcc::cpu

#endif // LWCC_BACKEND_CPU_PASSES_H
