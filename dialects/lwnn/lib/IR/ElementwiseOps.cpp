//===- ElementwiseOps.cpp - activations and arithmetic --------------------===//
//
// Folders, canonicalisations and shape inference for activations, unary math,
// broadcasting binary arithmetic and batch normalisation.
//
//===----------------------------------------------------------------------===//

#include "ConstantFolding.h"
#include "LWNNOpUtils.h"
#include "lwcc/Dialect/LWNN/IR/LWNNDialect.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace lwcc::lwnn;
using namespace lwcc::lwnn::detail;

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

OpFoldResult ReluOp::fold(FoldAdaptor adaptor) {
  // relu is idempotent, and relu6 output is already non-negative.
  if (getInput().getDefiningOp<ReluOp>() || getInput().getDefiningOp<Relu6Op>())
    return getInput();
  return foldUnaryFloat(adaptor.getInput(),
                        [](double x) { return x > 0 ? x : 0.0; });
}

OpFoldResult Relu6Op::fold(FoldAdaptor adaptor) {
  if (getInput().getDefiningOp<Relu6Op>())
    return getInput();
  // relu6(relu(x)) == relu6(x): skip the inner relu in place.
  if (auto relu = getInput().getDefiningOp<ReluOp>()) {
    getInputMutable().assign(relu.getInput());
    return getResult();
  }
  return foldUnaryFloat(adaptor.getInput(),
                        [](double x) { return std::min(std::max(x, 0.0), 6.0); });
}

OpFoldResult SqrtOp::fold(FoldAdaptor adaptor) {
  return foldUnaryFloat(adaptor.getInput(), [](double x) { return std::sqrt(x); });
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  if (auto inner = getInput().getDefiningOp<NegOp>())
    return inner.getInput();
  return foldUnaryFloat(adaptor.getInput(), [](double x) { return -x; });
}

LogicalResult ClipOp::verify() {
  if (getMin().convertToFloat() > getMax().convertToFloat())
    return emitOpError("min (") << getMin().convertToFloat() << ") exceeds max ("
                                << getMax().convertToFloat() << ")";
  return success();
}

namespace {
/// clip(0, 6) is relu6 and clip(0, +inf) is relu: both have cheaper kernels
/// and fuse as named activations.
struct ClipToNamedActivation : OpRewritePattern<ClipOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ClipOp op, PatternRewriter &rewriter) const override {
    if (!llvm::isa<FloatType>(op.getType().getElementType()))
      return rewriter.notifyMatchFailure(op, "integer clip");
    float lo = op.getMin().convertToFloat(), hi = op.getMax().convertToFloat();
    if (lo != 0.0f)
      return rewriter.notifyMatchFailure(op, "lower bound is not zero");
    if (hi == 6.0f) {
      rewriter.replaceOpWithNewOp<Relu6Op>(op, op.getInput());
      return success();
    }
    if (hi >= std::numeric_limits<float>::max()) {
      rewriter.replaceOpWithNewOp<ReluOp>(op, op.getInput());
      return success();
    }
    return rewriter.notifyMatchFailure(op, "upper bound is neither 6 nor +inf");
  }
};
} // namespace

void ClipOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                         MLIRContext *context) {
  results.add<ClipToNamedActivation>(context);
}

LogicalResult PReluOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &results) {
  results.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult PReluOp::verify() {
  RankedTensorType input = getInput().getType(), slope = getSlope().getType();
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(input.getShape(), slope.getShape(),
                                          shape) ||
      ArrayRef<int64_t>(shape) != input.getShape())
    return emitOpError("slope ") << slope << " does not broadcast to input " << input;
  if (slope.getElementType() != input.getElementType())
    return emitOpError("slope and input element types differ");
  return success();
}

//===----------------------------------------------------------------------===//
// Binary arithmetic
//===----------------------------------------------------------------------===//

/// Shared shape rule of add/sub/mul/div/pow; only pow's exponent may have
/// another element type than its base (the result's).
static LogicalResult inferBroadcast(std::optional<Location> loc, Type lhsType,
                                    Type rhsType, SmallVectorImpl<Type> &results,
                                    bool sameElementType = true) {
  auto lhs = getRankedType(loc, lhsType, "lhs");
  auto rhs = getRankedType(loc, rhsType, "rhs");
  if (failed(lhs) || failed(rhs))
    return failure();
  if (sameElementType && lhs->getElementType() != rhs->getElementType())
    return emitOptionalError(loc, "operand element types differ: ",
                             lhs->getElementType(), " vs ", rhs->getElementType());
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(lhs->getShape(), rhs->getShape(), shape))
    return emitOptionalError(loc, "shapes ", *lhs, " and ", *rhs,
                             " do not broadcast");
  results.push_back(RankedTensorType::get(shape, lhs->getElementType()));
  return success();
}

