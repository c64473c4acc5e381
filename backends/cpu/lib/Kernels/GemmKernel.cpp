//===- GemmKernel.cpp - register-blocked C += A x B -----------------------===//
//
// C[M, N] += A[M, K] x B[K, N], row-major, optionally batched. An MR x NR
// block of C lives in vector registers while k walks a block of K: per k,
// NR/lanes vector loads of B's row, MR broadcasts of A's column, MR*NR/lanes
// fused multiply-adds. MR and NR are chosen so the accumulators, B's vectors
// and one broadcast fit the register file. Around it the loops follow the
// classic cache blocking (Goto and van de Geijn): K in blocks of K_c so the
// K_c x NR panel of B stays in L1, columns in panels of N_c so the K_c x N_c
// block stays in L2 while every row block of a parallel iteration walks it.
// Partial sums of all but the last K block stay in C.
//
// B may be an image instead of a matrix (a convolution's image product,
// lwcc-cpu-conv-to-gemm): each row of B is a run of the image starting at
// an offset of its window position, so B is always packed, the packing
// loop computing where each row starts.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

#include <numeric>

using namespace mlir;

namespace lwcc::cpu {
namespace {

/// At most this many ragged columns ride along with the last full register
/// tile as extra accumulators, each a vector over the block's rows (see
/// GemmEmitter::extraColumns).
constexpr int64_t kMaxExtraColumns = 2;

/// Rows of C and vectors per row of the register block.
struct BlockShape {
  int64_t rows;
  int64_t vectors;
};

/// How the kernel is shaped for a target: its register block, the L1
/// budget for the K_c x NR panel of B one register block walks, and whether
/// long rows of B are packed (see GemmEmitter::packB).
struct Tuning {
  BlockShape block;
  int64_t l1PanelBytes;
  bool packLongRows;
};

/// The tuning for C [m, n] on `target`.
Tuning tuningFor(const VectorTarget &target, int64_t m, int64_t n) {
  // A block takes rows * vectors accumulators + `vectors` B loads + one
  // broadcast. The L1 budget is conservative for the cores lwcc targets
  // (32 KiB L1d).
  if (target.registers >= 32 && target.lanes >= 16) {
    // AVX-512 (cores with at least 48 KiB L1d), measured on a Xeon: fewer
    // broadcasts per FMA pay (1x1 conv 64x3136x256: 6 x 4 0.66 ms, 8 x 3
    // 0.85 ms), a 32 KiB panel beats 16 (0.65 vs 0.72 ms), and packing pays
    // for long rows (0.79 -> 0.66 ms). AVX2 code on the same core got slower
    // packed (64x3136x576: 2.80 -> 3.13 ms), so only here.
    // Yet 8 x 3 is faster where M is a multiple of 8 and C is wider than
    // one 6 x 4 tile: 1x1 convs 32x729x256 0.118 -> 0.076 ms, 24x3136x144
    // 0.193 -> 0.169, 16x3025x128 0.111 -> 0.106, 128x729x256 0.333 ->
    // 0.319, 1000x169x512 1.178 -> 1.118; but not 64x3136x256 (0.674 vs
    // 0.709; rows not a multiple of 6, columns of 64 but not of 48) nor
    // 7x7 outputs (one 6 x 4 strip: 400x49x400 0.102 vs 0.111).
    // And where the columns past the last full 8 x 3 tile are one or two:
    // they ride along with it (7x7 outputs: 49 columns, 25 FMAs per k for
    // 8 rows where 6 x 4 took 24 for 6).
    int64_t tail = n % (3 * target.lanes);
    bool extraFits =
        n > 3 * target.lanes && tail != 0 && tail <= kMaxExtraColumns;
    bool eightRows =
        m % 8 == 0 &&
        (extraFits ||
         (n > 64 && !(m % 6 != 0 && m >= 64 && n % 64 == 0 && n % 48 != 0)));
    if (eightRows)
      return {{8, 3}, 32 * 1024, true};
    return {{6, 4}, 32 * 1024, true};
  }
  if (target.registers >= 32)
    return {{8, 3}, 16 * 1024, false};
  return {{6, 2}, 16 * 1024, false};
}

/// Cache budget for the K_c x N_c block of B every row block of an
/// iteration walks again (at least 256 KiB L2 per core).
constexpr int64_t kL2BlockBytes = 192 * 1024;
/// B rows at least this long are packed (see packB). Since a thread packs
/// a tile once for all its row blocks, rows of 256 bytes and more pay
/// (1 KiB before; squeezenet1_1 4.95 -> 4.85 ms with 1 thread, 3.35 ->
/// 3.20 with 2; efficientnet_b0 5.11 -> 4.98 with 2); 128 did not
/// (resnet18's 512x49x4608: 21.1 -> 22.1 ms).
constexpr int64_t kPackRowBytes = 256;
/// How far ahead along K a tile prefetches its rows of A when it is the
/// only tile to read them (C one register tile wide): A then streams from
/// memory once, 4 B per row and k, too slowly and in too many streams for
/// the hardware prefetcher (regnet_x_400mf's 400x49x400 layers: 0.15-0.23
/// ms in the model, 0.11 alone; the model 10.5 -> 9.1 ms).
constexpr int64_t kPrefetchElements = 64;
/// With A packed (lwcc-cpu-pack-weights) every tile prefetches this many
/// elements (2 KiB) ahead along the packed stream: weights are cold in a
/// model, and the hardware prefetcher alone left resnet18's 512x49x4608
/// layers twice as slow packed as row-major with kPrefetchElements.
/// Measured 256-2048 alike; with it, regnet_x_400mf 8.5 -> 7.7 ms,
/// mobilenet_v2 5.57 -> 5.35, efficientnet_b0 11.7 -> 11.3.
constexpr int64_t kPrefetchPacked = 512;
/// A B read in place is prefetched a tile ahead from this size on (half an
/// L2: smaller ones stay in cache between their producer and the GEMM).
constexpr int64_t kPrefetchBBytes = 512 * 1024;
/// Parallel iterations to aim for, so two to four threads get even shares.
constexpr int64_t kParallelIterations = 8;

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t roundUp(int64_t a, int64_t b) { return ceilDiv(a, b) * b; }

/// How C is cut up. A parallel iteration owns a group of row blocks and a
/// panel of N_c columns; inside it K runs in blocks of K_c, and per K block
/// every row block of the group walks every register block of the panel.
/// So B's K_c x N_c block is read from memory once per iteration and from
/// L2 by each row block, and A's row block (rows x K_c) from L1 by each
/// register block.
struct Blocking {
  int64_t kc, kBlocks;
  int64_t nc, colPanels;
  int64_t groupBlocks, rowGroups;
  /// Split by columns only: iteration p of the P = colPanels takes units
  /// [p*U/P, (p+1)*U/P) of C's U register tiles (the ragged columns one
  /// more, or riding along with the last full tile) instead of a panel of
  /// N_c (see GemmEmitter::emitTileRun).
  bool tileRuns = false;

