//===- DepthwiseKernel.cpp - row-vectorised depthwise conv and pools ------===//
//
// O[n, c, oh, ow] (+)= combine over kh, kw of I[n, c, oh*s0 + kh*d0 - top,
// ow*s1 + kw*d1 - left] (times F[c, kh, kw] for a depthwise conv; max or
// sum for the pools), I read as the pad value outside its H x W. Vectors
// run along an output row: a segment of it stays in registers across all
// KH x KW taps, each tap one load of the input row and one fused
// multiply-add with the tap's broadcast weight (a max or an add for the
// pools). With a column stride s1 > 1 a tap loads s1 times as many inputs
// and keeps every s1-th lane (a shuffle).
//
// The padding is either already in I (top = left = 0, a padded copy) or
// supplied here (ImplicitPad.cpp): rows whose taps leave the input are
// peeled and their outside taps skipped; the segments at a row's two ends
// sit at known columns, so each tap loads a vector inside the row and a
// shuffle moves the lanes into place with the pad value for the outside
// ones. Only the segments in between, where every tap stays inside, run in
// a loop.
//
// Depthwise convs with stride 1 or 2 whose planes suit it run on the
// flattened plane instead (FlatPlaneKernel.cpp).
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#include <algorithm>
#include <limits>
#include <variant>

using namespace mlir;

