//===- BandKernel.cpp - a depthwise conv and its pointwise conv in bands --===//
//
// A depthwise conv D followed by a pointwise conv P (a GEMM reading D's
// output as B [C, H*W]) runs as one loop over bands of output rows, split
// across threads: per band, the window kernel writes D's rows into a
// scratch buffer on the stack ([1, C, rows, W], the band's B), and the GEMM
// kernel computes P's columns of those rows from it. D's output never goes
// to memory; the scratch stays in L1/L2 between its write and its read.
//
// Bands are uniform (their rows divide H); a band whose input rows reach
// past the image (the first and last, for a padded conv) is emitted with
// its own static offsets, the others share a body with a dynamic offset.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace lwcc::cpu {
namespace {

/// The only op other than `except` that uses `value`, if exactly one does.
Operation *onlyOtherUser(Value value, ArrayRef<Operation *> except) {
  Operation *found = nullptr;
  for (Operation *user : value.getUsers()) {
    if (llvm::is_contained(except, user))
      continue;
    if (found && found != user)
      return nullptr;
    found = user;
  }
  return found;
}

class BandEmitter {
public:
  BandEmitter(DepthwisePointwise pair, int64_t rows, const VectorTarget &target)
      : pair(pair), rows(rows), target(target) {}

  /// Checks the pair's pieces; on success emit() will not fail.
  LogicalResult plan() {
    auto dw = pair.dw;
    if (dw->hasAttr(kBandExpandAttr))
      expand = matchExpand(dw);
    if (expand) {
      // The depthwise input's rows come from the expansion, per band.
      image = expand->result;
      top = expand->pad.top;
      left = expand->pad.left;
    } else {
      PaddedRead read = readThroughPad(dw.getDpsInputs()[0], dw);
      pad = read.pad;
      keepAlive = read.keepAlive;
      image = read.image;
      top = read.top;
      left = read.left;
    }
    filter = dw.getDpsInputs()[1];
    Value dwOut = dw.getDpsInits()[0];
    if (!isVectorAddressable(image) || !isVectorAddressable(dwOut) ||
        !isVectorAddressable(filter) || !depthwiseBandFits(dw, rows))
      return failure();
    auto strides = dw.getStrides().getValues<int64_t>();
    auto dilations = dw.getDilations().getValues<int64_t>();
    stride = strides[0];
    dilation = dilations[0];
    ArrayRef<int64_t> out = llvm::cast<MemRefType>(dwOut.getType()).getShape();
    channels = out[1], height = out[2], width = out[3];
    ArrayRef<int64_t> in = llvm::cast<MemRefType>(image.getType()).getShape();
    imageHeight = in[2];
    kh = llvm::cast<MemRefType>(filter.getType()).getDimSize(1);
    if (rows <= 0 || height % rows != 0 || height / rows < 2)
      return failure();

    // D's bias (or fill) and activation become the window kernel's.
    dwEpilogue = matchEpilogue(dw, dwOut, {image, filter});
    if (pair.dwFill && !llvm::is_contained(dwEpilogue.absorbed, pair.dwFill))
      return failure();
    if (!pair.dwFill || (!dwEpilogue.bias && !dwEpilogue.initial))
      return failure();
    if (dwEpilogue.consumer != pair.dwConsumer ||
        (pair.dwConsumer && pair.dwConsumer.getNumDpsInputs() != 1))
      return failure();

    // P's bias and element-wise consumer become the GEMM's, on views of
    // the band's rows.
    auto pw = pair.pw;
    Value a = pw.getDpsInputs()[0];
    if (!isVectorAddressable(a))
      return failure();
    // The image (or the expansion's input) is still read while earlier
    // bands' results are stored: the consumer's result must not share
    // bytes with it either.
    SmallVector<Value, 4> reads = {a, pw.getDpsInputs()[1], image};
    if (expand)
      reads.push_back(expand->input);
    pwEpilogue = matchEpilogue(pw, pair.pwOut, reads);
    if (pwEpilogue.bias &&
        llvm::cast<MemRefType>(pwEpilogue.bias.getType()).getRank() != 1)
      return failure();
    if (failed(output.init(pair.pwOut, pwEpilogue)))
      return failure();

    span = (rows - 1) * stride + (kh - 1) * dilation + 1;
    bands = RowBands{rows, stride, span, top, imageHeight};
    edgeBands = bands.edgeBands(height / rows);
    // Each edge band is emitted on its own: keep the code small.
    if (edgeBands.size() > kMaxEdgeBands)
      return failure();
    return expand ? planExpand() : success();
  }

