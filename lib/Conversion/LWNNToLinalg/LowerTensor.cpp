//===- LowerTensor.cpp - constants, gathers and resizes to linalg ---------===//
//
// Constants become arith.constant (and later read-only globals). Gather and
// resize compute, per output element, which input element(s) to read: a
// linalg.generic over the output whose body extracts from the input.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "lwcc/Conversion/Passes.h"

using namespace mlir;
using namespace lwcc::lwnn;
using namespace lwcc::lowering;

namespace {

struct LowerConstant : OpRewritePattern<ConstantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConstantOp op, PatternRewriter &rewriter) const override {
    auto value = llvm::dyn_cast<TypedAttr>(op.getValue());
    if (!value)
      return rewriter.notifyMatchFailure(op, "untyped constant");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

struct LowerGather : OpRewritePattern<GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GatherOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = llvm::cast<RankedTensorType>(op.getType());
    auto inType = llvm::cast<RankedTensorType>(op.getInput().getType());
    auto idxType = llvm::cast<RankedTensorType>(op.getIndices().getType());
    int64_t axis = op.getAxis(), idxRank = idxType.getRank(), rank = type.getRank();
    SmallVector<AffineExpr> idxExprs;
    for (int64_t i = 0; i < idxRank; ++i)
      idxExprs.push_back(getAffineDimExpr(axis + i, ctx));
    AffineMap idxMap = AffineMap::get(rank, 0, idxExprs, ctx);
    int64_t dim = inType.getDimSize(axis);
    Value input = op.getInput();
    Value result = buildElementwiseWithMaps(
        rewriter, loc, type, op.getIndices(), idxMap,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value i = arith::IndexCastOp::create(b, l, b.getIndexType(), a[0]);
          // Negative indices count from the end; clamp so a bad runtime
          // index reads in bounds rather than out of the buffer.
          Value wrapped = arith::AddIOp::create(b, l, i, indexConstant(b, l, dim));
          Value negative = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, i,
                                                 indexConstant(b, l, 0));
          i = arith::SelectOp::create(b, l, negative, wrapped, i);
          i = arith::MaxSIOp::create(b, l, i, indexConstant(b, l, 0));
          i = arith::MinSIOp::create(b, l, i, indexConstant(b, l, dim - 1));
          SmallVector<Value> indices;
          for (int64_t d = 0; d < axis; ++d)
            indices.push_back(linalg::IndexOp::create(b, l, d));
          indices.push_back(i);
          for (int64_t d = axis + idxRank; d < rank; ++d)
            indices.push_back(linalg::IndexOp::create(b, l, d));
          return tensor::ExtractOp::create(b, l, input, indices);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// The input coordinate (as f32) output index `i` samples along a resized
/// dim, ONNX's formulas with scale `scale` (output length `in * scale`);
/// tf_crop_and_resize maps onto the normalised region [start, end].
Value sourceCoordinate(OpBuilder &b, Location loc, Value i, int64_t in, int64_t out,
                       double scale, CoordMode mode, double start = 0.0,
                       double end = 1.0) {
  Type f32 = b.getF32Type();
  auto c = [&](double v) { return scalarConstant(b, loc, f32, v); };
  Value x = arith::SIToFPOp::create(
      b, loc, f32, arith::IndexCastOp::create(b, loc, b.getI64Type(), i));
  switch (mode) {
  case CoordMode::half_pixel:
    return arith::SubFOp::create(
        b, loc, arith::DivFOp::create(b, loc, arith::AddFOp::create(b, loc, x, c(0.5)), c(scale)),
        c(0.5));
  case CoordMode::pytorch_half_pixel:
    if (out == 1)
      return c(0.0);
    return sourceCoordinate(b, loc, i, in, out, scale, CoordMode::half_pixel);
  case CoordMode::align_corners: {
    double resized = double(in) * scale;
    if (resized <= 1.0)
      return c(0.0);
    return arith::MulFOp::create(b, loc, x, c(double(in - 1) / (resized - 1.0)));
  }
  case CoordMode::asymmetric:
    return arith::DivFOp::create(b, loc, x, c(scale));
  case CoordMode::tf_half_pixel_for_nn:
    return arith::DivFOp::create(b, loc, arith::AddFOp::create(b, loc, x, c(0.5)), c(scale));
  case CoordMode::tf_crop_and_resize: {
    double last = double(in - 1);
    if (out == 1)
      return c(0.5 * (start + end) * last);
    return arith::AddFOp::create(
        b, loc, c(start * last),
        arith::MulFOp::create(b, loc, x, c((end - start) * last / double(out - 1))));
  }
  }
  llvm_unreachable("unknown coordinate mode");
}

Value toIndex(OpBuilder &b, Location loc, Value f, int64_t size) {
  Value i = arith::IndexCastOp::create(
      b, loc, b.getIndexType(), arith::FPToSIOp::create(b, loc, b.getI64Type(), f));
  i = arith::MaxSIOp::create(b, loc, i, indexConstant(b, loc, 0));
  return arith::MinSIOp::create(b, loc, i, indexConstant(b, loc, size - 1));
}

Value roundNearest(OpBuilder &b, Location loc, Value x, NearestMode mode) {
  Type f32 = x.getType();
  switch (mode) {
  case NearestMode::round_prefer_floor:
    return math::CeilOp::create(
        b, loc, arith::SubFOp::create(b, loc, x, scalarConstant(b, loc, f32, 0.5)));
  case NearestMode::round_prefer_ceil:
    return math::FloorOp::create(
        b, loc, arith::AddFOp::create(b, loc, x, scalarConstant(b, loc, f32, 0.5)));
  case NearestMode::floor:
    return math::FloorOp::create(b, loc, x);
  case NearestMode::ceil:
    return math::CeilOp::create(b, loc, x);
  }
  llvm_unreachable("unknown nearest mode");
}

/// Keys' cubic kernel with coefficient `a` at distance `s` (1 < s < 2 for
/// the outer taps, 0 <= s <= 1 for the inner ones).
Value cubicWeight(OpBuilder &b, Location loc, Value s, double a, bool outer) {
  Type f32 = s.getType();
  auto c = [&](double v) { return scalarConstant(b, loc, f32, v); };
  auto mul = [&](Value x, Value y) { return arith::MulFOp::create(b, loc, x, y).getResult(); };
  auto add = [&](Value x, Value y) { return arith::AddFOp::create(b, loc, x, y).getResult(); };
  if (outer) // ((a s - 5a) s + 8a) s - 4a
    return add(mul(add(mul(add(mul(c(a), s), c(-5 * a)), s), c(8 * a)), s), c(-4 * a));
  // ((a + 2) s - (a + 3)) s s + 1
  return add(mul(mul(add(mul(c(a + 2), s), c(-(a + 3))), s), s), c(1.0));
}

/// The four taps of cubic interpolation at source coordinate `x` along a
/// dim of size `in`: edge-clamped indices and their weights (zeroed outside
/// the input and renormalised when `excludeOutside`).
void cubicTaps(OpBuilder &b, Location loc, Value x, int64_t in, double a,
               bool excludeOutside, SmallVectorImpl<Value> &indices,
               SmallVectorImpl<Value> &weights) {
  Type f32 = x.getType();
  auto c = [&](double v) { return scalarConstant(b, loc, f32, v); };
  Value floor = math::FloorOp::create(b, loc, x);
  Value t = arith::SubFOp::create(b, loc, x, floor);
  Value base = arith::FPToSIOp::create(b, loc, b.getI64Type(), floor);
  Value sum;
  for (int64_t k = -1; k <= 2; ++k) {
    // Distance from the tap: t + 1, t, 1 - t, 2 - t.
    Value s = k <= 0 ? Value(arith::AddFOp::create(b, loc, t, c(double(-k))))
                     : Value(arith::SubFOp::create(b, loc, c(double(k)), t));
    Value w = cubicWeight(b, loc, s, a, k == -1 || k == 2);
    Value raw = arith::AddIOp::create(b, loc, base,
                                      arith::ConstantIntOp::create(b, loc, k, 64));
    Value index = arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
    if (excludeOutside) {
      Value zero = arith::ConstantIntOp::create(b, loc, 0, 64);
      Value last = arith::ConstantIntOp::create(b, loc, in - 1, 64);
      Value inside = arith::AndIOp::create(
          b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, raw, zero),
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, raw, last));
      w = arith::SelectOp::create(b, loc, inside, w, c(0.0));
      sum = sum ? Value(arith::AddFOp::create(b, loc, sum, w)) : w;
    }
    index = arith::MaxSIOp::create(b, loc, index, indexConstant(b, loc, 0));
    indices.push_back(arith::MinSIOp::create(b, loc, index, indexConstant(b, loc, in - 1)));
    weights.push_back(w);
  }
  if (excludeOutside)
    for (Value &w : weights)
      w = arith::DivFOp::create(b, loc, w, sum);
}

