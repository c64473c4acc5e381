//===- LWNNStructureOps.td - constants, blocks, fusion -----*- tablegen -*-===//
//
// Constants (with optional sparsity encoding), the squeeze-and-excite block,
// the fusion-group region op and its terminator.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_DIALECT_LWNN_IR_LWNNSTRUCTUREOPS_TD
#define LWCC_DIALECT_LWNN_IR_LWNNSTRUCTUREOPS_TD

include "lwcc/Dialect/LWNN/IR/LWNNBase.td"
include "mlir/IR/RegionKindInterface.td"

def LWNN_ConstantOp : LWNN_Op<"constant", [Pure, ConstantLike, InferTypeOpAdaptor]> {
  let summary = "tensor constant (weights, biases, folded shapes)";
  let description = [{
    `sparsity` records the structure of a pruned weight so kernels can
    dispatch on it.

    ```mlir
    %w = lwnn.constant dense<1.0> : tensor<8x8x1x1xf32>
    %s = lwnn.constant {sparsity = #lwnn.sparse<n_m, [2, 4]>} dense<0.5> : tensor<8x8xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value,
                       OptionalAttr<LWNN_SparseEncodingAttr>:$sparsity);
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
  let hasVerifier = 1;
}

def LWNN_SqueezeExciteOp : LWNN_Op<"squeeze_excite", [Pure, InferTypeOpAdaptor]> {
  let summary = "squeeze-and-excitation block";
  let description = [{
    `x * gate(conv2(act(conv1(global_avg_pool(x)))))` with 1x1 convs
    `reduce_weight [R, C, 1, 1]` and `expand_weight [C, R, 1, 1]`.

    ```mlir
    %y = lwnn.squeeze_excite %x, %w1, %b1, %w2, %b2
           {act = #lwnn.act<relu>, gate = #lwnn.act<hard_sigmoid>,
            gate_params = array<f32: 0.1666667, 0.5>}
         : (tensor<1x16x8x8xf32>, tensor<4x16x1x1xf32>, tensor<4xf32>,
            tensor<16x4x1x1xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins LWNN_FloatTensor:$input, LWNN_FloatTensor:$reduce_weight,
                       LWNN_FloatTensor:$reduce_bias, LWNN_FloatTensor:$expand_weight,
                       LWNN_FloatTensor:$expand_bias,
                       LWNN_ActivationAttr:$act,
                       OptionalAttr<DenseF32ArrayAttr>:$act_params,
                       LWNN_ActivationAttr:$gate,
                       OptionalAttr<DenseF32ArrayAttr>:$gate_params);
  let results = (outs LWNN_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $reduce_weight `,` $reduce_bias `,` $expand_weight `,` $expand_bias
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def LWNN_FusedOp : LWNN_Op<"fused", [IsolatedFromAbove, SingleBlock]> {
  let summary = "a fusion group the backend emits as one loop nest";
  let description = [{
    The body's arguments are the group's inputs; `lwnn.yield` returns its
    results. The `kind` string names the fusion (for reports and dispatch).

    ```mlir
    %y = lwnn.fused "dw_pw" (%x) : (tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
    ^bb0(%a: tensor<1x8x4x4xf32>):
      %r = lwnn.relu %a : tensor<1x8x4x4xf32>
      lwnn.yield %r : tensor<1x8x4x4xf32>
    }
    ```
  }];
  let arguments = (ins StrAttr:$kind, Variadic<AnyType>:$inputs);
  let results = (outs Variadic<AnyType>:$outputs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $kind `(` $inputs `)` attr-dict `:` functional-type($inputs, $outputs) $body
  }];
  let hasVerifier = 1;
}

def LWNN_YieldOp : LWNN_Op<"yield", [Pure, Terminator, HasParent<"FusedOp">]> {
  let summary = "returns the results of a fusion group";
  let description = [{
    ```mlir
    lwnn.yield %r : tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

#endif // LWCC_DIALECT_LWNN_IR_LWNNSTRUCTUREOPS_TD
