//===- LowerShape.cpp - data movement to tensor and linalg ----------------===//
//
// concat/split/slice become tensor slices (views once bufferised), reshape
// becomes collapse/expand, transpose and broadcast linalg ops, and pad either
// tensor.pad (constant) or a generic that clamps or reflects its indices.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "lwcc/Conversion/Passes.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace lwcc::lwnn;
using namespace lwcc::lowering;

namespace {

struct LowerConcat : OpRewritePattern<ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConcatOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = llvm::cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis(), offset = 0;
    Value result = emptyTensor(rewriter, loc, type);
    SmallVector<OpFoldResult> strides(type.getRank(), rewriter.getIndexAttr(1));
    for (Value input : op.getInputs()) {
      auto inType = llvm::cast<RankedTensorType>(input.getType());
      if (inType.getNumElements() == 0)
        continue; // contributes nothing
      SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0));
      offsets[axis] = rewriter.getIndexAttr(offset);
      result = tensor::InsertSliceOp::create(
          rewriter, loc, input, result, offsets,
          getAsIndexOpFoldResult(rewriter.getContext(), inType.getShape()), strides);
      offset += inType.getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

Value extractSlice(OpBuilder &b, Location loc, Value input, RankedTensorType type,
                   ArrayRef<int64_t> offsets, ArrayRef<int64_t> strides) {
  // An empty slice reads nothing (and its offset may equal the dim size,
  // which tensor.extract_slice rejects).
  if (type.getNumElements() == 0)
    return emptyTensor(b, loc, type);
  return tensor::ExtractSliceOp::create(
      b, loc, type, input, ValueRange{}, ValueRange{}, ValueRange{},
      b.getDenseI64ArrayAttr(offsets), b.getDenseI64ArrayAttr(type.getShape()),
      b.getDenseI64ArrayAttr(strides));
}

struct LowerSplit : OpRewritePattern<SplitOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SplitOp op, PatternRewriter &rewriter) const override {
    int64_t axis = op.getAxis(), offset = 0;
    SmallVector<Value> parts;
    for (Value result : op.getResults()) {
      auto type = llvm::cast<RankedTensorType>(result.getType());
      SmallVector<int64_t> offsets(type.getRank(), 0), strides(type.getRank(), 1);
      offsets[axis] = offset;
      parts.push_back(extractSlice(rewriter, op.getLoc(), op.getInput(), type, offsets,
                                   strides));
      offset += type.getDimSize(axis);
    }
    rewriter.replaceOp(op, parts);
    return success();
  }
};

struct LowerSlice : OpRewritePattern<SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SliceOp op, PatternRewriter &rewriter) const override {
    auto type = llvm::cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> offsets = op.getOffsets(), strides = op.getStrides();
    if (llvm::all_of(strides, [](int64_t s) { return s > 0; })) {
      rewriter.replaceOp(op, extractSlice(rewriter, op.getLoc(), op.getInput(), type,
                                          offsets, strides));
      return success();
    }
    // Negative steps walk backwards: read input[offset + i * step].
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < type.getRank(); ++d)
      exprs.push_back(getAffineDimExpr(d, ctx) * strides[d] + offsets[d]);
    AffineMap map = AffineMap::get(type.getRank(), 0, exprs, ctx);
    rewriter.replaceOp(op, buildElementwiseWithMaps(
                               rewriter, op.getLoc(), type, op.getInput(), map,
                               [](OpBuilder &, Location, ValueRange a) { return a[0]; }));
    return success();
  }
};

struct LowerReshape : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reshapeTensor(rewriter, op.getLoc(), op.getInput(),
                                         llvm::cast<RankedTensorType>(op.getType())));
    return success();
  }
};

struct LowerTranspose : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op, PatternRewriter &rewriter) const override {
    auto type = llvm::cast<RankedTensorType>(op.getType());
    Value init = emptyTensor(rewriter, op.getLoc(), type);
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, op.getLoc(), op.getInput(),
                                                       init, op.getPerm())
                               .getResult()[0]);
    return success();
  }
};

struct LowerBroadcast : OpRewritePattern<BroadcastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BroadcastOp op, PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, buildElementwise(rewriter, op.getLoc(),
                                            llvm::cast<RankedTensorType>(op.getType()),
                                            op.getInput(),
                                            [](OpBuilder &, Location, ValueRange a) {
                                              return a[0];
                                            }));
    return success();
  }
};

