//===- LowerConv.cpp - convolutions and dense layers to linalg ------------===//
//
// conv2d / depthwise / pointwise become linalg's NCHW named convolutions on a
// zero-padded input, accumulating into the broadcast bias; groups go through
// linalg's grouped form. Transposed convolutions become a stride-1 conv over
// the zero-upsampled input with the flipped, transposed filter. dense and
// matmul are contractions. Fused activations are an element-wise epilogue.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "lwcc/Conversion/Passes.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace lwcc::lwnn;
using namespace lwcc::lowering;

namespace {

/// The accumulator a conv or dense layer starts from: its bias broadcast
/// along axis 1, or zeros.
Value initAccumulator(OpBuilder &b, Location loc, RankedTensorType type, Value bias) {
  if (!bias)
    return filledTensor(b, loc, type,
                        scalarConstant(b, loc, type.getElementType(), 0.0));
  return buildElementwiseWithMaps(
      b, loc, type, bias, channelMap(b.getContext(), type.getRank()),
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

DenseIntElementsAttr pair(OpBuilder &b, ArrayRef<int64_t> values) {
  return b.getI64TensorAttr({values[0], values[1]});
}

/// An NCHW convolution of `input` (already padded) with OIHW `filter` in
/// `groups` groups, accumulating into `init`.
Value buildConv(OpBuilder &b, Location loc, Value input, Value filter, Value init,
                ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations, int64_t groups) {
  auto resultType = llvm::cast<RankedTensorType>(init.getType());
  if (groups == 1)
    return linalg::Conv2DNchwFchwOp::create(b, loc, TypeRange{resultType},
                                            ValueRange{input, filter}, ValueRange{init},
                                            pair(b, strides), pair(b, dilations))
        .getResult(0);
  // Split the channel dims into [groups, per-group] and use the grouped form.
  auto inType = llvm::cast<RankedTensorType>(input.getType());
  auto wType = llvm::cast<RankedTensorType>(filter.getType());
  auto split = [&](RankedTensorType t, int64_t dim) {
    SmallVector<int64_t> shape(t.getShape());
    shape[dim] /= groups;
    shape.insert(shape.begin() + dim, groups);
    return RankedTensorType::get(shape, t.getElementType());
  };
  auto gIn = split(inType, 1), gOut = split(resultType, 1), gW = split(wType, 0);
  Value in = tensor::ExpandShapeOp::create(b, loc, gIn, input,
                                           {{0}, {1, 2}, {3}, {4}});
  Value w = tensor::ExpandShapeOp::create(b, loc, gW, filter,
                                          {{0, 1}, {2}, {3}, {4}});
  Value acc = tensor::ExpandShapeOp::create(b, loc, gOut, init,
                                            {{0}, {1, 2}, {3}, {4}});
  Value conv = linalg::Conv2DNgchwGfchwOp::create(b, loc, TypeRange{gOut},
                                                  ValueRange{in, w}, ValueRange{acc},
                                                  pair(b, strides), pair(b, dilations))
                   .getResult(0);
  return tensor::CollapseShapeOp::create(b, loc, resultType, conv,
                                         {{0}, {1, 2}, {3}, {4}});
}

Value zeroOf(OpBuilder &b, Location loc, Value tensor) {
  return scalarConstant(
      b, loc, llvm::cast<RankedTensorType>(tensor.getType()).getElementType(), 0.0);
}

struct LowerConv2D : OpRewritePattern<Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Conv2DOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = padSpatial(rewriter, loc, op.getInput(), op.getPads(),
                             zeroOf(rewriter, loc, op.getInput()));
    Value init = initAccumulator(rewriter, loc, op.getType(), op.getBias());
    Value conv = buildConv(rewriter, loc, input, op.getFilter(), init, op.getStrides(),
                           op.getDilations(), op.getGroups());
    rewriter.replaceOp(op, applyActivation(rewriter, loc, conv, op.getAct(),
                                           op.getActParams()));
    return success();
  }
};

struct LowerDepthwiseConv2D : OpRewritePattern<DepthwiseConv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DepthwiseConv2DOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = padSpatial(rewriter, loc, op.getInput(), op.getPads(),
                             zeroOf(rewriter, loc, op.getInput()));
    Value init = initAccumulator(rewriter, loc, op.getType(), op.getBias());
    auto inType = llvm::cast<RankedTensorType>(op.getInput().getType());
    auto wType = llvm::cast<RankedTensorType>(op.getFilter().getType());
    int64_t channels = inType.getDimSize(1);
    Value conv;
    if (wType.getDimSize(0) == channels) {
      // Channel multiplier 1: linalg's depthwise form with a CHW filter.
      auto chw = RankedTensorType::get(
          {channels, wType.getDimSize(2), wType.getDimSize(3)}, wType.getElementType());
      Value filter = tensor::CollapseShapeOp::create(rewriter, loc, chw, op.getFilter(),
                                                     {{0, 1}, {2}, {3}});
      conv = linalg::DepthwiseConv2DNchwChwOp::create(
                 rewriter, loc, TypeRange{op.getType()}, ValueRange{input, filter},
                 ValueRange{init}, pair(rewriter, op.getStrides()),
                 pair(rewriter, op.getDilations()))
                 .getResult(0);
    } else {
      conv = buildConv(rewriter, loc, input, op.getFilter(), init, op.getStrides(),
                       op.getDilations(), channels);
    }
    rewriter.replaceOp(op, applyActivation(rewriter, loc, conv, op.getAct(),
                                           op.getActParams()));
    return success();
  }
};

