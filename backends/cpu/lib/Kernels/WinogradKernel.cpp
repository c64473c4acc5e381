//===- WinogradKernel.cpp - F(m x m, 3x3) transforms on vectors -----------===//
//
// The kernels of lwcc-cpu-conv-to-gemm's Winograd convolutions (m = 4 or 2,
// n = m + 2, tables in Winograd.h). Both vectorise along a row of tiles, one
// channel at a time, so every lane runs the same constant-coefficient
// arithmetic (zeros skipped, +-1 as additions) on its own tile. The input
// transform loads the n image rows a run of `lanes` tiles reads (contiguous
// vectors, m elements a tile), picks each tap's lanes out of them by
// shuffles, transforms in registers and stores the n^2 positions' vectors,
// contiguous in V [n, n, C, TY, TX]. The output transform loads a run's n^2
// product vectors (contiguous in M [n, n, F, TY, TX]), turns them into m x m
// outputs per lane, interleaves those back into m output rows by shuffles,
// adds the bias, applies the conv's element-wise consumer and stores. Runs
// past the last tile, and output columns and rows past the edge, are masked.
// Rows of tiles (channel by row) are split across threads.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "Winograd.h"
#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace lwcc::cpu::winograd;

namespace lwcc::cpu {
namespace {

/// Lane `lane` of vector `source` of a list.
struct LaneSource {
  int64_t source, lane;
};

class TransformEmitter {
public:
  TransformEmitter(OpBuilder &b, Location loc, int64_t lanes)
      : b(b), loc(loc), lanes(lanes),
        vectorType(VectorType::get({lanes}, b.getF32Type())) {}

  /// sum over k of coefficients[k] * values[k], zeros skipped.
  Value combine(ArrayRef<double> coefficients, ArrayRef<Value> values) {
    Value acc;
    for (auto [coefficient, value] : llvm::zip(coefficients, values)) {
      if (coefficient == 0)
        continue;
      if (!acc) {
        acc = coefficient == 1
                  ? value
                  : arith::MulFOp::create(b, loc, splat(coefficient), value);
      } else if (coefficient == 1) {
        acc = arith::AddFOp::create(b, loc, acc, value);
      } else if (coefficient == -1) {
        acc = arith::SubFOp::create(b, loc, acc, value);
      } else {
        acc = vector::FMAOp::create(b, loc, splat(coefficient), value, acc);
      }
    }
    return acc ? acc : splat(0);
  }

  Value splat(double value) {
    return arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(vectorType,
                               b.getF32FloatAttr(static_cast<float>(value))));
  }

  /// A vector whose lane l is `picks[l]` of `sources`: one shuffle per
  /// source after the first.
  Value pick(ArrayRef<Value> sources, ArrayRef<LaneSource> picks) {
    SmallVector<int64_t> used;
    for (const LaneSource &p : picks)
      if (!llvm::is_contained(used, p.source))
        used.push_back(p.source);
    Value acc = sources[used[0]];
    SmallVector<int64_t> mask;
    for (auto [l, p] : llvm::enumerate(picks))
      mask.push_back(p.source == used[0] ? p.lane : 0);
    Value other = used.size() > 1 ? sources[used[1]] : acc;
    for (auto [l, p] : llvm::enumerate(picks))
      if (used.size() > 1 && p.source == used[1])
        mask[l] = lanes + p.lane;
    acc = vector::ShuffleOp::create(b, loc, acc, other, mask);
    for (size_t u = 2; u < used.size(); ++u) {
      SmallVector<int64_t> next;
      for (auto [l, p] : llvm::enumerate(picks))
        next.push_back(p.source == used[u] ? lanes + p.lane
                                           : static_cast<int64_t>(l));
      acc = vector::ShuffleOp::create(b, loc, acc, sources[used[u]], next);
    }
    return acc;
  }

  /// The first `count` lanes (all if count >= lanes).
  Value prefixMask(int64_t count) {
    SmallVector<bool> bits;
    for (int64_t l = 0; l < lanes; ++l)
      bits.push_back(l < count);
    return arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(VectorType::get({lanes}, b.getI1Type()),
                               ArrayRef<bool>(bits)));
  }

