//===- ConvWinograd.cpp - 3x3 convolutions by Winograd F(m x m, 3x3) ------===//
//
// A batch-1 3x3 stride-1 convolution with constant filters runs as
// Winograd's F(m x m, 3x3) (Lavin and Gray, "Fast Algorithms for
// Convolutional Neural Networks"; Winograd.h): the output is cut into m x m
// tiles, T of them; each tile's (m+2) x (m+2) input window d becomes
// V = B^T d B, each filter g becomes U = G g G^T at compile time, and the
// (m+2)^2 positions xi of the transformed tiles are independent products
//   M[xi] [F, T] = U[xi] [F, C] x V[xi] [C, T],
// one linalg.batch_matmul on the GEMM kernel (U packed at compile time by
// lwcc-cpu-pack-weights): for m = 4, 36 multiply-adds per tile and channel
// pair where the direct form takes 144. Each output tile is then A^T M A.
// Tiles run along the products' vectorised columns, in image order, so the
// transforms read and write rows of tiles. Each product streams its U[xi],
// and U is (m+2)^2/9 times the filters, so F(4x4) is kept for outputs of at
// least 49 tiles (28x28 and up), F(2x2) (16/9 the filters) for those with
// 49 tiles of 2x2 (14x14).
//
// The two transforms are linalg.generic ops whose plain semantics are the
// reference (the tables' products summed over the window); lwcc-cpu-emit-
// kernels replaces them with constant-coefficient vector code, the output
// transform also absorbing the conv's bias and its element-wise consumer.
//
//===----------------------------------------------------------------------===//

#include "ConvRewrites.h"
#include "Kernels/Kernels.h"
#include "Kernels/Winograd.h"
#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace lwcc::cpu;
using namespace lwcc::cpu::winograd;

namespace {

/// Winograd only pays with at least this many output tiles: each of the
/// batched products streams its U[xi] [C, F] for T rows of A, and U is
/// (m+2)^2/9 times the filters (4x for F(4x4, 3x3), 16/9 for F(2x2, 3x3)).
constexpr int64_t kMinTiles = 49;

/// F(4x4, 3x3) where it has enough tiles, else F(2x2, 3x3) where that
/// does, else none.
const Transforms *chooseTransforms(int64_t oh, int64_t ow) {
  for (const Transforms *t : {&kF4x4, &kF2x2})
    if (ceilDivision(oh, t->outputTile) * ceilDivision(ow, t->outputTile) >=
        kMinTiles)
      return t;
  return nullptr;
}

/// A constant f32 matrix.
Value matrixConstant(OpBuilder &b, Location loc, ArrayRef<double> values,
                     int64_t rows, int64_t cols) {
  SmallVector<float> data(values.begin(), values.end());
  auto type = RankedTensorType::get({rows, cols}, b.getF32Type());
  return arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(type, ArrayRef<float>(data)));
}

/// U [n*n, F, C] (n the input tile's side): U[a*n+b, f, c] = (G g G^T)[a, b]
/// for filter g = w[f, c].
DenseElementsAttr transformFilters(const Transforms &t,
                                   DenseElementsAttr weights) {
  int64_t n = t.inputTile;
  auto type = llvm::cast<RankedTensorType>(weights.getType());
  int64_t filters = type.getDimSize(0), channels = type.getDimSize(1);
  auto w = llvm::to_vector(weights.getValues<float>());
  std::vector<float> u(n * n * channels * filters);
  for (int64_t f = 0; f < filters; ++f) {
    for (int64_t c = 0; c < channels; ++c) {
      const float *g = &w[(f * channels + c) * kTaps * kTaps];
      // G g, then (G g) G^T, in double: the transform adds no rounding of
      // its own beyond the final one.
      SmallVector<double> gg(n * kTaps, 0.0);
      for (int64_t a = 0; a < n; ++a)
        for (int64_t j = 0; j < kTaps; ++j)
          for (int64_t i = 0; i < kTaps; ++i)
            gg[a * kTaps + j] += t.filterAt(a, i) * g[i * kTaps + j];
      for (int64_t a = 0; a < n; ++a)
        for (int64_t b = 0; b < n; ++b) {
          double sum = 0;
          for (int64_t j = 0; j < kTaps; ++j)
            sum += gg[a * kTaps + j] * t.filterAt(b, j);
          u[((a * n + b) * filters + f) * channels + c] =
              static_cast<float>(sum);
        }
    }
  }
  auto uType =
      RankedTensorType::get({n * n, filters, channels}, type.getElementType());
  return DenseElementsAttr::get(uType, ArrayRef<float>(u));
}

/// A zero-filled tensor of `shape`.
Value zeros(OpBuilder &b, Location loc, ArrayRef<int64_t> shape) {
  Value empty = tensor::EmptyOp::create(b, loc, shape, b.getF32Type());
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
}

/// out += lhs * rhs * value: the transforms' reference body.
void tableProductBody(OpBuilder &b, Location loc, ValueRange args) {
  Value coefficient = arith::MulFOp::create(b, loc, args[0], args[1]);
  Value term = arith::MulFOp::create(b, loc, coefficient, args[2]);
  linalg::YieldOp::create(
      b, loc, ValueRange{arith::AddFOp::create(b, loc, args[3], term)});
}