struct LowerPointwiseConv2D : OpRewritePattern<PointwiseConv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PointwiseConv2DOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value init = initAccumulator(rewriter, loc, op.getType(), op.getBias());
    int64_t ones[] = {1, 1};
    Value conv = buildConv(rewriter, loc, op.getInput(), op.getFilter(), init,
                           op.getStrides(), ones, 1);
    rewriter.replaceOp(op, applyActivation(rewriter, loc, conv, op.getAct(),
                                           op.getActParams()));
    return success();
  }
};

/// out = conv(pad(upsample(x, stride)), flip(transpose(w))) with stride 1.
struct LowerConvTranspose2D : OpRewritePattern<ConvTranspose2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvTranspose2DOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto inType = llvm::cast<RankedTensorType>(op.getInput().getType());
    auto wType = llvm::cast<RankedTensorType>(op.getFilter().getType());
    RankedTensorType outType = op.getType();
    Type elt = inType.getElementType();
    int64_t groups = op.getGroups();
    int64_t n = inType.getDimSize(0), c = inType.getDimSize(1);
    int64_t h = inType.getDimSize(2), w = inType.getDimSize(3);
    int64_t kh = wType.getDimSize(2), kw = wType.getDimSize(3);
    int64_t cg = c / groups, og = wType.getDimSize(1);
    ArrayRef<int64_t> s = op.getStrides(), d = op.getDilations(), p = op.getPads(),
                      outPad = op.getOutputPadding();
    Value zero = scalarConstant(rewriter, loc, elt, 0.0);

    // Insert stride-1 zeros between input pixels.
    Value input = op.getInput();
    if (s[0] != 1 || s[1] != 1) {
      auto upType = RankedTensorType::get({n, c, (h - 1) * s[0] + 1, (w - 1) * s[1] + 1}, elt);
      Value zeros = filledTensor(rewriter, loc, upType, zero);
      SmallVector<OpFoldResult> offsets(4, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes = getAsIndexOpFoldResult(ctx, inType.getShape());
      SmallVector<OpFoldResult> strides = getAsIndexOpFoldResult(ctx, {1, 1, s[0], s[1]});
      input = tensor::InsertSliceOp::create(rewriter, loc, input, zeros, offsets, sizes,
                                            strides);
    }
    // Full padding (k - 1) * d on each side, less the op's pads, plus the
    // output padding at the end; negative amounts crop.
    int64_t lowH = (kh - 1) * d[0] - p[0], lowW = (kw - 1) * d[1] - p[1];
    int64_t highH = (kh - 1) * d[0] - p[2] + outPad[0];
    int64_t highW = (kw - 1) * d[1] - p[3] + outPad[1];
    int64_t grow[] = {std::max<int64_t>(lowH, 0), std::max<int64_t>(lowW, 0),
                      std::max<int64_t>(highH, 0), std::max<int64_t>(highW, 0)};
    input = padSpatial(rewriter, loc, input, grow, zero);
    if (lowH < 0 || lowW < 0 || highH < 0 || highW < 0) {
      auto padded = llvm::cast<RankedTensorType>(input.getType());
      int64_t offH = std::max<int64_t>(-lowH, 0), offW = std::max<int64_t>(-lowW, 0);
      int64_t sizeH = padded.getDimSize(2) - offH - std::max<int64_t>(-highH, 0);
      int64_t sizeW = padded.getDimSize(3) - offW - std::max<int64_t>(-highW, 0);
      auto cropped = RankedTensorType::get({n, c, sizeH, sizeW}, elt);
      input = tensor::ExtractSliceOp::create(
          rewriter, loc, cropped, input, ValueRange{}, ValueRange{}, ValueRange{},
          rewriter.getDenseI64ArrayAttr({0, 0, offH, offW}),
          rewriter.getDenseI64ArrayAttr({n, c, sizeH, sizeW}),
          rewriter.getDenseI64ArrayAttr({1, 1, 1, 1}));
    }
    // Filter [C, O/g, KH, KW] -> [O, C/g, KH, KW], spatially flipped:
    // f[g, oo, cc, y, x] = w[g, cc, oo, KH-1-y, KW-1-x].
    auto grouped = RankedTensorType::get({groups, cg, og, kh, kw}, elt);
    Value wg = tensor::ExpandShapeOp::create(rewriter, loc, grouped, op.getFilter(),
                                             {{0, 1}, {2}, {3}, {4}});
    auto flippedType = RankedTensorType::get({groups, og, cg, kh, kw}, elt);
    AffineExpr g = getAffineDimExpr(0, ctx), oo = getAffineDimExpr(1, ctx),
               cc = getAffineDimExpr(2, ctx), y = getAffineDimExpr(3, ctx),
               x = getAffineDimExpr(4, ctx);
    AffineMap flipMap = AffineMap::get(5, 0, {g, cc, oo, (kh - 1) - y, (kw - 1) - x}, ctx);
    Value flipped = buildElementwiseWithMaps(
        rewriter, loc, flippedType, wg, flipMap,
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
    auto filterType = RankedTensorType::get({groups * og, cg, kh, kw}, elt);
    Value filter = tensor::CollapseShapeOp::create(rewriter, loc, filterType, flipped,
                                                   {{0, 1}, {2}, {3}, {4}});
    Value init = initAccumulator(rewriter, loc, outType, op.getBias());
    int64_t unit[] = {1, 1};
    Value conv = buildConv(rewriter, loc, input, filter, init, unit, d, groups);
    rewriter.replaceOp(op, applyActivation(rewriter, loc, conv, op.getAct(),
                                           op.getActParams()));
    return success();
  }
};