namespace lwcc::cpu {
namespace {

/// How a window's taps combine; Copy writes each tap to a row of its own
/// (the im2col copy in front of a convolution's GEMM).
enum class Combine { MultiplyAdd, Max, Add, Copy };

/// The pieces of the three window ops the kernel takes.
struct WindowOp {
  Combine combine;
  Value input, filter, output;
  int64_t s0, s1, d0, d1;
  int64_t kh, kw;
  /// A grouped im2col, whose group and channel dimensions the kernel
  /// merges.
  bool grouped = false;
};

/// The im2col generic (lwcc-cpu-conv-to-gemm): [1, C, Hp, Wp] ->
/// [C, KH, KW, OH, OW], or grouped [1, G, C, Hp, Wp] -> [G, C, KH, KW, OH,
/// OW]; strides and dilations read off its input map.
std::optional<WindowOp> asIm2col(linalg::GenericOp generic) {
  auto kind = generic->getAttrOfType<StringAttr>(kKindAttr);
  if (!kind || kind.getValue() != "im2col" || generic.getNumDpsInputs() != 1 ||
      generic.getNumDpsInits() != 1)
    return std::nullopt;
  Value input = generic.getDpsInputs()[0], output = generic.getDpsInits()[0];
  auto inType = llvm::dyn_cast<MemRefType>(input.getType());
  auto outType = llvm::dyn_cast<MemRefType>(output.getType());
  if (!inType || !outType || !outType.hasStaticShape() ||
      !outType.getLayout().isIdentity() || !outType.getElementType().isF32())
    return std::nullopt;
  int64_t lead = outType.getRank() - 4; // C, or G and C
  if ((lead != 1 && lead != 2) || inType.getRank() != lead + 3 ||
      (lead == 2 && !inType.getLayout().isIdentity()))
    return std::nullopt;
  Block &body = generic.getRegion().front();
  if (body.getOperations().size() != 1 ||
      body.getTerminator()->getOperand(0) != body.getArgument(0) ||
      !generic.getIndexingMapsArray()[1].isIdentity())
    return std::nullopt;
  // Unit steps along each loop give the input map's coefficients: the
  // channel loops move their own input dimension, the window and output
  // loops only H (KH, OH) or W (KW, OW).
  AffineMap map = generic.getIndexingMapsArray()[0];
  int64_t loops = outType.getRank(), h = lead + 1, w = lead + 2;
  auto at = [&](int64_t loop) {
    SmallVector<int64_t> point(loops, 0);
    if (loop >= 0)
      point[loop] = 1;
    return map.compose(point);
  };
  auto only = [&](ArrayRef<int64_t> v, int64_t index) {
    for (auto [i, value] : llvm::enumerate(v))
      if (static_cast<int64_t>(i) != index && value != 0)
        return false;
    return v[index] > 0;
  };
  if (llvm::any_of(at(-1), [](int64_t v) { return v != 0; }))
    return std::nullopt;
  for (int64_t i = 0; i < lead; ++i)
    if (!only(at(i), 1 + i) || at(i)[1 + i] != 1)
      return std::nullopt;
  SmallVector<int64_t> y = at(lead), x = at(lead + 1), oh = at(lead + 2),
                       ow = at(lead + 3);
  if (!only(y, h) || !only(x, w) || !only(oh, h) || !only(ow, w))
    return std::nullopt;
  ArrayRef<int64_t> shape = outType.getShape();
  return WindowOp{Combine::Copy, input,           Value(),  output,
                  oh[h],         ow[w],           y[h],     x[w],
                  shape[lead],   shape[lead + 1], lead == 2};
}

std::optional<WindowOp> asWindowOp(linalg::LinalgOp op) {
  auto window = [&](auto named, Combine combine) -> std::optional<WindowOp> {
    auto strides = named.getStrides().template getValues<int64_t>();
    auto dilations = named.getDilations().template getValues<int64_t>();
    WindowOp w{combine,
               named.getInputs()[0],
               Value(),
               named.getOutputs()[0],
               strides[0],
               strides[1],
               dilations[0],
               dilations[1],
               0,
               0};
    auto shape = llvm::dyn_cast<MemRefType>(named.getInputs()[1].getType());
    if (!shape || !shape.hasStaticShape())
      return std::nullopt;
    ArrayRef<int64_t> dims = shape.getShape();
    if (combine == Combine::MultiplyAdd)
      w.filter = named.getInputs()[1];
    w.kh = dims[dims.size() - 2];
    w.kw = dims.back();
    return w;
  };
  Operation *raw = op.getOperation();
  if (auto dw = llvm::dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(raw))
    return window(dw, Combine::MultiplyAdd);
  if (auto max = llvm::dyn_cast<linalg::PoolingNchwMaxOp>(raw))
    return window(max, Combine::Max);
  if (auto sum = llvm::dyn_cast<linalg::PoolingNchwSumOp>(raw))
    return window(sum, Combine::Add);
  if (auto generic = llvm::dyn_cast<linalg::GenericOp>(raw))
    return asIm2col(generic);
  return std::nullopt;
}

/// The value outside the input that leaves a combination unchanged.
double padValue(Combine combine) {
  return combine == Combine::Max ? -std::numeric_limits<double>::infinity()
                                 : 0.0;
}

class DepthwiseEmitter {
public:
  DepthwiseEmitter(OpBuilder &b, Location loc, const WindowOp &op, Value input,
                   int64_t top, int64_t left, const VectorTarget &target)
      : b(b), loc(loc), input(input), filter(op.filter), output(op.output),
        target(target), combine(op.combine), top(top), left(left) {
    s0 = op.s0, s1 = op.s1, d0 = op.d0, d1 = op.d1;
    kh = op.kh, kw = op.kw;
    // [N, C, OH, OW]; an im2col's [C, KH, KW, OH, OW] reads one image.
    ArrayRef<int64_t> outShape =
        llvm::cast<MemRefType>(output.getType()).getShape();
    if (combine == Combine::Copy)
      out = {1, outShape[0], outShape[3], outShape[4]};
    else
      out.assign(outShape.begin(), outShape.end());
    ArrayRef<int64_t> in = llvm::cast<MemRefType>(input.getType()).getShape();
    height = in[2], width = in[3];
    vectorsPerSegment = target.registers >= 32 ? 4 : 2;
  }

