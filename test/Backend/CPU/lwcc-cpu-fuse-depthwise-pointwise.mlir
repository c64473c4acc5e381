// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-fuse-depthwise-pointwise{min-bytes=0 band-bytes=1024}))' -split-input-file | FileCheck %s
// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-fuse-depthwise-pointwise))' -split-input-file | FileCheck %s --check-prefix=SMALL
// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-fuse-depthwise-pointwise{min-bytes=0 expand-band-bytes=5120}))' -split-input-file | FileCheck %s --check-prefix=EXPAND
// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-fuse-depthwise-pointwise{min-bytes=0 expand=false}))' -split-input-file | FileCheck %s --check-prefix=NOEXPAND

#bias = affine_map<(a, b, c, d) -> (b)>
#id = affine_map<(a, b, c, d) -> (a, b, c, d)>

// The depthwise conv, its bias and its relu move to just before the GEMM
// (past the unrelated copy and the GEMM's bias); rows per band: [8, rows,
// 16] within 1 KiB and dividing 16 into two bands or more: 2. The conv's
// input is kept live past the GEMM's consumer.
// CHECK-LABEL: func @pair
// CHECK: memref.copy
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : memref<4xf32>)
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : memref<8xf32>)
// CHECK: linalg.depthwise_conv_2d_nchw_chw {{{.*}}lwcc.band_rows = 2 : i64{{.*}}} ins(%[[IN:[^,]+]],
// CHECK: linalg.generic
// CHECK: linalg.matmul
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : memref<1x4x16x16xf32>)
// CHECK: memref.load %[[IN]][%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}] {lwcc.keep_alive}
// CHECK-NEXT: return
// Below the default 512 KiB the pair is left alone.
// SMALL-LABEL: func @pair
// SMALL-NOT: lwcc.band_rows
// SMALL-NOT: keep_alive
func.func @pair(%x: memref<1x8x18x18xf32>, %w: memref<8x3x3xf32>, %b: memref<8xf32>, %pw: memref<4x8xf32>, %pb: memref<4xf32>, %s: memref<16xf32>, %t: memref<16xf32>, %r: memref<1x4x16x16xf32>) {
  %cst = arith.constant 0.0 : f32
  %d = memref.alloc() : memref<1x8x16x16xf32>
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : memref<8xf32>) outs(%d : memref<1x8x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x8x18x18xf32>, memref<8x3x3xf32>) outs(%d : memref<1x8x16x16xf32>)
  %e = memref.alloc() : memref<1x8x16x16xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%d : memref<1x8x16x16xf32>) outs(%e : memref<1x8x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %cst : f32
    linalg.yield %m : f32
  }
  memref.copy %s, %t : memref<16xf32> to memref<16xf32>
  %c = memref.alloc() : memref<1x4x16x16xf32>
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%pb : memref<4xf32>) outs(%c : memref<1x4x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %bm = memref.collapse_shape %e [[0, 1], [2, 3]] : memref<1x8x16x16xf32> into memref<8x256xf32>
  %cm = memref.collapse_shape %c [[0, 1], [2, 3]] : memref<1x4x16x16xf32> into memref<4x256xf32>
  linalg.matmul ins(%pw, %bm : memref<4x8xf32>, memref<8x256xf32>) outs(%cm : memref<4x256xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : memref<1x4x16x16xf32>) outs(%r : memref<1x4x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %cst : f32
    linalg.yield %m : f32
  }
  return
}

// -----

#bias = affine_map<(a, b, c, d) -> (b)>
#id = affine_map<(a, b, c, d) -> (a, b, c, d)>

