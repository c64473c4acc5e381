//===- ConvertLWNNToLinalg.cpp - the lwnn -> linalg conversion pass -------===//
//
// Checks that every lwnn op is one the lowering handles (reporting the
// first that is not, at its ONNX node), decomposes compound ops, then
// converts all of lwnn in one dialect conversion.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Conversion/Passes.h"
#include "lwcc/Dialect/LWNN/IR/LWNNDialect.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace lwcc {
#define GEN_PASS_DEF_CONVERTLWNNTOLINALGPASS
#include "lwcc/Conversion/Passes.h.inc"
} // namespace lwcc

using namespace mlir;
using namespace lwcc::lwnn;

namespace {

bool isQuantized(Type type) {
  auto shaped = llvm::dyn_cast<ShapedType>(type);
  return shaped && llvm::isa<quant::QuantizedType>(shaped.getElementType());
}

bool hasSignedness(Type type) {
  auto shaped = llvm::dyn_cast<ShapedType>(type);
  auto intType = shaped ? llvm::dyn_cast<IntegerType>(shaped.getElementType()) : nullptr;
  return intType && !intType.isSignless();
}

/// Why the lowering cannot handle `op`, or empty if it can.
std::string unsupportedReason(Operation *op) {
  if (isa<FusedOp, YieldOp>(op))
    return "lwnn.fused regions are not lowered by this backend yet";
  if (isa<QuantizeOp, DequantizeOp, RequantizeOp>(op) ||
      llvm::any_of(op->getOperandTypes(), isQuantized) ||
      llvm::any_of(op->getResultTypes(), isQuantized))
    return "quantised tensors are not lowered by this backend yet";
  if (llvm::any_of(op->getOperandTypes(), hasSignedness) ||
      llvm::any_of(op->getResultTypes(), hasSignedness))
    return "signed/unsigned integer tensors are not lowered by this backend yet";
  if (auto pow = dyn_cast<PowOp>(op);
      pow && !llvm::isa<FloatType>(pow.getType().getElementType()))
    return "integer pow is not supported";
  if (auto resize = dyn_cast<ResizeOp>(op);
      resize && !llvm::cast<ShapedType>(resize.getType()).getElementType().isF32())
    return "resize of non-f32 tensors is not supported";
  return "";
}

struct ConvertLWNNToLinalgPass
    : lwcc::impl::ConvertLWNNToLinalgPassBase<ConvertLWNNToLinalgPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    auto *lwnnDialect = ctx->getLoadedDialect<LWNNDialect>();
    WalkResult check = func.walk([&](Operation *op) {
      if (op->getDialect() != lwnnDialect)
        return WalkResult::advance();
      std::string reason = unsupportedReason(op);
      if (reason.empty())
        return WalkResult::advance();
      op->emitError() << "cannot lower '" << op->getName() << "': " << reason;
      return WalkResult::interrupt();
    });
    if (check.wasInterrupted())
      return signalPassFailure();

    RewritePatternSet decompose(ctx);
    lwcc::populateDecomposeLWNNPatterns(decompose);
    if (failed(applyPatternsGreedily(func, std::move(decompose))))
      return signalPassFailure();

    RewritePatternSet patterns(ctx);
    lwcc::populateLowerConvPatterns(patterns);
    lwcc::populateLowerElementwisePatterns(patterns);
    lwcc::populateLowerPoolPatterns(patterns);
    lwcc::populateLowerShapePatterns(patterns);
    lwcc::populateLowerTensorPatterns(patterns);
    ConversionTarget target(*ctx);
    target.addIllegalDialect<LWNNDialect>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect>();
    if (failed(applyPartialConversion(func, target, std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
