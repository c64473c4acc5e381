//===- ContextArgument.h - the entry's runtime-context argument -*- C++ -*-===//
//
// Parallel dispatch and profiling call into the runtime with the context of
// the run; the entry function receives it as a trailing argument marked
// `lwcc.context` (the LLVM module's compute wrapper passes it).
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_BACKEND_CPU_CONTEXTARGUMENT_H
#define LWCC_BACKEND_CPU_CONTEXTARGUMENT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace lwcc::cpu {

/// The context argument of `func`, added (last) if it has none.
mlir::FailureOr<mlir::Value> getOrAddContextArgument(mlir::func::FuncOp func);

} // namespace lwcc::cpu

#endif // LWCC_BACKEND_CPU_CONTEXTARGUMENT_H