  /// The expansion's pieces: its bias and activation become the GEMM's,
  /// its input is read a band of rows at a time.
  LogicalResult planExpand() {
    linalg::MatmulOp gemm = expand->gemm;
    Value a = gemm.getDpsInputs()[0];
    expandInputShape = llvm::to_vector(
        llvm::cast<MemRefType>(expand->input.getType()).getShape());
    if (!isVectorAddressable(a) ||
        !hasContiguousPlaneRows(expand->input, expandInputShape))
      return failure();
    expandEpilogue =
        matchEpilogue(gemm, expand->out, {a, gemm.getDpsInputs()[1]});
    if (!llvm::is_contained(expandEpilogue.absorbed, expand->fill) ||
        (!expandEpilogue.bias && !expandEpilogue.initial) ||
        expandEpilogue.consumer != expand->consumer ||
        (expand->consumer && expand->consumer.getNumDpsInputs() != 1) ||
        (expandEpilogue.bias &&
         llvm::cast<MemRefType>(expandEpilogue.bias.getType()).getRank() != 1))
      return failure();
    ArrayRef<int64_t> shape =
        llvm::cast<MemRefType>(image.getType()).getShape();
    expandShape = {1, shape[1], span, shape[3]};
    return success();
  }

  void emit(RewriterBase &rewriter, SmallVectorImpl<Operation *> &taken) {
    taken.append({pair.dw, pair.pw});
    if (expand)
      taken.push_back(expand->gemm);
    Location loc = pair.pw.getLoc();
    rewriter.setInsertionPoint(pair.pw);
    OpBuilder &b = rewriter;
    Value scratch;
    bands.emitLoop(
        b, loc, height / rows, edgeBands,
        [&](Value) {
          scratch = memref::AllocaOp::create(
              b, loc,
              MemRefType::get({1, channels, rows, width}, b.getF32Type()),
              b.getI64IntegerAttr(64));
          if (expand)
            expandScratch = memref::AllocaOp::create(
                b, loc, MemRefType::get(expandShape, b.getF32Type()),
                b.getI64IntegerAttr(64));
        },
        [&](Value band, std::optional<int64_t> known) {
          emitBand(b, loc, band, known, scratch);
        });

    for (Operation *op : dwEpilogue.absorbed)
      rewriter.eraseOp(op);
    rewriter.eraseOp(pair.dw);
    for (Operation *op : pwEpilogue.absorbed)
      rewriter.eraseOp(op);
    Value bMatrix = pair.pw.getDpsInputs()[1];
    rewriter.eraseOp(pair.pw);
    eraseIfUnused(rewriter, bMatrix);
    if (keepAlive)
      eraseFoldedPad(rewriter, *pad, keepAlive);
    if (expand)
      eraseExpand(rewriter);
  }

private:
  static constexpr size_t kMaxEdgeBands = 4;

  /// The expansion's ops, its padded copy and the keep-alive loads of its
  /// result: the bands compute all of it.
  void eraseExpand(RewriterBase &rewriter) {
    for (Operation *op : expandEpilogue.absorbed)
      rewriter.eraseOp(op);
    Value output = expand->gemm.getDpsInits()[0],
          input = expand->gemm.getDpsInputs()[1];
    rewriter.eraseOp(expand->gemm);
    eraseIfUnused(rewriter, output);
    eraseIfUnused(rewriter, input);
    eraseFoldedPad(rewriter, expand->pad, /*keepAlive=*/nullptr);
    for (Operation *user :
         llvm::make_early_inc_range(expand->result.getUsers()))
      if (user->hasAttr(kKeepAliveAttr))
        rewriter.eraseOp(user);
  }

