//===- Kernels.h - vector kernels the CPU backend emits ---------*- C++ -*-===//
//
// Each kernel replaces one linalg op on static memrefs with loops of vector
// operations, specialised to the op's shapes and the target's registers.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_BACKEND_CPU_KERNELS_H
#define LWCC_BACKEND_CPU_KERNELS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"

#include <optional>

namespace lwcc::cpu {

/// What the kernels are sized for.
struct VectorTarget {
  /// f32 lanes per vector register.
  int64_t lanes = 8;
  int64_t registers = 16;
};

/// A run of columns one vector covers: `width` lanes from `offset`, or, if
/// `masked`, the first `width` lanes of a full vector.
struct Chunk {
  int64_t offset;
  int64_t width;
  bool masked = false;
};

/// Splits columns [begin, end) into vectors of at most `lanes` lanes, each a
/// power of two, widest first; `fits(offset, width)` may veto a width (a
/// one-lane chunk is always accepted).
llvm::SmallVector<Chunk>
splitColumns(int64_t begin, int64_t end, int64_t lanes,
             llvm::function_ref<bool(int64_t, int64_t)> fits = nullptr);

/// Groups chunks into strips of at most `perStrip` vectors.
llvm::SmallVector<llvm::SmallVector<Chunk>>
intoStrips(llvm::ArrayRef<Chunk> chunks, int64_t perStrip);

mlir::Value indexConstant(mlir::OpBuilder &b, mlir::Location loc,
                          int64_t value);

/// Loop body: gets the induction variable and the iteration values, returns
/// the values to carry on.
using LoopBody = llvm::function_ref<llvm::SmallVector<mlir::Value>(
    mlir::Value, mlir::ValueRange)>;

/// An scf.for from `lower` to `upper` whose body `body` builds with `b`.
mlir::scf::ForOp buildLoop(mlir::OpBuilder &b, mlir::Location loc,
                           int64_t lower, int64_t upper, int64_t step,
                           mlir::ValueRange inits, LoopBody body);

/// The same with bounds computed at run time.
mlir::scf::ForOp buildLoop(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value lower, mlir::Value upper,
                           mlir::Value step, mlir::ValueRange inits,
                           LoopBody body);

/// Marks `loop`'s iterations as independent (lwcc-cpu-outline-parallel).
void markParallel(mlir::scf::ForOp loop);

/// In the body of a parallel loop with induction variable `iv` and step
/// `step`: the end of the run of iterations the body covers (kRangeEndAttr),
/// iv + step unless a thread runs several at once.
mlir::Value rangeEnd(mlir::OpBuilder &b, mlir::Location loc, mlir::Value iv,
                     int64_t step);

/// Whether `value` is `a` * `b` (arith.mulf, either order).
bool isProductOf(mlir::Value value, mlir::Value a, mlir::Value b);

/// Whether a linalg body is out = out + in0 * in1 (arguments in0, in1, out)
/// and nothing else.
bool isMultiplyAccumulate(mlir::Block &body);

/// True for a memref whose shape is static and whose innermost dimension is
/// contiguous, so rows can be read with vector loads.
bool isVectorAddressable(mlir::Value memref);

/// The buffer a chain of views starts from (an arena slice counts as its
/// own buffer).
mlir::Value rootOf(mlir::Value memref);

/// Whether `op` reads or writes anything derived from `root` (views only
/// alias: the reads and writes are the ops that use them).
bool touches(mlir::Operation *op, mlir::Value root);

/// Marks the load that keeps an implicitly padded input's source live (see
/// ImplicitPad.cpp).
inline constexpr llvm::StringLiteral kKeepAliveAttr = "lwcc.keep_alive";

/// A padded copy P of `source` that only `reader` reads: P filled with the
/// pad value, then `source` copied into P's interior at (top, left).
struct ImplicitPad {
  mlir::Value source;
  int64_t top = 0, left = 0;
  mlir::Operation *fill = nullptr;
  mlir::Operation *interior = nullptr;
  mlir::Operation *copy = nullptr;
};

/// The padding with `value` `reader` sees in its 4-D NCHW input `padded`
/// (or a grouped im2col in its [1, G, C/G, Hp, Wp] view of one, or a
/// channels-last depthwise conv in its NHWC input), if
/// `reader` could read the source itself instead: nothing else reads P,
/// and nothing between the copy and `reader` touches the source.
std::optional<ImplicitPad>
matchImplicitPad(mlir::Value padded, mlir::Operation *reader, double value);

/// The keep-alive load of `pad.source` after `reader`, if
/// lwcc-cpu-mark-implicit-pads placed one.
mlir::Operation *findKeepAlive(const ImplicitPad &pad, mlir::Operation *reader);

/// Erases a pad its reader's kernel folded: `keepAlive` (if any) and the
/// padded copy's fill, interior view and copy.
void eraseFoldedPad(mlir::RewriterBase &rewriter, const ImplicitPad &pad,
                    mlir::Operation *keepAlive);

/// What a kernel reading `padded` reads: the padded copy's source, with
/// the rows and columns of padding it supplies itself, where the copy is an
/// implicit pad whose source stayed live; `padded` itself otherwise.
struct PaddedRead {
  std::optional<ImplicitPad> pad;
  /// The keep-alive load of the source (null: `padded` is read).
  mlir::Operation *keepAlive = nullptr;
  mlir::Value image;
  int64_t top = 0, left = 0;
};
PaddedRead readThroughPad(mlir::Value padded, mlir::Operation *reader);

/// Element-wise work around a kernel's output `out` that the kernel does in
/// registers instead (see Epilogue.cpp).
struct Epilogue {
  mlir::Value out;
  /// The accumulators' start: 1-D, indexed by dimension 1 of `out`, or for
  /// a grouped conv's 5-D `out` 2-D, indexed by dimensions 1 and 2.
  mlir::Value bias;
  /// The bias runs along `out`'s last dimension instead (a channels-last
  /// [1, H, W, C] output, lwcc-cpu-choose-layout).
  bool biasOnLast = false;
  /// Without a bias: the scalar a constant fill wrote to all of `out` (a
  /// zero bias, a pool's pad value), created before the kernel.
  mlir::Value initial;
  /// All-parallel, identity-mapped generic reading `out` once (input
  /// `kernelInput`) and writing `result`, same shape.
  mlir::linalg::GenericOp consumer;
  int64_t kernelInput = -1;
  mlir::Value result;
  /// Ops the kernel replaces; erased after emission.
  llvm::SmallVector<mlir::Operation *> absorbed;
};

/// The constant `op` writes to every element of its only init, if it is a
/// constant fill: a linalg.fill, or an input-less all-parallel generic or
/// map yielding a constant. On tensors and on buffers alike.
mlir::TypedAttr constantFillValue(mlir::Operation *op);

/// What of the bias broadcast (or constant fill) before `kernel` and the
/// element-wise consumer after it, both on `out`, the kernel can absorb;
/// `kernelInputs` are the buffers the kernel reads (the consumer's result must
/// not be one). With `channelsLast`, `out` is [1, H, W, C] and its bias
/// runs along C (biasOnLast).
Epilogue matchEpilogue(mlir::Operation *kernel, mlir::Value out,
                       mlir::ValueRange kernelInputs,
                       bool channelsLast = false);

/// Whether the epilogue's element-wise work is long enough (a sigmoid's
/// two dozen operations, not a clamp's two) to matter beside the kernel's.
bool expensiveEpilogue(const Epilogue &epilogue);

/// Whether memrefs `a` and `b` may address a common byte (constant-offset
/// views of the arena are compared by their ranges; anything else by its
/// root buffer).
bool mayShareBytes(mlir::Value a, mlir::Value b);

/// The consumer's body on vectors: `acc` for the kernel's input, the
/// others from `loadedInputs` (in order, skipping the kernel's).
mlir::Value applyEpilogueBody(mlir::OpBuilder &b, mlir::Location loc,
                              const Epilogue &epilogue, mlir::Value acc,
                              llvm::ArrayRef<mlir::Value> loadedInputs);

/// Names the global holding a GEMM's A packed by lwcc-cpu-pack-weights.
inline constexpr llvm::StringLiteral kPackedWeightsAttr = "lwcc.packed_a";

/// How lwcc-cpu-pack-weights lays out a GEMM's A [M, K] for the kernel on
/// `target` with C [M, N]: [kBlocks, rowBlocks, kc, rows], the order the
/// kernel reads it (per K block, each row block's K_c x R tile; the last
/// K block's and row block's missing entries zero).
struct PackedWeightsLayout {
  int64_t kBlocks, rowBlocks, kc, rows;
  llvm::SmallVector<int64_t, 4> shape() const {
    return {kBlocks, rowBlocks, kc, rows};
  }
};
PackedWeightsLayout packedWeightsLayout(const VectorTarget &target, int64_t m,
                                        int64_t n, int64_t k);

/// Names the global holding a GEMM's constant B packed in column tiles by
/// lwcc-cpu-pack-weights.
inline constexpr llvm::StringLiteral kPackedTilesAttr = "lwcc.packed_b_tiles";

/// The width of the column tiles lwcc-cpu-pack-weights lays a constant B
/// [K, N] out in, [ceil(N/W), K, W] (zero-padded), for the kernel on
/// `target` with C [M, N]; 0 where B stays as it is. Only where C is one
/// row block (a dense layer or a 1x1 conv on one pixel): each element of B
/// is then read once, and row-major a tile walks K in steps of a whole row
/// of B, a new page every k, which the hardware prefetchers do not follow.
int64_t packedTileColumns(const VectorTarget &target, int64_t m, int64_t n);

/// Whether `op` is a GEMM emitGemmKernel takes with a single A (not a
/// batch): a linalg.matmul with default maps or an image product.
bool isPackableGemm(mlir::linalg::LinalgOp op);

/// Whether `op` is a linalg.batch_matmul with default maps whose constant A
/// [B, M, K] lwcc-cpu-pack-weights packs as [B, packedWeightsLayout...] (a
/// Winograd conv's transformed filters, lwcc-cpu-conv-to-gemm).
bool isPackableBatchGemm(mlir::linalg::LinalgOp op);

/// Replaces a float linalg.matmul / linalg.batch_matmul (default maps), or
/// an image product of lwcc-cpu-conv-to-gemm, on memrefs with the
/// register-blocked GEMM. Fails without changing anything
/// if the op is not one it handles.
mlir::LogicalResult emitGemmKernel(mlir::RewriterBase &rewriter,
                                   mlir::linalg::LinalgOp op,
                                   const VectorTarget &target);

/// linalg.depthwise_conv_2d_nchw_chw, linalg.pooling_nchw_max,
/// linalg.pooling_nchw_sum and the im2col generic of
/// lwcc-cpu-conv-to-gemm on static f32 memrefs: the ops the window kernel
/// takes.
bool isWindowOp(mlir::Operation *op);

/// The pad value a window op's kernel can supply itself: 0 for the
/// depthwise conv and the sum pool, -inf for the max pool.
double windowPadValue(mlir::Operation *op);

/// Replaces a float window op (isWindowOp) on memrefs with the
/// row-vectorised window kernel; `foldedPad` tells whether it read a padded
/// input's source in place of the padded copy.
mlir::LogicalResult emitWindowKernel(mlir::RewriterBase &rewriter,
                                     mlir::linalg::LinalgOp op,
                                     const VectorTarget &target,
                                     bool &foldedPad);

/// Replaces a float batch-1 linalg.depthwise_conv_2d_nhwc_hwc on static
/// memrefs (lwcc-cpu-choose-layout's channels-last depthwise conv, its input
/// already padded) with a kernel vectorised along the channels, absorbing
/// its bias and element-wise consumer (ChannelsLastDepthwiseKernel.cpp).
mlir::LogicalResult
emitChannelsLastDepthwise(mlir::RewriterBase &rewriter,
                          mlir::linalg::DepthwiseConv2DNhwcHwcOp op,
                          const VectorTarget &target);

/// Replaces a linalg.transpose of a contiguous batch-1 f32 image between
/// NCHW and NHWC (lwcc-cpu-choose-layout's) with a kernel transposing 8x8
/// blocks in registers (TransposeKernel.cpp).
mlir::LogicalResult emitTransposeKernel(mlir::RewriterBase &rewriter,
                                        mlir::linalg::TransposeOp op);

/// A depthwise conv for the flattened-plane kernel (FlatPlaneKernel.cpp):
/// `input` [N, C, H, W] read with the window's top and left padding
/// supplied by the kernel, `output` [N, C, OH, OW].
struct FlatDepthwise {
  mlir::Value input, output;
  int64_t top, left, kh, kw, stride, d0, d1;
  /// An im2col instead of a conv: `output` is [C, KH, KW, OH, OW] and each
  /// tap's reads go to its own row (no weights, no epilogue).
  bool copy = false;
};
/// One channel's plane: image n, channel ch, the channel's KH x KW weights
/// (row-major scalars) and its bias (null without one).
using ChannelBody = llvm::function_ref<void(
    mlir::Value, mlir::Value, llvm::ArrayRef<mlir::Value>, mlir::Value)>;
/// Emits `conv` with `epilogue` on flattened planes where that suits it
/// (stride 1 with an output as large as the input, or stride 2 with one
/// half its height and width; planes and the epilogue's operands
/// contiguous; see FlatPlaneKernel.cpp for which convs it leaves to the row
/// kernel), calling `forEachChannel` to emit every channel inside the loops
/// it builds; fails without emitting anything otherwise.
mlir::LogicalResult
emitFlatDepthwise(mlir::OpBuilder &b, mlir::Location loc,
                  const FlatDepthwise &conv, const Epilogue &epilogue,
                  const VectorTarget &target,
                  llvm::function_ref<void(ChannelBody)> forEachChannel);
/// Whether the window kernel takes depthwise conv `dw` in bands of `rows`
/// output rows (its taps and peeled rows within the unrolling budget).
bool depthwiseBandFits(mlir::linalg::DepthwiseConv2DNchwChwOp dw, int64_t rows);

/// Emits `dw` on the calling thread for one band: `input` [1, C, rows, W]
/// the band's input rows, with `top` and `left` padding the kernel
/// supplies, `output` [1, C, OH', OW] its output rows (`epilogue`'s
/// consumer, if any, takes only the kernel's value and writes `output`).
void emitDepthwiseBand(mlir::OpBuilder &b,
                       mlir::linalg::DepthwiseConv2DNchwChwOp dw,
                       mlir::Value input, int64_t top, int64_t left,
                       mlir::Value output, const Epilogue &epilogue,
                       const VectorTarget &target);

/// Bands of `rows` output rows of a window op with row stride `stride`,
/// each reading `span` rows of an image `imageHeight` tall from band * rows
/// * stride - top on (RowBands.cpp).
struct RowBands {
  int64_t rows = 1, stride = 1, span = 1, top = 0, imageHeight = 0;