  void emit() {
    if ((combine == Combine::MultiplyAdd || combine == Combine::Copy) &&
        s0 == s1) {
      FlatDepthwise flat{input, output, top, left, kh, kw, s0, d0, d1};
      flat.copy = combine == Combine::Copy;
      auto channels = [&](ChannelBody body) {
        forEachChannel([&](Value n, Value ch) {
          loadTaps(ch);
          body(n, ch, taps, epilogue.bias ? channelBias : Value());
        });
      };
      if (succeeded(
              emitFlatDepthwise(b, loc, flat, epilogue, target, channels)))
        return;
    }
    int64_t segment = vectorsPerSegment * target.lanes;
    // Columns: a head whose taps may start left of the row, segments in a
    // loop that stay inside, a tail up to the row's end.
    int64_t headEnd = 0;
    while (headEnd < out[3] && headEnd * s1 - left < 0)
      headEnd += segment;
    headEnd = std::min(headEnd, out[3]);
    int64_t mainEnd = headEnd;
    while (mainEnd + segment <= out[3] && inside(mainEnd, segment))
      mainEnd += segment;
    auto loadFits = [&](int64_t, int64_t chunkWidth) {
      return loadWidth(chunkWidth) <= width;
    };
    auto head = intoStrips(splitColumns(0, headEnd, target.lanes, loadFits),
                           vectorsPerSegment);
    auto tail =
        intoStrips(splitColumns(mainEnd, out[3], target.lanes, loadFits),
                   vectorsPerSegment);
    SmallVector<Chunk> full;
    for (int64_t v = 0; v < vectorsPerSegment; ++v)
      full.push_back({v * target.lanes, target.lanes});
    // Rows: those with taps above or below the input are peeled.
    std::pair<int64_t, int64_t> inner = innerRows();
    int64_t rowsBegin = inner.first, rowsEnd = inner.second;

    auto row = [&](Value n, Value ch, Value oh,
                   std::optional<int64_t> staticRow) {
      for (const auto &strip : head)
        emitSegment(n, ch, oh, staticRow, 0, strip);
      if (mainEnd > headEnd)
        buildLoop(b, loc, headEnd, mainEnd, segment, {},
                  [&](Value ow0, ValueRange) {
                    emitSegment(n, ch, oh, staticRow, ow0, full);
                    return SmallVector<Value>();
                  });
      for (const auto &strip : tail)
        emitSegment(n, ch, oh, staticRow, 0, strip);
    };
    forEachChannel([&](Value n, Value ch) {
      loadTaps(ch);
      for (int64_t oh = 0; oh < rowsBegin; ++oh)
        row(n, ch, indexConstant(b, loc, oh), oh);
      if (rowsEnd > rowsBegin)
        buildLoop(b, loc, rowsBegin, rowsEnd, 1, {}, [&](Value oh, ValueRange) {
          row(n, ch, oh, std::nullopt);
          return SmallVector<Value>();
        });
      for (int64_t oh = rowsEnd; oh < out[2]; ++oh)
        row(n, ch, indexConstant(b, loc, oh), oh);
    });
  }

  /// Whether the unrolled code stays small: every tap is emitted for each
  /// peeled row and for the loop body (a 60 x 80 dilated window is better
  /// left to the loop lowering).
  bool withinCodeBudget() const {
    auto [rowsBegin, rowsEnd] = innerRows();
    int64_t peeled = rowsBegin + (out[2] - rowsEnd);
    return kh * kw <= kMaxTaps && peeled <= kMaxPeeledRows;
  }

  static constexpr int64_t kMaxTaps = 121;
  static constexpr int64_t kMaxPeeledRows = 16;

private:
  /// Emits `body` for every channel of every image, split across threads
  /// by channel (by image, for a batch).
  void forEachChannel(llvm::function_ref<void(Value, Value)> body) {
    auto channels = [&](Value n) {
      return buildLoop(b, loc, 0, out[1], 1, {}, [&](Value ch, ValueRange) {
        body(n, ch);
        return SmallVector<Value>();
      });
    };
    if (out[0] == 1) {
      scf::ForOp loop = channels(indexConstant(b, loc, 0));
      if (!serial)
        markParallel(loop);
      return;
    }
    markParallel(buildLoop(b, loc, 0, out[0], 1, {}, [&](Value n, ValueRange) {
      channels(n);
      return SmallVector<Value>();
    }));
  }