  /// Columns of the first panels and of the last of C's `n` (tile runs:
  /// all of them, whose ragged end the last iteration takes).
  int64_t panelColumns(int64_t n) const { return std::min(nc, n); }
  int64_t lastPanelColumns(int64_t n) const {
    return tileRuns ? n : n - (colPanels - 1) * nc;
  }
};

Blocking planBlocking(int64_t m, int64_t n, int64_t k, int64_t rows,
                      int64_t width, int64_t iterations, int64_t panelBytes) {
  Blocking p;
  int64_t kcMax = std::max<int64_t>(1, panelBytes / (width * 4));
  p.kBlocks = ceilDiv(k, kcMax);
  p.kc = ceilDiv(k, p.kBlocks);
  int64_t ncMax = std::max(width, kL2BlockBytes / (p.kc * 4) / width * width);
  p.nc = std::min(ncMax, roundUp(n, width));
  p.colPanels = ceilDiv(n, p.nc);
  int64_t rowBlocks = ceilDiv(m, rows);
  if (iterations > 1 && n >= m && ceilDiv(n, width) >= iterations) {
    // C wider than tall (activations outweigh weights): the iterations
    // split the columns, so a thread reads all of A but only its columns
    // of B. Split by rows, every thread read all of B, half of it written
    // by the other core in the layer before, which on two cores cost more
    // than reading A twice (2 threads: resnet18 14.07 -> 13.58 ms,
    // repvgg_a0 11.79 -> 11.38, mnasnet1_0 3.62 -> 3.50, efficientnet_b0
    // 6.34 -> 6.15).
    // The iterations share the tiles out evenly: panels of N_c left the
    // last short (3136 columns: 7 x 432 + 112, two threads 1728 and 1408;
    // 2 threads: efficientnet_b0 4.54 -> 4.46 ms, mobilenet_v2 2.75 ->
    // 2.71, resnet18 11.02 -> 10.90).
    p.tileRuns = true;
    p.colPanels = std::min(iterations, ceilDiv(n, width));
    p.nc = n;
    p.rowGroups = 1;
    p.groupBlocks = rowBlocks;
    return p;
  }
  p.rowGroups = std::min(rowBlocks, ceilDiv(iterations, p.colPanels));
  if (p.rowGroups * p.colPanels < iterations) {
    // Too few row blocks to share out: narrower panels.
    int64_t panels =
        std::min(ceilDiv(n, width), ceilDiv(iterations, p.rowGroups));
    p.nc = roundUp(ceilDiv(n, panels), width);
    p.colPanels = ceilDiv(n, p.nc);
    // A last panel of a column or two (49 = 48 + 1) costs a tile per row
    // block; in the panel before, the columns ride along (extraColumns).
    if (p.colPanels > 1 && n - (p.colPanels - 1) * p.nc <= kMaxExtraColumns) {
      --p.colPanels;
      if (p.colPanels == 1)
        p.nc = n;
    }
  }
  p.groupBlocks = ceilDiv(rowBlocks, p.rowGroups);
  p.rowGroups = ceilDiv(rowBlocks, p.groupBlocks);
  return p;
}

/// The row groups [first, end) a parallel iteration (or a thread's run of
/// them) covers.
struct Groups {
  Value first, end;
};

/// The K range a tile accumulates and whether it is the first (start from
/// the bias) or last (apply the epilogue) of K's blocks; null flags mean a
/// single block, both at once.
struct KRange {
  Value begin, end;
  Value first, last;
};

/// B read from an image instead of a matrix (lwcc-cpu-conv-to-gemm's
/// implicit products): for kk = (c, ky, kx) of a [C, KH, KW] window, row kk
/// of B starts at `start(c, ky, kx)` of the image and runs along its last
/// dimension.
struct ImageRows {
  AffineMap start;
  int64_t taps = 1, kw = 1;
};

class GemmEmitter {
public:
  GemmEmitter(OpBuilder &b, Location loc, Value a, Value bMat, Value c,
              bool batched, const VectorTarget &target)
      : b(b), loc(loc), a(a), bMat(bMat), c(c), batched(batched),
        target(target) {
    ArrayRef<int64_t> cShape = llvm::cast<MemRefType>(c.getType()).getShape();
    m = cShape[cShape.size() - 2];
    n = cShape.back();
    k = llvm::cast<MemRefType>(a.getType()).getShape().back();
    tuning = tuningFor(target, m, n);
    block = tuning.block;
    maskTail = target.lanes >= 16;
  }

  /// Sizes the register block as for C [M, `columns`]: a band of a wider
  /// GEMM must read A packed for the whole (lwcc-cpu-pack-weights).
  void tuneAs(int64_t columns) {
    tuning = tuningFor(target, m, columns);
    block = tuning.block;
  }

  /// Emits the GEMM on the calling thread only (the caller's loop is the
  /// parallel one).
  void emitSerial() { emitMatrix(Value(), /*parallel=*/false); }

  void emit() {
    if (!batched)
      return emitMatrix(Value(), /*parallel=*/true);
    int64_t batches = llvm::cast<MemRefType>(c.getType()).getDimSize(0);
    scf::ForOp loop =
        buildLoop(b, loc, 0, batches, 1, {}, [&](Value batch, ValueRange) {
          if (packedBatches)
            selectPackedBatch(batch);
          emitMatrix(batch, /*parallel=*/false);
          return SmallVector<Value>();
        });
    markParallel(loop);
  }

private:
  /// Points packedA at `batch`'s packed A, a [K blocks, ceil(M/R), K_c, R]
  /// view of packedBatches, and packedFlat at the same elements flattened.
  void selectPackedBatch(Value batch) {
    auto type = llvm::cast<MemRefType>(packedBatches.getType());
    ArrayRef<int64_t> shape = type.getShape();
    SmallVector<OpFoldResult> offsets(shape.size(), b.getIndexAttr(0));
    offsets[0] = batch;
    SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1)};
    for (int64_t size : shape.drop_front())
      sizes.push_back(b.getIndexAttr(size));
    SmallVector<OpFoldResult> strides(shape.size(), b.getIndexAttr(1));
    auto viewType = memref::SubViewOp::inferRankReducedResultType(
        shape.drop_front(), type, offsets, sizes, strides);
    packedA = memref::SubViewOp::create(b, loc, viewType, packedBatches,
                                        offsets, sizes, strides);
    packedFlat = memref::CollapseShapeOp::create(
        b, loc, packedA, ArrayRef<ReassociationIndices>{{0, 1, 2, 3}});
  }

  /// Whether to pack B: where the target's tuning asks for it, once
  /// several row blocks read each tile and B's rows are long (512x49x4608,
  /// rows of 196 bytes, got slower packed: 1.58 -> 1.71 ms).
  /// A grouped conv's B (one group's rows of the im2col) only pays for its
  /// packing with three row blocks or more: regnet_x_400mf's groups of 16
  /// channels (two blocks) ran 2x16x3136x144 in 0.293 ms packed, 0.252 in
  /// place, 10x16x196x144 0.066 and 0.050 (the model 5.70 -> 5.48 ms).
  /// A plain GEMM's pays for it with eight row blocks or more; with fewer
  /// the tile is too short-lived (1 thread, in place vs packed: 16x12544x32
  /// 0.120 vs 0.146 ms, 24x3136x144 0.188 vs 0.230, 32x12544x32 0.244 vs
  /// 0.267, 48x12544x32 0.366 vs 0.386; 64x12544x32 0.50 either way).
  /// Scaled rows (a squeeze-excite gate) are the exception: packing scales
  /// each B vector once, not once per block.
  bool packB(const Blocking &plan) const {
    if (image)
      return true; // the micro-kernel addresses B as a matrix
    if (!tuning.packLongRows || n * 4 < kPackRowBytes)
      return false;
    if (batched)
      return plan.groupBlocks >= 3;
    // A thread running several groups packs a tile once for all of them,
    // so a plain GEMM counts its row blocks in all.
    return plan.groupBlocks >= 2 && (rowScale || ceilDiv(m, block.rows) >= 8);
  }

  /// Whether a tile read B in place prefetches the rows of the tile to its
  /// right: B's K rows are as many streams, too many for the hardware
  /// prefetcher once B comes from L3 or memory (AVX-512, where the GEMM
  /// reads B in place below eight row blocks: regnet_x_400mf's 32x12544x32
  /// 0.357-0.369 -> 0.313-0.319 ms, 1 thread, in the model).
  bool prefetchB(Value packedB) const {
    return !packedB && !bTiles && !image && tuning.packLongRows &&
           n > block.vectors * target.lanes && k * n * 4 >= kPrefetchBBytes;
  }

  SmallVector<Value, 3> at(Value batch, Value row, Value col) {
    if (batched)
      return {batch, row, col};
    return {row, col};
  }

  /// Where B[kk, col] is in bTiles: tile col / W, row kk, lane col % W.
  SmallVector<Value, 1> tileIndex(Value kk, Value col) {
    Value width = indexConstant(b, loc, tileColumns);
    Value tile = arith::DivUIOp::create(b, loc, col, width);
    Value lane = arith::RemUIOp::create(b, loc, col, width);
    Value row = arith::AddIOp::create(b, loc, scaled(tile, k), kk);
    return {arith::AddIOp::create(b, loc, scaled(row, tileColumns), lane)};
  }