  /// `count` lanes at `indices` of `memref` (a full load where count is at
  /// least the lanes, zeros where it is 0).
  Value load(Value memref, ValueRange indices, int64_t count,
             Value mask = Value()) {
    if (count <= 0)
      return splat(0);
    if (count >= lanes && !mask)
      return vector::LoadOp::create(b, loc, vectorType, memref, indices);
    return vector::MaskedLoadOp::create(b, loc, vectorType, memref, indices,
                                        mask ? mask : prefixMask(count),
                                        splat(0));
  }

  void store(Value value, Value memref, ValueRange indices, int64_t count,
             Value mask = Value()) {
    if (count >= lanes && !mask) {
      vector::StoreOp::create(b, loc, value, memref, indices);
      return;
    }
    vector::MaskedStoreOp::create(b, loc, memref, indices,
                                  mask ? mask : prefixMask(count), value);
  }

  Value index(int64_t value) { return indexConstant(b, loc, value); }
  Value index(Value base, int64_t add) {
    if (add == 0)
      return base;
    return arith::AddIOp::create(b, loc, base, index(add));
  }

  /// The rows of tiles of every channel, split across threads: calls
  /// `body(channel, ty)`.
  void forEachTileRow(int64_t channels, int64_t tileRows,
                      llvm::function_ref<void(Value, Value)> body) {
    scf::ForOp loop = buildLoop(b, loc, 0, channels * tileRows, 1, {},
                                [&](Value r, ValueRange) {
                                  Value rows = index(tileRows);
                                  body(arith::DivUIOp::create(b, loc, r, rows),
                                       arith::RemUIOp::create(b, loc, r, rows));
                                  return SmallVector<Value>();
                                });
    markParallel(loop);
  }

  OpBuilder &b;
  Location loc;
  int64_t lanes;
  VectorType vectorType;
};

/// A transform's data input and its init: one an NCHW image, the other
/// tiles [n, n, C, TY, TX]; and the transforms n selects.
struct TransformOperands {
  Value input, out;
  const Transforms *transforms;
};

/// `op`'s operands if it is the transform of lwcc.kind `kind` on static f32
/// memrefs, its tiles the init (input transform) or the input (output
/// transform).
std::optional<TransformOperands>
matchTransform(linalg::GenericOp op, StringRef kind, bool tilesAreInit) {
  auto attr = op->getAttrOfType<StringAttr>(kKindAttr);
  if (!attr || attr.getValue() != kind || !op.hasPureBufferSemantics() ||
      op.getNumDpsInputs() != 3)
    return std::nullopt;
  Value input = op.getDpsInputs()[2], out = op.getDpsInits()[0];
  Value tiles = tilesAreInit ? out : input, image = tilesAreInit ? input : out;
  auto tilesType = llvm::cast<MemRefType>(tiles.getType());
  if (!isVectorAddressable(tiles) || tilesType.getRank() != 5 ||
      !isVectorAddressable(image) ||
      llvm::cast<MemRefType>(image.getType()).getRank() != 4)
    return std::nullopt;
  const Transforms *transforms =
      transformsForInputTile(tilesType.getDimSize(0));
  if (!transforms)
    return std::nullopt;
  return TransformOperands{input, out, transforms};
}

/// Lanes for a row of `tiles` tiles: the target's, or the power of two
/// that covers the row where that is fewer.
int64_t lanesFor(const VectorTarget &target, int64_t tiles) {
  return std::min<int64_t>(target.lanes, llvm::PowerOf2Ceil(tiles));
}

} // namespace

