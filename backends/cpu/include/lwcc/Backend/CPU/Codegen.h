//===- Codegen.h - from the LLVM dialect to a shared library ----*- C++ -*-===//
//
// The CPU backend's last steps: translate the lowered module to LLVM IR, add
// the generated library's ABI (compute wrapper, model info) and runtime,
// optimise for the target, emit an object and link it into a .so with lld.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_BACKEND_CPU_CODEGEN_H
#define LWCC_BACKEND_CPU_CODEGEN_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace lwcc::cpu {

/// A target lwcc can generate a library for.
struct TargetOptions {
  std::string arch;     ///< "x86_64" or "aarch64"
  std::string triple;   ///< LLVM target triple
  std::string cpu;      ///< LLVM CPU name
  std::string features; ///< LLVM feature string
  int optLevel = 3;     ///< 0..3
  std::string libcPath; ///< the target's libc.so.6 to link against, if found
};

/// Resolves a -target name ("host", "x86_64", "aarch64") and -mcpu ("" for
/// the target's default; "native" for the host's) into TargetOptions.
llvm::Expected<TargetOptions> resolveTarget(llvm::StringRef name, llvm::StringRef cpu,
                                            int optLevel);

/// The target's vector register file, as the kernels size their blocks.
struct VectorRegisterFile {
  int64_t bits = 128;
  int64_t count = 16;
};

/// Reads the register file off the target's CPU and features: AVX-512 512
/// bits x 32, AVX/AVX2 256 x 16, SSE 128 x 16, NEON 128 x 32.
llvm::Expected<VectorRegisterFile> vectorRegisterFile(const TargetOptions &target);

/// One model input or output as the ABI describes it.
struct TensorSignature {
  std::string name;
  int32_t dtype = 0; ///< ONNX TensorProto.DataType code
  std::vector<int64_t> shape;
  uint64_t bytes = 0;
};

struct ModelSignature {
  std::string name;
  std::vector<TensorSignature> inputs, outputs;
  /// Threads a new context uses.
  unsigned defaultThreads = 1;
};

/// Reads the model's interface from its lwnn-level entry function (argument
/// and result types, `lwnn.name` attributes).
llvm::Expected<ModelSignature> readModelSignature(mlir::func::FuncOp entry,
                                                  llvm::StringRef modelName);

/// Translates a module lowered to the LLVM dialect into LLVM IR with the
/// ABI wrapper, model info and runtime linked in (not yet optimised).
llvm::Expected<std::unique_ptr<llvm::Module>>
buildLLVMModule(mlir::ModuleOp module, const ModelSignature &signature,
                const TargetOptions &target, llvm::LLVMContext &llvmContext);

/// The name of the function the C API calls into; it and what it calls
/// directly stay in the first object of compileToObjects.
inline constexpr const char *kComputeFunction = "lwcc_internal_compute";

/// Runs LLVM's IR pipeline for `target` on `module`.
llvm::Error optimiseModule(llvm::Module &module, const TargetOptions &target);

/// Optimises `module` and emits it as up to `threads` object files, each
/// part on a thread of its own (see SplitCodegen.cpp). With one thread,
/// one object of the whole module.
llvm::Expected<std::vector<std::string>>
compileToObjects(std::unique_ptr<llvm::Module> module, const TargetOptions &target,
                 unsigned threads, llvm::StringRef entry = kComputeFunction);

/// Emits `module` as an object file (or assembly text) for `target`.
llvm::Expected<std::string> emitMachineCode(llvm::Module &module,
                                            const TargetOptions &target, bool assembly);

/// Links objects into a shared library at `outputPath` with lld; the
/// library's DT_SONAME is `soname`.
llvm::Error linkSharedLibrary(llvm::ArrayRef<std::string> objects, const TargetOptions &target,
                              llvm::StringRef outputPath, llvm::StringRef soname);

/// Bytes of a tensor's buffer in the ABI (quantised values as their storage).
uint64_t tensorBytes(mlir::ShapedType type);

} // namespace lwcc::cpu

#endif // LWCC_BACKEND_CPU_CODEGEN_H
