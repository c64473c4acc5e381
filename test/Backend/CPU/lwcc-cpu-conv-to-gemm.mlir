// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-conv-to-gemm))' -split-input-file | FileCheck %s
// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-conv-to-gemm{image-products=false}))' -split-input-file | FileCheck %s --check-prefix=IM2COL
// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-conv-to-gemm{winograd=false}))' -split-input-file | FileCheck %s --check-prefix=NOWINO

// A strided 3x3 convolution gathers its windows (im2col: stride in the map)
// and multiplies the filter viewed as [O, C*KH*KW] into the output viewed as
// [O, OH*OW].
// CHECK-LABEL: func @strided
// CHECK: %[[COL:.+]] = linalg.generic {{.*}} ins(%arg0 : tensor<1x3x9x9xf32>) outs(%{{.+}} : tensor<3x3x3x4x4xf32>)
// CHECK: %[[B:.+]] = tensor.collapse_shape %[[COL]] {{\[}}[0, 1, 2], [3, 4]] : tensor<3x3x3x4x4xf32> into tensor<27x16xf32>
// CHECK: %[[A:.+]] = tensor.collapse_shape %arg1 {{\[}}[0], [1, 2, 3]] : tensor<8x3x3x3xf32> into tensor<8x27xf32>
// CHECK: %[[C:.+]] = tensor.collapse_shape %arg2 {{\[}}[0, 1], [2, 3]] : tensor<1x8x4x4xf32> into tensor<8x16xf32>
// CHECK: %[[P:.+]] = linalg.matmul {lwcc.kind = "conv-gemm"} ins(%[[A]], %[[B]] : tensor<8x27xf32>, tensor<27x16xf32>) outs(%[[C]] : tensor<8x16xf32>)
// CHECK: tensor.expand_shape %[[P]] {{\[}}[0, 1], [2, 3]] output_shape [1, 8, 4, 4]
// CHECK-NOT: linalg.conv_2d
func.func @strided(%x: tensor<1x3x9x9xf32>, %w: tensor<8x3x3x3xf32>, %acc: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x3x9x9xf32>, tensor<8x3x3x3xf32>) outs(%acc : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// The im2col map carries the dilation.
// CHECK: #[[DIL:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (0, d0, d3 + d1 * 2, d4 + d2 * 2)>
// CHECK-LABEL: func @dilated
// CHECK: linalg.generic {indexing_maps = [#[[DIL]],
// CHECK: linalg.matmul
func.func @dilated(%x: tensor<1x2x6x6xf32>, %w: tensor<4x2x3x3xf32>, %acc: tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x2x6x6xf32>, tensor<4x2x3x3xf32>) outs(%acc : tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// -----

// A 1x1 stride-1 convolution multiplies the input as it is: no copy.
// CHECK-LABEL: func @pointwise
// CHECK-NOT: linalg.generic
// CHECK: %[[B:.+]] = tensor.collapse_shape %arg0 {{\[}}[0, 1], [2, 3]] : tensor<1x16x7x7xf32> into tensor<16x49xf32>
// CHECK: linalg.matmul {lwcc.kind = "pointwise"} ins(%{{.+}}, %[[B]] : tensor<24x16xf32>, tensor<16x49xf32>) outs(%{{.+}} : tensor<24x49xf32>)
func.func @pointwise(%x: tensor<1x16x7x7xf32>, %w: tensor<24x16x1x1xf32>, %acc: tensor<1x24x7x7xf32>) -> tensor<1x24x7x7xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x16x7x7xf32>, tensor<24x16x1x1xf32>) outs(%acc : tensor<1x24x7x7xf32>) -> tensor<1x24x7x7xf32>
  return %0 : tensor<1x24x7x7xf32>
}

// -----

