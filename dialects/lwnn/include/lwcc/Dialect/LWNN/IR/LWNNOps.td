//===- LWNNOps.td - all lwnn ops ---------------------------*- tablegen -*-===//
//
// The single tablegen root for the dialect's ops, attributes and enums; the
// op families live in their own files.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_DIALECT_LWNN_IR_LWNNOPS_TD
#define LWCC_DIALECT_LWNN_IR_LWNNOPS_TD

include "lwcc/Dialect/LWNN/IR/LWNNBase.td"
include "lwcc/Dialect/LWNN/IR/LWNNConvOps.td"
include "lwcc/Dialect/LWNN/IR/LWNNPoolOps.td"
include "lwcc/Dialect/LWNN/IR/LWNNElementwiseOps.td"
include "lwcc/Dialect/LWNN/IR/LWNNShapeOps.td"
include "lwcc/Dialect/LWNN/IR/LWNNStructureOps.td"
include "lwcc/Dialect/LWNN/IR/LWNNQuantOps.td"

#endif // LWCC_DIALECT_LWNN_IR_LWNNOPS_TD
