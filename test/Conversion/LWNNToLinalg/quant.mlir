// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-convert-lwnn-to-linalg))' -split-input-file -verify-diagnostics | FileCheck %s

// quantize divides by the scale (as ONNX does), rounds half to even, adds the
// zero point and saturates to the storage range before narrowing; the
// unsigned storage converts with fptoui. The ui8 result is plain i8 storage.
// CHECK-LABEL: func @quantize_u8
// CHECK-SAME: -> tensor<4xi8>
// CHECK: linalg.generic
// CHECK: %[[D:.+]] = arith.divf %{{.+}}, %{{.+}} : f32
// CHECK: %[[R:.+]] = math.roundeven %[[D]]
// CHECK: %[[Z:.+]] = arith.addf %[[R]], %{{.+}} : f32
// CHECK: %[[LO:.+]] = arith.maximumf %[[Z]], %{{.+}} : f32
// CHECK: %[[HI:.+]] = arith.minimumf %[[LO]], %{{.+}} : f32
// CHECK: %[[I:.+]] = arith.fptoui %[[HI]] : f32 to i32
// CHECK: arith.trunci %[[I]] : i32 to i8
// CHECK-NOT: quant.scast
// CHECK-NOT: tensor.bitcast
func.func @quantize_u8(%x: tensor<4xf32>) -> tensor<4xui8> {
  %q = lwnn.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:128>>
  %s = quant.scast %q : tensor<4x!quant.uniform<u8:f32, 0.5:128>> to tensor<4xi8>
  %u = tensor.bitcast %s : tensor<4xi8> to tensor<4xui8>
  return %u : tensor<4xui8>
}

// -----

// Per-axis parameters are constant vectors read along the quantised axis.
// CHECK-DAG: #[[AXIS:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func @dequantize_per_axis
// CHECK-DAG: %[[S:.+]] = arith.constant dense<[1.000000e-01, 2.000000e-01]> : tensor<2xf32>
// CHECK-DAG: %[[Z:.+]] = arith.constant dense<[0.000000e+00, -3.000000e+00]> : tensor<2xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[AXIS]], #[[AXIS]], #{{.+}}]{{.*}} ins(%arg0, %[[S]], %[[Z]] :
// CHECK: ^bb0(%[[X:.+]]: i8, %[[SC:.+]]: f32, %[[ZP:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[F:.+]] = arith.sitofp %[[X]] : i8 to f32
// CHECK: %[[C:.+]] = arith.subf %[[F]], %[[ZP]]
// CHECK: arith.mulf %[[C]], %[[SC]]
func.func @dequantize_per_axis(%raw: tensor<1x2x3x3xi8>) -> tensor<1x2x3x3xf32> {
  %q = quant.scast %raw : tensor<1x2x3x3xi8> to tensor<1x2x3x3x!quant.uniform<i8:f32:1, {0.1, 0.2:-3}>>
  %x = lwnn.dequantize %q : tensor<1x2x3x3x!quant.uniform<i8:f32:1, {0.1, 0.2:-3}>> -> tensor<1x2x3x3xf32>
  return %x : tensor<1x2x3x3xf32>
}

// -----