/// The body of a contraction: acc + lhs * rhs (integers as i32, already
/// centred by the quantised lowering).
void multiplyAccumulate(OpBuilder &b, Location loc, ValueRange args) {
  if (llvm::isa<IntegerType>(args[2].getType())) {
    Value product = arith::MulIOp::create(b, loc, args[0], args[1]);
    linalg::YieldOp::create(b, loc, Value(arith::AddIOp::create(b, loc, args[2], product)));
    return;
  }
  Value product = arith::MulFOp::create(b, loc, args[0], args[1]);
  linalg::YieldOp::create(b, loc, Value(arith::AddFOp::create(b, loc, args[2], product)));
}

/// y[n, o] = bias[o] + sum_k x[n, k] * w[o, k].
struct LowerDense : OpRewritePattern<DenseOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DenseOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType type = op.getType();
    Value init = initAccumulator(rewriter, loc, type, op.getBias());
    AffineExpr n = getAffineDimExpr(0, ctx), o = getAffineDimExpr(1, ctx),
               k = getAffineDimExpr(2, ctx);
    SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {n, k}, ctx),
                                   AffineMap::get(3, 0, {o, k}, ctx),
                                   AffineMap::get(3, 0, {n, o}, ctx)};
    SmallVector<utils::IteratorType> iterators = {utils::IteratorType::parallel,
                                                  utils::IteratorType::parallel,
                                                  utils::IteratorType::reduction};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{op.getInput(), op.getWeight()},
        ValueRange{init}, maps, iterators, multiplyAccumulate);
    rewriter.replaceOp(op, applyActivation(rewriter, loc, generic.getResult(0),
                                           op.getAct(), op.getActParams()));
    return success();
  }
};

