//===- OutlineParallel.cpp - parallel kernel loops as runtime tasks -------===//
//
// A loop the kernels mark `lwcc.parallel` becomes a task function computing
// a range of its iterations, and a call that hands the whole range to the
// runtime's thread pool. The task takes the entry function's own arguments
// (inputs, outputs, arena, context) and rebuilds the views the loop reads
// from them: every buffer of a model is a view of one of those, so a task
// needs no closure. The dispatch functions are declared here and defined
// when the LLVM module is built (they pack the pointers for the runtime).
//
//===----------------------------------------------------------------------===//

#include "ContextArgument.h"
#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_OUTLINEPARALLELPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;

namespace {

/// Clones into `b` what computes `value` from the entry's arguments (mapped
/// in `map`); fails on anything but side-effect-free, region-free ops.
LogicalResult cloneDefinition(OpBuilder &b, Value value, IRMapping &map) {
  if (map.contains(value))
    return success();
  Operation *def = value.getDefiningOp();
  if (!def || def->getNumRegions() != 0 || !isMemoryEffectFree(def))
    return failure();
  for (Value operand : def->getOperands())
    if (failed(cloneDefinition(b, operand, map)))
      return failure();
  b.clone(*def, map);
  return success();
}

/// A body that reads the end of the iterations it covers (kRangeEndAttr)
/// runs once for the thread's whole run [from, to): the loop steps over it
/// in one go and the marked end becomes `to`.
void coverWholeRange(OpBuilder &b, scf::ForOp part, Value from, Value to) {
  SmallVector<Operation *> ends;
  for (Operation &op : *part.getBody())
    if (op.hasAttr(lwcc::cpu::kRangeEndAttr) && llvm::isa<arith::AddIOp>(op) &&
        op.getOperand(0) == part.getInductionVar())
      ends.push_back(&op);
  if (ends.empty())
    return;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(part);
  // Runs are never empty; the max keeps the step positive regardless.
  Value span = arith::SubIOp::create(b, part.getLoc(), to, from);
  part.getStepMutable().assign(
      arith::MaxUIOp::create(b, part.getLoc(), span, part.getStep()));
  for (Operation *end : ends) {
    end->getResult(0).replaceAllUsesWith(to);
    end->erase();
  }
}

struct OutlineParallelPass : lwcc::cpu::impl::OutlineParallelPassBase<OutlineParallelPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    int64_t next = 0;
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (func.isPrivate() || func.isExternal())
        continue;
      SmallVector<scf::ForOp> loops;
      func.walk([&](scf::ForOp loop) {
        if (loop->hasAttr(lwcc::cpu::kParallelAttr))
          loops.push_back(loop);
      });
      if (loops.empty())
        continue;
      // The runtime context, for the dispatch calls.
      if (failed(lwcc::cpu::getOrAddContextArgument(func)))
        return signalPassFailure();
      for (scf::ForOp loop : loops)
        if (succeeded(outline(func, loop, next)))
          ++next;
      // Marks left on loops that could not be outlined are harmless.
      func.walk([&](scf::ForOp loop) { loop->removeAttr(lwcc::cpu::kParallelAttr); });
    }
    numOutlined += next;
  }

  LogicalResult outline(func::FuncOp func, scf::ForOp loop, int64_t index) {
    std::optional<int64_t> lb = getConstantIntValue(loop.getLowerBound()),
                           ub = getConstantIntValue(loop.getUpperBound()),
                           step = getConstantIntValue(loop.getStep());
    if (!lb || !ub || !step || *step <= 0 || loop.getNumResults() != 0)
      return failure();
    int64_t iterations = (*ub - *lb + *step - 1) / *step;
    if (iterations < 2)
      return failure();
    Location loc = loop.getLoc();
    OpBuilder b(&getContext());
    b.setInsertionPoint(func);
    SmallVector<Type> taskArgs(func.getArgumentTypes());
    taskArgs.append({b.getIndexType(), b.getIndexType()});
    auto task = func::FuncOp::create(b, loc, "lwcc_task_" + std::to_string(index),
                                     b.getFunctionType(taskArgs, {}));
    task.setPrivate();
    Block *body = task.addEntryBlock();
    b.setInsertionPointToStart(body);
    IRMapping map;
    for (auto [from, to] : llvm::zip(func.getArguments(), body->getArguments()))
      map.map(from, to);
    SetVector<Value> captured;
    getUsedValuesDefinedAbove(loop.getRegion(), captured);
    captured.insert(loop.getStep());
    for (Value value : captured) {
      if (failed(cloneDefinition(b, value, map))) {
        task.erase();
        return failure();
      }
    }
    // Iterations [begin, end) of the original loop.
    Value begin = body->getArgument(taskArgs.size() - 2),
          end = body->getArgument(taskArgs.size() - 1);
    Value lower = arith::ConstantIndexOp::create(b, loc, *lb);
    Value stride = arith::ConstantIndexOp::create(b, loc, *step);
    Value from = arith::AddIOp::create(b, loc, lower, arith::MulIOp::create(b, loc, begin, stride));
    Value to = arith::AddIOp::create(b, loc, lower, arith::MulIOp::create(b, loc, end, stride));
    auto part = llvm::cast<scf::ForOp>(b.clone(*loop, map));
    part->removeAttr(lwcc::cpu::kParallelAttr);
    part.getLowerBoundMutable().assign(from);
    part.getUpperBoundMutable().assign(to);
    coverWholeRange(b, part, from, to);
    func::ReturnOp::create(b, loc);

    // The dispatch: declared here, defined with the LLVM module.
    b.setInsertionPoint(func);
    SmallVector<Type> dispatchArgs(func.getArgumentTypes());
    dispatchArgs.push_back(b.getIndexType());
    auto dispatch = func::FuncOp::create(b, loc, "lwcc_dispatch_" + std::to_string(index),
                                         b.getFunctionType(dispatchArgs, {}));
    dispatch.setPrivate();
    b.setInsertionPoint(loop);
    SmallVector<Value> operands(func.getArguments());
    operands.push_back(arith::ConstantIndexOp::create(b, loc, iterations));
    func::CallOp::create(b, loc, dispatch, operands);
    loop.erase();
    return success();
  }
};

} // namespace
