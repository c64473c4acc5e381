//===- Epilogue.cpp - bias and element-wise consumers fused into kernels --===//
//
// After bufferisation a conv is three passes over its output buffer V: a
// generic broadcasting the bias into V, the kernel accumulating into V, and
// an element-wise generic (activation, residual add, ...) reading V. The
// kernel can start its accumulators from the bias and apply the element-wise
// body to them before its single store, so V is written once and never
// read back.
//
// The bias generic must be the last op before the kernel that touches V and
// the consumer the first after it; V must not be touched afterwards. Ops in
// between that do not touch V are safe to step over: the arena planner
// never overlaps buffers that are live together, and V is live throughout.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace lwcc::cpu {

Value rootOf(Value value) {
  while (Operation *def = value.getDefiningOp()) {
    if (auto view = llvm::dyn_cast<ViewLikeOpInterface>(def)) {
      if (llvm::isa<memref::ViewOp>(def))
        return value; // an arena slice: its own buffer
      value = view.getViewSource();
      continue;
    }
    break;
  }
  return value;
}

bool touches(Operation *op, Value root) {
  if (isMemoryEffectFree(op))
    return false;
  for (Value operand : op->getOperands())
    if (llvm::isa<MemRefType>(operand.getType()) && rootOf(operand) == root)
      return true;
  return false;
}

namespace {

bool isIdentityGeneric(linalg::GenericOp generic) {
  return generic.getNumLoops() == generic.getNumParallelLoops() &&
         llvm::all_of(generic.getIndexingMapsArray(),
                      [](AffineMap map) { return map.isIdentity(); });
}

/// The generic broadcasting a bias along the channels of `out`: 1-D along
/// dimension 1, or for a grouped conv's [1, G, C/G, H, W] 2-D along
/// dimensions 1 and 2; with `channelsLast`, 1-D along the last dimension.
Value matchBias(linalg::GenericOp generic, Value out, bool channelsLast) {
  if (generic.getNumDpsInputs() != 1 || generic.getNumDpsInits() != 1 ||
      generic.getDpsInits()[0] != out)
    return Value();
  auto outType = llvm::cast<MemRefType>(out.getType());
  Value bias = generic.getDpsInputs()[0];
  auto biasType = llvm::dyn_cast<MemRefType>(bias.getType());
  int64_t rank = biasType ? biasType.getRank() : 0;
  bool grouped = rank == 2 && outType.getRank() == 5 && !channelsLast;
  if ((rank != 1 && !grouped) || outType.getRank() < 2)
    return Value();
  SmallVector<AffineExpr> channels;
  MLIRContext *ctx = generic.getContext();
  int64_t first = channelsLast ? outType.getRank() - 1 : 1;
  for (int64_t i = 0; i < rank; ++i) {
    if (biasType.getDimSize(i) != outType.getDimSize(first + i))
      return Value();
    channels.push_back(getAffineDimExpr(first + i, ctx));
  }
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  if (maps[0] != AffineMap::get(outType.getRank(), 0, channels, ctx) ||
      !maps[1].isIdentity())
    return Value();
  Block &body = generic.getRegion().front();
  auto yield = llvm::cast<linalg::YieldOp>(body.getTerminator());
  if (body.getOperations().size() != 1 ||
      yield.getOperand(0) != body.getArgument(0))
    return Value();
  return bias;
}

/// Whether `value` has `out`'s shape and element type with unit-stride
/// rows: a slice of a bigger buffer (a concat's) is as good a result as a
/// buffer of its own.
bool isSameShapeRows(Value value, Value out) {
  auto type = llvm::cast<MemRefType>(value.getType());
  auto outType = llvm::cast<MemRefType>(out.getType());
  return type.getShape() == outType.getShape() &&
         type.getElementType() == outType.getElementType() &&
         type.isLastDimUnitStride();
}

/// Whether `op` writes every element of `root` without reading any: an
/// all-parallel linalg op with `root` as its only init, through a
/// permutation, whose body ignores the init's old values.
bool overwrites(Operation *op, Value root) {
  auto linalgOp = llvm::dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureBufferSemantics() ||
      linalgOp.getNumDpsInits() != 1 ||
      linalgOp.getNumLoops() != linalgOp.getNumParallelLoops())
    return false;
  OpOperand *init = linalgOp.getDpsInitOperand(0);
  if (init->get() != root || linalgOp.payloadUsesValueFromOperand(init) ||
      !linalgOp.getMatchingIndexingMap(init).isPermutation())
    return false;
  return llvm::none_of(linalgOp.getDpsInputs(), [&](Value input) {
    return llvm::isa<MemRefType>(input.getType()) && rootOf(input) == root;
  });
}

