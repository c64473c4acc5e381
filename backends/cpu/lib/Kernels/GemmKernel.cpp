//===- GemmKernel.cpp - register-blocked C += A x B -----------------------===//
//
// C[M, N] += A[M, K] x B[K, N], row-major, optionally batched. An MR x NR
// block of C lives in vector registers while k walks the whole of K: per k,
// NR/lanes vector loads of B's row, MR broadcasts of A's column, MR*NR/lanes
// fused multiply-adds. Column blocks are the outer loop so the K x NR panel
// of B read by every row block stays in L1. MR and NR are chosen so the
// accumulators, B's vectors and one broadcast fit the register file.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace lwcc::cpu {
namespace {

/// Rows of C and vectors per row of the register block.
struct BlockShape {
  int64_t rows;
  int64_t vectors;
};

/// Column blocks from which the columns-outer order pays off.
constexpr int64_t kColumnBlocksForColumnsOuter = 8;

BlockShape chooseBlock(const VectorTarget &target) {
  // rows * vectors accumulators + `vectors` B loads + one broadcast.
  if (target.registers >= 32)
    return {8, 3};
  return {6, 2};
}

class GemmEmitter {
public:
  GemmEmitter(OpBuilder &b, Location loc, Value a, Value bMat, Value c, bool batched,
              const VectorTarget &target)
      : b(b), loc(loc), a(a), bMat(bMat), c(c), batched(batched), target(target),
        block(chooseBlock(target)) {
    ArrayRef<int64_t> cShape = llvm::cast<MemRefType>(c.getType()).getShape();
    m = cShape[cShape.size() - 2];
    n = cShape.back();
    k = llvm::cast<MemRefType>(a.getType()).getShape().back();
  }

  void emit() {
    if (!batched)
      return emitMatrix(Value(), /*parallel=*/true);
    int64_t batches = llvm::cast<MemRefType>(c.getType()).getDimSize(0);
    scf::ForOp loop = buildLoop(b, loc, 0, batches, 1, {}, [&](Value batch, ValueRange) {
      emitMatrix(batch, /*parallel=*/false);
      return SmallVector<Value>();
    });
    markParallel(loop);
  }

private:
  SmallVector<Value, 3> at(Value batch, Value row, Value col) {
    if (batched)
      return {batch, row, col};
    return {row, col};
  }

  Value offset(Value base, int64_t delta) {
    if (delta == 0)
      return base;
    return arith::AddIOp::create(b, loc, base, indexConstant(b, loc, delta));
  }

  /// Wide C (many column blocks): column blocks outer, so each K x NR panel
  /// of B is read from L1 by every row block, and threads split the
  /// columns. Narrow C: row blocks outer (B is small enough to stay in
  /// cache whole), and threads split the rows.
  void emitMatrix(Value batch, bool parallel) {
    int64_t width = block.vectors * target.lanes;
    int64_t nMain = n / width * width;
    SmallVector<Chunk> full;
    for (int64_t v = 0; v < block.vectors; ++v)
      full.push_back({v * target.lanes, target.lanes});
    auto tail = intoStrips(splitColumns(nMain, n, target.lanes), block.vectors);
    Value zero = indexConstant(b, loc, 0);
    // One loop over the blocks plus, as its last iteration, the ragged
    // remainder: threads share the remainder too, and it is emitted once.
    auto blocksThenRemainder = [&](int64_t blocks, bool remainder,
                                   llvm::function_ref<void(Value)> block,
                                   llvm::function_ref<void()> rest) {
      if (blocks + remainder == 0)
        return;
      scf::ForOp loop = buildLoop(b, loc, 0, blocks + remainder, 1, {}, [&](Value i, ValueRange) {
        if (!remainder) {
          block(i);
        } else {
          Value isBlock = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, i,
                                                indexConstant(b, loc, blocks));
          auto branch = scf::IfOp::create(b, loc, isBlock, /*withElseRegion=*/true);
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(branch.thenBlock()->getTerminator());
          block(i);
          b.setInsertionPoint(branch.elseBlock()->getTerminator());
          rest();
        }
        return SmallVector<Value>();
      });
      if (parallel && blocks + remainder > 1)
        markParallel(loop);
    };
    auto scaled = [&](Value i, int64_t factor) {
      return arith::MulIOp::create(b, loc, i, indexConstant(b, loc, factor)).getResult();
    };
    if (nMain / width >= kColumnBlocksForColumnsOuter) {
      blocksThenRemainder(
          nMain / width, !tail.empty(),
          [&](Value i) { emitRowBlocks(batch, scaled(i, width), full); },
          [&] {
            for (const auto &strip : tail)
              emitRowBlocks(batch, zero, strip);
          });
      return;
    }
    auto emitColumns = [&](Value m0, int64_t rows) {
      if (nMain > 0)
        buildLoop(b, loc, 0, nMain, width, {}, [&](Value n0, ValueRange) {
          emitTile(batch, m0, rows, n0, full);
          return SmallVector<Value>();
        });
      for (const auto &strip : tail)
        emitTile(batch, m0, rows, zero, strip);
    };
    int64_t mMain = m / block.rows * block.rows;
    blocksThenRemainder(
        mMain / block.rows, m > mMain,
        [&](Value i) { emitColumns(scaled(i, block.rows), block.rows); },
        [&] { emitColumns(indexConstant(b, loc, mMain), m - mMain); });
  }

