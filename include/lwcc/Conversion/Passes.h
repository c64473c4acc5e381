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
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
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

/// Quantised ops to integer arithmetic on storage types (see LowerQuant.cpp).
void populateLowerQuantPatterns(mlir::RewritePatternSet &patterns);

/// Whether `op` is a convolution or matmul the quantised lowering turns into
/// i32 accumulation.
bool isQuantizedContraction(mlir::Operation *op);

/// Whether `op` only moves elements, so it can carry quantised tensors.
bool isQuantizedMovement(mlir::Operation *op);

/// Removes the storage casts between quantised and storage types that the
/// quantised lowering leaves in pairs; fails at a quantised value it left.
mlir::LogicalResult cancelStorageCasts(mlir::func::FuncOp func);

/// Makes every integer tensor in `func` signless, marking the lwnn ops whose
/// lowering must treat their integers as unsigned.
void makeSignless(mlir::func::FuncOp func);

} // namespace lwcc

#endif // LWCC_CONVERSION_PASSES_H
