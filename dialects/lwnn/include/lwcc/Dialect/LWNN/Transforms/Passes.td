//===- Passes.td - lwnn graph passes -----------------------*- tablegen -*-===//
//
// The lwnn dialect's own passes. Each is switchable and has one lit file.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_DIALECT_LWNN_TRANSFORMS_PASSES_TD
#define LWCC_DIALECT_LWNN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def RaiseIdiomsPass : Pass<"lwnn-raise-idioms", "::mlir::func::FuncOp"> {
  let summary = "Recognise exporter idioms as lwnn ops";
  let description = [{
    Exporters spell lightweight-CNN building blocks as chains of generic ops.
    This pass rewrites them into the lwnn ops the backends have kernels for:
    - Reshape -> Transpose -> Reshape channel shuffle -> `lwnn.channel_shuffle`;
    - `x * hard_sigmoid(x)` (alpha 1/6, beta 1/2) -> `lwnn.hard_swish`;
    - `x * sigmoid(x)` -> `lwnn.silu`;
    - grouped conv with one group per channel -> `lwnn.depthwise_conv2d`,
      ungrouped unpadded 1x1 conv -> `lwnn.pointwise_conv2d`;
    - global pool -> 1x1 conv -> act -> 1x1 conv -> gate -> mul ->
      `lwnn.squeeze_excite`.
  }];
  let dependentDialects = ["::lwcc::lwnn::LWNNDialect"];
}

def FoldBatchNormPass : Pass<"lwnn-fold-batch-norm", "::mlir::func::FuncOp"> {
  let summary = "Fold inference batch norms into the convolution before them";
  let description = [{
    `batch_norm(conv(x))` with constant parameters, where the conv (conv2d,
    depthwise or pointwise, constant f32 weights, no activation, dilation 1)
    has no other user, becomes one conv with scaled weights and a shifted
    bias.
  }];
  let dependentDialects = ["::lwcc::lwnn::LWNNDialect"];
  let statistics = [Statistic<"numFolded", "num-folded", "Batch norms folded">];
}

def ReparameterizePass : Pass<"lwnn-reparameterize", "::mlir::func::FuncOp"> {
  let summary = "Merge summed parallel branches into one convolution";
  let description = [{
    Structural re-parameterisation at compile time. `add(a, b)` where `a`
    and `b` each are a constant-weight convolution (k x k, 1 x 1, grouped or
    depthwise, no activation, dilation 1), an inference batch norm, or the
    input itself, all reading the same input with the same stride, becomes
    one convolution: kernels zero-extended to the common window and summed,
    biases summed, identity and batch norm as (scaled) centre taps.
    Repeated, RepVGG's 3x3 + 1x1 + BN blocks and MobileOne's k
    over-parameterised branches collapse into a single conv each.
  }];
  let dependentDialects = ["::lwcc::lwnn::LWNNDialect"];
  let statistics = [Statistic<"numMerged", "num-merged", "Branch pairs merged">];
}

def FuseActivationsPass : Pass<"lwnn-fuse-activations", "::mlir::func::FuncOp"> {
  let summary = "Move activations into the epilogue of the layer before them";
  let description = [{
    relu, relu6, clip, hard_swish, hard_sigmoid, sigmoid, silu, tanh or
    leaky_relu of a float conv / depthwise / pointwise / transposed conv /
    dense layer with no activation and no other user becomes that layer's
    `act` (and `act_params`). A relu, relu6, clip or leaky_relu (alpha >= 0)
    only a max pool reads moves past the pool (it commutes with the max),
    so it runs on the smaller output in the pool's epilogue.
  }];
  let dependentDialects = ["::lwcc::lwnn::LWNNDialect"];
  let statistics = [Statistic<"numFused", "num-fused", "Activations fused">,
                    Statistic<"numMovedPastPools", "num-moved-past-pools",
                              "Activations moved past a max pool">];
}

#endif // LWCC_DIALECT_LWNN_TRANSFORMS_PASSES_TD