  /// Where B[kk, col] is in bMat.
  SmallVector<Value, 3> bIndex(Value batch, Value kk, Value col) {
    if (!image)
      return at(batch, kk, col);
    Value taps = indexConstant(b, loc, image->taps),
          kw = indexConstant(b, loc, image->kw);
    Value tap = arith::RemUIOp::create(b, loc, kk, taps);
    SmallVector<Value, 3> window = {arith::DivUIOp::create(b, loc, kk, taps),
                                    arith::DivUIOp::create(b, loc, tap, kw),
                                    arith::RemUIOp::create(b, loc, tap, kw)};
    SmallVector<Value, 3> index;
    for (unsigned i = 0; i < image->start.getNumResults(); ++i)
      index.push_back(affine::AffineApplyOp::create(
          b, loc, image->start.getSubMap({i}), window));
    index.back() = arith::AddIOp::create(b, loc, index.back(), col);
    return index;
  }

  /// The columns [begin, end) past the last full register tile. With
  /// masked memory access (AVX-512) they take full vectors, the last one
  /// masked: 25 columns two vectors instead of three (16 + 8 + 1), which
  /// cost as many FMAs each as a full one.
  SmallVector<Chunk> tailChunks(int64_t begin, int64_t end) {
    SmallVector<Chunk> narrow = splitColumns(begin, end, target.lanes);
    if (!maskTail || ceilDiv(end - begin, target.lanes) >=
                         static_cast<int64_t>(narrow.size()))
      return narrow;
    SmallVector<Chunk> chunks;
    for (int64_t at = begin; at < end; at += target.lanes)
      chunks.push_back(
          {at, std::min(target.lanes, end - at), end - at < target.lanes});
    return chunks;
  }

  VectorType vectorType(const Chunk &chunk) {
    return VectorType::get({chunk.masked ? target.lanes : chunk.width},
                           b.getF32Type());
  }

  /// The mask of a masked chunk's lanes inside C.
  Value laneMask(const Chunk &chunk) {
    auto type = VectorType::get({target.lanes}, b.getI1Type());
    SmallVector<bool> on(target.lanes, false);
    std::fill_n(on.begin(), chunk.width, true);
    return arith::ConstantOp::create(b, loc, type,
                                     DenseElementsAttr::get(type, on));
  }

