//===- PackWeights.cpp - GEMM weights in the kernel's reading order -------===//
//
// The GEMM kernel reads A (a convolution's weights) a register block of R
// rows at a time, K in blocks of K_c: per k, one scalar of each of the R
// rows. Row-major, that is R streams K*4 bytes apart, each advancing 4
// bytes per k, and a layer's weights come from memory (they are read once
// per inference and a model's do not fit the caches). Packed at compile
// time [K blocks, ceil(M/R), K_c, R], in the order a thread's row blocks
// read them per K block, the reads are one contiguous run. A batched
// product's constant A [B, M, K] (a grouped conv's weights, a Winograd
// conv's transformed filters) is packed matrix by matrix, [B, ...].
//
// Where C is a single row block (a dense layer, x[1, K] x W^T[K, N]), the
// constant is B instead, each element read once: packed in column tiles
// [ceil(N/W), K, W], a register tile's walk over K is one contiguous run
// too instead of a row of B (a page) per k.
//
//===----------------------------------------------------------------------===//

#include "Kernels/Kernels.h"
#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/IR/SymbolTable.h"

#include <map>
#include <tuple>

namespace lwcc::cpu {
#define GEN_PASS_DEF_PACKWEIGHTSPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;
using namespace lwcc::cpu;

namespace {

/// The constant global `value` (a view of it) reads, if it is one with f32
/// values.
memref::GlobalOp constantGlobal(Value value, SymbolTable &symbols,
                                DenseElementsAttr &values) {
  while (auto collapse = value.getDefiningOp<memref::CollapseShapeOp>())
    value = collapse.getSrc();
  auto get = value.getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return nullptr;
  auto global = symbols.lookup<memref::GlobalOp>(get.getName());
  if (!global || !global.getConstant() || !global.getType().hasStaticShape() ||
      !global.getType().getLayout().isIdentity())
    return nullptr;
  values = llvm::dyn_cast_if_present<DenseElementsAttr>(
      global.getInitialValue().value_or(Attribute()));
  if (!values || !values.getElementType().isF32())
    return nullptr;
  return global;
}

struct PackWeightsPass : lwcc::cpu::impl::PackWeightsPassBase<PackWeightsPass> {
  using PackWeightsPassBase::PackWeightsPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    VectorTarget target{vectorBits / 32, vectorRegisters};
    SymbolTable symbols(module);
    // One packed copy per weight global and layout (K_c and the block's
    // rows depend on the product's shape), however many products read it.
    std::map<std::tuple<Operation *, int64_t, int64_t>, FlatSymbolRefAttr>
        packed;
    module.walk([&](linalg::LinalgOp op) {
      bool batched = isPackableBatchGemm(op);
      if (!batched && !isPackableGemm(op))
        return;
      DenseElementsAttr values;
      memref::GlobalOp global =
          constantGlobal(op.getDpsInputs()[0], symbols, values);
      if (!global)
        return packTiles(op, symbols, target);
      // Batched, each [M, K] matrix of A [B, M, K] is packed in turn.
      ArrayRef<int64_t> shape = global.getType().getShape();
      int64_t batches = batched ? shape[0] : 1;
      int64_t m = shape[batched ? 1 : 0],
              k = global.getType().getNumElements() / batches / m;
      int64_t n = llvm::cast<MemRefType>(op.getDpsInits()[0].getType())
                      .getShape()
                      .back();
      PackedWeightsLayout layout = packedWeightsLayout(target, m, n, k);
      FlatSymbolRefAttr &symbol =
          packed[{global.getOperation(), layout.kc, layout.rows}];
      if (!symbol)
        symbol = pack(global, values, batched, layout, symbols);
      op->setAttr(kPackedWeightsAttr, symbol);
      ++numPacked;
    });
  }

  /// A plain matmul's constant B [K, N] (a dense layer's transposed
  /// weights) in column tiles, where packedTileColumns asks for them.
  void packTiles(linalg::LinalgOp op, SymbolTable &symbols,
                 const VectorTarget &target) {
    if (!llvm::isa<linalg::MatmulOp>(op.getOperation()))
      return;
    DenseElementsAttr values;
    memref::GlobalOp global =
        constantGlobal(op.getDpsInputs()[1], symbols, values);
    if (!global || global.getType().getRank() != 2)
      return;
    int64_t k = global.getType().getDimSize(0),
            n = global.getType().getDimSize(1);
    auto cType = llvm::cast<MemRefType>(op.getDpsInits()[0].getType());
    int64_t width = packedTileColumns(target, cType.getDimSize(0), n);
    if (!width)
      return;
    int64_t tiles = (n + width - 1) / width;
    std::vector<float> data(tiles * k * width, 0.0f);
    int64_t index = 0;
    for (float value : values.getValues<float>()) {
      int64_t row = index / n, col = index % n;
      data[(col / width * k + row) * width + col % width] = value;
      ++index;
    }
    op->setAttr(kPackedTilesAttr,
                addGlobal(global, "_tiles", {tiles, k, width}, data, symbols));
    ++numPacked;
  }

  /// A new private constant global holding `values` ([M, K...] row-major,
  /// or if `batched` [B, M, K]) in `layout` ([B, layout...] if batched).
  FlatSymbolRefAttr pack(memref::GlobalOp global, DenseElementsAttr values,
                         bool batched, const PackedWeightsLayout &layout,
                         SymbolTable &symbols) {
    ArrayRef<int64_t> globalShape = global.getType().getShape();
    int64_t batches = batched ? globalShape[0] : 1;
    int64_t m = globalShape[batched ? 1 : 0];
    int64_t k = global.getType().getNumElements() / batches / m;
    int64_t rows = layout.rows, kc = layout.kc;
    int64_t perBatch = layout.kBlocks * layout.rowBlocks * kc * rows;
    std::vector<float> data(batches * perBatch, 0.0f);
    int64_t index = 0;
    for (float value : values.getValues<float>()) {
      int64_t batch = index / (m * k), row = index / k % m, col = index % k;
      int64_t tile = col / kc * layout.rowBlocks + row / rows;
      data[batch * perBatch + (tile * kc + col % kc) * rows + row % rows] =
          value;
      ++index;
    }
    SmallVector<int64_t, 5> shape = layout.shape();
    if (batched)
      shape.insert(shape.begin(), batches);
    return addGlobal(global, "_packed", shape, data, symbols);
  }

  /// A new private constant global of `shape` holding `data`, named after
  /// `global` with `suffix`, beside it.
  FlatSymbolRefAttr addGlobal(memref::GlobalOp global, StringRef suffix,
                              ArrayRef<int64_t> shape, ArrayRef<float> data,
                              SymbolTable &symbols) {
    auto type = RankedTensorType::get(shape, Float32Type::get(&getContext()));
    OpBuilder b(global);
    auto packedGlobal = memref::GlobalOp::create(
        b, global.getLoc(), (global.getSymName() + suffix).str(),
        b.getStringAttr("private"),
        MemRefType::get(shape, type.getElementType()),
        DenseElementsAttr::get(type, data),
        /*constant=*/true, b.getI64IntegerAttr(64));
    symbols.insert(packedGlobal);
    return FlatSymbolRefAttr::get(packedGlobal.getSymNameAttr());
  }
};

} // namespace
