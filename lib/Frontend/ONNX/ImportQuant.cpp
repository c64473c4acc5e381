//===- ImportQuant.cpp - quantised ONNX ops -------------------------------===//
//
// QuantizeLinear, DequantizeLinear, QLinearConv, QLinearMatMul, ConvInteger
// and MatMulInteger. ONNX carries raw 8-bit tensors plus scale/zero-point
// inputs; lwnn carries `!quant.uniform` element types, so raw values are
// storage-cast to the quantised type their scale and zero point describe.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace lwcc::lwnn;

namespace lwcc::onnx_import {

/// The quantised element type described by scale input `scaleIndex` and
/// zero-point input `zpIndex` (absent: 0 of `defaultStorage`). Vector scales
/// quantise along `axis`.
static FailureOr<quant::QuantizedType>
readQuantType(NodeContext &ctx, size_t scaleIndex, size_t zpIndex,
              Type defaultStorage, int64_t axis, StringRef what) {
  MLIRContext *mctx = ctx.b.getContext();
  auto scales = ctx.constantFloats(scaleIndex, (what + " scale").str());
  if (failed(scales))
    return failure();
  SmallVector<int64_t> zeros(scales->size(), 0);
  Type storage = defaultStorage;
  if (ctx.hasInput(zpIndex)) {
    auto zp = ctx.constantFloats(zpIndex, (what + " zero point").str());
    if (failed(zp))
      return failure();
    if (zp->size() != scales->size())
      return ctx.emitError() << what << " scale and zero point differ in length";
    for (size_t i = 0; i < zp->size(); ++i)
      zeros[i] = int64_t((*zp)[i]);
    storage = ctx.inputType(zpIndex).getElementType();
  }
  auto intTy = llvm::dyn_cast<IntegerType>(storage);
  if (!intTy || (intTy.getWidth() != 8 && intTy.getWidth() != 32))
    return ctx.emitError() << what << " must be stored in 8 or 32 bits, got " << storage;
  for (double s : *scales)
    if (!(s > 0))
      return ctx.emitError() << what << " scale must be positive";
  bool isSigned = !intTy.isUnsigned();
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  auto signless = IntegerType::get(mctx, intTy.getWidth());
  int64_t lo = quant::QuantizedType::getDefaultMinimumForInteger(isSigned, intTy.getWidth());
  int64_t hi = quant::QuantizedType::getDefaultMaximumForInteger(isSigned, intTy.getWidth());
  Type f32 = Float32Type::get(mctx);
  if (scales->size() == 1)
    return quant::QuantizedType(quant::UniformQuantizedType::get(
        flags, signless, f32, (*scales)[0], zeros[0], lo, hi));
  return quant::QuantizedType(quant::UniformQuantizedPerAxisType::get(
      flags, signless, f32, *scales, zeros, int32_t(axis), lo, hi));
}

/// Reinterprets raw integers `v` as `qType`. ONNX passes raw integers
/// between nodes, so an already quantised value is reinterpreted too (its
/// storage read with the new scale and zero point), never rescaled.
static Value asQuantized(NodeContext &ctx, Value v, quant::QuantizedType qType) {
  auto type = llvm::cast<RankedTensorType>(v.getType());
  auto target = type.clone(qType);
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(type.getElementType())) {
    if (type == target)
      return v;
    if (q.getStorageType() != qType.getStorageType())
      return RequantizeOp::create(ctx.b, ctx.loc, target, v);
    Value raw = quant::StorageCastOp::create(ctx.b, ctx.loc,
                                             type.clone(q.getStorageType()), v);
    return quant::StorageCastOp::create(ctx.b, ctx.loc, target, raw);
  }
  // quant.scast takes signless storage: constants are re-typed in place,
  // other unsigned values go through a bitcast.
  auto signless = type.clone(qType.getStorageType());
  if (type != signless) {
    DenseElementsAttr value;
    if (matchPattern(v, m_Constant(&value)))
      v = ctx.constant(value.bitcast(qType.getStorageType()));
    else
      v = tensor::BitcastOp::create(ctx.b, ctx.loc, signless, v);
  }
  return quant::StorageCastOp::create(ctx.b, ctx.loc, target, v);
}