  Value load(const Chunk &chunk, Value memref, ValueRange index) {
    VectorType type = vectorType(chunk);
    if (!chunk.masked)
      return vector::LoadOp::create(b, loc, type, memref, index);
    Value zero = arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, b.getF32FloatAttr(0)));
    return vector::MaskedLoadOp::create(b, loc, type, memref, index,
                                        laneMask(chunk), zero);
  }

  void store(const Chunk &chunk, Value value, Value memref, ValueRange index) {
    if (!chunk.masked) {
      vector::StoreOp::create(b, loc, value, memref, index);
      return;
    }
    vector::MaskedStoreOp::create(b, loc, memref, index, laneMask(chunk),
                                  value);
  }

  Value offset(Value base, int64_t delta) {
    if (delta == 0)
      return base;
    return arith::AddIOp::create(b, loc, base, indexConstant(b, loc, delta));
  }

  Value scaled(Value i, int64_t factor) {
    return arith::MulIOp::create(b, loc, i, indexConstant(b, loc, factor));
  }

  Value equals(Value i, int64_t value) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, i,
                                 indexConstant(b, loc, value));
  }

  /// Emits `then` where `condition` holds, `otherwise` elsewhere.
  void branch(Value condition, llvm::function_ref<void()> then,
              llvm::function_ref<void()> otherwise) {
    auto op = scf::IfOp::create(b, loc, condition, /*withElseRegion=*/true);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(op.thenBlock()->getTerminator());
    then();
    b.setInsertionPoint(op.elseBlock()->getTerminator());
    otherwise();
  }

  void emitMatrix(Value batch, bool parallel) {
    int64_t width = block.vectors * target.lanes;
    Blocking plan =
        planBlocking(m, n, k, block.rows, width,
                     parallel ? kParallelIterations : 1, tuning.l1PanelBytes);
    int64_t iterations = plan.rowGroups * plan.colPanels;
    scf::ForOp loop =
        buildLoop(b, loc, 0, iterations, 1, {}, [&](Value t, ValueRange) {
          // The packed tile lives on the stack of whichever thread runs
          // the iteration (lwcc-cpu-hoist-allocas moves it to the entry of
          // the function that runs the loop).
          if (packB(plan)) {
            packedB = memref::AllocaOp::create(
                b, loc, MemRefType::get({plan.kc, width}, b.getF32Type()),
                b.getI64IntegerAttr(64));
            int64_t columns =
                std::max(std::max(extraColumns(plan.panelColumns(n)),
                                  extraColumns(plan.lastPanelColumns(n))),
                         std::max(columnTile(plan.panelColumns(n)),
                                  columnTile(plan.lastPanelColumns(n))));
            if (columns)
              packedExtra = memref::AllocaOp::create(
                  b, loc, MemRefType::get({plan.kc, columns}, b.getF32Type()),
                  b.getI64IntegerAttr(64));
          }
          Value zero = indexConstant(b, loc, 0);
          Value group =
              plan.colPanels == 1 ? t
              : plan.rowGroups == 1
                  ? zero
                  : arith::DivUIOp::create(
                        b, loc, t, indexConstant(b, loc, plan.colPanels))
                        .getResult();
          Value panel =
              plan.colPanels == 1 ? zero
              : plan.rowGroups == 1
                  ? t
                  : arith::RemUIOp::create(
                        b, loc, t, indexConstant(b, loc, plan.colPanels))
                        .getResult();
          Value n0 = scaled(panel, plan.nc);
          // Split only by rows, a thread's run of iterations is one run of
          // row blocks: each tile of B is packed (or read from memory) once
          // per thread, not once per iteration (one thread: 192x224x1728
          // 0.91 -> 0.81 ms, 512x49x4608 1.60 -> 1.50).
          Groups groups = {group, plan.colPanels == 1 ? rangeEnd(b, loc, t, 1)
                                                      : offset(group, 1)};
          auto rowsFor = [&](const KRange &range) {
            if (plan.tileRuns)
              return emitTileRun(batch, plan, t, offset(t, 1), range);
            emitGroup(batch, plan, groups, panel, n0, range);
          };
          if (plan.kBlocks == 1) {
            rowsFor({zero, indexConstant(b, loc, k), Value(), Value()});
          } else {
            buildLoop(
                b, loc, 0, plan.kBlocks, 1, {}, [&](Value kb, ValueRange) {
                  Value begin = scaled(kb, plan.kc);
                  Value end = arith::MinUIOp::create(
                      b, loc, offset(begin, plan.kc), indexConstant(b, loc, k));
                  rowsFor({begin, end, equals(kb, 0),
                           equals(kb, plan.kBlocks - 1)});
                  return SmallVector<Value>();
                });
          }
          return SmallVector<Value>();
        });
    if (parallel && iterations > 1)
      markParallel(loop);
  }

  /// Iterations [first, end) of a column split (Blocking::tileRuns): their
  /// share of C's full register tiles, each over all row blocks, and in the
  /// last iteration the ragged columns.
  void emitTileRun(Value batch, const Blocking &plan, Value first, Value end,
                   const KRange &range) {
    int64_t width = block.vectors * target.lanes;
    // Units to share out: the full tiles, the last carrying the extra
    // columns, or the full tiles and the ragged columns as one more.
    int64_t units = extraColumns(n) ? n / width : ceilDiv(n, width);
    SmallVector<Chunk> full = fullTile();
    Value zero = indexConstant(b, loc, 0);
    Groups all = {zero, indexConstant(b, loc, 1)};
    Value panels = indexConstant(b, loc, plan.colPanels);
    auto boundary = [&](Value p) -> Value {
      return arith::DivUIOp::create(b, loc, scaled(p, units), panels);
    };
    Value from = boundary(first), to = boundary(end);
    auto tileLoop = [&](Value lower, Value upper) {
      buildLoop(b, loc, lower, upper, indexConstant(b, loc, 1), {},
                [&](Value j, ValueRange) {
                  Value column = scaled(j, width);
                  packTile(batch, column, full, range);
                  emitRows(batch, plan, all, column, full, range);
                  return SmallVector<Value>();
                });
    };
    if (n % width == 0)
      return tileLoop(from, to);
    branch(
        equals(end, plan.colPanels),
        [&] {
          // The last unit is the ragged end.
          tileLoop(from, offset(to, -1));
          emitRaggedColumns(batch, plan, all, zero, n, range);
        },
        [&] { tileLoop(from, to); });
  }

  /// The chunks of one full register tile.
  SmallVector<Chunk> fullTile() const {
    SmallVector<Chunk> full;
    for (int64_t v = 0; v < block.vectors; ++v)
      full.push_back({v * target.lanes, target.lanes});
    return full;
  }

  /// The end of `count` columns (from n0) that the loop over full register
  /// tiles leaves: the last full tile with the columns riding along
  /// (extraColumns), or the ragged columns as a tile of column accumulators
  /// (columnTile) or as strips of vectors.
  void emitRaggedColumns(Value batch, const Blocking &plan, Groups groups,
                         Value n0, int64_t count, const KRange &range) {
    int64_t width = block.vectors * target.lanes;
    int64_t fullCols = count / width * width;
    if (int64_t extra = extraColumns(count)) {
      Value column = offset(n0, fullCols - width);
      SmallVector<Chunk> full = fullTile();
      packTile(batch, column, full, range, extra);
      emitRows(batch, plan, groups, column, full, range, extra);
      return;
    }
    if (int64_t tail = columnTile(count)) {
      Value column = offset(n0, fullCols);
      packTile(batch, column, {}, range, tail);
      emitRows(batch, plan, groups, column, {}, range, tail);
      return;
    }
    for (const auto &strip :
         intoStrips(tailChunks(fullCols, count), block.vectors)) {
      packTile(batch, n0, strip, range);
      emitRows(batch, plan, groups, n0, strip, range);
    }
  }

  /// The columns of `panel` (starting at n0), one register tile wide at a
  /// time, each over every row block of `groups`: the K_c x NR tile of B
  /// stays in L1 while the row blocks walk it, and the group's rows of A
  /// (a few KiB) stay in L1 across tiles.
  void emitGroup(Value batch, const Blocking &plan, Groups groups, Value panel,
                 Value n0, const KRange &range) {
    int64_t width = block.vectors * target.lanes;
    SmallVector<Chunk> full = fullTile();
    auto columns = [&](int64_t count) {
      int64_t fullCols = count / width * width;
      int64_t loopCols = extraColumns(count) ? fullCols - width : fullCols;
      if (loopCols > 0)
        buildLoop(b, loc, 0, loopCols, width, {}, [&](Value j, ValueRange) {
          Value column = arith::AddIOp::create(b, loc, n0, j);
          packTile(batch, column, full, range);
          emitRows(batch, plan, groups, column, full, range);
          return SmallVector<Value>();
        });
      emitRaggedColumns(batch, plan, groups, n0, count, range);
    };
    int64_t lastCount = plan.lastPanelColumns(n);
    if (plan.colPanels == 1 || lastCount == plan.nc)
      return columns(plan.panelColumns(n));
    branch(
        equals(panel, plan.colPanels - 1), [&] { columns(lastCount); },
        [&] { columns(plan.nc); });
  }

  /// How many columns past the last full register tile of `count` ride
  /// along with it (0: none, they take tiles of their own). Each is one
  /// more accumulator holding a column of the block: a vector over its
  /// rows, multiplied per k by a vector of A's column (contiguous only in
  /// packed A) and a broadcast of B. A tile of its own for one column cost
  /// as many FMAs per row as a full one; riding along, one per block.
  int64_t extraColumns(int64_t count) const {
    int64_t width = block.vectors * target.lanes;
    int64_t tail = count % width;
    // The extra accumulators, A's column and B's broadcast need registers
    // beyond the block's: only with 32 of them, and a column in one.
    if (!packedA || target.registers < 32 || block.rows > target.lanes ||
        count < width || tail == 0 || tail > kMaxExtraColumns)
      return 0;
    return tail;
  }

  /// How many columns past the last full register tile of `count` run as a
  /// tile of their own made of column accumulators (as extraColumns): per
  /// k one FMA per column instead of one per row of a vector strip (4
  /// columns: 4 FMAs per k and block instead of 8). 512x196x512 (192 + 4
  /// columns) took 0.515 ms where 512x192x512 took 0.458.
  int64_t columnTile(int64_t count) const {
    int64_t width = block.vectors * target.lanes;
    int64_t tail = count % width;
    if (!packedA || target.registers < 32 || block.rows > target.lanes ||
        tail == 0 || tail >= block.rows || extraColumns(count))
      return 0;
    return tail;
  }

  /// Where B's row kk, columns `chunk` of `strip`, sit in the packed tile.
  SmallVector<Value, 2> packedIndex(Value kk, const KRange &range,
                                    ArrayRef<Chunk> strip, const Chunk &chunk) {
    return {arith::SubIOp::create(b, loc, kk, range.begin),
            indexConstant(b, loc, chunk.offset - strip[0].offset)};
  }

  /// Copies the K range of B's columns `strip` (from n0) into the packed
  /// tile, rows one after the other: the row blocks then read B from one
  /// contiguous run of memory instead of a K_c-row walk in steps of B's row
  /// length (a TLB miss a row when rows are pages apart, split loads when
  /// they are not vector-aligned).
  void packTile(Value batch, Value n0, ArrayRef<Chunk> strip,
                const KRange &range, int64_t extra = 0) {
    if (!packedB)
      return;
    int64_t stripEnd =
        strip.empty() ? 0 : strip.back().offset + strip.back().width;
    buildLoop(
        b, loc, range.begin, range.end, indexConstant(b, loc, 1), {},
        [&](Value kk, ValueRange) {
          // Where row kk starts once; each chunk is an offset from it.
          SmallVector<Value, 3> row = bIndex(batch, kk, n0);
          Value scale =
              rowScale
                  ? memref::LoadOp::create(b, loc, rowScale, kk).getResult()
                  : Value();
          for (const Chunk &chunk : strip) {
            SmallVector<Value, 3> at = row;
            at.back() = offset(row.back(), chunk.offset);
            // A masked chunk's lanes past C's end are packed as zeros.
            Value v = load(chunk, bMat, at);
            if (scale)
              v = arith::MulFOp::create(
                  b, loc, v,
                  vector::BroadcastOp::create(b, loc, v.getType(), scale));
            vector::StoreOp::create(b, loc, v, packedB,
                                    packedIndex(kk, range, strip, chunk));
          }
          for (int64_t j = 0; j < extra; ++j) {
            SmallVector<Value, 3> at = row;
            at.back() = offset(row.back(), stripEnd + j);
            Value v = memref::LoadOp::create(b, loc, bMat, at);
            if (scale)
              v = arith::MulFOp::create(b, loc, v, scale);
            memref::StoreOp::create(
                b, loc, v, packedExtra,
                {arith::SubIOp::create(b, loc, kk, range.begin),
                 indexConstant(b, loc, j)});
          }
          return SmallVector<Value>();
        });
  }

  /// The row blocks of `groups` over the columns `strip` (from n0): full
  /// register blocks, then the matrix's ragged rows in the last group.
  void emitRows(Value batch, const Blocking &plan, Groups groups, Value n0,
                ArrayRef<Chunk> strip, const KRange &range, int64_t extra = 0) {
    int64_t fullBlocks = m / block.rows;
    int64_t ragged = m % block.rows;
    auto blockLoop = [&](Value lower, Value upper) {
      if (!strip.empty() || 2 * block.rows > target.lanes) {
        buildLoop(b, loc, lower, upper, indexConstant(b, loc, 1), {},
                  [&](Value i, ValueRange) {
                    emitTile(batch, scaled(i, block.rows), block.rows, n0,
                             strip, range, extra);
                    return SmallVector<Value>();
                  });
        return;
      }
      // A tile of columns only (columnTile) takes two row blocks at a time:
      // its few accumulators, each a chain of dependent FMAs, would leave
      // the FMA units waiting on their latency.
      Value two = indexConstant(b, loc, 2);
      Value pairsEnd = arith::AddIOp::create(
          b, loc, lower,
          arith::MulIOp::create(
              b, loc,
              arith::DivUIOp::create(
                  b, loc, arith::SubIOp::create(b, loc, upper, lower), two),
              two));
      buildLoop(b, loc, lower, pairsEnd, two, {}, [&](Value i, ValueRange) {
        emitTile(batch, scaled(i, block.rows), 2 * block.rows, n0, strip, range,
                 extra);
        return SmallVector<Value>();
      });
      auto odd = scf::IfOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, pairsEnd,
                                upper));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(odd.thenBlock()->getTerminator());
      emitTile(batch, scaled(pairsEnd, block.rows), block.rows, n0, strip,
               range, extra);
    };
    Value raggedRow = indexConstant(b, loc, fullBlocks * block.rows);
    if (plan.rowGroups == 1) {
      if (fullBlocks > 0)
        blockLoop(indexConstant(b, loc, 0), indexConstant(b, loc, fullBlocks));
      if (ragged)
        emitTile(batch, raggedRow, ragged, n0, strip, range, extra);
      return;
    }
    // Groups share the full blocks evenly, group g taking [g*F/G,
    // (g+1)*F/G): ceil-sized groups left the last one short, and with two
    // threads on eight groups one thread 36 of regnet's 66 blocks.
    Value groupCount = indexConstant(b, loc, plan.rowGroups);
    auto boundary = [&](Value g) -> Value {
      return arith::DivUIOp::create(b, loc, scaled(g, fullBlocks), groupCount);
    };
    blockLoop(boundary(groups.first), boundary(groups.end));
    if (ragged) {
      auto last = scf::IfOp::create(b, loc, equals(groups.end, plan.rowGroups));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPoint(last.thenBlock()->getTerminator());
      emitTile(batch, raggedRow, ragged, n0, strip, range, extra);
    }
  }

  /// C[m0 .. m0+rows, n0 + strip] += A[m0 .., range] x B[range, n0 + strip],
  /// and the `extra` columns after the strip (extraColumns) as vectors over
  /// the block's rows.
  void emitTile(Value batch, Value m0, int64_t rows, Value n0,
                ArrayRef<Chunk> strip, const KRange &range, int64_t extra = 0) {
    Type f32 = b.getF32Type();
    SmallVector<Value> rowIdx, colIdx;
    SmallVector<VectorType> types;
    for (int64_t i = 0; i < rows; ++i)
      rowIdx.push_back(offset(m0, i));
    for (const Chunk &chunk : strip) {
      colIdx.push_back(offset(n0, chunk.offset));
      types.push_back(vectorType(chunk));
    }
    int64_t cols = strip.size();
    int64_t stripEnd =
        strip.empty() ? 0 : strip.back().offset + strip.back().width;
    SmallVector<Value> extraIdx;
    for (int64_t j = 0; j < extra; ++j)
      extraIdx.push_back(offset(n0, stripEnd + j));
    // A column of the tile: over the block's rows, or two blocks' (a tile
    // of columns only, see emitRows).
    int64_t columnRows = std::max(rows, block.rows);
    auto columnType = VectorType::get({columnRows}, f32);
    Value zero = extra ? arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0))
                             .getResult()
                       : Value();
    // Column j of the extras from `memref` (rows past the tile's are 0).
    auto gatherColumn = [&](Value memref, int64_t j) -> Value {
      SmallVector<Value> lanes(columnRows, zero);
      for (int64_t i = 0; i < rows; ++i)
        lanes[i] = memref::LoadOp::create(b, loc, memref,
                                          at(batch, rowIdx[i], extraIdx[j]));
      return vector::FromElementsOp::create(b, loc, columnType, lanes);
    };
    // The tile's K block and row block of packed A (m0 is a multiple of
    // the block's rows, the K range starts a K block).
    SmallVector<Value, 2> aTile;
    if (packedA)
      aTile = {arith::DivUIOp::create(b, loc, range.begin,
                                      indexConstant(b, loc, packedKc)),
               arith::DivUIOp::create(b, loc, m0,
                                      indexConstant(b, loc, block.rows))};
    auto loadC = [&] {
      SmallVector<Value> accs;
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j)
          accs.push_back(load(strip[j], c, at(batch, rowIdx[i], colIdx[j])));
      for (int64_t j = 0; j < extra; ++j)
        accs.push_back(gatherColumn(c, j));
      return accs;
    };
    auto fromBias = [&] {
      SmallVector<Value> accs;
      if (epilogue.bias && epilogue.biasOnLast) {
        for (int64_t i = 0; i < rows; ++i)
          for (int64_t j = 0; j < cols; ++j)
            accs.push_back(load(strip[j], epilogue.bias, {colIdx[j]}));
        for (int64_t j = 0; j < extra; ++j)
          accs.push_back(vector::BroadcastOp::create(
              b, loc, columnType,
              memref::LoadOp::create(b, loc, epilogue.bias, extraIdx[j])));
        return accs;
      }
      SmallVector<Value> column(columnRows, zero);
      for (int64_t i = 0; i < rows; ++i) {
        SmallVector<Value, 2> channel = {rowIdx[i]};
        if (batched)
          channel.insert(channel.begin(), batch);
        Value bias =
            epilogue.initial
                ? epilogue.initial
                : memref::LoadOp::create(b, loc, epilogue.bias, channel);
        for (int64_t j = 0; j < cols; ++j)
          accs.push_back(vector::BroadcastOp::create(b, loc, types[j], bias));
        column[i] = bias;
      }
      for (int64_t j = 0; j < extra; ++j)
        accs.push_back(
            vector::FromElementsOp::create(b, loc, columnType, column));
      return accs;
    };
    SmallVector<Value> accs;
    if (!epilogue.bias && !epilogue.initial) {
      accs = loadC();
    } else if (!range.first) {
      accs = fromBias();
    } else {
      SmallVector<Type> accTypes;
      for (int64_t i = 0; i < rows; ++i)
        accTypes.append(types.begin(), types.end());
      accTypes.append(extra, columnType);
      auto start = scf::IfOp::create(b, loc, accTypes, range.first,
                                     /*withElseRegion=*/true);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(start.thenBlock());
      scf::YieldOp::create(b, loc, fromBias());
      b.setInsertionPointToStart(start.elseBlock());
      scf::YieldOp::create(b, loc, loadC());
      accs = start.getResults();
    }
    // The lines of C the tile to the right will store, prefetched for
    // writing: the row blocks under one column tile store to all of C's M
    // rows, a short run each, too many streams for the hardware prefetcher,
    // and each store waited for its line (1 thread: mobilenet_v1's
    // 64x12544x32 0.72-0.74 -> 0.60-0.61 ms; min of 3-4 medians
    // mobilenet_v2 6.84 -> 6.57 ms, mnasnet1_0 6.92 -> 6.64,
    // efficientnet_b0 10.83 -> 10.56, 2 threads 6.19 -> 5.78; resnet18,
    // regnet_x_400mf unchanged).
    int64_t tileWidth = block.vectors * target.lanes;
    if (cols > 0 && n > tileWidth) {
      Value dest = epilogueResult ? epilogueResult : c;
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) {
          Value ahead =
              arith::MinUIOp::create(b, loc, offset(colIdx[j], tileWidth),
                                     indexConstant(b, loc, n - 1));
          memref::PrefetchOp::create(b, loc, dest, at(batch, rowIdx[i], ahead),
                                     /*isWrite=*/true, /*localityHint=*/3,
                                     /*isDataCache=*/true);
        }
    }
    scf::ForOp loop = buildLoop(
        b, loc, range.begin, range.end, indexConstant(b, loc, 1), accs,
        [&](Value kk, ValueRange iter) {
          SmallVector<Value> bRow, next;
          for (int64_t j = 0; j < cols; ++j)
            bRow.push_back(
                packedB ? vector::LoadOp::create(
                              b, loc, types[j], packedB,
                              packedIndex(kk, range, strip, strip[j]))
                : bTiles ? load(strip[j], bTiles, tileIndex(kk, colIdx[j]))
                         : load(strip[j], bMat, at(batch, kk, colIdx[j])));
          if (prefetchB(packedB))
            for (int64_t j = 0; j < cols; ++j) {
              Value ahead =
                  arith::MinUIOp::create(b, loc, offset(colIdx[j], tileWidth),
                                         indexConstant(b, loc, n - 1));
              memref::PrefetchOp::create(b, loc, bMat, at(batch, kk, ahead),
                                         /*isWrite=*/false, /*localityHint=*/3,
                                         /*isDataCache=*/true);
            }
          // Unpacked, B's row is scaled here (packed, it was as packed).
          Value rowScaleK =
              rowScale && !packedB
                  ? memref::LoadOp::create(b, loc, rowScale, kk).getResult()
                  : Value();
          if (rowScaleK)
            for (int64_t j = 0; j < cols; ++j)
              bRow[j] = arith::MulFOp::create(
                  b, loc, bRow[j],
                  vector::BroadcastOp::create(b, loc, types[j], rowScaleK));
          Value ahead;
          if (!packedA && n <= block.vectors * target.lanes)
            ahead =
                arith::MinUIOp::create(b, loc, offset(kk, kPrefetchElements),
                                       indexConstant(b, loc, k - 1));
          Value kLocal =
              packedA
                  ? arith::SubIOp::create(b, loc, kk, range.begin).getResult()
                  : Value();
          if (packedA) {
            // Packed A is one stream in reading order: prefetch along it.
            Value tile = arith::AddIOp::create(
                b, loc, scaled(aTile[0], packedRowBlocks), aTile[1]);
            Value at =
                arith::AddIOp::create(b, loc, scaled(tile, packedKc), kLocal);
            Value linear = arith::MinUIOp::create(
                b, loc, offset(scaled(at, block.rows), kPrefetchPacked),
                indexConstant(b, loc, packedElements - 1));
            memref::PrefetchOp::create(b, loc, packedFlat, {linear},
                                       /*isWrite=*/false, /*localityHint=*/3,
                                       /*isDataCache=*/true);
          }
          for (int64_t i = 0; i < rows && cols > 0; ++i) {
            if (ahead)
              memref::PrefetchOp::create(b, loc, a, at(batch, rowIdx[i], ahead),
                                         /*isWrite=*/false, /*localityHint=*/3,
                                         /*isDataCache=*/true);
            Value scalar =
                packedA ? memref::LoadOp::create(b, loc, packedA,
                                                 {aTile[0], aTile[1], kLocal,
                                                  indexConstant(b, loc, i)})
                        : memref::LoadOp::create(b, loc, a,
                                                 at(batch, rowIdx[i], kk));
            for (int64_t j = 0; j < cols; ++j) {
              Value splat =
                  vector::BroadcastOp::create(b, loc, types[j], scalar);
              next.push_back(vector::FMAOp::create(b, loc, splat, bRow[j],
                                                   iter[i * cols + j]));
            }
          }
          if (extra) {
            auto blockColumn = [&](int64_t blockOffset) -> Value {
              return vector::LoadOp::create(
                  b, loc, VectorType::get({block.rows}, f32), packedA,
                  ValueRange{aTile[0], offset(aTile[1], blockOffset), kLocal,
                             indexConstant(b, loc, 0)});
            };
            Value aColumn = blockColumn(0);
            if (columnRows > block.rows) {
              // Two row blocks' columns, one after the other.
              SmallVector<int64_t> lanes(columnRows);
              std::iota(lanes.begin(), lanes.end(), 0);
              aColumn = vector::ShuffleOp::create(b, loc, aColumn,
                                                  blockColumn(1), lanes);
            }
            for (int64_t j = 0; j < extra; ++j) {
              Value scalar =
                  packedB ? memref::LoadOp::create(
                                b, loc, packedExtra,
                                ValueRange{kLocal, indexConstant(b, loc, j)})
                          : memref::LoadOp::create(b, loc, bMat,
                                                   at(batch, kk, extraIdx[j]));
              if (rowScaleK)
                scalar = arith::MulFOp::create(b, loc, scalar, rowScaleK);
              Value splat =
                  vector::BroadcastOp::create(b, loc, columnType, scalar);
              next.push_back(vector::FMAOp::create(b, loc, aColumn, splat,
                                                   iter[rows * cols + j]));
            }
          }
          return next;
        });
    ValueRange sums = loop.getResults();
    // `value` with the epilogue applied if asked, and where it goes; the
    // epilogue's other inputs come from `loadInput`.
    auto finish =
        [&](Value value, bool withEpilogue,
            function_ref<Value(Value)> loadInput) -> std::pair<Value, Value> {
      if (!withEpilogue)
        return {value, c};
      SmallVector<Value> loaded;
      for (Value input : epilogueInputs)
        loaded.push_back(loadInput(input));
      return {applyEpilogueBody(b, loc, epilogue, value, loaded),
              epilogueResult ? epilogueResult : c};
    };
    // Row `row` of the tile, its vectors `sum(j)`, finished and stored.
    auto storeRow = [&](Value row, bool withEpilogue,
                        function_ref<Value(int64_t)> sum) {
      for (int64_t j = 0; j < cols; ++j) {
        auto [value, dest] = finish(sum(j), withEpilogue, [&](Value input) {
          return load(strip[j], input, at(batch, row, colIdx[j]));
        });
        store(strip[j], value, dest, at(batch, row, colIdx[j]));
      }
    };
    auto storeTile = [&](bool withEpilogue) {
      if (withEpilogue && rows > 1 && cols > 0 && expensiveEpilogue(epilogue)) {
        // A long epilogue (a SiLU's two dozen operations) on all the
        // tile's accumulators at once runs out of registers: LLVM
        // interleaves the chains and spills. Parked in a stack tile, the
        // sums are finished one row per iteration instead (16 -> 96
        // channels at 112x112 with SiLU, 1 thread: 0.76-0.84 -> 0.69-0.80
        // ms; the ReLU conv takes 0.40).
        Value parked = memref::AllocaOp::create(
            b, loc, MemRefType::get({rows, cols, target.lanes}, f32));
        auto slot = [&](Value i, int64_t j) -> SmallVector<Value> {
          return {i, indexConstant(b, loc, j), indexConstant(b, loc, 0)};
        };
        for (int64_t i = 0; i < rows; ++i)
          for (int64_t j = 0; j < cols; ++j)
            vector::StoreOp::create(b, loc, sums[i * cols + j], parked,
                                    slot(indexConstant(b, loc, i), j));
        buildLoop(b, loc, indexConstant(b, loc, 0), indexConstant(b, loc, rows),
                  indexConstant(b, loc, 1), {}, [&](Value i, ValueRange) {
                    storeRow(arith::AddIOp::create(b, loc, m0, i), true,
                             [&](int64_t j) -> Value {
                               return vector::LoadOp::create(
                                   b, loc, types[j], parked, slot(i, j));
                             });
                    return SmallVector<Value>();
                  });
      } else {
        for (int64_t i = 0; i < rows; ++i)
          storeRow(rowIdx[i], withEpilogue,
                   [&](int64_t j) { return sums[i * cols + j]; });
      }
      for (int64_t j = 0; j < extra; ++j) {
        auto [value, dest] =
            finish(sums[rows * cols + j], withEpilogue,
                   [&](Value input) { return gatherColumn(input, j); });
        for (int64_t i = 0; i < rows; ++i)
          memref::StoreOp::create(b, loc,
                                  vector::ExtractOp::create(b, loc, value, i),
                                  dest, at(batch, rowIdx[i], extraIdx[j]));
      }
    };
    // Partial sums of all but the last K block stay in C; only the last
    // applies the epilogue (the planner keeps C apart from the epilogue's
    // other buffers, or C is the result itself).
    if (!epilogue.consumer || !range.last)
      return storeTile(/*withEpilogue=*/true);
    branch(
        range.last, [&] { storeTile(true); }, [&] { storeTile(false); });
  }