/// Scalar arith/math ops only: those have a vector form with the same name.
bool isVectorisableBody(Block &body) {
  for (Operation &op : body.without_terminator()) {
    Dialect *dialect = op.getDialect();
    if (!dialect || op.getNumRegions() ||
        !llvm::isa<arith::ArithDialect, math::MathDialect>(dialect))
      return false;
    for (Type type :
         llvm::concat<Type>(op.getOperandTypes(), op.getResultTypes()))
      if (!type.isIntOrIndexOrFloat() || type.isIndex())
        return false;
  }
  return true;
}

/// The bytes a memref may address: a constant-offset view of the arena
/// covers its own bytes, anything else its whole root buffer.
struct ByteRange {
  Value base;
  int64_t begin = 0, end = std::numeric_limits<int64_t>::max();
};

ByteRange byteRange(Value memref) {
  Value root = rootOf(memref);
  if (auto view = root.getDefiningOp<memref::ViewOp>()) {
    auto type = llvm::cast<MemRefType>(view.getType());
    std::optional<int64_t> shift = getConstantIntValue(view.getByteShift());
    if (shift && type.hasStaticShape())
      return {view.getSource(), *shift,
              *shift +
                  type.getNumElements() * (type.getElementTypeBitWidth() / 8)};
  }
  return {root};
}

bool overlap(const ByteRange &a, const ByteRange &b) {
  return a.base == b.base && a.begin < b.end && b.begin < a.end;
}

/// Whether `op` (nested ops included) uses no memory in `ranges`. The arena
/// planner gave a buffer's bytes to others outside its lifetime, so a write
/// the kernel moves earlier must not land in bytes still in use.
bool independent(Operation *op, ArrayRef<ByteRange> ranges) {
  bool clash = false;
  op->walk([&](Operation *nested) {
    for (Value operand : nested->getOperands())
      if (llvm::isa<MemRefType>(operand.getType()))
        for (const ByteRange &range : ranges)
          clash |= overlap(byteRange(operand), range);
  });
  return !clash;
}

/// Moves the side-effect-free ops computing `value` (views, constants)
/// before `point`, so the kernel emitted there can use it.
bool hoistBefore(Value value, Operation *point) {
  Operation *def = value.getDefiningOp();
  if (!def || def->getBlock() != point->getBlock() ||
      def->isBeforeInBlock(point))
    return true;
  if (!isMemoryEffectFree(def) || def->getNumRegions())
    return false;
  for (Value operand : def->getOperands())
    if (!hoistBefore(operand, point))
      return false;
  def->moveBefore(point);
  return true;
}

} // namespace

Epilogue matchEpilogue(Operation *kernel, Value out, ValueRange kernelInputs,
                       bool channelsLast) {
  Epilogue epilogue;
  epilogue.out = out;
  epilogue.biasOnLast = channelsLast;
  Value root = rootOf(out);
  // A caller's buffer (a model output) must hold the kernel's output
  // itself: a consumer writing elsewhere stays apart. Its bias or constant
  // fill the kernel's stores cover whole.
  bool ownBuffer = root.getDefiningOp<memref::ViewOp>() ||
                   root.getDefiningOp<memref::AllocOp>();
  // The bias, or a constant fill: the last op before the kernel touching V.
  for (Operation *op = kernel->getPrevNode(); op; op = op->getPrevNode()) {
    if (!touches(op, root))
      continue;
    if (auto generic = llvm::dyn_cast<linalg::GenericOp>(op))
      epilogue.bias = matchBias(generic, out, channelsLast);
    auto fill = llvm::dyn_cast_if_present<FloatAttr>(constantFillValue(op));
    if (!epilogue.bias && fill && fill.getType().isF32() &&
        llvm::cast<linalg::LinalgOp>(op).getDpsInits()[0] == out) {
      OpBuilder b(kernel);
      epilogue.initial = arith::ConstantOp::create(b, op->getLoc(), fill);
    }
    if (epilogue.bias || epilogue.initial)
      epilogue.absorbed.push_back(op);
    break;
  }
  if (!ownBuffer)
    return epilogue;
  // The consumer: the first op after the kernel touching V.
  Operation *consumer = nullptr;
  for (Operation *op = kernel->getNextNode(); op && !consumer;
       op = op->getNextNode())
    if (touches(op, root))
      consumer = op;
  auto generic = llvm::dyn_cast_if_present<linalg::GenericOp>(consumer);
  if (!generic || !isIdentityGeneric(generic) ||
      generic.getNumDpsInits() != 1 ||
      !isSameShapeRows(generic.getDpsInits()[0], out) ||
      !isVectorisableBody(generic.getRegion().front()) ||
      !generic.getRegion().front().getArguments().back().use_empty())
    return epilogue;
  SmallVector<Value> inputs(generic.getDpsInputs());
  int64_t fromKernel = -1;
  for (auto [i, input] : llvm::enumerate(inputs)) {
    if (input.getType() != out.getType())
      return epilogue;
    if (input == out && fromKernel < 0)
      fromKernel = i;
    else if (rootOf(input) == root)
      return epilogue; // V read twice, or through another view
  }
  Value result = generic.getDpsInits()[0];
  if (fromKernel < 0 || (result != out && rootOf(result) == root))
    return epilogue;
  // The kernel does the consumer's reads and write early: nothing between
  // the two may write what the consumer reads or use the bytes it writes.
  SmallVector<ByteRange> moved;
  for (Value value : generic->getOperands())
    if (value != out)
      moved.push_back(byteRange(value));
  for (Operation *op = kernel->getNextNode(); op != consumer;
       op = op->getNextNode())
    if (!isMemoryEffectFree(op) && !independent(op, moved))
      return epilogue;
  // Unless the consumer updates V in place, nothing may read V after it:
  // the fused kernel never writes V. An op that overwrites V whole before
  // reading it ends V's life (the arena planner reuses dead buffers).
  if (result != out)
    for (Operation *op = consumer->getNextNode(); op; op = op->getNextNode())
      if (touches(op, root)) {
        if (overwrites(op, root))
          break;
        return epilogue;
      }
  // The kernel stores results while it still reads its inputs: the result
  // must not share bytes with them (the bufferiser and the arena planner
  // reuse buffers freely).
  for (Value input : kernelInputs)
    if (overlap(byteRange(input), byteRange(result)))
      return epilogue;
  for (Value value : generic->getOperands())
    if (!hoistBefore(value, kernel))
      return epilogue;
  epilogue.consumer = generic;
  epilogue.kernelInput = fromKernel;
  epilogue.result = result;
  epilogue.absorbed.push_back(generic);
  return epilogue;
}

