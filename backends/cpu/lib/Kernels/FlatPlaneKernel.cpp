//===- FlatPlaneKernel.cpp - depthwise convs on flattened planes ----------===//
//
// A depthwise conv whose output rows are narrow wastes most of a vector on
// each row (a row of 28 takes 16 + 8 + 4 lanes per tap, one of 7 takes
// 4 + 2 + 1). Here vectors run along the flattened output plane instead:
// output pixel p = (oy, ox) of one channel, tap (ky, kx) reads the source
// plane at p + sy * OW + sx, so each tap of an output vector is one
// unaligned load with the lanes whose tap falls outside the image (another
// row, above, below) zeroed by a select with a constant mask.
//
// Stride 1: the source is the input plane itself (same size as the
// output). A span that would start before the plane or end past it (the
// first and last rows) is instead a shuffle of the two in-plane vectors it
// straddles. Stride 2: each channel's input is first split into its 2 x 2
// phases Q[py][px][i][j] = I[2i + py][2j + px], each OH x OW, in a stack
// buffer with margins; tap (ky, kx) then reads phase (dy mod 2, dx mod 2)
// shifted by (floor(dy / 2), floor(dx / 2)), dy = ky - top, dx = kx - left,
// a stride-1 read again, and the margins keep every span inside the buffer.
//
// Which lanes are valid depends on the vector only through its pixels'
// columns away from the first and last rows, and lanes * P pixels are a
// whole number of rows for P = OW / gcd(OW, lanes): the vectors in between
// run as a loop over groups of P (7 for the widths 7 * 2^k the models
// have). Within a group the accumulators take each tap in turn, so one
// broadcast weight is live, and the epilogues' long chains (a sigmoid's)
// overlap one another.
//
// An im2col copy of a narrow plane (a 3x3 conv's at 7x7 or 14x14) runs the
// same way, each tap's reads stored to the tap's own row of the column
// matrix instead of accumulated: a row of 7 by rows took a 4-, a 2- and a
// 1-lane piece per tap (regnet_x_400mf's twelve 25x16x3x3x7x7 im2cols
// 0.27 -> 0.17 ms in all, 1 thread).
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <array>
#include <numeric>

using namespace mlir;

namespace lwcc::cpu {
namespace {

/// Vectors' taps emitted without a loop, at most: the first and last rows,
/// the rest of the loop's groups.
constexpr int64_t kMaxStaticTaps = 4096;
/// The phase buffer of a stride-2 conv, at most (f32 elements; 32 KiB, an
/// L1): efficientnet_b0's 96x56x56 (from 112x112, a 50 KiB buffer) took
/// 0.38-0.43 ms on phases, 0.22-0.28 by rows.
constexpr int64_t kMaxPhaseElements = 8192;

/// How one tap reads one output vector.
struct TapRead {
  enum Kind { None, Load, Shuffle } kind = None;
  /// The source element under the vector's first lane, relative to the
  /// vector's first output pixel.
  int64_t shift = 0;
  /// Bit i: lane i's tap is inside the image.
  uint64_t valid = 0;
  bool operator==(const TapRead &o) const {
    return kind == o.kind && shift == o.shift && valid == o.valid;
  }
};

class FlatPlaneEmitter {
public:
  FlatPlaneEmitter(OpBuilder &b, Location loc, const FlatDepthwise &conv,
                   const Epilogue &epilogue, const VectorTarget &target)
      : b(b), loc(loc), conv(conv), epilogue(epilogue), lanes(target.lanes) {
    ArrayRef<int64_t> out =
        llvm::cast<MemRefType>(conv.output.getType()).getShape();
    oh = out[out.size() - 2], ow = out.back(), plane = oh * ow;
    vectors = (plane + lanes - 1) / lanes;
    period = ow / std::gcd(ow, lanes);
    group = target.registers >= 32 ? 8 : 4;
    if (conv.stride == 2)
      sizePhaseBuffer();
    for (int64_t v = 0; v < vectors; ++v)
      reads.push_back(planVector(v));
    planRuns();
  }

  /// Whether the unrolled part stays small and the phases fit the stack.
  bool fits() const {
    if (conv.stride == 2 && phaseElements > kMaxPhaseElements)
      return false;
    int64_t staticTaps = 0;
    for (const Run &run : runs)
      if (run.iterations == 1)
        staticTaps += run.count * conv.kh * conv.kw;
    return staticTaps <= kMaxStaticTaps;
  }