  /// One band: static where `known` gives its index.
  void emitBand(OpBuilder &b, Location loc, Value band,
                std::optional<int64_t> known, Value scratch) {
    // The window kernel supplies the rows above and below the image.
    RowBands::Input rowsIn = bands.input(b, loc, band, known);
    int64_t bandTop = rowsIn.top, inputRows = rowsIn.count;
    OpFoldResult firstRow = rowsIn.first;
    Value input;
    if (expand) {
      // The band's rows of the expansion, into the stack.
      input = inputRows == span
                  ? expandScratch
                  : planeRows(b, loc, expandScratch, b.getIndexAttr(0),
                              inputRows, expandShape);
      SmallVector<ReassociationIndices> matrix = {{0, 1}, {2, 3}};
      Value inputBand = memref::CollapseShapeOp::create(
          b, loc,
          planeRows(b, loc, expand->input, firstRow, inputRows,
                    expandInputShape),
          matrix);
      Value outBand = memref::CollapseShapeOp::create(b, loc, input, matrix);
      emitGemmBand(b, expand->gemm, expandShape[3] * imageHeight, inputBand,
                   outBand, expandEpilogue, {},
                   expand->consumer ? outBand : Value(), target);
    } else {
      auto imageType = llvm::cast<MemRefType>(image.getType());
      input =
          planeRows(b, loc, image, firstRow, inputRows, imageType.getShape());
    }

    Epilogue epilogue = dwEpilogue;
    epilogue.out = scratch;
    epilogue.result = scratch;
    emitDepthwiseBand(b, pair.dw, input, bandTop, left, scratch, epilogue,
                      target);

    Value bBand = memref::CollapseShapeOp::create(
        b, loc, scratch, SmallVector<ReassociationIndices>{{0, 1}, {2, 3}});
    output.emitGemm(b, loc, pair.pw, bBand,
                    RowBands::offset(b, loc, band, known, rows, 0), rows,
                    target);
  }

  DepthwisePointwise pair;
  int64_t rows;
  const VectorTarget &target;

  std::optional<ImplicitPad> pad;
  Operation *keepAlive = nullptr;
  Value image, filter;
  int64_t top = 0, left = 0;
  int64_t stride = 1, dilation = 1, kh = 1, span = 1;
  int64_t channels = 0, height = 0, width = 0, imageHeight = 0;
  Epilogue dwEpilogue, pwEpilogue;
  /// The pointwise conv's output and its epilogue, cut into bands of rows.
  BandedOutput output;
  RowBands bands;
  SmallVector<int64_t> edgeBands;
  /// With the expansion fused: its pieces and the band's rows of its
  /// output [1, Cexp, span, W] on the stack.
  std::optional<ExpandConv> expand;
  Epilogue expandEpilogue;
  SmallVector<int64_t, 4> expandInputShape, expandShape;
  Value expandScratch;
};

} // namespace

