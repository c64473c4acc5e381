// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-conv-to-gemm))' -split-input-file | FileCheck %s

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
