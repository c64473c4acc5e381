//===- FlattenConstants.cpp - constant globals as flat blobs --------------===//
//
// memref.global constants of rank > 1 become rank-1 globals; their readers
// get the original shape back through memref.expand_shape (a view, free).
// Private constants nothing reads any more are dropped.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Passes.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_FLATTENCONSTANTSPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;

namespace {

struct FlattenConstantsPass
    : lwcc::cpu::impl::FlattenConstantsPassBase<FlattenConstantsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Weights the kernels read packed (lwcc-cpu-pack-weights) leave their
    // row-major globals unread: not worth a byte of the library.
    module.walk([](memref::GetGlobalOp get) {
      if (get.use_empty())
        get.erase();
    });
    // One walk for all symbol uses: asking per global walks the module once
    // per global (3 s of efficientnet_b0's compile).
    DenseSet<StringAttr> used;
    if (std::optional<SymbolTable::UseRange> uses =
            SymbolTable::getSymbolUses(&module.getBodyRegion()))
      for (const SymbolTable::SymbolUse &use : *uses)
        used.insert(use.getSymbolRef().getRootReference());
    for (auto global :
         llvm::make_early_inc_range(module.getOps<memref::GlobalOp>()))
      if (global.isPrivate() && global.getConstant() &&
          !used.contains(global.getSymNameAttr()))
        global.erase();
    DenseMap<StringAttr, MemRefType> flattened;
    for (auto global : module.getOps<memref::GlobalOp>()) {
      MemRefType type = global.getType();
      auto value = llvm::dyn_cast_if_present<DenseElementsAttr>(
          global.getInitialValue().value_or(Attribute()));
      if (!value || type.getRank() < 2 || !type.getLayout().isIdentity())
        continue;
      auto flat = MemRefType::get({type.getNumElements()}, type.getElementType(),
                                  AffineMap(), type.getMemorySpace());
      global.setType(flat);
      global.setInitialValueAttr(value.reshape(
          RankedTensorType::get({type.getNumElements()}, type.getElementType())));
      flattened[global.getSymNameAttr()] = type;
    }
    module.walk([&](memref::GetGlobalOp get) {
      auto it = flattened.find(get.getNameAttr().getAttr());
      if (it == flattened.end())
        return;
      MemRefType shaped = it->second;
      OpBuilder b(get);
      auto flat = memref::GetGlobalOp::create(
          b, get.getLoc(),
          MemRefType::get({shaped.getNumElements()}, shaped.getElementType()),
          get.getName());
      SmallVector<ReassociationIndices> all = {
          llvm::to_vector(llvm::seq<int64_t>(0, shaped.getRank()))};
      Value view = memref::ExpandShapeOp::create(b, get.getLoc(), shaped, flat, all);
      get.replaceAllUsesWith(view);
      get.erase();
    });
  }
};

} // namespace
