// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-mark-implicit-pads))' -split-input-file | FileCheck %s

// A zero-filled buffer with the source copied into its interior, read only
// by the depthwise conv: the source is kept live (a tagged load) past the
// conv and the op after it that reads the conv's output, the element-wise
// consumer the kernel may absorb.
// CHECK-LABEL: func @marked
// CHECK: linalg.depthwise_conv_2d_nchw_chw
// CHECK-NEXT: linalg.generic
// CHECK: memref.load %[[SRC:.+]][%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}] {lwcc.keep_alive}
func.func @marked(%w: memref<4x3x3xf32>, %r: memref<1x4x8x8xf32>) {
  %cst = arith.constant 0.0 : f32
  %x = memref.alloc() : memref<1x4x8x8xf32>
  linalg.fill ins(%cst : f32) outs(%x : memref<1x4x8x8xf32>)
  %p = memref.alloc() : memref<1x4x10x10xf32>
  linalg.map outs(%p : memref<1x4x10x10xf32>)
    (%init: f32) {
      linalg.yield %cst : f32
    }
  %interior = memref.subview %p[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : memref<1x4x10x10xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  memref.copy %x, %interior : memref<1x4x8x8xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  %y = memref.alloc() : memref<1x4x8x8xf32>
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : memref<1x4x10x10xf32>, memref<4x3x3xf32>) outs(%y : memref<1x4x8x8xf32>)
  linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y : memref<1x4x8x8xf32>) outs(%r : memref<1x4x8x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %cst : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// Not marked: the source is written between the copy and the conv (the
// bufferiser reused its buffer), so only the padded copy holds the input.
// CHECK-LABEL: func @overwritten
// CHECK-NOT: lwcc.keep_alive
func.func @overwritten(%w: memref<4x3x3xf32>, %y: memref<1x4x8x8xf32>) {
  %cst = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %x = memref.alloc() : memref<1x4x8x8xf32>
  linalg.fill ins(%cst : f32) outs(%x : memref<1x4x8x8xf32>)
  %p = memref.alloc() : memref<1x4x10x10xf32>
  linalg.fill ins(%cst : f32) outs(%p : memref<1x4x10x10xf32>)
  %interior = memref.subview %p[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : memref<1x4x10x10xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  memref.copy %x, %interior : memref<1x4x8x8xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  linalg.fill ins(%one : f32) outs(%x : memref<1x4x8x8xf32>)
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : memref<1x4x10x10xf32>, memref<4x3x3xf32>) outs(%y : memref<1x4x8x8xf32>)
  return
}

// -----

// Not marked: the padding is not the value the reader can supply (zero
// for a depthwise conv), or the padded buffer has another reader.
// CHECK-LABEL: func @not_zero
// CHECK-NOT: lwcc.keep_alive
// CHECK-LABEL: func @shared
// CHECK-NOT: lwcc.keep_alive
func.func @not_zero(%x: memref<1x4x8x8xf32>, %w: memref<4x3x3xf32>, %y: memref<1x4x8x8xf32>) {
  %cst = arith.constant -1.0 : f32
  %p = memref.alloc() : memref<1x4x10x10xf32>
  linalg.fill ins(%cst : f32) outs(%p : memref<1x4x10x10xf32>)
  %interior = memref.subview %p[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : memref<1x4x10x10xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  memref.copy %x, %interior : memref<1x4x8x8xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : memref<1x4x10x10xf32>, memref<4x3x3xf32>) outs(%y : memref<1x4x8x8xf32>)
  return
}
func.func @shared(%x: memref<1x4x8x8xf32>, %w: memref<4x3x3xf32>, %y: memref<1x4x8x8xf32>, %z: memref<1x4x10x10xf32>) {
  %cst = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x4x10x10xf32>
  linalg.fill ins(%cst : f32) outs(%p : memref<1x4x10x10xf32>)
  %interior = memref.subview %p[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : memref<1x4x10x10xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  memref.copy %x, %interior : memref<1x4x8x8xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : memref<1x4x10x10xf32>, memref<4x3x3xf32>) outs(%y : memref<1x4x8x8xf32>)
  memref.copy %p, %z : memref<1x4x10x10xf32> to memref<1x4x10x10xf32>
  return
}

// -----

// A max pool's -inf padding is one its kernel supplies too.
// CHECK-LABEL: func @max_pool
// CHECK: linalg.pooling_nchw_max
// CHECK: memref.load %{{.+}} {lwcc.keep_alive}
func.func @max_pool(%x: memref<1x4x8x8xf32>, %y: memref<1x4x4x4xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %window = memref.alloc() : memref<3x3xf32>
  %p = memref.alloc() : memref<1x4x10x10xf32>
  linalg.fill ins(%ninf : f32) outs(%p : memref<1x4x10x10xf32>)
  %interior = memref.subview %p[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : memref<1x4x10x10xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  memref.copy %x, %interior : memref<1x4x8x8xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%p, %window : memref<1x4x10x10xf32>, memref<3x3xf32>) outs(%y : memref<1x4x4x4xf32>)
  return
}

// -----

// The source may be a view with row strides of its own (the kept columns
// of an image product, rows of 10 in a buffer of rows of 12): its rows are
// contiguous, so the max pool reads it in place.
// CHECK-LABEL: func @strided_source
// CHECK: %[[KEPT:.+]] = memref.subview %{{.+}}[0, 0, 0, 0] [1, 4, 8, 10]
// CHECK: linalg.pooling_nchw_max
// CHECK: memref.load %[[KEPT]][%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}] {lwcc.keep_alive}
func.func @strided_source(%y: memref<1x4x4x5xf32>) {
  %cst = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %wide = memref.alloc() : memref<1x4x8x12xf32>
  linalg.fill ins(%cst : f32) outs(%wide : memref<1x4x8x12xf32>)
  %kept = memref.subview %wide[0, 0, 0, 0] [1, 4, 8, 10] [1, 1, 1, 1] : memref<1x4x8x12xf32> to memref<1x4x8x10xf32, strided<[384, 96, 12, 1]>>
  %p = memref.alloc() : memref<1x4x9x11xf32>
  linalg.fill ins(%ninf : f32) outs(%p : memref<1x4x9x11xf32>)
  %interior = memref.subview %p[0, 0, 1, 1] [1, 4, 8, 10] [1, 1, 1, 1] : memref<1x4x9x11xf32> to memref<1x4x8x10xf32, strided<[396, 99, 11, 1], offset: 12>>
  memref.copy %kept, %interior : memref<1x4x8x10xf32, strided<[384, 96, 12, 1]>> to memref<1x4x8x10xf32, strided<[396, 99, 11, 1], offset: 12>>
  %window = memref.alloc() : memref<3x3xf32>
  linalg.fill ins(%ninf : f32) outs(%y : memref<1x4x4x5xf32>)
  linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%p, %window : memref<1x4x9x11xf32>, memref<3x3xf32>) outs(%y : memref<1x4x4x5xf32>)
  return
}

