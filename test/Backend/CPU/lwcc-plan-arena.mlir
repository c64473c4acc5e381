// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-plan-arena))' -split-input-file -verify-diagnostics | FileCheck %s

// %a dies when %c is born, so they share offset 0; %b overlaps both and
// goes above them. 3 x 1024 bytes naively, 2048 planned.
// CHECK-LABEL: func @reuse
// CHECK-SAME: %[[ARENA:[a-z0-9]+]]: memref<2048xi8> {lwcc.arena}
// CHECK-SAME: lwcc.arena_bytes = 2048
// CHECK: %[[OA:.+]] = arith.constant 0 : index
// CHECK: memref.view %[[ARENA]][%[[OA]]][] : memref<2048xi8> to memref<256xf32>
// CHECK: %[[OB:.+]] = arith.constant 1024 : index
// CHECK: memref.view %[[ARENA]][%[[OB]]][] : memref<2048xi8> to memref<256xf32>
// CHECK: %[[OC:.+]] = arith.constant 0 : index
// CHECK: memref.view %[[ARENA]][%[[OC]]][] : memref<2048xi8> to memref<256xf32>
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
func.func @reuse(%in: memref<256xf32>, %out: memref<256xf32>) {
  %a = memref.alloc() : memref<256xf32>
  linalg.copy ins(%in : memref<256xf32>) outs(%a : memref<256xf32>)
  %b = memref.alloc() : memref<256xf32>
  linalg.copy ins(%a : memref<256xf32>) outs(%b : memref<256xf32>)
  %c = memref.alloc() : memref<256xf32>
  linalg.copy ins(%b : memref<256xf32>) outs(%c : memref<256xf32>)
  linalg.copy ins(%c : memref<256xf32>) outs(%out : memref<256xf32>)
  memref.dealloc %a : memref<256xf32>
  return
}

// -----

// A use through a view keeps the buffer alive: %a is read (via its
// collapse_shape) after %b is allocated, so they cannot share.
// CHECK-LABEL: func @through_views
// CHECK-SAME: memref<128xi8>
// CHECK: memref.view {{.*}}[%{{.+}}][] : memref<128xi8> to memref<4x4xf32>
// CHECK: memref.view {{.*}}[%{{.+}}][] : memref<128xi8> to memref<16xf32>
func.func @through_views(%in: memref<16xf32>, %out: memref<16xf32>) {
  %a = memref.alloc() : memref<4x4xf32>
  %flat = memref.collapse_shape %a [[0, 1]] : memref<4x4xf32> into memref<16xf32>
  linalg.copy ins(%in : memref<16xf32>) outs(%flat : memref<16xf32>)
  %b = memref.alloc() : memref<16xf32>
  linalg.copy ins(%flat : memref<16xf32>) outs(%b : memref<16xf32>)
  linalg.copy ins(%b : memref<16xf32>) outs(%out : memref<16xf32>)
  linalg.copy ins(%flat : memref<16xf32>) outs(%out : memref<16xf32>)
  return
}

// -----

// No intermediates: no arena argument, size 0.
// CHECK-LABEL: func @none
// CHECK-SAME: (%{{.+}}: memref<4xf32>) attributes {lwcc.arena_bytes = 0 : i64}
func.func @none(%x: memref<4xf32>) {
  return
}

// -----

func.func @dynamic(%n: index) {
  // expected-error @+1 {{cannot place this buffer in the static arena}}
  %a = memref.alloc(%n) : memref<?xf32>
  return
}

// -----

