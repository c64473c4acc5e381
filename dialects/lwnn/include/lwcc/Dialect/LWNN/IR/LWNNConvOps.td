//===- LWNNConvOps.td - convolution and dense ops ----------*- tablegen -*-===//
//
// Convolutions in the three shapes lightweight CNNs use (grouped/dense k x k,
// depthwise, pointwise), transposed convolution, and fully connected layers.
// Each can carry a fused activation that backends emit in the epilogue.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_DIALECT_LWNN_IR_LWNNCONVOPS_TD
#define LWCC_DIALECT_LWNN_IR_LWNNCONVOPS_TD

include "lwcc/Dialect/LWNN/IR/LWNNBase.td"

class LWNN_ConvLikeOp<string mnemonic, list<Trait> traits = []>
    : LWNN_Op<mnemonic, traits # [Pure, InferTypeOpAdaptor]> {
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $filter (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def LWNN_Conv2DOp : LWNN_ConvLikeOp<"conv2d"> {
  let summary = "2-D convolution with groups, dilation and fused activation";
  let description = [{
    NCHW input, OIHW filter with `I = C / groups`, optional bias of length O.
    `pads` is [top, left, bottom, right]. Quantised inputs (`!quant.uniform`)
    produce an i32 accumulator whose scale is input scale x filter scale; a
    `lwnn.requantize` brings it back to 8 bits.

    ```mlir
    %y = lwnn.conv2d %x, %w, %b {strides = array<i64: 2, 2>,
           pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>,
           groups = 1 : i64, act = #lwnn.act<relu6>}
         : (tensor<1x3x224x224xf32>, tensor<32x3x3x3xf32>, tensor<32xf32>)
           -> tensor<1x32x112x112xf32>
    ```
  }];
  let arguments = !con((ins LWNN_Tensor:$input, LWNN_Tensor:$filter,
                            Optional<LWNN_Tensor>:$bias,
                            DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                            DenseI64ArrayAttr:$dilations, I64Attr:$groups),
                       LWNN_FusedActArgs);
}

def LWNN_DepthwiseConv2DOp : LWNN_ConvLikeOp<"depthwise_conv2d"> {
  let summary = "depthwise 2-D convolution (one group per input channel)";
  let description = [{
    A grouped convolution with `groups == C`: the filter is `[C * M, 1, KH, KW]`
    for channel multiplier M. Kept apart from `conv2d` because its kernels are
    bandwidth-bound and vectorise across channels, not reductions.

    ```mlir
    %y = lwnn.depthwise_conv2d %x, %w, %b {strides = array<i64: 1, 1>,
           pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}
         : (tensor<1x32x56x56xf32>, tensor<32x1x3x3xf32>, tensor<32xf32>)
           -> tensor<1x32x56x56xf32>
    ```
  }];
  let arguments = !con((ins LWNN_Tensor:$input, LWNN_Tensor:$filter,
                            Optional<LWNN_Tensor>:$bias,
                            DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                            DenseI64ArrayAttr:$dilations),
                       LWNN_FusedActArgs);
}

def LWNN_PointwiseConv2DOp : LWNN_ConvLikeOp<"pointwise_conv2d"> {
  let summary = "1x1 convolution (a GEMM over channels)";
  let description = [{
    A 1x1 ungrouped convolution without padding: filter `[O, C, 1, 1]`.
    It is the matrix product that dominates lightweight CNNs' FLOPs.

    ```mlir
    %y = lwnn.pointwise_conv2d %x, %w {strides = array<i64: 1, 1>}
         : (tensor<1x32x56x56xf32>, tensor<64x32x1x1xf32>)
           -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = !con((ins LWNN_Tensor:$input, LWNN_Tensor:$filter,
                            Optional<LWNN_Tensor>:$bias,
                            DenseI64ArrayAttr:$strides),
                       LWNN_FusedActArgs);
}

def LWNN_ConvTranspose2DOp : LWNN_ConvLikeOp<"conv_transpose2d"> {
  let summary = "2-D transposed convolution";
  let description = [{
    Filter `[C, O / groups, KH, KW]`. The output size is
    `stride * (in - 1) + output_padding + (k - 1) * dilation + 1 - pad_begin - pad_end`.

    ```mlir
    %y = lwnn.conv_transpose2d %x, %w {strides = array<i64: 2, 2>,
           pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>,
           output_padding = array<i64: 0, 0>, groups = 1 : i64}
         : (tensor<1x8x4x4xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x8x8xf32>
    ```
  }];
  let arguments = !con((ins LWNN_Tensor:$input, LWNN_Tensor:$filter,
                            Optional<LWNN_Tensor>:$bias,
                            DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                            DenseI64ArrayAttr:$dilations,
                            DenseI64ArrayAttr:$output_padding, I64Attr:$groups),
                       LWNN_FusedActArgs);
}

def LWNN_DenseOp : LWNN_Op<"dense", [Pure, InferTypeOpAdaptor]> {
  let summary = "fully connected layer: input x weight^T + bias";
  let description = [{
    Input `[N, K]`, weight `[O, K]` (the layout of a classifier's weights),
    optional bias `[O]`, result `[N, O]`.

    ```mlir
    %y = lwnn.dense %x, %w, %b : (tensor<1x1280xf32>, tensor<1000x1280xf32>,
                                  tensor<1000xf32>) -> tensor<1x1000xf32>
    ```
  }];
  let arguments = !con((ins LWNN_Tensor:$input, LWNN_Tensor:$weight,
                            Optional<LWNN_Tensor>:$bias),
                       LWNN_FusedActArgs);
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def LWNN_MatMulOp : LWNN_Op<"matmul", [Pure, InferTypeOpAdaptor]> {
  let summary = "batched matrix product with numpy broadcasting";
  let description = [{
    ONNX/numpy `matmul` semantics: 1-D operands are promoted and the promoted
    dimension removed; leading batch dimensions broadcast.

    ```mlir
    %y = lwnn.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
    ```
  }];
  let arguments = (ins LWNN_Tensor:$lhs, LWNN_Tensor:$rhs);
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}

#endif // LWCC_DIALECT_LWNN_IR_LWNNCONVOPS_TD
