//===- LowerPool.cpp - pools, reductions and softmax to linalg ------------===//
//
// Window pools use linalg's NCHW pooling ops over a padded input (-inf for
// max, 0 for sum); average pools then divide by a per-position count that is
// a compile-time constant, so padding and ceil_mode cost nothing at run time.
// Global pools, reduce_mean and softmax are linalg.generic reductions.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "lwcc/Conversion/Passes.h"

using namespace mlir;
using namespace lwcc::lwnn;
using namespace lwcc::lowering;

namespace {

/// Pads an NCHW input so a window pool producing `outType` reads only real
/// or padded rows: explicit pads first, then whatever ceil_mode needs.
Value padForPool(OpBuilder &b, Location loc, Value input, RankedTensorType outType,
                 ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                 ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads, Value fill) {
  auto inType = llvm::cast<RankedTensorType>(input.getType());
  int64_t needH = (outType.getDimSize(2) - 1) * strides[0] + (kernel[0] - 1) * dilations[0] + 1;
  int64_t needW = (outType.getDimSize(3) - 1) * strides[1] + (kernel[1] - 1) * dilations[1] + 1;
  int64_t highH = std::max<int64_t>(needH - inType.getDimSize(2) - pads[0], 0);
  int64_t highW = std::max<int64_t>(needW - inType.getDimSize(3) - pads[1], 0);
  int64_t all[] = {pads[0], pads[1], highH, highW};
  return padSpatial(b, loc, input, all, fill);
}

struct LowerMaxPool : OpRewritePattern<MaxPool2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPool2DOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Type elt = type.getElementType();
    // linalg's NCHW max pool is signed; flipping the sign bit maps unsigned
    // order onto signed order and back.
    bool flip = isUnsigned(op);
    auto flipSign = [&](Value tensor) {
      auto t = llvm::cast<RankedTensorType>(tensor.getType());
      unsigned width = elt.getIntOrFloatBitWidth();
      return buildElementwise(rewriter, loc, t, tensor,
                              [&](OpBuilder &b, Location l, ValueRange a) -> Value {
                                Value bit = arith::ConstantOp::create(
                                    b, l, b.getIntegerAttr(elt, APInt::getSignMask(width)));
                                return arith::XOrIOp::create(b, l, a[0], bit);
                              });
    };
    Value source = flip ? flipSign(op.getInput()) : op.getInput();
    Value lowest = lowestScalar(rewriter, loc, elt, /*isUnsigned=*/false);
    Value input = padForPool(rewriter, loc, source, type, op.getKernel(), op.getStrides(),
                             op.getDilations(), op.getPads(), lowest);
    Value window = tensor::EmptyOp::create(rewriter, loc, op.getKernel(), elt);
    Value init = filledTensor(rewriter, loc, type, lowest);
    auto pool = linalg::PoolingNchwMaxOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{input, window}, ValueRange{init},
        rewriter.getI64TensorAttr(op.getStrides()), rewriter.getI64TensorAttr(op.getDilations()));
    rewriter.replaceOp(op, flip ? flipSign(pool.getResult(0)) : pool.getResult(0));
    return success();
  }
};

