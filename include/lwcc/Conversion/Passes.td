//===- Passes.td - lwcc conversion passes ------------------*- tablegen -*-===//
//
// Conversions out of the lwnn dialect, shared by every backend.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_CONVERSION_PASSES_TD
#define LWCC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertLWNNToLinalgPass : Pass<"lwcc-convert-lwnn-to-linalg", "::mlir::func::FuncOp"> {
  let summary = "Lower lwnn ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Each lwnn op becomes structured linalg ops on tensors (named convolutions
    and pools where linalg has them, `linalg.generic` otherwise) so that the
    backends' tiling and vectorisation see ordinary linalg. Compound ops
    (`squeeze_excite`, `channel_shuffle`, `batch_norm`) are first decomposed
    into simpler lwnn ops. Quantised tensors become their storage integers:
    quantize/dequantize/requantize are element-wise generics (round half to
    even, saturate), quantised convolutions and matmuls accumulate centred
    operands in i32. Unsigned integer tensors become signless, the ops whose
    meaning depends on it using unsigned arithmetic. An op the lowering
    cannot handle (`lwnn.fused`, quantised ops other than those) is reported
    at its location and the pass fails.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::quant::QuantDialect", "::mlir::scf::SCFDialect"
  ];
}

#endif // LWCC_CONVERSION_PASSES_TD
