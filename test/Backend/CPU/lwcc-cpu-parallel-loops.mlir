// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-parallel-loops))' -split-input-file | FileCheck %s

// A top-level parallel nest over [1, 4, 3]: the batch of one is dropped (its
// index is the constant), the channel loop is marked for the thread pool.
// CHECK-LABEL: func @nest
// CHECK-NOT: scf.parallel
// CHECK: scf.for %[[C:.+]] = %c0 to %c4 step %c1 {
// CHECK: scf.for %[[W:.+]] = %c0 to %c3 step %c1 {
// CHECK: memref.load %arg0[%c0, %[[C]], %[[W]]]
// CHECK: } {lwcc.parallel}
func.func @nest(%x: memref<1x4x3xf32>, %y: memref<1x4x3xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  scf.parallel (%n, %c, %w) = (%c0, %c0, %c0) to (%c1, %c4, %c3) step (%c1, %c1, %c1) {
    %v = memref.load %x[%n, %c, %w] : memref<1x4x3xf32>
    memref.store %v, %y[%n, %c, %w] : memref<1x4x3xf32>
    scf.reduce
  }
  return
}

// -----

// One iteration: no loop left, nothing to split.
// CHECK-LABEL: func @single
// CHECK-NOT: scf.for
// CHECK-NOT: lwcc.parallel
// CHECK: memref.load %arg0[%c0]
func.func @single(%x: memref<1xf32>, %y: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
    %v = memref.load %x[%i] : memref<1xf32>
    memref.store %v, %y[%i] : memref<1xf32>
    scf.reduce
  }
  return
}