// -----

// A grouped im2col reads the padded buffer through its [1, G, C/G, Hp, Wp]
// view: marked as well (the window kernel reads the source as G*C
// channels).
// CHECK-LABEL: func @grouped_im2col
// CHECK: linalg.generic {{.*}} ins(%{{.+}} : memref<1x2x2x10x10xf32>)
// CHECK: memref.load %[[SRC:.+]][%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}] {lwcc.keep_alive} : memref<1x4x8x8xf32>
func.func @grouped_im2col(%x: memref<1x4x8x8xf32>, %col: memref<2x2x3x3x8x8xf32>) {
  %cst = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x4x10x10xf32>
  linalg.fill ins(%cst : f32) outs(%p : memref<1x4x10x10xf32>)
  %interior = memref.subview %p[0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1] : memref<1x4x10x10xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  memref.copy %x, %interior : memref<1x4x8x8xf32> to memref<1x4x8x8xf32, strided<[400, 100, 10, 1], offset: 11>>
  %g = memref.expand_shape %p [[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 10, 10] : memref<1x4x10x10xf32> into memref<1x2x2x10x10xf32>
  linalg.generic {indexing_maps = [affine_map<(g, c, y, x, oh, ow) -> (0, g, c, oh + y, ow + x)>, affine_map<(g, c, y, x, oh, ow) -> (g, c, y, x, oh, ow)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%g : memref<1x2x2x10x10xf32>) outs(%col : memref<2x2x3x3x8x8xf32>) attrs = {lwcc.kind = "im2col"} {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return
}

// -----

#bias = affine_map<(a, b, c, d) -> (b)>
#id = affine_map<(a, b, c, d) -> (a, b, c, d)>

// A conv lwcc-cpu-fuse-depthwise-pointwise tagged: the band kernel reads
// the source until the pointwise conv's consumer, so it stays live past it
// (and the tagged load of the padded buffer the fusion placed does not
// count as a reader of it).
// CHECK-LABEL: func @band_fused
// CHECK: linalg.depthwise_conv_2d_nchw_chw
// CHECK: linalg.matmul
// CHECK-NOT: keep_alive
// CHECK: linalg.generic
// CHECK: memref.load %arg0[%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}] {lwcc.keep_alive}
func.func @band_fused(%x: memref<1x8x16x16xf32>, %w: memref<8x3x3xf32>, %pw: memref<4x8xf32>, %r: memref<1x4x16x16xf32>) {
  %cst = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x8x18x18xf32>
  linalg.fill ins(%cst : f32) outs(%p : memref<1x8x18x18xf32>)
  %interior = memref.subview %p[0, 0, 1, 1] [1, 8, 16, 16] [1, 1, 1, 1] : memref<1x8x18x18xf32> to memref<1x8x16x16xf32, strided<[2592, 324, 18, 1], offset: 19>>
  memref.copy %x, %interior : memref<1x8x16x16xf32> to memref<1x8x16x16xf32, strided<[2592, 324, 18, 1], offset: 19>>
  %d = memref.alloc() : memref<1x8x16x16xf32>
  %c = memref.alloc() : memref<1x4x16x16xf32>
  linalg.fill ins(%cst : f32) outs(%c : memref<1x4x16x16xf32>)
  %bm = memref.collapse_shape %d [[0, 1], [2, 3]] : memref<1x8x16x16xf32> into memref<8x256xf32>
  %cm = memref.collapse_shape %c [[0, 1], [2, 3]] : memref<1x4x16x16xf32> into memref<4x256xf32>
  linalg.fill ins(%cst : f32) outs(%d : memref<1x8x16x16xf32>)
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, lwcc.band_rows = 4 : i64, strides = dense<1> : tensor<2xi64>} ins(%p, %w : memref<1x8x18x18xf32>, memref<8x3x3xf32>) outs(%d : memref<1x8x16x16xf32>)
  linalg.matmul ins(%pw, %bm : memref<4x8xf32>, memref<8x256xf32>) outs(%cm : memref<4x256xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : memref<1x4x16x16xf32>) outs(%r : memref<1x4x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %cst : f32
    linalg.yield %m : f32
  }
  %c0 = arith.constant 0 : index
  %k0 = memref.load %p[%c0, %c0, %c0, %c0] {lwcc.keep_alive} : memref<1x8x18x18xf32>
  return
}

// -----

// A channels-last depthwise conv (lwcc-cpu-choose-layout) reading a pad of
// rows and columns, dims 1 and 2: marked the same way. A pad of the
// channels (dim 3) is not one the kernel supplies: not marked.
// CHECK-LABEL: func @channels_last
// CHECK: linalg.depthwise_conv_2d_nhwc_hwc
// CHECK: memref.load %{{.+}}[%{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}] {lwcc.keep_alive} : memref<1x8x8x4xf32>
// CHECK-LABEL: func @channels_last_channel_pad
// CHECK-NOT: lwcc.keep_alive
func.func @channels_last(%x: memref<1x8x8x4xf32>, %w: memref<3x3x4xf32>, %y: memref<1x8x8x4xf32>) {
  %cst = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x10x10x4xf32>
  linalg.fill ins(%cst : f32) outs(%p : memref<1x10x10x4xf32>)
  %interior = memref.subview %p[0, 1, 1, 0] [1, 8, 8, 4] [1, 1, 1, 1] : memref<1x10x10x4xf32> to memref<1x8x8x4xf32, strided<[400, 40, 4, 1], offset: 44>>
  memref.copy %x, %interior : memref<1x8x8x4xf32> to memref<1x8x8x4xf32, strided<[400, 40, 4, 1], offset: 44>>
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : memref<1x10x10x4xf32>, memref<3x3x4xf32>) outs(%y : memref<1x8x8x4xf32>)
  return
}
func.func @channels_last_channel_pad(%x: memref<1x10x10x2xf32>, %w: memref<1x1x4xf32>, %y: memref<1x10x10x4xf32>) {
  %cst = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x10x10x4xf32>
  linalg.fill ins(%cst : f32) outs(%p : memref<1x10x10x4xf32>)
  %interior = memref.subview %p[0, 0, 0, 1] [1, 10, 10, 2] [1, 1, 1, 1] : memref<1x10x10x4xf32> to memref<1x10x10x2xf32, strided<[400, 40, 4, 1], offset: 1>>
  memref.copy %x, %interior : memref<1x10x10x2xf32> to memref<1x10x10x2xf32, strided<[400, 40, 4, 1], offset: 1>>
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : memref<1x10x10x4xf32>, memref<1x1x4xf32>) outs(%y : memref<1x10x10x4xf32>)
  return
}
