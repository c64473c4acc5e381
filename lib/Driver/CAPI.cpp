//===- CAPI.cpp - the C API over lwcc/Compiler.h ---------------------------===//
//
// lwcc.h's functions: option conversion, results that own their strings,
// and file writing with the same atomic helper the tool uses.
//
//===----------------------------------------------------------------------===//

#include "lwcc/lwcc.h"
#include "lwcc/Compiler.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

struct lwcc_compile_result {
  lwcc::CompileResult result;
  std::string diagnostics;
};

namespace {

lwcc::CompileOptions convert(const lwcc_compile_options *in, std::string &error) {
  lwcc::CompileOptions out;
  if (!in)
    return out;
  if (in->target)
    out.target = in->target;
  if (in->cpu)
    out.cpu = in->cpu;
  out.optLevel = in->opt_level;
  out.defaultThreads = in->default_threads ? in->default_threads : 1;
  switch (in->emit) {
  case LWCC_EMIT_OBJECT: out.emit = lwcc::EmitKind::Object; break;
  case LWCC_EMIT_ASSEMBLY: out.emit = lwcc::EmitKind::Assembly; break;
  case LWCC_EMIT_LLVM: out.emit = lwcc::EmitKind::LLVM; break;
  case LWCC_EMIT_MLIR: out.emit = lwcc::EmitKind::MLIR; break;
  default: out.emit = lwcc::EmitKind::SharedLibrary; break;
  }
  if (in->model_name)
    out.modelName = in->model_name;
  for (const char *const *shape = in->input_shapes; shape && *shape; ++shape)
    if (std::string message = lwcc::parseInputShapeOption(*shape, out); !message.empty())
      error = message;
  if (in->opt_level < 0 || in->opt_level > 3)
    error = "opt_level must be 0 to 3";
  return out;
}

lwcc_compile_result *finish(lwcc::CompileResult result) {
  auto *out = new lwcc_compile_result{std::move(result), ""};
  for (const lwcc::Diagnostic &d : out->result.diagnostics)
    out->diagnostics += d.str() + "\n";
  return out;
}

lwcc_compile_result *failed(const std::string &message) {
  lwcc::CompileResult result;
  result.diagnostics.push_back({lwcc::Diagnostic::Severity::Error, "", message});
  return finish(std::move(result));
}

} // namespace

extern "C" {

void lwcc_compile_options_init(lwcc_compile_options *options) {
  if (!options)
    return;
  *options = lwcc_compile_options{};
  options->opt_level = 3;
  options->emit = LWCC_EMIT_SHARED_LIBRARY;
}

lwcc_compile_result *lwcc_compile_file(const char *path, const lwcc_compile_options *options) {
  if (!path)
    return failed("no model path given");
  std::string error;
  lwcc::CompileOptions converted = convert(options, error);
  if (!error.empty())
    return failed(error);
  return finish(lwcc::compileFile(path, converted));
}

lwcc_compile_result *lwcc_compile_buffer(const void *data, size_t size, int is_text,
                                         const char *source_name, const char *model_dir,
                                         const lwcc_compile_options *options) {
  if (!data && size)
    return failed("no model data given");
  std::string error;
  lwcc::CompileOptions converted = convert(options, error);
  if (!error.empty())
    return failed(error);
  return finish(lwcc::compileBuffer(
      std::string_view(static_cast<const char *>(data), size), is_text != 0,
      source_name ? source_name : "model", model_dir ? model_dir : "", converted));
}

int lwcc_result_ok(const lwcc_compile_result *result) { return result && result->result.ok; }

const char *lwcc_result_diagnostics(const lwcc_compile_result *result) {
  return result ? result->diagnostics.c_str() : "";
}

const void *lwcc_result_data(const lwcc_compile_result *result, size_t *size) {
  if (size)
    *size = result ? result->result.artifact.size() : 0;
  return result ? result->result.artifact.data() : nullptr;
}

const char *lwcc_result_header(const lwcc_compile_result *result) {
  return result ? result->result.header.c_str() : "";
}

int lwcc_result_write(lwcc_compile_result *result, const char *path) {
  if (!result || !path || !result->result.ok)
    return -1;
  if (std::string message = lwcc::writeFileAtomically(path, result->result.artifact);
      !message.empty()) {
    result->diagnostics += "error: " + message + "\n";
    return -1;
  }
  if (!result->result.header.empty()) {
    llvm::SmallString<128> header(path);
    llvm::sys::path::replace_extension(header, "h");
    if (std::string message = lwcc::writeFileAtomically(header.str().str(), result->result.header);
        !message.empty()) {
      result->diagnostics += "error: " + message + "\n";
      return -1;
    }
  }
  return 0;
}

void lwcc_result_free(lwcc_compile_result *result) { delete result; }

} // extern "C"
