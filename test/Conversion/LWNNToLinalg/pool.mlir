// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-convert-lwnn-to-linalg))' -split-input-file | FileCheck %s

// Max pooling pads with -inf and starts from -inf; only the rows the four
// windows read are padded ((4 - 1) * 2 + 3 = 9 = 1 + 8: no bottom row).
// CHECK-LABEL: func @max_pool
// CHECK: %[[LOW:.+]] = arith.constant 0xFF800000 : f32
// CHECK: tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 0, 0]
// CHECK: tensor.yield %[[LOW]]
// CHECK: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
func.func @max_pool(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %0 = lwnn.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// Average pooling divides by a per-position constant count: without
// count_include_pad the corners (2x2 inside the input) divide by 4, edges
// by 6, the middle by 9.
// CHECK-LABEL: func @avg_pool
// CHECK: linalg.pooling_nchw_sum
// CHECK: arith.constant dense<{{\[}}[4.000000e+00, 6.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [6.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [4.000000e+00, 6.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<4x4xf32>
// CHECK: arith.divf
func.func @avg_pool(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %0 = lwnn.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// CHECK-LABEL: func @global_avg_pool
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.constant 4.900000e+01 : f32
// CHECK: tensor.expand_shape {{.*}} into tensor<1x8x1x1xf32>
func.func @global_avg_pool(%x: tensor<1x8x7x7xf32>) -> tensor<1x8x1x1xf32> {
  %0 = lwnn.global_avg_pool %x : tensor<1x8x7x7xf32> -> tensor<1x8x1x1xf32>
  return %0 : tensor<1x8x1x1xf32>
}

// -----

// Softmax subtracts the row maximum before exp.
// CHECK-LABEL: func @softmax
// CHECK: arith.maximumf
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  %0 = lwnn.softmax %x {axis = 1 : i64} : tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// CHECK-LABEL: func @reduce_mean
// CHECK: iterator_types = ["reduction", "parallel", "reduction"]
// CHECK: arith.constant 1.200000e+01 : f32
func.func @reduce_mean(%x: tensor<3x5x4xf32>) -> tensor<5xf32> {
  %0 = lwnn.reduce_mean %x {axes = array<i64: 0, 2>, keepdims = false} : tensor<3x5x4xf32> -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

// Indices: one generic reduces the padded window into (max, flat index of
// the first maximum in the unpadded N, C, H, W input).
// CHECK-LABEL: func @max_pool_indices
// CHECK: tensor.pad %arg0 low[0, 0, 1, 1]
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.cmpf ogt
// CHECK: arith.select
// CHECK: arith.select
// CHECK: -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>)
func.func @max_pool_indices(%x: tensor<1x2x5x5xf32>) -> (tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>) {
  %y, %i = lwnn.max_pool2d_with_indices %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>
  return %y, %i : tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>
}
