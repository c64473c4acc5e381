//===- LowerQuant.cpp - quantised arithmetic to integer linalg ------------===//
//
// `!quant.uniform` tensors become their storage integers. quantize,
// dequantize and requantize are element-wise generics with ONNX's rounding
// (half to even) and saturation; a quantised conv or matmul becomes the same
// lwnn op on i32 operands from which the zero points are already subtracted
// (folded into constant weights), so the ordinary lowering accumulates it in
// i32. Values cross between the two worlds through quant.scast, whose pairs
// cancel once every quantised op is rewritten.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "lwcc/Conversion/Passes.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace lwcc::lwnn;
using namespace lwcc::lowering;

namespace {

/// Scale and zero point of a quantised type, per element of `axis` (or one
/// of each when per-tensor).
struct QuantParams {
  SmallVector<double> scales;
  SmallVector<double> zeroPoints;
  int64_t axis = -1;
  bool isSigned = true;
  unsigned storageBits = 8;
  double storageMin = 0, storageMax = 0;

  static QuantParams of(quant::QuantizedType q) {
    QuantParams p;
    p.isSigned = q.isSigned();
    p.storageBits = q.getStorageTypeIntegralWidth();
    p.storageMin = double(q.getStorageTypeMin());
    p.storageMax = double(q.getStorageTypeMax());
    if (auto uniform = llvm::dyn_cast<quant::UniformQuantizedType>(q)) {
      p.scales = {uniform.getScale()};
      p.zeroPoints = {double(uniform.getZeroPoint())};
    } else {
      auto perAxis = llvm::cast<quant::UniformQuantizedPerAxisType>(q);
      p.scales.assign(perAxis.getScales().begin(), perAxis.getScales().end());
      for (int64_t z : perAxis.getZeroPoints())
        p.zeroPoints.push_back(double(z));
      p.axis = perAxis.getQuantizedDimension();
    }
    return p;
  }
};

quant::QuantizedType quantElement(Value v) {
  return llvm::dyn_cast<quant::QuantizedType>(
      llvm::cast<ShapedType>(v.getType()).getElementType());
}

bool isQuantized(Value v) { return bool(quantElement(v)); }

/// The storage-integer view of a quantised tensor.
Value toStorage(OpBuilder &b, Location loc, Value v) {
  auto type = llvm::cast<RankedTensorType>(v.getType());
  auto q = llvm::dyn_cast<quant::QuantizedType>(type.getElementType());
  if (!q)
    return v;
  auto storage = type.clone(q.getStorageType());
  // Look through a cast from storage so constant weights stay visible.
  if (auto cast = v.getDefiningOp<quant::StorageCastOp>();
      cast && cast.getInput().getType() == storage)
    return cast.getInput();
  return quant::StorageCastOp::create(b, loc, storage, v);
}

/// One per-channel constant an element-wise body reads: a scalar when all
/// channels agree, otherwise a 1-D tensor indexed by the loop along `axis`.
struct ChannelValues {
  SmallVector<double> values;
  int64_t axis;
  Type type;
  bool isUniform() const {
    return llvm::all_of(values, [&](double v) { return v == values.front(); });
  }
};

/// A parallel generic from `input` to `type` whose `body` gets the input
/// scalar and one scalar per entry of `channels`.
Value buildWithChannels(
    OpBuilder &b, Location loc, RankedTensorType type, Value input,
    ArrayRef<ChannelValues> channels,
    llvm::function_ref<Value(OpBuilder &, Location, Value, ArrayRef<Value>)> body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<Value> inputs = {input};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(type.getRank())};
  for (const ChannelValues &c : channels) {
    if (c.isUniform())
      continue;
    auto tensorType = RankedTensorType::get({int64_t(c.values.size())}, c.type);
    DenseElementsAttr attr;
    if (llvm::isa<FloatType>(c.type)) {
      SmallVector<float> values(c.values.begin(), c.values.end());
      attr = DenseElementsAttr::get(tensorType, ArrayRef(values));
    } else {
      SmallVector<int32_t> values(c.values.begin(), c.values.end());
      attr = DenseElementsAttr::get(tensorType, ArrayRef(values));
    }
    inputs.push_back(arith::ConstantOp::create(b, loc, attr));
    maps.push_back(AffineMap::get(type.getRank(), 0, {getAffineDimExpr(c.axis, ctx)}, ctx));
  }
  return buildElementwiseWithMaps(
      b, loc, type, inputs, maps, [&](OpBuilder &nb, Location l, ValueRange args) {
        SmallVector<Value> scalars;
        unsigned next = 1;
        for (const ChannelValues &c : channels)
          scalars.push_back(c.isUniform() ? scalarConstant(nb, l, c.type, c.values.front())
                                          : args[next++]);
        return body(nb, l, args[0], scalars);
      });
}

