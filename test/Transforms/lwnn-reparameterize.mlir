// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwnn-reparameterize,canonicalize))' -split-input-file | FileCheck %s

// RepVGG block: 3x3 (pad 1) + 1x1 + identity, each with its bias, become one
// 3x3 conv: the 1x1 kernel lands on the centre tap, the identity adds 1 to
// the centre tap of channel o's own input channel, biases add.
// w3 = 1 everywhere, w1 = 2, b3 = 0.5, b1 = 0.25.
// CHECK-LABEL: func @repvgg
// CHECK-DAG: %[[W:.+]] = lwnn.constant dense<{{\[}}{{\[}}{{\[}}[1.000000e+00, 1.000000e+00, 1.000000e+00], [1.000000e+00, 4.000000e+00, 1.000000e+00], [1.000000e+00, 1.000000e+00, 1.000000e+00]], {{\[}}[1.000000e+00, 1.000000e+00, 1.000000e+00], [1.000000e+00, 3.000000e+00, 1.000000e+00], [1.000000e+00, 1.000000e+00, 1.000000e+00]]], {{\[}}{{\[}}[1.000000e+00, 1.000000e+00, 1.000000e+00], [1.000000e+00, 3.000000e+00, 1.000000e+00], [1.000000e+00, 1.000000e+00, 1.000000e+00]], {{\[}}[1.000000e+00, 1.000000e+00, 1.000000e+00], [1.000000e+00, 4.000000e+00, 1.000000e+00], [1.000000e+00, 1.000000e+00, 1.000000e+00]]]]> : tensor<2x2x3x3xf32>
// CHECK-DAG: %[[B:.+]] = lwnn.constant dense<7.500000e-01> : tensor<2xf32>
// CHECK: %[[Y:.+]] = lwnn.conv2d %arg0, %[[W]], %[[B]] {dilations = array<i64: 1, 1>, groups = 1 : i64, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
// CHECK-NOT: lwnn.add
// CHECK: return %[[Y]]
func.func @repvgg(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32> {
  %w3 = lwnn.constant dense<1.0> : tensor<2x2x3x3xf32>
  %b3 = lwnn.constant dense<0.5> : tensor<2xf32>
  %w1 = lwnn.constant dense<2.0> : tensor<2x2x1x1xf32>
  %b1 = lwnn.constant dense<0.25> : tensor<2xf32>
  %0 = lwnn.conv2d %x, %w3, %b3 {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x5x5xf32>, tensor<2x2x3x3xf32>, tensor<2xf32>) -> tensor<1x2x5x5xf32>
  %1 = lwnn.pointwise_conv2d %x, %w1, %b1 {strides = array<i64: 1, 1>} : (tensor<1x2x5x5xf32>, tensor<2x2x1x1xf32>, tensor<2xf32>) -> tensor<1x2x5x5xf32>
  %2 = lwnn.add %0, %1 : (tensor<1x2x5x5xf32>, tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
  %3 = lwnn.add %2, %x : (tensor<1x2x5x5xf32>, tensor<1x2x5x5xf32>) -> tensor<1x2x5x5xf32>
  return %3 : tensor<1x2x5x5xf32>
}

// -----

// MobileOne depthwise block: two over-parameterised 3x3 depthwise copies, a
// 1x1 depthwise scale branch and a batch-norm identity become one depthwise
// conv. BN: gamma 2, beta 1, mean 0.5, var 3 (eps 1): scale 1, shift 0.5.
// Centre tap: 1 + 1 + 3 + 1 = 6; others 2; bias 0 + 0 + 0 + 0.5.
// CHECK-LABEL: func @mobileone
// CHECK-DAG: %[[W:.+]] = lwnn.constant dense<{{\[}}{{\[}}{{\[}}[2.000000e+00, 2.000000e+00, 2.000000e+00], [2.000000e+00, 6.000000e+00, 2.000000e+00], [2.000000e+00, 2.000000e+00, 2.000000e+00]]], {{\[}}{{\[}}[2.000000e+00, 2.000000e+00, 2.000000e+00], [2.000000e+00, 6.000000e+00, 2.000000e+00], [2.000000e+00, 2.000000e+00, 2.000000e+00]]]]> : tensor<2x1x3x3xf32>
// CHECK-DAG: %[[B:.+]] = lwnn.constant dense<5.000000e-01> : tensor<2xf32>
// CHECK: lwnn.depthwise_conv2d %arg0, %[[W]], %[[B]] {dilations = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 1, 1>}
// CHECK-NOT: lwnn.add
// CHECK-NOT: lwnn.batch_norm
func.func @mobileone(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %w = lwnn.constant dense<1.0> : tensor<2x1x3x3xf32>
  %s = lwnn.constant dense<3.0> : tensor<2x1x1x1xf32>
  %g = lwnn.constant dense<2.0> : tensor<2xf32>
  %beta = lwnn.constant dense<1.0> : tensor<2xf32>
  %mean = lwnn.constant dense<0.5> : tensor<2xf32>
  %var = lwnn.constant dense<3.0> : tensor<2xf32>
  %0 = lwnn.depthwise_conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32>
  %1 = lwnn.depthwise_conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32>
  %2 = lwnn.depthwise_conv2d %x, %s {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x4x4xf32>
  %3 = lwnn.batch_norm %x, %g, %beta, %mean, %var {epsilon = 1.0 : f32} : (tensor<1x2x4x4xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x4x4xf32>
  %4 = lwnn.add %0, %1 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %5 = lwnn.add %4, %2 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %6 = lwnn.add %5, %3 : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %6 : tensor<1x2x4x4xf32>
}

// -----

// ACNet: 3x3 + 1x3 (pad 0,1) + 3x1 (pad 1,0) with stride 2 line up in one
// 3x3 window.
// CHECK-LABEL: func @acnet
// CHECK: lwnn.conv2d %arg0, %{{.+}}, %{{.+}} {{.*}}pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x1x6x6xf32>, tensor<1x1x3x3xf32>, tensor<1xf32>)
// CHECK-NOT: lwnn.add
func.func @acnet(%x: tensor<1x1x6x6xf32>) -> tensor<1x1x3x3xf32> {
  %w33 = lwnn.constant dense<1.0> : tensor<1x1x3x3xf32>
  %w13 = lwnn.constant dense<1.0> : tensor<1x1x1x3xf32>
  %w31 = lwnn.constant dense<1.0> : tensor<1x1x3x1xf32>
  %0 = lwnn.conv2d %x, %w33 {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x1x6x6xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  %1 = lwnn.conv2d %x, %w13 {strides = array<i64: 2, 2>, pads = array<i64: 0, 1, 0, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x1x6x6xf32>, tensor<1x1x1x3xf32>) -> tensor<1x1x3x3xf32>
  %2 = lwnn.conv2d %x, %w31 {strides = array<i64: 2, 2>, pads = array<i64: 1, 0, 1, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x1x6x6xf32>, tensor<1x1x3x1xf32>) -> tensor<1x1x3x3xf32>
  %3 = lwnn.add %0, %1 : (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  %4 = lwnn.add %3, %2 : (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  return %4 : tensor<1x1x3x3xf32>
}

// -----

// Not merged: branches with an activation, different inputs, an add of a
// value to itself, a branch used elsewhere, or windows that end differently
// (stride 2, bottom/right padding 1 vs 0).
// CHECK-LABEL: func @kept
// CHECK-COUNT-5: lwnn.add
func.func @kept(%x: tensor<1x2x6x6xf32>, %y: tensor<1x2x6x6xf32>, %z: tensor<1x2x8x8xf32>) -> (tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>, tensor<1x2x4x4xf32>) {
  %w3 = lwnn.constant dense<1.0> : tensor<2x2x3x3xf32>
  %w1 = lwnn.constant dense<1.0> : tensor<2x2x1x1xf32>
  %a = lwnn.conv2d %x, %w3 {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, act = #lwnn.act<relu>} : (tensor<1x2x6x6xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x6x6xf32>
  %b = lwnn.pointwise_conv2d %x, %w1 {strides = array<i64: 1, 1>} : (tensor<1x2x6x6xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x6x6xf32>
  %0 = lwnn.add %a, %b : (tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
  %c = lwnn.pointwise_conv2d %x, %w1 {strides = array<i64: 1, 1>} : (tensor<1x2x6x6xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x6x6xf32>
  %d = lwnn.pointwise_conv2d %y, %w1 {strides = array<i64: 1, 1>} : (tensor<1x2x6x6xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x6x6xf32>
  %1 = lwnn.add %c, %d : (tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
  %e = lwnn.conv2d %x, %w3 {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x6x6xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x6x6xf32>
  %2 = lwnn.add %e, %e : (tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
  %f = lwnn.pointwise_conv2d %x, %w1 {strides = array<i64: 1, 1>} : (tensor<1x2x6x6xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x6x6xf32>
  %3 = lwnn.add %f, %x : (tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
  %g = lwnn.conv2d %z, %w3 {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x8x8xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x4x4xf32>
  %h = lwnn.conv2d %z, %w3 {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x8x8xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x4x4xf32>
  %4 = lwnn.add %g, %h : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %0, %1, %2, %3, %f, %4 : tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>, tensor<1x2x4x4xf32>
}
