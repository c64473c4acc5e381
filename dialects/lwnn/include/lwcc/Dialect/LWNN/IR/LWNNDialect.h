//===- LWNNDialect.h - lwnn dialect, attributes and ops ---------*- C++ -*-===//
//
// The one header clients include to use the lwnn dialect.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_DIALECT_LWNN_IR_LWNNDIALECT_H
#define LWCC_DIALECT_LWNN_IR_LWNNDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/RegionKindInterface.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "lwcc/Dialect/LWNN/IR/LWNNDialect.h.inc"
#include "lwcc/Dialect/LWNN/IR/LWNNEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "lwcc/Dialect/LWNN/IR/LWNNAttrs.h.inc"

#define GET_OP_CLASSES
#include "lwcc/Dialect/LWNN/IR/LWNNOps.h.inc"

namespace lwcc::lwnn {

/// Number of entries `act_params` must hold for an activation kind.
unsigned getActivationParamCount(Activation act);

} // namespace lwcc::lwnn

#endif // LWCC_DIALECT_LWNN_IR_LWNNDIALECT_H
