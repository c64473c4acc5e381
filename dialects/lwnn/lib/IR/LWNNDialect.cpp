//===- LWNNDialect.cpp - lwnn dialect registration ------------------------===//
//
// Registers the dialect's ops and attributes, materialises folded constants,
// and holds the helpers in LWNNOpUtils.h that every op family shares. The op
// implementations live in one file per family.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Dialect/LWNN/IR/LWNNDialect.h"
#include "LWNNOpUtils.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace lwcc::lwnn;

#include "lwcc/Dialect/LWNN/IR/LWNNDialect.cpp.inc"
#include "lwcc/Dialect/LWNN/IR/LWNNEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "lwcc/Dialect/LWNN/IR/LWNNAttrs.cpp.inc"

void LWNNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "lwcc/Dialect/LWNN/IR/LWNNOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "lwcc/Dialect/LWNN/IR/LWNNAttrs.cpp.inc"
      >();
}

Operation *LWNNDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  auto elements = llvm::dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, type, elements, SparseEncodingAttr());
}

LogicalResult
SparseEncodingAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                           SparseKind kind, ArrayRef<int64_t> params) {
  if (llvm::any_of(params, [](int64_t p) { return p <= 0; }))
    return emitError() << "sparse encoding parameters must be positive";
  switch (kind) {
  case SparseKind::n_m:
    if (params.size() != 2 || params[0] > params[1])
      return emitError() << "n_m sparsity takes [N, M] with N <= M";
    return success();
  case SparseKind::block:
    if (params.empty())
      return emitError() << "block sparsity takes the block shape";
    return success();
  case SparseKind::pruned_channels:
    if (params.size() != 1)
      return emitError() << "pruned_channels sparsity takes [kept channels]";
    return success();
  case SparseKind::dense:
  case SparseKind::pattern:
  case SparseKind::csr:
    return success();
  }
  return success();
}

unsigned lwcc::lwnn::getActivationParamCount(Activation act) {
  switch (act) {
  case Activation::clip:
  case Activation::hard_sigmoid:
    return 2;
  case Activation::leaky_relu:
    return 1;
  default:
    return 0;
  }
}

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

namespace lwcc::lwnn::detail {

int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                         int64_t padBegin, int64_t padEnd, int64_t dilation,
                         bool ceilMode) {
  int64_t span = in + padBegin + padEnd - dilation * (kernel - 1) - 1;
  if (span < 0)
    return 0;
  int64_t out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
  // ONNX/PyTorch: a ceil-mode window that starts inside the end padding is
  // dropped.
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

LogicalResult verifyWindow2D(std::optional<Location> loc,
                             ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                             ArrayRef<int64_t> dilations) {
  if (strides.size() != 2 || dilations.size() != 2 || pads.size() != 4)
    return emitOptionalError(loc, "expects 2 strides, 2 dilations and 4 pads, got ",
                             strides.size(), ", ", dilations.size(), " and ",
                             pads.size());
  if (llvm::any_of(strides, [](int64_t s) { return s <= 0; }))
    return emitOptionalError(loc, "strides must be positive");
  if (llvm::any_of(dilations, [](int64_t d) { return d <= 0; }))
    return emitOptionalError(loc, "dilations must be positive");
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return emitOptionalError(loc, "pads must be non-negative");
  return success();
}

FailureOr<RankedTensorType> getRankedType(std::optional<Location> loc, Type type,
                                          StringRef what, int64_t expectedRank) {
  auto ranked = llvm::dyn_cast<RankedTensorType>(type);
  if (!ranked)
    return emitOptionalError(loc, what, " must be a ranked tensor");
  if (expectedRank >= 0 && ranked.getRank() != expectedRank)
    return emitOptionalError(loc, what, " must have rank ", expectedRank,
                             ", got ", ranked.getRank());
  if (llvm::any_of(ranked.getShape(), [](int64_t d) { return d < 0; }))
    return emitOptionalError(loc, what, " must have a static shape");
  return ranked;
}

FailureOr<Type> getAccumulatorElementType(std::optional<Location> loc,
                                          Type input, Type weight,
                                          int64_t channelAxis) {
  auto qin = llvm::dyn_cast<quant::UniformQuantizedType>(input);
  if (!qin) {
    if (llvm::isa<quant::QuantizedType>(weight))
      return emitOptionalError(loc, "quantised weights need a quantised input");
    return input;
  }
  MLIRContext *ctx = input.getContext();
  Type i32 = IntegerType::get(ctx, 32);
  Type expressed = qin.getExpressedType();
  int64_t lo = quant::QuantizedType::getDefaultMinimumForInteger(true, 32);
  int64_t hi = quant::QuantizedType::getDefaultMaximumForInteger(true, 32);
  if (auto qw = llvm::dyn_cast<quant::UniformQuantizedType>(weight))
    return Type(quant::UniformQuantizedType::get(
        quant::QuantizationFlags::Signed, i32, expressed,
        qin.getScale() * qw.getScale(), 0, lo, hi));
  if (auto qw = llvm::dyn_cast<quant::UniformQuantizedPerAxisType>(weight)) {
    SmallVector<double> scales;
    for (double s : qw.getScales())
      scales.push_back(qin.getScale() * s);
    SmallVector<int64_t> zeros(scales.size(), 0);
    return Type(quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, i32, expressed, scales, zeros,
        channelAxis, lo, hi));
  }
  return emitOptionalError(loc, "a quantised input needs uniform quantised weights");
}

