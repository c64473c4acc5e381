//===- LWNNBase.td - lwnn dialect definition ---------------*- tablegen -*-===//
//
// The lwnn dialect: tensor-level ops for the building blocks of lightweight
// CNNs. Every op has value semantics on statically shaped ranked tensors with
// NCHW layout; quantised tensors use the `quant` dialect's element types.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_DIALECT_LWNN_IR_LWNNBASE_TD
#define LWCC_DIALECT_LWNN_IR_LWNNBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

def LWNN_Dialect : Dialect {
  let name = "lwnn";
  let cppNamespace = "::lwcc::lwnn";
  let summary = "Tensor ops for lightweight CNNs";
  let description = [{
    The `lwnn` dialect models what lightweight CNNs are built of rather than
    copying ONNX: depthwise and pointwise convolutions are their own ops,
    activations can be fused into their producer as an attribute, channel
    shuffle and squeeze-and-excite are single ops, and fusion groups are
    regions. Tensors are NCHW, statically shaped and have value semantics.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect"];
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
}

//===----------------------------------------------------------------------===//
// Enums and attributes
//===----------------------------------------------------------------------===//

def LWNN_ActNone : I32EnumAttrCase<"none", 0>;
def LWNN_ActRelu : I32EnumAttrCase<"relu", 1>;
def LWNN_ActRelu6 : I32EnumAttrCase<"relu6", 2>;
def LWNN_ActClip : I32EnumAttrCase<"clip", 3>;
def LWNN_ActHardSwish : I32EnumAttrCase<"hard_swish", 4>;
def LWNN_ActHardSigmoid : I32EnumAttrCase<"hard_sigmoid", 5>;
def LWNN_ActSigmoid : I32EnumAttrCase<"sigmoid", 6>;
def LWNN_ActSilu : I32EnumAttrCase<"silu", 7>;
def LWNN_ActTanh : I32EnumAttrCase<"tanh", 8>;
def LWNN_ActLeakyRelu : I32EnumAttrCase<"leaky_relu", 9>;

def LWNN_Activation : I32EnumAttr<"Activation", "fused activation function",
    [LWNN_ActNone, LWNN_ActRelu, LWNN_ActRelu6, LWNN_ActClip, LWNN_ActHardSwish,
     LWNN_ActHardSigmoid, LWNN_ActSigmoid, LWNN_ActSilu, LWNN_ActTanh,
     LWNN_ActLeakyRelu]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::lwcc::lwnn";
}

/// `#lwnn.act<relu>`: the activation a producer applies in its epilogue.
/// Parameters (clip bounds, leaky slope, hard-sigmoid alpha/beta) live in the
/// op's `act_params`.
def LWNN_ActivationAttr : EnumAttr<LWNN_Dialect, LWNN_Activation, "act"> {
  let assemblyFormat = "`<` $value `>`";
}

def LWNN_PadModeConstant : I32EnumAttrCase<"constant", 0>;
def LWNN_PadModeReflect : I32EnumAttrCase<"reflect", 1>;
def LWNN_PadModeEdge : I32EnumAttrCase<"edge", 2>;
def LWNN_PadMode : I32EnumAttr<"PadMode", "padding mode",
    [LWNN_PadModeConstant, LWNN_PadModeReflect, LWNN_PadModeEdge]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::lwcc::lwnn";
}
def LWNN_PadModeAttr : EnumAttr<LWNN_Dialect, LWNN_PadMode, "pad_mode"> {
  let assemblyFormat = "`<` $value `>`";
}

def LWNN_ResizeNearest : I32EnumAttrCase<"nearest", 0>;
def LWNN_ResizeLinear : I32EnumAttrCase<"linear", 1>;
def LWNN_ResizeCubic : I32EnumAttrCase<"cubic", 2>;
def LWNN_ResizeMode : I32EnumAttr<"ResizeMode", "resize interpolation",
    [LWNN_ResizeNearest, LWNN_ResizeLinear, LWNN_ResizeCubic]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::lwcc::lwnn";
}
def LWNN_ResizeModeAttr : EnumAttr<LWNN_Dialect, LWNN_ResizeMode, "resize_mode"> {
  let assemblyFormat = "`<` $value `>`";
}

