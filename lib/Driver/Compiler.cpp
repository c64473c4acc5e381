//===- Compiler.cpp - lwcc as a library -----------------------------------===//
//
// ONNX -> lwnn (Frontend/ONNX) -> CPU pipelines (backends/cpu) -> LLVM IR ->
// machine code -> shared library, stopping where CompileOptions::emit says.
// Diagnostics are collected into the result; nothing is printed unless the
// caller asked for IR dumps.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Compiler.h"
#include "ModelHeader.h"
#include "PassReport.h"
#include "lwcc/Backend/CPU/Codegen.h"
#include "lwcc/Backend/CPU/Passes.h"
#include "lwcc/Dialect/LWNN/Transforms/Passes.h"
#include "lwcc/Frontend/ONNXImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/IR/Constants.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace lwcc {

std::string Diagnostic::str() const {
  std::string out = severity == Severity::Error     ? "error: "
                    : severity == Severity::Warning ? "warning: "
                                                    : "note: ";
  if (!node.empty() && !llvm::StringRef(message).starts_with("node '"))
    out += "node '" + node + "': ";
  return out + message;
}

namespace {

/// Collects MLIR diagnostics (with the ONNX node taken from NameLoc) into a
/// CompileResult.
class DiagnosticCollector {
public:
  DiagnosticCollector(MLIRContext &context, CompileResult &result)
      : handler(&context, [&result](mlir::Diagnostic &diag) {
          lwcc::Diagnostic d;
          d.severity = diag.getSeverity() == DiagnosticSeverity::Error
                           ? lwcc::Diagnostic::Severity::Error
                       : diag.getSeverity() == DiagnosticSeverity::Warning
                           ? lwcc::Diagnostic::Severity::Warning
                           : lwcc::Diagnostic::Severity::Note;
          Location loc = diag.getLocation();
          if (auto fused = llvm::dyn_cast<FusedLoc>(loc))
            if (!fused.getLocations().empty())
              loc = fused.getLocations().front();
          d.message = diag.str();
          if (auto name = llvm::dyn_cast<NameLoc>(loc))
            d.node = name.getName().str();
          else if (auto file = llvm::dyn_cast<FileLineColLoc>(loc))
            d.message = file.getFilename().str() + ": " + d.message;
          result.diagnostics.push_back(std::move(d));
          for (mlir::Diagnostic &note : diag.getNotes())
            result.diagnostics.push_back(
                {lwcc::Diagnostic::Severity::Note, "", note.str()});
          return success();
        }) {}

private:
  ScopedDiagnosticHandler handler;
};

void fail(CompileResult &result, const std::string &message) {
  result.diagnostics.push_back({lwcc::Diagnostic::Severity::Error, "", message});
  result.ok = false;
}

std::string errorText(llvm::Error error) { return llvm::toString(std::move(error)); }

/// Runs the steps after import, filling `result`.
void compileModule(MLIRContext &context, ModuleOp module, const CompileOptions &options,
                   CompileResult &result) {
  auto printModule = [&](ModuleOp m) {
    llvm::raw_string_ostream os(result.artifact);
    OpPrintingFlags flags;
    if (options.debugLocations)
      flags.enableDebugInfo(true, false);
    m.print(os, flags);
    os << "\n";
  };
  if (options.emit == EmitKind::MLIR) {
    printModule(module);
    result.ok = true;
    return;
  }
  auto target = cpu::resolveTarget(options.target, options.cpu, options.optLevel);
  if (!target)
    return fail(result, errorText(target.takeError()));
  auto entry = module.lookupSymbol<func::FuncOp>("main");
  if (!entry)
    return fail(result, "the model has no entry function");
  auto signature = cpu::readModelSignature(entry, options.modelName);
  if (!signature)
    return fail(result, errorText(signature.takeError()));

  PassManager pm(&context);
  if (options.printIRAfterAll) {
    context.disableMultithreading();
    pm.enableIRPrinting([](Pass *, Operation *) { return false; },
                        [](Pass *, Operation *) { return true; }, true, false);
  }
  if (options.layout != "nchw" && options.layout != "nhwc" &&
      options.layout != "auto")
    return fail(result, "unknown layout '" + options.layout +
                            "' (expected nchw, nhwc or auto)");
  auto registers = cpu::vectorRegisterFile(*target);
  if (!registers)
    return fail(result, errorText(registers.takeError()));
  cpu::CPUPipelineOptions pipeline;
  pipeline.vectorBits = registers->bits;
  pipeline.vectorRegisters = registers->count;
  pipeline.convToGemm = options.convToGemm;
  pipeline.imageGemm = options.imageGemm;
  pipeline.winograd = options.winograd && options.vectorKernels;
  pipeline.fuseElementwise = options.fuseElementwise;
  pipeline.elideConcat = options.elideConcat;
  pipeline.fuseDepthwisePointwise = options.fuseDepthwisePointwise;
  pipeline.vectorKernels = options.vectorKernels;
  pipeline.packWeights = options.packWeights;
  pipeline.columnBands = options.columnBands;
  pipeline.layout = options.layout;
  pipeline.parallel = options.parallel;
  pipeline.profile = options.profile;
  lwnn::GraphOptimizationOptions graph;
  graph.foldBatchNorm = options.foldBatchNorm;
  graph.reparameterize = options.reparameterize;
  graph.fuseActivations = options.fuseActivations;
  lwnn::buildGraphOptimizationPipeline(pm, graph);
  cpu::buildCPULoweringPipeline(pm, pipeline);
  if (options.timePasses)
    pm.enableTiming();
  OpCountReport *report = nullptr;
  if (options.passStatistics) {
    auto owned = std::make_unique<OpCountReport>();
    report = owned.get();
    pm.addInstrumentation(std::move(owned));
  }
  LogicalResult lowered = pm.run(module);
  if (report)
    result.passReport = report->str();
  if (failed(lowered))
    return fail(result, "lowering for the CPU failed");

  llvm::LLVMContext llvmContext;
  signature->defaultThreads = options.defaultThreads;
  auto llvmModule = cpu::buildLLVMModule(module, *signature, *target, llvmContext);
  if (!llvmModule)
    return fail(result, errorText(llvmModule.takeError()));
  if (auto *info = (*llvmModule)->getNamedGlobal("lwcc_internal_model_info")) {
    auto *value = llvm::cast<llvm::ConstantStruct>(info->getInitializer());
    result.arenaBytes = llvm::cast<llvm::ConstantInt>(value->getOperand(8))->getZExtValue();
    result.weightBytes = llvm::cast<llvm::ConstantInt>(value->getOperand(9))->getZExtValue();
  }
  if (options.emit != EmitKind::SharedLibrary)
    if (llvm::Error error = cpu::optimiseModule(**llvmModule, *target))
      return fail(result, errorText(std::move(error)));
  if (options.emit == EmitKind::LLVM) {
    llvm::raw_string_ostream os(result.artifact);
    (*llvmModule)->print(os, nullptr);
    result.ok = true;
    return;
  }
  if (options.emit != EmitKind::SharedLibrary) {
    auto code = cpu::emitMachineCode(**llvmModule, *target,
                                     options.emit == EmitKind::Assembly);
    if (!code)
      return fail(result, errorText(code.takeError()));
    result.artifact = std::move(*code);
    result.ok = true;
    return;
  }
  unsigned threads = options.compileThreads;
  if (threads == 0)
    threads = std::min(4u, llvm::hardware_concurrency().compute_thread_count());
  auto objects = cpu::compileToObjects(std::move(*llvmModule), *target, threads);
  if (!objects)
    return fail(result, errorText(objects.takeError()));
  result.objectFiles = objects->size();
  llvm::SmallString<128> soPath;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile("lwcc-model", "so", soPath))
    return fail(result, "cannot create a temporary file: " + ec.message());
  llvm::FileRemover removeSo(soPath);
  if (llvm::Error error = cpu::linkSharedLibrary(*objects, *target, soPath,
                                                 options.soname.empty()
                                                     ? options.modelName + ".so"
                                                     : options.soname))
    return fail(result, errorText(std::move(error)));
  auto bytes = llvm::MemoryBuffer::getFile(soPath, /*IsText=*/false,
                                           /*RequiresNullTerminator=*/false);
  if (!bytes)
    return fail(result, "cannot read the linked library: " + bytes.getError().message());
  result.artifact = (*bytes)->getBuffer().str();
  result.header = generateModelHeader(*signature, target->arch, result.arenaBytes,
                                      result.weightBytes);
  result.ok = true;
}