// Groups become the batch of a batch_matmul.
// CHECK-LABEL: func @grouped
// CHECK: linalg.generic {{.*}} outs(%{{.+}} : tensor<2x3x3x3x5x5xf32>)
// CHECK: tensor.collapse_shape %{{.+}} {{\[}}[0], [1, 2, 3], [4, 5]] : tensor<2x3x3x3x5x5xf32> into tensor<2x27x25xf32>
// CHECK: linalg.batch_matmul {lwcc.kind = "grouped-gemm"} ins(%{{.+}}, %{{.+}} : tensor<2x4x27xf32>, tensor<2x27x25xf32>) outs(%{{.+}} : tensor<2x4x25xf32>)
// CHECK: tensor.expand_shape %{{.+}} {{\[}}[0, 1], [2], [3, 4]] output_shape [1, 2, 4, 5, 5]
func.func @grouped(%x: tensor<1x2x3x7x7xf32>, %w: tensor<2x4x3x3x3xf32>, %acc: tensor<1x2x4x5x5xf32>) -> tensor<1x2x4x5x5xf32> {
  %0 = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x2x3x7x7xf32>, tensor<2x4x3x3x3xf32>) outs(%acc : tensor<1x2x4x5x5xf32>) -> tensor<1x2x4x5x5xf32>
  return %0 : tensor<1x2x4x5x5xf32>
}

// -----

// Batches above one and integer convolutions keep the direct form.
// CHECK-LABEL: func @untouched
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK-NOT: linalg.matmul
func.func @untouched(%x: tensor<2x3x5x5xf32>, %w: tensor<4x3x3x3xf32>, %acc: tensor<2x4x3x3xf32>,
                     %xi: tensor<1x3x5x5xi32>, %wi: tensor<4x3x3x3xi32>, %acci: tensor<1x4x3x3xi32>) -> (tensor<2x4x3x3xf32>, tensor<1x4x3x3xi32>) {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<2x3x5x5xf32>, tensor<4x3x3x3xf32>) outs(%acc : tensor<2x4x3x3xf32>) -> tensor<2x4x3x3xf32>
  %1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%xi, %wi : tensor<1x3x5x5xi32>, tensor<4x3x3x3xi32>) outs(%acci : tensor<1x4x3x3xi32>) -> tensor<1x4x3x3xi32>
  return %0, %1 : tensor<2x4x3x3xf32>, tensor<1x4x3x3xi32>
}

// -----

// A 1x1 convolution on a single pixel (a squeeze-excite gate) with constant
// weights: x^T x W^T, one row of 3 output channels, W transposed at compile
// time. Weights that are not constants keep the one-column form.
// CHECK-LABEL: func @one_pixel
// CHECK-DAG: %[[WT:.+]] = arith.constant dense<{{\[}}[1.000000e+00, 3.000000e+00, 5.000000e+00], [2.000000e+00, 4.000000e+00, 6.000000e+00]]> : tensor<2x3xf32>
// CHECK-DAG: %[[ROW:.+]] = tensor.collapse_shape %arg0 {{\[}}[0], [1, 2, 3]] : tensor<1x2x1x1xf32> into tensor<1x2xf32>
// CHECK-DAG: %[[ACC:.+]] = tensor.collapse_shape %arg1 {{\[}}[0], [1, 2, 3]] : tensor<1x3x1x1xf32> into tensor<1x3xf32>
// CHECK: %[[P:.+]] = linalg.matmul {lwcc.kind = "pointwise"} ins(%[[ROW]], %[[WT]] : tensor<1x2xf32>, tensor<2x3xf32>) outs(%[[ACC]] : tensor<1x3xf32>)
// CHECK: tensor.expand_shape %[[P]] {{\[}}[0], [1, 2, 3]] output_shape [1, 3, 1, 1]
// CHECK: linalg.matmul {lwcc.kind = "pointwise"} ins(%{{.+}}, %{{.+}} : tensor<3x2xf32>, tensor<2x1xf32>) outs(%{{.+}} : tensor<3x1xf32>)
func.func @one_pixel(%x: tensor<1x2x1x1xf32>, %acc: tensor<1x3x1x1xf32>, %w: tensor<3x2x1x1xf32>) -> (tensor<1x3x1x1xf32>, tensor<1x3x1x1xf32>) {
  %cw = arith.constant dense<[[[[1.0]], [[2.0]]], [[[3.0]], [[4.0]]], [[[5.0]], [[6.0]]]]> : tensor<3x2x1x1xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %cw : tensor<1x2x1x1xf32>, tensor<3x2x1x1xf32>) outs(%acc : tensor<1x3x1x1xf32>) -> tensor<1x3x1x1xf32>
  %1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x2x1x1xf32>, tensor<3x2x1x1xf32>) outs(%acc : tensor<1x3x1x1xf32>) -> tensor<1x3x1x1xf32>
  return %0, %1 : tensor<1x3x1x1xf32>, tensor<1x3x1x1xf32>
}

