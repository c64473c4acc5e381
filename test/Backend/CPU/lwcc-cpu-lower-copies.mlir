// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-lower-copies))' | FileCheck %s

// A strided copy would call MLIR's C runner library; linalg.copy does not.
// CHECK-LABEL: func @strided
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%{{.+}} : memref<2x2xf32, strided<[4, 1]>>) outs(%arg1 : memref<2x2xf32>)
func.func @strided(%src: memref<4x4xf32>, %dst: memref<2x2xf32>) {
  %view = memref.subview %src[0, 0] [2, 2] [1, 1] : memref<4x4xf32> to memref<2x2xf32, strided<[4, 1]>>
  memref.copy %view, %dst : memref<2x2xf32, strided<[4, 1]>> to memref<2x2xf32>
  return
}
