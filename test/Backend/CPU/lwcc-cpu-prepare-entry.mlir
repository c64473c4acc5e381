// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-prepare-entry))' | FileCheck %s

// The caller's input buffers are read-only to bufferisation.
// CHECK-LABEL: func @main
// CHECK-SAME: %arg0: tensor<4xf32> {bufferization.writable = false}
// CHECK-SAME: %arg1: tensor<4xf32> {bufferization.writable = false}
func.func @main(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}

// Private helpers are left alone.
// CHECK-LABEL: func private @helper
// CHECK-NOT: writable
func.func private @helper(%a: tensor<4xf32>) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}