CompileResult compile(llvm::function_ref<OwningOpRef<ModuleOp>(MLIRContext &,
                                                                ONNXImportOptions &)>
                          import,
                      const CompileOptions &options, llvm::StringRef sourceName) {
  CompileResult result;
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerONNXImportDialects(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  DiagnosticCollector collector(context, result);

  ONNXImportOptions importOptions;
  importOptions.raiseIdioms = options.raiseIdioms;
  for (const auto &[name, path] : options.frozenInputs)
    importOptions.frozenInputs[name] = path;
  for (const auto &[name, dims] : options.inputShapes)
    importOptions.inputShapes[name] = llvm::SmallVector<int64_t>(dims.begin(), dims.end());
  OwningOpRef<ModuleOp> module = import(context, importOptions);
  if (!module)
    return result;
  CompileOptions resolved = options;
  if (resolved.modelName.empty())
    resolved.modelName = llvm::sys::path::stem(sourceName).str();
  compileModule(context, *module, resolved, result);
  return result;
}

} // namespace

CompileResult compileFile(const std::string &path, const CompileOptions &options) {
  return compile(
      [&](MLIRContext &context, ONNXImportOptions &importOptions) {
        return importONNXFile(context, path, importOptions);
      },
      options, path);
}

CompileResult compileBuffer(std::string_view bytes, bool isText, const std::string &sourceName,
                            const std::string &modelDir, const CompileOptions &options) {
  return compile(
      [&](MLIRContext &context, ONNXImportOptions &importOptions) {
        importOptions.modelDir = modelDir;
        return importONNX(context, llvm::StringRef(bytes.data(), bytes.size()), isText,
                          sourceName, importOptions);
      },
      options, sourceName);
}

std::string parseInputShapeOption(const std::string &spec, CompileOptions &options) {
  ONNXImportOptions parsed;
  std::string error = parseInputShape(spec, parsed);
  if (!error.empty())
    return error;
  for (const auto &entry : parsed.inputShapes)
    options.inputShapes.push_back(
        {entry.getKey().str(), std::vector<int64_t>(entry.second.begin(), entry.second.end())});
  return "";
}

std::string writeFileAtomically(const std::string &path, std::string_view bytes) {
  llvm::SmallString<128> temp(path);
  temp += ".tmp-%%%%%%";
  int fd;
  llvm::SmallString<128> tempPath;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(temp, fd, tempPath))
    return "cannot write '" + path + "': " + ec.message();
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os.write(bytes.data(), bytes.size());
    os.close();
    if (os.has_error()) {
      os.clear_error();
      llvm::sys::fs::remove(tempPath);
      return "cannot write '" + path + "'";
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(tempPath, path)) {
    llvm::sys::fs::remove(tempPath);
    return "cannot write '" + path + "': " + ec.message();
  }
  return "";
}

} // namespace lwcc
