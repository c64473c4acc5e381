//===- ReductionKernel.cpp - sums and maxima over trailing dimensions -----===//
//
// Global pools, reduce_mean over H and W and the squeeze-excite squeeze are
// linalg.generic reductions over a tensor's trailing, contiguous
// dimensions. Each output element's inputs are one contiguous run: two
// vector accumulators walk it, ragged ends in narrower vectors, and one
// horizontal reduction finishes it. Threads split the output elements.
// (The sum is reassociated: rounding differs from a sequential sum in the
// last bits, as in every vectorised runtime.)
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace lwcc::cpu {
namespace {

/// The combining op of a reduction body: out = combine(out, in).
std::optional<vector::CombiningKind> combiningKind(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  if (body.getOperations().size() != 2)
    return std::nullopt;
  Operation &combine = body.front();
  Value in = body.getArgument(0), out = body.getArgument(1);
  if (combine.getNumOperands() != 2 ||
      body.getTerminator()->getOperand(0) != combine.getResult(0))
    return std::nullopt;
  bool operands =
      (combine.getOperand(0) == in && combine.getOperand(1) == out) ||
      (combine.getOperand(0) == out && combine.getOperand(1) == in);
  if (!operands)
    return std::nullopt;
  if (llvm::isa<arith::AddFOp>(combine))
    return vector::CombiningKind::ADD;
  if (llvm::isa<arith::MaximumFOp>(combine))
    return vector::CombiningKind::MAXIMUMF;
  return std::nullopt;
}

Value combine(OpBuilder &b, Location loc, vector::CombiningKind kind, Value x,
              Value y) {
  if (kind == vector::CombiningKind::ADD)
    return arith::AddFOp::create(b, loc, x, y);
  return arith::MaximumFOp::create(b, loc, x, y);
}

} // namespace

LogicalResult emitReductionKernel(RewriterBase &rewriter, linalg::GenericOp op,
                                  const VectorTarget &target) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 1 ||
      op.getNumDpsInits() != 1)
    return failure();
  Value input = op.getDpsInputs()[0], output = op.getDpsInits()[0];
  auto inType = llvm::dyn_cast<MemRefType>(input.getType());
  auto outType = llvm::dyn_cast<MemRefType>(output.getType());
  if (!inType || !outType || !inType.getLayout().isIdentity() ||
      !outType.getLayout().isIdentity() || !isVectorAddressable(input) ||
      !outType.hasStaticShape() || !outType.getElementType().isF32())
    return failure();
  // Kept dimensions first, reduced ones trailing; the output indexed by the
  // kept ones in order.
  int64_t rank = inType.getRank(), kept = op.getNumParallelLoops();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (kept < 1 || kept == rank || !maps[0].isIdentity() ||
      maps[1] != AffineMap::getMultiDimIdentityMap(rank, op.getContext())
                     .getMajorSubMap(kept) ||
      outType.getRank() != kept)
    return failure();
  for (int64_t d = 0; d < rank; ++d)
    if ((d < kept) !=
        (op.getIteratorTypesArray()[d] == utils::IteratorType::parallel))
      return failure();
  std::optional<vector::CombiningKind> kind = combiningKind(op);
  if (!kind)
    return failure();

  Location loc = op.getLoc();
  OpBuilder &b = rewriter;
  rewriter.setInsertionPoint(op);
  int64_t outer = outType.getNumElements(),
          inner = inType.getNumElements() / outer;
  ReassociationIndices keptDims = llvm::to_vector(llvm::seq<int64_t>(0, kept));
  ReassociationIndices reducedDims =
      llvm::to_vector(llvm::seq<int64_t>(kept, rank));
  Value rows = memref::CollapseShapeOp::create(
      b, loc, input, SmallVector<ReassociationIndices>{keptDims, reducedDims});
  Value results = memref::CollapseShapeOp::create(
      b, loc, output, SmallVector<ReassociationIndices>{keptDims});
  Type f32 = b.getF32Type();
  auto identity = [&](int64_t width) -> Value {
    float value = *kind == vector::CombiningKind::ADD
                      ? 0.0f
                      : -std::numeric_limits<float>::infinity();
    auto type = VectorType::get({width}, f32);
    return arith::ConstantOp::create(b, loc,
                                     DenseElementsAttr::get(type, value));
  };
  int64_t step = 2 * target.lanes, main = inner / step * step;
  scf::ForOp loop =
      buildLoop(b, loc, 0, outer, 1, {}, [&](Value row, ValueRange) {
        auto vectorType = VectorType::get({target.lanes}, f32);
        SmallVector<Value> accs = {identity(target.lanes),
                                   identity(target.lanes)};
        if (main > 0)
          accs = SmallVector<Value>(
              buildLoop(b, loc, 0, main, step, accs,
                        [&](Value i, ValueRange iter) {
                          SmallVector<Value> next;
                          for (int64_t v = 0; v < 2; ++v) {
                            Value at = arith::AddIOp::create(
                                b, loc, i,
                                indexConstant(b, loc, v * target.lanes));
                            Value x = vector::LoadOp::create(
                                b, loc, vectorType, rows, ValueRange{row, at});
                            next.push_back(combine(b, loc, *kind, iter[v], x));
                          }
                          return next;
                        })
                  .getResults());
        Value total = vector::ReductionOp::create(
            b, loc, *kind, combine(b, loc, *kind, accs[0], accs[1]));
        for (const Chunk &chunk : splitColumns(main, inner, target.lanes)) {
          Value x = vector::LoadOp::create(
              b, loc, VectorType::get({chunk.width}, f32), rows,
              ValueRange{row, indexConstant(b, loc, chunk.offset)});
          total = combine(b, loc, *kind, total,
                          vector::ReductionOp::create(b, loc, *kind, x));
        }
        Value before = memref::LoadOp::create(b, loc, results, ValueRange{row});
        memref::StoreOp::create(b, loc, combine(b, loc, *kind, before, total),
                                results, ValueRange{row});
        return SmallVector<Value>();
      });
  if (outer > 1)
    markParallel(loop);
  rewriter.eraseOp(op);
  return success();
}

} // namespace lwcc::cpu
