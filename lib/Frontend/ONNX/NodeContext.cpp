//===- NodeContext.cpp - per-node import helpers --------------------------===//
//
// Attribute access, constant inputs and diagnostics for converters, plus the
// converter table lookup and element type mapping.
//
//===----------------------------------------------------------------------===//

#include "NodeImporter.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace lwcc::onnx_import {

RankedTensorType NodeContext::inputType(size_t i) const {
  return hasInput(i) ? llvm::dyn_cast<RankedTensorType>(inputs[i].getType())
                     : RankedTensorType();
}

DenseElementsAttr NodeContext::constantInput(size_t i) const {
  DenseElementsAttr value;
  if (hasInput(i) && matchPattern(inputs[i], m_Constant(&value)))
    return value;
  return {};
}

FailureOr<SmallVector<int64_t>> NodeContext::constantInts(size_t i,
                                                          StringRef what) {
  DenseElementsAttr value = constantInput(i);
  if (!value) {
    if (!hasInput(i))
      return emitError() << "missing input '" << what << "'";
    return emitError() << "input '" << what
                       << "' must be a compile-time constant (lwcc compiles "
                          "static shapes)";
  }
  if (!llvm::isa<IntegerType>(value.getElementType()))
    return emitError() << "input '" << what << "' must hold integers";
  SmallVector<int64_t> out;
  for (const APInt &v : value.getValues<APInt>())
    out.push_back(v.getSExtValue());
  return out;
}

FailureOr<SmallVector<double>> NodeContext::constantFloats(size_t i,
                                                           StringRef what) {
  DenseElementsAttr value = constantInput(i);
  if (!value) {
    if (!hasInput(i))
      return emitError() << "missing input '" << what << "'";
    return emitError() << "input '" << what << "' must be a compile-time constant";
  }
  SmallVector<double> out;
  if (llvm::isa<FloatType>(value.getElementType())) {
    for (const APFloat &v : value.getValues<APFloat>())
      out.push_back(v.convertToDouble());
  } else {
    bool isUnsigned = value.getElementType().isUnsignedInteger();
    for (const APInt &v : value.getValues<APInt>())
      out.push_back(isUnsigned ? double(v.getZExtValue()) : double(v.getSExtValue()));
  }
  return out;
}

const onnx::AttributeProto *NodeContext::attr(StringRef name) const {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeContext::getInt(StringRef name, int64_t dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->i() : dflt;
}

float NodeContext::getFloat(StringRef name, float dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string NodeContext::getString(StringRef name, StringRef dflt) const {
  const onnx::AttributeProto *a = attr(name);
  return a ? a->s() : dflt.str();
}

std::optional<SmallVector<int64_t>> NodeContext::getInts(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return std::nullopt;
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

std::optional<SmallVector<float>> NodeContext::getFloats(StringRef name) const {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return std::nullopt;
  return SmallVector<float>(a->floats().begin(), a->floats().end());
}

InFlightDiagnostic NodeContext::emitError() const {
  StringRef name = llvm::cast<NameLoc>(loc).getName();
  return mlir::emitError(loc) << "node '" << name << "' (" << node.op_type()
                              << "): ";
}

LogicalResult NodeContext::fail(const Twine &message) const {
  return emitError() << message;
}

Value NodeContext::constant(DenseElementsAttr value) {
  return lwnn::ConstantOp::create(b, loc, value, lwnn::SparseEncodingAttr());
}

Value NodeContext::splat(RankedTensorType type, double value) {
  Type elt = type.getElementType();
  if (auto floatTy = llvm::dyn_cast<FloatType>(elt)) {
    APFloat v(value);
    bool lost;
    v.convert(floatTy.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    return constant(DenseElementsAttr::get(type, v));
  }
  return constant(DenseElementsAttr::get(
      type, APInt(elt.getIntOrFloatBitWidth(), uint64_t(int64_t(value)),
                  /*isSigned=*/true, /*implicitTrunc=*/true)));
}

ConvertFn ConverterTable::lookup(StringRef opType, int64_t opset) const {
  auto it = table.find(opType);
  if (it == table.end())
    return nullptr;
  for (const OpConverter &c : it->second)
    if (opset >= c.minOpset && opset <= c.maxOpset)
      return c.fn;
  return nullptr;
}

Type convertElementType(MLIRContext *ctx, int32_t onnxType) {
  Builder b(ctx);
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::DOUBLE:
    return b.getF32Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::INT8:
    return b.getIntegerType(8);
  case onnx::TensorProto::UINT8:
    return b.getIntegerType(8, /*isSigned=*/false);
  case onnx::TensorProto::INT16:
    return b.getIntegerType(16);
  case onnx::TensorProto::INT32:
    return b.getIntegerType(32);
  case onnx::TensorProto::INT64:
    return b.getIntegerType(64);
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  default:
    return nullptr;
  }
}

FailureOr<int64_t> normalizeAxis(const NodeContext &ctx, int64_t axis,
                                 int64_t rank) {
  int64_t normalized = axis < 0 ? axis + rank : axis;
  if (normalized < 0 || normalized >= rank)
    return ctx.emitError() << "axis " << axis << " is out of range for rank "
                           << rank;
  return normalized;
}

Value reshapeTo(NodeContext &ctx, Value v, ArrayRef<int64_t> shape) {
  auto type = llvm::cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  return lwnn::ReshapeOp::create(ctx.b, ctx.loc, type.clone(shape), v);
}


} // namespace lwcc::onnx_import