// Something between the conv and the GEMM writes the conv's input: the
// conv cannot move there, and the pair is left alone.
// CHECK-LABEL: func @input_overwritten
// CHECK-NOT: lwcc.band_rows
// CHECK-NOT: keep_alive
func.func @input_overwritten(%x: memref<1x8x18x18xf32>, %w: memref<8x3x3xf32>, %b: memref<8xf32>, %pw: memref<4x8xf32>, %y: memref<1x8x18x18xf32>, %r: memref<1x4x16x16xf32>) {
  %d = memref.alloc() : memref<1x8x16x16xf32>
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : memref<8xf32>) outs(%d : memref<1x8x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x8x18x18xf32>, memref<8x3x3xf32>) outs(%d : memref<1x8x16x16xf32>)
  memref.copy %y, %x : memref<1x8x18x18xf32> to memref<1x8x18x18xf32>
  %bm = memref.collapse_shape %d [[0, 1], [2, 3]] : memref<1x8x16x16xf32> into memref<8x256xf32>
  %cm = memref.collapse_shape %r [[0, 1], [2, 3]] : memref<1x4x16x16xf32> into memref<4x256xf32>
  linalg.matmul ins(%pw, %bm : memref<4x8xf32>, memref<8x256xf32>) outs(%cm : memref<4x256xf32>)
  return
}

// -----

#bias = affine_map<(a, b, c, d) -> (b)>
#id = affine_map<(a, b, c, d) -> (a, b, c, d)>

// The conv's output has a second reader: it must go to memory.
// CHECK-LABEL: func @two_readers
// CHECK-NOT: lwcc.band_rows
func.func @two_readers(%x: memref<1x8x18x18xf32>, %w: memref<8x3x3xf32>, %b: memref<8xf32>, %pw: memref<4x8xf32>, %r: memref<1x4x16x16xf32>, %o: memref<1x8x16x16xf32>) {
  %d = memref.alloc() : memref<1x8x16x16xf32>
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : memref<8xf32>) outs(%d : memref<1x8x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x8x18x18xf32>, memref<8x3x3xf32>) outs(%d : memref<1x8x16x16xf32>)
  %bm = memref.collapse_shape %d [[0, 1], [2, 3]] : memref<1x8x16x16xf32> into memref<8x256xf32>
  %cm = memref.collapse_shape %r [[0, 1], [2, 3]] : memref<1x4x16x16xf32> into memref<4x256xf32>
  linalg.matmul ins(%pw, %bm : memref<4x8xf32>, memref<8x256xf32>) outs(%cm : memref<4x256xf32>)
  memref.copy %d, %o : memref<1x8x16x16xf32> to memref<1x8x16x16xf32>
  return
}

// -----

#bias = affine_map<(a, b, c, d) -> (b)>
#id = affine_map<(a, b, c, d) -> (a, b, c, d)>