LogicalResult verifyFusedActivation(Operation *op, Activation act,
                                    std::optional<ArrayRef<float>> params) {
  unsigned want = getActivationParamCount(act);
  unsigned got = params ? params->size() : 0;
  if (want != got)
    return op->emitOpError("activation '")
           << stringifyActivation(act) << "' takes " << want
           << " parameter(s) in act_params, got " << got;
  if (act == Activation::clip && (*params)[0] > (*params)[1])
    return op->emitOpError("clip activation needs min <= max");
  return success();
}

LogicalResult verifyWeightAndBias(Operation *op, Value input, Value weight,
                                  Value bias, int64_t outChannels) {
  Type inElt = llvm::cast<ShapedType>(input.getType()).getElementType();
  Type wElt = llvm::cast<ShapedType>(weight.getType()).getElementType();
  bool quantised = llvm::isa<quant::QuantizedType>(inElt);
  if (!quantised && llvm::isa<quant::QuantizedType>(wElt))
    return op->emitOpError("quantised weights need a quantised input");
  if (!quantised && inElt != wElt)
    return op->emitOpError("weight element type ")
           << wElt << " does not match input element type " << inElt;
  if (quantised && !llvm::isa<quant::QuantizedType>(wElt))
    return op->emitOpError("quantised input needs quantised weights");
  if (!bias)
    return success();
  auto biasTy = llvm::cast<RankedTensorType>(bias.getType());
  if (biasTy.getRank() != 1 || biasTy.getDimSize(0) != outChannels)
    return op->emitOpError("bias must have shape [") << outChannels << "], got "
                                                     << biasTy;
  Type bElt = biasTy.getElementType();
  if (quantised) {
    auto storage = llvm::isa<quant::QuantizedType>(bElt)
                       ? llvm::cast<quant::QuantizedType>(bElt).getStorageType()
                       : bElt;
    if (!storage.isInteger(32))
      return op->emitOpError("quantised bias must be stored as i32, got ") << bElt;
  } else if (bElt != inElt) {
    return op->emitOpError("bias element type ")
           << bElt << " does not match input element type " << inElt;
  }
  return success();
}

} // namespace lwcc::lwnn::detail

#define GET_OP_CLASSES
#include "lwcc/Dialect/LWNN/IR/LWNNOps.cpp.inc"
