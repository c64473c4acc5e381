//===- PlanArena.cpp - static activation arena by liveness ----------------===//
//
// Intermediate buffers of a bufferised model are allocated once, in one
// arena the context owns, and buffers that are never live at the same time
// share bytes. Live ranges are measured in positions of the function body's
// top-level ops: a buffer is live from the first top-level op that reads or
// writes it (through views) to the last one that uses it or a view of it.
// Not from its alloc: a buffer allocated early for others to take views of
// (a concat's, lwcc-cpu-elide-concat) holds nothing until it is written.
//
//===----------------------------------------------------------------------===//

#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/Interfaces/ViewLikeInterface.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_PLANARENAPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;

namespace {

struct Buffer {
  memref::AllocOp alloc;
  int64_t begin, end, bytes;
  int64_t offset = -1;
};

int64_t alignTo(int64_t value, int64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

/// Offsets for `buffers` such that any two live at once do not overlap:
/// largest first, each at the lowest offset free during its range. Returns
/// the arena size.
int64_t assignOffsets(MutableArrayRef<Buffer> buffers) {
  SmallVector<Buffer *> order;
  for (Buffer &buffer : buffers)
    order.push_back(&buffer);
  llvm::stable_sort(order, [](Buffer *a, Buffer *b) { return a->bytes > b->bytes; });
  SmallVector<Buffer *> placed;
  int64_t total = 0;
  for (Buffer *buffer : order) {
    SmallVector<std::pair<int64_t, int64_t>> busy;
    for (Buffer *other : placed)
      if (other->begin <= buffer->end && buffer->begin <= other->end)
        busy.push_back({other->offset, other->offset + other->bytes});
    llvm::sort(busy);
    int64_t offset = 0;
    for (auto [start, stop] : busy) {
      if (offset + buffer->bytes <= start)
        break;
      offset = std::max(offset, stop);
    }
    buffer->offset = offset;
    total = std::max(total, offset + buffer->bytes);
    placed.push_back(buffer);
  }
  return total;
}

/// A kernel (an op with a reduction) absorbs the element-wise op that next
/// uses its output and stores that op's results while still reading its
/// own inputs (Epilogue.cpp): the inputs stay live until that op, so its
/// result is never given their bytes.
void keepKernelInputsLive(Block &body,
                          const DenseMap<Operation *, int64_t> &position,
                          MutableArrayRef<Buffer> buffers) {
  DenseMap<Operation *, Buffer *> byAlloc;
  for (Buffer &buffer : buffers)
    byAlloc[buffer.alloc] = &buffer;
  // The buffer a value is (a view of), if it is one of `buffers`.
  auto bufferOf = [&](Value value) -> Buffer * {
    if (!isa<MemRefType>(value.getType()))
      return nullptr;
    while (Operation *def = value.getDefiningOp()) {
      if (Buffer *buffer = byAlloc.lookup(def))
        return buffer;
      auto view = dyn_cast<ViewLikeOpInterface>(def);
      if (!view)
        return nullptr;
      value = view.getViewSource();
    }
    return nullptr;
  };
  for (Operation &op : body) {
    auto kernel = dyn_cast<linalg::LinalgOp>(&op);
    if (!kernel || kernel.getNumReductionLoops() == 0 ||
        kernel.getNumDpsInits() != 1)
      continue;
    Buffer *out = bufferOf(kernel.getDpsInits()[0]);
    if (!out)
      continue;
    // A view of the output (an image product's kept columns) is not the op
    // that reads it.
    Operation *consumer = op.getNextNode();
    while (consumer && (isa<ViewLikeOpInterface>(consumer) ||
                        llvm::none_of(consumer->getOperands(), [&](Value v) {
                          return bufferOf(v) == out;
                        })))
      consumer = consumer->getNextNode();
    if (!consumer)
      continue;
    for (Value input : kernel.getDpsInputs())
      if (Buffer *read = bufferOf(input))
        read->end = std::max(read->end, position.lookup(consumer));
  }
}

struct PlanArenaPass : lwcc::cpu::impl::PlanArenaPassBase<PlanArenaPass> {
  using PlanArenaPassBase::PlanArenaPassBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (!func.getBody().hasOneBlock()) {
      func.emitError("cannot plan an arena for a function with control flow");
      return signalPassFailure();
    }
    Block &body = func.getBody().front();
    DenseMap<Operation *, int64_t> position;
    for (auto [i, op] : llvm::enumerate(body))
      position[&op] = i;

    SmallVector<Buffer> buffers;
    bool ok = true;
    func.walk([&](memref::AllocOp alloc) {
      MemRefType type = alloc.getType();
      if (alloc->getBlock() != &body || !type.hasStaticShape() ||
          !type.getLayout().isIdentity()) {
        alloc.emitError("cannot place this buffer in the static arena (dynamic, "
                        "strided or allocated inside a loop)");
        ok = false;
        return;
      }
      int64_t bits = type.getElementTypeBitWidth();
      int64_t bytes = std::max<int64_t>(type.getNumElements() * ((bits + 7) / 8), 1);
      Buffer buffer{alloc, std::numeric_limits<int64_t>::max(), position[alloc],
                    alignTo(bytes, alignment)};
      SmallVector<Value> worklist = {alloc.getResult()};
      while (!worklist.empty()) {
        Value value = worklist.pop_back_val();
        for (OpOperand &use : value.getUses()) {
          // The arena replaces deallocation; a dealloc is not a use.
          if (isa<memref::DeallocOp>(use.getOwner()))
            continue;
          Operation *user = body.findAncestorOpInBlock(*use.getOwner());
          buffer.end = std::max(buffer.end, position[user]);
          auto view = dyn_cast<ViewLikeOpInterface>(use.getOwner());
          if (view && view.getViewSource() == value)
            worklist.append(use.getOwner()->result_begin(), use.getOwner()->result_end());
          else
            buffer.begin = std::min(buffer.begin, position[user]);
        }
      }
      buffer.begin = std::min(buffer.begin, buffer.end);
      buffers.push_back(buffer);
    });
    if (!ok)
      return signalPassFailure();
    keepKernelInputsLive(body, position, buffers);

    int64_t total = assignOffsets(buffers);
    numBuffers += buffers.size();
    for (const Buffer &buffer : buffers)
      naiveBytes += buffer.bytes;
    arenaBytes += total;
    OpBuilder b(&getContext());
    func->setAttr("lwcc.arena_bytes", b.getI64IntegerAttr(total));
    if (buffers.empty())
      return;

    auto arenaType = MemRefType::get({total}, b.getI8Type());
    unsigned index = func.getNumArguments();
    if (failed(func.insertArgument(index, arenaType,
                                   b.getDictionaryAttr(b.getNamedAttr(
                                       "lwcc.arena", b.getUnitAttr())),
                                   func.getLoc())))
      return signalPassFailure();
    Value arena = func.getArgument(index);
    for (Buffer &buffer : buffers) {
      b.setInsertionPoint(buffer.alloc);
      Location loc = buffer.alloc.getLoc();
      Value offset = arith::ConstantIndexOp::create(b, loc, buffer.offset);
      Value view = memref::ViewOp::create(b, loc, buffer.alloc.getType(), arena, offset,
                                          ValueRange{});
      for (Operation *user : llvm::make_early_inc_range(buffer.alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      buffer.alloc.replaceAllUsesWith(view);
      buffer.alloc.erase();
    }
  }
};

} // namespace
