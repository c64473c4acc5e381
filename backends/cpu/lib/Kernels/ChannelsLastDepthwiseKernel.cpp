//===- ChannelsLastDepthwiseKernel.cpp - NHWC depthwise convs -------------===//
//
// A channels-last depthwise conv (lwcc-cpu-choose-layout) vectorises along
// the channels: every output pixel is a few vectors, each tap one load of
// the input pixel's channels and one multiply-add, whatever the stride,
// dilation or image width. Output rows are split across threads; in a row,
// a strip of channel vectors at a time (its taps' weights loaded once per
// row and strip), several pixels at once so their multiply-adds
// interleave; the bias starts the accumulators and the element-wise
// consumer runs on them before the store.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace lwcc::cpu {

namespace {

/// Output pixels computed together.
constexpr int64_t kPixels = 4;

Value add(OpBuilder &b, Location loc, Value base, int64_t offset) {
  if (offset == 0)
    return base;
  return arith::AddIOp::create(b, loc, base, indexConstant(b, loc, offset));
}

Value scaled(OpBuilder &b, Location loc, Value value, int64_t factor) {
  if (factor == 1)
    return value;
  return arith::MulIOp::create(b, loc, value, indexConstant(b, loc, factor));
}

struct ChannelsLastDepthwise {
  OpBuilder &b;
  Location loc;
  /// The image read ([1, H, W, C]: the padded input, or the pad's source
  /// with `top` rows and `left` columns of zeros the kernel supplies).
  Value image;
  int64_t top, left;
  Value filter, out;
  ArrayRef<int64_t> outShape;
  int64_t kh, kw, sy, sx, dy, dx;
  const Epilogue &epilogue;
  SmallVector<Value> consumerInputs;
  Value result;
  const VectorTarget &target;

  int64_t height() const {
    return llvm::cast<MemRefType>(image.getType()).getDimSize(1);
  }
  int64_t width() const {
    return llvm::cast<MemRefType>(image.getType()).getDimSize(2);
  }

  VectorType typeOf(const Chunk &chunk) {
    return VectorType::get({chunk.width}, b.getF32Type());
  }

  Value load(const Chunk &chunk, Value memref, ValueRange index) {
    return vector::LoadOp::create(b, loc, typeOf(chunk), memref, index);
  }

  /// The image row (or column) tap `t` of output row (column) `at`
  /// reads: a constant where `at` is known, nullopt where that is in the
  /// padding.
  struct Coordinate {
    Value at;
    std::optional<int64_t> known;
    int64_t stride, dilation, pad, size;

    std::optional<Value> tap(OpBuilder &b, Location loc, int64_t t) const {
      int64_t offset = t * dilation - pad;
      if (!known)
        return add(b, loc, scaled(b, loc, at, stride), offset);
      int64_t value = *known * stride + offset;
      if (value < 0 || value >= size)
        return std::nullopt;
      return indexConstant(b, loc, value);
    }
  };

  /// Output pixels `xs` of row `y` for the channel vectors of `strip`,
  /// whose taps are `weights` [tap][chunk]. A known row or column (an
  /// edge) skips the taps that fall into the padding.
  void emitPixels(const Coordinate &y, ArrayRef<Coordinate> xs,
                  ArrayRef<Chunk> strip, ArrayRef<Value> channel,
                  ArrayRef<SmallVector<Value>> weights) {
    Value zero = indexConstant(b, loc, 0);
    SmallVector<Value> accs;
    for (const Coordinate &x : xs)
      for (auto [j, chunk] : llvm::enumerate(strip)) {
        if (epilogue.bias)
          accs.push_back(load(chunk, epilogue.bias, {channel[j]}));
        else if (epilogue.initial)
          accs.push_back(vector::BroadcastOp::create(b, loc, typeOf(chunk),
                                                     epilogue.initial));
        else
          accs.push_back(load(chunk, out, {zero, y.at, x.at, channel[j]}));
      }
    for (int64_t ty = 0; ty < kh; ++ty) {
      std::optional<Value> row = y.tap(b, loc, ty);
      if (!row)
        continue;
      for (int64_t tx = 0; tx < kw; ++tx)
        for (auto [p, x] : llvm::enumerate(xs)) {
          std::optional<Value> col = x.tap(b, loc, tx);
          if (!col)
            continue;
          for (auto [j, chunk] : llvm::enumerate(strip)) {
            Value pixel = load(chunk, image, {zero, *row, *col, channel[j]});
            Value &acc = accs[p * strip.size() + j];
            acc = vector::FMAOp::create(b, loc, pixel, weights[ty * kw + tx][j],
                                        acc);
          }
        }
    }
    Value target = result ? result : out;
    for (auto [p, x] : llvm::enumerate(xs))
      for (auto [j, chunk] : llvm::enumerate(strip)) {
        SmallVector<Value> index = {zero, y.at, x.at, channel[j]};
        SmallVector<Value> loaded;
        for (Value operand : consumerInputs)
          loaded.push_back(load(chunk, operand, index));
        Value value = applyEpilogueBody(b, loc, epilogue,
                                        accs[p * strip.size() + j], loaded);
        vector::StoreOp::create(b, loc, value, target, index);
      }
  }

