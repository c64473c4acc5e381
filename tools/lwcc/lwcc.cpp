//===- lwcc.cpp - the lwcc command-line compiler --------------------------===//
//
// `lwcc model.onnx [-target=aarch64]` writes model.so and model.h beside the
// model (or beside -o). A thin client of lwcc/Compiler.h: diagnostics name
// the ONNX node, any failure exits with 1 and leaves no output file behind.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Compiler.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static cl::OptionCategory lwccCategory("lwcc options");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx|model.onnxtxt>"),
                                      cl::Required, cl::cat(lwccCategory));
static cl::opt<std::string>
    outputFile("o",
               cl::desc("Output file ('-' for stdout). Default: stdout for text, "
                        "<model>.so/.o beside the input for binaries"),
               cl::value_desc("file"), cl::cat(lwccCategory));
static cl::opt<std::string> target("target",
                                   cl::desc("Target: host (default), x86_64 or aarch64"),
                                   cl::init("host"), cl::cat(lwccCategory));
static cl::opt<std::string> mcpu("mcpu",
                                 cl::desc("CPU to tune for (LLVM name, or 'native'); "
                                          "default: the host's for -target=host, a "
                                          "portable baseline otherwise"),
                                 cl::cat(lwccCategory));
static cl::list<std::string>
    inputShapes("input-shape", cl::desc("Fix an input's shape: name:d0,d1,... (repeatable)"),
                cl::value_desc("name:dims"), cl::cat(lwccCategory));
static cl::list<std::string> freezeInputs(
    "freeze-input",
    cl::desc("Replace a graph input by the constant in an ONNX TensorProto file: "
             "name=file.pb (repeatable); for run-time shape parameters"),
    cl::value_desc("name=file.pb"), cl::cat(lwccCategory));
static cl::opt<lwcc::EmitKind> emit(
    "emit", cl::desc("What to produce"),
    cl::values(clEnumValN(lwcc::EmitKind::MLIR, "mlir", "the imported lwnn module"),
               clEnumValN(lwcc::EmitKind::LLVM, "llvm", "optimised LLVM IR"),
               clEnumValN(lwcc::EmitKind::Assembly, "asm", "target assembly"),
               clEnumValN(lwcc::EmitKind::Object, "obj", "an object file"),
               clEnumValN(lwcc::EmitKind::SharedLibrary, "so",
                          "a shared library and its header (default)")),
    cl::init(lwcc::EmitKind::SharedLibrary), cl::cat(lwccCategory));
static cl::opt<unsigned> optLevel("O", cl::desc("Optimisation level 0-3 (default 3)"),
                                  cl::Prefix, cl::init(3), cl::cat(lwccCategory));
static cl::opt<bool> printIRAfterAll("print-ir-after-all",
                                     cl::desc("Print the IR after every pass to stderr"),
                                     cl::cat(lwccCategory));
static cl::opt<bool> debugLocations("debug-locations",
                                    cl::desc("Print each op's location (its ONNX node name)"),
                                    cl::cat(lwccCategory));
static cl::opt<bool> noRaise("no-raise-idioms", cl::desc("Keep exporter idioms as imported"),
                             cl::cat(lwccCategory));
static cl::opt<bool> noFoldBatchNorm("no-fold-batch-norm",
                                     cl::desc("Keep batch norms after convolutions"),
                                     cl::cat(lwccCategory));
static cl::opt<bool> noReparameterize(
    "no-reparameterize", cl::desc("Keep summed parallel branches as separate convolutions"),
    cl::cat(lwccCategory));
static cl::opt<bool> noFuseActivations("no-fuse-activations",
                                       cl::desc("Keep activations as separate ops"),
                                       cl::cat(lwccCategory));
static cl::opt<bool> passStatistics("pass-statistics",
                                    cl::desc("Print what each pass changed to stderr"),
                                    cl::cat(lwccCategory));
static cl::opt<unsigned> compileThreads(
    "compile-threads",
    cl::desc("Threads LLVM emits the library's code on (default: the machine's, at most 4)"),
    cl::init(0), cl::cat(lwccCategory));
static cl::opt<bool> timePasses("time-compile",
                                cl::desc("Print the time each compiler pass took to stderr"),
                                cl::cat(lwccCategory));
static cl::opt<bool> noConvToGemm("no-conv-to-gemm",
                                  cl::desc("Keep convolutions as direct loops (no im2col + GEMM)"),
                                  cl::cat(lwccCategory));
static cl::opt<bool> noImageGemm(
    "no-image-gemm",
    cl::desc("Give every k x k convolution's GEMM an im2col copy, never the image itself"),
    cl::cat(lwccCategory));
static cl::opt<bool> noWinograd(
    "no-winograd",
    cl::desc("Run 3x3 stride-1 convolutions as GEMMs over the image, not as Winograd F(4x4, 3x3) or F(2x2, 3x3)"),
    cl::cat(lwccCategory));
static cl::opt<bool> noFuseElementwise(
    "no-fuse-elementwise",
    cl::desc("Keep element-wise ops apart (no fused chains, no activations run on whole image "
             "products, no squeeze-excite gates folded into GEMMs)"),
    cl::cat(lwccCategory));
static cl::opt<bool> noPackWeights(
    "no-pack-weights",
    cl::desc("Keep GEMM weights row-major instead of packed in the kernel's reading order"),
    cl::cat(lwccCategory));
static cl::opt<bool> noElideConcat("no-elide-concat",
                                   cl::desc("Copy each concat input into the concat's buffer instead of writing it there"),
                                   cl::cat(lwccCategory));
