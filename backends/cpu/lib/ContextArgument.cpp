//===- ContextArgument.cpp - the entry's runtime-context argument ---------===//

#include "ContextArgument.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;

namespace lwcc::cpu {

static constexpr llvm::StringLiteral kContextAttr = "lwcc.context";

FailureOr<Value> getOrAddContextArgument(func::FuncOp func) {
  unsigned count = func.getNumArguments();
  if (count > 0 && func.getArgAttr(count - 1, kContextAttr))
    return func.getArgument(count - 1);
  MLIRContext *ctx = func.getContext();
  auto type = MemRefType::get({1}, IntegerType::get(ctx, 8));
  auto attrs = DictionaryAttr::get(ctx, {NamedAttribute(StringAttr::get(ctx, kContextAttr),
                                                        UnitAttr::get(ctx))});
  if (failed(func.insertArgument(count, type, attrs, func.getLoc())))
    return failure();
  return func.getArgument(count);
}

} // namespace lwcc::cpu