def LWNN_CoordHalfPixel : I32EnumAttrCase<"half_pixel", 0>;
def LWNN_CoordPytorchHalfPixel : I32EnumAttrCase<"pytorch_half_pixel", 1>;
def LWNN_CoordAlignCorners : I32EnumAttrCase<"align_corners", 2>;
def LWNN_CoordAsymmetric : I32EnumAttrCase<"asymmetric", 3>;
def LWNN_CoordTfHalfPixel : I32EnumAttrCase<"tf_half_pixel_for_nn", 4>;
def LWNN_CoordTfCropAndResize : I32EnumAttrCase<"tf_crop_and_resize", 5>;
def LWNN_CoordMode : I32EnumAttr<"CoordMode", "resize coordinate transformation",
    [LWNN_CoordHalfPixel, LWNN_CoordPytorchHalfPixel, LWNN_CoordAlignCorners,
     LWNN_CoordAsymmetric, LWNN_CoordTfHalfPixel, LWNN_CoordTfCropAndResize]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::lwcc::lwnn";
}
def LWNN_CoordModeAttr : EnumAttr<LWNN_Dialect, LWNN_CoordMode, "coord_mode"> {
  let assemblyFormat = "`<` $value `>`";
}

def LWNN_NearestRoundPreferFloor : I32EnumAttrCase<"round_prefer_floor", 0>;
def LWNN_NearestRoundPreferCeil : I32EnumAttrCase<"round_prefer_ceil", 1>;
def LWNN_NearestFloor : I32EnumAttrCase<"floor", 2>;
def LWNN_NearestCeil : I32EnumAttrCase<"ceil", 3>;
def LWNN_NearestMode : I32EnumAttr<"NearestMode", "nearest rounding",
    [LWNN_NearestRoundPreferFloor, LWNN_NearestRoundPreferCeil,
     LWNN_NearestFloor, LWNN_NearestCeil]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::lwcc::lwnn";
}
def LWNN_NearestModeAttr : EnumAttr<LWNN_Dialect, LWNN_NearestMode, "nearest_mode"> {
  let assemblyFormat = "`<` $value `>`";
}

def LWNN_SparseDense : I32EnumAttrCase<"dense", 0>;
def LWNN_SparseNM : I32EnumAttrCase<"n_m", 1>;
def LWNN_SparsePattern : I32EnumAttrCase<"pattern", 2>;
def LWNN_SparseBlock : I32EnumAttrCase<"block", 3>;
def LWNN_SparseCSR : I32EnumAttrCase<"csr", 4>;
def LWNN_SparsePrunedChannels : I32EnumAttrCase<"pruned_channels", 5>;
def LWNN_SparseKind : I32EnumAttr<"SparseKind", "weight sparsity structure",
    [LWNN_SparseDense, LWNN_SparseNM, LWNN_SparsePattern, LWNN_SparseBlock,
     LWNN_SparseCSR, LWNN_SparsePrunedChannels]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::lwcc::lwnn";
}

/// `#lwnn.sparse<n_m, [2, 4]>`: how a weight constant is sparse, so kernels
/// can dispatch on it. `params` is kind-specific: [N, M] for N:M, the block
/// shape for block, the kept-channel count for pruned channels.
def LWNN_SparseEncodingAttr : AttrDef<LWNN_Dialect, "SparseEncoding"> {
  let mnemonic = "sparse";
  let summary = "structure of a sparse weight tensor";
  let parameters = (ins
    EnumParameter<LWNN_SparseKind>:$kind,
    OptionalArrayRefParameter<"int64_t">:$params);
  let assemblyFormat = "`<` $kind (`,` `[` $params^ `]`)? `>`";
  let genVerifyDecl = 1;
}

/// Attributes every op with a fused activation carries.
defvar LWNN_FusedActArgs = (ins
    DefaultValuedAttr<LWNN_ActivationAttr, "::lwcc::lwnn::Activation::none">:$act,
    OptionalAttr<DenseF32ArrayAttr>:$act_params);

//===----------------------------------------------------------------------===//
// Base classes and type constraints
//===----------------------------------------------------------------------===//

class LWNN_Op<string mnemonic, list<Trait> traits = []>
    : Op<LWNN_Dialect, mnemonic, traits>;

def LWNN_QuantElement : Type<
    CPred<"::llvm::isa<::mlir::quant::QuantizedType>($_self)">,
    "quantized element">;
def LWNN_Element : AnyTypeOf<[F32, F16, BF16, I1, I8, UI8, I16, I32, I64,
                               LWNN_QuantElement]>;
def LWNN_Tensor : RankedTensorOf<[LWNN_Element]>;
def LWNN_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;
def LWNN_IntTensor : RankedTensorOf<[I32, I64]>;
def LWNN_NumericTensor : RankedTensorOf<[F32, F16, BF16, I8, UI8, I16, I32, I64]>;

#endif // LWCC_DIALECT_LWNN_IR_LWNNBASE_TD
