//===- Profile.cpp - per-layer timing probes ------------------------------===//
//
// With `lwcc --profile`, every op of the entry function that does work (a
// kernel, a loop nest, a copy) is bracketed by a clock read and a call that
// adds the elapsed time to its entry in the context's profile. The entries'
// names (ONNX node and what ran), kinds and floating-point operation counts
// go to the module attribute `lwcc.profile`, from which the LLVM module's
// tables are built; `lwcc-run --profile` prints them.
//
//===----------------------------------------------------------------------===//

#include "ContextArgument.h"
#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <string>

namespace lwcc::cpu {
#define GEN_PASS_DEF_PROFILEPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;

namespace {

std::string nodeName(Location loc) {
  if (auto name = llvm::dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = llvm::dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string name = nodeName(inner); !name.empty())
        return name;
  return "";
}

std::string dims(ArrayRef<int64_t> shape) {
  std::string text;
  for (int64_t d : shape)
    text += (text.empty() ? "" : "x") + std::to_string(d);
  return text;
}

ArrayRef<int64_t> shapeOf(Value value) {
  if (auto type = llvm::dyn_cast<ShapedType>(value.getType()))
    if (type.hasStaticShape())
      return type.getShape();
  return {};
}

int64_t product(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

struct Description {
  std::string what, kind;
  int64_t flops = 0;
};

Description describe(Operation *op) {
  Description d{op->getName().getStringRef().str(), "other", 0};
  auto linalgOp = llvm::dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp) {
    if (llvm::isa<memref::CopyOp>(op))
      d.kind = "copy";
    return d;
  }
  if (auto kind = op->getAttrOfType<StringAttr>(lwcc::cpu::kKindAttr))
    d.kind = kind.str();
  ArrayRef<int64_t> out = shapeOf(linalgOp.getDpsInits()[0]);
  if (llvm::isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op)) {
    // K from B [(batch,) K, N]: A may be read transposed
    // (lwcc-cpu-choose-layout).
    ArrayRef<int64_t> b = shapeOf(linalgOp.getDpsInputs()[1]);
    if (!out.empty() && b.size() >= 2) {
      int64_t k = b[b.size() - 2];
      d.flops = 2 * product(out) * k;
      d.what += " " + dims(out) + "x" + std::to_string(k);
    }
    if (d.kind == "other")
      d.kind = "gemm";
    return d;
  }
  if (d.kind == "pointwise" && llvm::isa<linalg::GenericOp>(op)) {
    // A GEMM whose B rows are scaled (lwcc-cpu-fuse-elementwise): A [M, K].
    ArrayRef<int64_t> a = shapeOf(linalgOp.getDpsInputs()[0]);
    if (!out.empty() && !a.empty()) {
      d.flops = 2 * product(out) * a.back();
      d.what += " " + dims(out) + "x" + std::to_string(a.back());
    }
    return d;
  }
  if (d.kind == "conv-gemm" && llvm::isa<linalg::GenericOp>(op)) {
    // An image product (lwcc-cpu-conv-to-gemm): C [F, OH*W] from filters
    // [F, C, KH, KW]; its work includes the columns it drops.
    ArrayRef<int64_t> f = shapeOf(linalgOp.getDpsInputs()[0]);
    if (!out.empty() && f.size() == 4) {
      d.flops = 2 * product(out) * product(f.drop_front());
      d.what += " " + dims(out) + "x" + std::to_string(product(f.drop_front()));
    }
    return d;
  }
  if (llvm::isa<linalg::DepthwiseConv2DNchwChwOp>(op)) {
    ArrayRef<int64_t> f = shapeOf(linalgOp.getDpsInputs()[1]);
    if (!out.empty() && f.size() == 3)
      d.flops = 2 * product(out) * f[1] * f[2];
    d.what += " " + dims(out);
    d.kind = "depthwise";
    return d;
  }
  if (llvm::isa<linalg::ConvolutionOpInterface>(op)) {
    ArrayRef<int64_t> f = shapeOf(linalgOp.getDpsInputs()[1]);
    // Filters are [F, C, KH, KW] or grouped [G, F, C, KH, KW].
    int64_t perOutput =
        f.size() == 5 ? product(f.drop_front(2)) : product(f.drop_front());
    if (!out.empty() && !f.empty())
      d.flops = 2 * product(out) * perOutput;
    d.what += " " + dims(out);
    d.kind = "conv-direct";
    return d;
  }
  d.what += " " + dims(out);
  if (llvm::isa<linalg::CopyOp>(op))
    d.kind = "copy";
  else if (llvm::isa<linalg::FillOp>(op))
    d.kind = "fill";
  else if (d.kind == "other")
    d.kind = linalgOp.getNumReductionLoops() ? "reduction" : "elementwise";
  return d;
}

struct ProfilePass : lwcc::cpu::impl::ProfilePassBase<ProfilePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    SmallVector<Attribute> entries;
    func::FuncOp clock, record;
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (func.isPrivate() || func.isExternal())
        continue;
      SmallVector<Operation *> work;
      for (Operation &op : func.getBody().front())
        if (!isMemoryEffectFree(&op) && !op.hasTrait<OpTrait::IsTerminator>())
          work.push_back(&op);
      if (work.empty())
        continue;
      FailureOr<Value> context = lwcc::cpu::getOrAddContextArgument(func);
      if (failed(context))
        return signalPassFailure();
      if (!clock) {
        b.setInsertionPointToStart(module.getBody());
        clock = func::FuncOp::create(b, module.getLoc(), "lwcc_internal_clock",
                                     b.getFunctionType({}, {b.getI64Type()}));
        clock.setPrivate();
        record = func::FuncOp::create(
            b, module.getLoc(), "lwcc_internal_profile",
            b.getFunctionType(
                {context->getType(), b.getI32Type(), b.getI64Type()}, {}));
        record.setPrivate();
      }
      for (Operation *op : work) {
        Description d = describe(op);
        std::string node = nodeName(op->getLoc());
        std::string name =
            (node.empty() ? std::string("<unnamed>") : node) + " " + d.what;
        int64_t id = entries.size();
        entries.push_back(b.getDictionaryAttr(
            {b.getNamedAttr("name", b.getStringAttr(name)),
             b.getNamedAttr("kind", b.getStringAttr(d.kind)),
             b.getNamedAttr("flops", b.getI64IntegerAttr(d.flops))}));
        b.setInsertionPoint(op);
        Value start = func::CallOp::create(b, op->getLoc(), clock, ValueRange{})
                          .getResult(0);
        b.setInsertionPointAfter(op);
        Value index = arith::ConstantIntOp::create(b, op->getLoc(), id, 32);
        func::CallOp::create(b, op->getLoc(), record,
                             ValueRange{*context, index, start});
      }
    }
    module->setAttr("lwcc.profile", b.getArrayAttr(entries));
    numProbes += entries.size();
  }
};

} // namespace
