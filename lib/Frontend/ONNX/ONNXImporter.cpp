//===- ONNXImporter.cpp - ONNX graph to a func of lwnn ops ----------------===//
//
// Walks the graph once in node order: graph inputs become function
// arguments (with `--input-shape` overrides), initializers become constants,
// each node goes through the converter table, graph outputs are returned.
// A node that reads a name nothing has produced yet is a cyclic or dangling
// graph and is rejected with the node's name.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Frontend/ONNXImporter.h"
#include "ModelLoader.h"
#include "NodeImporter.h"
#include "lwcc/Dialect/LWNN/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace lwcc;
using namespace lwcc::onnx_import;

namespace {

/// Largest dimension accepted: a shape beyond this is a corrupt model, not a
/// CNN, and would overflow element counts.
constexpr int64_t kMaxDim = int64_t(1) << 31;
/// Largest element count of any tensor, for the same reason.
constexpr int64_t kMaxElements = int64_t(1) << 33;

/// Element count of `type`, or nullopt when it exceeds kMaxElements.
std::optional<int64_t> boundedElementCount(ShapedType type) {
  int64_t count = 1;
  for (int64_t d : type.getShape()) {
    if (d < 0 || (d != 0 && count > kMaxElements / d))
      return std::nullopt;
    count *= d;
  }
  return count;
}

class GraphImporter {
public:
  GraphImporter(MLIRContext &ctx, const onnx::ModelProto &model,
                const ONNXImportOptions &options, StringRef sourceName)
      : ctx(ctx), model(model), options(options), builder(&ctx),
        sourceName(sourceName.str()) {
    addConvConverters(table);
    addElementwiseConverters(table);
    addPoolConverters(table);
    addShapeConverters(table);
    addTensorConverters(table);
    addQuantConverters(table);
  }

  OwningOpRef<ModuleOp> run();

private:
  LogicalResult findOpset();
  FailureOr<RankedTensorType> convertValueInfo(const onnx::ValueInfoProto &info);
  LogicalResult checkDeclaredOutput(const onnx::ValueInfoProto &info, Value v);
  LogicalResult importInitializer(const onnx::TensorProto &tensor);
  LogicalResult importFrozenInput(StringRef name, StringRef path);
  LogicalResult importNode(const onnx::NodeProto &node, size_t index);
  Value foldIfConstant(Value v);
  InFlightDiagnostic modelError() {
    return mlir::emitError(FileLineColLoc::get(&ctx, sourceName, 0, 0));
  }

  MLIRContext &ctx;
  const onnx::ModelProto &model;
  const ONNXImportOptions &options;
  OpBuilder builder;
  std::string sourceName;
  ConverterTable table;
  int64_t opset = 0;
  llvm::StringMap<Value> values;
};

} // namespace

LogicalResult GraphImporter::findOpset() {
  for (const auto &entry : model.opset_import())
    if (entry.domain().empty() || entry.domain() == "ai.onnx")
      opset = entry.version();
  if (opset == 0)
    return modelError() << "the model imports no default-domain opset";
  if (opset < kMinOpset || opset > kMaxOpset)
    return modelError() << "ONNX opset " << opset << " is not supported (lwcc "
                        << "imports opsets " << kMinOpset << " to " << kMaxOpset
                        << ")";
  return success();
}

FailureOr<RankedTensorType>
GraphImporter::convertValueInfo(const onnx::ValueInfoProto &info) {
  auto fail = [&]() { return modelError() << "graph input '" << info.name() << "': "; };
  if (!info.type().has_tensor_type())
    return fail() << "sequence, map and optional inputs are not supported (only tensors)";
  const auto &tensorType = info.type().tensor_type();
  // Double constants are narrowed to f32; an f64 interface cannot be.
  if (tensorType.elem_type() == onnx::TensorProto::DOUBLE)
    return fail() << "float64 inputs are not supported (lwcc computes in float32)";
  if (tensorType.elem_type() == onnx::TensorProto::BFLOAT16)
    return fail() << "bfloat16 inputs are not supported";
  Type elt = convertElementType(&ctx, tensorType.elem_type());
  if (!elt)
    return fail() << "unsupported element type " << tensorType.elem_type();
  SmallVector<int64_t> shape;
  auto override = options.inputShapes.find(info.name());
  if (override != options.inputShapes.end()) {
    shape.assign(override->second.begin(), override->second.end());
  } else {
    if (!tensorType.has_shape())
      return fail() << "has no shape; give one with --input-shape="
                    << info.name() << ":d0,d1,...";
    for (const auto &dim : tensorType.shape().dim()) {
      if (!dim.has_dim_value())
        return fail() << "dimension "
                      << (dim.has_dim_param() ? "'" + dim.dim_param() + "'"
                                              : std::string("?"))
                      << " is symbolic; fix it with --input-shape="
                      << info.name() << ":d0,d1,...";
      shape.push_back(dim.dim_value());
    }
  }
  for (int64_t d : shape) {
    if (d < 0 || d > kMaxDim)
      return fail() << "dimension " << d << " is not a valid size";
  }
  auto type = RankedTensorType::get(shape, elt);
  if (!boundedElementCount(type))
    return fail() << type << " is an absurd size for a CNN tensor";
  return type;
}