  void emitRowBlocks(Value batch, Value n0, ArrayRef<Chunk> strip) {
    int64_t mMain = m / block.rows * block.rows;
    if (mMain > 0)
      buildLoop(b, loc, 0, mMain, block.rows, {}, [&](Value m0, ValueRange) {
        emitTile(batch, m0, block.rows, n0, strip);
        return SmallVector<Value>();
      });
    if (m > mMain)
      emitTile(batch, indexConstant(b, loc, mMain), m - mMain, n0, strip);
  }

  /// C[m0 .. m0+rows, n0 + strip] += A[m0 .., :] x B[:, n0 + strip].
  void emitTile(Value batch, Value m0, int64_t rows, Value n0, ArrayRef<Chunk> strip) {
    Type f32 = b.getF32Type();
    SmallVector<Value> rowIdx, colIdx;
    SmallVector<VectorType> types;
    for (int64_t i = 0; i < rows; ++i)
      rowIdx.push_back(offset(m0, i));
    for (const Chunk &chunk : strip) {
      colIdx.push_back(offset(n0, chunk.offset));
      types.push_back(VectorType::get({chunk.width}, f32));
    }
    int64_t cols = strip.size();
    SmallVector<Value> accs;
    for (int64_t i = 0; i < rows; ++i) {
      Value bias = epilogue.bias ? memref::LoadOp::create(b, loc, epilogue.bias, rowIdx[i])
                                 : Value();
      for (int64_t j = 0; j < cols; ++j)
        accs.push_back(bias ? Value(vector::BroadcastOp::create(b, loc, types[j], bias))
                            : Value(vector::LoadOp::create(b, loc, types[j], c,
                                                           at(batch, rowIdx[i], colIdx[j]))));
    }
    ValueRange sums =
        buildLoop(b, loc, 0, k, 1, accs, [&](Value kk, ValueRange iter) {
          SmallVector<Value> bRow, next;
          for (int64_t j = 0; j < cols; ++j)
            bRow.push_back(
                vector::LoadOp::create(b, loc, types[j], bMat, at(batch, kk, colIdx[j])));
          for (int64_t i = 0; i < rows; ++i) {
            Value scalar = memref::LoadOp::create(b, loc, a, at(batch, rowIdx[i], kk));
            for (int64_t j = 0; j < cols; ++j) {
              Value splat = vector::BroadcastOp::create(b, loc, types[j], scalar);
              next.push_back(
                  vector::FMAOp::create(b, loc, splat, bRow[j], iter[i * cols + j]));
            }
          }
          return next;
        }).getResults();
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j) {
        SmallVector<Value> loaded;
        for (Value input : epilogueInputs)
          loaded.push_back(
              vector::LoadOp::create(b, loc, types[j], input, at(batch, rowIdx[i], colIdx[j])));
        Value value = applyEpilogueBody(b, loc, epilogue, sums[i * cols + j], loaded);
        vector::StoreOp::create(b, loc, value, epilogueResult ? epilogueResult : c,
                                at(batch, rowIdx[i], colIdx[j]));
      }
  }

