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

// A value returned twice is copied: each output needs its own buffer.
// CHECK-LABEL: func @twice
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4xf32>
// CHECK: %[[C:.+]] = linalg.copy ins(%arg0 : tensor<4xf32>) outs(%[[E]] : tensor<4xf32>)
// CHECK: return %arg0, %[[C]]
func.func @twice(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  return %a, %a : tensor<4xf32>, tensor<4xf32>
}

// Zero-size tensors of rank > 1 cross as rank-1 empty tensors (the
// bare-pointer convention cannot describe them).
// CHECK-LABEL: func @empty
// CHECK-SAME: (%arg0: tensor<0xf32> {bufferization.writable = false}) -> tensor<0xf32>
// CHECK: %[[X:.+]] = tensor.expand_shape %arg0 {{\[\[}}0, 1, 2]] output_shape [2, 0, 3] : tensor<0xf32> into tensor<2x0x3xf32>
// CHECK: %[[Y:.+]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1, 2]] : tensor<2x0x3xf32> into tensor<0xf32>
// CHECK: return %[[Y]]
func.func @empty(%a: tensor<2x0x3xf32>) -> tensor<2x0x3xf32> {
  return %a : tensor<2x0x3xf32>
}