/// Maps output index `i` of a padded dim back into [0, size): edge clamps,
/// reflect mirrors without repeating the border.
Value sourceIndex(OpBuilder &b, Location loc, Value i, int64_t padBegin, int64_t size,
                  PadMode mode) {
  auto c = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  Value x = arith::SubIOp::create(b, loc, i, c(padBegin));
  if (mode == PadMode::edge)
    return arith::MinSIOp::create(b, loc, arith::MaxSIOp::create(b, loc, x, c(0)),
                                  c(size - 1));
  if (size == 1)
    return c(0);
  // Reflect with period 2 * (size - 1): fold |x| mod period into [0, size).
  Value period = c(2 * (size - 1));
  Value absX = arith::MaxSIOp::create(b, loc, x, arith::SubIOp::create(b, loc, c(0), x));
  Value m = arith::RemSIOp::create(b, loc, absX, period);
  Value mirrored = arith::SubIOp::create(b, loc, period, m);
  return arith::MinSIOp::create(b, loc, m, mirrored);
}

struct LowerPad : OpRewritePattern<PadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PadOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = llvm::cast<RankedTensorType>(op.getType());
    auto inType = llvm::cast<RankedTensorType>(op.getInput().getType());
    int64_t rank = type.getRank();
    ArrayRef<int64_t> pads = op.getPads();
    ArrayRef<int64_t> low = pads.take_front(rank), high = pads.drop_front(rank);
    if (op.getMode() == PadMode::constant &&
        llvm::all_of(pads, [](int64_t p) { return p >= 0; })) {
      Value fill = scalarConstant(rewriter, loc, type.getElementType(),
                                  op.getValue().convertToDouble());
      rewriter.replaceOpWithNewOp<tensor::PadOp>(
          op, type, op.getInput(), getAsIndexOpFoldResult(rewriter.getContext(), low),
          getAsIndexOpFoldResult(rewriter.getContext(), high), fill);
      return success();
    }
    // Generic form: read the source index each output index maps to
    // (negative pads crop, which is the same formula).
    Value init = emptyTensor(rewriter, loc, type);
    SmallVector<utils::IteratorType> iterators(rank, utils::IteratorType::parallel);
    PadMode mode = op.getMode();
    double value = op.getValue().convertToDouble();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
        rewriter.getMultiDimIdentityMap(rank), iterators,
        [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> indices;
          Value inside;
          for (int64_t d = 0; d < rank; ++d) {
            Value i = linalg::IndexOp::create(b, l, d);
            if (mode != PadMode::constant) {
              indices.push_back(sourceIndex(b, l, i, low[d], inType.getDimSize(d), mode));
              continue;
            }
            Value x = arith::SubIOp::create(b, l, i, arith::ConstantIndexOp::create(b, l, low[d]));
            Value ge = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, x,
                                             arith::ConstantIndexOp::create(b, l, 0));
            Value lt = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::slt, x,
                arith::ConstantIndexOp::create(b, l, inType.getDimSize(d)));
            Value ok = arith::AndIOp::create(b, l, ge, lt);
            inside = inside ? Value(arith::AndIOp::create(b, l, inside, ok)) : ok;
            // Clamp so the extract stays in bounds; the select discards it.
            indices.push_back(sourceIndex(b, l, i, low[d], inType.getDimSize(d),
                                          PadMode::edge));
          }
          Value read = tensor::ExtractOp::create(b, l, op.getInput(), indices);
          if (inside)
            read = arith::SelectOp::create(
                b, l, inside, read, scalarConstant(b, l, type.getElementType(), value));
          linalg::YieldOp::create(b, l, read);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// [N, C, ...] -> [N, g, C/g, ...] -> swap -> [N, C/g, g, ...] -> [N, C, ...].
struct LowerChannelShuffle : OpRewritePattern<ChannelShuffleOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ChannelShuffleOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = llvm::cast<RankedTensorType>(op.getType());
    int64_t g = op.getGroups(), c = type.getDimSize(1);
    SmallVector<int64_t> split(type.getShape());
    split[1] = g;
    split.insert(split.begin() + 2, c / g);
    SmallVector<ReassociationIndices> reassoc = {{0}, {1, 2}};
    for (int64_t d = 2; d < type.getRank(); ++d)
      reassoc.push_back({d + 1});
    auto splitType = RankedTensorType::get(split, type.getElementType());
    Value grouped = tensor::ExpandShapeOp::create(rewriter, loc, splitType, op.getInput(),
                                                  reassoc);
    SmallVector<int64_t> perm = llvm::to_vector(llvm::seq<int64_t>(0, split.size()));
    std::swap(perm[1], perm[2]);
    SmallVector<int64_t> swapped(split);
    std::swap(swapped[1], swapped[2]);
    auto swappedType = RankedTensorType::get(swapped, type.getElementType());
    Value transposed = linalg::TransposeOp::create(rewriter, loc, grouped,
                                                   emptyTensor(rewriter, loc, swappedType),
                                                   perm)
                           .getResult()[0];
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, type, transposed, reassoc);
    return success();
  }
};

} // namespace

void lwcc::populateLowerShapePatterns(RewritePatternSet &patterns) {
  patterns.add<LowerConcat, LowerSplit, LowerSlice, LowerReshape, LowerTranspose,
               LowerBroadcast, LowerPad, LowerChannelShuffle>(patterns.getContext());
}
