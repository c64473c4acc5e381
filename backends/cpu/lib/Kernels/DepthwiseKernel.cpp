//===- DepthwiseKernel.cpp - row-vectorised depthwise convolution ---------===//
//
// O[n, c, oh, ow] += sum_{kh, kw} I[n, c, oh*s0 + kh*d0, ow*s1 + kw*d1] *
// F[c, kh, kw] over an already padded NCHW input. Vectors run along an
// output row: a segment of it stays in registers across all KH x KW taps,
// each tap one load of the input row and one fused multiply-add with the
// tap's broadcast weight. With a column stride s1 > 1 a tap loads s1 times
// as many inputs and keeps every s1-th lane (a shuffle); such a load may
// not run past the padded row, so segments near the row's end narrow.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace lwcc::cpu {
namespace {

class DepthwiseEmitter {
public:
  DepthwiseEmitter(OpBuilder &b, Location loc, linalg::DepthwiseConv2DNchwChwOp op,
                   const VectorTarget &target)
      : b(b), loc(loc), input(op.getInputs()[0]), filter(op.getInputs()[1]),
        output(op.getOutputs()[0]), target(target) {
    auto strides = op.getStrides().getValues<int64_t>();
    auto dilations = op.getDilations().getValues<int64_t>();
    s0 = strides[0], s1 = strides[1], d0 = dilations[0], d1 = dilations[1];
    ArrayRef<int64_t> f = llvm::cast<MemRefType>(filter.getType()).getShape();
    kh = f[1], kw = f[2];
    paddedWidth = llvm::cast<MemRefType>(input.getType()).getDimSize(3);
    vectorsPerSegment = target.registers >= 32 ? 4 : 2;
  }

  void emit() {
    ArrayRef<int64_t> out = llvm::cast<MemRefType>(output.getType()).getShape();
    int64_t segment = vectorsPerSegment * target.lanes;
    int64_t fullSegments = 0;
    while ((fullSegments + 1) * segment <= out[3] && fits(fullSegments * segment, segment))
      ++fullSegments;
    int64_t mainEnd = fullSegments * segment;
    SmallVector<Chunk> full;
    for (int64_t v = 0; v < vectorsPerSegment; ++v)
      full.push_back({v * target.lanes, target.lanes});
    auto tail = intoStrips(
        splitColumns(mainEnd, out[3], target.lanes,
                     [&](int64_t offset, int64_t width) { return fits(offset, width); }),
        vectorsPerSegment);

    auto channels = [&](Value n) {
      scf::ForOp loop = buildLoop(b, loc, 0, out[1], 1, {}, [&](Value ch, ValueRange) {
        taps.clear();
        if (epilogue.bias)
          channelBias = memref::LoadOp::create(b, loc, epilogue.bias, ValueRange{ch});
        for (int64_t y = 0; y < kh; ++y)
          for (int64_t x = 0; x < kw; ++x)
            taps.push_back(memref::LoadOp::create(
                b, loc, filter,
                ValueRange{ch, indexConstant(b, loc, y), indexConstant(b, loc, x)}));
        buildLoop(b, loc, 0, out[2], 1, {}, [&](Value oh, ValueRange) {
          if (mainEnd > 0)
            buildLoop(b, loc, 0, mainEnd, segment, {}, [&](Value ow0, ValueRange) {
              emitSegment(n, ch, oh, ow0, full);
              return SmallVector<Value>();
            });
          for (const auto &strip : tail)
            emitSegment(n, ch, oh, indexConstant(b, loc, 0), strip);
          return SmallVector<Value>();
        });
        return SmallVector<Value>();
      });
      return loop;
    };
    // Threads split the channels (the images, for a batch).
    if (out[0] == 1) {
      markParallel(channels(indexConstant(b, loc, 0)));
      return;
    }
    markParallel(buildLoop(b, loc, 0, out[0], 1, {}, [&](Value n, ValueRange) {
      channels(n);
      return SmallVector<Value>();
    }));
  }

private:
  /// Whether `width` outputs from column `offset` can be computed with
  /// loads that stay inside the padded row.
  bool fits(int64_t offset, int64_t width) const {
    if (s1 == 1 || width == 1)
      return true;
    return (offset + width) * s1 + (kw - 1) * d1 <= paddedWidth;
  }

