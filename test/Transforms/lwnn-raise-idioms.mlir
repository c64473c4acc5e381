// RUN: lwcc-opt %s -lwnn-raise-idioms -split-input-file | FileCheck %s

// Reshape -> Transpose -> Reshape that swaps channel groups is a shuffle.
// CHECK-LABEL: func @channel_shuffle
// CHECK-NEXT: %[[S:.+]] = lwnn.channel_shuffle %arg0 {groups = 2 : i64}
// CHECK-NEXT: return %[[S]]
func.func @channel_shuffle(%x: tensor<1x116x28x28xf32>) -> tensor<1x116x28x28xf32> {
  %0 = lwnn.reshape %x : tensor<1x116x28x28xf32> -> tensor<1x2x58x28x28xf32>
  %1 = lwnn.transpose %0 {perm = array<i64: 0, 2, 1, 3, 4>} : tensor<1x2x58x28x28xf32> -> tensor<1x58x2x28x28xf32>
  %2 = lwnn.reshape %1 : tensor<1x58x2x28x28xf32> -> tensor<1x116x28x28xf32>
  return %2 : tensor<1x116x28x28xf32>
}

// -----

// A transpose that does not swap the group axes is left alone.
// CHECK-LABEL: func @not_a_shuffle
// CHECK-NOT: lwnn.channel_shuffle
func.func @not_a_shuffle(%x: tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32> {
  %0 = lwnn.reshape %x : tensor<1x4x2x2xf32> -> tensor<1x2x2x2x2xf32>
  %1 = lwnn.transpose %0 {perm = array<i64: 0, 1, 2, 4, 3>} : tensor<1x2x2x2x2xf32> -> tensor<1x2x2x2x2xf32>
  %2 = lwnn.reshape %1 : tensor<1x2x2x2x2xf32> -> tensor<1x4x2x2xf32>
  return %2 : tensor<1x4x2x2xf32>
}

// -----

// x * hard_sigmoid(x) with torch's constants is hard-swish; x * sigmoid(x) is SiLU.
// CHECK-LABEL: func @gated
// CHECK-NEXT: %[[H:.+]] = lwnn.hard_swish %arg0
// CHECK-NEXT: %[[S:.+]] = lwnn.silu %arg0
// CHECK-NEXT: return %[[H]], %[[S]]
func.func @gated(%x: tensor<1x8x4x4xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) {
  %0 = lwnn.hard_sigmoid %x {alpha = 0.16666667 : f32, beta = 0.5 : f32} : tensor<1x8x4x4xf32>
  %1 = lwnn.mul %x, %0 : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %2 = lwnn.sigmoid %x : tensor<1x8x4x4xf32>
  %3 = lwnn.mul %2, %x : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %1, %3 : tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>
}

// -----

// hard_sigmoid with ONNX's default alpha 0.2 is not hard-swish's gate.
// CHECK-LABEL: func @not_hard_swish
// CHECK-NOT: lwnn.hard_swish
func.func @not_hard_swish(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = lwnn.hard_sigmoid %x {alpha = 0.2 : f32, beta = 0.5 : f32} : tensor<4xf32>
  %1 = lwnn.mul %x, %0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// Grouped conv with a group per channel is depthwise; unpadded 1x1 is pointwise.
// CHECK-LABEL: func @specialise_conv
// CHECK: lwnn.depthwise_conv2d
// CHECK: lwnn.pointwise_conv2d
// CHECK: lwnn.conv2d
func.func @specialise_conv(%x: tensor<1x8x4x4xf32>, %dw: tensor<8x1x3x3xf32>, %pw: tensor<16x8x1x1xf32>, %k: tensor<16x8x3x3xf32>) -> (tensor<1x8x4x4xf32>, tensor<1x16x4x4xf32>, tensor<1x16x2x2xf32>) {
  %0 = lwnn.conv2d %x, %dw {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 8 : i64} : (tensor<1x8x4x4xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x4x4xf32>
  %1 = lwnn.conv2d %x, %pw {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x8x4x4xf32>, tensor<16x8x1x1xf32>) -> tensor<1x16x4x4xf32>
  %2 = lwnn.conv2d %x, %k {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x8x4x4xf32>, tensor<16x8x3x3xf32>) -> tensor<1x16x2x2xf32>
  return %0, %1, %2 : tensor<1x8x4x4xf32>, tensor<1x16x4x4xf32>, tensor<1x16x2x2xf32>
}

// -----

// MobileNetV3's SE block: pool, 1x1, relu, 1x1, hard-sigmoid gate, scale.
// CHECK-LABEL: func @squeeze_excite
// CHECK: %[[SE:.+]] = lwnn.squeeze_excite %arg0, %arg1, %arg2, %arg3, %arg4 {act = #lwnn.act<relu>, gate = #lwnn.act<hard_sigmoid>, gate_params = array<f32: 0.166666672, 5.000000e-01>}
// CHECK-NEXT: return %[[SE]]
func.func @squeeze_excite(%x: tensor<1x16x8x8xf32>, %w1: tensor<4x16x1x1xf32>, %b1: tensor<4xf32>, %w2: tensor<16x4x1x1xf32>, %b2: tensor<16xf32>) -> tensor<1x16x8x8xf32> {
  %p = lwnn.global_avg_pool %x : tensor<1x16x8x8xf32> -> tensor<1x16x1x1xf32>
  %r = lwnn.conv2d %p, %w1, %b1 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x16x1x1xf32>, tensor<4x16x1x1xf32>, tensor<4xf32>) -> tensor<1x4x1x1xf32>
  %a = lwnn.relu %r : tensor<1x4x1x1xf32>
  %e = lwnn.conv2d %a, %w2, %b2 {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x1x1xf32>, tensor<16x4x1x1xf32>, tensor<16xf32>) -> tensor<1x16x1x1xf32>
  %g = lwnn.hard_sigmoid %e {alpha = 0.16666667 : f32, beta = 0.5 : f32} : tensor<1x16x1x1xf32>
  %y = lwnn.mul %g, %x : (tensor<1x16x1x1xf32>, tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  return %y : tensor<1x16x8x8xf32>
}