static cl::opt<bool> fuseDepthwisePointwise(
    "fuse-depthwise-pointwise",
    cl::desc("Run each large depthwise conv, the pointwise conv reading it and the expansion computing its input together in bands of rows (off: on the machines measured it did not pay)"),
    cl::cat(lwccCategory));
static cl::opt<bool> noColumnBands(
    "no-column-bands",
    cl::desc("Write each im2col's column matrix to memory before its GEMM instead of running both in bands of output rows"),
    cl::cat(lwccCategory));
static cl::opt<std::string> layout(
    "layout",
    cl::desc("CPU tensor layout: nchw, nhwc (chains of depthwise and pointwise convs channels-last) or auto (where the cost model expects it to pay)"),
    cl::init("nchw"), cl::cat(lwccCategory));
static cl::opt<bool> noVectorKernels(
    "no-vector-kernels",
    cl::desc("Lower GEMMs and depthwise convolutions as plain loops, without lwcc's kernels"),
    cl::cat(lwccCategory));
static cl::opt<bool> noParallel("no-parallel",
                                cl::desc("Run every kernel on the calling thread only"),
                                cl::cat(lwccCategory));
static cl::opt<bool> profile("profile",
                             cl::desc("Time every kernel at run time (lwcc-run --profile)"),
                             cl::cat(lwccCategory));
static cl::opt<bool> report("report",
                            cl::desc("Print the arena and weight sizes of the library and its object file count"),
                            cl::cat(lwccCategory));

static int error(const Twine &message) {
  errs() << "lwcc: error: " << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  // libLLVM registers a hidden global `-threads` of its own; lwcc's flag of
  // that name replaces it, so it is created only after that one is removed.
  if (cl::Option *theirs = cl::getRegisteredOptions().lookup("threads"))
    theirs->removeArgument();
  static cl::opt<unsigned> threads("threads",
                                   cl::desc("Threads a new context uses (default 1)"),
                                   cl::init(1), cl::cat(lwccCategory));
  cl::HideUnrelatedOptions(lwccCategory);
  cl::SetVersionPrinter([](raw_ostream &os) { os << "lwcc 0.1.0 (LLVM/MLIR 22)\n"; });
  cl::ParseCommandLineOptions(argc, argv, "lwcc: ONNX to lightweight-CNN libraries\n");

  lwcc::CompileOptions options;
  options.target = target;
  options.cpu = mcpu;
  if (optLevel > 3)
    return error("-O" + Twine(optLevel) + " is not a level (0 to 3)");
  if (threads < 1)
    return error("--threads must be at least 1");
  options.optLevel = optLevel;
  options.defaultThreads = threads;
  options.compileThreads = compileThreads;
  options.emit = emit;
  options.raiseIdioms = !noRaise;
  options.foldBatchNorm = !noFoldBatchNorm;
  options.reparameterize = !noReparameterize;
  options.fuseActivations = !noFuseActivations;
  options.passStatistics = passStatistics;
  options.timePasses = timePasses;
  options.convToGemm = !noConvToGemm;
  options.imageGemm = !noImageGemm;
  options.winograd = !noWinograd;
  options.fuseElementwise = !noFuseElementwise;
  options.packWeights = !noPackWeights;
  options.columnBands = !noColumnBands;
  options.layout = layout;
  options.elideConcat = !noElideConcat;
  options.fuseDepthwisePointwise = fuseDepthwisePointwise;
  options.vectorKernels = !noVectorKernels;
  options.parallel = !noParallel;
  options.profile = profile;
  options.printIRAfterAll = printIRAfterAll;
  options.debugLocations = debugLocations;
  for (const std::string &spec : inputShapes) {
    std::string message = lwcc::parseInputShapeOption(spec, options);
    if (!message.empty())
      return error(message);
  }

  for (const std::string &spec : freezeInputs) {
    auto eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
      return error("--freeze-input expects name=file.pb, got '" + spec + "'");
    options.frozenInputs.push_back({spec.substr(0, eq), spec.substr(eq + 1)});
  }

  bool binary = emit == lwcc::EmitKind::Object || emit == lwcc::EmitKind::SharedLibrary;
  std::string output = outputFile;
  if (output.empty()) {
    if (!binary) {
      output = "-";
    } else {
      SmallString<128> path(inputFile);
      sys::path::replace_extension(path, emit == lwcc::EmitKind::Object ? "o" : "so");
      output = path.str().str();
    }
  }

  if (output != "-")
    options.soname = sys::path::filename(output).str();
  lwcc::CompileResult result = lwcc::compileFile(inputFile, options);
  for (const lwcc::Diagnostic &diag : result.diagnostics)
    errs() << "lwcc: " << diag.str() << "\n";
  if (!result.ok)
    return 1;

  if (output == "-") {
    outs() << result.artifact;
    return 0;
  }
  if (std::string message = lwcc::writeFileAtomically(output, result.artifact);
      !message.empty())
    return error(message);
  if (!result.header.empty()) {
    SmallString<128> header(output);
    sys::path::replace_extension(header, "h");
    if (std::string message = lwcc::writeFileAtomically(header.str().str(), result.header);
        !message.empty()) {
      sys::fs::remove(output);
      return error(message);
    }
  }
  if (passStatistics)
    errs() << result.passReport;
  if (report) {
    outs() << "arena: " << result.arenaBytes << " bytes, weights: " << result.weightBytes
           << " bytes";
    if (result.objectFiles)
      outs() << ", code: " << result.objectFiles << " object file(s)";
    outs() << "\n";
  }
  return 0;
}