// A quantised conv accumulates centred i32 operands: the u8 input minus its
// zero point at run time, the constant int8 weights minus theirs folded at
// compile time; padding is then 0 (ONNX pads with the input's zero point).
// requantize multiplies by the ratio of scales computed in f32 as ONNX Runtime
// does (0.01f / 0.1f).
// CHECK-LABEL: func @qlinear_conv
// CHECK-DAG: %[[W:.+]] = arith.constant dense<{{\[\[\[\[}}-1, 0], [1, 2]]]]> : tensor<1x1x2x2xi32>
// CHECK-DAG: %[[M:.+]] = arith.constant 0.099999994 : f32
// CHECK: %[[X:.+]] = linalg.generic
// CHECK: arith.extui %{{.+}} : i8 to i32
// CHECK: arith.subi
// CHECK: %[[P:.+]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[ACC:.+]] = linalg.conv_2d_nchw_fchw {{.*}} ins(%[[P]], %[[W]] : tensor<1x1x4x4xi32>, tensor<1x1x2x2xi32>)
// CHECK: linalg.generic {{.*}} ins(%[[ACC]] : tensor<1x1x3x3xi32>)
// CHECK: arith.sitofp %{{.+}} : i32 to f32
// CHECK: arith.mulf %{{.+}}, %[[M]]
// CHECK: math.roundeven
func.func @qlinear_conv(%raw: tensor<1x1x2x2xi8>) -> tensor<1x1x3x3xi8> {
  %x = quant.scast %raw : tensor<1x1x2x2xi8> to tensor<1x1x2x2x!quant.uniform<u8:f32, 0.02:128>>
  %w0 = lwnn.constant dense<[[[[0, 1], [2, 3]]]]> : tensor<1x1x2x2xi8>
  %w = quant.scast %w0 : tensor<1x1x2x2xi8> to tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5:1>>
  %acc = lwnn.conv2d %x, %w {strides = array<i64: 1, 1>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64} : (tensor<1x1x2x2x!quant.uniform<u8:f32, 0.02:128>>, tensor<1x1x2x2x!quant.uniform<i8:f32, 0.5:1>>) -> tensor<1x1x3x3x!quant.uniform<i32:f32, 0.01>>
  %y = lwnn.requantize %acc : tensor<1x1x3x3x!quant.uniform<i32:f32, 0.01>> -> tensor<1x1x3x3x!quant.uniform<i8:f32, 0.1:-2>>
  %r = quant.scast %y : tensor<1x1x3x3x!quant.uniform<i8:f32, 0.1:-2>> to tensor<1x1x3x3xi8>
  return %r : tensor<1x1x3x3xi8>
}

// -----

// Integer matmul (MatMulInteger): i32 multiply-accumulate, the raw i32 out.
// CHECK-LABEL: func @matmul_integer
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: arith.muli
// CHECK: arith.addi
// CHECK: return %{{.+}} : tensor<2x3xi32>
func.func @matmul_integer(%a: tensor<2x4xi8>, %b: tensor<4x3xi8>) -> tensor<2x3xi32> {
  %qa = quant.scast %a : tensor<2x4xi8> to tensor<2x4x!quant.uniform<u8:f32, 1.0:5>>
  %qb = quant.scast %b : tensor<4x3xi8> to tensor<4x3x!quant.uniform<i8:f32, 1.0>>
  %m = lwnn.matmul %qa, %qb : (tensor<2x4x!quant.uniform<u8:f32, 1.0:5>>, tensor<4x3x!quant.uniform<i8:f32, 1.0>>) -> tensor<2x3x!quant.uniform<i32:f32, 1.0>>
  %r = quant.scast %m : tensor<2x3x!quant.uniform<i32:f32, 1.0>> to tensor<2x3xi32>
  return %r : tensor<2x3xi32>
}

// -----

// Data movement moves the storage integers.
// CHECK-LABEL: func @quantised_transpose
// CHECK: linalg.transpose ins(%arg0 : tensor<2x3xi8>)
// CHECK-NOT: quant.scast
func.func @quantised_transpose(%a: tensor<2x3xi8>) -> tensor<3x2xi8> {
  %q = quant.scast %a : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32, 0.1>>
  %t = lwnn.transpose %q {perm = array<i64: 1, 0>} : tensor<2x3x!quant.uniform<i8:f32, 0.1>> -> tensor<3x2x!quant.uniform<i8:f32, 0.1>>
  %r = quant.scast %t : tensor<3x2x!quant.uniform<i8:f32, 0.1>> to tensor<3x2xi8>
  return %r : tensor<3x2xi8>
}

// -----

// Arithmetic on quantised values is not defined by their storage.
func.func @quantised_add(%a: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %a : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.1>>
  // expected-error @+1 {{cannot lower 'lwnn.add': quantised tensors are only lowered through quantize, dequantize, requantize, convolutions, dense/matmul and data movement; dequantize first}}
  %s = lwnn.add %q, %q : (tensor<4x!quant.uniform<i8:f32, 0.1>>, tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  %r = quant.scast %s : tensor<4x!quant.uniform<i8:f32, 0.1>> to tensor<4xi8>
  return %r : tensor<4xi8>
}
