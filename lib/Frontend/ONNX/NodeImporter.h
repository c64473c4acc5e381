//===- NodeImporter.h - per-node import context and op table ----*- C++ -*-===//
//
// What a converter for one ONNX op sees: the node's inputs as MLIR values,
// typed attribute access, constant inputs, diagnostics that name the node,
// and an op builder that reports shape errors instead of aborting.
// Converters register in a table keyed by op type and opset range; each op
// family has its own file.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_LIB_FRONTEND_ONNX_NODEIMPORTER_H
#define LWCC_LIB_FRONTEND_ONNX_NODEIMPORTER_H

#include "lwcc/Dialect/LWNN/IR/LWNNDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"
#include "onnx/onnx_pb.h"
#include "llvm/ADT/StringMap.h"

#include <optional>

namespace lwcc::onnx_import {

class NodeContext {
public:
  NodeContext(const onnx::NodeProto &node, llvm::ArrayRef<mlir::Value> inputs,
              mlir::OpBuilder &builder, mlir::Location loc, int64_t opset)
      : node(node), inputs(inputs), b(builder), loc(loc), opset(opset),
        outputs(node.output_size()) {}

  const onnx::NodeProto &node;
  llvm::ArrayRef<mlir::Value> inputs;
  mlir::OpBuilder &b;
  mlir::Location loc;
  int64_t opset;

  //===--- inputs ---------------------------------------------------------===//

  size_t numInputs() const { return inputs.size(); }
  /// True if input `i` exists and is not an omitted optional ("").
  bool hasInput(size_t i) const { return i < inputs.size() && inputs[i]; }
  mlir::Value input(size_t i) const { return hasInput(i) ? inputs[i] : nullptr; }
  mlir::RankedTensorType inputType(size_t i) const;
  /// The folded constant behind input `i`, or null.
  mlir::DenseElementsAttr constantInput(size_t i) const;
  /// Input `i` as compile-time integers; diagnoses a missing or
  /// non-constant input naming `what`.
  mlir::FailureOr<llvm::SmallVector<int64_t>> constantInts(size_t i,
                                                           llvm::StringRef what);
  mlir::FailureOr<llvm::SmallVector<double>> constantFloats(size_t i,
                                                            llvm::StringRef what);

  //===--- attributes -----------------------------------------------------===//

  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  int64_t getInt(llvm::StringRef name, int64_t dflt) const;
  float getFloat(llvm::StringRef name, float dflt) const;
  std::string getString(llvm::StringRef name, llvm::StringRef dflt) const;
  std::optional<llvm::SmallVector<int64_t>> getInts(llvm::StringRef name) const;
  std::optional<llvm::SmallVector<float>> getFloats(llvm::StringRef name) const;

  //===--- results and diagnostics ----------------------------------------===//

  size_t numOutputs() const { return outputs.size(); }
  /// True if output `i` is consumed (named) in the graph.
  bool hasOutput(size_t i) const {
    return i < size_t(node.output_size()) && !node.output(int(i)).empty();
  }
  void setOutput(size_t i, mlir::Value v) { outputs[i] = v; }
  llvm::ArrayRef<mlir::Value> getOutputs() const { return outputs; }

  /// An error at the node, prefixed with its name and op type.
  mlir::InFlightDiagnostic emitError() const;
  mlir::LogicalResult fail(const llvm::Twine &message) const;

  /// Builds `OpTy` with result types from its own inference; on a shape
  /// error emits a diagnostic at the node and fails instead of aborting.
  template <typename OpTy, typename... Args>
  mlir::FailureOr<OpTy> buildInferred(Args &&...args) {
    mlir::OperationState state(loc, OpTy::getOperationName());
    OpTy::build(b, state, mlir::TypeRange(), std::forward<Args>(args)...);
    llvm::SmallVector<mlir::Type> types;
    if (mlir::failed(OpTy::inferReturnTypes(
            b.getContext(), loc, state.operands,
            state.attributes.getDictionary(b.getContext()),
            state.getRawProperties(), state.regions, types)))
      return mlir::failure();
    state.addTypes(types);
    return llvm::cast<OpTy>(b.create(state));
  }