/// A declared output type that disagrees with what lwcc computes means the
/// model and lwcc read some op differently; better to stop than to produce a
/// library with a different interface. Symbolic or absent dims are not checked.
LogicalResult GraphImporter::checkDeclaredOutput(const onnx::ValueInfoProto &info,
                                                 Value v) {
  if (!info.type().has_tensor_type())
    return success();
  const auto &declared = info.type().tensor_type();
  auto type = llvm::cast<RankedTensorType>(v.getType());
  auto fail = [&]() {
    return mlir::emitError(v.getLoc())
           << "graph output '" << info.name() << "' is declared as ";
  };
  if (declared.elem_type() == onnx::TensorProto::DOUBLE)
    return fail() << "float64, which is not supported (lwcc computes in float32)";
  if (declared.elem_type() == onnx::TensorProto::BFLOAT16)
    return fail() << "bfloat16, which is not supported";
  if (declared.elem_type() != onnx::TensorProto::UNDEFINED) {
    Type elt = convertElementType(&ctx, declared.elem_type());
    if (elt && elt != type.getElementType())
      return fail() << elt << " but computes " << type;
  }
  if (!declared.has_shape())
    return success();
  const auto &dims = declared.shape().dim();
  if (dims.size() != type.getRank())
    return fail() << "rank " << dims.size() << " but computes " << type;
  for (auto [i, dim] : llvm::enumerate(dims))
    if (dim.has_dim_value() && dim.dim_value() != type.getDimSize(i))
      return fail() << "size " << dim.dim_value() << " in dimension " << i
                    << " but computes " << type;
  return success();
}

/// A graph input frozen to the TensorProto in `path`: it becomes a constant,
/// so shape arithmetic on it folds like on an initializer.
LogicalResult GraphImporter::importFrozenInput(StringRef name, StringRef path) {
  auto fail = [&]() { return modelError() << "--freeze-input " << name << ": "; };
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fail() << "cannot read '" << path << "': " << buffer.getError().message();
  onnx::TensorProto tensor;
  std::string error = parseTensor((*buffer)->getBufferStart(), (*buffer)->getBufferSize(),
                                  tensor);
  if (!error.empty())
    return fail() << path << ": " << error;
  auto value = convertTensor(&ctx, tensor, "", error);
  if (failed(value))
    return fail() << path << ": " << error;
  values[name] = lwnn::ConstantOp::create(builder, NameLoc::get(builder.getStringAttr(name)),
                                          *value, lwnn::SparseEncodingAttr());
  return success();
}