  /// The channel's bias and filter taps.
  void loadTaps(Value ch) {
    taps.clear();
    if (epilogue.bias)
      channelBias =
          memref::LoadOp::create(b, loc, epilogue.bias, ValueRange{ch});
    for (int64_t y = 0; filter && y < kh; ++y)
      for (int64_t x = 0; x < kw; ++x)
        taps.push_back(
            memref::LoadOp::create(b, loc, filter,
                                   ValueRange{ch, indexConstant(b, loc, y),
                                              indexConstant(b, loc, x)}));
  }

  /// The output rows [begin, end) whose taps all stay inside the input;
  /// the rest are peeled.
  std::pair<int64_t, int64_t> innerRows() const {
    auto rowInside = [&](int64_t oh) {
      return oh * s0 - top >= 0 && oh * s0 + (kh - 1) * d0 - top < height;
    };
    int64_t rowsBegin = 0, rowsEnd = out[2];
    while (rowsBegin < out[2] && !rowInside(rowsBegin))
      ++rowsBegin;
    while (rowsEnd > rowsBegin && !rowInside(rowsEnd - 1))
      --rowsEnd;
    return {rowsBegin, rowsEnd};
  }

  /// Inputs one tap loads for `chunkWidth` outputs.
  int64_t loadWidth(int64_t chunkWidth) const {
    return s1 == 1 || chunkWidth == 1 ? chunkWidth : chunkWidth * s1;
  }

  /// Whether every tap's load for outputs [offset, offset + w) stays inside
  /// the input row.
  bool inside(int64_t offset, int64_t w) const {
    return offset * s1 - left >= 0 &&
           offset * s1 - left + loadWidth(w) - 1 + (kw - 1) * d1 < width;
  }

  Value accumulate(Value acc, Value in, int64_t tap) {
    switch (combine) {
    case Combine::MultiplyAdd: {
      Value weight =
          vector::BroadcastOp::create(b, loc, acc.getType(), taps[tap]);
      return vector::FMAOp::create(b, loc, in, weight, acc);
    }
    case Combine::Max:
      // The sign of a zero maximum is not worth its cost (a sign test and
      // a blend per tap on x86); NaNs still propagate.
      return arith::MaximumFOp::create(b, loc, acc, in,
                                       arith::FastMathFlags::nsz);
    case Combine::Add:
      return arith::AddFOp::create(b, loc, acc, in);
    case Combine::Copy:
      break; // emitCopy stores each tap instead
    }
    llvm_unreachable("no accumulation for this combination");
  }

  Value affine(Value base, int64_t scale, int64_t delta) {
    Value scaled =
        scale == 1 ? base
                   : Value(arith::MulIOp::create(b, loc, base,
                                                 indexConstant(b, loc, scale)));
    if (delta == 0)
      return scaled;
    return arith::AddIOp::create(b, loc, scaled, indexConstant(b, loc, delta));
  }

  /// Every s1-th of the `loadWidth(w)` inputs of `row` from column `col` on.
  Value loadInputs(Value n, Value ch, Value row, Value col, int64_t w) {
    Type f32 = b.getF32Type();
    Value loaded =
        vector::LoadOp::create(b, loc, VectorType::get({loadWidth(w)}, f32),
                               input, ValueRange{n, ch, row, col});
    if (loadWidth(w) == w)
      return loaded;
    SmallVector<int64_t> lanes;
    for (int64_t i = 0; i < w; ++i)
      lanes.push_back(i * s1);
    return vector::ShuffleOp::create(b, loc, loaded, loaded, lanes);
  }

