// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-hoist-allocas))' -split-input-file | FileCheck %s

// A fixed-size scratch buffer allocated in a loop body moves to the entry
// block: one frame slot, not one per iteration.
// CHECK-LABEL: func @in_loop
// CHECK-NEXT: %[[BUF:.+]] = memref.alloca() {alignment = 64 : i64} : memref<16x8xf32>
// CHECK: scf.for
// CHECK-NOT: memref.alloca
// CHECK: vector.store %{{.+}}, %[[BUF]]
func.func @in_loop(%v: vector<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %buf = memref.alloca() {alignment = 64 : i64} : memref<16x8xf32>
    vector.store %v, %buf[%i, %c0] : memref<16x8xf32>, vector<8xf32>
  }
  return
}

// -----

// Allocas in an alloca_scope, and dynamically sized ones, keep their place.
// CHECK-LABEL: func @kept
// CHECK: scf.for
// CHECK: memref.alloca_scope
// CHECK-NEXT: memref.alloca() : memref<4xf32>
// CHECK: memref.alloca(%{{.+}}) : memref<?xf32>
func.func @kept(%n: index, %x: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    memref.alloca_scope {
      %a = memref.alloca() : memref<4xf32>
      memref.store %x, %a[%c0] : memref<4xf32>
    }
    %d = memref.alloca(%n) : memref<?xf32>
    memref.store %x, %d[%i] : memref<?xf32>
  }
  return
}