std::optional<DepthwisePointwise>
matchDepthwisePointwise(linalg::DepthwiseConv2DNchwChwOp dw) {
  if (!dw.hasPureBufferSemantics())
    return std::nullopt;
  DepthwisePointwise pair;
  pair.dw = dw;
  Value out = dw.getDpsInits()[0];
  auto outType = llvm::dyn_cast<MemRefType>(out.getType());
  if (!outType || !outType.hasStaticShape() || outType.getDimSize(0) != 1 ||
      !outType.getElementType().isF32())
    return std::nullopt;
  Block *block = dw->getBlock();
  // The output: written before the conv (its bias), read after it by an
  // element-wise op or through the GEMM's view (which may be taken before).
  Operation *reader = nullptr;
  for (Operation *user : out.getUsers()) {
    if (user == dw)
      continue;
    if (user->getBlock() != block)
      return std::nullopt;
    auto fill = llvm::dyn_cast<linalg::LinalgOp>(user);
    if (fill && user->isBeforeInBlock(dw)) {
      if (pair.dwFill || fill.getNumDpsInits() != 1 ||
          fill.getDpsInits()[0] != out)
        return std::nullopt;
      pair.dwFill = user;
    } else if (!reader) {
      reader = user;
    } else {
      return std::nullopt;
    }
  }
  Value matrixOf = out;
  if (auto generic = llvm::dyn_cast_if_present<linalg::GenericOp>(reader)) {
    if (generic.getNumDpsInputs() != 1 || generic.getNumDpsInits() != 1 ||
        generic.getDpsInputs()[0] != out ||
        generic.getNumLoops() != generic.getNumParallelLoops() ||
        !llvm::all_of(generic.getIndexingMapsArray(),
                      [](AffineMap map) { return map.isIdentity(); }))
      return std::nullopt;
    pair.dwConsumer = generic;
    matrixOf = generic.getDpsInits()[0];
    reader = onlyOtherUser(matrixOf, {generic});
  }
  auto collapse = llvm::dyn_cast_if_present<memref::CollapseShapeOp>(reader);
  if (!collapse || collapse->getBlock() != block || !collapse->hasOneUse() ||
      collapse.getReassociationIndices() !=
          SmallVector<ReassociationIndices>{{0, 1}, {2, 3}})
    return std::nullopt;
  auto pw = llvm::dyn_cast<linalg::MatmulOp>(*collapse->user_begin());
  if (!pw || pw->getBlock() != block || !pw.hasPureBufferSemantics() ||
      pw.getDpsInputs()[1] != collapse.getResult() || !isPackableGemm(pw) ||
      pw->isBeforeInBlock(dw))
    return std::nullopt;
  auto pwCollapse =
      pw.getDpsInits()[0].getDefiningOp<memref::CollapseShapeOp>();
  if (!pwCollapse || pwCollapse.getReassociationIndices() !=
                         SmallVector<ReassociationIndices>{{0, 1}, {2, 3}})
    return std::nullopt;
  auto pwType = llvm::cast<MemRefType>(pwCollapse.getSrc().getType());
  if (pwType.getRank() != 4 || pwType.getDimSize(0) != 1 ||
      pwType.getDimSize(2) != outType.getDimSize(2) ||
      pwType.getDimSize(3) != outType.getDimSize(3))
    return std::nullopt;
  pair.pw = pw;
  pair.pwOut = pwCollapse.getSrc();
  pair.end = pw;
  Value root = rootOf(pair.pwOut);
  for (Operation *op = pw->getNextNode(); op; op = op->getNextNode())
    if (touches(op, root)) {
      if (!op->hasTrait<OpTrait::IsTerminator>())
        pair.end = op;
      break;
    }
  return pair;
}