/// The quantisation axis of Quantize/DequantizeLinear; it only matters (and
/// is only checked) when the scale input at `scaleIndex` is a vector.
static FailureOr<int64_t> quantAxis(NodeContext &ctx, RankedTensorType type,
                                    size_t scaleIndex) {
  RankedTensorType scale = ctx.inputType(scaleIndex);
  if (!scale || scale.getNumElements() <= 1)
    return int64_t(0);
  return normalizeAxis(ctx, ctx.getInt("axis", 1), type.getRank());
}

static Type uint8Type(NodeContext &ctx) {
  return IntegerType::get(ctx.b.getContext(), 8, IntegerType::Unsigned);
}

static LogicalResult convertQuantizeLinear(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  if (!type || !type.getElementType().isF32())
    return ctx.fail("QuantizeLinear expects an f32 input");
  FailureOr<int64_t> axis = quantAxis(ctx, type, 1);
  if (failed(axis))
    return failure();
  auto q = readQuantType(ctx, 1, 2, uint8Type(ctx), *axis, "y");
  if (failed(q))
    return failure();
  auto op = QuantizeOp::create(ctx.b, ctx.loc, type.clone(*q), ctx.input(0));
  if (failed(verify(op)))
    return failure();
  ctx.setOutput(0, op);
  return success();
}

static LogicalResult convertDequantizeLinear(NodeContext &ctx) {
  RankedTensorType type = ctx.inputType(0);
  if (!type)
    return ctx.fail("expects an input");
  Type storage = type.getElementType();
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(storage))
    storage = IntegerType::get(ctx.b.getContext(), q.getStorageTypeIntegralWidth(),
                               q.isSigned() ? IntegerType::Signless : IntegerType::Unsigned);
  FailureOr<int64_t> axis = quantAxis(ctx, type, 1);
  if (failed(axis))
    return failure();
  auto q = readQuantType(ctx, 1, 2, storage, *axis, "x");
  if (failed(q))
    return failure();
  Value input = asQuantized(ctx, ctx.input(0), *q);
  auto op = DequantizeOp::create(ctx.b, ctx.loc,
                                 type.clone(Float32Type::get(ctx.b.getContext())),
                                 input);
  if (failed(verify(op)))
    return failure();
  ctx.setOutput(0, op);
  return success();
}

/// Conv or MatMul on quantised operands; `requantizeTo` (when set) brings
/// the i32 accumulator back to 8 bits, otherwise the raw i32 is returned.
static LogicalResult finishQuantized(NodeContext &ctx, Value acc,
                                     std::optional<quant::QuantizedType> requantizeTo) {
  auto accType = llvm::cast<RankedTensorType>(acc.getType());
  if (requantizeTo) {
    ctx.setOutput(0, RequantizeOp::create(ctx.b, ctx.loc,
                                          accType.clone(*requantizeTo), acc));
    return success();
  }
  auto q = llvm::cast<quant::QuantizedType>(accType.getElementType());
  ctx.setOutput(0, quant::StorageCastOp::create(
                       ctx.b, ctx.loc, accType.clone(q.getStorageType()), acc));
  return success();
}

static FailureOr<Value> quantizedConv(NodeContext &ctx, Value x, Value w, Value bias) {
  RankedTensorType weight = llvm::cast<RankedTensorType>(w.getType());
  if (weight.getRank() != 4)
    return ctx.emitError() << "only 2-D convolutions are supported";
  auto window = readWindow2D(ctx, llvm::cast<RankedTensorType>(x.getType()),
                             weight.getShape().drop_front(2));
  if (failed(window))
    return failure();
  auto conv = ctx.buildInferred<Conv2DOp>(x, w, bias, window->strides, window->pads,
                                   window->dilations, ctx.getInt("group", 1),
                                   Activation::none, nullptr);
  if (failed(conv))
    return failure();
  return Value(*conv);
}

static LogicalResult convertQLinearConv(NodeContext &ctx) {
  auto qx = readQuantType(ctx, 1, 2, uint8Type(ctx), 1, "x");
  auto qw = readQuantType(ctx, 4, 5, IntegerType::get(ctx.b.getContext(), 8), 0, "w");
  auto qy = readQuantType(ctx, 6, 7, uint8Type(ctx), 1, "y");
  if (failed(qx) || failed(qw) || failed(qy))
    return failure();
  auto acc = quantizedConv(ctx, asQuantized(ctx, ctx.input(0), *qx),
                           asQuantized(ctx, ctx.input(3), *qw), ctx.input(8));
  if (failed(acc))
    return failure();
  return finishQuantized(ctx, *acc, *qy);
}

