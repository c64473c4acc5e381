//===- LWNNShapeOps.td - data movement ops -----------------*- tablegen -*-===//
//
// Ops that move or reinterpret data without arithmetic: concat, split, slice,
// reshape, transpose, pad, resize, gather, broadcast, cast, channel shuffle.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_DIALECT_LWNN_IR_LWNNSHAPEOPS_TD
#define LWCC_DIALECT_LWNN_IR_LWNNSHAPEOPS_TD

include "lwcc/Dialect/LWNN/IR/LWNNBase.td"

def LWNN_ConcatOp : LWNN_Op<"concat", [Pure, InferTypeOpAdaptor]> {
  let summary = "concatenation along one axis";
  let description = [{
    ```mlir
    %y = lwnn.concat %a, %b {axis = 1 : i64}
         : (tensor<1x8x4x4xf32>, tensor<1x16x4x4xf32>) -> tensor<1x24x4x4xf32>
    ```
  }];
  let arguments = (ins Variadic<LWNN_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasFolder = 1;
}

def LWNN_SplitOp : LWNN_Op<"split", [Pure, InferTypeOpAdaptor]> {
  let summary = "split along one axis into pieces of the given sizes";
  let description = [{
    ```mlir
    %a, %b = lwnn.split %x {axis = 1 : i64, sizes = array<i64: 8, 8>}
             : tensor<1x16x4x4xf32> -> tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins LWNN_Tensor:$input, I64Attr:$axis, DenseI64ArrayAttr:$sizes);
  let results = (outs Variadic<LWNN_Tensor>:$outputs);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($outputs)";
  let hasVerifier = 1;
}

def LWNN_SliceOp : LWNN_Op<"slice", [Pure, InferTypeOpAdaptor]> {
  let summary = "strided slice with static offsets, sizes and strides";
  let description = [{
    One entry per dimension: element `i` of the result along a dimension is
    `offset + i * stride` of the input. Strides may be negative.

    ```mlir
    %y = lwnn.slice %x {offsets = array<i64: 0, 8>, sizes = array<i64: 1, 8>,
                        strides = array<i64: 1, 1>}
         : tensor<1x16xf32> -> tensor<1x8xf32>
    ```
  }];
  let arguments = (ins LWNN_Tensor:$input, DenseI64ArrayAttr:$offsets,
                       DenseI64ArrayAttr:$sizes, DenseI64ArrayAttr:$strides);
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

def LWNN_ReshapeOp : LWNN_Op<"reshape", [Pure]> {
  let summary = "reinterpret a tensor with another static shape";
  let description = [{
    Also what ONNX's Flatten, Squeeze and Unsqueeze import to.

    ```mlir
    %y = lwnn.reshape %x : tensor<1x1280x1x1xf32> -> tensor<1x1280xf32>
    ```
  }];
  let arguments = (ins LWNN_Tensor:$input);
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def LWNN_TransposeOp : LWNN_Op<"transpose", [Pure, InferTypeOpAdaptor]> {
  let summary = "permute dimensions";
  let description = [{
    Result dimension `i` is input dimension `perm[i]`.

    ```mlir
    %y = lwnn.transpose %x {perm = array<i64: 0, 2, 3, 1>}
         : tensor<1x16x8x4xf32> -> tensor<1x8x4x16xf32>
    ```
  }];
  let arguments = (ins LWNN_Tensor:$input, DenseI64ArrayAttr:$perm);
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

def LWNN_PadOp : LWNN_Op<"pad", [Pure, InferTypeOpAdaptor]> {
  let summary = "pad every dimension";
  let description = [{
    `pads` holds the begin pads of every dimension, then the end pads (ONNX
    order). Negative pads crop.

    ```mlir
    %y = lwnn.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>,
                      mode = #lwnn.pad_mode<constant>, value = 0.0 : f32}
         : tensor<1x3x8x8xf32> -> tensor<1x3x10x10xf32>
    ```
  }];
  let arguments = (ins LWNN_Tensor:$input, DenseI64ArrayAttr:$pads,
                       LWNN_PadModeAttr:$mode,
                       DefaultValuedAttr<F32Attr, "0.0f">:$value);
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def LWNN_ResizeOp : LWNN_Op<"resize", [Pure]> {
  let summary = "nearest, (bi)linear or (bi)cubic resampling to the result's shape";
  let description = [{
    The result type fixes the output size. `scales` (one per dim) are the
    factors ONNX maps coordinates with when they are not exactly
    output/input (a scale of 0.6 on 4 gives 2 rows but samples at 1/0.6);
    absent, output/input is used. Coordinate transformation and nearest rounding follow ONNX Resize.
    Cubic uses Keys' kernel with `cubic_coeff_a` over four taps per dim
    (edge-clamped); `exclude_outside` drops taps outside the input and
    renormalises the rest. `tf_crop_and_resize` samples the region `roi`
    (normalised starts then ends, one pair per dim) and writes
    `extrapolation_value` where a sample falls outside the input.

    ```mlir
    %y = lwnn.resize %x {mode = #lwnn.resize_mode<nearest>,
                         coord_mode = #lwnn.coord_mode<asymmetric>,
                         nearest_mode = #lwnn.nearest_mode<floor>}
         : tensor<1x8x4x4xf32> -> tensor<1x8x8x8xf32>
    ```
  }];
  let arguments = (ins LWNN_Tensor:$input, LWNN_ResizeModeAttr:$mode,
                       LWNN_CoordModeAttr:$coord_mode,
                       LWNN_NearestModeAttr:$nearest_mode,
                       OptionalAttr<DenseF32ArrayAttr>:$scales,
                       DefaultValuedAttr<F32Attr, "-0.75f">:$cubic_coeff_a,
                       DefaultValuedAttr<BoolAttr, "false">:$exclude_outside,
                       OptionalAttr<DenseF32ArrayAttr>:$roi,
                       DefaultValuedAttr<F32Attr, "0.0f">:$extrapolation_value);
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def LWNN_GatherOp : LWNN_Op<"gather", [Pure, InferTypeOpAdaptor]> {
  let summary = "gather slices along an axis (ONNX Gather)";
  let description = [{
    Result shape: `input.shape[:axis] + indices.shape + input.shape[axis+1:]`.
    Negative indices count from the end.

    ```mlir
    %y = lwnn.gather %x, %i {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
    ```
  }];
  let arguments = (ins LWNN_Tensor:$input, LWNN_IntTensor:$indices, I64Attr:$axis);
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = "$input `,` $indices attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def LWNN_BroadcastOp : LWNN_Op<"broadcast", [Pure]> {
  let summary = "broadcast to the result's shape (ONNX Expand)";
  let description = [{
    ```mlir
    %y = lwnn.broadcast %x : tensor<16x1x1xf32> -> tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins LWNN_Tensor:$input);
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def LWNN_CastOp : LWNN_Op<"cast", [Pure]> {
  let summary = "convert the element type";
  let description = [{
    Float to integer truncates toward zero, as ONNX Cast does.

    ```mlir
    %y = lwnn.cast %x : tensor<4xi64> -> tensor<4xf32>
    ```
  }];
  let arguments = (ins LWNN_Tensor:$input);
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def LWNN_ChannelShuffleOp : LWNN_Op<"channel_shuffle", [Pure, SameOperandsAndResultType]> {
  let summary = "ShuffleNet channel shuffle";
  let description = [{
    Views channels as `[groups, C / groups]`, transposes to
    `[C / groups, groups]` and flattens back: the Reshape-Transpose-Reshape
    exporters emit, as one op that later passes can fold into weights.

    ```mlir
    %y = lwnn.channel_shuffle %x {groups = 2 : i64} : tensor<1x116x28x28xf32>
    ```
  }];
  let arguments = (ins LWNN_Tensor:$input, I64Attr:$groups);
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

#endif // LWCC_DIALECT_LWNN_IR_LWNNSHAPEOPS_TD
