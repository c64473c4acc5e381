//===- ColumnBandKernel.cpp - an im2col and its GEMM in bands of rows -----===//
//
// A convolution lowered to an im2col copy and a GEMM (lwcc-cpu-conv-to-gemm)
// writes its column matrix [C*KH*KW, OH*OW] to memory and reads it back:
// KH*KW / (sy*sx) times the input, 1.35 MB for a 224x224 RGB stem, 5.4 MB
// for RepVGG-A0's 48 -> 48 channel stride-2 conv at 56x56. Here both run as
// one loop over bands of output rows, split across threads: per band the
// window kernel copies the band's columns into a stack buffer and the GEMM
// kernel computes the band's output columns from it, so the column matrix
// stays in L1/L2 between its write and its read.
//
// Bands are uniform (their rows divide OH); a band whose windows reach past
// the image (the first, and the last for a padded conv) is emitted with its
// own static offsets, the others share a body with a dynamic offset.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace lwcc::cpu {
namespace {

/// A band's GEMM is at least this many columns wide: RepVGG-A0's 48 ->
/// 48 channel stride-2 conv (rows of 56) took 1.61-1.65 ms in bands of
/// one row, 1.36-1.48 in bands of two (1 thread, the unbanded 1.65-1.70).
constexpr int64_t kMinBandColumns = 96;
/// The column matrix of one band, at most (bytes): half an L2.
constexpr int64_t kMaxBandBytes = 512 * 1024;
/// Bands grow (fewer, each reusing A longer) while their columns stay
/// under this many bytes.
constexpr int64_t kGrowBandBytes = 128 * 1024;
/// Edge bands are emitted one by one: keep the code small.
constexpr size_t kMaxEdgeBands = 4;

/// Whether an op between the im2col and the GEMM leaves the image as it
/// is: the band loop reads it at the GEMM's place.
bool writesNothing(Operation *op) {
  // lwcc-cpu-profile's clock reads and records.
  if (auto call = llvm::dyn_cast<func::CallOp>(op))
    return call.getCallee().starts_with("lwcc_internal_");
  auto effects = llvm::dyn_cast<MemoryEffectOpInterface>(op);
  return effects && !effects.hasEffect<MemoryEffects::Write>() &&
         !effects.hasEffect<MemoryEffects::Free>();
}

class ColumnBandEmitter {
public:
  explicit ColumnBandEmitter(const VectorTarget &target) : target(target) {}

  /// Matches `gemm` reading an im2col's column matrix as its B, and plans
  /// the bands; on success emit() will not fail.
  LogicalResult plan(linalg::MatmulOp gemm) {
    this->gemm = gemm;
    if (!gemm.hasPureBufferSemantics())
      return failure();
    auto bView =
        gemm.getDpsInputs()[1].getDefiningOp<memref::CollapseShapeOp>();
    auto cView = gemm.getDpsInits()[0].getDefiningOp<memref::CollapseShapeOp>();
    if (!bView || !cView || !bView->hasOneUse())
      return failure();
    // Its own buffer (a view of the arena after lwcc-cpu-plan-arena).
    columns = bView.getSrc();
    if (!columns.getDefiningOp<memref::AllocOp>() &&
        !columns.getDefiningOp<memref::ViewOp>())
      return failure();
    for (Operation *user : columns.getUsers()) {
      if (user == bView)
        continue;
      auto generic = llvm::dyn_cast<linalg::GenericOp>(user);
      std::optional<Im2colWindow> match =
          generic ? matchIm2col(generic) : std::nullopt;
      if (!match || im2col || generic.getDpsInits()[0] != columns)
        return failure();
      im2col = generic;
      window = *match;
    }
    if (!im2col || im2col->getBlock() != gemm->getBlock() ||
        !im2col->isBeforeInBlock(gemm))
      return failure();
    for (Operation *op = im2col->getNextNode(); op != gemm;
         op = op->getNextNode())
      if (!writesNothing(op))
        return failure();
    // [C, KH, KW, OH, OW] as [C*KH*KW, OH*OW].
    if (bView.getReassociationIndices() !=
        SmallVector<ReassociationIndices>{{0, 1, 2}, {3, 4}})
      return failure();
    ArrayRef<int64_t> colShape =
        llvm::cast<MemRefType>(columns.getType()).getShape();
    depth = colShape[0] * colShape[1] * colShape[2];
    height = colShape[3];
    width = colShape[4];

    // The padding the window kernel supplies itself.
    read = readThroughPad(im2col.getDpsInputs()[0], im2col);
    image = read.image;
    auto imageType = llvm::dyn_cast<MemRefType>(image.getType());
    if (!imageType || imageType.getRank() != 4 || !isVectorAddressable(image))
      return failure();
    bands.imageHeight = imageType.getDimSize(2);
    bands.top = read.top;

    // The GEMM's output as the conv's [1, M, OH, OW].
    out = cView.getSrc();
    Value a = gemm.getDpsInputs()[0];
    if (!isVectorAddressable(a) ||
        cView.getReassociationIndices() !=
            SmallVector<ReassociationIndices>{{0, 1}, {2, 3}})
      return failure();
    ArrayRef<int64_t> outShape =
        llvm::cast<MemRefType>(out.getType()).getShape();
    if (outShape.size() != 4 || outShape[0] != 1 || outShape[2] != height ||
        outShape[3] != width)
      return failure();
    // Bands store their output rows while later bands still read the
    // image (the arena planner may have put the two together: the im2col
    // read the image whole before the GEMM wrote).
    if (mayShareBytes(out, image))
      return failure();

    // The image is still read while earlier bands' results are stored: the
    // consumer's result must not share bytes with it.
    Epilogue epilogue = matchEpilogue(gemm, out, {a, image});
    if (epilogue.bias &&
        llvm::cast<MemRefType>(epilogue.bias.getType()).getRank() != 1)
      return failure();
    if (failed(output.init(out, epilogue)))
      return failure();

    // The fewest rows (dividing OH, at least two bands) wide enough for the
    // GEMM, more while the band's columns stay small.
    auto bytes = [&](int64_t r) { return depth * r * width * 4; };
    int64_t rows = 0;
    for (int64_t r = 1; r <= height / 2; ++r) {
      if (height % r != 0)
        continue;
      if (rows == 0 && r * width >= kMinBandColumns)
        rows = r;
      else if (rows != 0 && bytes(r) <= kGrowBandBytes)
        rows = r;
    }
    if (rows == 0 || bytes(rows) > kMaxBandBytes ||
        !im2colBandFits(im2col, rows))
      return failure();
    bands.rows = rows;
    bands.stride = window.stride;
    bands.span =
        (rows - 1) * window.stride + (window.kh - 1) * window.dilation + 1;
    edgeBands = bands.edgeBands(height / rows);
    if (edgeBands.size() > kMaxEdgeBands)
      return failure();
    return success();
  }

