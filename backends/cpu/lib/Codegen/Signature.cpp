//===- Signature.cpp - the model's interface as the ABI describes it ------===//
//
// Names, ONNX element type codes, shapes and byte sizes of the model's inputs
// and outputs, read from the lwnn-level entry function before lowering.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Codegen.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;

namespace lwcc::cpu {

/// ONNX TensorProto.DataType of an element type, 0 if it has none.
static int32_t onnxDataType(Type type) {
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(type))
    return q.isSigned() ? 3 : 2;
  if (type.isF32())
    return 1;
  if (type.isF16())
    return 10;
  if (type.isBF16())
    return 16;
  if (auto i = llvm::dyn_cast<IntegerType>(type)) {
    switch (i.getWidth()) {
    case 1:
      return 9;
    case 8:
      return i.isUnsigned() ? 2 : 3;
    case 16:
      return i.isUnsigned() ? 4 : 5;
    case 32:
      return i.isUnsigned() ? 12 : 6;
    case 64:
      return i.isUnsigned() ? 13 : 7;
    }
  }
  return 0;
}

uint64_t tensorBytes(ShapedType type) {
  Type elt = type.getElementType();
  if (auto q = llvm::dyn_cast<quant::QuantizedType>(elt))
    elt = q.getStorageType();
  uint64_t bits = elt.getIntOrFloatBitWidth();
  return uint64_t(type.getNumElements()) * ((bits + 7) / 8);
}

static llvm::Expected<TensorSignature> describe(Type type, DictionaryAttr attrs,
                                                StringRef fallbackName) {
  auto shaped = llvm::dyn_cast<RankedTensorType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return llvm::createStringError("'" + fallbackName + "' is not a static tensor");
  TensorSignature sig;
  auto name = attrs ? attrs.getAs<StringAttr>("lwnn.name") : nullptr;
  sig.name = name ? name.str() : fallbackName.str();
  sig.dtype = onnxDataType(shaped.getElementType());
  if (!sig.dtype)
    return llvm::createStringError("'" + sig.name + "' has an element type the ABI cannot describe");
  sig.shape.assign(shaped.getShape().begin(), shaped.getShape().end());
  sig.bytes = tensorBytes(shaped);
  return sig;
}

llvm::Expected<ModelSignature> readModelSignature(func::FuncOp entry, StringRef modelName) {
  ModelSignature signature;
  signature.name = modelName.str();
  FunctionType type = entry.getFunctionType();
  for (unsigned i = 0; i < type.getNumInputs(); ++i) {
    auto sig = describe(type.getInput(i), entry.getArgAttrDict(i), "input" + std::to_string(i));
    if (!sig)
      return sig.takeError();
    signature.inputs.push_back(std::move(*sig));
  }
  for (unsigned i = 0; i < type.getNumResults(); ++i) {
    auto sig = describe(type.getResult(i), entry.getResultAttrDict(i), "output" + std::to_string(i));
    if (!sig)
      return sig.takeError();
    signature.outputs.push_back(std::move(*sig));
  }
  return signature;
}

} // namespace lwcc::cpu
