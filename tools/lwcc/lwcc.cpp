//===- lwcc.cpp - the lwcc command-line compiler --------------------------===//
//
// `lwcc model.onnx --emit=mlir` imports an ONNX model (binary or `.onnxtxt`)
// and prints the lwnn module. Diagnostics name the ONNX node; any failure
// exits with 1 and leaves no output file behind.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Frontend/ONNXImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

static cl::OptionCategory lwccCategory("lwcc options");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx|model.onnxtxt>"),
                                      cl::Required, cl::cat(lwccCategory));
static cl::opt<std::string> outputFile("o", cl::desc("Output file ('-' for stdout)"),
                                       cl::value_desc("file"), cl::init("-"),
                                       cl::cat(lwccCategory));
static cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Fix an input's shape: name:d0,d1,... (repeatable)"),
                cl::value_desc("name:dims"), cl::cat(lwccCategory));
enum class EmitKind { MLIR };
static cl::opt<EmitKind> emit("emit", cl::desc("What to produce"),
                              cl::values(clEnumValN(EmitKind::MLIR, "mlir",
                                                    "the lwnn module")),
                              cl::init(EmitKind::MLIR), cl::cat(lwccCategory));
static cl::opt<bool> debugLocations(
    "debug-locations", cl::desc("Print each op's location (its ONNX node name)"),
    cl::cat(lwccCategory));
static cl::opt<bool> noRaise("no-raise-idioms",
                             cl::desc("Keep exporter idioms as imported"),
                             cl::cat(lwccCategory));

/// Prints `lwcc: error: node 'conv1': ...` style messages.
static void printDiagnostic(mlir::Diagnostic &diag) {
  raw_ostream &os = errs();
  os << "lwcc: ";
  switch (diag.getSeverity()) {
  case mlir::DiagnosticSeverity::Error:
    os << "error: ";
    break;
  case mlir::DiagnosticSeverity::Warning:
    os << "warning: ";
    break;
  default:
    os << "note: ";
    break;
  }
  if (auto name = dyn_cast<mlir::NameLoc>(diag.getLocation())) {
    std::string msg = diag.str();
    // Importer messages already start with the node; verifier ones do not.
    if (!StringRef(msg).starts_with("node '"))
      os << "node '" << name.getName().getValue() << "': ";
  } else if (auto file = dyn_cast<mlir::FileLineColLoc>(diag.getLocation())) {
    os << file.getFilename().getValue() << ": ";
  }
  os << diag.str() << "\n";
  for (mlir::Diagnostic &note : diag.getNotes())
    os << "lwcc: note: " << note.str() << "\n";
}

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(lwccCategory);
  cl::SetVersionPrinter([](raw_ostream &os) { os << "lwcc 0.1.0 (LLVM/MLIR 22)\n"; });
  cl::ParseCommandLineOptions(argc, argv, "lwcc: ONNX to lightweight-CNN libraries\n");

  lwcc::ONNXImportOptions options;
  options.raiseIdioms = !noRaise;
  for (const std::string &spec : inputShapes) {
    std::string error = lwcc::parseInputShape(spec, options);
    if (!error.empty()) {
      errs() << "lwcc: error: " << error << "\n";
      return 1;
    }
  }

  mlir::MLIRContext context;
  context.printOpOnDiagnostic(false);
  mlir::ScopedDiagnosticHandler handler(&context, [](mlir::Diagnostic &diag) {
    printDiagnostic(diag);
    return mlir::success();
  });
  mlir::OwningOpRef<mlir::ModuleOp> module =
      lwcc::importONNXFile(context, inputFile, options);
  if (!module)
    return 1;

  // ToolOutputFile writes to a temporary and renames on keep(), so a failed
  // compile never leaves a partial file.
  std::error_code ec;
  auto out = std::make_unique<ToolOutputFile>(outputFile, ec, sys::fs::OF_None);
  if (ec) {
    errs() << "lwcc: error: cannot write '" << outputFile << "': " << ec.message() << "\n";
    return 1;
  }
  mlir::OpPrintingFlags flags;
  if (debugLocations)
    flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/false);
  module->print(out->os(), flags);
  out->os() << "\n";
  out->keep();
  return 0;
}