bool mayShareBytes(Value a, Value b) {
  return overlap(byteRange(a), byteRange(b));
}

TypedAttr constantFillValue(Operation *op) {
  auto linalgOp = llvm::dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || linalgOp.getNumDpsInits() != 1)
    return TypedAttr();
  Value written;
  if (auto fill = llvm::dyn_cast<linalg::FillOp>(op)) {
    written = fill.getInputs()[0];
  } else {
    if (!llvm::isa<linalg::GenericOp, linalg::MapOp>(op) ||
        linalgOp.getNumDpsInputs() != 0 ||
        linalgOp.getNumLoops() != linalgOp.getNumParallelLoops() ||
        !linalgOp.getMatchingIndexingMap(linalgOp.getDpsInitOperand(0))
             .isPermutation())
      return TypedAttr();
    written = op->getRegion(0).front().getTerminator()->getOperand(0);
  }
  TypedAttr value;
  if (!matchPattern(written, m_Constant(&value)))
    return TypedAttr();
  return value;
}

bool expensiveEpilogue(const Epilogue &epilogue) {
  if (!epilogue.consumer)
    return false;
  linalg::GenericOp consumer = epilogue.consumer;
  return consumer.getRegion().front().getOperations().size() > 8;
}

Value applyEpilogueBody(OpBuilder &b, Location loc, const Epilogue &epilogue,
                        Value acc, ArrayRef<Value> loadedInputs) {
  if (!epilogue.consumer)
    return acc;
  auto vectorType = llvm::cast<VectorType>(acc.getType());
  linalg::GenericOp consumer = epilogue.consumer;
  Block &body = consumer.getRegion().front();
  IRMapping map;
  size_t next = 0;
  for (unsigned i = 0; i < consumer.getNumDpsInputs(); ++i)
    map.map(body.getArgument(i), static_cast<int64_t>(i) == epilogue.kernelInput
                                     ? acc
                                     : loadedInputs[next++]);
  auto vectorise = [&](Type scalar) {
    return VectorType::get(vectorType.getShape(), scalar);
  };
  for (Operation &op : body.without_terminator()) {
    if (auto constant = llvm::dyn_cast<arith::ConstantOp>(op)) {
      // A constant inside the body: the scalar, splat.
      Value scalar = b.clone(op)->getResult(0);
      map.map(constant.getResult(),
              vector::BroadcastOp::create(b, loc, vectorise(scalar.getType()),
                                          scalar));
      continue;
    }
    SmallVector<Value> operands;
    for (Value operand : op.getOperands()) {
      if (Value mapped = map.lookupOrNull(operand)) {
        operands.push_back(mapped);
        continue;
      }
      // A scalar from outside the body (a constant): splat it.
      operands.push_back(vector::BroadcastOp::create(
          b, loc, vectorise(operand.getType()), operand));
    }
    OperationState state(loc, op.getName());
    state.addOperands(operands);
    state.addAttributes(op.getAttrs());
    for (Type type : op.getResultTypes())
      state.addTypes(vectorise(type));
    Operation *vectorOp = b.create(state);
    map.map(op.getResults(), vectorOp->getResults());
  }
  return map.lookup(body.getTerminator()->getOperand(0));
}

} // namespace lwcc::cpu