  Value affine(Value base, int64_t scale, int64_t delta) {
    Value scaled = scale == 1 ? base
                              : Value(arith::MulIOp::create(b, loc, base,
                                                            indexConstant(b, loc, scale)));
    if (delta == 0)
      return scaled;
    return arith::AddIOp::create(b, loc, scaled, indexConstant(b, loc, delta));
  }

  /// `width` inputs of row `row` from column `col` on, every s1-th.
  Value loadInputs(Value n, Value ch, Value row, Value col, int64_t width) {
    Type f32 = b.getF32Type();
    if (s1 == 1 || width == 1)
      return vector::LoadOp::create(b, loc, VectorType::get({width}, f32), input,
                                    ValueRange{n, ch, row, col});
    Value wide = vector::LoadOp::create(b, loc, VectorType::get({width * s1}, f32), input,
                                        ValueRange{n, ch, row, col});
    SmallVector<int64_t> lanes;
    for (int64_t i = 0; i < width; ++i)
      lanes.push_back(i * s1);
    return vector::ShuffleOp::create(b, loc, wide, wide, lanes);
  }

  void emitSegment(Value n, Value ch, Value oh, Value ow0, ArrayRef<Chunk> strip) {
    Type f32 = b.getF32Type();
    SmallVector<Value> cols, accs;
    for (const Chunk &chunk : strip) {
      cols.push_back(affine(ow0, 1, chunk.offset));
      auto type = VectorType::get({chunk.width}, f32);
      accs.push_back(epilogue.bias
                         ? Value(vector::BroadcastOp::create(b, loc, type, channelBias))
                         : Value(vector::LoadOp::create(b, loc, type, output,
                                                        ValueRange{n, ch, oh, cols.back()})));
    }
    for (int64_t y = 0; y < kh; ++y) {
      Value row = affine(oh, s0, y * d0);
      for (int64_t x = 0; x < kw; ++x) {
        for (size_t j = 0; j < strip.size(); ++j) {
          Value col = affine(ow0, s1, strip[j].offset * s1 + x * d1);
          Value in = loadInputs(n, ch, row, col, strip[j].width);
          Value weight = vector::BroadcastOp::create(
              b, loc, VectorType::get({strip[j].width}, f32), taps[y * kw + x]);
          accs[j] = vector::FMAOp::create(b, loc, in, weight, accs[j]);
        }
      }
    }
    for (size_t j = 0; j < strip.size(); ++j) {
      SmallVector<Value> loaded;
      if (epilogue.consumer)
        for (auto [i, other] : llvm::enumerate(epilogue.consumer.getDpsInputs()))
          if (static_cast<int64_t>(i) != epilogue.kernelInput)
            loaded.push_back(vector::LoadOp::create(b, loc, accs[j].getType(), other,
                                                    ValueRange{n, ch, oh, cols[j]}));
      Value value = applyEpilogueBody(b, loc, epilogue, accs[j], loaded);
      vector::StoreOp::create(b, loc, value, epilogue.consumer ? epilogue.result : output,
                              ValueRange{n, ch, oh, cols[j]});
    }
  }

public:
  Epilogue epilogue;

private:
  /// The current channel's bias (with an absorbed bias broadcast).
  Value channelBias;

  OpBuilder &b;
  Location loc;
  Value input, filter, output;
  const VectorTarget &target;
  int64_t s0, s1, d0, d1, kh, kw, paddedWidth, vectorsPerSegment;
  /// The current channel's filter taps, row-major.
  SmallVector<Value> taps;
};

} // namespace

LogicalResult emitDepthwiseKernel(RewriterBase &rewriter,
                                  linalg::DepthwiseConv2DNchwChwOp op,
                                  const VectorTarget &target) {
  if (!op.hasPureBufferSemantics())
    return failure();
  Value input = op.getInputs()[0], filter = op.getInputs()[1], output = op.getOutputs()[0];
  auto filterType = llvm::dyn_cast<MemRefType>(filter.getType());
  if (!isVectorAddressable(input) || !isVectorAddressable(output) || !filterType ||
      !filterType.hasStaticShape())
    return failure();
  DepthwiseEmitter emitter(rewriter, op.getLoc(), op, target);
  emitter.epilogue = matchEpilogue(op, output, ValueRange{input, filter});
  rewriter.setInsertionPoint(op);
  emitter.emit();
  for (Operation *absorbed : emitter.epilogue.absorbed)
    rewriter.eraseOp(absorbed);
  rewriter.eraseOp(op);
  return success();
}

} // namespace lwcc::cpu