  /// Image n's channel ch, its KH x KW weights `taps`, its bias (null
  /// without one).
  void emitPlane(Value n, Value ch, ArrayRef<Value> taps, Value bias) {
    Type f32 = b.getF32Type();
    type = VectorType::get({lanes}, f32);
    zero = arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, b.getF32FloatAttr(0)));
    this->n = n, this->ch = ch, this->bias = bias;
    weights.assign(taps.begin(), taps.end());
    outFlat = conv.copy
                  ? memref::CollapseShapeOp::create(
                        b, loc, conv.output,
                        SmallVector<ReassociationIndices>{{0}, {1, 2}, {3, 4}})
                  : flat(conv.output);
    resultFlat = epilogue.consumer ? flat(epilogue.result) : outFlat;
    others.clear();
    if (epilogue.consumer)
      for (auto [i, other] :
           llvm::enumerate(linalg::GenericOp(epilogue.consumer).getDpsInputs()))
        if (static_cast<int64_t>(i) != epilogue.kernelInput)
          others.push_back(flat(other));
    if (conv.stride == 2) {
      source = memref::AllocaOp::create(b, loc,
                                        MemRefType::get({phaseElements}, f32),
                                        b.getI64IntegerAttr(64));
      splitPhases();
    } else {
      source = flat(conv.input);
    }
    for (const Run &run : runs) {
      if (run.iterations == 1) {
        for (int64_t v = run.first; v < run.first + run.count; v += group)
          emitGroup(indexConstant(b, loc, 0), v,
                    std::min(group, run.first + run.count - v));
        continue;
      }
      buildLoop(b, loc, 0, run.iterations * run.count * lanes,
                run.count * lanes, {}, [&](Value offset, ValueRange) {
                  for (int64_t j = 0; j < run.count; j += group)
                    emitGroup(offset, run.first + j,
                              std::min(group, run.count - j));
                  return SmallVector<Value>();
                });
    }
  }

private:
  /// Vectors [first, first + count) then, `iterations` - 1 more times, the
  /// next `count` (which read the same way).
  struct Run {
    int64_t first, count, iterations;
  };

  /// Phase planes' start in the buffer, and its size.
  void sizePhaseBuffer() {
    int64_t lowest = 0, highest = 0;
    for (int64_t y = 0; y < conv.kh; ++y)
      for (int64_t x = 0; x < conv.kw; ++x) {
        auto [sy, sx, base] = sourceOf(y, x, /*withBase=*/false);
        (void)base;
        lowest = std::min(lowest, sy * ow + sx);
        highest = std::max(highest, sy * ow + sx);
      }
    margin = -lowest;
    phaseElements = margin + 4 * plane + highest + lanes;
  }

  /// The row and column shift of tap (y, x) in its source plane, and where
  /// that plane starts.
  std::tuple<int64_t, int64_t, int64_t> sourceOf(int64_t y, int64_t x,
                                                 bool withBase = true) const {
    int64_t dy = y * conv.d0 - conv.top, dx = x * conv.d1 - conv.left;
    if (conv.stride == 1)
      return {dy, dx, 0};
    int64_t py = dy - 2 * llvm::divideFloorSigned(dy, 2),
            px = dx - 2 * llvm::divideFloorSigned(dx, 2);
    return {llvm::divideFloorSigned(dy, 2), llvm::divideFloorSigned(dx, 2),
            withBase ? margin + (py * 2 + px) * plane : 0};
  }

  SmallVector<TapRead> planVector(int64_t v) const {
    SmallVector<TapRead> taps;
    for (int64_t y = 0; y < conv.kh; ++y)
      for (int64_t x = 0; x < conv.kw; ++x) {
        auto [sy, sx, base] = sourceOf(y, x);
        TapRead read;
        for (int64_t i = 0; i < lanes; ++i) {
          int64_t p = v * lanes + i, row = p / ow, col = p % ow;
          if (p < plane && row + sy >= 0 && row + sy < oh && col + sx >= 0 &&
              col + sx < ow)
            read.valid |= uint64_t(1) << i;
        }
        read.shift = base + sy * ow + sx;
        if (read.valid) {
          int64_t first = v * lanes + read.shift;
          bool inside =
              conv.stride == 2 || (first >= 0 && first + lanes <= plane);
          read.kind = inside ? TapRead::Load : TapRead::Shuffle;
        }
        taps.push_back(read);
      }
    return taps;
  }