// -----

// A 3x3 stride-1 conv on 14x14 outputs reads its column matrix from the
// image: the pad grows a row at the bottom (the last output row's taps
// reach past it by two elements), the image is [C, 17*16], tap (ky, kx) of
// channel c is row c shifted by ky*16 + kx, the bias broadcast is redone
// on the [1, 4, 14, 16] product and the conv's result is its first 14
// columns. Without image products, the im2col.
// CHECK-DAG: #[[SHIFT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d2, d1 + d3 * 16 + d4)>
// CHECK-LABEL: func @image
// CHECK: %[[PAD:.+]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 2, 1]
// CHECK: %[[IMG:.+]] = tensor.collapse_shape %[[PAD]] {{\[}}[0, 1], [2, 3]] : tensor<1x2x17x16xf32> into tensor<2x272xf32>
// CHECK: %[[BIAS:.+]] = linalg.generic {{.*}} ins(%arg2 : tensor<4xf32>) outs(%{{.+}} : tensor<1x4x14x16xf32>)
// CHECK: %[[ACC:.+]] = tensor.collapse_shape %[[BIAS]] {{\[}}[0, 1], [2, 3]] : tensor<1x4x14x16xf32> into tensor<4x224xf32>
// CHECK: %[[P:.+]] = linalg.generic {indexing_maps = [#{{.+}}, #[[SHIFT]], #{{.+}}], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%arg1, %[[IMG]] : tensor<4x2x3x3xf32>, tensor<2x272xf32>) outs(%[[ACC]] : tensor<4x224xf32>) attrs = {lwcc.kind = "conv-gemm"}
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[WIDE:.+]] = tensor.expand_shape %[[P]] {{\[}}[0, 1], [2, 3]] output_shape [1, 4, 14, 16]
// CHECK: tensor.extract_slice %[[WIDE]][0, 0, 0, 0] [1, 4, 14, 14] [1, 1, 1, 1]
// IM2COL-LABEL: func @image
// IM2COL: lwcc.kind = "im2col"
// IM2COL: linalg.matmul {lwcc.kind = "conv-gemm"}
#bias = affine_map<(n, c, h, w) -> (c)>
#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
func.func @image(%x: tensor<1x2x14x14xf32>, %w: tensor<4x2x3x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x14x14xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x2x14x14xf32> to tensor<1x2x16x16xf32>
  %e = tensor.empty() : tensor<1x4x14x14xf32>
  %acc = linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<4xf32>) outs(%e : tensor<1x4x14x14xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x14x14xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x2x16x16xf32>, tensor<4x2x3x3xf32>) outs(%acc : tensor<1x4x14x14xf32>) -> tensor<1x4x14x14xf32>
  return %0 : tensor<1x4x14x14xf32>
}

// -----