public:
  void setImage(const ImageRows &rows) { image = rows; }

  /// Scales B's row k by `scale`[k]: as it is packed, or, unpacked, per k
  /// in the micro-kernel (one multiply per vector of B; forcing the packing
  /// instead made mobilenet_v3's projections, 2 row blocks per tile, 44%
  /// slower).
  void setRowScale(Value scale) { rowScale = scale; }

  /// Reads A from `packed` [K blocks, ceil(M/R), K_c, R]
  /// (lwcc-cpu-pack-weights).
  void setPackedA(Value packed, Value flat, int64_t kc, int64_t rowBlocks,
                  int64_t elements) {
    packedA = packed;
    packedFlat = flat;
    packedKc = kc;
    packedRowBlocks = rowBlocks;
    packedElements = elements;
  }

  /// Reads each batch's A from `packed` [B, K blocks, ceil(M/R), K_c, R]
  /// (lwcc-cpu-pack-weights), `elements` per batch.
  void setPackedBatches(Value packed, int64_t kc, int64_t rowBlocks,
                        int64_t elements) {
    packedBatches = packed;
    setPackedA(Value(), Value(), kc, rowBlocks, elements);
  }

  /// Reads B from `flat`, B [K, N] laid out [ceil(N/W), K, W] and flattened
  /// (lwcc-cpu-pack-weights, packedTileColumns).
  void setPackedTiles(Value flat, int64_t width) {
    bTiles = flat;
    tileColumns = width;
  }

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
  /// B in column tiles, and their width (setPackedTiles).
  Value bTiles;
  int64_t tileColumns = 0;
  bool batched;
  const VectorTarget &target;
  Tuning tuning;
  BlockShape block;
  /// Whether C's ragged columns take masked full vectors (AVX-512) rather
  /// than narrower ones.
  bool maskTail = false;
  int64_t m = 0, n = 0, k = 0;
  Epilogue epilogue;
  SmallVector<Value> epilogueInputs;
  Value epilogueResult;
  /// The current iteration's packed tile of B, if B is packed, and the
  /// columns riding along with its last tile (extraColumns).
  Value packedB, packedExtra;
  std::optional<ImageRows> image;
  Value rowScale;
  Value packedA, packedFlat;
  /// Batched: every batch's packed A (setPackedBatches).
  Value packedBatches;
  int64_t packedKc = 0, packedRowBlocks = 0, packedElements = 0;
};