  /// The inputs of tap column `x` for outputs [ow, ow + w) at a known
  /// column: null when all lie outside the row; otherwise one load inside
  /// the row and, where lanes fall outside, a shuffle bringing in the pad
  /// value.
  Value loadAtColumn(Value n, Value ch, Value row, int64_t ow, int64_t w,
                     int64_t x) {
    int64_t first = ow * s1 + x * d1 - left;
    SmallVector<int64_t> cols;
    bool any = false, all = true;
    for (int64_t i = 0; i < w; ++i) {
      cols.push_back(first + i * s1);
      bool in = cols.back() >= 0 && cols.back() < width;
      any |= in;
      all &= in;
    }
    if (!any)
      return Value();
    int64_t span = loadWidth(w);
    if (all && first + span <= width)
      return loadInputs(n, ch, row, indexConstant(b, loc, first), w);
    int64_t base = std::clamp<int64_t>(first, 0, width - span);
    Type f32 = b.getF32Type();
    auto spanType = VectorType::get({span}, f32);
    Value loaded = vector::LoadOp::create(
        b, loc, spanType, input,
        ValueRange{n, ch, row, indexConstant(b, loc, base)});
    Value pads = arith::ConstantOp::create(
        b, loc, spanType,
        DenseElementsAttr::get(spanType, b.getF32FloatAttr(padValue(combine))));
    SmallVector<int64_t> lanes;
    for (int64_t col : cols)
      lanes.push_back(col >= 0 && col < width ? col - base : span);
    return vector::ShuffleOp::create(b, loc, loaded, pads, lanes);
  }

  /// Outputs [ow0 + chunk.offset, ...) of row `oh`, ow0 a constant for the
  /// head and tail; `staticRow` when oh is known (a peeled row).
  void emitSegment(Value n, Value ch, Value oh,
                   std::optional<int64_t> staticRow,
                   std::variant<int64_t, Value> ow0, ArrayRef<Chunk> strip) {
    Type f32 = b.getF32Type();
    auto *knownColumn = std::get_if<int64_t>(&ow0);
    auto column = [&](int64_t delta) {
      return knownColumn ? indexConstant(b, loc, *knownColumn + delta)
                         : affine(std::get<Value>(ow0), 1, delta);
    };
    if (combine == Combine::Copy)
      return emitCopy(n, ch, oh, staticRow, ow0, strip);
    SmallVector<Value> cols, accs;
    for (const Chunk &chunk : strip) {
      cols.push_back(column(chunk.offset));
      auto type = VectorType::get({chunk.width}, f32);
      // Without a bias the output was filled first (zero; -inf for a max
      // pool): the accumulators start from that value instead of a load.
      Value start = epilogue.bias ? channelBias : epilogue.initial;
      accs.push_back(
          start
              ? Value(vector::BroadcastOp::create(b, loc, type, start))
              : Value(vector::LoadOp::create(
                    b, loc, type, output, ValueRange{n, ch, oh, cols.back()})));
    }
    for (int64_t y = 0; y < kh; ++y) {
      if (staticRow) {
        int64_t r = *staticRow * s0 + y * d0 - top;
        if (r < 0 || r >= height)
          continue;
      }
      Value row = affine(oh, s0, y * d0 - top);
      for (int64_t x = 0; x < kw; ++x) {
        for (size_t j = 0; j < strip.size(); ++j) {
          Value in =
              knownColumn
                  ? loadAtColumn(n, ch, row, *knownColumn + strip[j].offset,
                                 strip[j].width, x)
                  : loadInputs(n, ch, row,
                               affine(std::get<Value>(ow0), s1,
                                      strip[j].offset * s1 + x * d1 - left),
                               strip[j].width);
          if (!in)
            continue;
          accs[j] = accumulate(accs[j], in, y * kw + x);
        }
      }
    }
    for (size_t j = 0; j < strip.size(); ++j) {
      SmallVector<Value> loaded;
      if (epilogue.consumer)
        for (auto [i, other] :
             llvm::enumerate(epilogue.consumer.getDpsInputs()))
          if (static_cast<int64_t>(i) != epilogue.kernelInput)
            loaded.push_back(
                vector::LoadOp::create(b, loc, accs[j].getType(), other,
                                       ValueRange{n, ch, oh, cols[j]}));
      Value value = applyEpilogueBody(b, loc, epilogue, accs[j], loaded);
      vector::StoreOp::create(b, loc, value,
                              epilogue.consumer ? epilogue.result : output,
                              ValueRange{n, ch, oh, cols[j]});
    }
  }

