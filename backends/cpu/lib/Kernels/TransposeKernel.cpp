//===- TransposeKernel.cpp - layout changes between NCHW and NHWC ---------===//
//
// lwcc-cpu-choose-layout converts images between NCHW and NHWC where a
// channels-last chain meets the rest of the model: [C, H*W] <-> [H*W, C],
// a matrix transpose. Element by element, every load or every store is a
// stride of a whole row; here 8x8 blocks are loaded as 8 row vectors,
// transposed in registers by three rounds of shuffles (pairs of elements,
// pairs of pairs, halves) and stored as 8 row vectors. Rows and columns
// past the last whole block are copied element by element.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace lwcc::cpu {

namespace {

constexpr int64_t kBlock = 8;

/// The 8 rows of an 8x8 block as its 8 columns.
SmallVector<Value> transposeBlock(OpBuilder &b, Location loc,
                                  ArrayRef<Value> rows) {
  auto shuffle = [&](Value x, Value y, ArrayRef<int64_t> mask) -> Value {
    return vector::ShuffleOp::create(b, loc, x, y, mask);
  };
  // Round 1: elements of row pairs interleaved.
  SmallVector<Value> pairs;
  for (int64_t i = 0; i < kBlock; i += 2) {
    pairs.push_back(shuffle(rows[i], rows[i + 1], {0, 8, 1, 9, 4, 12, 5, 13}));
    pairs.push_back(
        shuffle(rows[i], rows[i + 1], {2, 10, 3, 11, 6, 14, 7, 15}));
  }
  // Round 2: pairs of those, four rows' elements together.
  SmallVector<Value> quads(kBlock);
  for (int64_t half = 0; half < 2; ++half)
    for (int64_t k = 0; k < 2; ++k) {
      Value x = pairs[half * 4 + k], y = pairs[half * 4 + 2 + k];
      quads[half * 4 + 2 * k] = shuffle(x, y, {0, 1, 8, 9, 4, 5, 12, 13});
      quads[half * 4 + 2 * k + 1] = shuffle(x, y, {2, 3, 10, 11, 6, 7, 14, 15});
    }
  // Round 3: the halves of rows 0-3 and 4-7: column j and j + 4.
  SmallVector<Value> columns(kBlock);
  for (int64_t j = 0; j < 4; ++j) {
    columns[j] = shuffle(quads[j], quads[4 + j], {0, 1, 2, 3, 8, 9, 10, 11});
    columns[j + 4] =
        shuffle(quads[j], quads[4 + j], {4, 5, 6, 7, 12, 13, 14, 15});
  }
  return columns;
}

/// Copies in[r, s] to out[s, r] element by element over rows [r0, r1) and
/// columns [s0, s1).
void copyElements(OpBuilder &b, Location loc, Value in, Value out, Value r0,
                  Value r1, int64_t s0, int64_t s1) {
  Value one = indexConstant(b, loc, 1);
  buildLoop(b, loc, r0, r1, one, {}, [&](Value r, ValueRange) {
    buildLoop(b, loc, s0, s1, 1, {}, [&](Value s, ValueRange) {
      Value value = memref::LoadOp::create(b, loc, in, ValueRange{r, s});
      memref::StoreOp::create(b, loc, value, out, ValueRange{s, r});
      return SmallVector<Value>();
    });
    return SmallVector<Value>();
  });
}

/// `memref` [1, X, Y, Z], contiguous, as the matrix [rows of `split`
/// leading dims, the rest].
Value asMatrix(OpBuilder &b, Location loc, Value memref, int64_t split) {
  SmallVector<ReassociationIndices> groups(2);
  for (int64_t i = 0; i < 4; ++i)
    groups[i < split ? 0 : 1].push_back(i);
  return memref::CollapseShapeOp::create(b, loc, memref, groups);
}

bool isContiguousF32(Value value) {
  auto type = llvm::dyn_cast<MemRefType>(value.getType());
  return type && type.getRank() == 4 && type.hasStaticShape() &&
         type.getElementType().isF32() && type.getLayout().isIdentity() &&
         type.getDimSize(0) == 1;
}

} // namespace

LogicalResult emitTransposeKernel(RewriterBase &rewriter,
                                  linalg::TransposeOp op) {
  if (!op.hasPureBufferSemantics() || !isContiguousF32(op.getInput()) ||
      !isContiguousF32(op.getInit()))
    return failure();
  ArrayRef<int64_t> perm = op.getPermutation();
  // NCHW -> NHWC is [C, H*W] -> [H*W, C]; NHWC -> NCHW [H*W, C] -> [C, H*W].
  int64_t split;
  if (perm == ArrayRef<int64_t>{0, 2, 3, 1})
    split = 2;
  else if (perm == ArrayRef<int64_t>{0, 3, 1, 2})
    split = 3;
  else
    return failure();
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  OpBuilder &b = rewriter;
  Value in = asMatrix(b, loc, op.getInput(), split);
  Value out = asMatrix(b, loc, op.getInit(), 5 - split);
  ArrayRef<int64_t> shape = llvm::cast<MemRefType>(in.getType()).getShape();
  int64_t rows = shape[0], cols = shape[1];
  int64_t rowBlocks = rows / kBlock, colEnd = cols / kBlock * kBlock;
  auto rowType = VectorType::get({kBlock}, b.getF32Type());
  if (rowBlocks) {
    scf::ForOp loop =
        buildLoop(b, loc, 0, rowBlocks, 1, {}, [&](Value block, ValueRange) {
          Value r0 = arith::MulIOp::create(b, loc, block,
                                           indexConstant(b, loc, kBlock));
          SmallVector<Value> r;
          for (int64_t i = 0; i <= kBlock; ++i)
            r.push_back(
                arith::AddIOp::create(b, loc, r0, indexConstant(b, loc, i)));
          if (colEnd)
            buildLoop(b, loc, 0, colEnd, kBlock, {}, [&](Value s0, ValueRange) {
              SmallVector<Value> loaded;
              for (int64_t i = 0; i < kBlock; ++i)
                loaded.push_back(vector::LoadOp::create(b, loc, rowType, in,
                                                        ValueRange{r[i], s0}));
              SmallVector<Value> columns = transposeBlock(b, loc, loaded);
              for (int64_t j = 0; j < kBlock; ++j) {
                Value s =
                    arith::AddIOp::create(b, loc, s0, indexConstant(b, loc, j));
                vector::StoreOp::create(b, loc, columns[j], out,
                                        ValueRange{s, r0});
              }
              return SmallVector<Value>();
            });
          if (colEnd < cols)
            copyElements(b, loc, in, out, r0, r[kBlock], colEnd, cols);
          return SmallVector<Value>();
        });
    markParallel(loop);
  }
  if (rowBlocks * kBlock < rows)
    copyElements(b, loc, in, out, indexConstant(b, loc, rowBlocks * kBlock),
                 indexConstant(b, loc, rows), 0, cols);
  rewriter.eraseOp(op);
  return success();
}

} // namespace lwcc::cpu
