//===- KernelUtils.cpp - pieces the vector kernels share ------------------===//
//
// Shapes are static, so a row's ragged end is known at compile time: it is
// covered by narrower vectors (8, 4, 2, 1 lanes) instead of masked ones,
// which NEON does not have and which would read past a buffer's end.
//
//===----------------------------------------------------------------------===//

#include "Kernels.h"
#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace lwcc::cpu {

SmallVector<Chunk> splitColumns(int64_t begin, int64_t end, int64_t lanes,
                                function_ref<bool(int64_t, int64_t)> fits) {
  SmallVector<Chunk> chunks;
  int64_t at = begin;
  while (at < end) {
    int64_t width = lanes;
    while (width > 1 && (width > end - at || (fits && !fits(at, width))))
      width /= 2;
    chunks.push_back({at, width});
    at += width;
  }
  return chunks;
}

SmallVector<SmallVector<Chunk>> intoStrips(ArrayRef<Chunk> chunks,
                                           int64_t perStrip) {
  SmallVector<SmallVector<Chunk>> strips;
  for (const Chunk &chunk : chunks) {
    if (strips.empty() ||
        static_cast<int64_t>(strips.back().size()) == perStrip)
      strips.emplace_back();
    strips.back().push_back(chunk);
  }
  return strips;
}

void markParallel(scf::ForOp loop) {
  loop->setAttr(kParallelAttr, UnitAttr::get(loop.getContext()));
}

Value rangeEnd(OpBuilder &b, Location loc, Value iv, int64_t step) {
  auto end = arith::AddIOp::create(b, loc, iv, indexConstant(b, loc, step));
  end->setAttr(kRangeEndAttr, b.getUnitAttr());
  return end;
}

bool isProductOf(Value value, Value a, Value b) {
  auto mul = value.getDefiningOp<arith::MulFOp>();
  return mul && ((mul.getLhs() == a && mul.getRhs() == b) ||
                 (mul.getLhs() == b && mul.getRhs() == a));
}

bool isMultiplyAccumulate(Block &body) {
  auto yield = llvm::dyn_cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield ? yield.getOperand(0).getDefiningOp<arith::AddFOp>()
                   : arith::AddFOp();
  auto mul = add ? add.getRhs().getDefiningOp<arith::MulFOp>() : nullptr;
  return mul && add.getLhs() == body.getArgument(2) &&
         mul.getLhs() == body.getArgument(0) &&
         mul.getRhs() == body.getArgument(1) &&
         body.getOperations().size() == 3;
}

bool isVectorAddressable(Value memref) {
  auto type = llvm::dyn_cast<MemRefType>(memref.getType());
  return type && type.hasStaticShape() && type.isLastDimUnitStride() &&
         type.getElementType().isF32();
}

Value indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

scf::ForOp buildLoop(OpBuilder &b, Location loc, Value lower, Value upper,
                     Value step, ValueRange inits, LoopBody body) {
  return scf::ForOp::create(b, loc, lower, upper, step, inits,
                            [&](OpBuilder &nested, Location nestedLoc, Value iv,
                                ValueRange iterArgs) {
                              OpBuilder::InsertionGuard guard(b);
                              b.setInsertionPoint(nested.getInsertionBlock(),
                                                  nested.getInsertionPoint());
                              SmallVector<Value> results = body(iv, iterArgs);
                              scf::YieldOp::create(b, nestedLoc, results);
                            });
}

scf::ForOp buildLoop(OpBuilder &b, Location loc, int64_t lower, int64_t upper,
                     int64_t step, ValueRange inits, LoopBody body) {
  return buildLoop(b, loc, indexConstant(b, loc, lower),
                   indexConstant(b, loc, upper), indexConstant(b, loc, step),
                   inits, body);
}

} // namespace lwcc::cpu