  void emit(RewriterBase &rewriter) {
    Location loc = gemm.getLoc();
    rewriter.setInsertionPoint(gemm);
    OpBuilder &b = rewriter;
    ArrayRef<int64_t> colShape =
        llvm::cast<MemRefType>(columns.getType()).getShape();
    auto scratchType = MemRefType::get(
        {colShape[0], colShape[1], colShape[2], bands.rows, width},
        b.getF32Type());
    Value scratch;
    bands.emitLoop(
        b, loc, height / bands.rows, edgeBands,
        [&](Value) {
          scratch = memref::AllocaOp::create(b, loc, scratchType,
                                             b.getI64IntegerAttr(64));
        },
        [&](Value band, std::optional<int64_t> known) {
          emitBand(b, loc, band, known, scratch);
        });

    for (Operation *op : output.epilogue.absorbed)
      rewriter.eraseOp(op);
    Value bMatrix = gemm.getDpsInputs()[1], cMatrix = gemm.getDpsInits()[0];
    rewriter.eraseOp(gemm);
    eraseIfUnused(rewriter, bMatrix);
    eraseIfUnused(rewriter, cMatrix);
    rewriter.eraseOp(im2col);
    eraseIfUnused(rewriter, columns);
    if (read.keepAlive)
      eraseFoldedPad(rewriter, *read.pad, read.keepAlive);
  }

  linalg::GenericOp im2colOp() const { return im2col; }

private:
  /// One band: static where `known` gives its index.
  void emitBand(OpBuilder &b, Location loc, Value band,
                std::optional<int64_t> known, Value scratch) {
    // The window kernel supplies the rows above and below the image.
    RowBands::Input rowsIn = bands.input(b, loc, band, known);
    auto imageShape = llvm::cast<MemRefType>(image.getType()).getShape();
    Value input =
        planeRows(b, loc, image, rowsIn.first, rowsIn.count, imageShape);
    emitIm2colBand(b, im2col, input, rowsIn.top, read.left, scratch, target);

    Value bBand = memref::CollapseShapeOp::create(
        b, loc, scratch, SmallVector<ReassociationIndices>{{0, 1, 2}, {3, 4}});
    output.emitGemm(b, loc, gemm, bBand,
                    RowBands::offset(b, loc, band, known, bands.rows, 0),
                    bands.rows, target);
  }

  const VectorTarget &target;
  linalg::MatmulOp gemm;
  linalg::GenericOp im2col;
  Im2colWindow window;
  /// The im2col's output [C, KH, KW, OH, OW], and the conv's [1, M, OH, OW].
  Value columns, out;
  int64_t depth = 0, height = 0, width = 0;

  /// The image the im2col reads, through its implicit pad if it has one.
  PaddedRead read;
  Value image;

  BandedOutput output;
  RowBands bands;
  SmallVector<int64_t> edgeBands;
};

} // namespace

LogicalResult emitColumnBands(RewriterBase &rewriter, linalg::MatmulOp gemm,
                              const VectorTarget &target,
                              SmallVectorImpl<Operation *> &taken) {
  ColumnBandEmitter emitter(target);
  if (failed(emitter.plan(gemm)))
    return failure();
  taken.append({gemm, emitter.im2colOp()});
  emitter.emit(rewriter);
  return success();
}

} // namespace lwcc::cpu
