//===- FuseActivations.cpp - activations into the producing layer ---------===//
//
// act(conv(x)) -> conv(x){act}: the activation is applied to the layer's
// result in its epilogue instead of as a separate pass over the tensor.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Dialect/LWNN/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace lwcc::lwnn {
#define GEN_PASS_DEF_FUSEACTIVATIONSPASS
#include "lwcc/Dialect/LWNN/Transforms/Passes.h.inc"
} // namespace lwcc::lwnn

using namespace mlir;
using namespace lwcc::lwnn;

namespace {

struct FusedActivation {
  Activation kind;
  SmallVector<float, 2> params;
};

std::optional<FusedActivation> activationOf(Operation *op) {
  if (llvm::isa<ReluOp>(op))
    return FusedActivation{Activation::relu, {}};
  if (llvm::isa<Relu6Op>(op))
    return FusedActivation{Activation::relu6, {}};
  if (llvm::isa<HardSwishOp>(op))
    return FusedActivation{Activation::hard_swish, {}};
  if (llvm::isa<SigmoidOp>(op))
    return FusedActivation{Activation::sigmoid, {}};
  if (llvm::isa<SiluOp>(op))
    return FusedActivation{Activation::silu, {}};
  if (llvm::isa<TanhOp>(op))
    return FusedActivation{Activation::tanh, {}};
  if (auto clip = llvm::dyn_cast<ClipOp>(op))
    return FusedActivation{Activation::clip,
                           {clip.getMin().convertToFloat(), clip.getMax().convertToFloat()}};
  if (auto hard = llvm::dyn_cast<HardSigmoidOp>(op))
    return FusedActivation{Activation::hard_sigmoid,
                           {hard.getAlpha().convertToFloat(), hard.getBeta().convertToFloat()}};
  if (auto leaky = llvm::dyn_cast<LeakyReluOp>(op))
    return FusedActivation{Activation::leaky_relu, {leaky.getAlpha().convertToFloat()}};
  return std::nullopt;
}

/// Producers with an activation epilogue.
bool hasEpilogue(Operation *op) {
  return llvm::isa<Conv2DOp, DepthwiseConv2DOp, PointwiseConv2DOp, ConvTranspose2DOp,
                   DenseOp>(op);
}

struct FuseActivation : RewritePattern {
  FuseActivation(MLIRContext *context, llvm::Statistic &fused)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context), fused(fused) {}

  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    std::optional<FusedActivation> act = activationOf(op);
    if (!act)
      return failure();
    Value input = op->getOperand(0);
    Operation *producer = input.getDefiningOp();
    if (!producer || !hasEpilogue(producer) || !input.hasOneUse())
      return rewriter.notifyMatchFailure(op, "input is not a layer only this op uses");
    auto current = producer->getAttrOfType<ActivationAttr>("act");
    if (current && current.getValue() != Activation::none)
      return rewriter.notifyMatchFailure(op, "the layer already has an activation");
    if (!llvm::isa<FloatType>(getElementTypeOrSelf(input.getType())))
      return rewriter.notifyMatchFailure(op, "integer layer");
    rewriter.modifyOpInPlace(producer, [&] {
      producer->setAttr("act", ActivationAttr::get(getContext(), act->kind));
      if (act->params.empty())
        producer->removeAttr("act_params");
      else
        producer->setAttr("act_params", DenseF32ArrayAttr::get(getContext(), act->params));
    });
    rewriter.replaceOp(op, input);
    ++fused;
    return success();
  }

  llvm::Statistic &fused;
};

struct FuseActivationsPass : lwcc::lwnn::impl::FuseActivationsPassBase<FuseActivationsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseActivation>(&getContext(), numFused);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