bool hasDefaultMaps(linalg::LinalgOp op) {
  if (auto matmul = llvm::dyn_cast<linalg::MatmulOp>(op.getOperation()))
    return linalg::MatmulOp::isDefaultIndexingMaps(matmul.getIndexingMaps());
  if (auto batch = llvm::dyn_cast<linalg::BatchMatmulOp>(op.getOperation()))
    return linalg::BatchMatmulOp::isDefaultIndexingMaps(
        batch.getIndexingMaps());
  return false;
}

/// Whether `op` is a linalg.matmul reading A transposed: A [K, M],
/// B [K, N], C [M, N] (lwcc-cpu-choose-layout's channels-last pointwise
/// conv reading an NCHW image as its A [H*W, C]).
bool readsATransposed(linalg::LinalgOp op) {
  auto matmul = llvm::dyn_cast<linalg::MatmulOp>(op.getOperation());
  if (!matmul)
    return false;
  MLIRContext *ctx = op.getContext();
  AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
             k = getAffineDimExpr(2, ctx);
  SmallVector<AffineMap> expected = {AffineMap::get(3, 0, {k, m}, ctx),
                                     AffineMap::get(3, 0, {k, n}, ctx),
                                     AffineMap::get(3, 0, {m, n}, ctx)};
  return matmul.getIndexingMapsArray() == expected;
}

