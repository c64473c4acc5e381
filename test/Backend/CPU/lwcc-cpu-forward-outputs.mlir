// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-forward-outputs))' -split-input-file | FileCheck %s

// A conv's output comes back through the reshapes of its GEMM view: the
// allocation becomes a view of the output argument with its shape and the
// GEMM writes there; no copy is left.
// CHECK-LABEL: func @gemm_view
// CHECK-SAME: %[[OUT:[a-z0-9]+]]: memref<1x4x2x3xf32>
// CHECK-NEXT: %[[C:.+]] = memref.collapse_shape %[[OUT]] {{\[\[}}0, 1], [2, 3]]
// CHECK-NEXT: linalg.matmul {{.*}} outs(%[[C]] : memref<4x6xf32>)
// CHECK-NEXT: return
func.func @gemm_view(%a: memref<4x5xf32>, %b: memref<5x6xf32>, %out: memref<1x4x2x3xf32>) {
  %alloc = memref.alloc() {alignment = 64 : i64} : memref<1x4x2x3xf32>
  %c = memref.collapse_shape %alloc [[0, 1], [2, 3]] : memref<1x4x2x3xf32> into memref<4x6xf32>
  linalg.matmul ins(%a, %b : memref<4x5xf32>, memref<5x6xf32>) outs(%c : memref<4x6xf32>)
  %e = memref.expand_shape %c [[0, 1], [2, 3]] output_shape [1, 4, 2, 3] : memref<4x6xf32> into memref<1x4x2x3xf32>
  memref.copy %e, %out : memref<1x4x2x3xf32> to memref<1x4x2x3xf32>
  return
}

// -----

// The allocation itself, of another shape (a flattened output).
// CHECK-LABEL: func @reshaped_output
// CHECK-SAME: %[[OUT:[a-z0-9]+]]: memref<8xf32>
// CHECK-NEXT: %[[VIEW:.+]] = memref.expand_shape %[[OUT]] {{\[\[}}0, 1]] output_shape [2, 4] : memref<8xf32> into memref<2x4xf32>
// CHECK-NEXT: linalg.fill ins(%{{.+}} : f32) outs(%[[VIEW]] : memref<2x4xf32>)
// CHECK-NEXT: return
func.func @reshaped_output(%x: f32, %out: memref<8xf32>) {
  %alloc = memref.alloc() : memref<2x4xf32>
  linalg.fill ins(%x : f32) outs(%alloc : memref<2x4xf32>)
  %flat = memref.collapse_shape %alloc [[0, 1]] : memref<2x4xf32> into memref<8xf32>
  memref.copy %flat, %out : memref<8xf32> to memref<8xf32>
  return
}

// -----

// Neither shape rank 1: the output flattened, then expanded to the
// allocation's shape.
// CHECK-LABEL: func @regrouped
// CHECK-SAME: %[[OUT:[a-z0-9]+]]: memref<4x6xf32>
// CHECK-NEXT: %[[FLAT:.+]] = memref.collapse_shape %[[OUT]] {{\[\[}}0, 1]] : memref<4x6xf32> into memref<24xf32>
// CHECK-NEXT: %[[VIEW:.+]] = memref.expand_shape %[[FLAT]] {{\[\[}}0, 1, 2]] output_shape [2, 3, 4] : memref<24xf32> into memref<2x3x4xf32>
// CHECK-NEXT: linalg.fill ins(%{{.+}} : f32) outs(%[[VIEW]] : memref<2x3x4xf32>)
// CHECK-NEXT: return
func.func @regrouped(%x: f32, %out: memref<4x6xf32>) {
  %alloc = memref.alloc() : memref<2x3x4xf32>
  linalg.fill ins(%x : f32) outs(%alloc : memref<2x3x4xf32>)
  %flat = memref.collapse_shape %alloc [[0, 1, 2]] : memref<2x3x4xf32> into memref<24xf32>
  %e = memref.expand_shape %flat [[0, 1]] output_shape [4, 6] : memref<24xf32> into memref<4x6xf32>
  memref.copy %e, %out : memref<4x6xf32> to memref<4x6xf32>
  return
}

// -----

// Kept: a buffer read after the copy, a copy of part of a buffer (a
// subview), a copy of an input, and an output argument the function also
// reads.
// CHECK-LABEL: func @kept
// CHECK: memref.alloc()
// CHECK: memref.copy
// CHECK: memref.alloc()
// CHECK: memref.copy %{{.+}}, %{{.+}} : memref<2xf32, strided<[1]>>
// CHECK: memref.copy %arg0
// CHECK: memref.alloc()
// CHECK: memref.copy
func.func @kept(%x: memref<4xf32>, %y: f32, %out0: memref<4xf32>, %out1: memref<2xf32>,
                %out2: memref<4xf32>, %out3: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  linalg.fill ins(%y : f32) outs(%a : memref<4xf32>)
  memref.copy %a, %out0 : memref<4xf32> to memref<4xf32>
  %b = memref.alloc() : memref<4xf32>
  linalg.copy ins(%a : memref<4xf32>) outs(%b : memref<4xf32>)
  %part = memref.subview %b[0] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1]>>
  memref.copy %part, %out1 : memref<2xf32, strided<[1]>> to memref<2xf32>
  memref.copy %x, %out2 : memref<4xf32> to memref<4xf32>
  %c = memref.alloc() : memref<4xf32>
  linalg.copy ins(%out3 : memref<4xf32>) outs(%c : memref<4xf32>)
  memref.copy %c, %out3 : memref<4xf32> to memref<4xf32>
  return
}
