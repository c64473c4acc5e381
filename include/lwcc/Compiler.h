//===- Compiler.h - lwcc as a library ---------------------------*- C++ -*-===//
//
// Compiles an ONNX model (file or in-memory bytes) into the lwnn module, LLVM
// IR, assembly, an object or a self-contained shared library, returning the
// result and its diagnostics to the caller instead of printing them. The
// `lwcc` tool is a thin client of this API; `lwcc.h` is its C form.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_COMPILER_H
#define LWCC_COMPILER_H

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lwcc {

enum class EmitKind { MLIR, LLVM, Assembly, Object, SharedLibrary };

struct CompileOptions {
  /// "host", "x86_64" or "aarch64".
  std::string target = "host";
  /// LLVM CPU name, "native", or empty for the target's baseline.
  std::string cpu;
  int optLevel = 3;
  /// Threads a new context of the generated library uses.
  unsigned defaultThreads = 1;
  /// Threads LLVM optimises and emits a shared library's code on (0: as
  /// many as the machine has, at most 4). Each parallel task's code is
  /// optimised alone either way; the count changes only which object file
  /// a function is emitted into.
  unsigned compileThreads = 0;
  EmitKind emit = EmitKind::SharedLibrary;
  /// Shapes that replace declared (possibly symbolic) input shapes.
  std::vector<std::pair<std::string, std::vector<int64_t>>> inputShapes;
  /// Graph inputs replaced by constants from TensorProto (.pb) files.
  std::vector<std::pair<std::string, std::string>> frozenInputs;
  bool raiseIdioms = true;
  /// Graph optimisations (lwnn-fold-batch-norm, lwnn-reparameterize,
  /// lwnn-fuse-activations), run before lowering.
  bool foldBatchNorm = true;
  bool reparameterize = true;
  bool fuseActivations = true;
  /// Print the time each pass took to stderr.
  bool timePasses = false;
  /// Report what each pass changed (CompileResult::passReport).
  bool passStatistics = false;
  /// Run batch-1 convolutions as GEMMs on the CPU.
  bool convToGemm = true;
  /// ... without an im2col where the image can serve as the column matrix.
  bool imageGemm = true;
  /// Run 3x3 stride-1 convolutions with constant filters as Winograd
  /// F(4x4, 3x3) or F(2x2, 3x3) on the CPU (with the vector kernels only: the transforms'
  /// plain loops are slow).
  bool winograd = true;
  /// Fuse element-wise chains, run activations on image products whole and
  /// fold squeeze-excite gates into the next GEMM
  /// (lwcc-cpu-fuse-elementwise).
  bool fuseElementwise = true;
  /// Let a concat's inputs be written straight into its buffer on the CPU.
  bool elideConcat = true;
  /// Run a depthwise conv and the pointwise conv reading it in bands of
  /// rows on the CPU, the depthwise output never in memory (with the vector
  /// kernels only). Off by default: on the x86-64 cores measured (1 MiB L2,
  /// 32 MiB L3) it did not pay (see lwcc-cpu-fuse-depthwise-pointwise).
  bool fuseDepthwisePointwise = false;
  /// Emit lwcc's vector kernels for GEMMs and depthwise convolutions.
  bool vectorKernels = true;
  /// Store GEMM weights in the order the kernels read them.
  bool packWeights = true;
  /// Run an im2col and its GEMM in bands of output rows, the column matrix
  /// never in memory (with the vector kernels only).
  bool columnBands = true;
  /// The CPU tensors' layout: "nchw" everywhere, "nhwc" for every chain of
  /// depthwise and pointwise convs that has a channels-last form, or
  /// "auto" (lwcc-cpu-choose-layout's cost model decides per chain).
  std::string layout = "nchw";
  /// Split the kernels' work across the context's threads.
  bool parallel = true;
  /// Time every kernel at run time (lwcc_profile_get, `lwcc-run --profile`).
  bool profile = false;
  /// Print the IR after every pass to stderr (a debugging aid).
  bool printIRAfterAll = false;
  /// Print locations (ONNX node names) in MLIR output.
  bool debugLocations = false;
  /// Name recorded in the model info; defaults to the file's stem.
  std::string modelName;
  /// DT_SONAME of a shared library; defaults to `<modelName>.so`.
  std::string soname;
};

struct Diagnostic {
  enum class Severity { Error, Warning, Note } severity = Severity::Error;
  /// The ONNX node the diagnostic is about, if any.
  std::string node;
  std::string message;
  /// `error: node 'conv1': ...` as lwcc prints it.
  std::string str() const;
};

struct CompileResult {
  bool ok = false;
  std::vector<Diagnostic> diagnostics;
  /// The output bytes: MLIR or LLVM text, assembly, an object or a .so.
  std::string artifact;
  /// The per-model C header, for shared libraries.
  std::string header;
  /// Activation arena of one context and constant data, in bytes.
  uint64_t arenaBytes = 0;
  uint64_t weightBytes = 0;
  /// Object files a shared library's code was emitted as (one per thread
  /// that had work, see CompileOptions::compileThreads).
  unsigned objectFiles = 0;
  /// With CompileOptions::passStatistics: per pass, how the count of each op
  /// kind changed (`lwnn-reparameterize: lwnn.add -39, ...`).
  std::string passReport;
};

/// Compiles the model at `path` (`.onnx` binary or `.onnxtxt` text).
CompileResult compileFile(const std::string &path, const CompileOptions &options);

/// Compiles a model held in memory. External data is resolved in `modelDir`
/// (empty: rejected).
CompileResult compileBuffer(std::string_view bytes, bool isText,
                            const std::string &sourceName, const std::string &modelDir,
                            const CompileOptions &options);

/// Writes `bytes` to `path` through a temporary file and a rename, so readers
/// never see a partial file. Returns an error message, empty on success.
std::string writeFileAtomically(const std::string &path, std::string_view bytes);

/// Parses `name:d0,d1,...` into `options.inputShapes`; returns an error
/// message, empty on success.
std::string parseInputShapeOption(const std::string &spec, CompileOptions &options);

} // namespace lwcc

#endif // LWCC_COMPILER_H