  /// The output columns whose windows stay inside the image's columns.
  std::pair<int64_t, int64_t> innerColumns() const {
    int64_t lo = llvm::divideCeil(left, sx);
    int64_t last = width() - 1 - (kw - 1) * dx + left;
    int64_t hi = last < 0 ? 0 : last / sx + 1;
    hi = std::min(hi, outShape[2]);
    lo = std::min(lo, hi);
    return {lo, hi};
  }

  void emitRow(Value y, std::optional<int64_t> knownY,
               ArrayRef<SmallVector<Chunk>> strips) {
    auto [lo, hi] = innerColumns();
    Coordinate row{y, knownY, sy, dy, top, height()};
    auto column = [&](Value x, std::optional<int64_t> known) {
      return Coordinate{x, known, sx, dx, left, width()};
    };
    // The edge columns (their taps known) and the inner columns past the
    // last whole group, computed together.
    SmallVector<int64_t> rest;
    for (int64_t x = 0; x < lo; ++x)
      rest.push_back(x);
    int64_t full = lo + (hi - lo) / kPixels * kPixels;
    for (int64_t x = full; x < outShape[2]; ++x)
      rest.push_back(x);
    // A strip at channel `base` (chunk offsets relative to it).
    auto emitStrip = [&](ArrayRef<Chunk> strip, Value base) {
      SmallVector<Value> channel;
      for (const Chunk &chunk : strip)
        channel.push_back(add(b, loc, base, chunk.offset));
      SmallVector<SmallVector<Value>> weights;
      for (int64_t ty = 0; ty < kh; ++ty)
        for (int64_t tx = 0; tx < kw; ++tx) {
          weights.emplace_back();
          for (auto [j, chunk] : llvm::enumerate(strip))
            weights.back().push_back(
                load(chunk, filter,
                     {indexConstant(b, loc, ty), indexConstant(b, loc, tx),
                      channel[j]}));
        }
      if (full > lo)
        buildLoop(b, loc, lo, full, kPixels, {}, [&](Value x, ValueRange) {
          SmallVector<Coordinate> xs;
          for (int64_t p = 0; p < kPixels; ++p)
            xs.push_back(column(add(b, loc, x, p), std::nullopt));
          emitPixels(row, xs, strip, channel, weights);
          return SmallVector<Value>();
        });
      for (size_t i = 0; i < rest.size(); i += kPixels) {
        SmallVector<Coordinate> xs;
        for (int64_t x : ArrayRef<int64_t>(rest).slice(
                 i, std::min<size_t>(kPixels, rest.size() - i)))
          xs.push_back(column(indexConstant(b, loc, x),
                              x < lo || x >= hi ? std::optional<int64_t>(x)
                                                : std::nullopt));
        emitPixels(row, xs, strip, channel, weights);
      }
    };
    // Strips of whole vectors run as a loop over their channels (one
    // body: unrolled, 512 channels made the code too large for the
    // instruction cache); the ragged channels after them as one more.
    int64_t perStrip = strips.front().size();
    int64_t loopStrips = 0;
    for (ArrayRef<Chunk> strip : strips) {
      if (static_cast<int64_t>(strip.size()) != perStrip ||
          llvm::any_of(strip, [&](const Chunk &chunk) {
            return chunk.width != target.lanes;
          }))
        break;
      ++loopStrips;
    }
    int64_t stripChannels = perStrip * target.lanes;
    auto relative = [&](ArrayRef<Chunk> strip) {
      SmallVector<Chunk> chunks(strip);
      for (Chunk &chunk : chunks)
        chunk.offset -= strip.front().offset;
      return chunks;
    };
    if (loopStrips == 1)
      emitStrip(relative(strips.front()), indexConstant(b, loc, 0));
    else if (loopStrips > 1)
      buildLoop(b, loc, 0, loopStrips * stripChannels, stripChannels, {},
                [&](Value base, ValueRange) {
                  emitStrip(relative(strips.front()), base);
                  return SmallVector<Value>();
                });
    for (ArrayRef<Chunk> strip : ArrayRef(strips).drop_front(loopStrips))
      emitStrip(relative(strip), indexConstant(b, loc, strip.front().offset));
  }

