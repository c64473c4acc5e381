//===- ConvertLWNNToLinalg.cpp - the lwnn -> linalg conversion pass -------===//
//
// Checks that every lwnn op is one the lowering handles (reporting the
// first that is not, at its ONNX node), makes integers signless, rewrites
// quantised arithmetic into integer arithmetic, decomposes compound ops,
// then converts all of lwnn in one dialect conversion.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Conversion/Passes.h"
#include "lwcc/Dialect/LWNN/IR/LWNNDialect.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
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

/// Why the lowering cannot handle `op`, or empty if it can.
std::string unsupportedReason(Operation *op) {
  if (isa<FusedOp, YieldOp>(op))
    return "lwnn.fused regions are not lowered by this backend yet";
  bool quantised = llvm::any_of(op->getOperandTypes(), isQuantized) ||
                   llvm::any_of(op->getResultTypes(), isQuantized);
  if (quantised && !isa<QuantizeOp, DequantizeOp, RequantizeOp>(op) &&
      !lwcc::isQuantizedContraction(op) && !lwcc::isQuantizedMovement(op))
    return "quantised tensors are only lowered through quantize, dequantize, "
           "requantize, convolutions, dense/matmul and data movement; dequantize first";
  if (quantised && lwcc::isQuantizedContraction(op)) {
    auto act = op->getAttrOfType<ActivationAttr>("act");
    if (act && act.getValue() != Activation::none)
      return "a fused activation on a quantised accumulator is not supported";
  }
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

    lwcc::makeSignless(func);
    RewritePatternSet quantPatterns(ctx);
    lwcc::populateLowerQuantPatterns(quantPatterns);
    if (failed(applyPatternsGreedily(func, std::move(quantPatterns))) ||
        failed(lwcc::cancelStorageCasts(func)))
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
                           arith::ArithDialect, math::MathDialect, scf::SCFDialect>();
    if (failed(applyPartialConversion(func, target, std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
