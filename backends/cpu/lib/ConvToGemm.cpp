//===- ConvToGemm.cpp - batch-1 convolutions as matrix products -----------===//
//
// A batch-1 NCHW convolution is W[O, C*KH*KW] x col[C*KH*KW, OH*OW]. A 1x1
// stride-1 convolution needs no col: the input viewed as [C, H*W] already is
// it. Otherwise an im2col copy gathers each output pixel's receptive field
// (stride, dilation and the already-applied padding included), so every
// dense convolution runs on one register-blocked GEMM kernel. Grouped
// convolutions become one product per group (linalg.batch_matmul). Constant
// weights are transposed at compile time where that turns a product of one
// column into one of one row (dense layers, 1x1 convs on a single pixel).
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_CONVTOGEMMPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;

namespace {

/// What an op computes, for profiles (lwcc-cpu-profile).

SmallVector<int64_t, 2> values(DenseIntElementsAttr attr) {
  return llvm::to_vector<2>(attr.getValues<int64_t>());
}

/// The im2col copy of `input` ([1, G..., C, Hp, Wp], G optional) for a
/// KHxKW window: [G..., C, KH, KW, OH, OW] collapsed to [G..., C*KH*KW, OH*OW].
Value im2col(OpBuilder &b, Location loc, Value input, int64_t kh, int64_t kw,
             int64_t oh, int64_t ow, ArrayRef<int64_t> strides,
             ArrayRef<int64_t> dilations) {
  MLIRContext *ctx = b.getContext();
  auto inType = llvm::cast<RankedTensorType>(input.getType());
  int64_t rank = inType.getRank(); // 4 (plain) or 5 (grouped)
  int64_t lead = rank - 3; // dims before H, W that are not the batch: C or G, C
  SmallVector<int64_t> shape(inType.getShape().slice(1, lead));
  shape.append({kh, kw, oh, ow});
  int64_t loops = shape.size();
  auto dim = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> inExprs = {getAffineConstantExpr(0, ctx)};
  for (int64_t i = 0; i < lead; ++i)
    inExprs.push_back(dim(i));
  inExprs.push_back(dim(lead + 2) * strides[0] + dim(lead) * dilations[0]);
  inExprs.push_back(dim(lead + 3) * strides[1] + dim(lead + 1) * dilations[1]);
  SmallVector<AffineMap> maps = {AffineMap::get(loops, 0, inExprs, ctx),
                                 AffineMap::getMultiDimIdentityMap(loops, ctx)};
  SmallVector<utils::IteratorType> iterators(loops,
                                             utils::IteratorType::parallel);
  Value empty = tensor::EmptyOp::create(b, loc, shape, inType.getElementType());
  auto copy = linalg::GenericOp::create(
      b, loc, TypeRange{empty.getType()}, ValueRange{input}, ValueRange{empty},
      maps, iterators, [](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, args[0]);
      });
  copy->setAttr(lwcc::cpu::kKindAttr, b.getStringAttr("im2col"));
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i + 1 < lead; ++i)
    groups.push_back({i});
  groups.push_back({lead - 1, lead, lead + 1});
  groups.push_back({lead + 2, lead + 3});
  return tensor::CollapseShapeOp::create(b, loc, copy.getResult(0), groups);
}

Value collapse(OpBuilder &b, Location loc, Value value,
               ArrayRef<ReassociationIndices> groups) {
  return tensor::CollapseShapeOp::create(b, loc, value, groups);
}

/// `weights` [R, C] as [C, R].
DenseElementsAttr transposeMatrix(DenseElementsAttr weights) {
  auto type = llvm::cast<RankedTensorType>(weights.getType());
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  auto transposedType =
      RankedTensorType::get({cols, rows}, type.getElementType());
  if (weights.isSplat())
    return weights.reshape(transposedType);
  auto values = llvm::to_vector(weights.getValues<float>());
  std::vector<float> flipped(values.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      flipped[c * rows + r] = values[r * cols + c];
  return DenseElementsAttr::get(transposedType, ArrayRef<float>(flipped));
}

bool isBatchOneFloat(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || op.hasDynamicShape())
    return false;
  auto out = llvm::cast<RankedTensorType>(op.getDpsInits()[0].getType());
  return out.getDimSize(0) == 1 && llvm::isa<FloatType>(out.getElementType());
}