FailureOr<DenseElementsAttr>
lwcc::onnx_import::convertTensor(MLIRContext *ctx, const onnx::TensorProto &tensor,
              const std::string &modelDir, std::string &error) {
  Type elt = convertElementType(ctx, tensor.data_type());
  if (!elt) {
    error = "unsupported tensor data type " + std::to_string(tensor.data_type());
    return failure();
  }
  SmallVector<int64_t> shape;
  int64_t count = 1;
  for (int64_t d : tensor.dims()) {
    if (d < 0 || d > kMaxDim) {
      error = "tensor dimension " + std::to_string(d) + " is invalid";
      return failure();
    }
    if (d != 0 && count > (kMaxDim * 4) / d) {
      error = "tensor is impossibly large";
      return failure();
    }
    shape.push_back(d);
    count *= d;
  }
  auto type = RankedTensorType::get(shape, elt);
  bool isDouble = tensor.data_type() == onnx::TensorProto::DOUBLE;
  size_t width = isDouble ? 8 : std::max<size_t>(1, elt.getIntOrFloatBitWidth() / 8);

  std::vector<char> external;
  const std::string *raw = nullptr;
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL) {
    error = readExternalData(tensor, modelDir, external);
    if (!error.empty())
      return failure();
  } else if (tensor.has_raw_data()) {
    raw = &tensor.raw_data();
  }
  ArrayRef<char> bytes = raw ? ArrayRef<char>(raw->data(), raw->size())
                             : ArrayRef<char>(external);
  bool fromBytes = raw || tensor.data_location() == onnx::TensorProto::EXTERNAL;
  if (fromBytes && bytes.size() != size_t(count) * width) {
    error = "tensor holds " + std::to_string(bytes.size()) + " bytes, expected " +
            std::to_string(count * width);
    return failure();
  }

  // Collect values generically; ONNX stores small types widened in int32_data.
  auto fromInts = [&](auto getter, int n) -> FailureOr<DenseElementsAttr> {
    if (n != count) {
      error = "tensor holds " + std::to_string(n) + " values, expected " +
              std::to_string(count);
      return failure();
    }
    unsigned bits = elt.getIntOrFloatBitWidth();
    if (auto floatTy = llvm::dyn_cast<FloatType>(elt)) {
      SmallVector<APFloat> data;
      for (int i = 0; i < n; ++i)
        data.push_back(APFloat(floatTy.getFloatSemantics(),
                               APInt(bits, uint64_t(getter(i)))));
      return DenseElementsAttr::get(type, data);
    }
    SmallVector<APInt> data;
    for (int i = 0; i < n; ++i)
      data.push_back(APInt(bits, uint64_t(getter(i)), /*isSigned=*/true,
                           /*implicitTrunc=*/true));
    return DenseElementsAttr::get(type, data);
  };

  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    if (fromBytes)
      return DenseElementsAttr::getFromRawBuffer(type, bytes);
    if (tensor.float_data_size() != count) {
      error = "tensor holds " + std::to_string(tensor.float_data_size()) +
              " floats, expected " + std::to_string(count);
      return failure();
    }
    return DenseElementsAttr::get(
        type, ArrayRef<float>(tensor.float_data().data(), tensor.float_data_size()));
  case onnx::TensorProto::DOUBLE: {
    // lwnn computes in f32; doubles in CNN exports are scalars of no precision
    // consequence.
    SmallVector<float> data;
    for (int64_t i = 0; i < count; ++i) {
      double v;
      if (fromBytes)
        memcpy(&v, bytes.data() + i * 8, 8);
      else if (i < tensor.double_data_size())
        v = tensor.double_data(int(i));
      else {
        error = "tensor holds too few doubles";
        return failure();
      }
      data.push_back(float(v));
    }
    return DenseElementsAttr::get(type, ArrayRef<float>(data));
  }
  case onnx::TensorProto::INT64:
    if (fromBytes)
      return DenseElementsAttr::getFromRawBuffer(type, bytes);
    return fromInts([&](int i) { return tensor.int64_data(i); },
                    tensor.int64_data_size());
  case onnx::TensorProto::BOOL:
    if (fromBytes)
      return fromInts([&](int i) { return int64_t(bytes[i] != 0); }, int(count));
    return fromInts([&](int i) { return int64_t(tensor.int32_data(i) != 0); },
                    tensor.int32_data_size());
  default:
    if (fromBytes)
      return DenseElementsAttr::getFromRawBuffer(type, bytes);
    return fromInts([&](int i) { return int64_t(tensor.int32_data(i)); },
                    tensor.int32_data_size());
  }
}

LogicalResult GraphImporter::importInitializer(const onnx::TensorProto &tensor) {
  std::string error;
  FailureOr<DenseElementsAttr> value =
      convertTensor(&ctx, tensor, options.modelDir, error);
  if (failed(value))
    return modelError() << "initializer '" << tensor.name() << "': " << error;
  Location loc = NameLoc::get(StringAttr::get(&ctx, tensor.name()));
  values[tensor.name()] = lwnn::ConstantOp::create(builder, loc, *value,
                                                   lwnn::SparseEncodingAttr());
  return success();
}

