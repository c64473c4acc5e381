// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-convert-lwnn-to-linalg))' -split-input-file | FileCheck %s

// CHECK-LABEL: func @constant
// CHECK: arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf32>
func.func @constant() -> tensor<2xf32> {
  %0 = lwnn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Runtime indices wrap negatives and clamp, so a bad index never reads
// outside the buffer.
// CHECK-LABEL: func @gather
// CHECK: linalg.generic
// CHECK: arith.index_cast
// CHECK: arith.select
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: tensor.extract %arg0
func.func @gather(%x: tensor<5x3xf32>, %i: tensor<2xi64>) -> tensor<2x3xf32> {
  %0 = lwnn.gather %x, %i {axis = 0 : i64} : (tensor<5x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// Bilinear resize blends the two neighbours of each resized dim.
// CHECK-LABEL: func @resize_linear
// CHECK: math.floor
// CHECK-COUNT-4: tensor.extract %arg0
func.func @resize_linear(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %0 = lwnn.resize %x {mode = #lwnn.resize_mode<linear>, coord_mode = #lwnn.coord_mode<half_pixel>, nearest_mode = #lwnn.nearest_mode<round_prefer_floor>} : tensor<1x1x2x2xf32> -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// Nearest with asymmetric coordinates and floor: one read per element.
// CHECK-LABEL: func @resize_nearest
// CHECK: math.floor
// CHECK-COUNT-1: tensor.extract %arg0
// CHECK-NOT: tensor.extract %arg0
func.func @resize_nearest(%x: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  %0 = lwnn.resize %x {mode = #lwnn.resize_mode<nearest>, coord_mode = #lwnn.coord_mode<asymmetric>, nearest_mode = #lwnn.nearest_mode<floor>} : tensor<1x1x2x2xf32> -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// Cubic resize: four edge-clamped taps per resized dim weighted by Keys'
// kernel (a = -0.5 here); exclude_outside zeroes taps outside the input and
// divides by the remaining weights' sum. Two resized dims: 16 reads.
// CHECK-LABEL: func @resize_cubic
// CHECK: linalg.generic
// CHECK: math.floor
// CHECK: arith.cmpi sge
// CHECK: arith.select
// CHECK: arith.divf
// CHECK-COUNT-16: tensor.extract %arg0
func.func @resize_cubic(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x8x8xf32> {
  %0 = lwnn.resize %x {mode = #lwnn.resize_mode<cubic>, coord_mode = #lwnn.coord_mode<half_pixel>, nearest_mode = #lwnn.nearest_mode<floor>, cubic_coeff_a = -0.5 : f32, exclude_outside = true} : tensor<1x1x4x4xf32> -> tensor<1x1x8x8xf32>
  return %0 : tensor<1x1x8x8xf32>
}

// -----

// tf_crop_and_resize samples the region roi and writes extrapolation_value
// where a sample falls outside the input.
// CHECK-LABEL: func @resize_crop
// CHECK: arith.cmpf olt
// CHECK: arith.cmpf ogt
// CHECK: arith.ori
// CHECK: %[[E:.+]] = arith.constant 1.000000e+01 : f32
// CHECK: arith.select %{{.+}}, %[[E]], %{{.+}} : f32
func.func @resize_crop(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  %0 = lwnn.resize %x {mode = #lwnn.resize_mode<linear>, coord_mode = #lwnn.coord_mode<tf_crop_and_resize>, nearest_mode = #lwnn.nearest_mode<floor>, roi = array<f32: 0.0, 0.0, 0.4, 0.6, 1.0, 1.0, 1.2, 1.7>, extrapolation_value = 10.0 : f32} : tensor<1x1x4x4xf32> -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}
