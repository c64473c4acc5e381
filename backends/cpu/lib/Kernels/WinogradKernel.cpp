//===- WinogradKernel.cpp - F(m x m, 3x3) transforms on vectors -----------===//
//
// The kernels of lwcc-cpu-conv-to-gemm's Winograd convolutions (m = 4 or 2,
// n = m + 2, tables in Winograd.h). Both vectorise along channels, one tile
// at a time, so every lane runs the same constant-coefficient arithmetic
// (zeros skipped, +-1 as additions): the input transform gathers the n x n
// window of `lanes` channels (one gather per tap, the lanes a channel
// stride apart), transforms it in registers and stores the n^2 positions'
// vectors, each contiguous in V [n, n, TY, TX, C]; the output transform
// loads a tile's n^2 product vectors (contiguous in M [n, n, TY, TX, F]),
// turns them into m x m outputs, adds the bias, applies the conv's
// element-wise consumer and scatters each output pixel's vector to its
// `lanes` channels. Tiles are split across threads.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "Winograd.h"
#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace lwcc::cpu::winograd;

namespace lwcc::cpu {
namespace {

/// The element stride of dimension `dim` of a static strided memref, or
/// nullopt.
std::optional<int64_t> staticStride(Value memref, int64_t dim) {
  auto type = llvm::cast<MemRefType>(memref.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)) ||
      ShapedType::isDynamic(strides[dim]))
    return std::nullopt;
  return strides[dim];
}

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

  /// Lane l's offset: l * `stride` elements.
  Value laneOffsets(int64_t stride) {
    SmallVector<int32_t> offsets;
    for (int64_t l = 0; l < lanes; ++l)
      offsets.push_back(static_cast<int32_t>(l * stride));
    return arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(VectorType::get({lanes}, b.getI32Type()),
                               ArrayRef<int32_t>(offsets)));
  }

  Value allLanes() {
    return arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(VectorType::get({lanes}, b.getI1Type()), true));
  }

  Value index(Value base, int64_t add) {
    if (add == 0)
      return base;
    return arith::AddIOp::create(b, loc, base, indexConstant(b, loc, add));
  }

  /// The tile loop, split across threads: calls `body(ty * m, tx * m, ty,
  /// tx)` for each m x m tile.
  void forEachTile(int64_t tile, int64_t tileRows, int64_t tileCols,
                   llvm::function_ref<void(Value, Value, Value, Value)> body) {
    scf::ForOp loop = buildLoop(
        b, loc, 0, tileRows * tileCols, 1, {}, [&](Value t, ValueRange) {
          Value cols = indexConstant(b, loc, tileCols);
          Value ty = arith::DivUIOp::create(b, loc, t, cols);
          Value tx = arith::RemUIOp::create(b, loc, t, cols);
          Value m = indexConstant(b, loc, tile);
          body(arith::MulIOp::create(b, loc, ty, m),
               arith::MulIOp::create(b, loc, tx, m), ty, tx);
          return SmallVector<Value>();
        });
    markParallel(loop);
  }

  /// Calls `body(c0)` for each run of `lanes` channels of `channels`.
  void forEachVector(int64_t channels, llvm::function_ref<void(Value)> body) {
    buildLoop(b, loc, 0, channels, lanes, {}, [&](Value c0, ValueRange) {
      body(c0);
      return SmallVector<Value>();
    });
  }

  OpBuilder &b;
  Location loc;
  int64_t lanes;
  VectorType vectorType;
};

bool hasKind(Operation *op, StringRef kind) {
  auto attr = op->getAttrOfType<StringAttr>(kKindAttr);
  return attr && attr.getValue() == kind;
}

} // namespace

