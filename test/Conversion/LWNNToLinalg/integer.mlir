// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-convert-lwnn-to-linalg))' -split-input-file | FileCheck %s

// ui8 tensors become signless i8 (the signature too); division of unsigned
// integers is unsigned, addition wraps either way.
// CHECK-LABEL: func @uint8_arith
// CHECK-SAME: (%arg0: tensor<4xi8>, %arg1: tensor<4xi8>) -> tensor<4xi8>
// CHECK: arith.addi
// CHECK: arith.divui
// CHECK-NOT: ui8
func.func @uint8_arith(%a: tensor<4xui8>, %b: tensor<4xui8>) -> tensor<4xui8> {
  %s = lwnn.add %a, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  %d = lwnn.div %s, %b : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %d : tensor<4xui8>
}

// -----

// linalg's NCHW max pool is signed: unsigned inputs have their sign bit
// flipped on the way in and out, and padding is the signed minimum.
// CHECK-LABEL: func @uint8_max_pool
// CHECK: arith.xori
// CHECK: %[[MIN:.+]] = arith.constant -128 : i8
// CHECK: tensor.pad
// CHECK: tensor.yield %[[MIN]] : i8
// CHECK: linalg.pooling_nchw_max
// CHECK: arith.xori
func.func @uint8_max_pool(%x: tensor<1x1x4x4xui8>) -> tensor<1x1x2x2xui8> {
  %0 = lwnn.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>} : tensor<1x1x4x4xui8> -> tensor<1x1x2x2xui8>
  return %0 : tensor<1x1x2x2xui8>
}

// -----

// Integer clip: bounds beyond the type's range saturate to it.
// CHECK-LABEL: func @int8_clip
// CHECK: %[[LO:.+]] = arith.constant -128 : i8
// CHECK: %[[A:.+]] = arith.maxsi %{{.+}}, %[[LO]] : i8
// CHECK: %[[HI:.+]] = arith.constant 5 : i8
// CHECK: arith.minsi %[[A]], %[[HI]] : i8
func.func @int8_clip(%x: tensor<4xi8>) -> tensor<4xi8> {
  %0 = lwnn.clip %x {min = -1.0e+09 : f32, max = 5.0 : f32} : tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

// Integer pow is exact: repeated squaring over the exponent's bits.
// CHECK-LABEL: func @int_pow
// CHECK: linalg.generic
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %{{.+}} iter_args
// CHECK: arith.muli
// CHECK: arith.shrui
func.func @int_pow(%x: tensor<3xi32>, %e: tensor<3xi32>) -> tensor<3xi32> {
  %0 = lwnn.pow %x, %e : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

// A float exponent of an integer base: exact when integral, else the f32
// power truncated.
// CHECK-LABEL: func @int_pow_float_exponent
// CHECK: math.trunc
// CHECK: arith.cmpf oeq
// CHECK: scf.for
// CHECK: math.powf
// CHECK: arith.select
func.func @int_pow_float_exponent(%x: tensor<3xi64>, %e: tensor<3xf32>) -> tensor<3xi64> {
  %0 = lwnn.pow %x, %e : (tensor<3xi64>, tensor<3xf32>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// Casts read the signedness MakeSignless recorded.
// CHECK-LABEL: func @uint8_casts
// CHECK: arith.uitofp %{{.+}} : i8 to f32
// CHECK: arith.fptoui %{{.+}} : f32 to i8
// CHECK: arith.extui %{{.+}} : i8 to i32
func.func @uint8_casts(%x: tensor<4xui8>, %f: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xui8>, tensor<4xi32>) {
  %0 = lwnn.cast %x : tensor<4xui8> -> tensor<4xf32>
  %1 = lwnn.cast %f : tensor<4xf32> -> tensor<4xui8>
  %2 = lwnn.cast %x : tensor<4xui8> -> tensor<4xi32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xui8>, tensor<4xi32>
}
