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

#include "ConvRewrites.h"
#include "Kernels/Kernels.h"
#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_CONVTOGEMMPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;

namespace lwcc::cpu {

bool isBatchOneFloat(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || op.hasDynamicShape())
    return false;
  auto out = llvm::cast<RankedTensorType>(op.getDpsInits()[0].getType());
  return out.getDimSize(0) == 1 && llvm::isa<FloatType>(out.getElementType());
}

Value collapse(OpBuilder &b, Location loc, Value value,
               ArrayRef<ReassociationIndices> groups) {
  return tensor::CollapseShapeOp::create(b, loc, value, groups);
}

Value padWith(OpBuilder &b, Location loc, Value source, ArrayRef<int64_t> low,
              ArrayRef<int64_t> high, Value value) {
  auto type = llvm::cast<RankedTensorType>(source.getType());
  SmallVector<int64_t> shape(type.getShape());
  for (auto [i, size] : llvm::enumerate(shape))
    size += low[i] + high[i];
  MLIRContext *ctx = b.getContext();
  return tensor::PadOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), source,
      getAsIndexOpFoldResult(ctx, low), getAsIndexOpFoldResult(ctx, high),
      value);
}

Value zeroOf(OpBuilder &b, Location loc, Value tensor) {
  Type element =
      llvm::cast<RankedTensorType>(tensor.getType()).getElementType();
  return arith::ConstantOp::create(b, loc, b.getZeroAttr(element));
}

Value extendImage(OpBuilder &b, Location loc, Value input, int64_t rows,
                  int64_t cols) {
  if (rows == 0 && cols == 0)
    return input;
  auto pad = input.getDefiningOp<tensor::PadOp>();
  if (pad && pad.getConstantPaddingValue() && pad.getLow().empty() &&
      pad.getHigh().empty()) {
    SmallVector<int64_t> high(pad.getStaticHigh());
    high[2] += rows;
    high[3] += cols;
    return padWith(b, loc, pad.getSource(), pad.getStaticLow(), high,
                   pad.getConstantPaddingValue());
  }
  return padWith(b, loc, input, {0, 0, 0, 0}, {0, 0, rows, cols},
                 zeroOf(b, loc, input));
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

} // namespace lwcc::cpu

