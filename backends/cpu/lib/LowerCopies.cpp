//===- LowerCopies.cpp - memref.copy -> vector rows or linalg.copy --------===//
//
// Keeps generated code free of calls into MLIR's runtime. A copy between
// static views whose rows are contiguous (a padded copy's interior, the
// kept columns of an image product) becomes loops over the rows, each row
// a few vector loads and stores, the outer loop on the thread pool; LLVM
// left the linalg.copy loop nest scalar (it cannot tell the two views of
// the arena apart). Other copies become loops through linalg.
//
//===----------------------------------------------------------------------===//

#include "Kernels/Kernels.h"
#include "lwcc/Backend/CPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace lwcc::cpu {
#define GEN_PASS_DEF_LOWERCOPIESPASS
#include "lwcc/Backend/CPU/Passes.h.inc"
} // namespace lwcc::cpu

using namespace mlir;
using namespace lwcc::cpu;

namespace {

/// Lanes per vector of a row copy: LLVM splits wider vectors than the
/// target has into several registers, so one width serves every target.
constexpr int64_t kCopyLanes = 16;
/// Rows shorter than this stay with linalg.copy.
constexpr int64_t kMinVectorRow = 4;

bool rowsContiguous(Value view) {
  auto type = llvm::dyn_cast<MemRefType>(view.getType());
  return type && type.hasStaticShape() && type.getRank() >= 1 &&
         type.isLastDimUnitStride() && type.getElementType().isIntOrFloat() &&
         type.getElementTypeBitWidth() % 8 == 0;
}

/// Copies `copy`'s rows with vector loads and stores; the outermost loop
/// over more than one row runs on the thread pool.
void emitRowCopy(memref::CopyOp copy) {
  OpBuilder b(copy);
  Location loc = copy.getLoc();
  auto type = llvm::cast<MemRefType>(copy.getSource().getType());
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = shape.size(), width = shape.back();
  SmallVector<Chunk> chunks = splitColumns(0, width, kCopyLanes);
  SmallVector<Value> index(rank, indexConstant(b, loc, 0));
  int64_t outermost = 0;
  while (outermost < rank - 1 && shape[outermost] == 1)
    ++outermost;
  std::function<void(int64_t)> nest = [&](int64_t dim) {
    if (dim == rank - 1) {
      for (const Chunk &chunk : chunks) {
        index.back() = indexConstant(b, loc, chunk.offset);
        auto vectorType = VectorType::get({chunk.width}, type.getElementType());
        Value row =
            vector::LoadOp::create(b, loc, vectorType, copy.getSource(), index);
        vector::StoreOp::create(b, loc, row, copy.getTarget(), index);
      }
      return;
    }
    if (shape[dim] == 1)
      return nest(dim + 1);
    scf::ForOp loop =
        buildLoop(b, loc, 0, shape[dim], 1, {}, [&](Value i, ValueRange) {
          index[dim] = i;
          nest(dim + 1);
          return SmallVector<Value>();
        });
    if (dim == outermost)
      markParallel(loop);
  };
  nest(0);
}

struct LowerCopiesPass : lwcc::cpu::impl::LowerCopiesPassBase<LowerCopiesPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp op) { copies.push_back(op); });
    for (memref::CopyOp copy : copies) {
      Value source = copy.getSource(), target = copy.getTarget();
      if (rowsContiguous(source) && rowsContiguous(target) &&
          llvm::cast<MemRefType>(source.getType()).getShape().back() >=
              kMinVectorRow &&
          copy->getParentOfType<scf::ForOp>() == nullptr) {
        emitRowCopy(copy);
      } else {
        OpBuilder b(copy);
        linalg::CopyOp::create(b, copy.getLoc(), source, target);
      }
      copy.erase();
    }
  }
};

} // namespace
