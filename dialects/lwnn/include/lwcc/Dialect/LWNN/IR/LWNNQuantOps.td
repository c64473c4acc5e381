//===- LWNNQuantOps.td - quantisation ops ------------------*- tablegen -*-===//
//
// Conversions between float and `quant` dialect tensors. The quantised
// element types are MLIR's own (`!quant.uniform<i8:f32, ...>`), per-tensor or
// per-axis.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_DIALECT_LWNN_IR_LWNNQUANTOPS_TD
#define LWCC_DIALECT_LWNN_IR_LWNNQUANTOPS_TD

include "lwcc/Dialect/LWNN/IR/LWNNBase.td"

def LWNN_QuantizeOp : LWNN_Op<"quantize", [Pure]> {
  let summary = "float to quantised: clamp(round(x / scale) + zero_point)";
  let description = [{
    ```mlir
    %q = lwnn.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:-3>>
    ```
  }];
  let arguments = (ins LWNN_FloatTensor:$input);
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def LWNN_DequantizeOp : LWNN_Op<"dequantize", [Pure]> {
  let summary = "quantised to float: (q - zero_point) * scale";
  let description = [{
    ```mlir
    %x = lwnn.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins LWNN_Tensor:$input);
  let results = (outs LWNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def LWNN_RequantizeOp : LWNN_Op<"requantize", [Pure]> {
  let summary = "change the scale/zero point (and storage) of a quantised tensor";
  let description = [{
    Typically brings a conv's i32 accumulator back to 8 bits.

    ```mlir
    %y = lwnn.requantize %acc : tensor<1x8x4x4x!quant.uniform<i32:f32, 0.01>>
         -> tensor<1x8x4x4x!quant.uniform<i8:f32, 0.05:3>>
    ```
  }];
  let arguments = (ins LWNN_Tensor:$input);
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

#endif // LWCC_DIALECT_LWNN_IR_LWNNQUANTOPS_TD