/// conv_2d_nchw_fchw as matmul, conv_2d_ngchw_gfchw (one more leading group
/// dimension everywhere) as batch_matmul over the groups.
template <typename ConvOp, typename GemmOp>
struct ConvAsGemm : OpRewritePattern<ConvOp> {
  using OpRewritePattern<ConvOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvOp op,
                                PatternRewriter &rewriter) const override {
    if (!isBatchOneFloat(op))
      return rewriter.notifyMatchFailure(
          op, "not a static batch-1 float convolution");
    Location loc = op.getLoc();
    Value input = op.getInputs()[0], filter = op.getInputs()[1],
          init = op.getOutputs()[0];
    auto inType = llvm::cast<RankedTensorType>(input.getType());
    auto wType = llvm::cast<RankedTensorType>(filter.getType());
    auto outType = llvm::cast<RankedTensorType>(init.getType());
    int64_t rank = outType.getRank();
    bool grouped = rank == 5;
    int64_t kh = wType.getDimSize(rank - 2), kw = wType.getDimSize(rank - 1);
    int64_t oh = outType.getDimSize(rank - 2),
            ow = outType.getDimSize(rank - 1);
    SmallVector<int64_t, 2> s = values(op.getStrides()),
                            d = values(op.getDilations());
    bool pointwise = kh == 1 && kw == 1 && s[0] == 1 && s[1] == 1 &&
                     inType.getDimSize(rank - 2) == oh &&
                     inType.getDimSize(rank - 1) == ow;
    // Images [1, (G,) C, H, W] as [(G,) C, H*W]; filters [(G,) F, C, KH, KW]
    // as [(G,) F, C*KH*KW]: W x col.
    SmallVector<ReassociationIndices> image =
        grouped ? SmallVector<ReassociationIndices>{{0, 1}, {2}, {3, 4}}
                : SmallVector<ReassociationIndices>{{0, 1}, {2, 3}};
    SmallVector<ReassociationIndices> window =
        grouped ? SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4}}
                : SmallVector<ReassociationIndices>{{0}, {1, 2, 3}};
    // On a single pixel (a squeeze-excite's 1x1 convs) W x col is one
    // column: as x^T x W^T (W transposed at compile time) it is one row the
    // kernel vectorises along the output channels, not a column of one-lane
    // dot products. Images are then [1, C*H*W].
    DenseElementsAttr constantWeights;
    bool row = pointwise && !grouped && oh * ow == 1 &&
               matchPattern(filter, m_Constant(&constantWeights)) &&
               constantWeights.getElementType().isF32();
    SmallVector<ReassociationIndices> outView =
        row ? SmallVector<ReassociationIndices>{{0}, {1, 2, 3}} : image;
    Value lhs, rhs;
    if (row) {
      auto matrixType = RankedTensorType::get(
          {wType.getDimSize(0), wType.getDimSize(1)}, wType.getElementType());
      lhs = collapse(rewriter, loc, input, outView);
      rhs = arith::ConstantOp::create(
          rewriter, loc, transposeMatrix(constantWeights.reshape(matrixType)));
    } else {
      rhs = pointwise ? collapse(rewriter, loc, input, image)
                      : im2col(rewriter, loc, input, kh, kw, oh, ow, s, d);
      lhs = collapse(rewriter, loc, filter, window);
    }
    Value acc = collapse(rewriter, loc, init, outView);
    auto gemm = GemmOp::create(rewriter, loc, TypeRange{acc.getType()},
                               ValueRange{lhs, rhs}, ValueRange{acc});
    gemm->setAttr(lwcc::cpu::kKindAttr,
                  rewriter.getStringAttr(grouped     ? "grouped-gemm"
                                         : pointwise ? "pointwise"
                                                     : "conv-gemm"));
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, outType, gemm.getResult(0), outView);
    return success();
  }
};

/// A dense layer y[n, o] += x[n, k] * w[o, k] with constant weights: the
/// weights transposed at compile time make it x x w^T, a GEMM whose rows of
/// B are contiguous.
struct DenseToMatmul : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    MLIRContext *ctx = rewriter.getContext();
    if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
        op.getNumDpsInits() != 1)
      return rewriter.notifyMatchFailure(op, "not a two-input generic");
    AffineExpr n = getAffineDimExpr(0, ctx), o = getAffineDimExpr(1, ctx),
               k = getAffineDimExpr(2, ctx);
    SmallVector<AffineMap> expected = {AffineMap::get(3, 0, {n, k}, ctx),
                                       AffineMap::get(3, 0, {o, k}, ctx),
                                       AffineMap::get(3, 0, {n, o}, ctx)};
    if (op.getIndexingMapsArray() != expected ||
        op.getNumReductionLoops() != 1 ||
        op.getIteratorTypesArray()[2] != utils::IteratorType::reduction)
      return rewriter.notifyMatchFailure(op, "not x * w^T");
    Block &body = op.getRegion().front();
    auto yield = llvm::cast<linalg::YieldOp>(body.getTerminator());
    auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
    auto mul = add ? add.getRhs().getDefiningOp<arith::MulFOp>() : nullptr;
    if (!mul || add.getLhs() != body.getArgument(2) ||
        mul.getLhs() != body.getArgument(0) ||
        mul.getRhs() != body.getArgument(1) || body.getOperations().size() != 3)
      return rewriter.notifyMatchFailure(op,
                                         "body is not a multiply-accumulate");
    DenseElementsAttr weights;
    if (!matchPattern(op.getDpsInputs()[1], m_Constant(&weights)) ||
        !weights.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "weights are not f32 constants");
    Location loc = op.getLoc();
    Value wt =
        arith::ConstantOp::create(rewriter, loc, transposeMatrix(weights));
    auto matmul = linalg::MatmulOp::create(rewriter, loc, op.getResultTypes(),
                                           ValueRange{op.getDpsInputs()[0], wt},
                                           op.getDpsInits());
    matmul->setAttr(lwcc::cpu::kKindAttr, rewriter.getStringAttr("dense"));
    rewriter.replaceOp(op, matmul.getResults());
    return success();
  }
};

struct ConvToGemmPass : lwcc::cpu::impl::ConvToGemmPassBase<ConvToGemmPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ConvAsGemm<linalg::Conv2DNchwFchwOp, linalg::MatmulOp>,
                 ConvAsGemm<linalg::Conv2DNgchwGfchwOp, linalg::BatchMatmulOp>,
                 DenseToMatmul>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
