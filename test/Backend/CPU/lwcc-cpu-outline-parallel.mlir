// RUN: lwcc-opt %s --lwcc-cpu-outline-parallel -split-input-file | FileCheck %s

// A parallel loop becomes a task over a range [begin, end) of its
// iterations and a dispatch call with the trip count; the entry gains the
// runtime context its dispatch needs.
// CHECK-LABEL: func.func private @lwcc_task_0
// CHECK-SAME: (%[[X:.+]]: memref<8xf32>, %[[Y:.+]]: memref<8xf32>, %{{.+}}: memref<1xi8>, %[[BEGIN:.+]]: index, %[[END:.+]]: index)
// CHECK: %[[FROM:.+]] = arith.addi %c0{{.*}}, %{{.+}}
// CHECK: %[[TO:.+]] = arith.addi %c0{{.*}}, %{{.+}}
// CHECK: scf.for %[[I:.+]] = %[[FROM]] to %[[TO]] step %c1
// CHECK: memref.load %[[X]][%[[I]]]
// CHECK-NOT: lwcc.parallel
// CHECK-LABEL: func.func @copy
// CHECK-SAME: %[[CTX:[a-z0-9]+]]: memref<1xi8> {lwcc.context}
// CHECK: call @lwcc_dispatch_0(%arg0, %arg1, %[[CTX]], %c8
// CHECK-NOT: scf.for
func.func @copy(%x: memref<8xf32>, %y: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %t = %c0 to %c8 step %c1 {
    %v = memref.load %x[%t] : memref<8xf32>
    memref.store %v, %y[%t] : memref<8xf32>
  } {lwcc.parallel}
  return
}

// -----

// A body that reads where its run of iterations ends (lwcc.range_end) runs
// once per thread: the task's loop steps over the whole range, and the end
// is the range's.
// CHECK-LABEL: func.func private @lwcc_task_0
// CHECK: %[[FROM:.+]] = arith.addi %c0{{.*}}, %{{.+}}
// CHECK: %[[TO:.+]] = arith.addi %c0{{.*}}, %{{.+}}
// CHECK: %[[SPAN:.+]] = arith.subi %[[TO]], %[[FROM]]
// CHECK: %[[STEP:.+]] = arith.maxui %[[SPAN]], %c1
// CHECK: scf.for %[[T:.+]] = %[[FROM]] to %[[TO]] step %[[STEP]] {
// CHECK-NOT: lwcc.range_end
// CHECK: scf.for %[[I:.+]] = %[[T]] to %[[TO]] step %c1
// CHECK-LABEL: func.func @runs
func.func @runs(%x: memref<8xf32>, %y: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %t = %c0 to %c8 step %c1 {
    %end = arith.addi %t, %c1 {lwcc.range_end} : index
    scf.for %i = %t to %end step %c1 {
      %v = memref.load %x[%i] : memref<8xf32>
      memref.store %v, %y[%i] : memref<8xf32>
    }
  } {lwcc.parallel}
  return
}

// -----

// A loop that reads a buffer the task cannot rebuild from the entry's
// arguments stays serial, unmarked.
// CHECK-LABEL: func.func @local
// CHECK-NOT: lwcc_dispatch
// CHECK: scf.for
// CHECK-NOT: lwcc.parallel
func.func @local(%x: memref<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %tmp = memref.alloc() : memref<8xf32>
  scf.for %t = %c0 to %c8 step %c1 {
    %v = memref.load %x[%t] : memref<8xf32>
    memref.store %v, %tmp[%t] : memref<8xf32>
  } {lwcc.parallel}
  memref.dealloc %tmp : memref<8xf32>
  return
}