public:
  /// Absorbs `e`: its inputs and result as the kernel's 2-D views.
  void setEpilogue(const Epilogue &e, ArrayRef<Value> inputs, Value result) {
    epilogue = e;
    epilogueInputs.assign(inputs.begin(), inputs.end());
    epilogueResult = result;
  }

private:

  OpBuilder &b;
  Location loc;
  Value a, bMat, c;
  bool batched;
  const VectorTarget &target;
  BlockShape block;
  int64_t m = 0, n = 0, k = 0;
  Epilogue epilogue;
  SmallVector<Value> epilogueInputs;
  Value epilogueResult;
};

bool hasDefaultMaps(linalg::LinalgOp op) {
  if (auto matmul = llvm::dyn_cast<linalg::MatmulOp>(op.getOperation()))
    return linalg::MatmulOp::isDefaultIndexingMaps(matmul.getIndexingMaps());
  if (auto batch = llvm::dyn_cast<linalg::BatchMatmulOp>(op.getOperation()))
    return linalg::BatchMatmulOp::isDefaultIndexingMaps(batch.getIndexingMaps());
  return false;
}

} // namespace

LogicalResult emitGemmKernel(RewriterBase &rewriter, linalg::LinalgOp op,
                             const VectorTarget &target) {
  if (!op.hasPureBufferSemantics() || !hasDefaultMaps(op))
    return failure();
  Value a = op.getDpsInputs()[0], bMat = op.getDpsInputs()[1], c = op.getDpsInits()[0];
  if (!isVectorAddressable(a) || !isVectorAddressable(bMat) || !isVectorAddressable(c))
    return failure();
  bool batched = llvm::isa<linalg::BatchMatmulOp>(op.getOperation());
  GemmEmitter emitter(rewriter, op.getLoc(), a, bMat, c, batched, target);
  // The epilogue sees C as the conv's 4-D output; the kernel indexes the
  // same bytes as C's 2-D view.
  Epilogue epilogue;
  if (!batched) {
    Value out = c;
    SmallVector<ReassociationIndices> reassociation;
    if (auto collapse = c.getDefiningOp<memref::CollapseShapeOp>()) {
      out = collapse.getSrc();
      reassociation = collapse.getReassociationIndices();
    }
    epilogue = matchEpilogue(op, out, ValueRange{a, bMat});
    // The bias runs along dimension 1 of the output: C's rows only for a
    // batch-1 [1, M, H, W] output viewed as [M, H*W].
    bool biasOnRows = reassociation.size() == 2 &&
                      reassociation[0] == ReassociationIndices{0, 1} &&
                      llvm::cast<MemRefType>(out.getType()).getDimSize(0) == 1;
    if (epilogue.bias && !biasOnRows) {
      epilogue.bias = Value();
      epilogue.absorbed.erase(epilogue.absorbed.begin());
    }
    rewriter.setInsertionPoint(op);
    auto asMatrix = [&](Value value) -> Value {
      if (reassociation.empty())
        return value;
      return memref::CollapseShapeOp::create(rewriter, op.getLoc(), value, reassociation);
    };
    SmallVector<Value> inputs;
    Value result;
    if (epilogue.consumer) {
      for (auto [i, input] : llvm::enumerate(epilogue.consumer.getDpsInputs()))
        if (static_cast<int64_t>(i) != epilogue.kernelInput)
          inputs.push_back(asMatrix(input));
      result = asMatrix(epilogue.result);
    }
    emitter.setEpilogue(epilogue, inputs, result);
  }
  rewriter.setInsertionPoint(op);
  emitter.emit();
  for (Operation *absorbed : epilogue.absorbed)
    rewriter.eraseOp(absorbed);
  rewriter.eraseOp(op);
  return success();
}

} // namespace lwcc::cpu
