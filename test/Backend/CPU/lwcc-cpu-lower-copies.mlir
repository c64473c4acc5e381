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

// Static views with contiguous rows of at least 4 (a padded copy's
// interior): loops over the rows, the unit batch dimension skipped, the
// channel loop on the thread pool, each row of 28 one 16-, one 8- and one
// 4-lane vector load and store.
// CHECK-LABEL: func @rows
// CHECK-NOT: linalg.copy
// CHECK: scf.for %[[C:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK: scf.for %[[H:.+]] = %{{.+}} to %{{.+}} step %{{.+}} {
// CHECK: %[[A:.+]] = vector.load %arg0[%{{.+}}, %[[C]], %[[H]], %{{.+}}] : memref<1x3x5x28xf32>, vector<16xf32>
// CHECK: vector.store %[[A]], %[[INTERIOR:.+]][%{{.+}}, %[[C]], %[[H]], %{{.+}}] : memref<1x3x5x28xf32, strided<[630, 210, 30, 1], offset: 31>>, vector<16xf32>
// CHECK: vector.load {{.+}} vector<8xf32>
// CHECK: vector.store {{.+}} vector<8xf32>
// CHECK: vector.load {{.+}} vector<4xf32>
// CHECK: vector.store {{.+}} vector<4xf32>
// CHECK-NEXT: }
// CHECK-NOT: lwcc.parallel
// CHECK-NEXT: } {lwcc.parallel}
func.func @rows(%src: memref<1x3x5x28xf32>, %dst: memref<1x3x7x30xf32>) {
  %interior = memref.subview %dst[0, 0, 1, 1] [1, 3, 5, 28] [1, 1, 1, 1] : memref<1x3x7x30xf32> to memref<1x3x5x28xf32, strided<[630, 210, 30, 1], offset: 31>>
  memref.copy %src, %interior : memref<1x3x5x28xf32> to memref<1x3x5x28xf32, strided<[630, 210, 30, 1], offset: 31>>
  return
}