LogicalResult emitWinogradInput(RewriterBase &rewriter, linalg::GenericOp op,
                                const VectorTarget &target) {
  if (!hasKind(op, kInputKind) || !op.hasPureBufferSemantics() ||
      op.getNumDpsInputs() != 3)
    return failure();
  Value image = op.getDpsInputs()[2], out = op.getDpsInits()[0];
  auto imageType = llvm::cast<MemRefType>(image.getType());
  auto outType = llvm::cast<MemRefType>(out.getType());
  std::optional<int64_t> channelStride = staticStride(image, 1);
  if (!imageType.hasStaticShape() || !imageType.isLastDimUnitStride() ||
      !channelStride || !isVectorAddressable(out) || outType.getRank() != 5)
    return failure();
  const Transforms *transforms = transformsForInputTile(outType.getDimSize(0));
  int64_t tileRows = outType.getDimSize(2), tileCols = outType.getDimSize(3),
          channels = outType.getDimSize(4);
  if (!transforms || channels % target.lanes != 0)
    return failure();
  const Transforms &t = *transforms;
  int64_t side = t.inputTile;
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
  TransformEmitter e(rewriter, loc, target.lanes);
  Value offsets = e.laneOffsets(*channelStride);
  Value mask = e.allLanes();
  Value passThrough = e.splat(0);
  Value zeroIndex = indexConstant(rewriter, loc, 0);
  e.forEachTile(
      t.outputTile, tileRows, tileCols,
      [&](Value y0, Value x0, Value ty, Value tx) {
        e.forEachVector(channels, [&](Value c0) {
          // Rows first: r[i][b] = sum over j of B^T[b][j] d[i][j].
          SmallVector<SmallVector<Value, 6>, 6> r(side);
          for (int64_t i = 0; i < side; ++i) {
            SmallVector<Value, 6> d;
            for (int64_t j = 0; j < side; ++j)
              d.push_back(vector::GatherOp::create(
                  rewriter, loc, e.vectorType, image,
                  ValueRange{zeroIndex, c0, e.index(y0, i), e.index(x0, j)},
                  offsets, mask, passThrough));
            for (int64_t bCol = 0; bCol < side; ++bCol)
              r[i].push_back(e.combine(t.inputRow(bCol), d));
          }
          for (int64_t a = 0; a < side; ++a)
            for (int64_t bCol = 0; bCol < side; ++bCol) {
              SmallVector<Value, 6> column;
              for (int64_t i = 0; i < side; ++i)
                column.push_back(r[i][bCol]);
              Value v = e.combine(t.inputRow(a), column);
              vector::StoreOp::create(
                  rewriter, loc, v, out,
                  ValueRange{indexConstant(rewriter, loc, a),
                             indexConstant(rewriter, loc, bCol), ty, tx, c0});
            }
        });
      });
  for (Operation *absorbed : start.absorbed)
    rewriter.eraseOp(absorbed);
  rewriter.eraseOp(op);
  return success();
}