namespace {

using namespace lwcc::cpu;

/// An image product computes at most one dropped column per this many
/// output columns (14x14 outputs: 2 of 16 still beat the im2col; 7x7
/// ones, 2 of 9, do not).
constexpr int64_t kMaxDroppedColumns = 7;
/// A strided conv runs as an image product only with at least this many
/// taps per phase.
constexpr int64_t kMinStridedTaps = 4;

/// What an op computes, for profiles (lwcc-cpu-profile).

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

/// conv_2d_nchw_fchw as matmul, conv_2d_ngchw_gfchw (one more leading group
/// dimension everywhere) as batch_matmul over the groups.
template <typename ConvOp, typename GemmOp>
struct ConvAsGemm : OpRewritePattern<ConvOp> {
  using OpRewritePattern<ConvOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<ConvOperands> operands = batchOneOperands(op, rewriter);
    if (failed(operands))
      return failure();
    Location loc = op.getLoc();
    auto [input, filter, init, inType, wType, outType, s, d] = *operands;
    int64_t rank = outType.getRank();
    bool grouped = rank == 5;
    int64_t kh = wType.getDimSize(rank - 2), kw = wType.getDimSize(rank - 1);
    int64_t oh = outType.getDimSize(rank - 2),
            ow = outType.getDimSize(rank - 1);
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

/// The sy x sx phases of `image` [1, C, H, W] (H and W multiples of the
/// strides) that taps read, the first `py` x `px`: [py, px, C, hq, wq].
Value phases(OpBuilder &b, Location loc, Value image, int64_t py, int64_t px,
             ArrayRef<int64_t> strides, int64_t hq, int64_t wq) {
  MLIRContext *ctx = b.getContext();
  auto type = llvm::cast<RankedTensorType>(image.getType());
  auto dim = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = {
      AffineMap::get(5, 0,
                     {getAffineConstantExpr(0, ctx), dim(2),
                      dim(3) * strides[0] + dim(0),
                      dim(4) * strides[1] + dim(1)},
                     ctx),
      AffineMap::getMultiDimIdentityMap(5, ctx)};
  Value empty = tensor::EmptyOp::create(
      b, loc, {py, px, type.getDimSize(1), hq, wq}, type.getElementType());
  auto copy = linalg::GenericOp::create(
      b, loc, TypeRange{empty.getType()}, ValueRange{image}, ValueRange{empty},
      maps, SmallVector<utils::IteratorType>(5, utils::IteratorType::parallel),
      [](OpBuilder &nb, Location nl, ValueRange args) {
        linalg::YieldOp::create(nb, nl, args[0]);
      });
  copy->setAttr(lwcc::cpu::kKindAttr, b.getStringAttr("phases"));
  return copy.getResult(0);
}

/// The accumulator `init` ([1, F, OH, OW]) would start from, on a wider
/// [1, F, OH, width] tensor: a fill or a broadcast that does not depend on
/// the pixel is recomputed on the wider shape, anything else padded.
Value widenInit(OpBuilder &b, Location loc, Value init, int64_t width) {
  auto type = llvm::cast<RankedTensorType>(init.getType());
  SmallVector<int64_t> shape(type.getShape());
  int64_t extra = width - shape[3];
  shape[3] = width;
  auto wideType = RankedTensorType::get(shape, type.getElementType());
  Operation *def = init.getDefiningOp();
  auto generic = llvm::dyn_cast_or_null<linalg::GenericOp>(def);
  auto fill = llvm::dyn_cast_or_null<linalg::FillOp>(def);
  bool pixelFree =
      generic && generic.getNumDpsInits() == 1 &&
      generic.getNumParallelLoops() == generic.getNumLoops() &&
      generic.getIndexingMapsArray().back().isIdentity() &&
      llvm::all_of(generic.getDpsInputOperands(),
                   [&](OpOperand *input) {
                     AffineMap map = generic.getMatchingIndexingMap(input);
                     return !map.isFunctionOfDim(2) && !map.isFunctionOfDim(3);
                   }) &&
      !llvm::any_of(generic.getRegion().front(), [](Operation &op) {
        return llvm::isa<linalg::IndexOp>(op);
      });
  if (fill || pixelFree) {
    Value empty = tensor::EmptyOp::create(b, loc, shape, type.getElementType());
    IRMapping mapping;
    mapping.map(llvm::cast<linalg::LinalgOp>(def).getDpsInits()[0], empty);
    Operation *clone = b.clone(*def, mapping);
    clone->getResult(0).setType(wideType);
    return clone->getResult(0);
  }
  return padWith(b, loc, init, {0, 0, 0, 0}, {0, 0, 0, extra},
                 zeroOf(b, loc, init));
}

/// Whether `value` only reaches max pools, through element-wise ops of one
/// input and pads (squeezenet's and shufflenet's 3x3 stride-2 stems, their
/// activations moved past the pool by lwnn-fuse-activations).
bool onlyMaxPoolReads(Value value) {
  while (value.hasOneUse()) {
    OpOperand &use = *value.use_begin();
    Operation *user = use.getOwner();
    if (auto pool = llvm::dyn_cast<linalg::PoolingNchwMaxOp>(user))
      return use.get() == pool.getInputs()[0];
    if (auto pad = llvm::dyn_cast<tensor::PadOp>(user)) {
      value = pad.getResult();
      continue;
    }
    auto generic = llvm::dyn_cast<linalg::GenericOp>(user);
    if (!generic || generic.getNumDpsInputs() != 1 ||
        generic.getNumResults() != 1 || generic.getNumReductionLoops() != 0 ||
        use.getOperandNumber() != 0)
      return false;
    value = generic.getResult(0);
  }
  return false;
}

/// A convolution without an im2col. Stride 1 first: on its padded input
/// [1, C, Hp, Wp], output pixel (y, x) is column n = y * Wp + x of a
/// product over the image flattened to [C, Hp*Wp], where tap (ky, kx) of
/// channel c is row c shifted by ky*Wp + kx. Every row of the column matrix
/// is a run of the image itself, so the GEMM kernel packs its tiles
/// straight from it; the Wp - OW columns past each output row are computed
/// and dropped (the result is a slice of a [1, F, OH, Wp] product). A
/// stride (sy, sx) first splits the image into its sy x sx phases
/// Q[py, px, c, i, j] = P[c, i*sy + py, j*sx + px]; tap (ky, kx) then reads
/// phase (ky mod sy, kx mod sx) shifted by (ky / sy, kx / sx), a stride-1
/// product again, and the phase copy is the input's size where an im2col
/// is KH*KW/(sy*sx) times it. The image gets rows at the bottom (and the
/// phases columns on the right) so every shifted read stays inside it.
/// Not for small images, where the dropped columns would cost more than
/// the im2col.
struct ConvAsImageGemm : OpRewritePattern<linalg::Conv2DNchwFchwOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::Conv2DNchwFchwOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<ConvOperands> operands = batchOneOperands(op, rewriter);
    if (failed(operands))
      return failure();
    Location loc = op.getLoc();
    auto [input, filter, init, inType, wType, outType, s, d] = *operands;
    int64_t kh = wType.getDimSize(2), kw = wType.getDimSize(3);
    int64_t channels = inType.getDimSize(1), hp = inType.getDimSize(2),
            wp = inType.getDimSize(3);
    int64_t oh = outType.getDimSize(2), ow = outType.getDimSize(3);
    bool strided = s[0] != 1 || s[1] != 1;
    if (!strided && kh * kw == 1)
      return rewriter.notifyMatchFailure(op, "a pointwise convolution");
    if (strided && (d[0] != 1 || d[1] != 1))
      return rewriter.notifyMatchFailure(op, "strided and dilated");
    // The phase copy and the dropped columns only pay for themselves where
    // the im2col would be several times the input (7x7 stride 2: 12x; a
    // 3x3 stride-2 conv, 2.25x, measured as fast either way), or where a
    // max pool reads the product's kept columns in place and the input
    // needs no padding, which the im2col would supply without a copy
    // (squeezenet1_1's stem 0.43 -> 0.30 ms, the model 4.24 -> 4.13 ms;
    // shufflenet_v2's, padded, 3% slower with two threads).
    if (strided && kh * kw < kMinStridedTaps * s[0] * s[1] &&
        (op.getInputs()[0].getDefiningOp<tensor::PadOp>() ||
         !onlyMaxPoolReads(op->getResult(0))))
      return rewriter.notifyMatchFailure(op, "im2col small enough");
    // The phases' (or the image's) width, and the rows the last column's
    // taps reach.
    int64_t wq = ceilDivision(wp, s[1]);
    if ((wq - ow) * kMaxDroppedColumns > ow)
      return rewriter.notifyMatchFailure(op, "too many dropped columns");
    int64_t columns = oh * wq;
    int64_t reach =
        columns - 1 + (kh - 1) / s[0] * d[0] * wq + (kw - 1) / s[1] * d[1];
    int64_t hq = std::max(ceilDivision(reach + 1, wq), ceilDivision(hp, s[0]));
    Value image =
        extendImage(rewriter, loc, input, hq * s[0] - hp, wq * s[1] - wp);
    MLIRContext *ctx = rewriter.getContext();
    AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
               c = getAffineDimExpr(2, ctx), ky = getAffineDimExpr(3, ctx),
               kx = getAffineDimExpr(4, ctx);
    AffineExpr row = c, col = n + ky * (d[0] * wq) + kx * d[1];
    if (strided) {
      int64_t py = std::min(s[0], kh), px = std::min(s[1], kw);
      image = phases(rewriter, loc, image, py, px, s, hq, wq);
      row = (ky % s[0] * px + kx % s[1]) * channels + c;
      col = n + ky.floorDiv(s[0]) * wq + kx.floorDiv(s[1]);
      image = collapse(rewriter, loc, image, {{0, 1, 2}, {3, 4}});
    } else {
      image = collapse(rewriter, loc, image, {{0, 1}, {2, 3}});
    }
    Value wide = widenInit(rewriter, loc, init, wq);
    Value acc = collapse(rewriter, loc, wide, {{0, 1}, {2, 3}});
    SmallVector<AffineMap> maps = {AffineMap::get(5, 0, {m, c, ky, kx}, ctx),
                                   AffineMap::get(5, 0, {row, col}, ctx),
                                   AffineMap::get(5, 0, {m, n}, ctx)};
    SmallVector<utils::IteratorType> iterators = {
        utils::IteratorType::parallel, utils::IteratorType::parallel,
        utils::IteratorType::reduction, utils::IteratorType::reduction,
        utils::IteratorType::reduction};
    auto gemm = linalg::GenericOp::create(
        rewriter, loc, TypeRange{acc.getType()}, ValueRange{filter, image},
        ValueRange{acc}, maps, iterators,
        [](OpBuilder &nb, Location nl, ValueRange args) {
          Value product = arith::MulFOp::create(nb, nl, args[0], args[1]);
          linalg::YieldOp::create(
              nb, nl,
              ValueRange{arith::AddFOp::create(nb, nl, args[2], product)});
        });
    gemm->setAttr(lwcc::cpu::kKindAttr, rewriter.getStringAttr("conv-gemm"));
    Value expanded = tensor::ExpandShapeOp::create(
        rewriter, loc, llvm::cast<RankedTensorType>(wide.getType()),
        gemm.getResult(0), SmallVector<ReassociationIndices>{{0, 1}, {2, 3}});
    SmallVector<int64_t> zeros(4, 0), ones(4, 1);
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, outType, expanded, getAsIndexOpFoldResult(ctx, zeros),
        getAsIndexOpFoldResult(ctx, outType.getShape()),
        getAsIndexOpFoldResult(ctx, ones));
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
    if (!lwcc::cpu::isMultiplyAccumulate(op.getRegion().front()))
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
  using ConvToGemmPassBase::ConvToGemmPassBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    if (winograd)
      populateWinogradPatterns(patterns);
    if (imageProducts)
      patterns.add<ConvAsImageGemm>(&getContext(), /*benefit=*/2);
    patterns.add<ConvAsGemm<linalg::Conv2DNchwFchwOp, linalg::MatmulOp>,
                 ConvAsGemm<linalg::Conv2DNgchwGfchwOp, linalg::BatchMatmulOp>,
                 DenseToMatmul>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
