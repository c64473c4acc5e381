// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwnn-fold-batch-norm,canonicalize))' -split-input-file | FileCheck %s

// bn(conv(x)): gamma 2, beta 1, mean 0.5, var 3, eps 1 -> s = 1, so the
// filter keeps 0.5 and the bias becomes (0.25 - 0.5) * 1 + 1 = 0.75.
// CHECK-LABEL: func @conv_bn
// CHECK-DAG: %[[W:.+]] = lwnn.constant dense<5.000000e-01> : tensor<4x3x3x3xf32>
// CHECK-DAG: %[[B:.+]] = lwnn.constant dense<7.500000e-01> : tensor<4xf32>
// CHECK: %[[Y:.+]] = lwnn.conv2d %arg0, %[[W]], %[[B]] {{.*}}strides = array<i64: 2, 2>
// CHECK-NOT: lwnn.batch_norm
// CHECK: return %[[Y]]
func.func @conv_bn(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %w = lwnn.constant dense<0.5> : tensor<4x3x3x3xf32>
  %b = lwnn.constant dense<0.25> : tensor<4xf32>
  %g = lwnn.constant dense<2.0> : tensor<4xf32>
  %beta = lwnn.constant dense<1.0> : tensor<4xf32>
  %mean = lwnn.constant dense<0.5> : tensor<4xf32>
  %var = lwnn.constant dense<3.0> : tensor<4xf32>
  %0 = lwnn.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %1 = lwnn.batch_norm %0, %g, %beta, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  return %1 : tensor<1x4x4x4xf32>
}

// -----

// Per-channel scales: gamma [1, 2], var 0, eps 0.25 -> s = [2, 4]; no conv
// bias, mean 0, beta 0. A depthwise conv stays depthwise.
// CHECK-LABEL: func @depthwise_bn
// CHECK-DAG: lwnn.constant dense<{{\[}}{{\[}}{{\[}}[2.000000e+00]]], {{\[}}{{\[}}[4.000000e+00]]]]> : tensor<2x1x1x1xf32>
// CHECK-DAG: lwnn.constant dense<0.000000e+00> : tensor<2xf32>
// CHECK: lwnn.depthwise_conv2d
// CHECK-NOT: lwnn.batch_norm
func.func @depthwise_bn(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = lwnn.constant dense<1.0> : tensor<2x1x1x1xf32>
  %g = lwnn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %zero = lwnn.constant dense<0.0> : tensor<2xf32>
  %0 = lwnn.depthwise_conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = lwnn.batch_norm %0, %g, %zero, %zero, %zero {epsilon = 0.25 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %1 : tensor<1x2x4x4xf32>
}

// -----

// Kept: the conv has another user, or an activation (bn(relu(conv)) is not
// linear in the conv), or its weights are run-time values.
// CHECK-LABEL: func @kept
// CHECK-COUNT-3: lwnn.batch_norm
func.func @kept(%x: tensor<1x2x4x4xf32>, %wdyn: tensor<2x2x1x1xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = lwnn.constant dense<1.0> : tensor<2x2x1x1xf32>
  %p = lwnn.constant dense<1.0> : tensor<2xf32>
  %0 = lwnn.pointwise_conv2d %x, %w {strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = lwnn.batch_norm %0, %p, %p, %p, %p {epsilon = 1.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %2 = lwnn.pointwise_conv2d %x, %w {strides = array<i64: 1, 1>, act = #lwnn.act<relu>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %3 = lwnn.batch_norm %2, %p, %p, %p, %p {epsilon = 1.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %4 = lwnn.pointwise_conv2d %x, %wdyn {strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %5 = lwnn.batch_norm %4, %p, %p, %p, %p {epsilon = 1.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  return %0, %1, %3, %5 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