/// Folds the op defining `v` when all its operands are constants, so shape
/// arithmetic is constant by the time a Reshape or Slice reads it.
Value GraphImporter::foldIfConstant(Value v) {
  Operation *def = v ? v.getDefiningOp() : nullptr;
  if (!def || def->getNumResults() != 1 ||
      def->hasTrait<OpTrait::ConstantLike>() ||
      !llvm::all_of(def->getOperands(), [](Value operand) {
        return matchPattern(operand, m_Constant());
      }))
    return v;
  SmallVector<Value> folded;
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPoint(def);
  if (failed(builder.tryFold(def, folded)) || folded.empty())
    return v;
  Value result = folded[llvm::cast<OpResult>(v).getResultNumber()];
  if (result != v) {
    v.replaceAllUsesWith(result);
    if (def->use_empty())
      def->erase();
  }
  return result;
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node, size_t index) {
  std::string name = node.name().empty()
                         ? node.op_type() + "_" + std::to_string(index)
                         : node.name();
  Location loc = NameLoc::get(StringAttr::get(&ctx, name));
  auto nodeError = [&]() {
    return mlir::emitError(loc) << "node '" << name << "' (" << node.op_type()
                                << "): ";
  };
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return nodeError() << "op domain '" << node.domain() << "' is not supported";

  SmallVector<Value> inputs;
  for (const std::string &in : node.input()) {
    if (in.empty()) {
      inputs.push_back(nullptr);
      continue;
    }
    auto it = values.find(in);
    if (it == values.end())
      return nodeError() << "input '" << in
                         << "' is not produced by any earlier node, initializer "
                            "or graph input (cyclic, unsorted or dangling graph)";
    inputs.push_back(it->second);
  }
  ConvertFn fn = table.lookup(node.op_type(), opset);
  if (!fn) {
    if (table.knows(node.op_type()))
      return nodeError() << "op '" << node.op_type() << "' is not supported at opset "
                         << opset;
    return nodeError() << "unknown or unsupported ONNX op '" << node.op_type()
                       << "' (opset " << opset << ")";
  }
  NodeContext nodeCtx(node, inputs, builder, loc, opset);
  if (failed(fn(nodeCtx)))
    return failure();
  for (auto [i, out] : llvm::enumerate(node.output())) {
    if (out.empty())
      continue;
    Value v = foldIfConstant(nodeCtx.getOutputs()[i]);
    if (!v)
      return nodeError() << "output " << i << " ('" << out
                         << "') is not supported by lwcc";
    auto type = llvm::cast<ShapedType>(v.getType());
    if (!boundedElementCount(type))
      return nodeError() << "output '" << out << "' would be " << type
                         << ", an absurd size for a CNN tensor";
    if (values.count(out))
      return nodeError() << "output '" << out << "' is defined twice";
    values[out] = v;
  }
  return success();
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  if (failed(findOpset()))
    return nullptr;
  const onnx::GraphProto &graph = model.graph();
  OwningOpRef<ModuleOp> module = ModuleOp::create(
      FileLineColLoc::get(&ctx, sourceName, 0, 0));
  builder.setInsertionPointToEnd(module->getBody());

  llvm::StringSet<> initializerNames;
  for (const auto &init : graph.initializer())
    initializerNames.insert(init.name());
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  for (const auto &input : graph.input()) {
    if (initializerNames.contains(input.name()) ||
        options.frozenInputs.contains(input.name()))
      continue;
    FailureOr<RankedTensorType> type = convertValueInfo(input);
    if (failed(type))
      return nullptr;
    argTypes.push_back(*type);
    argNames.push_back(input.name());
  }
  for (const auto &entry : options.frozenInputs)
    if (!llvm::any_of(graph.input(), [&](const onnx::ValueInfoProto &input) {
          return input.name() == entry.getKey();
        })) {
      modelError() << "--freeze-input names '" << entry.getKey()
                   << "', which is not a graph input";
      return nullptr;
    }
  for (const auto &entry : options.inputShapes)
    if (!llvm::is_contained(argNames, entry.getKey().str())) {
      modelError() << "--input-shape names '" << entry.getKey()
                   << "', which is not a graph input";
      return nullptr;
    }

  auto func = func::FuncOp::create(
      builder, module->getLoc(), options.functionName,
      builder.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  builder.setInsertionPointToStart(body);
  for (auto [i, name] : llvm::enumerate(argNames)) {
    values[name] = body->getArgument(i);
    func.setArgAttr(i, "lwnn.name", builder.getStringAttr(name));
  }
  for (const auto &init : graph.initializer())
    if (failed(importInitializer(init)))
      return nullptr;
  for (const auto &entry : options.frozenInputs)
    if (failed(importFrozenInput(entry.getKey(), entry.getValue())))
      return nullptr;
  for (auto [i, node] : llvm::enumerate(graph.node()))
    if (failed(importNode(node, i)))
      return nullptr;

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const auto &output : graph.output()) {
    auto it = values.find(output.name());
    if (it == values.end()) {
      modelError() << "graph output '" << output.name()
                   << "' is not produced by any node";
      return nullptr;
    }
    Value v = it->second;
    // ONNX outputs hold raw integers; quantised values leave as storage.
    if (auto q = llvm::dyn_cast<quant::QuantizedType>(
            llvm::cast<ShapedType>(v.getType()).getElementType())) {
      auto type = llvm::cast<RankedTensorType>(v.getType());
      v = quant::StorageCastOp::create(
          builder, v.getLoc(), type.clone(q.getStorageType()), v);
      // quant storage is signless; ONNX's uint8 is MLIR's ui8.
      if (!q.isSigned())
        v = tensor::BitcastOp::create(
            builder, v.getLoc(),
            type.clone(IntegerType::get(&ctx, q.getStorageTypeIntegralWidth(),
                                        IntegerType::Unsigned)),
            v);
    }
    if (failed(checkDeclaredOutput(output, v)))
      return nullptr;
    results.push_back(v);
    resultTypes.push_back(v.getType());
  }
  if (results.empty()) {
    modelError() << "the graph has no outputs";
    return nullptr;
  }
  func::ReturnOp::create(builder, module->getLoc(), results);
  func.setType(builder.getFunctionType(argTypes, resultTypes));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "lwnn.name", builder.getStringAttr(output.name()));

  if (failed(verify(*module)))
    return nullptr;
  // Fold the shape arithmetic and drop what it leaves dead, then raise
  // exporter idioms to lwnn's own ops.
  PassManager pm(&ctx);
  pm.addPass(createCanonicalizerPass());
  if (options.raiseIdioms) {
    pm.addNestedPass<func::FuncOp>(lwnn::createRaiseIdiomsPass());
    pm.addPass(createCanonicalizerPass());
  }
  if (failed(pm.run(*module)))
    return nullptr;
  return module;
}