/// A generic over (n, c, oh, ow, kh, kw) reducing the padded input into
/// (max, flat index of the first max in the unpadded input): ONNX's Indices.
struct LowerMaxPoolWithIndices : OpRewritePattern<MaxPool2DWithIndicesOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPool2DWithIndicesOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = llvm::cast<RankedTensorType>(op.getOutput().getType());
    auto indexType = llvm::cast<RankedTensorType>(op.getIndices().getType());
    auto inType = llvm::cast<RankedTensorType>(op.getInput().getType());
    Type elt = type.getElementType();
    if (!llvm::isa<FloatType>(elt))
      return rewriter.notifyMatchFailure(op, "float max pool with indices only");
    ArrayRef<int64_t> k = op.getKernel(), s = op.getStrides(), d = op.getDilations(),
                      p = op.getPads();
    Value lowest = lowestScalar(rewriter, loc, elt, /*isUnsigned=*/false);
    Value input = padForPool(rewriter, loc, op.getInput(), type, k, s, d, p, lowest);
    Value values = filledTensor(rewriter, loc, type, lowest);
    Value indices = filledTensor(rewriter, loc, indexType,
                                 scalarConstant(rewriter, loc, rewriter.getI64Type(), 0));
    auto dim = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    AffineMap inMap = AffineMap::get(
        6, 0, {dim(0), dim(1), dim(2) * s[0] + dim(4) * d[0], dim(3) * s[1] + dim(5) * d[1]},
        ctx);
    AffineMap outMap = AffineMap::get(6, 0, {dim(0), dim(1), dim(2), dim(3)}, ctx);
    // The window's shape gives the reduction loops their bounds.
    AffineMap windowMap = AffineMap::get(6, 0, {dim(4), dim(5)}, ctx);
    Value window = tensor::EmptyOp::create(rewriter, loc, k, elt);
    bool columnMajor = op.getColumnMajor();
    SmallVector<utils::IteratorType> iterators(4, utils::IteratorType::parallel);
    iterators.append(2, utils::IteratorType::reduction);
    int64_t c = inType.getDimSize(1), h = inType.getDimSize(2), w = inType.getDimSize(3);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type, indexType}, ValueRange{input, window},
        ValueRange{values, indices}, ArrayRef<AffineMap>{inMap, windowMap, outMap, outMap},
        iterators,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Type i64 = b.getI64Type();
          auto iv = [&](unsigned i) {
            return arith::IndexCastOp::create(b, l, i64, linalg::IndexOp::create(b, l, i))
                .getResult();
          };
          auto cst = [&](int64_t v) { return arith::ConstantIntOp::create(b, l, v, 64); };
          auto mul = [&](Value x, int64_t v) { return arith::MulIOp::create(b, l, x, cst(v)); };
          auto add = [&](Value x, Value y) { return arith::AddIOp::create(b, l, x, y); };
          // Unpadded input position of this window element.
          Value row = arith::SubIOp::create(b, l, add(mul(iv(2), s[0]), mul(iv(4), d[0])),
                                            cst(p[0]));
          Value col = arith::SubIOp::create(b, l, add(mul(iv(3), s[1]), mul(iv(5), d[1])),
                                            cst(p[1]));
          Value plane = mul(add(mul(iv(0), c), iv(1)), h * w);
          Value within = columnMajor ? add(mul(col, h), row) : add(mul(row, w), col);
          Value flat = add(plane, within);
          // Strictly greater: the first maximum in row-major window order wins.
          Value greater = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, a[0], a[2]);
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, greater, a[0], a[2]),
                         arith::SelectOp::create(b, l, greater, flat, a[3])});
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// How many input (or input-plus-pad) positions each output row's window
/// covers, ONNX/ORT style: ceil_mode's extra rows never count.
SmallVector<int64_t> windowCounts(int64_t in, int64_t out, int64_t kernel, int64_t stride,
                                  int64_t padBegin, int64_t padEnd, bool includePad) {
  SmallVector<int64_t> counts;
  for (int64_t o = 0; o < out; ++o) {
    int64_t start = o * stride - padBegin;
    int64_t end = std::min(start + kernel, in + padEnd);
    if (!includePad) {
      start = std::max<int64_t>(start, 0);
      end = std::min(end, in);
    }
    counts.push_back(std::max<int64_t>(end - start, 1));
  }
  return counts;
}

struct LowerAvgPool : OpRewritePattern<AvgPool2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AvgPool2DOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    RankedTensorType type = op.getType();
    auto inType = llvm::cast<RankedTensorType>(op.getInput().getType());
    Type elt = type.getElementType();
    int64_t ones[] = {1, 1};
    ArrayRef<int64_t> k = op.getKernel(), s = op.getStrides(), p = op.getPads();
    Value input = padForPool(rewriter, loc, op.getInput(), type, k, s, ones, p,
                             scalarConstant(rewriter, loc, type.getElementType(), 0.0));
    Value window = tensor::EmptyOp::create(rewriter, loc, k, elt);
    Value init = filledTensor(rewriter, loc, type, scalarConstant(rewriter, loc, elt, 0.0));
    Value sum = linalg::PoolingNchwSumOp::create(
                    rewriter, loc, TypeRange{type}, ValueRange{input, window},
                    ValueRange{init}, rewriter.getI64TensorAttr(s),
                    rewriter.getI64TensorAttr(ones))
                    .getResult(0);
    int64_t oh = type.getDimSize(2), ow = type.getDimSize(3);
    bool include = op.getCountIncludePad();
    auto rows = windowCounts(inType.getDimSize(2), oh, k[0], s[0], p[0], p[2], include);
    auto cols = windowCounts(inType.getDimSize(3), ow, k[1], s[1], p[1], p[3], include);
    SmallVector<float> divisors;
    for (int64_t r : rows)
      for (int64_t c : cols)
        divisors.push_back(float(r * c));
    auto divType = RankedTensorType::get({oh, ow}, elt);
    Value divisor = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(divType, ArrayRef<float>(divisors)));
    AffineMap spatial = AffineMap::get(4, 0, {getAffineDimExpr(2, ctx), getAffineDimExpr(3, ctx)}, ctx);
    Value avg = buildElementwiseWithMaps(
        rewriter, loc, type, ValueRange{sum, divisor},
        {rewriter.getMultiDimIdentityMap(4), spatial},
        [](OpBuilder &b, Location l, ValueRange a) {
          return arith::DivFOp::create(b, l, a[0], a[1]).getResult();
        });
    rewriter.replaceOp(op, avg);
    return success();
  }
};

enum class Combine { add, max, maxUnsigned };