  void emit() {
    int64_t channels = outShape[3];
    SmallVector<Chunk> chunks = splitColumns(0, channels, target.lanes);
    // The strip's weights stay in registers across the row with room for
    // the pixels' accumulators and a loaded pixel.
    int64_t taps = kh * kw;
    int64_t perStrip =
        std::max<int64_t>(1, (target.registers - 2) / (taps + kPixels));
    SmallVector<SmallVector<Chunk>> strips = intoStrips(chunks, perStrip);
    // Rows whose windows reach into the padding get code of their own.
    RowBands bands{1, sy, (kh - 1) * dy + 1, top, height()};
    SmallVector<int64_t> edges = bands.edgeBands(outShape[1]);
    scf::ForOp rows =
        buildLoop(b, loc, 0, outShape[1], 1, {}, [&](Value y, ValueRange) {
          bands.emitCases(b, loc, y, edges, [&](std::optional<int64_t> known) {
            emitRow(known ? indexConstant(b, loc, *known) : y, known, strips);
          });
          return SmallVector<Value>();
        });
    markParallel(rows);
  }
};

bool isStaticF32(Value value, int64_t rank) {
  auto type = llvm::dyn_cast<MemRefType>(value.getType());
  return type && type.getRank() == rank && type.hasStaticShape() &&
         type.getElementType().isF32() && isVectorAddressable(value);
}

} // namespace

LogicalResult emitChannelsLastDepthwise(RewriterBase &rewriter,
                                        linalg::DepthwiseConv2DNhwcHwcOp op,
                                        const VectorTarget &target) {
  if (!op.hasPureBufferSemantics())
    return failure();
  Value input = op.getInputs()[0], filter = op.getInputs()[1],
        out = op.getOutputs()[0];
  if (!isStaticF32(input, 4) || !isStaticF32(filter, 3) ||
      !isStaticF32(out, 4) ||
      llvm::cast<MemRefType>(out.getType()).getDimSize(0) != 1)
    return failure();
  auto strides = llvm::to_vector(op.getStrides().getValues<int64_t>());
  auto dilations = llvm::to_vector(op.getDilations().getValues<int64_t>());
  ArrayRef<int64_t> wShape =
      llvm::cast<MemRefType>(filter.getType()).getShape();
  Epilogue epilogue =
      matchEpilogue(op, out, ValueRange{input, filter}, /*channelsLast=*/true);
  SmallVector<Value> consumerInputs;
  Value result;
  if (epilogue.consumer) {
    for (auto [i, operand] : llvm::enumerate(epilogue.consumer.getDpsInputs()))
      if (static_cast<int64_t>(i) != epilogue.kernelInput)
        consumerInputs.push_back(operand);
    result = epilogue.result;
    if (!isStaticF32(result, 4) ||
        !llvm::all_of(consumerInputs,
                      [](Value value) { return isStaticF32(value, 4); }))
      return failure();
  }
  PaddedRead read = readThroughPad(input, op);
  rewriter.setInsertionPoint(op);
  ChannelsLastDepthwise kernel{
      rewriter,     op.getLoc(),
      read.image,   read.top,
      read.left,    filter,
      out,          llvm::cast<MemRefType>(out.getType()).getShape(),
      wShape[0],    wShape[1],
      strides[0],   strides[1],
      dilations[0], dilations[1],
      epilogue,     consumerInputs,
      result,       target};
  kernel.emit();
  if (read.keepAlive)
    eraseFoldedPad(rewriter, *read.pad, read.keepAlive);
  for (Operation *absorbed : epilogue.absorbed)
    rewriter.eraseOp(absorbed);
  rewriter.eraseOp(op);
  return success();
}

} // namespace lwcc::cpu