LogicalResult emitWinogradOutput(RewriterBase &rewriter, linalg::GenericOp op,
                                 const VectorTarget &target) {
  if (!hasKind(op, kOutputKind) || !op.hasPureBufferSemantics() ||
      op.getNumDpsInputs() != 3)
    return failure();
  Value products = op.getDpsInputs()[2], out = op.getDpsInits()[0];
  auto productsType = llvm::cast<MemRefType>(products.getType());
  auto outType = llvm::cast<MemRefType>(out.getType());
  if (!isVectorAddressable(products) || productsType.getRank() != 5 ||
      !outType.hasStaticShape() || !outType.isLastDimUnitStride() ||
      outType.getRank() != 4 || !staticStride(out, 1))
    return failure();
  const Transforms *transforms =
      transformsForInputTile(productsType.getDimSize(0));
  int64_t tileRows = productsType.getDimSize(2),
          tileCols = productsType.getDimSize(3),
          filters = productsType.getDimSize(4);
  int64_t height = outType.getDimSize(2), width = outType.getDimSize(3);
  if (!transforms || filters % target.lanes != 0)
    return failure();
  const Transforms &t = *transforms;
  int64_t side = t.inputTile, tile = t.outputTile;
  Epilogue epilogue = matchEpilogue(op, out, {products});
  // The consumer's other inputs and its result are gathered and scattered
  // like `out`: they need static strides too.
  SmallVector<Value> others;
  if (epilogue.consumer)
    for (auto [i, input] : llvm::enumerate(epilogue.consumer.getDpsInputs()))
      if (static_cast<int64_t>(i) != epilogue.kernelInput)
        others.push_back(input);
  Value dest = epilogue.consumer ? epilogue.result : out;
  SmallVector<Value> written = others;
  written.push_back(dest);
  for (Value value : written)
    if (!staticStride(value, 1) ||
        !llvm::cast<MemRefType>(value.getType()).isLastDimUnitStride())
      return failure();

  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  TransformEmitter e(rewriter, loc, target.lanes);
  auto offsetsOf = [&](Value memref) {
    return e.laneOffsets(*staticStride(memref, 1));
  };
  Value outOffsets = offsetsOf(out), destOffsets = offsetsOf(dest);
  SmallVector<Value> otherOffsets;
  for (Value other : others)
    otherOffsets.push_back(offsetsOf(other));
  Value allLanes = e.allLanes();
  Value passThrough = e.splat(0);
  Value zeroIndex = indexConstant(rewriter, loc, 0);
  e.forEachTile(
      tile, tileRows, tileCols, [&](Value y0, Value x0, Value ty, Value tx) {
        // Where the last row or column of tiles reaches past the output, those
        // pixels' lanes are masked off, their addresses clamped inside it.
        auto inside = [&](Value start, int64_t step, int64_t size, Value &at) {
          at = e.index(start, step);
          if (size % tile == 0 || step < size % tile)
            return Value();
          Value last = indexConstant(rewriter, loc, size - 1);
          Value valid = arith::CmpIOp::create(
              rewriter, loc, arith::CmpIPredicate::ule, at, last);
          at = arith::MinUIOp::create(rewriter, loc, at, last);
          return valid;
        };
        SmallVector<Value, 4> rowAt(tile), colAt(tile), rowValid(tile),
            colValid(tile);
        for (int64_t p = 0; p < tile; ++p) {
          rowValid[p] = inside(y0, p, height, rowAt[p]);
          colValid[p] = inside(x0, p, width, colAt[p]);
        }
        e.forEachVector(filters, [&](Value f0) {
          SmallVector<SmallVector<Value, 6>, 6> m(side);
          for (int64_t a = 0; a < side; ++a)
            for (int64_t bCol = 0; bCol < side; ++bCol)
              m[a].push_back(vector::LoadOp::create(
                  rewriter, loc, e.vectorType, products,
                  ValueRange{indexConstant(rewriter, loc, a),
                             indexConstant(rewriter, loc, bCol), ty, tx, f0}));
          Value start;
          if (epilogue.bias)
            start = vector::LoadOp::create(rewriter, loc, e.vectorType,
                                           epilogue.bias, ValueRange{f0});
          else if (epilogue.initial)
            start = vector::BroadcastOp::create(rewriter, loc, e.vectorType,
                                                epilogue.initial);
          for (int64_t p = 0; p < tile; ++p) {
            // s[b] = sum over a of A^T[p][a] m[a][b].
            SmallVector<Value, 6> s;
            for (int64_t bCol = 0; bCol < side; ++bCol) {
              SmallVector<Value, 6> column;
              for (int64_t a = 0; a < side; ++a)
                column.push_back(m[a][bCol]);
              s.push_back(e.combine(t.outputRow(p), column));
            }
            for (int64_t q = 0; q < tile; ++q) {
              Value mask = allLanes;
              Value valid = rowValid[p] && colValid[q]
                                ? arith::AndIOp::create(
                                      rewriter, loc, rowValid[p], colValid[q])
                                : (rowValid[p] ? rowValid[p] : colValid[q]);
              if (valid)
                mask = vector::BroadcastOp::create(rewriter, loc,
                                                   allLanes.getType(), valid);
              SmallVector<Value, 4> pixel = {zeroIndex, f0, rowAt[p], colAt[q]};
              Value acc = e.combine(t.outputRow(q), s);
              Value init = start ? start
                                 : vector::GatherOp::create(
                                       rewriter, loc, e.vectorType, out, pixel,
                                       outOffsets, mask, passThrough);
              acc = arith::AddFOp::create(rewriter, loc, acc, init);
              SmallVector<Value> loaded;
              for (auto [other, offsets] : llvm::zip(others, otherOffsets))
                loaded.push_back(vector::GatherOp::create(
                    rewriter, loc, e.vectorType, other, pixel, offsets, mask,
                    passThrough));
              Value value =
                  applyEpilogueBody(rewriter, loc, epilogue, acc, loaded);
              vector::ScatterOp::create(rewriter, loc, Type(), dest, pixel,
                                        destOffsets, mask, value);
            }
          }
        });
      });
  for (Operation *absorbed : epilogue.absorbed)
    rewriter.eraseOp(absorbed);
  rewriter.eraseOp(op);
  return success();
}

} // namespace lwcc::cpu