// An inverted residual: the conv's padded input is the expansion's (a GEMM
// with bias and relu) zero-padded copy. The expansion and the pad move
// along, in order, past the unrelated copy; the conv is tagged to compute
// them per band too, with 4 rows per band: 6 expanded rows and 4
// depthwise rows, (8 x 6 + 8 x 4) x 16 floats = 5 KiB. The expansion's
// input is kept live past the end as well.
// CHECK-LABEL: func @inverted_residual
// EXPAND-LABEL: func @inverted_residual
// EXPAND: memref.copy %{{.*}}, %{{.*}} : memref<16xf32> to memref<16xf32>
// EXPAND: linalg.generic {{.*}} ins(%{{.*}} : memref<2xf32>)
// EXPAND: linalg.generic {{.*}} ins(%{{.*}} : memref<8xf32>) outs(%[[C1:.+]] : memref<1x8x16x16xf32>)
// EXPAND: linalg.matmul ins(%{{.*}}, %{{.*}} : memref<8x4xf32>, memref<4x256xf32>)
// EXPAND: linalg.generic {{.*}} ins(%[[C1]] : memref<1x8x16x16xf32>)
// EXPAND: linalg.fill
// EXPAND: memref.copy
// EXPAND: linalg.generic {{.*}} ins(%{{.*}} : memref<8xf32>) outs(%[[D:.+]] : memref<1x8x16x16xf32>)
// EXPAND: linalg.depthwise_conv_2d_nchw_chw {{{.*}}lwcc.band_expand, lwcc.band_rows = 4 : i64{{.*}}} ins(%[[P:[^,]+]],
// EXPAND: linalg.matmul ins(%{{.*}}, %{{.*}} : memref<2x8xf32>, memref<8x256xf32>)
// EXPAND: linalg.generic {{.*}} outs(%{{.*}} : memref<1x2x16x16xf32>)
// EXPAND: memref.load %[[P]][%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}] {lwcc.keep_alive}
// EXPAND-NEXT: memref.load %arg0[%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}] {lwcc.keep_alive}
// EXPAND-NEXT: return
// Without the expansion (expand=false) only the depthwise conv moves.
// NOEXPAND-LABEL: func @inverted_residual
// NOEXPAND: linalg.generic {{.*}} ins(%{{.*}} : memref<8xf32>) outs(%{{.*}} : memref<1x8x16x16xf32>)
// NOEXPAND: linalg.matmul ins(%{{.*}}, %{{.*}} : memref<8x4xf32>, memref<4x256xf32>)
// NOEXPAND: memref.copy %{{.*}}, %{{.*}} : memref<16xf32> to memref<16xf32>
// NOEXPAND: linalg.depthwise_conv_2d_nchw_chw {{{.*}}lwcc.band_rows
// NOEXPAND-NOT: lwcc.band_expand
func.func @inverted_residual(%x: memref<1x4x16x16xf32>, %ew: memref<8x4xf32>, %eb: memref<8xf32>, %w: memref<8x3x3xf32>, %b: memref<8xf32>, %pw: memref<2x8xf32>, %pb: memref<2xf32>, %s: memref<16xf32>, %t: memref<16xf32>, %r: memref<1x2x16x16xf32>) {
  %cst = arith.constant 0.0 : f32
  %c1 = memref.alloc() : memref<1x8x16x16xf32>
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%eb : memref<8xf32>) outs(%c1 : memref<1x8x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %xm = memref.collapse_shape %x [[0, 1], [2, 3]] : memref<1x4x16x16xf32> into memref<4x256xf32>
  %c1m = memref.collapse_shape %c1 [[0, 1], [2, 3]] : memref<1x8x16x16xf32> into memref<8x256xf32>
  linalg.matmul ins(%ew, %xm : memref<8x4xf32>, memref<4x256xf32>) outs(%c1m : memref<8x256xf32>)
  %e1 = memref.alloc() : memref<1x8x16x16xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c1 : memref<1x8x16x16xf32>) outs(%e1 : memref<1x8x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %cst : f32
    linalg.yield %m : f32
  }
  memref.copy %s, %t : memref<16xf32> to memref<16xf32>
  %p = memref.alloc() : memref<1x8x18x18xf32>
  linalg.fill ins(%cst : f32) outs(%p : memref<1x8x18x18xf32>)
  %interior = memref.subview %p[0, 0, 1, 1] [1, 8, 16, 16] [1, 1, 1, 1] : memref<1x8x18x18xf32> to memref<1x8x16x16xf32, strided<[2592, 324, 18, 1], offset: 19>>
  memref.copy %e1, %interior : memref<1x8x16x16xf32> to memref<1x8x16x16xf32, strided<[2592, 324, 18, 1], offset: 19>>
  %d = memref.alloc() : memref<1x8x16x16xf32>
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : memref<8xf32>) outs(%d : memref<1x8x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : memref<1x8x18x18xf32>, memref<8x3x3xf32>) outs(%d : memref<1x8x16x16xf32>)
  %e = memref.alloc() : memref<1x8x16x16xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%d : memref<1x8x16x16xf32>) outs(%e : memref<1x8x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %cst : f32
    linalg.yield %m : f32
  }
  %c = memref.alloc() : memref<1x2x16x16xf32>
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%pb : memref<2xf32>) outs(%c : memref<1x2x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %bm = memref.collapse_shape %e [[0, 1], [2, 3]] : memref<1x8x16x16xf32> into memref<8x256xf32>
  %cm = memref.collapse_shape %c [[0, 1], [2, 3]] : memref<1x2x16x16xf32> into memref<2x256xf32>
  linalg.matmul ins(%pw, %bm : memref<2x8xf32>, memref<8x256xf32>) outs(%cm : memref<2x256xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : memref<1x2x16x16xf32>) outs(%r : memref<1x2x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %cst : f32
    linalg.yield %m : f32
  }
  return
}