  /// Whether band `band`'s windows read only rows inside the image.
  bool inner(int64_t band) const;
  /// The bands of `bands` whose windows reach past the image.
  llvm::SmallVector<int64_t> edgeBands(int64_t bands) const;
  /// Emits `body` for band `band` (a loop's induction variable): once per
  /// edge band in `edges`, under a test of the index, with the index known,
  /// and once for the other bands (nullopt).
  void emitCases(mlir::OpBuilder &b, mlir::Location loc, mlir::Value band,
                 llvm::ArrayRef<int64_t> edges,
                 llvm::function_ref<void(std::optional<int64_t>)> body) const;
  /// band * scale + shift, a constant where `known`.
  static mlir::OpFoldResult offset(mlir::OpBuilder &b, mlir::Location loc,
                                   mlir::Value band,
                                   std::optional<int64_t> known, int64_t scale,
                                   int64_t shift);
  /// The image rows a band reads (from `first`, `count` of them) and the
  /// rows above them the window kernel supplies (`top`, edge bands only).
  struct Input {
    mlir::OpFoldResult first;
    int64_t count, top;
  };
  Input input(mlir::OpBuilder &b, mlir::Location loc, mlir::Value band,
              std::optional<int64_t> known) const;
  /// A parallel loop over `count` bands: per band `setUp` (what every band
  /// needs first: its stack buffers), then `body` as emitCases calls it.
  void emitLoop(
      mlir::OpBuilder &b, mlir::Location loc, int64_t count,
      llvm::ArrayRef<int64_t> edges,
      llvm::function_ref<void(mlir::Value)> setUp,
      llvm::function_ref<void(mlir::Value, std::optional<int64_t>)> body) const;
};

/// A conv's GEMM output [1, M, H, W] with its epilogue, computed a band of
/// rows at a time (RowBands.cpp).
struct BandedOutput {
  llvm::SmallVector<int64_t, 4> shape;
  Epilogue epilogue;
  /// The output, the epilogue consumer's other inputs and its result.
  llvm::SmallVector<mlir::Value> views;

