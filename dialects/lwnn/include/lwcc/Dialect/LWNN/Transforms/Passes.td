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

#endif // LWCC_DIALECT_LWNN_TRANSFORMS_PASSES_TD
