//===- RaiseIdioms.cpp - exporter idioms to lwnn ops ----------------------===//
//
// Pattern-rewrites the op chains torch/paddle/tf2onnx emit for lightweight
// CNN building blocks into single lwnn ops. See Passes.td for the list.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Dialect/LWNN/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace lwcc::lwnn {
#define GEN_PASS_DEF_RAISEIDIOMSPASS
#include "lwcc/Dialect/LWNN/Transforms/Passes.h.inc"
} // namespace lwcc::lwnn

using namespace mlir;
using namespace lwcc::lwnn;

namespace {

/// conv2d with one group per input channel is depthwise; an ungrouped,
/// unpadded 1x1 conv is pointwise.
struct SpecializeConv : OpRewritePattern<Conv2DOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Conv2DOp op, PatternRewriter &rewriter) const override {
    RankedTensorType input = op.getInput().getType(), filter = op.getFilter().getType();
    int64_t groups = op.getGroups(), channels = input.getDimSize(1);
    if (groups > 1 && groups == channels && filter.getDimSize(1) == 1) {
      rewriter.replaceOpWithNewOp<DepthwiseConv2DOp>(
          op, op.getType(), op.getInput(), op.getFilter(), op.getBias(),
          op.getStrides(), op.getPads(), op.getDilations(), op.getAct(),
          op.getActParamsAttr());
      return success();
    }
    bool unpadded = llvm::all_of(op.getPads(), [](int64_t p) { return p == 0; });
    if (groups == 1 && unpadded && filter.getDimSize(2) == 1 &&
        filter.getDimSize(3) == 1) {
      rewriter.replaceOpWithNewOp<PointwiseConv2DOp>(
          op, op.getType(), op.getInput(), op.getFilter(), op.getBias(),
          op.getStrides(), op.getAct(), op.getActParamsAttr());
      return success();
    }
    return rewriter.notifyMatchFailure(op, "neither depthwise nor pointwise");
  }
};

/// reshape [N, C, H, W] -> [N, g, C/g, H, W], transpose [0, 2, 1, 3, 4],
/// reshape back: ShuffleNet's channel shuffle.
struct RaiseChannelShuffle : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    auto transpose = op.getInput().getDefiningOp<TransposeOp>();
    if (!transpose)
      return rewriter.notifyMatchFailure(op, "input is not a transpose");
    auto split = transpose.getInput().getDefiningOp<ReshapeOp>();
    if (!split)
      return rewriter.notifyMatchFailure(op, "transpose input is not a reshape");
    RankedTensorType source = split.getInput().getType();
    ArrayRef<int64_t> mid = split.getType().getShape();
    if (source != op.getType() || source.getRank() < 2 ||
        int64_t(mid.size()) != source.getRank() + 1)
      return rewriter.notifyMatchFailure(op, "not a channel split and merge");
    int64_t groups = mid[1], channels = source.getDimSize(1);
    if (mid[0] != source.getDimSize(0) || groups * mid[2] != channels ||
        mid.drop_front(3) != source.getShape().drop_front(2))
      return rewriter.notifyMatchFailure(op, "reshape does not split channels");
    SmallVector<int64_t> perm = {0, 2, 1};
    for (int64_t d = 3; d < int64_t(mid.size()); ++d)
      perm.push_back(d);
    if (transpose.getPerm() != ArrayRef<int64_t>(perm))
      return rewriter.notifyMatchFailure(op, "transpose does not swap the groups");
    rewriter.replaceOpWithNewOp<ChannelShuffleOp>(op, split.getInput(), groups);
    return success();
  }
};

/// The operand of `mul` that `gate` is applied to, where the other operand
/// is `gate(x)` of the same x.
template <typename GateOp>
static std::pair<Value, GateOp> matchSelfGated(MulOp mul) {
  for (int i = 0; i < 2; ++i) {
    Value x = mul->getOperand(i);
    auto gate = mul->getOperand(1 - i).getDefiningOp<GateOp>();
    if (gate && gate.getInput() == x && x.getType() == mul.getType())
      return {x, gate};
  }
  return {nullptr, nullptr};
}

static bool near(float a, float b) { return std::fabs(a - b) < 1e-4f; }

