//===- LWNNPoolOps.td - pooling and reduction ops ----------*- tablegen -*-===//
//
// Windowed pools, global pools and reductions over NCHW tensors.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_DIALECT_LWNN_IR_LWNNPOOLOPS_TD
#define LWCC_DIALECT_LWNN_IR_LWNNPOOLOPS_TD

include "lwcc/Dialect/LWNN/IR/LWNNBase.td"

class LWNN_WindowPoolOp<string mnemonic>
    : LWNN_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def LWNN_MaxPool2DOp : LWNN_WindowPoolOp<"max_pool2d"> {
  let summary = "2-D max pooling";
  let description = [{
    `kernel`, `strides`, `dilations` are [H, W]; `pads` is [top, left, bottom,
    right]. With `ceil_mode` the last partial window counts.

    ```mlir
    %y = lwnn.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>,
           pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>}
         : tensor<1x24x112x112xf32> -> tensor<1x24x56x56xf32>
    ```
  }];
  let arguments = (ins LWNN_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode);
}

def LWNN_MaxPool2DWithIndicesOp : LWNN_Op<"max_pool2d_with_indices",
                                          [Pure, InferTypeOpAdaptor]> {
  let summary = "2-D max pooling that also returns where each maximum is";
  let description = [{
    Like `max_pool2d`; `indices` holds, per output element, the flat
    index into the whole input (N, C, H, W) of the first maximum of its
    window (ONNX MaxPool's `Indices` output): row-major, or with
    `column_major` (ONNX storage_order 1) H and W swapped in the flattening.

    ```mlir
    %y, %i = lwnn.max_pool2d_with_indices %x {kernel = array<i64: 2, 2>,
               strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>,
               dilations = array<i64: 1, 1>}
             : tensor<1x3x4x4xf32> -> tensor<1x3x2x2xf32>, tensor<1x3x2x2xi64>
    ```
  }];
  let arguments = (ins LWNN_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$column_major);
  let results = (outs LWNN_Tensor:$output, RankedTensorOf<[I64]>:$indices);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output) `,` type($indices)";
}

def LWNN_AvgPool2DOp : LWNN_WindowPoolOp<"avg_pool2d"> {
  let summary = "2-D average pooling";
  let description = [{
    Like `max_pool2d`; `count_include_pad` says whether padded positions count
    in the divisor.

    ```mlir
    %y = lwnn.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
           pads = array<i64: 0, 0, 0, 0>}
         : tensor<1x8x8x8xf32> -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins LWNN_Tensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DefaultValuedAttr<BoolAttr, "false">:$ceil_mode,
                       DefaultValuedAttr<BoolAttr, "false">:$count_include_pad);
  let hasVerifier = 1;
}

class LWNN_GlobalPoolOp<string mnemonic>
    : LWNN_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let arguments = (ins LWNN_Tensor:$input);
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def LWNN_GlobalAvgPoolOp : LWNN_GlobalPoolOp<"global_avg_pool"> {
  let summary = "mean over all spatial positions";
  let description = [{
    `[N, C, ...] -> [N, C, 1, ...]`.

    ```mlir
    %y = lwnn.global_avg_pool %x : tensor<1x1280x7x7xf32> -> tensor<1x1280x1x1xf32>
    ```
  }];
}

def LWNN_GlobalMaxPoolOp : LWNN_GlobalPoolOp<"global_max_pool"> {
  let summary = "maximum over all spatial positions";
  let description = [{
    ```mlir
    %y = lwnn.global_max_pool %x : tensor<1x64x7x7xf32> -> tensor<1x64x1x1xf32>
    ```
  }];
}

def LWNN_ReduceMeanOp : LWNN_Op<"reduce_mean", [Pure, InferTypeOpAdaptor]> {
  let summary = "mean over the given axes";
  let description = [{
    Axes are normalised (non-negative, sorted, unique).

    ```mlir
    %y = lwnn.reduce_mean %x {axes = array<i64: 2, 3>, keepdims = true}
         : tensor<1x64x7x7xf32> -> tensor<1x64x1x1xf32>
    ```
  }];
  let arguments = (ins LWNN_Tensor:$input, DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "true">:$keepdims);
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def LWNN_SoftmaxOp : LWNN_Op<"softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "softmax along one axis";
  let description = [{
    ```mlir
    %y = lwnn.softmax %x {axis = 1 : i64} : tensor<1x1000xf32>
    ```
  }];
  let arguments = (ins LWNN_FloatTensor:$input, I64Attr:$axis);
  let results = (outs LWNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

#endif // LWCC_DIALECT_LWNN_IR_LWNNPOOLOPS_TD
