//===- ImplicitPad.cpp - reading a zero-padded input without the copy -----===//
//
// Bufferised, a pad is a fill of a new buffer P and a copy of the source
// into P's interior: two passes over memory as large as the tensor, before
// a depthwise conv or a pool reads P once. The window kernel can read the
// source directly and supply the pad value itself (zero, or -inf for a max
// pool). Its source must then stay
// intact until the kernel runs, which the arena planner only promises while
// the source is live: lwcc-cpu-mark-implicit-pads extends that with a load
// of the source after the reader (and the reader's consumer, whose work the
// kernel may absorb), and the kernel folds the pad only where it finds it.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>

using namespace mlir;

namespace lwcc::cpu {
namespace {

/// Whether `op` fills all of P with `value`.
bool isFill(Operation *op, Value padded, double value) {
  auto fill = llvm::dyn_cast_if_present<FloatAttr>(constantFillValue(op));
  if (!fill || llvm::cast<linalg::LinalgOp>(op).getDpsInits()[0] != padded)
    return false;
  APFloat actual = fill.getValue();
  if (std::isinf(value))
    return actual.isInfinity() && actual.isNegative() == (value < 0);
  return actual.convertToDouble() == value;
}

} // namespace

std::optional<ImplicitPad> matchImplicitPad(Value padded, Operation *reader,
                                            double value) {
  // A grouped im2col reads P as [1, G, C/G, Hp, Wp], a view only it uses.
  Operation *view = nullptr;
  if (auto expand = padded.getDefiningOp<memref::ExpandShapeOp>()) {
    if (!expand->hasOneUse() || *expand->user_begin() != reader)
      return std::nullopt;
    view = expand;
    padded = expand.getSrc();
  }
  auto paddedType = llvm::dyn_cast<MemRefType>(padded.getType());
  if (!paddedType || paddedType.getRank() != 4 || !paddedType.hasStaticShape())
    return std::nullopt;
  ImplicitPad pad;
  memref::SubViewOp interior;
  for (Operation *user : padded.getUsers()) {
    if (user == reader || user == view || user->hasAttr(kKeepAliveAttr))
      continue;
    if (!pad.fill && isFill(user, padded, value))
      pad.fill = user;
    else if (!interior && llvm::isa<memref::SubViewOp>(user))
      interior = llvm::cast<memref::SubViewOp>(user);
    else
      return std::nullopt;
  }
  if (!pad.fill || !interior || !interior->hasOneUse())
    return std::nullopt;
  auto copy = llvm::dyn_cast<memref::CopyOp>(*interior->user_begin());
  if (!copy || copy.getTarget() != interior.getResult())
    return std::nullopt;
  pad.source = copy.getSource();
  auto sourceType = llvm::dyn_cast<MemRefType>(pad.source.getType());
  // The source may be a view with row strides of its own (the kept
  // columns of an image product), as long as its rows are contiguous.
  if (!sourceType || !sourceType.hasStaticShape() ||
      !sourceType.isLastDimUnitStride() ||
      sourceType.getElementType() != paddedType.getElementType())
    return std::nullopt;
  // A channels-last reader's rows and columns are dimensions 1 and 2.
  bool channelsLast = llvm::isa<linalg::DepthwiseConv2DNhwcHwcOp>(reader);
  int64_t channel = channelsLast ? 3 : 1, row = channelsLast ? 1 : 2;
  ArrayRef<int64_t> offsets = interior.getStaticOffsets();
  if (!llvm::equal(interior.getStaticSizes(), sourceType.getShape()) ||
      !llvm::all_of(interior.getStaticStrides(),
                    [](int64_t s) { return s == 1; }) ||
      llvm::any_of(offsets, ShapedType::isDynamic) || offsets[0] != 0 ||
      offsets[channel] != 0 ||
      sourceType.getDimSize(0) != paddedType.getDimSize(0) ||
      sourceType.getDimSize(channel) != paddedType.getDimSize(channel))
    return std::nullopt;
  pad.top = offsets[row];
  pad.left = offsets[row + 1];
  Block *block = reader->getBlock();
  if (pad.fill->getBlock() != block || copy->getBlock() != block ||
      !pad.fill->isBeforeInBlock(copy) || !copy->isBeforeInBlock(reader))
    return std::nullopt;
  Value root = rootOf(pad.source);
  for (Operation *op = copy->getNextNode(); op != reader;
       op = op->getNextNode())
    if (touches(op, root))
      return std::nullopt;
  pad.interior = interior;
  pad.copy = copy;
  return pad;
}

Operation *findKeepAlive(const ImplicitPad &pad, Operation *reader) {
  for (Operation *op = reader->getNextNode(); op; op = op->getNextNode())
    if (auto load = llvm::dyn_cast<memref::LoadOp>(op))
      if (load->hasAttr(kKeepAliveAttr) && load.getMemRef() == pad.source)
        return op;
  return nullptr;
}

void eraseFoldedPad(RewriterBase &rewriter, const ImplicitPad &pad,
                    Operation *keepAlive) {
  if (keepAlive)
    rewriter.eraseOp(keepAlive);
  rewriter.eraseOp(pad.copy);
  rewriter.eraseOp(pad.interior);
  rewriter.eraseOp(pad.fill);
}

PaddedRead readThroughPad(Value padded, Operation *reader) {
  PaddedRead read;
  read.pad = matchImplicitPad(padded, reader, 0.0);
  read.keepAlive = read.pad ? findKeepAlive(*read.pad, reader) : nullptr;
  if (read.keepAlive && !isVectorAddressable(read.pad->source))
    read.keepAlive = nullptr;
  read.image = read.keepAlive ? read.pad->source : padded;
  read.top = read.keepAlive ? read.pad->top : 0;
  read.left = read.keepAlive ? read.pad->left : 0;
  return read;
}

} // namespace lwcc::cpu
