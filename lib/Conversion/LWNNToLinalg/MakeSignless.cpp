//===- MakeSignless.cpp - unsigned integer tensors to signless ones -------===//
//
// arith and linalg compute on signless integers, while lwnn carries ONNX's
// uint8 as `ui8`. Before lowering, every integer tensor in the function is
// made signless in place; an lwnn op whose meaning depends on signedness
// (div, max, clip, pow, cast) first records that its integers are unsigned
// in a discardable attribute its lowering reads. Signedness-only bitcasts
// become no-ops and disappear.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "lwcc/Conversion/Passes.h"

using namespace mlir;

namespace {

bool isUnsignedTensor(Type type) {
  auto tensor = llvm::dyn_cast<RankedTensorType>(type);
  auto i = tensor ? llvm::dyn_cast<IntegerType>(tensor.getElementType()) : nullptr;
  return i && i.isUnsigned();
}

Type signlessType(Type type) {
  auto tensor = llvm::dyn_cast<RankedTensorType>(type);
  auto i = tensor ? llvm::dyn_cast<IntegerType>(tensor.getElementType()) : nullptr;
  if (!i || i.isSignless())
    return type;
  return tensor.clone(IntegerType::get(type.getContext(), i.getWidth()));
}

} // namespace

void lwcc::makeSignless(func::FuncOp func) {
  MLIRContext *ctx = func.getContext();
  auto *lwnn = ctx->getLoadedDialect<lwnn::LWNNDialect>();
  func.walk([&](Operation *op) {
    if (op->getDialect() == lwnn) {
      if (isa<lwnn::CastOp>(op)) {
        if (isUnsignedTensor(op->getOperand(0).getType()))
          op->setAttr(lowering::kUnsignedSourceAttr, UnitAttr::get(ctx));
        if (isUnsignedTensor(op->getResult(0).getType()))
          op->setAttr(lowering::kUnsignedAttr, UnitAttr::get(ctx));
      } else if (llvm::any_of(op->getOperandTypes(), isUnsignedTensor) ||
                 llvm::any_of(op->getResultTypes(), isUnsignedTensor)) {
        op->setAttr(lowering::kUnsignedAttr, UnitAttr::get(ctx));
      }
    }
    if (auto constant = dyn_cast<lwnn::ConstantOp>(op)) {
      auto value = llvm::dyn_cast<DenseElementsAttr>(constant.getValue());
      Type to = value ? signlessType(value.getType()) : Type();
      if (value && to != value.getType())
        constant.setValueAttr(
            value.bitcast(llvm::cast<ShapedType>(to).getElementType()));
    }
    for (Value result : op->getResults())
      result.setType(signlessType(result.getType()));
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument arg : block.getArguments())
          arg.setType(signlessType(arg.getType()));
  });
  func.walk([](tensor::BitcastOp cast) {
    if (cast.getSource().getType() == cast.getType()) {
      cast.getResult().replaceAllUsesWith(cast.getSource());
      cast->erase();
    }
  });
  SmallVector<Type> inputs, results;
  for (Type t : func.getFunctionType().getInputs())
    inputs.push_back(signlessType(t));
  for (Type t : func.getFunctionType().getResults())
    results.push_back(signlessType(t));
  func.setType(FunctionType::get(ctx, inputs, results));
}
