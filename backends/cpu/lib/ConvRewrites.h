//===- ConvRewrites.h - what lwcc-cpu-conv-to-gemm's patterns share -*- C++
//-*-===//
//
// The preconditions and tensor helpers of the rewrites that turn batch-1
// convolutions into matrix products: the im2col and image products
// (ConvToGemm.cpp) and Winograd's F(4x4, 3x3) (ConvWinograd.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_BACKEND_CPU_CONVREWRITES_H
#define LWCC_BACKEND_CPU_CONVREWRITES_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace lwcc::cpu {

inline int64_t ceilDivision(int64_t a, int64_t b) { return (a + b - 1) / b; }

inline llvm::SmallVector<int64_t, 2> values(mlir::DenseIntElementsAttr attr) {
  return llvm::to_vector<2>(attr.getValues<int64_t>());
}

/// Whether `op` runs on static tensors with a batch of one, in floats.
bool isBatchOneFloat(mlir::linalg::LinalgOp op);

/// A convolution's operands and their types; strides and dilations.
struct ConvOperands {
  mlir::Value input, filter, init;
  mlir::RankedTensorType inType, wType, outType;
  llvm::SmallVector<int64_t, 2> strides, dilations;

  template <typename ConvOp>
  explicit ConvOperands(ConvOp op)
      : input(op.getInputs()[0]), filter(op.getInputs()[1]),
        init(op.getOutputs()[0]),
        inType(llvm::cast<mlir::RankedTensorType>(input.getType())),
        wType(llvm::cast<mlir::RankedTensorType>(filter.getType())),
        outType(llvm::cast<mlir::RankedTensorType>(init.getType())),
        strides(values(op.getStrides())), dilations(values(op.getDilations())) {
  }
};

/// `op`'s operands if it is a static batch-1 float convolution, the
/// patterns' common precondition.
template <typename ConvOp>
mlir::FailureOr<ConvOperands>
batchOneOperands(ConvOp op, mlir::PatternRewriter &rewriter) {
  if (!isBatchOneFloat(op))
    return rewriter.notifyMatchFailure(
        op, "not a static batch-1 float convolution");
  return ConvOperands(op);
}

mlir::Value collapse(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                     llvm::ArrayRef<mlir::ReassociationIndices> groups);

/// `source` padded by `low` and `high` elements per dimension with `value`.
mlir::Value padWith(mlir::OpBuilder &b, mlir::Location loc, mlir::Value source,
                    llvm::ArrayRef<int64_t> low, llvm::ArrayRef<int64_t> high,
                    mlir::Value value);

/// `weights` [R, C] as [C, R].
mlir::DenseElementsAttr transposeMatrix(mlir::DenseElementsAttr weights);

/// A zero of `tensor`'s element type.
mlir::Value zeroOf(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tensor);

/// `input` [1, C, H, W] with `rows` more rows at the bottom and `cols`
/// more columns on the right: the pad it comes from grown (same padding
/// value), or a new zero pad.
mlir::Value extendImage(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value input, int64_t rows, int64_t cols);

/// Adds the rewrite of 3x3 stride-1 convolutions with constant filters into
/// Winograd F(4x4, 3x3) transforms around a batched GEMM (ConvWinograd.cpp).
void populateWinogradPatterns(mlir::RewritePatternSet &patterns);

} // namespace lwcc::cpu

#endif // LWCC_BACKEND_CPU_CONVREWRITES_H
