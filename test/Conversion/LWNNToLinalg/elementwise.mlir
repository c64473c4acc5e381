// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-convert-lwnn-to-linalg))' -split-input-file -verify-diagnostics | FileCheck %s

// Broadcasting lives in the indexing maps: a [C,1,1] operand is read at
// (d1, 0, 0), never materialised at the result's size.
// CHECK-DAG: #[[SLOPE:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>
// CHECK-LABEL: func @prelu
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[SLOPE]], #{{.+}}]
// CHECK: arith.cmpf oge
// CHECK: arith.select
func.func @prelu(%x: tensor<1x4x2x2xf32>, %s: tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32> {
  %0 = lwnn.prelu %x, %s : (tensor<1x4x2x2xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// -----

// hard_swish = x * clamp(x / 6 + 1/2, 0, 1); sigmoid = 1 / (1 + exp(-x)),
// exp's argument clamped to [-87, 87] and exp itself a range reduction
// (n = round(x / ln 2) by adding 1.5 * 2^23), a polynomial, and n added to
// the polynomial's exponent field as an integer: no special cases, no
// math.exp, no multiplication by 2^n. silu = x / (1 + exp(-x)): the
// division's numerator is x, no x * sigmoid(x).
// CHECK-LABEL: func @activations
// CHECK: arith.constant 0.166666672 : f32
// CHECK: arith.mulf
// CHECK: arith.negf
// CHECK: arith.constant -8.700000e+01 : f32
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.constant 0x4B400000 : f32
// CHECK: arith.constant 1.44269502 : f32
// CHECK: math.fma
// CHECK: %[[N:.+]] = arith.bitcast %{{.+}} : f32 to i32
// CHECK: %[[SHIFTED:.+]] = arith.shli %[[N]]
// CHECK: %[[Y:.+]] = arith.bitcast %{{.+}} : f32 to i32
// CHECK: %[[SUM:.+]] = arith.addi %[[Y]], %[[SHIFTED]] : i32
// CHECK: %[[E:.+]] = arith.bitcast %[[SUM]] : i32 to f32
// CHECK: %[[D:.+]] = arith.addf %{{.+}}, %[[E]]
// CHECK: arith.divf %{{.+}}, %[[D]]
// CHECK-NOT: math.exp
// CHECK: math.tanh
// CHECK: ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
// CHECK-NOT: arith.mulf %[[X]], %{{.+}}
// CHECK: arith.divf %[[X]], %{{.+}} : f32
// CHECK-NEXT: linalg.yield
func.func @activations(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %0 = lwnn.hard_swish %x : tensor<8xf32>
  %1 = lwnn.sigmoid %x : tensor<8xf32>
  %2 = lwnn.tanh %x : tensor<8xf32>
  %3 = lwnn.silu %x : tensor<8xf32>
  return %0, %1, %2, %3 : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}

// -----

// Integer arithmetic (shape math that did not fold) uses integer ops.
// CHECK-LABEL: func @int_add
// CHECK: arith.addi
func.func @int_add(%a: tensor<4xi64>, %b: tensor<4xi64>) -> tensor<4xi64> {
  %0 = lwnn.add %a, %b : (tensor<4xi64>, tensor<4xi64>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

// CHECK-LABEL: func @batch_norm
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[C:.+]], #[[C]], #[[C]], #[[C]], #{{.+}}]
// CHECK: math.sqrt
// CHECK: arith.divf
func.func @batch_norm(%x: tensor<1x4x2x2xf32>, %s: tensor<4xf32>, %b: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<1x4x2x2xf32> {
  %0 = lwnn.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-05 : f32} : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// -----

// Float to int truncates toward zero; to bool compares with zero.
// CHECK-LABEL: func @casts
// CHECK: arith.fptosi {{.*}} : f32 to i32
// CHECK: arith.cmpf une
func.func @casts(%x: tensor<4xf32>) -> (tensor<4xi32>, tensor<4xi1>) {
  %0 = lwnn.cast %x : tensor<4xf32> -> tensor<4xi32>
  %1 = lwnn.cast %x : tensor<4xf32> -> tensor<4xi1>
  return %0, %1 : tensor<4xi32>, tensor<4xi1>
}

// -----

// squeeze_excite is spelled out: pool, two 1x1 convs with act and gate, mul.
// CHECK-LABEL: func @squeeze_excite
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK: arith.mulf
func.func @squeeze_excite(%x: tensor<1x8x4x4xf32>, %w1: tensor<2x8x1x1xf32>, %b1: tensor<2xf32>, %w2: tensor<8x2x1x1xf32>, %b2: tensor<8xf32>) -> tensor<1x8x4x4xf32> {
  %0 = lwnn.squeeze_excite %x, %w1, %b1, %w2, %b2 {act = #lwnn.act<relu>, gate = #lwnn.act<hard_sigmoid>, gate_params = array<f32: 0.1666667, 0.5>} : (tensor<1x8x4x4xf32>, tensor<2x8x1x1xf32>, tensor<2xf32>, tensor<8x2x1x1xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// A quantised function argument (the importer passes storage integers) is
// reported, not silently reinterpreted.
func.func @quantized(%x: tensor<4x!quant.uniform<u8:f32, 0.1:128>>) -> tensor<4xf32> {
  // expected-error @+1 {{quantised tensor of type 'tensor<4x!quant.uniform<u8:f32, 1.000000e-01:128>>' reaches a function boundary or an op the quantised lowering does not handle}}
  %0 = lwnn.dequantize %x : tensor<4x!quant.uniform<u8:f32, 0.1:128>> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