struct LowerResize : OpRewritePattern<ResizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ResizeOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = llvm::cast<RankedTensorType>(op.getType());
    auto inType = llvm::cast<RankedTensorType>(op.getInput().getType());
    if (!type.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "only f32 resize");
    int64_t rank = type.getRank();
    Value input = op.getInput();
    CoordMode coord = op.getCoordMode();
    bool linear = op.getMode() == ResizeMode::linear;
    bool cubic = op.getMode() == ResizeMode::cubic;
    double cubicA = op.getCubicCoeffA().convertToDouble();
    bool excludeOutside = op.getExcludeOutside();
    std::optional<ArrayRef<float>> roi = op.getRoi();
    bool crop = coord == CoordMode::tf_crop_and_resize;
    double extrapolation = op.getExtrapolationValue().convertToDouble();
    NearestMode nearest = op.getNearestMode();
    std::optional<ArrayRef<float>> scales = op.getScales();
    Value init = emptyTensor(rewriter, loc, type);
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        rewriter.getMultiDimIdentityMap(rank), iterators,
        [&](OpBuilder &b, Location l, ValueRange) {
          // Per dim: the two neighbours and the weight of the upper one
          // (nearest: one neighbour, weight 0).
          SmallVector<Value> lo, hi, weight;
          SmallVector<bool> resized;
          SmallVector<SmallVector<Value, 4>> cubicIndex(rank), cubicWeights(rank);
          Value outside; // tf_crop_and_resize: some sample lies off the input
          for (int64_t d = 0; d < rank; ++d) {
            Value i = linalg::IndexOp::create(b, l, d);
            int64_t in = inType.getDimSize(d), out = type.getDimSize(d);
            resized.push_back(in != out);
            double start = crop ? double((*roi)[d]) : 0.0;
            double end = crop ? double((*roi)[rank + d]) : 1.0;
            if (in == out && (!scales || (*scales)[d] == 1.0f) && start == 0.0 && end == 1.0) {
              lo.push_back(i);
              hi.push_back(i);
              weight.push_back(nullptr);
              continue;
            }
            double scale = scales ? double((*scales)[d]) : double(out) / double(in);
            Value x = sourceCoordinate(b, l, i, in, out, scale, coord, start, end);
            if (crop) {
              Type f32 = x.getType();
              Value off = arith::OrIOp::create(
                  b, l,
                  arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, x,
                                        scalarConstant(b, l, f32, 0.0)),
                  arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x,
                                        scalarConstant(b, l, f32, double(in - 1))));
              outside = outside ? Value(arith::OrIOp::create(b, l, outside, off)) : off;
            }
            if (cubic) {
              cubicTaps(b, l, x, in, cubicA, excludeOutside, cubicIndex[d], cubicWeights[d]);
              lo.push_back(nullptr);
              hi.push_back(nullptr);
              weight.push_back(nullptr);
              continue;
            }
            if (!linear) {
              lo.push_back(toIndex(b, l, roundNearest(b, l, x, nearest), in));
              hi.push_back(lo.back());
              weight.push_back(nullptr);
              continue;
            }
            Type f32 = x.getType();
            x = arith::MaximumFOp::create(b, l, x, scalarConstant(b, l, f32, 0.0));
            x = arith::MinimumFOp::create(b, l, x, scalarConstant(b, l, f32, double(in - 1)));
            Value floor = math::FloorOp::create(b, l, x);
            Value i0 = toIndex(b, l, floor, in);
            lo.push_back(i0);
            hi.push_back(arith::MinSIOp::create(
                b, l, arith::AddIOp::create(b, l, i0, indexConstant(b, l, 1)),
                indexConstant(b, l, in - 1)));
            weight.push_back(arith::SubFOp::create(b, l, x, floor));
          }
          // Interpolate dim by dim over the 2^k corners of the resized dims.
          std::function<Value(int64_t, SmallVector<Value> &)> blend =
              [&](int64_t d, SmallVector<Value> &index) -> Value {
            if (d == rank)
              return tensor::ExtractOp::create(b, l, input, index);
            if (!cubicIndex[d].empty()) {
              Value sum;
              for (auto [tap, w] : llvm::zip(cubicIndex[d], cubicWeights[d])) {
                index.push_back(tap);
                Value term = arith::MulFOp::create(b, l, blend(d + 1, index), w);
                index.pop_back();
                sum = sum ? Value(arith::AddFOp::create(b, l, sum, term)) : term;
              }
              return sum;
            }
            index.push_back(lo[d]);
            Value a = blend(d + 1, index);
            index.pop_back();
            if (!weight[d])
              return a;
            index.push_back(hi[d]);
            Value c = blend(d + 1, index);
            index.pop_back();
            Value diff = arith::SubFOp::create(b, l, c, a);
            return arith::AddFOp::create(b, l, a, arith::MulFOp::create(b, l, diff, weight[d]));
          };
          SmallVector<Value> index;
          Value value = blend(0, index);
          if (outside)
            value = arith::SelectOp::create(
                b, l, outside, scalarConstant(b, l, value.getType(), extrapolation), value);
          linalg::YieldOp::create(b, l, value);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void lwcc::populateLowerTensorPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerConstant, LowerGather, LowerResize>(patterns.getContext());
}
