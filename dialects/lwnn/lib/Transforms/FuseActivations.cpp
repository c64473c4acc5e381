//===- FuseActivations.cpp - activations into the producing layer ---------===//
//
// act(conv(x)) -> conv(x){act}: the activation is applied to the layer's
// result in its epilogue instead of as a separate pass over the tensor.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Dialect/LWNN/Transforms/Passes.h"

#include "mlir/IR/IRMapping.h"
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

/// Whether `op` is an activation that never decreases, so it commutes with
/// a max.
bool isMonotone(Operation *op) {
  if (llvm::isa<ReluOp, Relu6Op, ClipOp>(op))
    return true;
  if (auto leaky = llvm::dyn_cast<LeakyReluOp>(op))
    return leaky.getAlpha().convertToFloat() >= 0;
  return false;
}

/// max_pool(act(x)) -> act(max_pool(x)) for a monotone activation: the
/// activation then runs on the pool's output (a quarter of the elements
/// for a stride-2 pool), in the pool kernel's epilogue, and the layer
/// before the pool keeps none. A conv computed as an image product pays
/// for an activation with a pass of its own (ResNet's stem: 0.33 ms of
/// 1.6), an activation after the pool is free.
struct ActivationAfterMaxPool : RewritePattern {
  ActivationAfterMaxPool(MLIRContext *context, llvm::Statistic &moved)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/2, context), moved(moved) {}

  LogicalResult matchAndRewrite(Operation *op, PatternRewriter &rewriter) const override {
    if (!isMonotone(op) || !op->hasOneUse())
      return failure();
    auto pool = llvm::dyn_cast<MaxPool2DOp>(*op->getUsers().begin());
    if (!pool || !llvm::isa<FloatType>(getElementTypeOrSelf(pool.getType())))
      return rewriter.notifyMatchFailure(op, "not only read by a float max pool");
    rewriter.setInsertionPoint(pool);
    IRMapping poolInput;
    poolInput.map(op->getResult(0), op->getOperand(0));
    Operation *newPool = rewriter.clone(*pool, poolInput);
    IRMapping actInput;
    actInput.map(op->getOperand(0), newPool->getResult(0));
    Operation *newAct = rewriter.clone(*op, actInput);
    newAct->getResult(0).setType(pool.getType());
    rewriter.replaceOp(pool, newAct->getResults());
    rewriter.eraseOp(op);
    ++moved;
    return success();
  }

  llvm::Statistic &moved;
};

struct FuseActivationsPass : lwcc::lwnn::impl::FuseActivationsPassBase<FuseActivationsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseActivation>(&getContext(), numFused);
    patterns.add<ActivationAfterMaxPool>(&getContext(), numMovedPastPools);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