  /// Builds `OpTy` as buildInferred does and makes its result output 0.
  template <typename OpTy, typename... Args>
  mlir::LogicalResult emitResult(Args &&...args) {
    mlir::FailureOr<OpTy> op = buildInferred<OpTy>(std::forward<Args>(args)...);
    if (mlir::failed(op))
      return mlir::failure();
    setOutput(0, op->getResult());
    return mlir::success();
  }

  /// A constant tensor op.
  mlir::Value constant(mlir::DenseElementsAttr value);
  /// A scalar-or-tensor constant of `type` filled with `value`.
  mlir::Value splat(mlir::RankedTensorType type, double value);

private:
  llvm::SmallVector<mlir::Value> outputs;
};

using ConvertFn = mlir::LogicalResult (*)(NodeContext &);

/// One converter: op type and the inclusive opset range it handles.
struct OpConverter {
  int64_t minOpset;
  int64_t maxOpset;
  ConvertFn fn;
};

class ConverterTable {
public:
  void add(llvm::StringRef opType, int64_t minOpset, int64_t maxOpset,
           ConvertFn fn) {
    table[opType].push_back({minOpset, maxOpset, fn});
  }
  /// The converter for `opType` at `opset`, or null.
  ConvertFn lookup(llvm::StringRef opType, int64_t opset) const;
  bool knows(llvm::StringRef opType) const { return table.count(opType); }

private:
  llvm::StringMap<llvm::SmallVector<OpConverter, 2>> table;
};

/// Opsets lwcc imports.
constexpr int64_t kMinOpset = 1, kMaxOpset = 17;

void addConvConverters(ConverterTable &table);
void addElementwiseConverters(ConverterTable &table);
void addPoolConverters(ConverterTable &table);
void addShapeConverters(ConverterTable &table);
void addTensorConverters(ConverterTable &table);
void addQuantConverters(ConverterTable &table);

/// Element type for an ONNX TensorProto data type, or null if unsupported.
mlir::Type convertElementType(mlir::MLIRContext *ctx, int32_t onnxType);

/// Converts a TensorProto's payload (typed fields, raw bytes or external
/// data inside `modelDir`) to a DenseElementsAttr; sets `error` on failure.
mlir::FailureOr<mlir::DenseElementsAttr>
convertTensor(mlir::MLIRContext *ctx, const onnx::TensorProto &tensor,
              const std::string &modelDir, std::string &error);

/// Normalises a possibly negative axis; fails with a diagnostic if out of range.
mlir::FailureOr<int64_t> normalizeAxis(const NodeContext &ctx, int64_t axis,
                                       int64_t rank);

/// Window attributes of a 2-D conv or pool after resolving auto_pad.
struct Window2D {
  llvm::SmallVector<int64_t> kernel, strides, pads, dilations;
};

/// Reads kernel_shape/strides/pads/dilations/auto_pad for a 2-D window over
/// `input` ([N, C, H, W]); the kernel comes from the weight when given.
mlir::FailureOr<Window2D> readWindow2D(NodeContext &ctx,
                                       mlir::RankedTensorType input,
                                       llvm::ArrayRef<int64_t> weightKernel);

/// Builds a reshape to `shape`, keeping the element type of `v`.
mlir::Value reshapeTo(NodeContext &ctx, mlir::Value v,
                      llvm::ArrayRef<int64_t> shape);

/// Runs `convert2D` on the node, first lifting a 1-D window op (3-D data)
/// to 2-D with a unit height (see Lift1D.cpp).
mlir::LogicalResult convertWindowed(NodeContext &ctx, ConvertFn convert2D);

/// `convert2D` as a table entry that also takes the 1-D form.
template <ConvertFn convert2D>
mlir::LogicalResult convertWindowed(NodeContext &ctx) {
  return convertWindowed(ctx, convert2D);
}


} // namespace lwcc::onnx_import

#endif // LWCC_LIB_FRONTEND_ONNX_NODEIMPORTER_H