/// Storage integer `x` as f32 (or i32 when `toI32`), honouring signedness.
Value widenStorage(OpBuilder &b, Location loc, Value x, bool isSigned, Type to) {
  auto width = llvm::cast<IntegerType>(x.getType()).getWidth();
  if (llvm::isa<FloatType>(to))
    return isSigned ? Value(arith::SIToFPOp::create(b, loc, to, x))
                    : Value(arith::UIToFPOp::create(b, loc, to, x));
  if (width == llvm::cast<IntegerType>(to).getWidth())
    return x;
  return isSigned ? Value(arith::ExtSIOp::create(b, loc, to, x))
                  : Value(arith::ExtUIOp::create(b, loc, to, x));
}

/// f32 `x` rounded half to even, plus `zeroPoint`, saturated to the storage
/// range of `out` and narrowed to its storage integer.
Value roundToStorage(OpBuilder &b, Location loc, Value x, Value zeroPoint,
                     const QuantParams &out, Type storage) {
  Type f32 = x.getType();
  Value rounded = arith::AddFOp::create(b, loc, math::RoundEvenOp::create(b, loc, x),
                                        zeroPoint);
  Value low = arith::MaximumFOp::create(b, loc, rounded,
                                        scalarConstant(b, loc, f32, out.storageMin));
  // 2^31 - 1 is not an f32; clamp to the largest f32 below it.
  double hi = out.storageBits >= 32 ? 2147483520.0 : out.storageMax;
  Value high = arith::MinimumFOp::create(b, loc, low, scalarConstant(b, loc, f32, hi));
  Type i32 = b.getI32Type();
  Value wide = out.isSigned || out.storageBits >= 32
                   ? Value(arith::FPToSIOp::create(b, loc, i32, high))
                   : Value(arith::FPToUIOp::create(b, loc, i32, high));
  if (llvm::cast<IntegerType>(storage).getWidth() == 32)
    return wide;
  return arith::TruncIOp::create(b, loc, storage, wide);
}

/// Channel values along `p.axis` (or one value).
ChannelValues channelsOf(ArrayRef<double> values, const QuantParams &p, Type type) {
  return {SmallVector<double>(values), p.axis < 0 ? 0 : p.axis, type};
}

struct LowerQuantize : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantizeOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = llvm::cast<RankedTensorType>(op.getType());
    auto q = llvm::cast<quant::QuantizedType>(type.getElementType());
    QuantParams out = QuantParams::of(q);
    Type f32 = rewriter.getF32Type();
    Type storage = q.getStorageType();
    // ONNX divides by the scale (not multiplies by its inverse).
    Value result = buildWithChannels(
        rewriter, loc, type.clone(storage), op.getInput(),
        {channelsOf(out.scales, out, f32), channelsOf(out.zeroPoints, out, f32)},
        [&](OpBuilder &b, Location l, Value x, ArrayRef<Value> c) {
          return roundToStorage(b, l, arith::DivFOp::create(b, l, x, c[0]), c[1], out,
                                storage);
        });
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, type, result);
    return success();
  }
};