  /// im2col: each tap's inputs for the segment go to the tap's own row of
  /// the output, the pad value where the tap is outside the input.
  void emitCopy(Value n, Value ch, Value oh, std::optional<int64_t> staticRow,
                std::variant<int64_t, Value> ow0, ArrayRef<Chunk> strip) {
    Type f32 = b.getF32Type();
    auto *knownColumn = std::get_if<int64_t>(&ow0);
    for (int64_t y = 0; y < kh; ++y) {
      bool rowOutside = false;
      if (staticRow) {
        int64_t r = *staticRow * s0 + y * d0 - top;
        rowOutside = r < 0 || r >= height;
      }
      Value row = affine(oh, s0, y * d0 - top);
      for (int64_t x = 0; x < kw; ++x)
        for (const Chunk &chunk : strip) {
          Value col = knownColumn
                          ? indexConstant(b, loc, *knownColumn + chunk.offset)
                          : affine(std::get<Value>(ow0), 1, chunk.offset);
          Value in;
          if (!rowOutside)
            in = knownColumn
                     ? loadAtColumn(n, ch, row, *knownColumn + chunk.offset,
                                    chunk.width, x)
                     : loadInputs(n, ch, row,
                                  affine(std::get<Value>(ow0), s1,
                                         chunk.offset * s1 + x * d1 - left),
                                  chunk.width);
          if (!in) {
            auto type = VectorType::get({chunk.width}, f32);
            in = arith::ConstantOp::create(
                b, loc, type,
                DenseElementsAttr::get(type, b.getF32FloatAttr(0)));
          }
          vector::StoreOp::create(b, loc, in, output,
                                  ValueRange{ch, indexConstant(b, loc, y),
                                             indexConstant(b, loc, x), oh,
                                             col});
        }
    }
  }

public:
  Epilogue epilogue;
  /// Whether the kernel runs on the calling thread only (inside a loop that
  /// is itself split across threads).
  bool serial = false;

private:
  /// The current channel's bias (with an absorbed bias broadcast).
  Value channelBias;