/// The addends of `expr`'s top-level sum.
void addends(AffineExpr expr, SmallVectorImpl<AffineExpr> &terms) {
  auto binary = llvm::dyn_cast<AffineBinaryOpExpr>(expr);
  if (binary && binary.getKind() == AffineExprKind::Add) {
    addends(binary.getLHS(), terms);
    addends(binary.getRHS(), terms);
    return;
  }
  terms.push_back(expr);
}

/// The implicit product of lwcc-cpu-conv-to-gemm: C[m, n] += W[m, c, ky, kx]
/// x image[f(c, ky, kx) + (0, ..., 0, n)], with loops (m, n, c, ky, kx).
std::optional<ImageRows> matchImageProduct(linalg::LinalgOp op) {
  auto generic = llvm::dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic || generic.getNumDpsInputs() != 2 ||
      generic.getNumDpsInits() != 1 || generic.getNumLoops() != 5 ||
      generic.getNumReductionLoops() != 3 ||
      generic.getIteratorTypesArray()[1] != utils::IteratorType::parallel)
    return std::nullopt;
  MLIRContext *ctx = op.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  if (maps[0] != AffineMap::get(5, 0, {d(0), d(2), d(3), d(4)}, ctx) ||
      maps[2] != AffineMap::get(5, 0, {d(0), d(1)}, ctx) ||
      maps[1].getNumResults() == 0)
    return std::nullopt;
  // Only the image's last index may move with n, and by exactly n.
  ArrayRef<AffineExpr> results = maps[1].getResults();
  for (AffineExpr result : results.drop_back())
    if (result.isFunctionOfDim(0) || result.isFunctionOfDim(1))
      return std::nullopt;
  SmallVector<AffineExpr> terms;
  addends(results.back(), terms);
  if (llvm::count(terms, d(1)) != 1 ||
      llvm::any_of(terms, [&](AffineExpr term) {
        return term != d(1) &&
               (term.isFunctionOfDim(0) || term.isFunctionOfDim(1));
      }))
    return std::nullopt;
  if (!isMultiplyAccumulate(generic.getRegion().front()))
    return std::nullopt;
  ArrayRef<int64_t> w =
      llvm::cast<MemRefType>(op.getDpsInputs()[0].getType()).getShape();
  AffineExpr zero = getAffineConstantExpr(0, ctx);
  ImageRows rows;
  rows.start =
      maps[1].replaceDimsAndSymbols({zero, zero, d(0), d(1), d(2)}, {}, 3, 0);
  rows.taps = w[2] * w[3];
  rows.kw = w[3];
  return rows;
}

/// lwcc-cpu-fuse-elementwise's GEMM whose B rows are scaled (a
/// squeeze-excite gate): C[m, n] += A[m, k] * (s[k] * B[k, n]), inputs A,
/// s, B, loops (m, n, k).
bool isScaledProduct(linalg::LinalgOp op) {
  auto generic = llvm::dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic || generic.getNumDpsInputs() != 3 ||
      generic.getNumDpsInits() != 1 || generic.getNumLoops() != 3 ||
      generic.getNumReductionLoops() != 1 ||
      generic.getIteratorTypesArray()[2] != utils::IteratorType::reduction)
    return false;
  MLIRContext *ctx = op.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineMap> expected = {AffineMap::get(3, 0, {d(0), d(2)}, ctx),
                                     AffineMap::get(3, 0, {d(2)}, ctx),
                                     AffineMap::get(3, 0, {d(2), d(1)}, ctx),
                                     AffineMap::get(3, 0, {d(0), d(1)}, ctx)};
  if (generic.getIndexingMapsArray() != expected)
    return false;
  Block &body = generic.getRegion().front();
  if (body.getOperations().size() != 4)
    return false;
  auto add = body.getTerminator()->getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value out = body.getArgument(3);
  Value product = add.getLhs() == out ? add.getRhs() : add.getLhs();
  if (add.getLhs() != out && add.getRhs() != out)
    return false;
  auto outer = product.getDefiningOp<arith::MulFOp>();
  if (!outer)
    return false;
  Value a = body.getArgument(0);
  Value scaled = outer.getLhs() == a ? outer.getRhs() : outer.getLhs();
  return (outer.getLhs() == a || outer.getRhs() == a) &&
         isProductOf(scaled, body.getArgument(1), body.getArgument(2));
}