struct LowerDequantize : OpRewritePattern<DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DequantizeOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    QuantParams in = QuantParams::of(quantElement(op.getInput()));
    auto type = llvm::cast<RankedTensorType>(op.getType());
    Type f32 = type.getElementType();
    Value result = buildWithChannels(
        rewriter, loc, type, toStorage(rewriter, loc, op.getInput()),
        {channelsOf(in.scales, in, f32), channelsOf(in.zeroPoints, in, f32)},
        [&](OpBuilder &b, Location l, Value x, ArrayRef<Value> c) -> Value {
          Value centred = arith::SubFOp::create(b, l, widenStorage(b, l, x, in.isSigned, f32),
                                                c[1]);
          return arith::MulFOp::create(b, l, centred, c[0]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// y = saturate(round((x - zx) * (sx / sy)) + zy), the multiplier computed
/// in f32 as ONNX Runtime does.
struct LowerRequantize : OpRewritePattern<RequantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RequantizeOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = llvm::cast<RankedTensorType>(op.getType());
    auto qOut = llvm::cast<quant::QuantizedType>(type.getElementType());
    QuantParams in = QuantParams::of(quantElement(op.getInput()));
    QuantParams out = QuantParams::of(qOut);
    if (in.axis >= 0 && out.axis >= 0 && in.axis != out.axis)
      return rewriter.notifyMatchFailure(op, "per-axis along different axes");
    int64_t axis = in.axis >= 0 ? in.axis : out.axis;
    int64_t channels = axis >= 0 ? type.getDimSize(axis) : 1;
    auto at = [](ArrayRef<double> v, int64_t i) { return v.size() == 1 ? v[0] : v[i]; };
    SmallVector<double> multipliers, inZeros, outZeros;
    for (int64_t c = 0; c < channels; ++c) {
      multipliers.push_back(double(float(at(in.scales, c)) / float(at(out.scales, c))));
      inZeros.push_back(at(in.zeroPoints, c));
      outZeros.push_back(at(out.zeroPoints, c));
    }
    Type f32 = rewriter.getF32Type();
    Type storage = qOut.getStorageType();
    int64_t mapAxis = axis < 0 ? 0 : axis;
    Value result = buildWithChannels(
        rewriter, loc, type.clone(storage), toStorage(rewriter, loc, op.getInput()),
        {{multipliers, mapAxis, f32}, {inZeros, mapAxis, f32}, {outZeros, mapAxis, f32}},
        [&](OpBuilder &b, Location l, Value x, ArrayRef<Value> c) {
          Value centred = arith::SubFOp::create(b, l, widenStorage(b, l, x, in.isSigned, f32),
                                                c[1]);
          return roundToStorage(b, l, arith::MulFOp::create(b, l, centred, c[0]), c[2], out,
                                storage);
        });
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, type, result);
    return success();
  }
};

/// `v` (quantised) as i32 with its zero point subtracted; constants are
/// folded at compile time.
Value centredI32(OpBuilder &b, Location loc, Value v) {
  QuantParams p = QuantParams::of(quantElement(v));
  Value storage = toStorage(b, loc, v);
  auto type = llvm::cast<RankedTensorType>(storage.getType());
  auto i32Type = type.clone(b.getI32Type());
  DenseIntElementsAttr raw;
  if (matchPattern(storage, m_Constant(&raw))) {
    int64_t inner = 1, dim = 1;
    if (p.axis >= 0) {
      dim = type.getDimSize(p.axis);
      for (int64_t d = p.axis + 1; d < type.getRank(); ++d)
        inner *= type.getDimSize(d);
    }
    SmallVector<int32_t> values;
    values.reserve(type.getNumElements());
    int64_t i = 0;
    for (const APInt &x : raw.getValues<APInt>()) {
      int64_t channel = p.axis >= 0 ? (i / inner) % dim : 0;
      int64_t wide = p.isSigned ? x.getSExtValue() : int64_t(x.getZExtValue());
      values.push_back(int32_t(wide - int64_t(p.zeroPoints[channel])));
      ++i;
    }
    return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(i32Type, ArrayRef(values)));
  }
  Type i32 = b.getI32Type();
  return buildWithChannels(b, loc, i32Type, storage,
                           {channelsOf(p.zeroPoints, p, i32)},
                           [&](OpBuilder &nb, Location l, Value x, ArrayRef<Value> c) {
                             return arith::SubIOp::create(
                                 nb, l, widenStorage(nb, l, x, p.isSigned, i32), c[0]);
                           });
}