  /// Whether vector v can run in a loop body standing for v + k * period.
  bool loopable(int64_t v) const {
    if ((v + 1) * lanes > plane)
      return false;
    return llvm::none_of(reads[v], [](const TapRead &read) {
      return read.kind == TapRead::Shuffle;
    });
  }

  /// Splits the vectors into runs: loops where `period` vectors repeat
  /// their reads at least twice, single vectors elsewhere.
  void planRuns() {
    // same[v]: vector v reads like v + period, both loopable.
    SmallVector<int64_t> streak(vectors + 1, 0);
    for (int64_t v = vectors - 1; v >= 0; --v) {
      bool same = v + period < vectors && loopable(v) && loopable(v + period) &&
                  reads[v] == reads[v + period];
      streak[v] = same ? streak[v + 1] + 1 : 0;
    }
    int64_t v = 0, pending = -1;
    auto flush = [&](int64_t end) {
      if (pending >= 0)
        runs.push_back({pending, end - pending, 1});
      pending = -1;
    };
    while (v < vectors) {
      // A loop of k groups needs the first (k - 1) * period vectors to
      // match the group after them.
      int64_t k = streak[v] >= period ? 1 + streak[v] / period : 1;
      if (k >= 2) {
        flush(v);
        runs.push_back({v, period, k});
        v += k * period;
        continue;
      }
      if (pending < 0)
        pending = v;
      ++v;
    }
    flush(vectors);
  }