static LogicalResult convertConvInteger(NodeContext &ctx) {
  // Integer convolution is quantisation with unit scales.
  MLIRContext *mctx = ctx.b.getContext();
  auto unitType = [&](size_t data, size_t zp, int64_t axis) -> FailureOr<quant::QuantizedType> {
    Type storage = ctx.inputType(data).getElementType();
    bool isSigned;
    if (auto q = llvm::dyn_cast<quant::QuantizedType>(storage)) {
      isSigned = q.isSigned();
      storage = q.getStorageType();
    } else {
      auto intTy = llvm::dyn_cast<IntegerType>(storage);
      isSigned = intTy && !intTy.isUnsigned();
    }
    if (!storage.isInteger(8))
      return ctx.emitError() << "expects 8-bit integer inputs";
    SmallVector<double> zeros = {0.0};
    if (ctx.hasInput(zp)) {
      auto z = ctx.constantFloats(zp, "zero point");
      if (failed(z))
        return failure();
      zeros = *z;
    }
    SmallVector<double> ones(zeros.size(), 1.0);
    SmallVector<int64_t> zps;
    for (double z : zeros)
      zps.push_back(int64_t(z));
    unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
    int64_t lo = quant::QuantizedType::getDefaultMinimumForInteger(isSigned, 8);
    int64_t hi = quant::QuantizedType::getDefaultMaximumForInteger(isSigned, 8);
    auto i8 = IntegerType::get(mctx, 8);
    Type f32 = Float32Type::get(mctx);
    if (zps.size() == 1)
      return quant::QuantizedType(
          quant::UniformQuantizedType::get(flags, i8, f32, 1.0, zps[0], lo, hi));
    return quant::QuantizedType(quant::UniformQuantizedPerAxisType::get(
        flags, i8, f32, ones, zps, int32_t(axis), lo, hi));
  };
  bool isMatMul = ctx.node.op_type() == "MatMulInteger";
  RankedTensorType a0 = ctx.inputType(0), b = ctx.inputType(1);
  if (!a0 || !b)
    return ctx.fail("expects two inputs");
  // MatMulInteger's zero points run along A's rows and B's columns.
  auto qa = unitType(0, 2, isMatMul ? std::max<int64_t>(a0.getRank() - 2, 0) : 1);
  auto qb = unitType(1, 3, isMatMul ? b.getRank() - 1 : 0);
  if (failed(qa) || failed(qb))
    return failure();
  Value a = asQuantized(ctx, ctx.input(0), *qa);
  Value w = asQuantized(ctx, ctx.input(1), *qb);
  if (isMatMul) {
    auto mm = ctx.buildInferred<MatMulOp>(a, w);
    if (failed(mm))
      return failure();
    return finishQuantized(ctx, *mm, std::nullopt);
  }
  auto acc = quantizedConv(ctx, a, w, nullptr);
  if (failed(acc))
    return failure();
  return finishQuantized(ctx, *acc, std::nullopt);
}

static LogicalResult convertQLinearMatMul(NodeContext &ctx) {
  RankedTensorType b = ctx.inputType(3);
  if (!b)
    return ctx.fail("expects 8 inputs");
  auto qa = readQuantType(ctx, 1, 2, uint8Type(ctx), 0, "a");
  auto qb = readQuantType(ctx, 4, 5, uint8Type(ctx), b.getRank() - 1, "b");
  auto qy = readQuantType(ctx, 6, 7, uint8Type(ctx), 0, "y");
  if (failed(qa) || failed(qb) || failed(qy))
    return failure();
  auto mm = ctx.buildInferred<MatMulOp>(asQuantized(ctx, ctx.input(0), *qa),
                                 asQuantized(ctx, ctx.input(3), *qb));
  if (failed(mm))
    return failure();
  return finishQuantized(ctx, *mm, *qy);
}

void addQuantConverters(ConverterTable &table) {
  table.add("QuantizeLinear", 10, kMaxOpset, convertQuantizeLinear);
  table.add("DequantizeLinear", 10, kMaxOpset, convertDequantizeLinear);
  table.add("QLinearConv", 10, kMaxOpset, convertQLinearConv);
  table.add("QLinearMatMul", 10, kMaxOpset, convertQLinearMatMul);
  table.add("ConvInteger", 10, kMaxOpset, convertConvInteger);
  table.add("MatMulInteger", 10, kMaxOpset, convertConvInteger);
}

} // namespace lwcc::onnx_import
