//===- lwcc-opt.cpp - mlir-opt with the lwnn dialect and lwcc passes ------===//
//
// The driver lit tests use to run single passes and pipelines. It registers
// only the dialects lwcc produces or consumes, not all of MLIR's.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Passes.h"
#include "lwcc/Conversion/Passes.h"
#include "lwcc/Dialect/LWNN/IR/LWNNDialect.h"
#include "lwcc/Dialect/LWNN/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  // Lowered IR spans many upstream dialects (memref, scf, cf, llvm, ...)
  // and needs their bufferization and translation interfaces.
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<lwcc::lwnn::LWNNDialect, mlir::func::FuncDialect,
                  mlir::arith::ArithDialect, mlir::quant::QuantDialect,
                  mlir::tensor::TensorDialect, mlir::linalg::LinalgDialect,
                  mlir::math::MathDialect>();
  lwcc::lwnn::registerGraphOptimizationPipeline();
  lwcc::registerLWCCConversionPasses();
  lwcc::cpu::registerCPUBackend();
  // The upstream passes the CPU pipelines are made of, for step-by-step runs.
  mlir::registerAllPasses();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  mlir::registerSymbolDCEPass();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "lwcc optimizer driver\n", registry));
}