/// numpy matmul: 1-D operands are promoted, batch dims broadcast.
struct LowerMatMul : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatMulOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto lhsType = llvm::cast<RankedTensorType>(op.getLhs().getType());
    auto rhsType = llvm::cast<RankedTensorType>(op.getRhs().getType());
    Type elt = op.getType().getElementType();
    // Promote 1-D operands to matrices, compute, then drop the added dims.
    Value lhs = op.getLhs(), rhs = op.getRhs();
    if (lhsType.getRank() == 1)
      lhs = reshapeTensor(rewriter, loc, lhs,
                          RankedTensorType::get({1, lhsType.getDimSize(0)}, elt));
    if (rhsType.getRank() == 1)
      rhs = reshapeTensor(rewriter, loc, rhs,
                          RankedTensorType::get({rhsType.getDimSize(0), 1}, elt));
    ArrayRef<int64_t> a = llvm::cast<RankedTensorType>(lhs.getType()).getShape();
    ArrayRef<int64_t> bShape = llvm::cast<RankedTensorType>(rhs.getType()).getShape();
    SmallVector<int64_t> batch;
    (void)OpTrait::util::getBroadcastedShape(a.drop_back(2), bShape.drop_back(2), batch);
    int64_t m = a[a.size() - 2], nn = bShape.back();
    SmallVector<int64_t> outShape(batch);
    outShape.append({m, nn});
    auto outType = RankedTensorType::get(outShape, elt);
    int64_t rank = outShape.size();
    // Iteration space: batch..., m, n, k.
    auto operandMap = [&](ArrayRef<int64_t> shape, bool isLhs) {
      SmallVector<AffineExpr> exprs;
      int64_t offset = batch.size() - (shape.size() - 2);
      for (size_t i = 0; i + 2 < shape.size(); ++i)
        exprs.push_back(shape[i] == 1 && batch[offset + i] != 1
                            ? getAffineConstantExpr(0, ctx)
                            : getAffineDimExpr(offset + i, ctx));
      if (isLhs)
        exprs.append({getAffineDimExpr(rank - 2, ctx), getAffineDimExpr(rank, ctx)});
      else
        exprs.append({getAffineDimExpr(rank, ctx), getAffineDimExpr(rank - 1, ctx)});
      return AffineMap::get(rank + 1, 0, exprs, ctx);
    };
    SmallVector<AffineMap> maps = {operandMap(a, true), operandMap(bShape, false),
                                   AffineMap::getMultiDimIdentityMap(rank + 1, ctx)
                                       .getMajorSubMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    Value init = filledTensor(rewriter, loc, outType, scalarConstant(rewriter, loc, elt, 0.0));
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType}, ValueRange{lhs, rhs}, ValueRange{init}, maps,
        iterators, multiplyAccumulate);
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, generic.getResult(0), op.getType()));
    return success();
  }
};

} // namespace

void lwcc::populateLowerConvPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerConv2D, LowerDepthwiseConv2D, LowerPointwiseConv2D,
               LowerConvTranspose2D, LowerDense, LowerMatMul>(patterns.getContext());
}