LogicalResult emitWinogradInput(RewriterBase &rewriter, linalg::GenericOp op,
                                const VectorTarget &target) {
  std::optional<TransformOperands> operands =
      matchTransform(op, kInputKind, /*tilesAreInit=*/true);
  if (!operands)
    return failure();
  auto [image, out, transforms] = *operands;
  auto imageType = llvm::cast<MemRefType>(image.getType());
  auto outType = llvm::cast<MemRefType>(out.getType());
  const Transforms &t = *transforms;
  int64_t side = t.inputTile, tile = t.outputTile;
  int64_t channels = outType.getDimSize(2), tileRows = outType.getDimSize(3),
          tileCols = outType.getDimSize(4), width = imageType.getDimSize(3);
  // V starts as zeros (the reference accumulates into it); the kernel
  // stores every element instead.
  Epilogue start = matchEpilogue(op, out, {image});
  auto zero = start.initial ? start.initial.getDefiningOp<arith::ConstantOp>()
                            : arith::ConstantOp();
  auto zeroValue =
      zero ? llvm::dyn_cast<FloatAttr>(zero.getValue()) : FloatAttr();
  if (!zeroValue || !zeroValue.getValue().isZero())
    return failure();

  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  int64_t lanes = lanesFor(target, tileCols);
  TransformEmitter e(rewriter, loc, lanes);
  // A run of `lanes` tiles reads m * lanes + 2 elements of each row.
  int64_t span = tile * lanes + side - tile;
  int64_t rowVectors = (span + lanes - 1) / lanes;
  e.forEachTileRow(channels, tileRows, [&](Value c, Value ty) {
    Value y0 = arith::MulIOp::create(rewriter, loc, ty, e.index(tile));
    for (int64_t tx0 = 0; tx0 < tileCols; tx0 += lanes) {
      // Rows first: r[i][b] = sum over j of B^T[b][j] d[i][j].
      SmallVector<SmallVector<Value, 6>, 6> r(side);
      for (int64_t i = 0; i < side; ++i) {
        SmallVector<Value, 5> row;
        for (int64_t q = 0; q < rowVectors; ++q) {
          int64_t x = tile * tx0 + q * lanes;
          row.push_back(e.load(
              image, ValueRange{e.index(0), c, e.index(y0, i), e.index(x)},
              width - x));
        }
        SmallVector<Value, 6> d;
        for (int64_t j = 0; j < side; ++j) {
          SmallVector<LaneSource> picks;
          for (int64_t l = 0; l < lanes; ++l) {
            int64_t element = tile * l + j;
            picks.push_back({element / lanes, element % lanes});
          }
          d.push_back(e.pick(row, picks));
        }
        for (int64_t bCol = 0; bCol < side; ++bCol)
          r[i].push_back(e.combine(t.inputRow(bCol), d));
      }
      for (int64_t a = 0; a < side; ++a)
        for (int64_t bCol = 0; bCol < side; ++bCol) {
          SmallVector<Value, 6> column;
          for (int64_t i = 0; i < side; ++i)
            column.push_back(r[i][bCol]);
          e.store(e.combine(t.inputRow(a), column), out,
                  ValueRange{e.index(a), e.index(bCol), c, ty, e.index(tx0)},
                  tileCols - tx0);
        }
    }
  });
  for (Operation *absorbed : start.absorbed)
    rewriter.eraseOp(absorbed);
  rewriter.eraseOp(op);
  return success();
}