  Value flat(Value value) {
    return memref::CollapseShapeOp::create(
        b, loc, value, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  }

  Value mask(uint64_t valid) {
    auto maskType = VectorType::get({lanes}, b.getI1Type());
    SmallVector<bool> on;
    for (int64_t i = 0; i < lanes; ++i)
      on.push_back(valid >> i & 1);
    return arith::ConstantOp::create(b, loc, maskType,
                                     DenseElementsAttr::get(maskType, on));
  }

  Value at(Value offset, int64_t delta) {
    return arith::AddIOp::create(b, loc, offset, indexConstant(b, loc, delta));
  }

  /// Loads `width` lanes of a flattened [N, C, plane] buffer at pixel
  /// offset + delta (a prefix of a vector, masked, past the plane's end).
  Value loadPixels(Value memref, Value offset, int64_t delta, int64_t width) {
    SmallVector<Value, 3> indices = {n, ch, at(offset, delta)};
    if (width == lanes)
      return vector::LoadOp::create(b, loc, type, memref, indices);
    uint64_t prefix = (uint64_t(1) << width) - 1;
    return vector::MaskedLoadOp::create(b, loc, type, memref, indices,
                                        mask(prefix), zero);
  }

  Value sourceLoad(Value offset, int64_t delta) {
    if (conv.stride == 2)
      return vector::LoadOp::create(b, loc, type, source,
                                    ValueRange{at(offset, delta)});
    return vector::LoadOp::create(b, loc, type, source,
                                  ValueRange{n, ch, at(offset, delta)});
  }

  int64_t filled(int64_t v) const { return std::min(lanes, plane - v * lanes); }

  /// Tap `read` of static vector v whose span leaves the plane (stride 1):
  /// the two in-plane vectors it straddles, shuffled.
  Value straddlingRead(int64_t v, const TapRead &read,
                       DenseMap<int64_t, Value> &cache) {
    auto vectorAt = [&](int64_t u) -> Value {
      if (u < 0 || u >= vectors)
        return zero;
      Value &loaded = cache[u];
      if (!loaded)
        loaded =
            loadPixels(source, indexConstant(b, loc, 0), u * lanes, filled(u));
      return loaded;
    };
    int64_t first = v * lanes + read.shift;
    int64_t a = llvm::divideFloorSigned(first, lanes);
    int64_t shift = first - a * lanes;
    Value in = vectorAt(a);
    if (shift == 0)
      return in;
    SmallVector<int64_t> picks;
    for (int64_t i = 0; i < lanes; ++i)
      picks.push_back(shift + i);
    return vector::ShuffleOp::create(b, loc, in, vectorAt(a + 1), picks);
  }

  /// Stores `value` as vector v of `memref`'s plane `lead` (two indices),
  /// at pixel offset + v * lanes, masked past the plane's end.
  void storePixels(Value value, Value memref, std::array<Value, 2> lead,
                   Value offset, int64_t v) {
    SmallVector<Value, 3> indices = {lead[0], lead[1], at(offset, v * lanes)};
    if (filled(v) == lanes)
      vector::StoreOp::create(b, loc, value, memref, indices);
    else
      vector::MaskedStoreOp::create(
          b, loc, memref, indices, mask((uint64_t(1) << filled(v)) - 1), value);
  }

  /// Tap `t` of vector v at pixel offset + v * lanes, zero where the tap
  /// is outside the image.
  Value tapRead(Value offset, int64_t v, int64_t t,
                DenseMap<int64_t, Value> &cache) {
    uint64_t all = lanes == 64 ? ~uint64_t(0) : (uint64_t(1) << lanes) - 1;
    const TapRead &read = reads[v][t];
    if (read.kind == TapRead::None)
      return Value();
    Value in = read.kind == TapRead::Load
                   ? sourceLoad(offset, v * lanes + read.shift)
                   : straddlingRead(v, read, cache);
    if ((read.valid & all) != all)
      in = arith::SelectOp::create(b, loc, mask(read.valid), in, zero);
    return in;
  }

  /// The im2col's rows for output vectors first .. first + count - 1:
  /// tap t's reads to row (ch, t).
  void emitCopyGroup(Value offset, int64_t first, int64_t count) {
    DenseMap<int64_t, Value> cache;
    for (int64_t t = 0, e = conv.kh * conv.kw; t < e; ++t) {
      Value row = indexConstant(b, loc, t);
      for (int64_t v = first; v < first + count; ++v) {
        Value in = tapRead(offset, v, t, cache);
        storePixels(in ? in : zero, outFlat, {ch, row}, offset, v);
      }
    }
  }

  /// Output vectors first .. first + count - 1 (the reads planned for
  /// them), at pixel offset + v * lanes.
  void emitGroup(Value offset, int64_t first, int64_t count) {
    if (conv.copy)
      return emitCopyGroup(offset, first, count);
    SmallVector<Value> accs;
    Value start = bias ? bias : epilogue.initial;
    for (int64_t j = 0; j < count; ++j) {
      int64_t v = first + j;
      accs.push_back(
          start ? Value(vector::BroadcastOp::create(b, loc, type, start))
                : loadPixels(outFlat, offset, v * lanes, filled(v)));
    }
    DenseMap<int64_t, Value> cache;
    for (int64_t t = 0, e = conv.kh * conv.kw; t < e; ++t) {
      Value weight;
      for (int64_t j = 0; j < count; ++j) {
        Value in = tapRead(offset, first + j, t, cache);
        if (!in)
          continue;
        if (!weight)
          weight = vector::BroadcastOp::create(b, loc, type, weights[t]);
        accs[j] = vector::FMAOp::create(b, loc, in, weight, accs[j]);
      }
    }
    for (int64_t j = 0; j < count; ++j) {
      int64_t v = first + j;
      SmallVector<Value> loaded;
      for (Value other : others)
        loaded.push_back(loadPixels(other, offset, v * lanes, filled(v)));
      Value value = applyEpilogueBody(b, loc, epilogue, accs[j], loaded);
      storePixels(value, resultFlat, {n, ch}, offset, v);
    }
  }

  /// The channel's input split into its four phases (stride 2): row
  /// 2i + py's even columns to phase (py, 0)'s row i, odd ones to (py, 1).
  void splitPhases() {
    ArrayRef<int64_t> in =
        llvm::cast<MemRefType>(conv.input.getType()).getShape();
    int64_t width = in[3];
    Type f32 = b.getF32Type();
    buildLoop(b, loc, 0, oh, 1, {}, [&](Value i, ValueRange) {
      for (int64_t py = 0; py < 2; ++py) {
        Value row = arith::AddIOp::create(
            b, loc, arith::MulIOp::create(b, loc, i, indexConstant(b, loc, 2)),
            indexConstant(b, loc, py));
        Value rowStart =
            arith::MulIOp::create(b, loc, i, indexConstant(b, loc, ow));
        for (int64_t c = 0; c < width; c += 2 * lanes) {
          int64_t w = std::min(2 * lanes, width - c);
          Value loaded = vector::LoadOp::create(
              b, loc, VectorType::get({w}, f32), conv.input,
              ValueRange{n, ch, row, indexConstant(b, loc, c)});
          for (int64_t px = 0; px < 2; ++px) {
            SmallVector<int64_t> picks;
            for (int64_t k = px; k < w; k += 2)
              picks.push_back(k);
            Value phase =
                vector::ShuffleOp::create(b, loc, loaded, loaded, picks);
            vector::StoreOp::create(
                b, loc, phase, source,
                ValueRange{
                    at(rowStart, margin + (py * 2 + px) * plane + c / 2)});
          }
        }
      }
      return SmallVector<Value>();
    });
  }

  OpBuilder &b;
  Location loc;
  const FlatDepthwise &conv;
  const Epilogue &epilogue;
  int64_t lanes, oh = 0, ow = 0, plane = 0, vectors = 0, period = 1, group = 4;
  int64_t margin = 0, phaseElements = 0;
  /// reads[v][tap]
  SmallVector<SmallVector<TapRead>> reads;
  SmallVector<Run> runs;

  // The channel being emitted.
  VectorType type;
  Value zero, n, ch, bias, source, outFlat, resultFlat;
  SmallVector<Value> weights, others;
};

/// Whether `value` [N, C, H, W] has contiguous planes.
bool flattenable(Value value) {
  auto type = llvm::dyn_cast<MemRefType>(value.getType());
  return type && type.getRank() == 4 &&
         memref::CollapseShapeOp::isGuaranteedCollapsible(type,
                                                          {{0}, {1}, {2, 3}});
}

/// Whether the conv's shapes, strides and epilogue suit the flattened plane
/// (before planning its vectors).
bool suitsFlatPlane(const FlatDepthwise &conv, const Epilogue &epilogue,
                    const VectorTarget &target) {
  auto inType = llvm::cast<MemRefType>(conv.input.getType());
  ArrayRef<int64_t> in = inType.getShape(),
                    out = llvm::cast<MemRefType>(conv.output.getType())
                              .getShape();
  // An im2col's output has an identity layout (asIm2col).
  bool outputFlattens =
      conv.copy ? out.size() == 5 : out.size() == 4 && flattenable(conv.output);
  // Lane masks are 64-bit.
  if (in.size() != 4 || !outputFlattens || target.lanes > 64)
    return false;
  int64_t lanes = target.lanes, oh = out[out.size() - 2], ow = out.back();
  if (conv.stride == 1) {
    if (in[2] != oh || in[3] != ow || !flattenable(conv.input))
      return false;
    // Where the row kernel fills its vectors (rows of 56 or 112 on
    // AVX-512) it is as fast, with cheap epilogues faster (mobilenet_v1's
    // 32x112x112: 0.10 ms by rows, 0.12 flattened); an expensive epilogue
    // (a SiLU's) gains from the flattened kernel's wider groups
    // (efficientnet_b0's 32x112x112 0.22 -> 0.19 ms, 144x56x56 0.26 ->
    // 0.21).
    int64_t rowVectors = splitColumns(0, ow, lanes).size();
    bool narrowRows = 5 * ow < 4 * rowVectors * lanes;
    if (!narrowRows && !expensiveEpilogue(epilogue))
      return false;
  } else if (conv.stride == 2) {
    // The phases are the output's size: even H, W and a "same" window.
    if (conv.d0 != 1 || conv.d1 != 1 || in[2] != 2 * oh || in[3] != 2 * ow)
      return false;
    // Splitting the phases costs a pass over the input: it pays for 5x5
    // windows (efficientnet_b0's 144x28x28 0.23 -> 0.15 ms, 672x7x7 0.16
    // -> 0.065) and with expensive epilogues (its 240x14x14 3x3 0.070 ->
    // 0.047); 3x3 windows with a clamp are faster by rows (mobilenet_v2's
    // 96x56x56 0.20 ms by rows, 0.31 on phases; 144x28x28 0.053, 0.070).
    if (conv.kh * conv.kw < 25 && !expensiveEpilogue(epilogue))
      return false;
  } else {
    return false;
  }
  if (epilogue.consumer &&
      (!flattenable(epilogue.result) ||
       !llvm::all_of(linalg::GenericOp(epilogue.consumer).getDpsInputs(),
                     flattenable)))
    return false;
  return true;
}

} // namespace

LogicalResult
emitFlatDepthwise(OpBuilder &b, Location loc, const FlatDepthwise &conv,
                  const Epilogue &epilogue, const VectorTarget &target,
                  llvm::function_ref<void(ChannelBody)> forEachChannel) {
  if (!suitsFlatPlane(conv, epilogue, target))
    return failure();
  FlatPlaneEmitter emitter(b, loc, conv, epilogue, target);
  if (!emitter.fits())
    return failure();
  forEachChannel([&](Value n, Value ch, ArrayRef<Value> taps, Value bias) {
    emitter.emitPlane(n, ch, taps, bias);
  });
  return success();
}

} // namespace lwcc::cpu