// A buffer is live from its first access, not from its alloc: %late is
// allocated first (a concat's buffer is) but written only after %a dies,
// so the two share offset 0.
// CHECK-LABEL: func @first_access
// CHECK-SAME: lwcc.arena_bytes = 2048
// CHECK: %[[OL:.+]] = arith.constant 0 : index
// CHECK: memref.view %{{.+}}[%[[OL]]][] : memref<2048xi8> to memref<256xf32>
// CHECK: %[[OA:.+]] = arith.constant 0 : index
// CHECK: memref.view %{{.+}}[%[[OA]]][] : memref<2048xi8> to memref<256xf32>
func.func @first_access(%in: memref<256xf32>, %out: memref<256xf32>) {
  %late = memref.alloc() : memref<256xf32>
  %a = memref.alloc() : memref<256xf32>
  linalg.copy ins(%in : memref<256xf32>) outs(%a : memref<256xf32>)
  %b = memref.alloc() : memref<256xf32>
  linalg.copy ins(%a : memref<256xf32>) outs(%b : memref<256xf32>)
  linalg.copy ins(%b : memref<256xf32>) outs(%late : memref<256xf32>)
  linalg.copy ins(%late : memref<256xf32>) outs(%out : memref<256xf32>)
  return
}

// -----

// The GEMM kernel absorbs the element-wise op after it and stores %d while
// still reading %x: %x stays live through that op, so %d is not given its
// bytes (it would be without the kernel: %x is last read by the matmul).
// CHECK-LABEL: func @kernel_inputs
// CHECK-SAME: lwcc.arena_bytes = 192
// CHECK: %[[OX:.+]] = arith.constant 0 : index
// CHECK: memref.view %{{.+}}[%[[OX]]][] : memref<192xi8> to memref<4x4xf32>
// CHECK: %[[OC:.+]] = arith.constant 64 : index
// CHECK: memref.view %{{.+}}[%[[OC]]][] : memref<192xi8> to memref<4x4xf32>
// CHECK: %[[OD:.+]] = arith.constant 128 : index
// CHECK: memref.view %{{.+}}[%[[OD]]][] : memref<192xi8> to memref<4x4xf32>
func.func @kernel_inputs(%in: memref<4x4xf32>, %w: memref<4x4xf32>, %out: memref<4x4xf32>) {
  %x = memref.alloc() : memref<4x4xf32>
  linalg.copy ins(%in : memref<4x4xf32>) outs(%x : memref<4x4xf32>)
  %c = memref.alloc() : memref<4x4xf32>
  linalg.matmul ins(%w, %x : memref<4x4xf32>, memref<4x4xf32>) outs(%c : memref<4x4xf32>)
  %d = memref.alloc() : memref<4x4xf32>
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<4x4xf32>) outs(%d : memref<4x4xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  }
  linalg.copy ins(%d : memref<4x4xf32>) outs(%out : memref<4x4xf32>)
  return
}

// -----

// The same when the element-wise op reads the kernel's output through a
// view (the kept columns of an image product): the view is not the
// reader, the inputs stay live through the generic, so its result gets
// bytes of its own (64 + 128 + 128; reusing %x's would give 256).
// CHECK-LABEL: func @kernel_inputs_through_view
// CHECK-SAME: lwcc.arena_bytes = 320
func.func @kernel_inputs_through_view(%in: memref<4x8xf32>, %w: memref<4x4xf32>, %out: memref<4x4xf32>) {
  %x = memref.alloc() : memref<4x8xf32>
  linalg.copy ins(%in : memref<4x8xf32>) outs(%x : memref<4x8xf32>)
  %c = memref.alloc() : memref<4x8xf32>
  linalg.matmul ins(%w, %x : memref<4x4xf32>, memref<4x8xf32>) outs(%c : memref<4x8xf32>)
  %kept = memref.subview %c[0, 0] [4, 4] [1, 1] : memref<4x8xf32> to memref<4x4xf32, strided<[8, 1]>>
  %d = memref.alloc() : memref<4x4xf32>
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%kept : memref<4x4xf32, strided<[8, 1]>>) outs(%d : memref<4x4xf32>) {
  ^bb0(%v: f32, %o: f32):
    linalg.yield %v : f32
  }
  linalg.copy ins(%d : memref<4x4xf32>) outs(%out : memref<4x4xf32>)
  return
}
