// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-convert-lwnn-to-linalg))' -split-input-file | FileCheck %s

// Concat writes each input into its slice of one result.
// CHECK-LABEL: func @concat
// CHECK: %[[E:.+]] = tensor.empty() : tensor<1x5x2x2xf32>
// CHECK: %[[A:.+]] = tensor.insert_slice %arg0 into %[[E]][0, 0, 0, 0] [1, 2, 2, 2] [1, 1, 1, 1]
// CHECK: tensor.insert_slice %arg1 into %[[A]][0, 2, 0, 0] [1, 3, 2, 2] [1, 1, 1, 1]
func.func @concat(%a: tensor<1x2x2x2xf32>, %b: tensor<1x3x2x2xf32>) -> tensor<1x5x2x2xf32> {
  %0 = lwnn.concat %a, %b {axis = 1 : i64} : (tensor<1x2x2x2xf32>, tensor<1x3x2x2xf32>) -> tensor<1x5x2x2xf32>
  return %0 : tensor<1x5x2x2xf32>
}

// -----

// CHECK-LABEL: func @split
// CHECK: tensor.extract_slice %arg0[0, 0] [1, 2] [1, 1]
// CHECK: tensor.extract_slice %arg0[0, 2] [1, 4] [1, 1]
func.func @split(%x: tensor<1x6xf32>) -> (tensor<1x2xf32>, tensor<1x4xf32>) {
  %0:2 = lwnn.split %x {axis = 1 : i64, sizes = array<i64: 2, 4>} : tensor<1x6xf32> -> tensor<1x2xf32>, tensor<1x4xf32>
  return %0#0, %0#1 : tensor<1x2xf32>, tensor<1x4xf32>
}

// -----

// A negative step reads backwards: input[5 - 2 * i].
// CHECK-DAG: #[[REV:.+]] = affine_map<(d0) -> (d0 * -2 + 5)>
// CHECK-LABEL: func @reverse_slice
// CHECK: linalg.generic {indexing_maps = [#[[REV]], #{{.+}}]
func.func @reverse_slice(%x: tensor<6xf32>) -> tensor<3xf32> {
  %0 = lwnn.slice %x {offsets = array<i64: 5>, sizes = array<i64: 3>, strides = array<i64: -2>} : tensor<6xf32> -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// A reshape that is neither a pure collapse nor expand goes through 1-D.
// CHECK-LABEL: func @reshape
// CHECK: tensor.collapse_shape %arg0 {{\[}}[0, 1]] : tensor<2x6xf32> into tensor<12xf32>
// CHECK: tensor.expand_shape {{.*}} {{\[}}[0, 1]] output_shape [3, 4] : tensor<12xf32> into tensor<3x4xf32>
func.func @reshape(%x: tensor<2x6xf32>) -> tensor<3x4xf32> {
  %0 = lwnn.reshape %x : tensor<2x6xf32> -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// The shuffle is expand -> transpose of the two group dims -> collapse.
// CHECK-LABEL: func @channel_shuffle
// CHECK: tensor.expand_shape %arg0 {{.*}} into tensor<1x2x3x4x4xf32>
// CHECK: linalg.transpose ins({{.*}} : tensor<1x2x3x4x4xf32>) outs({{.*}} : tensor<1x3x2x4x4xf32>) permutation = [0, 2, 1, 3, 4]
// CHECK: tensor.collapse_shape {{.*}} into tensor<1x6x4x4xf32>
func.func @channel_shuffle(%x: tensor<1x6x4x4xf32>) -> tensor<1x6x4x4xf32> {
  %0 = lwnn.channel_shuffle %x {groups = 2 : i64} : tensor<1x6x4x4xf32>
  return %0 : tensor<1x6x4x4xf32>
}

// -----

// Reflect and edge pads compute each source index in the body.
// CHECK-LABEL: func @reflect_pad
// CHECK: linalg.generic
// CHECK: arith.remsi
// CHECK: tensor.extract %arg0
func.func @reflect_pad(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x6x6xf32> {
  %0 = lwnn.pad %x {pads = array<i64: 0, 0, 1, 1, 0, 0, 1, 1>, mode = #lwnn.pad_mode<reflect>} : tensor<1x1x4x4xf32> -> tensor<1x1x6x6xf32>
  return %0 : tensor<1x1x6x6xf32>
}

// -----

// CHECK-LABEL: func @transpose
// CHECK: linalg.transpose ins(%arg0 : tensor<1x2x3xf32>) outs({{.*}} : tensor<3x1x2xf32>) permutation = [2, 0, 1]
func.func @transpose(%x: tensor<1x2x3xf32>) -> tensor<3x1x2xf32> {
  %0 = lwnn.transpose %x {perm = array<i64: 2, 0, 1>} : tensor<1x2x3xf32> -> tensor<3x1x2xf32>
  return %0 : tensor<3x1x2xf32>
}
