// RUN: lwcc-opt %s -split-input-file -verify-diagnostics
// One negative case per verifier rule a user can break.

func.func @groups_do_not_divide(%x: tensor<1x6x8x8xf32>, %w: tensor<8x2x3x3xf32>) {
  // expected-error @+2 {{groups (4) must divide input channels (6)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 4 : i64} : (tensor<1x6x8x8xf32>, tensor<8x2x3x3xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @bad_stride(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error @+2 {{strides must be positive}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.conv2d %x, %w {strides = array<i64: 0, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @negative_pad(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error @+2 {{pads must be non-negative}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: -1, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @wrong_filter_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<8x3x3x3xf32>) {
  // expected-error @+2 {{filter has 3 input channels per group, expected 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<8x3x3x3xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @kernel_too_big(%x: tensor<1x4x2x2xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error @+2 {{kernel does not fit the padded input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x2x2xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x1x1xf32>
  return
}

// -----

func.func @wrong_result_shape(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<1x8x6x6xf32>' are incompatible}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
  return
}

// -----

func.func @bias_length(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>, %b: tensor<4xf32>) {
  // expected-error @+1 {{bias must have shape [8]}}
  %0 = lwnn.conv2d %x, %w, %b {strides = array<i64: 1, 1>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>, tensor<4xf32>) -> tensor<1x8x6x6xf32>
  return
}

// -----

