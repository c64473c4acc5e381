//===- Pipeline.cpp - the CPU lowering pipelines --------------------------===//
//
// lwnn -> linalg on tensors -> bufferised memrefs in a planned arena ->
// loops -> LLVM dialect. Each stage is a named pipeline so lwcc-opt can run
// and test it alone; the driver runs the same functions.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Passes.h"
#include "lwcc/Conversion/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace lwcc::cpu {

void buildCPUToLinalgPipeline(OpPassManager &pm,
                              const CPUPipelineOptions &options) {
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  fpm.addPass(lwcc::createConvertLWNNToLinalgPass());
  fpm.addPass(createCanonicalizerPass());
  if (options.convToGemm)
    fpm.addPass(createConvToGemmPass({options.imageGemm, options.winograd}));
  if (options.fuseElementwise)
    fpm.addPass(createFuseElementwisePass());
  fpm.addPass(createCSEPass());
  if (options.layout != "nchw")
    fpm.addPass(createChooseLayoutPass({options.layout, options.vectorBits}));
  // After CSE, which merges the destinations these passes tell apart.
  fpm.addPass(createUntieInitsPass());
  if (options.elideConcat)
    fpm.addPass(createElideConcatPass());
}

void buildCPUBufferizePipeline(OpPassManager &pm,
                               const CPUPipelineOptions &options) {
  pm.nest<func::FuncOp>().addPass(createPrepareEntryPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Results become caller-provided buffers; hoisting lets the model write
  // straight into them instead of copying.
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  // A concat input written in place leaves a copy between two equal
  // subviews; CSE makes them one value and the canonicaliser drops the copy.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  pm.nest<func::FuncOp>().addPass(createForwardOutputsPass());
  if (options.vectorKernels && options.fuseDepthwisePointwise)
    pm.nest<func::FuncOp>().addPass(createFuseDepthwisePointwisePass());
  if (options.vectorKernels)
    pm.nest<func::FuncOp>().addPass(createMarkImplicitPadsPass());
  pm.nest<func::FuncOp>().addPass(createPlanArenaPass());
}

void buildCPUToLLVMPipeline(OpPassManager &pm,
                            const CPUPipelineOptions &options) {
  if (options.profile)
    pm.addPass(createProfilePass());
  if (options.vectorKernels && options.packWeights) {
    PackWeightsPassOptions pack;
    pack.vectorBits = options.vectorBits;
    pack.vectorRegisters = options.vectorRegisters;
    pm.addPass(createPackWeightsPass(pack));
  }
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  if (options.vectorKernels) {
    EmitKernelsPassOptions kernels;
    kernels.vectorBits = options.vectorBits;
    kernels.vectorRegisters = options.vectorRegisters;
    kernels.columnBands = options.columnBands;
    fpm.addPass(createEmitKernelsPass(kernels));
  }
  fpm.addPass(createLowerCopiesPass());
  if (options.parallel) {
    // The loop nests the kernels left (pads, im2col, element-wise) share
    // the thread pool with them.
    fpm.addPass(createConvertLinalgToParallelLoopsPass());
    fpm.addPass(createParallelLoopsPass());
    pm.addPass(createOutlineParallelPass());
  } else {
    fpm.addPass(createConvertLinalgToLoopsPass());
  }
  // After outlining, so each task gets its own scratch.
  pm.nest<func::FuncOp>().addPass(createHoistAllocasPass());
  pm.nest<func::FuncOp>().addPass(createExpandMathPass());
  pm.addPass(createFlattenConstantsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  // Views with dynamic offsets (a batch's packed weights) leave affine.apply
  // behind.
  pm.addPass(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  ConvertFuncToLLVMPassOptions funcToLLVM;
  funcToLLVM.useBarePtrCallConv = true;
  pm.addPass(createConvertFuncToLLVMPass(funcToLLVM));
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void buildCPULoweringPipeline(OpPassManager &pm,
                              const CPUPipelineOptions &options) {
  buildCPUToLinalgPipeline(pm, options);
  buildCPUBufferizePipeline(pm, options);
  buildCPUToLLVMPipeline(pm, options);
}

void registerCPUBackend() {
  registerLWCCCPUPasses();
  using Builder = void (*)(OpPassManager &, const CPUPipelineOptions &);
  auto reg = [](StringRef name, StringRef help, Builder build) {
    PassPipelineRegistration<>(name, help, [build](OpPassManager &pm) {
      build(pm, CPUPipelineOptions());
    });
  };
  reg("lwcc-cpu-to-linalg", "lwnn -> linalg on tensors",
      buildCPUToLinalgPipeline);
  reg("lwcc-cpu-bufferize", "linalg on tensors -> memrefs in the planned arena",
      buildCPUBufferizePipeline);
  reg("lwcc-cpu-to-llvm", "memrefs -> LLVM dialect (bare-pointer ABI)",
      buildCPUToLLVMPipeline);
  reg("lwcc-cpu-lower", "lwnn -> LLVM dialect: the three CPU stages in order",
      buildCPULoweringPipeline);
}

} // namespace lwcc::cpu
