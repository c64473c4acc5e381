//===- Passes.h - lwnn graph passes -----------------------------*- C++ -*-===//
//
// Pass constructors, registration and pattern populators of the lwnn dialect.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_DIALECT_LWNN_TRANSFORMS_PASSES_H
#define LWCC_DIALECT_LWNN_TRANSFORMS_PASSES_H

#include "lwcc/Dialect/LWNN/IR/LWNNDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace lwcc::lwnn {

#define GEN_PASS_DECL
#include "lwcc/Dialect/LWNN/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lwcc/Dialect/LWNN/Transforms/Passes.h.inc"

/// Patterns of lwnn-raise-idioms, for pipelines that compose them.
void populateRaiseIdiomsPatterns(mlir::RewritePatternSet &patterns);

/// Which graph optimisations run (each also has its own pass flag).
struct GraphOptimizationOptions {
  bool foldBatchNorm = true;
  bool reparameterize = true;
  bool fuseActivations = true;
};

/// The graph optimisations in order, each followed by the clean-up
/// (canonicalisation: constant folding, dead ops; CSE).
void buildGraphOptimizationPipeline(mlir::OpPassManager &pm,
                                    const GraphOptimizationOptions &options);

/// Registers the lwnn passes and `lwnn-optimize` (the pipeline above).
void registerGraphOptimizationPipeline();

} // namespace lwcc::lwnn

#endif // LWCC_DIALECT_LWNN_TRANSFORMS_PASSES_H