std::optional<ExpandConv> matchExpand(linalg::DepthwiseConv2DNchwChwOp dw) {
  Block *block = dw->getBlock();
  auto sameBlock = [&](Operation *op) { return op && op->getBlock() == block; };
  auto isKeepAlive = [](Operation *op) { return op->hasAttr(kKeepAliveAttr); };
  ExpandConv expand;
  // The padded copy: zero-filled, the result copied into its interior.
  std::optional<ImplicitPad> pad =
      matchImplicitPad(dw.getDpsInputs()[0], dw, 0.0);
  if (!pad)
    return std::nullopt;
  expand.pad = *pad;
  expand.result = pad->source;
  auto resultType = llvm::cast<MemRefType>(expand.result.getType());
  Operation *copy = pad->copy;
  // The activation writing it, if any, and the GEMM's 4-D output.
  expand.out = expand.result;
  for (Operation *user : expand.result.getUsers()) {
    if (user == copy || isKeepAlive(user))
      continue;
    auto generic = llvm::dyn_cast<linalg::GenericOp>(user);
    if (expand.consumer || !generic || generic.getNumDpsInputs() != 1 ||
        generic.getNumDpsInits() != 1 ||
        generic.getDpsInits()[0] != expand.result ||
        generic.getNumLoops() != generic.getNumParallelLoops() ||
        !llvm::all_of(generic.getIndexingMapsArray(),
                      [](AffineMap map) { return map.isIdentity(); }))
      return std::nullopt;
    expand.consumer = generic;
    expand.out = generic.getDpsInputs()[0];
  }
  // The GEMM's output: its bias before it, read by the activation only.
  memref::CollapseShapeOp matrix;
  for (Operation *user : expand.out.getUsers()) {
    if (user == expand.consumer.getOperation() || user == copy ||
        isKeepAlive(user))
      continue;
    auto collapse = llvm::dyn_cast<memref::CollapseShapeOp>(user);
    auto fill = llvm::dyn_cast<linalg::LinalgOp>(user);
    if (collapse && !matrix) {
      matrix = collapse;
    } else if (fill && !expand.fill && fill.getNumDpsInits() == 1 &&
               fill.getDpsInits()[0] == expand.out &&
               fill.getNumReductionLoops() == 0) {
      expand.fill = user;
    } else {
      return std::nullopt;
    }
  }
  SmallVector<ReassociationIndices> rowsAndColumns = {{0, 1}, {2, 3}};
  if (!matrix || !matrix->hasOneUse() || !expand.fill ||
      matrix.getReassociationIndices() != rowsAndColumns)
    return std::nullopt;
  auto gemm = llvm::dyn_cast<linalg::MatmulOp>(*matrix->user_begin());
  if (!sameBlock(gemm) || !gemm.hasPureBufferSemantics() ||
      !isPackableGemm(gemm) || gemm.getDpsInits()[0] != matrix.getResult())
    return std::nullopt;
  auto inputMatrix =
      gemm.getDpsInputs()[1].getDefiningOp<memref::CollapseShapeOp>();
  if (!inputMatrix || inputMatrix.getReassociationIndices() != rowsAndColumns)
    return std::nullopt;
  expand.gemm = gemm;
  expand.input = inputMatrix.getSrc();
  auto inputType = llvm::cast<MemRefType>(expand.input.getType());
  if (inputType.getDimSize(0) != 1 ||
      inputType.getDimSize(2) != resultType.getDimSize(2) ||
      inputType.getDimSize(3) != resultType.getDimSize(3))
    return std::nullopt;
  // In program order: bias, GEMM, activation, copy, conv.
  Operation *last =
      expand.consumer ? expand.consumer.getOperation() : gemm.getOperation();
  if (!sameBlock(expand.fill) || !expand.fill->isBeforeInBlock(gemm) ||
      (expand.consumer && (!sameBlock(expand.consumer) ||
                           !gemm->isBeforeInBlock(expand.consumer))) ||
      !last->isBeforeInBlock(copy))
    return std::nullopt;
  return expand;
}

LogicalResult emitDepthwisePointwise(RewriterBase &rewriter,
                                     linalg::DepthwiseConv2DNchwChwOp dw,
                                     const VectorTarget &target,
                                     SmallVectorImpl<Operation *> &taken) {
  auto rows = dw->getAttrOfType<IntegerAttr>(kBandRowsAttr);
  if (!rows)
    return failure();
  std::optional<DepthwisePointwise> pair = matchDepthwisePointwise(dw);
  if (!pair)
    return failure();
  BandEmitter emitter(*pair, rows.getInt(), target);
  if (failed(emitter.plan()))
    return failure();
  emitter.emit(rewriter, taken);
  return success();
}

} // namespace lwcc::cpu
