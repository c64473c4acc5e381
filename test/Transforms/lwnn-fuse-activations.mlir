// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwnn-fuse-activations))' -split-input-file | FileCheck %s

// Each activation moves into the layer before it, parameters included.
// CHECK-LABEL: func @fused
// CHECK: %[[A:.+]] = lwnn.conv2d %arg0, %{{.+}} {act = #lwnn.act<relu6>,
// CHECK: %[[B:.+]] = lwnn.depthwise_conv2d %[[A]], %{{.+}} {act = #lwnn.act<clip>, act_params = array<f32: -1.000000e+00, 2.000000e+00>,
// CHECK: %[[C:.+]] = lwnn.pointwise_conv2d %[[B]], %{{.+}} {act = #lwnn.act<hard_swish>,
// CHECK: %[[D:.+]] = lwnn.dense %{{.+}}, %{{.+}} {act = #lwnn.act<leaky_relu>, act_params = array<f32: 1.000000e-01>}
// CHECK-NOT: lwnn.relu6
// CHECK-NOT: lwnn.clip
// CHECK-NOT: lwnn.hard_swish
// CHECK-NOT: lwnn.leaky_relu
// CHECK: return %[[C]], %[[D]]
func.func @fused(%x: tensor<1x2x4x4xf32>, %v: tensor<1x8xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x3xf32>) {
  %w = lwnn.constant dense<1.0> : tensor<2x2x3x3xf32>
  %wd = lwnn.constant dense<1.0> : tensor<2x1x3x3xf32>
  %wp = lwnn.constant dense<1.0> : tensor<2x2x1x1xf32>
  %wf = lwnn.constant dense<1.0> : tensor<3x8xf32>
  %0 = lwnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x4x4xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x4x4xf32>
  %1 = lwnn.relu6 %0 : tensor<1x2x4x4xf32>
  %2 = lwnn.depthwise_conv2d %1, %wd {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x4x4xf32>
  %3 = lwnn.clip %2 {min = -1.0 : f32, max = 2.0 : f32} : tensor<1x2x4x4xf32>
  %4 = lwnn.pointwise_conv2d %3, %wp {strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %5 = lwnn.hard_swish %4 : tensor<1x2x4x4xf32>
  %6 = lwnn.dense %v, %wf : (tensor<1x8xf32>, tensor<3x8xf32>) -> tensor<1x3xf32>
  %7 = lwnn.leaky_relu %6 {alpha = 0.1 : f32} : tensor<1x3xf32>
  return %5, %7 : tensor<1x2x4x4xf32>, tensor<1x3xf32>
}

// -----

// Kept: the layer has another user, or already an activation, or the
// activation's input is not a layer.
// CHECK-LABEL: func @kept
// CHECK: lwnn.relu
// CHECK: lwnn.relu6
// CHECK: lwnn.sigmoid
func.func @kept(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %wp = lwnn.constant dense<1.0> : tensor<2x2x1x1xf32>
  %0 = lwnn.pointwise_conv2d %x, %wp {strides = array<i64: 1, 1>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %1 = lwnn.relu %0 : tensor<1x2x4x4xf32>
  %2 = lwnn.pointwise_conv2d %x, %wp {strides = array<i64: 1, 1>, act = #lwnn.act<relu>} : (tensor<1x2x4x4xf32>, tensor<2x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %3 = lwnn.relu6 %2 : tensor<1x2x4x4xf32>
  %4 = lwnn.sigmoid %x : tensor<1x2x4x4xf32>
  return %0, %1, %3, %4 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}

// -----

// A monotone activation only a max pool reads moves past the pool (it
// commutes with the max), so the conv before keeps none; a hard_swish
// (not monotone) and an average pool stay as they are.
// CHECK-LABEL: func @past_max_pool
// CHECK: %[[C:.+]] = lwnn.conv2d %arg0, %{{.+}} {dilations = array<i64: 1, 1>, groups
// CHECK: %[[P:.+]] = lwnn.max_pool2d %[[C]]
// CHECK: %[[A:.+]] = lwnn.leaky_relu %[[P]] {alpha = 1.000000e-01 : f32} : tensor<1x2x4x4xf32>
// CHECK: lwnn.conv2d %arg0, %{{.+}} {act = #lwnn.act<hard_swish>
// CHECK: lwnn.max_pool2d
// CHECK: lwnn.conv2d %arg0, %{{.+}} {act = #lwnn.act<relu>
// CHECK: lwnn.avg_pool2d
func.func @past_max_pool(%x: tensor<1x2x8x8xf32>) -> (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) {
  %w = lwnn.constant dense<1.0> : tensor<2x2x3x3xf32>
  %0 = lwnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x8x8xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x8x8xf32>
  %1 = lwnn.leaky_relu %0 {alpha = 0.1 : f32} : tensor<1x2x8x8xf32>
  %2 = lwnn.max_pool2d %1 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x2x8x8xf32> -> tensor<1x2x4x4xf32>
  %3 = lwnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x8x8xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x8x8xf32>
  %4 = lwnn.hard_swish %3 : tensor<1x2x8x8xf32>
  %5 = lwnn.max_pool2d %4 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x2x8x8xf32> -> tensor<1x2x4x4xf32>
  %6 = lwnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x2x8x8xf32>, tensor<2x2x3x3xf32>) -> tensor<1x2x8x8xf32>
  %7 = lwnn.relu %6 : tensor<1x2x8x8xf32>
  %8 = lwnn.avg_pool2d %7 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x2x8x8xf32> -> tensor<1x2x4x4xf32>
  return %2, %5, %8 : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
}