#define LWNN_INFER_BROADCAST(OP)                                               \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location> loc, \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &results) {         \
    return inferBroadcast(loc, adaptor.getLhs().getType(),                     \
                          adaptor.getRhs().getType(), results);                \
  }
LWNN_INFER_BROADCAST(AddOp)
LWNN_INFER_BROADCAST(SubOp)
LWNN_INFER_BROADCAST(MulOp)
LWNN_INFER_BROADCAST(DivOp)
#undef LWNN_INFER_BROADCAST

LogicalResult PowOp::inferReturnTypes(MLIRContext *, std::optional<Location> loc,
                                      Adaptor adaptor, SmallVectorImpl<Type> &results) {
  return inferBroadcast(loc, adaptor.getLhs().getType(), adaptor.getRhs().getType(),
                        results, /*sameElementType=*/false);
}

/// True if `attr` is a constant whose every element equals `value`.
static bool isSplatOf(Attribute attr, double value) {
  std::optional<UnpackedTensor> t = unpack(attr);
  if (!t)
    return false;
  for (int64_t i = 0; i < t->size(); ++i)
    if (t->asDouble(i) != value)
      return false;
  return true;
}

/// `x op identity` folds to x when that does not change x's type.
static OpFoldResult foldIdentityRhs(Operation *op, Value lhs, Attribute rhs,
                                    double identity) {
  if (lhs.getType() == op->getResult(0).getType() && isSplatOf(rhs, identity))
    return lhs;
  return {};
}

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  if (getAct() != Activation::none)
    return {};
  if (OpFoldResult r = foldIdentityRhs(*this, getLhs(), adaptor.getRhs(), 0.0))
    return r;
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](double a, double b) { return a + b; },
      [](int64_t a, int64_t b) -> std::optional<int64_t> { return a + b; });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r = foldIdentityRhs(*this, getLhs(), adaptor.getRhs(), 0.0))
    return r;
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](double a, double b) { return a - b; },
      [](int64_t a, int64_t b) -> std::optional<int64_t> { return a - b; });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r = foldIdentityRhs(*this, getLhs(), adaptor.getRhs(), 1.0))
    return r;
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](double a, double b) { return a * b; },
      [](int64_t a, int64_t b) -> std::optional<int64_t> { return a * b; });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r = foldIdentityRhs(*this, getLhs(), adaptor.getRhs(), 1.0))
    return r;
  // Integer division truncates toward zero, as ONNX Runtime computes it.
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](double a, double b) { return a / b; },
      [](int64_t a, int64_t b) -> std::optional<int64_t> {
        if (b == 0)
          return std::nullopt;
        return a / b;
      });
}

OpFoldResult PowOp::fold(FoldAdaptor adaptor) {
  if (OpFoldResult r = foldIdentityRhs(*this, getLhs(), adaptor.getRhs(), 1.0))
    return r;
  return foldBinary(
      adaptor.getLhs(), adaptor.getRhs(), getType(),
      [](double a, double b) { return std::pow(a, b); },
      [](int64_t a, int64_t b) -> std::optional<int64_t> {
        if (b < 0)
          return std::nullopt;
        return int64_t(std::pow(double(a), double(b)));
      });
}

//===----------------------------------------------------------------------===//
// Batch normalisation
//===----------------------------------------------------------------------===//

LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &results) {
  auto input = getRankedType(loc, adaptor.getInput().getType(), "input");
  if (failed(input))
    return failure();
  if (input->getRank() < 2)
    return emitOptionalError(loc, "batch_norm needs [N, C, ...]");
  results.push_back(*input);
  return success();
}

LogicalResult BatchNormOp::verify() {
  RankedTensorType input = getInput().getType();
  int64_t channels = input.getDimSize(1);
  for (Value param : {getScale(), getBias(), getMean(), getVariance()}) {
    auto type = llvm::cast<RankedTensorType>(param.getType());
    if (type.getRank() != 1 || type.getDimSize(0) != channels)
      return emitOpError("parameters must have shape [") << channels << "], got "
                                                         << type;
    if (type.getElementType() != input.getElementType())
      return emitOpError("parameter element type differs from the input's");
  }
  if (getEpsilon().convertToFloat() < 0)
    return emitOpError("epsilon must be non-negative");
  return success();
}