/// Points `emitter` at `op`'s A as lwcc-cpu-pack-weights packed it for C
/// with `columns` columns, if it did (the global created at `b`'s point).
void usePackedA(OpBuilder &b, linalg::LinalgOp op, Value a, bool batched,
                int64_t columns, const VectorTarget &target,
                GemmEmitter &emitter) {
  auto symbol = op->getAttrOfType<FlatSymbolRefAttr>(kPackedWeightsAttr);
  if (!symbol)
    return;
  ArrayRef<int64_t> aShape = llvm::cast<MemRefType>(a.getType()).getShape();
  int64_t lead = batched ? 1 : 0;
  PackedWeightsLayout layout =
      packedWeightsLayout(target, aShape[lead], columns, aShape[lead + 1]);
  SmallVector<int64_t, 5> shape = layout.shape();
  if (batched)
    shape.insert(shape.begin(), aShape[0]);
  Value packed = memref::GetGlobalOp::create(
      b, op.getLoc(), MemRefType::get(shape, b.getF32Type()),
      symbol.getValue());
  int64_t elements =
      layout.kBlocks * layout.rowBlocks * layout.kc * layout.rows;
  if (batched) {
    emitter.setPackedBatches(packed, layout.kc, layout.rowBlocks, elements);
    return;
  }
  Value flat = memref::CollapseShapeOp::create(
      b, op.getLoc(), packed, ArrayRef<ReassociationIndices>{{0, 1, 2, 3}});
  emitter.setPackedA(packed, flat, layout.kc, layout.rowBlocks, elements);
}

} // namespace

PackedWeightsLayout packedWeightsLayout(const VectorTarget &target, int64_t m,
                                        int64_t n, int64_t k) {
  Tuning tuning = tuningFor(target, m, n);
  Blocking plan = planBlocking(m, n, k, tuning.block.rows,
                               tuning.block.vectors * target.lanes,
                               kParallelIterations, tuning.l1PanelBytes);
  return {plan.kBlocks, ceilDiv(m, tuning.block.rows), plan.kc,
          tuning.block.rows};
}

int64_t packedTileColumns(const VectorTarget &target, int64_t m, int64_t n) {
  Tuning tuning = tuningFor(target, m, n);
  int64_t width = tuning.block.vectors * target.lanes;
  if (m > tuning.block.rows || n < 2 * width)
    return 0;
  return width;
}

bool isPackableBatchGemm(linalg::LinalgOp op) {
  return llvm::isa<linalg::BatchMatmulOp>(op.getOperation()) &&
         hasDefaultMaps(op);
}

bool isPackableGemm(linalg::LinalgOp op) {
  return (llvm::isa<linalg::MatmulOp>(op.getOperation()) &&
          hasDefaultMaps(op)) ||
         matchImageProduct(op).has_value() || isScaledProduct(op);
}

LogicalResult emitGemmKernel(RewriterBase &rewriter, linalg::LinalgOp op,
                             const VectorTarget &target) {
  if (!op.hasPureBufferSemantics())
    return failure();
  std::optional<ImageRows> image = matchImageProduct(op);
  bool scaled = isScaledProduct(op);
  bool transposedA = readsATransposed(op);
  if (!image && !scaled && !transposedA && !hasDefaultMaps(op))
    return failure();
  Value a = op.getDpsInputs()[0], bMat = op.getDpsInputs()[scaled ? 2 : 1],
        c = op.getDpsInits()[0];
  Value rowScale = scaled ? op.getDpsInputs()[1] : Value();
  if (!isVectorAddressable(a) || !isVectorAddressable(bMat) ||
      !isVectorAddressable(c) || (rowScale && !isVectorAddressable(rowScale)))
    return failure();
  if (transposedA) {
    // Unpacked, A is read one scalar at a time (broadcast along C's row):
    // a strided view [M, K] of A reads it in place.
    rewriter.setInsertionPoint(op);
    a = memref::TransposeOp::create(
        rewriter, op.getLoc(), a,
        AffineMapAttr::get(AffineMap::getPermutationMap(
            ArrayRef<unsigned>{1, 0}, op.getContext())));
  }
  if (image) {
    // The filter [M, C, KH, KW] as A [M, C*KH*KW].
    SmallVector<ReassociationIndices> window = {{0}, {1, 2, 3}};
    if (!memref::CollapseShapeOp::isGuaranteedCollapsible(
            llvm::cast<MemRefType>(a.getType()), window))
      return failure();
    rewriter.setInsertionPoint(op);
    a = memref::CollapseShapeOp::create(rewriter, op.getLoc(), a, window);
  }
  bool batched = llvm::isa<linalg::BatchMatmulOp>(op.getOperation());
  GemmEmitter emitter(rewriter, op.getLoc(), a, bMat, c, batched, target);
  if (image)
    emitter.setImage(*image);
  if (rowScale)
    emitter.setRowScale(rowScale);
  rewriter.setInsertionPoint(op);
  usePackedA(rewriter, op, a, batched,
             llvm::cast<MemRefType>(c.getType()).getShape().back(), target,
             emitter);
  if (auto symbol = op->getAttrOfType<FlatSymbolRefAttr>(kPackedTilesAttr);
      symbol && !batched && !image && !rowScale) {
    ArrayRef<int64_t> bShape =
        llvm::cast<MemRefType>(bMat.getType()).getShape();
    int64_t m = llvm::cast<MemRefType>(c.getType()).getShape()[0];
    if (int64_t width = packedTileColumns(target, m, bShape[1])) {
      // The global's type names the width it was packed for: a mismatch
      // fails verification rather than reading the wrong columns.
      rewriter.setInsertionPoint(op);
      Value tiles = memref::GetGlobalOp::create(
          rewriter, op.getLoc(),
          MemRefType::get({ceilDiv(bShape[1], width), bShape[0], width},
                          rewriter.getF32Type()),
          symbol.getValue());
      Value flat = memref::CollapseShapeOp::create(
          rewriter, op.getLoc(), tiles,
          ArrayRef<ReassociationIndices>{{0, 1, 2}});
      emitter.setPackedTiles(flat, width);
    }
  }
  // The epilogue sees C as the conv's 4-D output (5-D for a grouped conv);
  // the kernel indexes the same bytes as C's 2-D (3-D) view.
  Epilogue epilogue;
  {
    Value out = c;
    SmallVector<ReassociationIndices> reassociation;
    if (auto collapse = c.getDefiningOp<memref::CollapseShapeOp>()) {
      out = collapse.getSrc();
      reassociation = collapse.getReassociationIndices();
    }
    SmallVector<Value, 3> reads = {a, bMat};
    if (rowScale)
      reads.push_back(rowScale);
    // A channels-last [1, H, W, M] output viewed as [H*W, M]: the bias runs
    // along C's columns.
    auto outType = llvm::cast<MemRefType>(out.getType());
    bool biasOnColumns =
        !batched && outType.getRank() == 4 && outType.getDimSize(0) == 1 &&
        reassociation == SmallVector<ReassociationIndices>{{0, 1, 2}, {3}};
    epilogue = matchEpilogue(op, out, reads, biasOnColumns);
    // Otherwise it runs along the channels of the output: C's rows only for
    // a batch-1 [1, M, H, W] output viewed as [M, H*W], or a grouped conv's
    // [1, G, M, H, W] viewed as [G, M, H*W].
    ReassociationIndices batchAndRows = {0, 1};
    bool biasOnRows =
        reassociation.size() == (batched ? 3u : 2u) &&
        reassociation[0] == batchAndRows &&
        (!batched || reassociation[1] == ReassociationIndices{2}) &&
        outType.getDimSize(0) == 1;
    if (epilogue.bias &&
        (!(biasOnRows || biasOnColumns) ||
         llvm::cast<MemRefType>(epilogue.bias.getType()).getRank() !=
             (batched ? 2 : 1))) {
      epilogue.bias = Value();
      epilogue.absorbed.erase(epilogue.absorbed.begin());
    }
    rewriter.setInsertionPoint(op);
    auto asMatrix = [&](Value value) -> Value {
      if (reassociation.empty())
        return value;
      return memref::CollapseShapeOp::create(rewriter, op.getLoc(), value,
                                             reassociation);
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

void emitGemmBand(OpBuilder &b, linalg::MatmulOp op, int64_t columns,
                  Value bBand, Value cBand, const Epilogue &epilogue,
                  ArrayRef<Value> epilogueInputs, Value epilogueResult,
                  const VectorTarget &target) {
  Value a = op.getDpsInputs()[0];
  GemmEmitter emitter(b, op.getLoc(), a, bBand, cBand, /*batched=*/false,
                      target);
  emitter.tuneAs(columns);
  usePackedA(b, op, a, /*batched=*/false, columns, target, emitter);
  emitter.setEpilogue(epilogue, epilogueInputs, epilogueResult);
  emitter.emitSerial();
}

} // namespace lwcc::cpu
