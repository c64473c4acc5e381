// RUN: lwcc-opt %s -canonicalize -split-input-file | FileCheck %s

// relu of relu is relu; clip(0, 6) is relu6 and absorbs a relu before it.
// CHECK-LABEL: func @activations
// CHECK-NEXT: %[[R:.+]] = lwnn.relu6 %arg0
// CHECK-NEXT: return %[[R]]
func.func @activations(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = lwnn.relu %x : tensor<4xf32>
  %1 = lwnn.relu %0 : tensor<4xf32>
  %2 = lwnn.clip %1 {min = 0.0 : f32, max = 6.0 : f32} : tensor<4xf32>
  return %2 : tensor<4xf32>
}

// -----

// clip(0, +inf) is relu.
// CHECK-LABEL: func @clip_to_relu
// CHECK-NEXT: lwnn.relu %arg0
func.func @clip_to_relu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = lwnn.clip %x {min = 0.0 : f32, max = 3.4028234663852886e+38 : f32} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Identity reshape and a transpose with its inverse vanish; reshape chains
// collapse to one reshape.
// CHECK-LABEL: func @data_movement
// CHECK-NEXT: %[[R:.+]] = lwnn.reshape %arg0 : tensor<1x8x2x2xf32> -> tensor<32xf32>
// CHECK-NEXT: return %arg0, %[[R]]
func.func @data_movement(%x: tensor<1x8x2x2xf32>) -> (tensor<1x8x2x2xf32>, tensor<32xf32>) {
  %0 = lwnn.reshape %x : tensor<1x8x2x2xf32> -> tensor<1x8x2x2xf32>
  %1 = lwnn.transpose %0 {perm = array<i64: 0, 2, 3, 1>} : tensor<1x8x2x2xf32> -> tensor<1x2x2x8xf32>
  %2 = lwnn.transpose %1 {perm = array<i64: 0, 3, 1, 2>} : tensor<1x2x2x8xf32> -> tensor<1x8x2x2xf32>
  %3 = lwnn.reshape %2 : tensor<1x8x2x2xf32> -> tensor<8x4xf32>
  %4 = lwnn.reshape %3 : tensor<8x4xf32> -> tensor<32xf32>
  return %2, %4 : tensor<1x8x2x2xf32>, tensor<32xf32>
}

// -----

// Shape arithmetic as torch exports it folds to one constant.
// CHECK-LABEL: func @shape_chain
// CHECK-NEXT: %[[C:.+]] = lwnn.constant dense<[1, -1]> : tensor<2xi64>
// CHECK-NEXT: return %[[C]]
func.func @shape_chain() -> tensor<2xi64> {
  %shape = lwnn.constant dense<[1, 1280, 1, 1]> : tensor<4xi64>
  %i = lwnn.constant dense<0> : tensor<i64>
  %n = lwnn.gather %shape, %i {axis = 0 : i64} : (tensor<4xi64>, tensor<i64>) -> tensor<i64>
  %n1 = lwnn.reshape %n : tensor<i64> -> tensor<1xi64>
  %m = lwnn.constant dense<-1> : tensor<1xi64>
  %cat = lwnn.concat %n1, %m {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<2xi64>
  return %cat : tensor<2xi64>
}

// -----

// Integer and float arithmetic on constants folds with broadcasting; integer
// division truncates; x * 1 and x + 0 fold to x.
// CHECK-LABEL: func @arith
// CHECK-DAG: lwnn.constant dense<[3, -2]> : tensor<2xi64>
// CHECK-DAG: lwnn.constant dense<[2.000000e+00, 4.000000e+00]> : tensor<2xf32>
// CHECK: return %{{.+}}, %{{.+}}, %arg0
func.func @arith(%x: tensor<2xf32>) -> (tensor<2xi64>, tensor<2xf32>, tensor<2xf32>) {
  %a = lwnn.constant dense<[7, -5]> : tensor<2xi64>
  %b = lwnn.constant dense<2> : tensor<i64>
  %q = lwnn.div %a, %b : (tensor<2xi64>, tensor<i64>) -> tensor<2xi64>
  %f = lwnn.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %two = lwnn.constant dense<2.0> : tensor<f32>
  %p = lwnn.mul %f, %two : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  %one = lwnn.constant dense<1.0> : tensor<f32>
  %zero = lwnn.constant dense<0.0> : tensor<2xf32>
  %y = lwnn.mul %x, %one : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  %z = lwnn.add %y, %zero : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %q, %p, %z : tensor<2xi64>, tensor<2xf32>, tensor<2xf32>
}

// -----

// Casts, slices and transposes of constants fold.
// CHECK-LABEL: func @fold_moves
// CHECK-DAG: lwnn.constant dense<[3.000000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK-DAG: lwnn.constant dense<{{\[\[}}1, 3], [2, 4]]> : tensor<2x2xi64>
func.func @fold_moves() -> (tensor<2xf32>, tensor<2x2xi64>) {
  %a = lwnn.constant dense<[1, 2, 3]> : tensor<3xi64>
  %s = lwnn.slice %a {offsets = array<i64: 2>, sizes = array<i64: 2>, strides = array<i64: -2>} : tensor<3xi64> -> tensor<2xi64>
  %f = lwnn.cast %s : tensor<2xi64> -> tensor<2xf32>
  %m = lwnn.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi64>
  %t = lwnn.transpose %m {perm = array<i64: 1, 0>} : tensor<2x2xi64> -> tensor<2x2xi64>
  return %f, %t : tensor<2xf32>, tensor<2x2xi64>
}