struct RaiseHardSwish : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op, PatternRewriter &rewriter) const override {
    auto [x, gate] = matchSelfGated<HardSigmoidOp>(op);
    if (!x || !near(gate.getAlpha().convertToFloat(), 1.0f / 6) ||
        !near(gate.getBeta().convertToFloat(), 0.5f))
      return rewriter.notifyMatchFailure(op, "not x * hard_sigmoid(x, 1/6, 1/2)");
    rewriter.replaceOpWithNewOp<HardSwishOp>(op, x);
    return success();
  }
};

struct RaiseSilu : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp op, PatternRewriter &rewriter) const override {
    auto [x, gate] = matchSelfGated<SigmoidOp>(op);
    if (!x)
      return rewriter.notifyMatchFailure(op, "not x * sigmoid(x)");
    rewriter.replaceOpWithNewOp<SiluOp>(op, x);
    return success();
  }
};

/// mul(x, gate(pw2(act(pw1(global_avg_pool(x)))))) -> squeeze_excite.
struct RaiseSqueezeExcite : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;

  /// The activation kind and parameters an op computes, if it is one the
  /// squeeze_excite op can carry.
  static std::optional<std::pair<Activation, SmallVector<float>>>
  activationOf(Operation *op) {
    if (!op)
      return std::nullopt;
    if (isa<ReluOp>(op))
      return std::make_pair(Activation::relu, SmallVector<float>{});
    if (isa<Relu6Op>(op))
      return std::make_pair(Activation::relu6, SmallVector<float>{});
    if (isa<SiluOp>(op))
      return std::make_pair(Activation::silu, SmallVector<float>{});
    if (isa<HardSwishOp>(op))
      return std::make_pair(Activation::hard_swish, SmallVector<float>{});
    if (isa<SigmoidOp>(op))
      return std::make_pair(Activation::sigmoid, SmallVector<float>{});
    if (auto hs = dyn_cast<HardSigmoidOp>(op))
      return std::make_pair(Activation::hard_sigmoid,
                            SmallVector<float>{hs.getAlpha().convertToFloat(),
                                               hs.getBeta().convertToFloat()});
    return std::nullopt;
  }

  LogicalResult matchAndRewrite(MulOp op, PatternRewriter &rewriter) const override {
    for (int i = 0; i < 2; ++i) {
      Value x = op->getOperand(i);
      Operation *gateOp = op->getOperand(1 - i).getDefiningOp();
      auto gate = activationOf(gateOp);
      if (!gate || (gate->first != Activation::sigmoid &&
                    gate->first != Activation::hard_sigmoid))
        continue;
      auto expand = gateOp->getOperand(0).getDefiningOp<PointwiseConv2DOp>();
      if (!expand || !expand.getBias() || expand.getAct() != Activation::none)
        continue;
      Operation *actOp = expand.getInput().getDefiningOp();
      auto act = activationOf(actOp);
      if (!act)
        continue;
      auto reduce = actOp->getOperand(0).getDefiningOp<PointwiseConv2DOp>();
      if (!reduce || !reduce.getBias() || reduce.getAct() != Activation::none)
        continue;
      auto pool = reduce.getInput().getDefiningOp<GlobalAvgPoolOp>();
      if (!pool || pool.getInput() != x || x.getType() != op.getType())
        continue;
      auto params = [&](ArrayRef<float> p) {
        return p.empty() ? DenseF32ArrayAttr() : rewriter.getDenseF32ArrayAttr(p);
      };
      rewriter.replaceOpWithNewOp<SqueezeExciteOp>(
          op, op.getType(), x, reduce.getFilter(), reduce.getBias(),
          expand.getFilter(), expand.getBias(),
          ActivationAttr::get(getContext(), act->first), params(act->second),
          ActivationAttr::get(getContext(), gate->first), params(gate->second));
      return success();
    }
    return rewriter.notifyMatchFailure(op, "not a squeeze-and-excite block");
  }
};

struct RaiseIdiomsPass
    : lwcc::lwnn::impl::RaiseIdiomsPassBase<RaiseIdiomsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateRaiseIdiomsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void lwcc::lwnn::populateRaiseIdiomsPatterns(RewritePatternSet &patterns) {
  patterns.add<SpecializeConv, RaiseChannelShuffle, RaiseHardSwish, RaiseSilu,
               RaiseSqueezeExcite>(patterns.getContext());
}