// A 7x7 stride-2 conv (a stem) runs on its image's 2x2 phases: rows grown
// so every phase has 36 rows of 35, the phases [2, 2, C, 36, 35] copied
// once, tap (ky, kx) reading phase (ky mod 2, kx mod 2) shifted by
// (ky / 2) * 35 + kx / 2. The accumulator is a function argument: padded
// to the product's width.
// CHECK-DAG: #[[PHASE:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (0, d2, d3 * 2 + d0, d4 * 2 + d1)>
// CHECK-DAG: #[[TAP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (((d3 mod 2) * 2 + d4 mod 2) * 3 + d2, d1 + (d3 floordiv 2) * 35 + d4 floordiv 2)>
// CHECK-LABEL: func @phases
// CHECK: %[[GROWN:.+]] = tensor.pad %arg0 low[0, 0, 0, 0] high[0, 0, 2, 0]
// CHECK: %[[Q:.+]] = linalg.generic {indexing_maps = [#[[PHASE]], #{{.+}}], {{.*}} ins(%[[GROWN]] : tensor<1x3x72x70xf32>) outs(%{{.+}} : tensor<2x2x3x36x35xf32>) attrs = {lwcc.kind = "phases"}
// CHECK: %[[IMG:.+]] = tensor.collapse_shape %[[Q]] {{\[}}[0, 1, 2], [3, 4]] : tensor<2x2x3x36x35xf32> into tensor<12x1260xf32>
// CHECK: %[[WIDE:.+]] = tensor.pad %arg2 low[0, 0, 0, 0] high[0, 0, 0, 3]
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[TAP]], #{{.+}}], {{.*}} ins(%arg1, %[[IMG]] : tensor<8x3x7x7xf32>, tensor<12x1260xf32>) outs(%{{.+}} : tensor<8x1120xf32>)
// CHECK: tensor.extract_slice %{{.+}}[0, 0, 0, 0] [1, 8, 32, 32] [1, 1, 1, 1]
func.func @phases(%x: tensor<1x3x70x70xf32>, %w: tensor<8x3x7x7xf32>, %acc: tensor<1x8x32x32xf32>) -> tensor<1x8x32x32xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x3x70x70xf32>, tensor<8x3x7x7xf32>) outs(%acc : tensor<1x8x32x32xf32>) -> tensor<1x8x32x32xf32>
  return %0 : tensor<1x8x32x32xf32>
}

// -----

// A 3x3 stride-2 conv only a max pool reads (through an element-wise op)
// runs on its phases too: the pool reads the product's kept columns in
// place, and no im2col is written. Not with a padded input, whose padding
// the im2col supplies without a copy.
// CHECK-LABEL: func @pooled_stem
// CHECK: linalg.generic {{.*}} attrs = {lwcc.kind = "phases"}
// CHECK-NOT: "im2col"
// CHECK: linalg.pooling_nchw_max
// CHECK-LABEL: func @padded_pooled_stem
// CHECK: attrs = {lwcc.kind = "im2col"}
// CHECK-NOT: "phases"
// CHECK: linalg.pooling_nchw_max
func.func @pooled_stem(%x: tensor<1x3x41x41xf32>, %w: tensor<8x3x3x3xf32>, %acc: tensor<1x8x20x20xf32>, %pinit: tensor<1x8x9x9xf32>) -> tensor<1x8x9x9xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x3x41x41xf32>, tensor<8x3x3x3xf32>) outs(%acc : tensor<1x8x20x20xf32>) -> tensor<1x8x20x20xf32>
  %1 = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%0 : tensor<1x8x20x20xf32>) outs(%acc : tensor<1x8x20x20xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 1.0 : f32
    %m = arith.addf %in, %z : f32
    linalg.yield %m : f32
  } -> tensor<1x8x20x20xf32>
  %k = tensor.empty() : tensor<3x3xf32>
  %2 = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%1, %k : tensor<1x8x20x20xf32>, tensor<3x3xf32>) outs(%pinit : tensor<1x8x9x9xf32>) -> tensor<1x8x9x9xf32>
  return %2 : tensor<1x8x9x9xf32>
}
func.func @padded_pooled_stem(%x: tensor<1x3x40x40xf32>, %w: tensor<8x3x3x3xf32>, %acc: tensor<1x8x20x20xf32>, %pinit: tensor<1x8x9x9xf32>) -> tensor<1x8x9x9xf32> {
  %cst = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %cst : f32
  } : tensor<1x3x40x40xf32> to tensor<1x3x42x42xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%p, %w : tensor<1x3x42x42xf32>, tensor<8x3x3x3xf32>) outs(%acc : tensor<1x8x20x20xf32>) -> tensor<1x8x20x20xf32>
  %k = tensor.empty() : tensor<3x3xf32>
  %2 = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%0, %k : tensor<1x8x20x20xf32>, tensor<3x3xf32>) outs(%pinit : tensor<1x8x9x9xf32>) -> tensor<1x8x9x9xf32>
  return %2 : tensor<1x8x9x9xf32>
}