  /// Fails unless every view has contiguous rows of `out`'s shape.
  mlir::LogicalResult init(mlir::Value out, const Epilogue &epilogue);
  /// Emits `gemm` for output rows [row, row + rows) on the calling thread,
  /// B the band's [K, rows * W].
  void emitGemm(mlir::OpBuilder &b, mlir::Location loc,
                mlir::linalg::MatmulOp gemm, mlir::Value bBand,
                mlir::OpFoldResult row, int64_t rows,
                const VectorTarget &target) const;
};

/// Erases the op defining `value` (a view a kernel read) once nothing uses
/// it.
void eraseIfUnused(mlir::RewriterBase &rewriter, mlir::Value value);

/// Whether `value` [1, M, H, W] has unit-stride rows one after another in
/// each plane, so a band of its rows collapses to [M, rows * W].
bool hasContiguousPlaneRows(mlir::Value value, llvm::ArrayRef<int64_t> shape);

/// Rows [first, first + count) of `value` [1, C, H, W] of shape `shape`.
mlir::Value planeRows(mlir::OpBuilder &b, mlir::Location loc, mlir::Value value,
                      mlir::OpFoldResult first, int64_t count,
                      llvm::ArrayRef<int64_t> shape);

/// A plain (not grouped) im2col copy's window along the rows.
struct Im2colWindow {
  int64_t kh, stride, dilation;
};
/// The window of `op` if it is a plain im2col copy the window kernel takes
/// (lwcc-cpu-conv-to-gemm's [1, C, Hp, Wp] -> [C, KH, KW, OH, OW]).
std::optional<Im2colWindow> matchIm2col(mlir::linalg::GenericOp op);
/// Whether the window kernel takes im2col `op` in bands of `rows` output
/// rows (its taps and peeled rows within the unrolling budget).
bool im2colBandFits(mlir::linalg::GenericOp op, int64_t rows);
/// Emits im2col `op` on the calling thread for one band: `input` [1, C,
/// rows', W] the band's input rows, with `top` and `left` padding the kernel
/// supplies, `output` [C, KH, KW, rows, OW] its columns.
void emitIm2colBand(mlir::OpBuilder &b, mlir::linalg::GenericOp op,
                    mlir::Value input, int64_t top, int64_t left,
                    mlir::Value output, const VectorTarget &target);
/// Runs the im2col whose column matrix only `gemm` reads (as its B) and
/// `gemm` as one parallel loop over bands of output rows, the band's
/// columns on the stack (ColumnBandKernel.cpp); `taken` gets both ops.
/// Fails without emitting anything where the pair does not suit it.
mlir::LogicalResult
emitColumnBands(mlir::RewriterBase &rewriter, mlir::linalg::MatmulOp gemm,
                const VectorTarget &target,
                llvm::SmallVectorImpl<mlir::Operation *> &taken);

/// Emits `op`'s GEMM on the calling thread for a band of its columns:
/// `bBand` [K, N'] and `cBand` [M, N'], the epilogue's inputs and result as
/// [M, N'] views; A read as packed for all `columns` of C.
void emitGemmBand(mlir::OpBuilder &b, mlir::linalg::MatmulOp op,
                  int64_t columns, mlir::Value bBand, mlir::Value cBand,
                  const Epilogue &epilogue,
                  llvm::ArrayRef<mlir::Value> epilogueInputs,
                  mlir::Value epilogueResult, const VectorTarget &target);

/// Marks a depthwise conv lwcc-cpu-fuse-depthwise-pointwise fused with the
/// pointwise conv reading it: the output rows per band.
inline constexpr llvm::StringLiteral kBandRowsAttr = "lwcc.band_rows";

/// A batch-1 depthwise conv whose output, after an optional element-wise
/// op on it alone, only a pointwise conv's GEMM reads (as its B, [C, H*W]).
struct DepthwisePointwise {
  mlir::linalg::DepthwiseConv2DNchwChwOp dw;
  /// What writes the conv's output before it (its bias broadcast), if any.
  mlir::Operation *dwFill = nullptr;
  mlir::linalg::GenericOp dwConsumer;
  mlir::linalg::MatmulOp pw;
  /// The pointwise conv's 4-D output [1, M, H, W].
  mlir::Value pwOut;
  /// The last op the pair's kernel may absorb: the first op after the GEMM
  /// that touches its output (its element-wise consumer), else the GEMM.
  mlir::Operation *end = nullptr;
};
std::optional<DepthwisePointwise>
matchDepthwisePointwise(mlir::linalg::DepthwiseConv2DNchwChwOp dw);

/// Marks a band-fused depthwise conv whose zero-padded input the band
/// kernel computes too, per band, from the pointwise conv that produces it
/// (an inverted residual's expansion).
inline constexpr llvm::StringLiteral kBandExpandAttr = "lwcc.band_expand";

/// The pointwise conv (a GEMM over [Cin, H*W]) whose output, after an
/// optional activation, only a zero-padded copy read by depthwise conv
/// `dw` reads.
struct ExpandConv {
  mlir::linalg::MatmulOp gemm;
  /// Its bias broadcast and its activation (null without one).
  mlir::Operation *fill = nullptr;
  mlir::linalg::GenericOp consumer;
  /// The GEMM's input [1, Cin, H, W], its 4-D output [1, Cexp, H, W], and
  /// what the pad copies (the activation's result, or that output).
  mlir::Value input, out, result;
  /// The zero-padded copy of `result` the conv reads.
  ImplicitPad pad;
};
std::optional<ExpandConv>
matchExpand(mlir::linalg::DepthwiseConv2DNchwChwOp dw);

/// Replaces a pair tagged kBandRowsAttr with one loop over bands of output
/// rows, split across threads: per band the depthwise rows into a scratch
/// buffer on the stack, then the GEMM's columns of those rows from it
/// (see BandKernel.cpp); `taken` gets the conv, the GEMM and, if fused
/// too (kBandExpandAttr), the expansion's GEMM. Fails without changing
/// anything where the kernels cannot take the pair's pieces.
mlir::LogicalResult
emitDepthwisePointwise(mlir::RewriterBase &rewriter,
                       mlir::linalg::DepthwiseConv2DNchwChwOp dw,
                       const VectorTarget &target,
                       llvm::SmallVectorImpl<mlir::Operation *> &taken);

/// Replaces a float sum or max reduction over a memref's trailing
/// contiguous dimensions (global pools, reduce_mean, the squeeze of
/// squeeze-excite) with a vectorised one.
mlir::LogicalResult emitReductionKernel(mlir::RewriterBase &rewriter,
                                        mlir::linalg::GenericOp op,
                                        const VectorTarget &target);

/// Replaces the input transform of a Winograd convolution
/// (lwcc-cpu-conv-to-gemm's winograd-input generic, V zero-filled before
/// it) with the vector kernel of WinogradKernel.cpp; fails without changing
/// anything where the channels are not a multiple of the lanes or the
/// image's strides are not static.
mlir::LogicalResult emitWinogradInput(mlir::RewriterBase &rewriter,
                                      mlir::linalg::GenericOp op,
                                      const VectorTarget &target);

/// The same for the output transform (winograd-output), which also absorbs
/// the convolution's bias and element-wise consumer.
mlir::LogicalResult emitWinogradOutput(mlir::RewriterBase &rewriter,
                                       mlir::linalg::GenericOp op,
                                       const VectorTarget &target);

} // namespace lwcc::cpu

#endif // LWCC_BACKEND_CPU_KERNELS_H
