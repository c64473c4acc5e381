//===- LWNNElementwiseOps.td - activations and arithmetic --*- tablegen -*-===//
//
// Activation functions, unary math and broadcasting binary arithmetic, plus
// batch normalisation (which lives only until it is folded into a conv).
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_DIALECT_LWNN_IR_LWNNELEMENTWISEOPS_TD
#define LWCC_DIALECT_LWNN_IR_LWNNELEMENTWISEOPS_TD

include "lwcc/Dialect/LWNN/IR/LWNNBase.td"

class LWNN_UnaryOp<string mnemonic, string fn, list<Trait> traits = []>
    : LWNN_Op<mnemonic, traits # [Pure, SameOperandsAndResultType]> {
  let summary = fn;
  let description = "Elementwise `" # fn # "`." # [{

    ```mlir
    %y = lwnn.}] # mnemonic # [{ %x : tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins LWNN_FloatTensor:$input);
  let results = (outs LWNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def LWNN_ReluOp : LWNN_UnaryOp<"relu", "max(x, 0)"> { let hasFolder = 1; }
def LWNN_Relu6Op : LWNN_UnaryOp<"relu6", "min(max(x, 0), 6)"> { let hasFolder = 1; }
def LWNN_HardSwishOp : LWNN_UnaryOp<"hard_swish", "x * relu6(x + 3) / 6">;
def LWNN_SigmoidOp : LWNN_UnaryOp<"sigmoid", "1 / (1 + exp(-x))">;
def LWNN_SiluOp : LWNN_UnaryOp<"silu", "x * sigmoid(x)">;
def LWNN_TanhOp : LWNN_UnaryOp<"tanh", "tanh(x)">;
def LWNN_SqrtOp : LWNN_UnaryOp<"sqrt", "sqrt(x)"> { let hasFolder = 1; }
def LWNN_NegOp : LWNN_UnaryOp<"neg", "-x"> { let hasFolder = 1; }

def LWNN_ClipOp : LWNN_Op<"clip", [Pure, SameOperandsAndResultType]> {
  let summary = "min(max(x, min), max)";
  let description = [{
    Bounds are compile-time constants (ONNX's input form is folded at import).
    On a float tensor, `clip` with bounds (0, 6) canonicalises to `relu6` and
    (0, +inf) to `relu`. On an integer tensor the bounds are integers
    (exactly representable in f32) and saturate to the element type's range.

    ```mlir
    %y = lwnn.clip %x {min = -1.0 : f32, max = 1.0 : f32} : tensor<4xf32>
    ```
  }];
  let arguments = (ins LWNN_NumericTensor:$input, F32Attr:$min, F32Attr:$max);
  let results = (outs LWNN_NumericTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def LWNN_HardSigmoidOp : LWNN_Op<"hard_sigmoid", [Pure, SameOperandsAndResultType]> {
  let summary = "max(0, min(1, alpha * x + beta))";
  let description = [{
    ```mlir
    %y = lwnn.hard_sigmoid %x {alpha = 0.1666667 : f32, beta = 0.5 : f32} : tensor<4xf32>
    ```
  }];
  let arguments = (ins LWNN_FloatTensor:$input, F32Attr:$alpha, F32Attr:$beta);
  let results = (outs LWNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def LWNN_LeakyReluOp : LWNN_Op<"leaky_relu", [Pure, SameOperandsAndResultType]> {
  let summary = "x >= 0 ? x : alpha * x";
  let description = [{
    ```mlir
    %y = lwnn.leaky_relu %x {alpha = 0.01 : f32} : tensor<4xf32>
    ```
  }];
  let arguments = (ins LWNN_FloatTensor:$input, F32Attr:$alpha);
  let results = (outs LWNN_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def LWNN_PReluOp : LWNN_Op<"prelu", [Pure, InferTypeOpAdaptor]> {
  let summary = "x >= 0 ? x : slope * x, slope broadcast to x";
  let description = [{
    The slope broadcasts unidirectionally to the input (usually `[C, 1, 1]`).

    ```mlir
    %y = lwnn.prelu %x, %s : (tensor<1x16x8x8xf32>, tensor<16x1x1xf32>) -> tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins LWNN_FloatTensor:$input, LWNN_FloatTensor:$slope);
  let results = (outs LWNN_FloatTensor:$output);
  let assemblyFormat = "$input `,` $slope attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

class LWNN_BinaryOp<string mnemonic, string fn, list<Trait> traits = []>
    : LWNN_Op<mnemonic, traits # [Pure, InferTypeOpAdaptor]> {
  let summary = "elementwise " # fn # " with numpy broadcasting";
  let description = "Operands broadcast numpy-style to a common shape; both "
    # "have the same element type." # [{

    ```mlir
    %z = lwnn.}] # mnemonic # [{ %x, %y : (tensor<1x16x8x8xf32>, tensor<16x1x1xf32>) -> tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins LWNN_Tensor:$lhs, LWNN_Tensor:$rhs);
  let results = (outs LWNN_Tensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
  let hasFolder = 1;
}

def LWNN_AddOp : LWNN_BinaryOp<"add", "x + y", [Commutative]> {
  let arguments = !con((ins LWNN_Tensor:$lhs, LWNN_Tensor:$rhs),
                       LWNN_FusedActArgs);
}
def LWNN_SubOp : LWNN_BinaryOp<"sub", "x - y">;
def LWNN_MulOp : LWNN_BinaryOp<"mul", "x * y", [Commutative]>;
def LWNN_DivOp : LWNN_BinaryOp<"div", "x / y">;
def LWNN_PowOp : LWNN_BinaryOp<"pow", "x ^ y"> {
  let description = [{
    Operands broadcast numpy-style to a common shape. As in ONNX, the
    exponent may have another element type than the base, whose type the
    result has: an integer base raised to an integral exponent is exact
    (repeated squaring), otherwise the power is computed in f32 and
    truncated to the base's integer type.

    ```mlir
    %z = lwnn.pow %x, %y : (tensor<3xi32>, tensor<3xf32>) -> tensor<3xi32>
    ```
  }];
}

def LWNN_BatchNormOp : LWNN_Op<"batch_norm", [Pure, InferTypeOpAdaptor]> {
  let summary = "inference batch normalisation over channels";
  let description = [{
    `scale * (x - mean) / sqrt(var + epsilon) + bias` per channel (axis 1).
    Exists only until `lwnn-fold-batch-norm` folds it into the producer.

    ```mlir
    %y = lwnn.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32}
         : (tensor<1x16x8x8xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>,
            tensor<16xf32>) -> tensor<1x16x8x8xf32>
    ```
  }];
  let arguments = (ins LWNN_FloatTensor:$input, LWNN_FloatTensor:$scale,
                       LWNN_FloatTensor:$bias, LWNN_FloatTensor:$mean,
                       LWNN_FloatTensor:$variance, F32Attr:$epsilon);
  let results = (outs LWNN_FloatTensor:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // LWCC_DIALECT_LWNN_IR_LWNNELEMENTWISEOPS_TD