// -----

// Small images keep the im2col: a 7x7 output would compute 9 columns per
// row for 7.
// CHECK-LABEL: func @small_image
// CHECK: lwcc.kind = "im2col"
// CHECK: linalg.matmul
func.func @small_image(%x: tensor<1x4x9x9xf32>, %w: tensor<4x4x3x3xf32>, %acc: tensor<1x4x7x7xf32>) -> tensor<1x4x7x7xf32> {
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x9x9xf32>, tensor<4x4x3x3xf32>) outs(%acc : tensor<1x4x7x7xf32>) -> tensor<1x4x7x7xf32>
  return %0 : tensor<1x4x7x7xf32>
}

// -----

// A 3x3 stride-1 conv with constant filters and 28x28 outputs (49 tiles of
// 4x4) runs as Winograd F(4x4, 3x3): the input transform over the image
// (30 = 7 * 4 + 2 rows: no growth), 36 products of [16, 16] x [16, 49]
// with the filters transformed at compile time, the output transform
// accumulating into the conv's init.
// CHECK-DAG: #[[TAPS:.+]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (0, d2, d3 * 4 + d5, d4 * 4 + d6)>
// CHECK-DAG: #[[ROWS:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2 mod 4, d4)>
// CHECK-DAG: #[[TILES:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5, d1, d2 floordiv 4, d3 floordiv 4)>
// CHECK-LABEL: func @winograd
// CHECK-DAG: %[[U:.+]] = arith.constant dense<{{.+}}> : tensor<36x16x16xf32>
// CHECK-DAG: %[[BT:.+]] = arith.constant dense<{{\[}}[4.000000e+00, 0.000000e+00, -5.000000e+00, {{.+}}> : tensor<6x6xf32>
// CHECK-DAG: %[[AT:.+]] = arith.constant dense<{{\[}}[1.000000e+00, 1.000000e+00, {{.+}}> : tensor<4x6xf32>
// CHECK: %[[V:.+]] = linalg.generic {indexing_maps = [#{{.+}}, #{{.+}}, #[[TAPS]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[BT]], %[[BT]], %arg0 : tensor<6x6xf32>, tensor<6x6xf32>, tensor<1x16x30x30xf32>) outs(%{{.+}} : tensor<6x6x16x7x7xf32>) attrs = {lwcc.kind = "winograd-input"}
// CHECK: %[[VM:.+]] = tensor.collapse_shape %[[V]] {{\[}}[0, 1], [2], [3, 4]] : tensor<6x6x16x7x7xf32> into tensor<36x16x49xf32>
// CHECK: %[[M:.+]] = linalg.batch_matmul {lwcc.kind = "winograd-gemm"} ins(%[[U]], %[[VM]] : tensor<36x16x16xf32>, tensor<36x16x49xf32>) outs(%{{.+}} : tensor<36x16x49xf32>)
// CHECK: %[[MT:.+]] = tensor.expand_shape %[[M]] {{\[}}[0, 1], [2], [3, 4]] output_shape [6, 6, 16, 7, 7]
// CHECK: linalg.generic {indexing_maps = [#[[ROWS]], #{{.+}}, #[[TILES]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[AT]], %[[AT]], %[[MT]] : tensor<4x6xf32>, tensor<4x6xf32>, tensor<6x6x16x7x7xf32>) outs(%arg1 : tensor<1x16x28x28xf32>) attrs = {lwcc.kind = "winograd-output"}
// NOWINO-LABEL: func @winograd
// NOWINO-NOT: winograd
// NOWINO: lwcc.kind = "conv-gemm"
func.func @winograd(%x: tensor<1x16x30x30xf32>, %acc: tensor<1x16x28x28xf32>) -> tensor<1x16x28x28xf32> {
  %w = arith.constant dense<0.5> : tensor<16x16x3x3xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x16x30x30xf32>, tensor<16x16x3x3xf32>) outs(%acc : tensor<1x16x28x28xf32>) -> tensor<1x16x28x28xf32>
  return %0 : tensor<1x16x28x28xf32>
}

