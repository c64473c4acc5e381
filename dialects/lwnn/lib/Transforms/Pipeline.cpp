//===- Pipeline.cpp - the graph optimisation pipeline ---------------------===//
//
// Batch norms fold first so that branches carry plain convolutions;
// re-parameterisation then merges summed branches, and only after that can
// an activation move into the (merged) layer before it.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Dialect/LWNN/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace lwcc::lwnn {

void buildGraphOptimizationPipeline(OpPassManager &pm,
                                    const GraphOptimizationOptions &options) {
  OpPassManager &fpm = pm.nest<func::FuncOp>();
  if (options.foldBatchNorm)
    fpm.addPass(createFoldBatchNormPass());
  if (options.reparameterize)
    fpm.addPass(createReparameterizePass());
  if (options.fuseActivations)
    fpm.addPass(createFuseActivationsPass());
  fpm.addPass(createCanonicalizerPass());
  fpm.addPass(createCSEPass());
}

void registerGraphOptimizationPipeline() {
  registerLWNNPasses();
  PassPipelineRegistration<>("lwnn-optimize",
                             "lwnn graph optimisations: batch-norm folding, branch "
                             "re-parameterisation, activation fusion, clean-up",
                             [](OpPassManager &pm) {
                               buildGraphOptimizationPipeline(pm, GraphOptimizationOptions());
                             });
}

} // namespace lwcc::lwnn
