//===- RowBands.cpp - bands of output rows the band kernels share ---------===//
//
// The band kernels (BandKernel.cpp, ColumnBandKernel.cpp) run a window op
// and the GEMM reading its output as one parallel loop over bands of output
// rows. A band's windows read `span` image rows from band * rows * stride -
// top on; where those reach past the image (the padding above the first
// rows and below the last), the band is emitted with its offsets known, so
// the window kernel supplies the missing rows; the other bands share a body
// with a dynamic offset.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace lwcc::cpu {

bool RowBands::inner(int64_t band) const {
  int64_t start = band * rows * stride - top;
  return start >= 0 && start + span <= imageHeight;
}

SmallVector<int64_t> RowBands::edgeBands(int64_t bands) const {
  SmallVector<int64_t> edges;
  for (int64_t band = 0; band < bands; ++band)
    if (!inner(band))
      edges.push_back(band);
  return edges;
}

void RowBands::emitCases(
    OpBuilder &b, Location loc, Value band, ArrayRef<int64_t> edges,
    function_ref<void(std::optional<int64_t>)> body) const {
  if (edges.empty())
    return body(std::nullopt);
  Value isEdge = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, band,
                                       indexConstant(b, loc, edges.front()));
  auto branch = scf::IfOp::create(b, loc, isEdge, /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(branch.thenBlock()->getTerminator());
  body(edges.front());
  b.setInsertionPoint(branch.elseBlock()->getTerminator());
  emitCases(b, loc, band, edges.drop_front(), body);
}

OpFoldResult RowBands::offset(OpBuilder &b, Location loc, Value band,
                              std::optional<int64_t> known, int64_t scale,
                              int64_t shift) {
  if (known)
    return b.getIndexAttr(*known * scale + shift);
  AffineExpr d = b.getAffineDimExpr(0);
  return affine::AffineApplyOp::create(
             b, loc, AffineMap::get(1, 0, d * scale + shift), band)
      .getResult();
}

RowBands::Input RowBands::input(OpBuilder &b, Location loc, Value band,
                                std::optional<int64_t> known) const {
  if (!known)
    return {offset(b, loc, band, known, rows * stride, -top), span, 0};
  int64_t start = *known * rows * stride - top;
  int64_t lo = std::max<int64_t>(0, start);
  int64_t hi = std::min(imageHeight, start + span);
  return {b.getIndexAttr(lo), hi - lo, lo - start};
}

void RowBands::emitLoop(
    OpBuilder &b, Location loc, int64_t count, ArrayRef<int64_t> edges,
    function_ref<void(Value)> setUp,
    function_ref<void(Value, std::optional<int64_t>)> body) const {
  scf::ForOp loop =
      buildLoop(b, loc, 0, count, 1, {}, [&](Value band, ValueRange) {
        setUp(band);
        emitCases(b, loc, band, edges,
                  [&](std::optional<int64_t> known) { body(band, known); });
        return SmallVector<Value>();
      });
  markParallel(loop);
}

LogicalResult BandedOutput::init(Value out, const Epilogue &e) {
  shape = llvm::to_vector(llvm::cast<MemRefType>(out.getType()).getShape());
  epilogue = e;
  views = {out};
  if (epilogue.consumer) {
    for (auto [i, input] : llvm::enumerate(epilogue.consumer.getDpsInputs()))
      if (static_cast<int64_t>(i) != epilogue.kernelInput)
        views.push_back(input);
    views.push_back(epilogue.result);
  }
  return success(shape.size() == 4 && llvm::all_of(views, [&](Value view) {
                   return hasContiguousPlaneRows(view, shape);
                 }));
}

void BandedOutput::emitGemm(OpBuilder &b, Location loc, linalg::MatmulOp gemm,
                            Value bBand, OpFoldResult row, int64_t rows,
                            const VectorTarget &target) const {
  SmallVector<ReassociationIndices> matrix = {{0, 1}, {2, 3}};
  SmallVector<Value> bands;
  for (Value view : views)
    bands.push_back(memref::CollapseShapeOp::create(
        b, loc, planeRows(b, loc, view, row, rows, shape), matrix));
  Value result = epilogue.consumer ? bands.back() : Value();
  ArrayRef<Value> inputs = ArrayRef<Value>(bands).drop_front();
  if (epilogue.consumer)
    inputs = inputs.drop_back();
  emitGemmBand(b, gemm, shape[2] * shape[3], bBand, bands.front(), epilogue,
               inputs, result, target);
}

void eraseIfUnused(RewriterBase &rewriter, Value value) {
  if (Operation *def = value.getDefiningOp(); def && def->use_empty())
    rewriter.eraseOp(def);
}

bool hasContiguousPlaneRows(Value value, ArrayRef<int64_t> shape) {
  auto type = llvm::dyn_cast<MemRefType>(value.getType());
  if (!type || type.getShape() != shape || !type.getElementType().isF32())
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return false;
  return strides[3] == 1 && strides[2] == shape[3];
}

Value planeRows(OpBuilder &b, Location loc, Value value, OpFoldResult first,
                int64_t count, ArrayRef<int64_t> shape) {
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                       first, b.getIndexAttr(0)};
  SmallVector<OpFoldResult> sizes = {
      b.getIndexAttr(shape[0]), b.getIndexAttr(shape[1]), b.getIndexAttr(count),
      b.getIndexAttr(shape[3])};
  SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
  return memref::SubViewOp::create(b, loc, value, offsets, sizes, strides);
}

} // namespace lwcc::cpu
