//===- StructureOps.cpp - constants, blocks, fusion, quantisation ---------===//
//
// Verification and inference for constants, squeeze-and-excite, fusion
// groups and the quantise/dequantise/requantise conversions.
//
//===----------------------------------------------------------------------===//

#include "LWNNOpUtils.h"
#include "lwcc/Dialect/LWNN/IR/LWNNDialect.h"

using namespace mlir;
using namespace lwcc::lwnn;
using namespace lwcc::lwnn::detail;

//===----------------------------------------------------------------------===//
// constant
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location> loc,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &results) {
  if (!adaptor.getValue())
    return emitOptionalError(loc, "constant needs a value");
  results.push_back(adaptor.getValue().getType());
  return success();
}

LogicalResult ConstantOp::verify() {
  SparseEncodingAttr sparsity = getSparsityAttr();
  if (!sparsity)
    return success();
  if (sparsity.getKind() == SparseKind::n_m &&
      getType().getDimSize(getType().getRank() - 1) % sparsity.getParams()[1] != 0)
    return emitOpError("innermost dimension is not a multiple of M for N:M sparsity");
  if (sparsity.getKind() == SparseKind::block &&
      int64_t(sparsity.getParams().size()) > getType().getRank())
    return emitOpError("sparse block has more dimensions than the tensor");
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValueAttr(); }

//===----------------------------------------------------------------------===//
// squeeze_excite
//===----------------------------------------------------------------------===//

LogicalResult SqueezeExciteOp::inferReturnTypes(MLIRContext *,
                                                std::optional<Location> loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &results) {
  auto input = getRankedType(loc, adaptor.getInput().getType(), "input", 4);
  if (failed(input))
    return failure();
  results.push_back(*input);
  return success();
}

LogicalResult SqueezeExciteOp::verify() {
  RankedTensorType input = getInput().getType();
  int64_t channels = input.getDimSize(1);
  RankedTensorType reduce = getReduceWeight().getType();
  RankedTensorType expand = getExpandWeight().getType();
  int64_t squeezed = reduce.getRank() == 4 ? reduce.getDimSize(0) : -1;
  auto isShape = [](RankedTensorType t, ArrayRef<int64_t> shape) {
    return t.getShape() == shape;
  };
  if (!isShape(reduce, {squeezed, channels, 1, 1}))
    return emitOpError("reduce_weight must be [R, ") << channels << ", 1, 1], got "
                                                     << reduce;
  if (!isShape(expand, {channels, squeezed, 1, 1}))
    return emitOpError("expand_weight must be [") << channels << ", " << squeezed
                                                  << ", 1, 1], got " << expand;
  if (!isShape(getReduceBias().getType(), {squeezed}) ||
      !isShape(getExpandBias().getType(), {channels}))
    return emitOpError("biases must be [R] and [C]");
  if (failed(verifyFusedActivation(*this, getAct(), getActParams())) ||
      failed(verifyFusedActivation(*this, getGate(), getGateParams())))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// fused
//===----------------------------------------------------------------------===//

LogicalResult FusedOp::verify() {
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError("body takes ") << body.getNumArguments()
                                      << " arguments for " << getInputs().size()
                                      << " inputs";
  for (auto [arg, input] : llvm::zip(body.getArguments(), getInputs()))
    if (arg.getType() != input.getType())
      return emitOpError("body argument type ") << arg.getType()
                                                << " differs from input type "
                                                << input.getType();
  auto yield = llvm::dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return emitOpError("body must end with lwnn.yield");
  if (yield.getValues().getTypes() != getOutputs().getTypes())
    return emitOpError("yielded types differ from the result types");
  return success();
}

//===----------------------------------------------------------------------===//
// quantize / dequantize / requantize
//===----------------------------------------------------------------------===//

/// Quantised element types must be stored in integers of at most 32 bits and
/// express the float type of their counterpart.
static LogicalResult verifyQuantPair(Operation *op, RankedTensorType from,
                                     RankedTensorType to, bool fromQuant,
                                     bool toQuant) {
  if (from.getShape() != to.getShape())
    return op->emitOpError("cannot change the shape");
  auto check = [&](RankedTensorType t, bool wantQuant) -> LogicalResult {
    auto q = llvm::dyn_cast<quant::QuantizedType>(t.getElementType());
    if (wantQuant && !q)
      return op->emitOpError("expects a quantised tensor, got ") << t;
    if (!wantQuant && q)
      return op->emitOpError("expects a float tensor, got ") << t;
    if (auto perAxis =
            llvm::dyn_cast_if_present<quant::UniformQuantizedPerAxisType>(q)) {
      if (perAxis.getQuantizedDimension() >= t.getRank() ||
          int64_t(perAxis.getScales().size()) !=
              t.getDimSize(perAxis.getQuantizedDimension()))
        return op->emitOpError("per-axis scales do not match dimension ")
               << perAxis.getQuantizedDimension() << " of " << t;
    }
    return success();
  };
  return failure(failed(check(from, fromQuant)) || failed(check(to, toQuant)));
}

LogicalResult QuantizeOp::verify() {
  if (failed(verifyQuantPair(*this, getInput().getType(), getType(), false, true)))
    return failure();
  auto q = llvm::cast<quant::QuantizedType>(getType().getElementType());
  if (q.getExpressedType() != getInput().getType().getElementType())
    return emitOpError("quantised type expresses ")
           << q.getExpressedType() << ", input is "
           << getInput().getType().getElementType();
  return success();
}

LogicalResult DequantizeOp::verify() {
  if (failed(verifyQuantPair(*this, getInput().getType(), getType(), true, false)))
    return failure();
  auto q = llvm::cast<quant::QuantizedType>(getInput().getType().getElementType());
  if (q.getExpressedType() != getType().getElementType())
    return emitOpError("quantised type expresses ")
           << q.getExpressedType() << ", result is " << getType().getElementType();
  return success();
}

LogicalResult RequantizeOp::verify() {
  return verifyQuantPair(*this, getInput().getType(), getType(), true, true);
}