//===----------------------------------------------------------------------===//
// Public entry points
//===----------------------------------------------------------------------===//

std::string lwcc::parseInputShape(StringRef spec, ONNXImportOptions &options) {
  auto [name, dims] = spec.rsplit(':');
  if (name.empty() || dims.empty() || spec.find(':') == StringRef::npos)
    return "--input-shape expects name:d0,d1,..., got '" + spec.str() + "'";
  SmallVector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, ',');
  for (StringRef part : parts) {
    int64_t d;
    if (part.trim().getAsInteger(10, d) || d <= 0 || d > kMaxDim)
      return "--input-shape: '" + part.str() + "' is not a positive dimension";
    shape.push_back(d);
  }
  options.inputShapes[name] = shape;
  return "";
}

std::string lwcc::parseFrozenInput(StringRef spec, ONNXImportOptions &options) {
  auto [name, path] = spec.split('=');
  if (name.empty() || path.empty())
    return "--freeze-input expects name=file.pb, got '" + spec.str() + "'";
  options.frozenInputs[name] = path.str();
  return "";
}

OwningOpRef<ModuleOp> lwcc::importONNX(MLIRContext &context, StringRef bytes,
                                       bool isText, StringRef sourceName,
                                       const ONNXImportOptions &options) {
  context.loadDialect<lwnn::LWNNDialect, func::FuncDialect, quant::QuantDialect,
                      tensor::TensorDialect>();
  onnx::ModelProto model;
  std::string error = parseModel(bytes.data(), bytes.size(), isText, model);
  if (!error.empty()) {
    mlir::emitError(FileLineColLoc::get(&context, sourceName, 0, 0)) << error;
    return nullptr;
  }
  return GraphImporter(context, model, options, sourceName).run();
}

OwningOpRef<ModuleOp> lwcc::importONNXFile(MLIRContext &context, StringRef path,
                                           ONNXImportOptions options) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    mlir::emitError(FileLineColLoc::get(&context, path, 0, 0))
        << "cannot read '" << path << "': " << buffer.getError().message();
    return nullptr;
  }
  if (options.modelDir.empty()) {
    SmallString<256> dir(path);
    llvm::sys::path::remove_filename(dir);
    options.modelDir = dir.empty() ? "." : std::string(dir);
  }
  bool isText = path.ends_with(".onnxtxt");
  return importONNX(context, (*buffer)->getBuffer(), isText, path, options);
}

void lwcc::registerONNXImportDialects(DialectRegistry &registry) {
  registry.insert<lwnn::LWNNDialect, func::FuncDialect, quant::QuantDialect,
                  tensor::TensorDialect>();
}