// -----

// 13x13 outputs have 16 tiles of 4x4, too few to stream the filters' 4x
// transform for; 49 of 2x2: F(2x2, 3x3), its 4x4 windows reaching a row
// and a column past the image (grown by zeros).
// CHECK-LABEL: func @winograd_2x2
// CHECK-DAG: arith.constant dense<{{\[}}[1.000000e+00, 0.000000e+00, -1.000000e+00, 0.000000e+00], {{.+}}> : tensor<4x4xf32>
// CHECK-DAG: arith.constant dense<{{\[}}[1.000000e+00, 1.000000e+00, 1.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00, -1.000000e+00, -1.000000e+00]]> : tensor<2x4xf32>
// CHECK: %[[GROWN:.+]] = tensor.pad %arg0 low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: linalg.generic {{.+}} ins(%{{.+}}, %{{.+}}, %[[GROWN]] : tensor<4x4xf32>, tensor<4x4xf32>, tensor<1x16x16x16xf32>) outs(%{{.+}} : tensor<4x4x16x7x7xf32>) attrs = {lwcc.kind = "winograd-input"}
// CHECK: linalg.batch_matmul {lwcc.kind = "winograd-gemm"} ins(%{{.+}}, %{{.+}} : tensor<16x32x16xf32>, tensor<16x16x49xf32>)
// CHECK: lwcc.kind = "winograd-output"
func.func @winograd_2x2(%x: tensor<1x16x15x15xf32>, %acc: tensor<1x32x13x13xf32>) -> tensor<1x32x13x13xf32> {
  %w = arith.constant dense<1.0> : tensor<32x16x3x3xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x16x15x15xf32>, tensor<32x16x3x3xf32>) outs(%acc : tensor<1x32x13x13xf32>) -> tensor<1x32x13x13xf32>
  return %0 : tensor<1x32x13x13xf32>
}

// -----

// Too few tiles either way (7x7: 16 of 2x2), filters not constant,
// 8 input channels: image products and im2cols as before.
// CHECK-LABEL: func @not_winograd
// CHECK-NOT: winograd
// CHECK: return
func.func @not_winograd(%x: tensor<1x16x9x9xf32>, %acc: tensor<1x16x7x7xf32>, %y: tensor<1x16x30x30xf32>, %wy: tensor<16x16x3x3xf32>, %acc2: tensor<1x16x28x28xf32>, %z: tensor<1x8x30x30xf32>, %acc3: tensor<1x16x28x28xf32>) -> (tensor<1x16x7x7xf32>, tensor<1x16x28x28xf32>, tensor<1x16x28x28xf32>) {
  %w = arith.constant dense<0.5> : tensor<16x16x3x3xf32>
  %w8 = arith.constant dense<0.5> : tensor<16x8x3x3xf32>
  %0 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x16x9x9xf32>, tensor<16x16x3x3xf32>) outs(%acc : tensor<1x16x7x7xf32>) -> tensor<1x16x7x7xf32>
  %1 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%y, %wy : tensor<1x16x30x30xf32>, tensor<16x16x3x3xf32>) outs(%acc2 : tensor<1x16x28x28xf32>) -> tensor<1x16x28x28xf32>
  %2 = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%z, %w8 : tensor<1x8x30x30xf32>, tensor<16x8x3x3xf32>) outs(%acc3 : tensor<1x16x28x28xf32>) -> tensor<1x16x28x28xf32>
  return %0, %1, %2 : tensor<1x16x7x7xf32>, tensor<1x16x28x28xf32>, tensor<1x16x28x28xf32>
}
