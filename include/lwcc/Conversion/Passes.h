//===- Passes.h - lwcc conversion passes ------------------------*- C++ -*-===//
//
// Constructors, registration and pattern populators of the conversions out
// of lwnn.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_CONVERSION_PASSES_H
#define LWCC_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace lwcc {

#define GEN_PASS_DECL
#include "lwcc/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lwcc/Conversion/Passes.h.inc"

/// Rewrites compound lwnn ops (squeeze_excite, channel_shuffle) into the
/// simpler lwnn ops they stand for.
void populateDecomposeLWNNPatterns(mlir::RewritePatternSet &patterns);

/// lwnn -> linalg conversion patterns, one populator per op family.
void populateLowerConvPatterns(mlir::RewritePatternSet &patterns);
void populateLowerElementwisePatterns(mlir::RewritePatternSet &patterns);
void populateLowerPoolPatterns(mlir::RewritePatternSet &patterns);
void populateLowerShapePatterns(mlir::RewritePatternSet &patterns);
void populateLowerTensorPatterns(mlir::RewritePatternSet &patterns);

} // namespace lwcc

#endif // LWCC_CONVERSION_PASSES_H