/// A conv-like or matmul op on quantised operands becomes the same op on
/// centred i32 operands producing the i32 accumulator.
template <typename OpTy>
struct LowerQuantizedContraction : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op, PatternRewriter &rewriter) const override {
    if (!isQuantized(op->getOperand(0)))
      return failure();
    Location loc = op.getLoc();
    auto resultType = llvm::cast<RankedTensorType>(op->getResult(0).getType());
    // Operands 0 and 1 are the data and the weights; a bias is already i32.
    SmallVector<Value> operands;
    for (auto [i, operand] : llvm::enumerate(op->getOperands()))
      operands.push_back(i < 2 ? centredI32(rewriter, loc, operand)
                               : toStorage(rewriter, loc, operand));
    Operation *clone = rewriter.clone(*op.getOperation());
    clone->setOperands(operands);
    clone->getResult(0).setType(resultType.clone(rewriter.getI32Type()));
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, resultType, clone->getResult(0));
    return success();
  }
};

/// Data-movement ops are indifferent to what the integers mean: they move
/// the storage integers.
struct LowerQuantizedMovement : RewritePattern {
  LowerQuantizedMovement(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}
  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (!lwcc::isQuantizedMovement(op))
      return failure();
    if (llvm::none_of(op->getResults(), isQuantized))
      return failure();
    Location loc = op->getLoc();
    SmallVector<Value> operands;
    for (Value operand : op->getOperands())
      operands.push_back(toStorage(rewriter, loc, operand));
    Operation *clone = rewriter.clone(*op);
    clone->setOperands(operands);
    SmallVector<Value> results;
    for (auto [old, fresh] : llvm::zip(op->getResults(), clone->getResults())) {
      auto type = llvm::cast<RankedTensorType>(old.getType());
      auto q = quantElement(old);
      fresh.setType(type.clone(q.getStorageType()));
      results.push_back(quant::StorageCastOp::create(rewriter, loc, type, fresh));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

bool lwcc::isQuantizedContraction(Operation *op) {
  return isa<Conv2DOp, DepthwiseConv2DOp, PointwiseConv2DOp, DenseOp, MatMulOp>(op);
}

bool lwcc::isQuantizedMovement(Operation *op) {
  return isa<ReshapeOp, TransposeOp, SliceOp, SplitOp, ConcatOp, ChannelShuffleOp,
             BroadcastOp, GatherOp>(op);
}

void lwcc::populateLowerQuantPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<LowerQuantize, LowerDequantize, LowerRequantize, LowerQuantizedMovement>(ctx);
  patterns.add<LowerQuantizedContraction<Conv2DOp>, LowerQuantizedContraction<DepthwiseConv2DOp>,
               LowerQuantizedContraction<PointwiseConv2DOp>,
               LowerQuantizedContraction<DenseOp>, LowerQuantizedContraction<MatMulOp>>(ctx);
}

LogicalResult lwcc::cancelStorageCasts(func::FuncOp func) {
  // scast(scast(x)) back to x's own type is x; what is left afterwards has
  // no user or is a quantised value no lowering handled.
  func.walk([](quant::StorageCastOp cast) {
    auto inner = cast.getInput().getDefiningOp<quant::StorageCastOp>();
    if (inner && inner.getInput().getType() == cast.getType())
      cast.getResult().replaceAllUsesWith(inner.getInput());
  });
  SmallVector<quant::StorageCastOp> casts;
  func.walk([&](quant::StorageCastOp cast) { casts.push_back(cast); });
  for (quant::StorageCastOp cast : llvm::reverse(casts))
    if (cast->use_empty())
      cast->erase();
  WalkResult left = func.walk([](quant::StorageCastOp cast) {
    Type quantised = llvm::isa<quant::QuantizedType>(
                         getElementTypeOrSelf(cast.getInput().getType()))
                         ? cast.getInput().getType()
                         : cast.getType();
    cast->emitError() << "quantised tensor of type " << quantised
                      << " reaches a function boundary or an op the quantised "
                         "lowering does not handle";
    return WalkResult::interrupt();
  });
  return failure(left.wasInterrupted());
}