  OpBuilder &b;
  Location loc;
  Value input, filter, output;
  const VectorTarget &target;
  Combine combine;
  int64_t top, left;
  int64_t s0, s1, d0, d1, kh, kw, height, width, vectorsPerSegment;
  /// The output as [N, C, OH, OW].
  SmallVector<int64_t, 4> out;
  /// The current channel's filter taps, row-major.
  SmallVector<Value> taps;
};

} // namespace

LogicalResult emitWindowKernel(RewriterBase &rewriter, linalg::LinalgOp op,
                               const VectorTarget &target, bool &foldedPad) {
  foldedPad = false;
  std::optional<WindowOp> window = asWindowOp(op);
  if (!window || !op.hasPureBufferSemantics())
    return failure();
  if (!isVectorAddressable(window->input) ||
      !isVectorAddressable(window->output))
    return failure();
  if (window->filter) {
    auto filterType = llvm::dyn_cast<MemRefType>(window->filter.getType());
    if (!filterType || !filterType.hasStaticShape())
      return failure();
  }
  std::optional<ImplicitPad> pad =
      matchImplicitPad(window->input, op, padValue(window->combine));
  if (window->grouped) {
    // [1, G, C, Hp, Wp] and [G, C, KH, KW, OH, OW] as G*C channels.
    rewriter.setInsertionPoint(op);
    window->input = memref::CollapseShapeOp::create(
        rewriter, op.getLoc(), window->input,
        SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}, {4}});
    window->output = memref::CollapseShapeOp::create(
        rewriter, op.getLoc(), window->output,
        SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}, {4}, {5}});
  }
  Operation *keepAlive = pad ? findKeepAlive(*pad, op) : nullptr;
  if (keepAlive && !isVectorAddressable(pad->source))
    keepAlive = nullptr;
  Value read = keepAlive ? pad->source : window->input;
  DepthwiseEmitter emitter(rewriter, op.getLoc(), *window, read,
                           keepAlive ? pad->top : 0, keepAlive ? pad->left : 0,
                           target);
  if (!emitter.withinCodeBudget())
    return failure();
  SmallVector<Value> reads = {read};
  if (window->filter)
    reads.push_back(window->filter);
  if (window->combine != Combine::Copy)
    emitter.epilogue = matchEpilogue(op, window->output, reads);
  // A pool's output starts as the pad value (a fill), not as a bias.
  if (window->combine != Combine::MultiplyAdd && emitter.epilogue.bias) {
    emitter.epilogue.bias = Value();
    emitter.epilogue.absorbed.erase(emitter.epilogue.absorbed.begin());
  }
  rewriter.setInsertionPoint(op);
  emitter.emit();
  for (Operation *absorbed : emitter.epilogue.absorbed)
    rewriter.eraseOp(absorbed);
  rewriter.eraseOp(op);
  if (keepAlive) {
    eraseFoldedPad(rewriter, *pad, keepAlive);
    foldedPad = true;
  }
  return success();
}

bool isWindowOp(Operation *op) {
  auto linalgOp = llvm::dyn_cast<linalg::LinalgOp>(op);
  return linalgOp && linalgOp.hasPureBufferSemantics() &&
         asWindowOp(linalgOp).has_value();
}

double windowPadValue(Operation *op) {
  return llvm::isa<linalg::PoolingNchwMaxOp>(op) ? padValue(Combine::Max)
                                                 : padValue(Combine::Add);
}

bool depthwiseBandFits(linalg::DepthwiseConv2DNchwChwOp dw, int64_t rows) {
  std::optional<WindowOp> window = asWindowOp(dw);
  return window && window->kh * window->kw <= DepthwiseEmitter::kMaxTaps &&
         rows <= DepthwiseEmitter::kMaxPeeledRows;
}

std::optional<Im2colWindow> matchIm2col(linalg::GenericOp op) {
  std::optional<WindowOp> window = asIm2col(op);
  if (!window || window->grouped)
    return std::nullopt;
  return Im2colWindow{window->kh, window->s0, window->d0};
}

bool im2colBandFits(linalg::GenericOp op, int64_t rows) {
  std::optional<WindowOp> window = asIm2col(op);
  return window && window->kh * window->kw <= DepthwiseEmitter::kMaxTaps &&
         rows <= DepthwiseEmitter::kMaxPeeledRows;
}

void emitIm2colBand(OpBuilder &b, linalg::GenericOp op, Value input,
                    int64_t top, int64_t left, Value output,
                    const VectorTarget &target) {
  WindowOp window = *asIm2col(op);
  window.output = output;
  DepthwiseEmitter emitter(b, op.getLoc(), window, input, top, left, target);
  emitter.serial = true;
  emitter.emit();
}

void emitDepthwiseBand(OpBuilder &b, linalg::DepthwiseConv2DNchwChwOp dw,
                       Value input, int64_t top, int64_t left, Value output,
                       const Epilogue &epilogue, const VectorTarget &target) {
  WindowOp window = *asWindowOp(dw);
  window.output = output;
  DepthwiseEmitter emitter(b, dw.getLoc(), window, input, top, left, target);
  emitter.epilogue = epilogue;
  emitter.serial = true;
  emitter.emit();
}

} // namespace lwcc::cpu