/// Reduces `input` over `axes` into a tensor without those dims.
Value reduce(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
             Combine combine) {
  MLIRContext *ctx = b.getContext();
  auto type = llvm::cast<RankedTensorType>(input.getType());
  Type elt = type.getElementType();
  SmallVector<int64_t> kept;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    bool reduced = llvm::is_contained(axes, d);
    iterators.push_back(reduced ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
    if (!reduced) {
      kept.push_back(type.getDimSize(d));
      outExprs.push_back(getAffineDimExpr(d, ctx));
    }
  }
  auto outType = RankedTensorType::get(kept, elt);
  Value identity = combine == Combine::add
                       ? scalarConstant(b, loc, elt, 0.0)
                       : lowestScalar(b, loc, elt, combine == Combine::maxUnsigned);
  Value init = filledTensor(b, loc, outType, identity);
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(type.getRank()),
                                 AffineMap::get(type.getRank(), 0, outExprs, ctx)};
  return linalg::GenericOp::create(
             b, loc, TypeRange{outType}, ValueRange{input}, ValueRange{init}, maps,
             iterators,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               Value r = combine == Combine::add
                             ? Value(arith::AddFOp::create(nb, l, a[1], a[0]))
                             : maxScalar(nb, l, a[1], a[0], combine == Combine::maxUnsigned);
               linalg::YieldOp::create(nb, l, r);
             })
      .getResult(0);
}

/// Mean or max over `axes`, reshaped to `type` (keepdims or not).
Value reduceTo(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
               Combine combine, RankedTensorType type) {
  auto inType = llvm::cast<RankedTensorType>(input.getType());
  Value reduced = reduce(b, loc, input, axes, combine);
  if (combine == Combine::add) {
    int64_t count = 1;
    for (int64_t a : axes)
      count *= inType.getDimSize(a);
    auto reducedType = llvm::cast<RankedTensorType>(reduced.getType());
    reduced = buildElementwise(b, loc, reducedType, reduced,
                               [&](OpBuilder &nb, Location l, ValueRange a) {
                                 Value n = scalarConstant(nb, l, a[0].getType(), double(count));
                                 return arith::DivFOp::create(nb, l, a[0], n).getResult();
                               });
  }
  return reshapeTensor(b, loc, reduced, type);
}

SmallVector<int64_t> spatialAxes(Value input) {
  int64_t rank = llvm::cast<RankedTensorType>(input.getType()).getRank();
  return llvm::to_vector(llvm::seq<int64_t>(2, rank));
}

struct LowerGlobalAvgPool : OpRewritePattern<GlobalAvgPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GlobalAvgPoolOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reduceTo(rewriter, op.getLoc(), op.getInput(),
                                    spatialAxes(op.getInput()), Combine::add, op.getType()));
    return success();
  }
};

struct LowerGlobalMaxPool : OpRewritePattern<GlobalMaxPoolOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GlobalMaxPoolOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reduceTo(rewriter, op.getLoc(), op.getInput(),
                                    spatialAxes(op.getInput()),
                                    isUnsigned(op) ? Combine::maxUnsigned : Combine::max,
                                    op.getType()));
    return success();
  }
};

struct LowerReduceMean : OpRewritePattern<ReduceMeanOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceMeanOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reduceTo(rewriter, op.getLoc(), op.getInput(), op.getAxes(),
                                    Combine::add,
                                    llvm::cast<RankedTensorType>(op.getType())));
    return success();
  }
};

/// exp(x - max) / sum(exp(x - max)) along one axis.
struct LowerSoftmax : OpRewritePattern<SoftmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = llvm::cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank(), axis = op.getAxis();
    SmallVector<AffineExpr> kept;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis)
        kept.push_back(getAffineDimExpr(d, ctx));
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap reduced = AffineMap::get(rank, 0, kept, ctx);
    Value max = reduce(rewriter, loc, op.getInput(), {axis}, Combine::max);
    Value exps = buildElementwiseWithMaps(
        rewriter, loc, type, ValueRange{op.getInput(), max}, {identity, reduced},
        [](OpBuilder &b, Location l, ValueRange a) {
          return math::ExpOp::create(b, l, arith::SubFOp::create(b, l, a[0], a[1]))
              .getResult();
        });
    Value sum = reduce(rewriter, loc, exps, {axis}, Combine::add);
    Value result = buildElementwiseWithMaps(
        rewriter, loc, type, ValueRange{exps, sum}, {identity, reduced},
        [](OpBuilder &b, Location l, ValueRange a) {
          return arith::DivFOp::create(b, l, a[0], a[1]).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void lwcc::populateLowerPoolPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerMaxPool, LowerMaxPoolWithIndices, LowerAvgPool, LowerGlobalAvgPool, LowerGlobalMaxPool,
               LowerReduceMean, LowerSoftmax>(patterns.getContext());
}
