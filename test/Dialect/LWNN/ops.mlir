// RUN: lwcc-opt %s | lwcc-opt | FileCheck %s
// Every lwnn op parses, verifies, prints and parses again.

// CHECK-LABEL: func @convs
func.func @convs(%x: tensor<1x8x16x16xf32>, %w: tensor<16x4x3x3xf32>, %b: tensor<16xf32>,
                 %dw: tensor<8x1x3x3xf32>, %pw: tensor<32x8x1x1xf32>, %tw: tensor<8x4x2x2xf32>)
    -> (tensor<1x16x8x8xf32>, tensor<1x8x16x16xf32>, tensor<1x32x16x16xf32>, tensor<1x4x32x32xf32>) {
  // CHECK: lwnn.conv2d %{{.*}}, %{{.*}}, %{{.*}} {act = #lwnn.act<clip>, act_params = array<f32: -1.000000e+00, 1.000000e+00>, dilations = array<i64: 1, 1>, groups = 2 : i64
  %0 = lwnn.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 2 : i64, act = #lwnn.act<clip>, act_params = array<f32: -1.0, 1.0>}
       : (tensor<1x8x16x16xf32>, tensor<16x4x3x3xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  // CHECK: lwnn.depthwise_conv2d {{.*}}act = #lwnn.act<relu6>
  %1 = lwnn.depthwise_conv2d %x, %dw {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, act = #lwnn.act<relu6>}
       : (tensor<1x8x16x16xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x16x16xf32>
  // CHECK: lwnn.pointwise_conv2d {{.*}}act = #lwnn.act<hard_swish>
  %2 = lwnn.pointwise_conv2d %x, %pw {strides = array<i64: 1, 1>, act = #lwnn.act<hard_swish>}
       : (tensor<1x8x16x16xf32>, tensor<32x8x1x1xf32>) -> tensor<1x32x16x16xf32>
  // CHECK: lwnn.conv_transpose2d
  %3 = lwnn.conv_transpose2d %x, %tw {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, output_padding = array<i64: 0, 0>, groups = 1 : i64}
       : (tensor<1x8x16x16xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x32x32xf32>
  return %0, %1, %2, %3 : tensor<1x16x8x8xf32>, tensor<1x8x16x16xf32>, tensor<1x32x16x16xf32>, tensor<1x4x32x32xf32>
}

// CHECK-LABEL: func @dense_matmul
func.func @dense_matmul(%x: tensor<2x64xf32>, %w: tensor<10x64xf32>, %b: tensor<10xf32>,
                        %a: tensor<3x2x4xf32>, %m: tensor<4x5xf32>, %v: tensor<4xf32>)
    -> (tensor<2x10xf32>, tensor<3x2x5xf32>, tensor<3x2xf32>) {
  // CHECK: lwnn.dense
  %0 = lwnn.dense %x, %w, %b : (tensor<2x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<2x10xf32>
  // CHECK: lwnn.matmul
  %1 = lwnn.matmul %a, %m : (tensor<3x2x4xf32>, tensor<4x5xf32>) -> tensor<3x2x5xf32>
  // CHECK: lwnn.matmul {{.*}} -> tensor<3x2xf32>
  %2 = lwnn.matmul %a, %v : (tensor<3x2x4xf32>, tensor<4xf32>) -> tensor<3x2xf32>
  return %0, %1, %2 : tensor<2x10xf32>, tensor<3x2x5xf32>, tensor<3x2xf32>
}

// CHECK-LABEL: func @pools
func.func @pools(%x: tensor<1x8x15x15xf32>) -> (tensor<1x8x8x8xf32>, tensor<1x8x7x7xf32>, tensor<1x8x1x1xf32>, tensor<1x8x1x1xf32>, tensor<1x8xf32>, tensor<1x8x15x15xf32>) {
  // CHECK: lwnn.max_pool2d {{.*}}ceil_mode = true
  %0 = lwnn.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, ceil_mode = true}
       : tensor<1x8x15x15xf32> -> tensor<1x8x8x8xf32>
  // CHECK: lwnn.avg_pool2d
  %1 = lwnn.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>}
       : tensor<1x8x15x15xf32> -> tensor<1x8x7x7xf32>
  // CHECK: lwnn.global_avg_pool
  %2 = lwnn.global_avg_pool %x : tensor<1x8x15x15xf32> -> tensor<1x8x1x1xf32>
  // CHECK: lwnn.global_max_pool
  %3 = lwnn.global_max_pool %x : tensor<1x8x15x15xf32> -> tensor<1x8x1x1xf32>
  // CHECK: lwnn.reduce_mean {{.*}}keepdims = false
  %4 = lwnn.reduce_mean %x {axes = array<i64: 2, 3>, keepdims = false} : tensor<1x8x15x15xf32> -> tensor<1x8xf32>
  // CHECK: lwnn.softmax
  %5 = lwnn.softmax %x {axis = 1 : i64} : tensor<1x8x15x15xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<1x8x8x8xf32>, tensor<1x8x7x7xf32>, tensor<1x8x1x1xf32>, tensor<1x8x1x1xf32>, tensor<1x8xf32>, tensor<1x8x15x15xf32>
}

// CHECK-LABEL: func @activations
func.func @activations(%x: tensor<1x4x2x2xf32>, %s: tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32> {
  // CHECK: lwnn.relu
  %0 = lwnn.relu %x : tensor<1x4x2x2xf32>
  // CHECK: lwnn.relu6
  %1 = lwnn.relu6 %0 : tensor<1x4x2x2xf32>
  // CHECK: lwnn.hard_swish
  %2 = lwnn.hard_swish %1 : tensor<1x4x2x2xf32>
  // CHECK: lwnn.sigmoid
  %3 = lwnn.sigmoid %2 : tensor<1x4x2x2xf32>
  // CHECK: lwnn.silu
  %4 = lwnn.silu %3 : tensor<1x4x2x2xf32>
  // CHECK: lwnn.tanh
  %5 = lwnn.tanh %4 : tensor<1x4x2x2xf32>
  // CHECK: lwnn.sqrt
  %6 = lwnn.sqrt %5 : tensor<1x4x2x2xf32>
  // CHECK: lwnn.neg
  %7 = lwnn.neg %6 : tensor<1x4x2x2xf32>
  // CHECK: lwnn.clip {{.*}}max = 2.000000e+00 : f32, min = -2.000000e+00 : f32
  %8 = lwnn.clip %7 {min = -2.0 : f32, max = 2.0 : f32} : tensor<1x4x2x2xf32>
  // CHECK: lwnn.hard_sigmoid
  %9 = lwnn.hard_sigmoid %8 {alpha = 0.2 : f32, beta = 0.5 : f32} : tensor<1x4x2x2xf32>
  // CHECK: lwnn.leaky_relu
  %10 = lwnn.leaky_relu %9 {alpha = 0.1 : f32} : tensor<1x4x2x2xf32>
  // CHECK: lwnn.prelu
  %11 = lwnn.prelu %10, %s : (tensor<1x4x2x2xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32>
  return %11 : tensor<1x4x2x2xf32>
}

// CHECK-LABEL: func @arith
func.func @arith(%x: tensor<1x4x2x2xf32>, %y: tensor<4x1x1xf32>, %p: tensor<4xf32>) -> tensor<1x4x2x2xf32> {
  // CHECK: lwnn.add {{.*}}{act = #lwnn.act<relu>}
  %0 = lwnn.add %x, %y {act = #lwnn.act<relu>} : (tensor<1x4x2x2xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: lwnn.sub
  %1 = lwnn.sub %0, %y : (tensor<1x4x2x2xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: lwnn.mul
  %2 = lwnn.mul %1, %y : (tensor<1x4x2x2xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: lwnn.div
  %3 = lwnn.div %2, %y : (tensor<1x4x2x2xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: lwnn.pow
  %4 = lwnn.pow %3, %y : (tensor<1x4x2x2xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: lwnn.batch_norm
  %5 = lwnn.batch_norm %4, %p, %p, %p, %p {epsilon = 1.0e-5 : f32}
       : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  return %5 : tensor<1x4x2x2xf32>
}

// CHECK-LABEL: func @data_movement
func.func @data_movement(%x: tensor<1x8x4x4xf32>, %i: tensor<2xi64>) {
  // CHECK: lwnn.concat
  %0 = lwnn.concat %x, %x {axis = 1 : i64} : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x16x4x4xf32>
  // CHECK: lwnn.split
  %1:2 = lwnn.split %0 {axis = 1 : i64, sizes = array<i64: 4, 12>} : tensor<1x16x4x4xf32> -> tensor<1x4x4x4xf32>, tensor<1x12x4x4xf32>
  // CHECK: lwnn.slice
  %2 = lwnn.slice %x {offsets = array<i64: 0, 7, 0, 0>, sizes = array<i64: 1, 4, 4, 2>, strides = array<i64: 1, -2, 1, 2>} : tensor<1x8x4x4xf32> -> tensor<1x4x4x2xf32>
  // CHECK: lwnn.reshape
  %3 = lwnn.reshape %x : tensor<1x8x4x4xf32> -> tensor<1x128xf32>
  // CHECK: lwnn.transpose
  %4 = lwnn.transpose %x {perm = array<i64: 0, 2, 3, 1>} : tensor<1x8x4x4xf32> -> tensor<1x4x4x8xf32>
  // CHECK: lwnn.pad {{.*}}mode = #lwnn.pad_mode<reflect>
  %5 = lwnn.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = #lwnn.pad_mode<reflect>} : tensor<1x8x4x4xf32> -> tensor<1x8x6x6xf32>
  // CHECK: lwnn.resize {{.*}}coord_mode = #lwnn.coord_mode<half_pixel>, mode = #lwnn.resize_mode<linear>
  %6 = lwnn.resize %x {mode = #lwnn.resize_mode<linear>, coord_mode = #lwnn.coord_mode<half_pixel>, nearest_mode = #lwnn.nearest_mode<floor>} : tensor<1x8x4x4xf32> -> tensor<1x8x8x8xf32>
  // CHECK: lwnn.gather
  %7 = lwnn.gather %x, %i {axis = 1 : i64} : (tensor<1x8x4x4xf32>, tensor<2xi64>) -> tensor<1x2x4x4xf32>
  // CHECK: lwnn.broadcast
  %8 = lwnn.broadcast %x : tensor<1x8x4x4xf32> -> tensor<2x8x4x4xf32>
  // CHECK: lwnn.cast
  %9 = lwnn.cast %x : tensor<1x8x4x4xf32> -> tensor<1x8x4x4xf16>
  // CHECK: lwnn.channel_shuffle
  %10 = lwnn.channel_shuffle %x {groups = 2 : i64} : tensor<1x8x4x4xf32>
  return
}

// CHECK-LABEL: func @structure
func.func @structure(%x: tensor<1x16x8x8xf32>, %w1: tensor<4x16x1x1xf32>, %b1: tensor<4xf32>,
                     %w2: tensor<16x4x1x1xf32>, %b2: tensor<16xf32>) -> tensor<1x16x8x8xf32> {
  // CHECK: lwnn.constant {sparsity = #lwnn.sparse<n_m, [2, 4]>}
  %c = lwnn.constant {sparsity = #lwnn.sparse<n_m, [2, 4]>} dense<0.5> : tensor<8x8xf32>
  // CHECK: lwnn.squeeze_excite {{.*}}gate = #lwnn.act<hard_sigmoid>
  %0 = lwnn.squeeze_excite %x, %w1, %b1, %w2, %b2 {act = #lwnn.act<relu>, gate = #lwnn.act<hard_sigmoid>, gate_params = array<f32: 0.1666667, 0.5>}
       : (tensor<1x16x8x8xf32>, tensor<4x16x1x1xf32>, tensor<4xf32>, tensor<16x4x1x1xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  // CHECK: lwnn.fused "relu_group"
  // CHECK: lwnn.yield
  %1 = lwnn.fused "relu_group" (%0) : (tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  ^bb0(%a: tensor<1x16x8x8xf32>):
    %r = lwnn.relu %a : tensor<1x16x8x8xf32>
    lwnn.yield %r : tensor<1x16x8x8xf32>
  }
  return %1 : tensor<1x16x8x8xf32>
}

// CHECK-LABEL: func @quant
func.func @quant(%x: tensor<1x4x4x4xf32>, %w: tensor<8x4x1x1x!quant.uniform<i8:f32:0, {0.1,0.2,0.1,0.2,0.1,0.2,0.1,0.2}>>, %b: tensor<8xi32>) -> tensor<1x8x4x4xf32> {
  // CHECK: lwnn.quantize {{.*}} -> tensor<1x4x4x4x!quant.uniform<i8:f32, 5.000000e-01:-3>>
  %q = lwnn.quantize %x : tensor<1x4x4x4xf32> -> tensor<1x4x4x4x!quant.uniform<i8:f32, 0.5:-3>>
  // The accumulator's per-channel scale is input scale x weight scale.
  // CHECK: lwnn.conv2d {{.*}} -> tensor<1x8x4x4x!quant.uniform<i32:f32:1, {5.000000e-02,1.000000e-01
  %acc = lwnn.conv2d %q, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64}
       : (tensor<1x4x4x4x!quant.uniform<i8:f32, 0.5:-3>>, tensor<8x4x1x1x!quant.uniform<i8:f32:0, {0.1,0.2,0.1,0.2,0.1,0.2,0.1,0.2}>>, tensor<8xi32>)
         -> tensor<1x8x4x4x!quant.uniform<i32:f32:1, {0.05,0.1,0.05,0.1,0.05,0.1,0.05,0.1}>>
  // CHECK: lwnn.requantize
  %y = lwnn.requantize %acc : tensor<1x8x4x4x!quant.uniform<i32:f32:1, {0.05,0.1,0.05,0.1,0.05,0.1,0.05,0.1}>> -> tensor<1x8x4x4x!quant.uniform<u8:f32, 0.2:128>>
  // CHECK: lwnn.dequantize
  %f = lwnn.dequantize %y : tensor<1x8x4x4x!quant.uniform<u8:f32, 0.2:128>> -> tensor<1x8x4x4xf32>
  return %f : tensor<1x8x4x4xf32>
}

// CHECK-LABEL: func @max_pool_with_indices
// CHECK: lwnn.max_pool2d_with_indices %arg0 {{.*}} : tensor<1x3x4x4xf32> -> tensor<1x3x2x2xf32>, tensor<1x3x2x2xi64>
func.func @max_pool_with_indices(%x: tensor<1x3x4x4xf32>) -> (tensor<1x3x2x2xf32>, tensor<1x3x2x2xi64>) {
  %y, %i = lwnn.max_pool2d_with_indices %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x3x4x4xf32> -> tensor<1x3x2x2xf32>, tensor<1x3x2x2xi64>
  return %y, %i : tensor<1x3x2x2xf32>, tensor<1x3x2x2xi64>
}