func.func @act_params_missing(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x1x1xf32>) {
  // expected-error @+1 {{activation 'clip' takes 2 parameter(s) in act_params, got 0}}
  %0 = lwnn.pointwise_conv2d %x, %w {strides = array<i64: 1, 1>, act = #lwnn.act<clip>} : (tensor<1x4x8x8xf32>, tensor<8x4x1x1xf32>) -> tensor<1x8x8x8xf32>
  return
}

// -----

func.func @pointwise_not_1x1(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x3x3xf32>) {
  // expected-error @+2 {{pointwise filter must be [O, C, 1, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.pointwise_conv2d %x, %w {strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x8x8xf32>
  return
}

// -----

func.func @depthwise_wrong_filter(%x: tensor<1x4x8x8xf32>, %w: tensor<4x2x3x3xf32>) {
  // expected-error @+2 {{filter has 2 input channels per group, expected 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.depthwise_conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @mixed_element_types(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x1x1xf16>) {
  // expected-error @+1 {{weight element type 'f16' does not match input element type 'f32'}}
  %0 = lwnn.pointwise_conv2d %x, %w {strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<8x4x1x1xf16>) -> tensor<1x8x8x8xf32>
  return
}

// -----

func.func @quant_weights_float_input(%x: tensor<1x4x8x8xf32>, %w: tensor<8x4x1x1x!quant.uniform<i8:f32, 0.1>>) {
  // expected-error @+1 {{quantised weights need a quantised input}}
  %0 = lwnn.pointwise_conv2d %x, %w {strides = array<i64: 1, 1>} : (tensor<1x4x8x8xf32>, tensor<8x4x1x1x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x8x8x8xf32>
  return
}

// -----

func.func @quant_bias_not_i32(%x: tensor<1x4x8x8x!quant.uniform<i8:f32, 0.5>>, %w: tensor<8x4x1x1x!quant.uniform<i8:f32, 0.1>>, %b: tensor<8xf32>) {
  // expected-error @+1 {{quantised bias must be stored as i32}}
  %0 = lwnn.pointwise_conv2d %x, %w, %b {strides = array<i64: 1, 1>} : (tensor<1x4x8x8x!quant.uniform<i8:f32, 0.5>>, tensor<8x4x1x1x!quant.uniform<i8:f32, 0.1>>, tensor<8xf32>) -> tensor<1x8x8x8x!quant.uniform<i32:f32, 0.05>>
  return
}

// -----

func.func @conv_transpose_output_padding(%x: tensor<1x8x4x4xf32>, %w: tensor<8x4x2x2xf32>) {
  // expected-error @+2 {{output_padding must be in [0, max(stride, dilation))}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.conv_transpose2d %x, %w {strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>, dilations = array<i64: 1, 1>, output_padding = array<i64: 2, 0>, groups = 1 : i64} : (tensor<1x8x4x4xf32>, tensor<8x4x2x2xf32>) -> tensor<1x4x10x8xf32>
  return
}

// -----

func.func @dense_features(%x: tensor<1x64xf32>, %w: tensor<10x32xf32>) {
  // expected-error @+2 {{input has 64 features but weight expects 32}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.dense %x, %w : (tensor<1x64xf32>, tensor<10x32xf32>) -> tensor<1x10xf32>
  return
}

// -----

func.func @matmul_contraction(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) {
  // expected-error @+2 {{contraction sizes differ: 3 vs 4}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.matmul %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return
}

// -----

func.func @pool_pad_too_big(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+2 {{pads must be smaller than the kernel}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 2, 0, 0, 0>, dilations = array<i64: 1, 1>} : tensor<1x4x8x8xf32> -> tensor<1x4x5x4xf32>
  return
}

// -----

func.func @avg_pool_int(%x: tensor<1x4x8x8xi32>) {
  // expected-error @+1 {{average pooling needs a float or quantised input}}
  %0 = lwnn.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>, pads = array<i64: 0, 0, 0, 0>} : tensor<1x4x8x8xi32> -> tensor<1x4x4x4xi32>
  return
}

// -----

func.func @global_pool_rank(%x: tensor<4x8xf32>) {
  // expected-error @+2 {{global pooling needs [N, C, spatial...]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.global_avg_pool %x : tensor<4x8xf32> -> tensor<4x8xf32>
  return
}

// -----

func.func @reduce_axes_unsorted(%x: tensor<1x4x8x8xf32>) {
  // expected-error @+2 {{axes must be sorted and unique}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.reduce_mean %x {axes = array<i64: 3, 2>} : tensor<1x4x8x8xf32> -> tensor<1x4x1x1xf32>
  return
}

// -----

func.func @softmax_axis(%x: tensor<1x10xf32>) {
  // expected-error @+1 {{axis 2 out of range for rank 2}}
  %0 = lwnn.softmax %x {axis = 2 : i64} : tensor<1x10xf32>
  return
}

// -----

func.func @clip_bounds(%x: tensor<4xf32>) {
  // expected-error @+1 {{min (2.000000e+00) exceeds max (1.000000e+00)}}
  %0 = lwnn.clip %x {min = 2.0 : f32, max = 1.0 : f32} : tensor<4xf32>
  return
}

// -----

func.func @prelu_slope(%x: tensor<1x4x2x2xf32>, %s: tensor<3xf32>) {
  // expected-error @+1 {{does not broadcast to input}}
  %0 = lwnn.prelu %x, %s : (tensor<1x4x2x2xf32>, tensor<3xf32>) -> tensor<1x4x2x2xf32>
  return
}

// -----

func.func @broadcast_mismatch(%x: tensor<1x4x2x2xf32>, %y: tensor<3x1x1xf32>) {
  // expected-error @+2 {{do not broadcast}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.add %x, %y : (tensor<1x4x2x2xf32>, tensor<3x1x1xf32>) -> tensor<1x4x2x2xf32>
  return
}

// -----

func.func @binary_element_types(%x: tensor<4xf32>, %y: tensor<4xi64>) {
  // expected-error @+2 {{operand element types differ}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.mul %x, %y : (tensor<4xf32>, tensor<4xi64>) -> tensor<4xf32>
  return
}

// -----

func.func @batch_norm_params(%x: tensor<1x4x2x2xf32>, %p: tensor<3xf32>) {
  // expected-error @+1 {{parameters must have shape [4]}}
  %0 = lwnn.batch_norm %x, %p, %p, %p, %p {epsilon = 1.0e-5 : f32} : (tensor<1x4x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x4x2x2xf32>
  return
}

// -----

func.func @concat_mismatch(%a: tensor<1x4x2x2xf32>, %b: tensor<1x4x3x2xf32>) {
  // expected-error @+2 {{concat inputs differ in dimension 2}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.concat %a, %b {axis = 1 : i64} : (tensor<1x4x2x2xf32>, tensor<1x4x3x2xf32>) -> tensor<1x8x2x2xf32>
  return
}

// -----

func.func @split_sizes(%x: tensor<1x8xf32>) {
  // expected-error @+2 {{split sizes sum to 7 but dimension 1 is 8}}
  // expected-error @+1 {{failed to infer returned types}}
  %0:2 = lwnn.split %x {axis = 1 : i64, sizes = array<i64: 3, 4>} : tensor<1x8xf32> -> tensor<1x3xf32>, tensor<1x4xf32>
  return
}

// -----

func.func @slice_out_of_bounds(%x: tensor<1x8xf32>) {
  // expected-error @+2 {{slice of dimension 1 reads [4, 10] outside [0, 8)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.slice %x {offsets = array<i64: 0, 4>, sizes = array<i64: 1, 4>, strides = array<i64: 1, 2>} : tensor<1x8xf32> -> tensor<1x4xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<1x8xf32>) {
  // expected-error @+1 {{cannot reshape 8 elements into 'tensor<3x3xf32>'}}
  %0 = lwnn.reshape %x : tensor<1x8xf32> -> tensor<3x3xf32>
  return
}

// -----

func.func @transpose_perm(%x: tensor<1x8xf32>) {
  // expected-error @+2 {{perm is not a permutation of [0, 2)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.transpose %x {perm = array<i64: 1, 1>} : tensor<1x8xf32> -> tensor<8x8xf32>
  return
}

// -----

func.func @reflect_pad_too_big(%x: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{reflect padding must be smaller than dimension 2}}
  %0 = lwnn.pad %x {pads = array<i64: 0, 0, 2, 0, 0, 0, 0, 0>, mode = #lwnn.pad_mode<reflect>} : tensor<1x1x2x2xf32> -> tensor<1x1x4x2xf32>
  return
}

// -----

func.func @resize_rank(%x: tensor<1x1x2x2xf32>) {
  // expected-error @+1 {{resize keeps rank and element type}}
  %0 = lwnn.resize %x {mode = #lwnn.resize_mode<nearest>, coord_mode = #lwnn.coord_mode<asymmetric>, nearest_mode = #lwnn.nearest_mode<floor>} : tensor<1x1x2x2xf32> -> tensor<1x4x4xf32>
  return
}

// -----

func.func @gather_axis(%x: tensor<4xf32>, %i: tensor<1xi64>) {
  // expected-error @+2 {{axis 1 out of range for rank 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = lwnn.gather %x, %i {axis = 1 : i64} : (tensor<4xf32>, tensor<1xi64>) -> tensor<1xf32>
  return
}

// -----

func.func @broadcast_bad(%x: tensor<3xf32>) {
  // expected-error @+1 {{cannot broadcast}}
  %0 = lwnn.broadcast %x : tensor<3xf32> -> tensor<2x4xf32>
  return
}

// -----

func.func @cast_shape(%x: tensor<3xf32>) {
  // expected-error @+1 {{cast cannot change the shape}}
  %0 = lwnn.cast %x : tensor<3xf32> -> tensor<4xi32>
  return
}

// -----

func.func @shuffle_groups(%x: tensor<1x6x2x2xf32>) {
  // expected-error @+1 {{groups (4) must divide the 6 channels}}
  %0 = lwnn.channel_shuffle %x {groups = 4 : i64} : tensor<1x6x2x2xf32>
  return
}

// -----

func.func @sparse_nm() {
  // expected-error @+1 {{innermost dimension is not a multiple of M for N:M sparsity}}
  %0 = lwnn.constant {sparsity = #lwnn.sparse<n_m, [2, 4]>} dense<1.0> : tensor<4x6xf32>
  return
}

// -----

func.func @sparse_params() {
  // expected-error @+1 {{n_m sparsity takes [N, M] with N <= M}}
  %0 = lwnn.constant {sparsity = #lwnn.sparse<n_m, [4, 2]>} dense<1.0> : tensor<4x8xf32>
  return
}

// -----

func.func @se_shapes(%x: tensor<1x16x8x8xf32>, %w1: tensor<4x8x1x1xf32>, %b1: tensor<4xf32>, %w2: tensor<16x4x1x1xf32>, %b2: tensor<16xf32>) {
  // expected-error @+1 {{reduce_weight must be [R, 16, 1, 1]}}
  %0 = lwnn.squeeze_excite %x, %w1, %b1, %w2, %b2 {act = #lwnn.act<relu>, gate = #lwnn.act<sigmoid>} : (tensor<1x16x8x8xf32>, tensor<4x8x1x1xf32>, tensor<4xf32>, tensor<16x4x1x1xf32>, tensor<16xf32>) -> tensor<1x16x8x8xf32>
  return
}

// -----

func.func @fused_yield_types(%x: tensor<4xf32>) {
  // expected-error @+1 {{yielded types differ from the result types}}
  %0 = lwnn.fused "g" (%x) : (tensor<4xf32>) -> tensor<4xf16> {
  ^bb0(%a: tensor<4xf32>):
    lwnn.yield %a : tensor<4xf32>
  }
  return
}

// -----

func.func @quantize_to_float(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects a quantised tensor}}
  %0 = lwnn.quantize %x : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @dequantize_per_axis(%x: tensor<4x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) {
  // expected-error @+1 {{per-axis scales do not match dimension 0}}
  %0 = lwnn.dequantize %x : tensor<4x2x!quant.uniform<i8:f32:0, {0.1, 0.2}>> -> tensor<4x2xf32>
  return
}

// -----

func.func @requantize_float(%x: tensor<4xf32>) {
  // expected-error @+1 {{expects a quantised tensor}}
  %0 = lwnn.requantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return
}

// -----

func.func @crop_without_roi(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{tf_crop_and_resize needs a roi of 8 values}}
  %0 = lwnn.resize %x {mode = #lwnn.resize_mode<linear>, coord_mode = #lwnn.coord_mode<tf_crop_and_resize>, nearest_mode = #lwnn.nearest_mode<floor>} : tensor<1x1x4x4xf32> -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}
