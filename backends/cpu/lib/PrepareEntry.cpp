//===- PrepareEntry.cpp - the entry function's boundary -------------------===//
//
// Marks the arguments of public functions non-writable so bufferisation
// copies instead of computing in place in the caller's input buffers, gives
// every output its own buffer, and passes multi-dimensional zero-size
// tensors as rank-1 empty ones.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_PREPAREENTRYPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;

namespace {

/// The rank-1 form a zero-size tensor of rank > 1 crosses the entry in, or
/// null when `type` crosses as it is.
RankedTensorType flatEmptyType(Type type) {
  auto tensor = llvm::dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape() || tensor.getRank() < 2 ||
      tensor.getNumElements() != 0)
    return nullptr;
  return RankedTensorType::get({0}, tensor.getElementType());
}

SmallVector<ReassociationIndices> allInOne(int64_t rank) {
  return {llvm::to_vector(llvm::seq<int64_t>(0, rank))};
}

void flattenEmptyBoundaries(func::FuncOp func) {
  OpBuilder b(func.getContext());
  Block &entry = func.front();
  b.setInsertionPointToStart(&entry);
  for (BlockArgument arg : entry.getArguments()) {
    RankedTensorType flat = flatEmptyType(arg.getType());
    if (!flat)
      continue;
    auto original = llvm::cast<RankedTensorType>(arg.getType());
    arg.setType(flat);
    auto expanded = tensor::ExpandShapeOp::create(
        b, func.getLoc(), original, arg, allInOne(original.getRank()));
    arg.replaceAllUsesExcept(expanded, expanded);
  }
  func.walk([&](func::ReturnOp ret) {
    b.setInsertionPoint(ret);
    for (OpOperand &operand : ret->getOpOperands())
      if (RankedTensorType flat = flatEmptyType(operand.get().getType()))
        operand.set(tensor::CollapseShapeOp::create(
            b, ret.getLoc(), flat, operand.get(),
            allInOne(llvm::cast<RankedTensorType>(operand.get().getType())
                         .getRank())));
  });
  SmallVector<Type> results;
  for (Type t : func.getFunctionType().getResults())
    results.push_back(flatEmptyType(t) ? Type(flatEmptyType(t)) : t);
  func.setType(
      FunctionType::get(func.getContext(), entry.getArgumentTypes(), results));
}

/// Each output gets its own buffer: a value returned twice is copied, since
/// buffer-results-to-out-params cannot write one buffer to two out-params.
void distinctResults(func::FuncOp func) {
  func.walk([](func::ReturnOp ret) {
    OpBuilder b(ret);
    llvm::SmallPtrSet<Value, 8> seen;
    for (OpOperand &operand : ret->getOpOperands()) {
      Value v = operand.get();
      auto type = llvm::dyn_cast<RankedTensorType>(v.getType());
      if (!type || seen.insert(v).second)
        continue;
      Value empty = tensor::EmptyOp::create(b, ret.getLoc(), type.getShape(),
                                            type.getElementType());
      operand.set(
          linalg::CopyOp::create(b, ret.getLoc(), v, empty).getResult(0));
    }
  });
}

/// Gives `init` a tensor.empty of its own if it shares one.
void untie(OpOperand &init) {
  auto empty = init.get().getDefiningOp<tensor::EmptyOp>();
  if (!empty || empty->hasOneUse())
    return;
  OpBuilder b(init.getOwner());
  init.set(b.clone(*empty)->getResult(0));
}

/// A depthwise conv or pool reading a pad, and the element-wise op after it,
/// get output buffers of their own: CSE shares one tensor.empty among every
/// same-shaped init, and bufferisation then writes over the pad's source,
/// which the kernel wants to read in place of the padded copy
/// (ImplicitPad.cpp) while it applies that element-wise op.
void untieWindowOutputs(func::FuncOp func) {
  func.walk([](linalg::LinalgOp conv) {
    if (!llvm::isa<linalg::DepthwiseConv2DNchwChwOp, linalg::PoolingNchwMaxOp,
                   linalg::PoolingNchwSumOp>(conv.getOperation()) ||
        !conv.getDpsInputs()[0].getDefiningOp<tensor::PadOp>())
      return;
    // The init is an empty tensor, possibly through the bias broadcast.
    OpOperand *init = &conv.getDpsInitsMutable()[0];
    if (auto producer = init->get().getDefiningOp<linalg::LinalgOp>())
      if (producer->hasOneUse() && producer.getNumDpsInits() == 1)
        init = &producer.getDpsInitsMutable()[0];
    untie(*init);
    Value result = conv->getResult(0);
    if (result.hasOneUse())
      if (auto consumer =
              llvm::dyn_cast<linalg::LinalgOp>(*result.user_begin()))
        if (consumer.getNumDpsInits() == 1)
          untie(consumer.getDpsInitsMutable()[0]);
  });
}

struct PrepareEntryPass
    : lwcc::cpu::impl::PrepareEntryPassBase<PrepareEntryPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    untieWindowOutputs(func);
    if (func.isExternal() || !func.isPublic())
      return;
    flattenEmptyBoundaries(func);
    distinctResults(func);
    Builder b(&getContext());
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
      if (llvm::isa<TensorType>(func.getArgument(i).getType()))
        func.setArgAttr(i,
                        bufferization::BufferizationDialect::kWritableAttrName,
                        b.getBoolAttr(false));
  }
};

} // namespace