LogicalResult emitWinogradOutput(RewriterBase &rewriter, linalg::GenericOp op,
                                 const VectorTarget &target) {
  std::optional<TransformOperands> operands =
      matchTransform(op, kOutputKind, /*tilesAreInit=*/false);
  if (!operands)
    return failure();
  auto [products, out, transforms] = *operands;
  auto productsType = llvm::cast<MemRefType>(products.getType());
  auto outType = llvm::cast<MemRefType>(out.getType());
  const Transforms &t = *transforms;
  int64_t side = t.inputTile, tile = t.outputTile;
  int64_t filters = productsType.getDimSize(2),
          tileRows = productsType.getDimSize(3),
          tileCols = productsType.getDimSize(4);
  int64_t height = outType.getDimSize(2), width = outType.getDimSize(3);
  Epilogue epilogue = matchEpilogue(op, out, {products});
  SmallVector<Value> others;
  if (epilogue.consumer)
    for (auto [i, input] : llvm::enumerate(epilogue.consumer.getDpsInputs()))
      if (static_cast<int64_t>(i) != epilogue.kernelInput)
        others.push_back(input);
  Value dest = epilogue.consumer ? epilogue.result : out;
  SmallVector<Value> rows = others;
  rows.push_back(dest);
  if (!llvm::all_of(rows, isVectorAddressable))
    return failure();

  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  int64_t lanes = lanesFor(target, tileCols);
  TransformEmitter e(rewriter, loc, lanes);
  e.forEachTileRow(filters, tileRows, [&](Value f, Value ty) {
    Value start;
    if (epilogue.bias)
      start = vector::BroadcastOp::create(
          rewriter, loc, e.vectorType,
          memref::LoadOp::create(rewriter, loc, epilogue.bias, f));
    else if (epilogue.initial)
      start = vector::BroadcastOp::create(rewriter, loc, e.vectorType,
                                          epilogue.initial);
    Value y0 = arith::MulIOp::create(rewriter, loc, ty, e.index(tile));
    // Output rows past the bottom (in the last row of tiles) are masked
    // off, their addresses clamped inside the output.
    SmallVector<Value, 4> rowAt(tile), rowValid(tile);
    for (int64_t p = 0; p < tile; ++p) {
      rowAt[p] = e.index(y0, p);
      if (height % tile == 0 || p < height % tile)
        continue;
      Value last = e.index(height - 1);
      rowValid[p] = arith::CmpIOp::create(
          rewriter, loc, arith::CmpIPredicate::ule, rowAt[p], last);
      rowAt[p] = arith::MinUIOp::create(rewriter, loc, rowAt[p], last);
    }
    for (int64_t tx0 = 0; tx0 < tileCols; tx0 += lanes) {
      SmallVector<SmallVector<Value, 6>, 6> m(side);
      for (int64_t a = 0; a < side; ++a)
        for (int64_t bCol = 0; bCol < side; ++bCol)
          m[a].push_back(
              e.load(products,
                     ValueRange{e.index(a), e.index(bCol), f, ty, e.index(tx0)},
                     tileCols - tx0));
      for (int64_t p = 0; p < tile; ++p) {
        // s[b] = sum over a of A^T[p][a] m[a][b]; then the row's m outputs
        // per tile, y[q] = sum over b of A^T[q][b] s[b].
        SmallVector<Value, 6> s;
        for (int64_t bCol = 0; bCol < side; ++bCol) {
          SmallVector<Value, 6> column;
          for (int64_t a = 0; a < side; ++a)
            column.push_back(m[a][bCol]);
          s.push_back(e.combine(t.outputRow(p), column));
        }
        SmallVector<Value, 4> y;
        for (int64_t q = 0; q < tile; ++q)
          y.push_back(e.combine(t.outputRow(q), s));
        // Output vector k of the run holds columns m*tx0 + k*lanes + u:
        // tile (k*lanes + u) / m's output (k*lanes + u) mod m.
        for (int64_t k = 0; k < tile; ++k) {
          int64_t x = tile * tx0 + k * lanes;
          int64_t count = std::min(width - x, lanes);
          if (count <= 0)
            break;
          SmallVector<LaneSource> picks;
          for (int64_t u = 0; u < lanes; ++u) {
            int64_t element = k * lanes + u;
            picks.push_back({element % tile, element / tile});
          }
          Value acc = e.pick(y, picks);
          Value mask;
          if (rowValid[p])
            mask = arith::AndIOp::create(
                rewriter, loc, e.prefixMask(count),
                vector::BroadcastOp::create(
                    rewriter, loc,
                    VectorType::get({lanes}, rewriter.getI1Type()),
                    rowValid[p]));
          SmallVector<Value, 4> at = {e.index(0), f, rowAt[p], e.index(x)};
          acc = arith::AddFOp::create(
              rewriter, loc, acc, start ? start : e.load(out, at, count, mask));
          SmallVector<Value> loaded;
          for (Value other : others)
            loaded.push_back(e.load(other, at, count, mask));
          e.store(applyEpilogueBody(rewriter, loc, epilogue, acc, loaded), dest,
                  at, count, mask);
        }
      }
    }
  });
  for (Operation *absorbed : epilogue.absorbed)
    rewriter.eraseOp(absorbed);
  rewriter.eraseOp(op);
  return success();
}

} // namespace lwcc::cpu