struct ConvAsWinograd : OpRewritePattern<linalg::Conv2DNchwFchwOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::Conv2DNchwFchwOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<ConvOperands> operands = batchOneOperands(op, rewriter);
    if (failed(operands))
      return failure();
    auto [input, filter, init, inType, wType, outType, s, d] = *operands;
    if (wType.getDimSize(2) != kTaps || wType.getDimSize(3) != kTaps ||
        llvm::any_of(s, [](int64_t v) { return v != 1; }) ||
        llvm::any_of(d, [](int64_t v) { return v != 1; }))
      return rewriter.notifyMatchFailure(op, "not a 3x3 stride-1 conv");
    int64_t channels = inType.getDimSize(1), filters = outType.getDimSize(1);
    if (channels < kMinChannels || filters < kMinChannels)
      return rewriter.notifyMatchFailure(op, "too few channels");
    int64_t oh = outType.getDimSize(2), ow = outType.getDimSize(3);
    const Transforms *chosen = chooseTransforms(oh, ow);
    if (!chosen)
      return rewriter.notifyMatchFailure(op, "too few tiles");
    const Transforms &t = *chosen;
    int64_t tile = t.outputTile, side = t.inputTile;
    DenseElementsAttr weights;
    if (!matchPattern(filter, m_Constant(&weights)) ||
        !weights.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "filters are not f32 constants");

    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    int64_t tileRows = ceilDivision(oh, tile),
            tileCols = ceilDivision(ow, tile);
    int64_t tiles = tileRows * tileCols, positions = side * side;
    // Every tile's window inside the image: rows and columns of the
    // padding's value past the bottom and the right.
    Value image =
        extendImage(rewriter, loc, input,
                    tileRows * tile + kTaps - 1 - inType.getDimSize(2),
                    tileCols * tile + kTaps - 1 - inType.getDimSize(3));
    Value inputTable = matrixConstant(
        rewriter, loc, ArrayRef(t.inputTable, positions), side, side);
    Value outputTable = matrixConstant(
        rewriter, loc, ArrayRef(t.outputTable, tile * side), tile, side);
    auto dim = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto parallel = utils::IteratorType::parallel,
         reduction = utils::IteratorType::reduction;

    // V[a, b, c, ty, tx] = sum over (i, j) of B^T[a, i] B^T[b, j]
    // d[c, m ty + i, m tx + j]; loops (a, b, c, ty, tx, i, j).
    Value transformed =
        zeros(rewriter, loc, {side, side, channels, tileRows, tileCols});
    auto inputTransform = linalg::GenericOp::create(
        rewriter, loc, TypeRange{transformed.getType()},
        ValueRange{inputTable, inputTable, image}, ValueRange{transformed},
        ArrayRef<AffineMap>{
            AffineMap::get(7, 0, {dim(0), dim(5)}, ctx),
            AffineMap::get(7, 0, {dim(1), dim(6)}, ctx),
            AffineMap::get(7, 0,
                           {getAffineConstantExpr(0, ctx), dim(2),
                            dim(3) * tile + dim(5), dim(4) * tile + dim(6)},
                           ctx),
            AffineMap::get(7, 0, {dim(0), dim(1), dim(2), dim(3), dim(4)},
                           ctx)},
        ArrayRef<utils::IteratorType>{parallel, parallel, parallel, parallel,
                                      parallel, reduction, reduction},
        tableProductBody);
    inputTransform->setAttr(kKindAttr, rewriter.getStringAttr(kInputKind));

    // M[xi] [F, T] = U[xi] [F, C] x V[xi] [C, T].
    Value v = collapse(rewriter, loc, inputTransform.getResult(0),
                       {{0, 1}, {2}, {3, 4}});
    Value u =
        arith::ConstantOp::create(rewriter, loc, transformFilters(t, weights));
    Value products = zeros(rewriter, loc, {positions, filters, tiles});
    auto gemm = linalg::BatchMatmulOp::create(
        rewriter, loc, TypeRange{products.getType()}, ValueRange{u, v},
        ValueRange{products});
    gemm->setAttr(kKindAttr, rewriter.getStringAttr(kGemmKind));
    Value m = tensor::ExpandShapeOp::create(
        rewriter, loc,
        RankedTensorType::get({side, side, filters, tileRows, tileCols},
                              rewriter.getF32Type()),
        gemm.getResult(0),
        SmallVector<ReassociationIndices>{{0, 1}, {2}, {3, 4}});

    // out[0, f, y, x] += sum over (a, b) of A^T[y mod m, a] A^T[x mod m, b]
    // M[a, b, f, y / m, x / m]; loops (n, f, y, x, a, b).
    AffineExpr y = dim(2), x = dim(3);
    auto outputTransform = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType},
        ValueRange{outputTable, outputTable, m}, ValueRange{init},
        ArrayRef<AffineMap>{AffineMap::get(6, 0, {y % tile, dim(4)}, ctx),
                            AffineMap::get(6, 0, {x % tile, dim(5)}, ctx),
                            AffineMap::get(6, 0,
                                           {dim(4), dim(5), dim(1),
                                            y.floorDiv(tile), x.floorDiv(tile)},
                                           ctx),
                            AffineMap::get(6, 0, {dim(0), dim(1), y, x}, ctx)},
        ArrayRef<utils::IteratorType>{parallel, parallel, parallel, parallel,
                                      reduction, reduction},
        tableProductBody);
    outputTransform->setAttr(kKindAttr, rewriter.getStringAttr(kOutputKind));
    rewriter.replaceOp(op, outputTransform.getResults());
    return success();
  }
};

} // namespace

void lwcc::cpu::populateWinogradPatterns(RewritePatternSet &patterns) {
  // Before the image products and the im2col, which also take these convs.
  patterns.add<ConvAsWinograd>(patterns.getContext(), /*benefit=*/3);
}