// -----

#bias = affine_map<(a, b, c, d) -> (b)>
#id = affine_map<(a, b, c, d) -> (a, b, c, d)>

// Two pairs in a row (MobileNetV1): the first pair's projection computes
// the second conv's padded input, but it is already in a band loop, so the
// second pair is fused alone, without an expansion.
// CHECK-LABEL: func @chained
// EXPAND-LABEL: func @chained
// EXPAND: linalg.depthwise_conv_2d_nchw_chw {{{.*}}lwcc.band_rows = {{[0-9]+}} : i64{{.*}}} ins(%arg0,
// EXPAND: linalg.depthwise_conv_2d_nchw_chw
// EXPAND-NOT: lwcc.band_expand
// EXPAND-SAME: lwcc.band_rows
func.func @chained(%x: memref<1x8x18x18xf32>, %w: memref<8x3x3xf32>, %b: memref<8xf32>, %b1: memref<8xf32>, %b2: memref<8xf32>, %pw: memref<8x8xf32>, %r: memref<1x8x16x16xf32>) {
  %cst = arith.constant 0.0 : f32
  %d = memref.alloc() : memref<1x8x16x16xf32>
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : memref<8xf32>) outs(%d : memref<1x8x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x8x18x18xf32>, memref<8x3x3xf32>) outs(%d : memref<1x8x16x16xf32>)
  %c = memref.alloc() : memref<1x8x16x16xf32>
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b1 : memref<8xf32>) outs(%c : memref<1x8x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %dm = memref.collapse_shape %d [[0, 1], [2, 3]] : memref<1x8x16x16xf32> into memref<8x256xf32>
  %cm = memref.collapse_shape %c [[0, 1], [2, 3]] : memref<1x8x16x16xf32> into memref<8x256xf32>
  linalg.matmul ins(%pw, %dm : memref<8x8xf32>, memref<8x256xf32>) outs(%cm : memref<8x256xf32>)
  %e = memref.alloc() : memref<1x8x16x16xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : memref<1x8x16x16xf32>) outs(%e : memref<1x8x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %cst : f32
    linalg.yield %m : f32
  }
  %p = memref.alloc() : memref<1x8x18x18xf32>
  linalg.fill ins(%cst : f32) outs(%p : memref<1x8x18x18xf32>)
  %interior = memref.subview %p[0, 0, 1, 1] [1, 8, 16, 16] [1, 1, 1, 1] : memref<1x8x18x18xf32> to memref<1x8x16x16xf32, strided<[2592, 324, 18, 1], offset: 19>>
  memref.copy %e, %interior : memref<1x8x16x16xf32> to memref<1x8x16x16xf32, strided<[2592, 324, 18, 1], offset: 19>>
  %d2 = memref.alloc() : memref<1x8x16x16xf32>
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b2 : memref<8xf32>) outs(%d2 : memref<1x8x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : memref<1x8x18x18xf32>, memref<8x3x3xf32>) outs(%d2 : memref<1x8x16x16xf32>)
  %d2m = memref.collapse_shape %d2 [[0, 1], [2, 3]] : memref<1x8x16x16xf32> into memref<8x256xf32>
  %rm = memref.collapse_shape %r [[0, 1], [2, 3]] : memref<1x8x16x16xf32> into memref<8x256xf32>
  linalg.matmul ins(%pw, %d2m : memref<8x8xf32>, memref<8x256xf32>) outs(%rm : memref<8x256xf32>)
  return
}
