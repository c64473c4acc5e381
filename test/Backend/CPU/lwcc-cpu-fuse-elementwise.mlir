// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-fuse-elementwise))' -split-input-file | FileCheck %s

// Element-wise chains fuse into one generic.
// CHECK-LABEL: func @chain
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @chain(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<4x8xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x, %y : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e0 : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %v = arith.addf %a, %b : f32
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  %e1 = tensor.empty() : tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%s : tensor<4x8xf32>) outs(%e1 : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = arith.maximumf %a, %zero : f32
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// A relu on the kept columns of an image product (4 rows of 6, 2 of every
// 8 columns dropped) that a padded copy reads runs on the whole product
// instead, so the GEMM kernel absorbs it; the padded copy reads the kept
// columns of the result.
// CHECK-LABEL: func @whole_product
// CHECK: %[[GEMM:.+]] = linalg.generic {{.+}} attrs = {lwcc.kind = "conv-gemm"}
// CHECK: %[[WIDE:.+]] = tensor.expand_shape %[[GEMM]]
// CHECK: %[[RELU:.+]] = linalg.generic {{.+}} ins(%[[WIDE]] : tensor<1x2x4x8xf32>) outs(%{{.+}} : tensor<1x2x4x8xf32>)
// CHECK: arith.maximumf
// CHECK: %[[KEPT:.+]] = tensor.extract_slice %[[RELU]][0, 0, 0, 0] [1, 2, 4, 6] [1, 1, 1, 1]
// CHECK: tensor.pad %[[KEPT]]
func.func @whole_product(%w: tensor<2x3x3x3xf32>, %img: tensor<3x56xf32>, %init: tensor<2x32xf32>) -> tensor<1x2x6x8xf32> {
  %zero = arith.constant 0.0 : f32
  %p = linalg.generic {indexing_maps = [affine_map<(m, n, c, ky, kx) -> (m, c, ky, kx)>, affine_map<(m, n, c, ky, kx) -> (c, n + ky * 8 + kx)>, affine_map<(m, n, c, ky, kx) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%w, %img : tensor<2x3x3x3xf32>, tensor<3x56xf32>) outs(%init : tensor<2x32xf32>) attrs = {lwcc.kind = "conv-gemm"} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<2x32xf32>
  %wide = tensor.expand_shape %p [[0, 1], [2, 3]] output_shape [1, 2, 4, 8] : tensor<2x32xf32> into tensor<1x2x4x8xf32>
  %kept = tensor.extract_slice %wide[0, 0, 0, 0] [1, 2, 4, 6] [1, 1, 1, 1] : tensor<1x2x4x8xf32> to tensor<1x2x4x6xf32>
  %e = tensor.empty() : tensor<1x2x4x6xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%kept : tensor<1x2x4x6xf32>) outs(%e : tensor<1x2x4x6xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = arith.maximumf %a, %zero : f32
    linalg.yield %v : f32
  } -> tensor<1x2x4x6xf32>
  %padded = tensor.pad %r low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x2x4x6xf32> to tensor<1x2x6x8xf32>
  return %padded : tensor<1x2x6x8xf32>
}

// -----

// Kept on the slice: the result is not only padded (here returned), where
// running on the whole product would need the kept columns copied out.
// CHECK-LABEL: func @returned
// CHECK: %[[KEPT:.+]] = tensor.extract_slice
// CHECK: linalg.generic {{.+}} ins(%[[KEPT]] : tensor<1x2x4x6xf32>)
func.func @returned(%w: tensor<2x3x3x3xf32>, %img: tensor<3x56xf32>, %init: tensor<2x32xf32>) -> tensor<1x2x4x6xf32> {
  %zero = arith.constant 0.0 : f32
  %p = linalg.generic {indexing_maps = [affine_map<(m, n, c, ky, kx) -> (m, c, ky, kx)>, affine_map<(m, n, c, ky, kx) -> (c, n + ky * 8 + kx)>, affine_map<(m, n, c, ky, kx) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%w, %img : tensor<2x3x3x3xf32>, tensor<3x56xf32>) outs(%init : tensor<2x32xf32>) attrs = {lwcc.kind = "conv-gemm"} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<2x32xf32>
  %wide = tensor.expand_shape %p [[0, 1], [2, 3]] output_shape [1, 2, 4, 8] : tensor<2x32xf32> into tensor<1x2x4x8xf32>
  %kept = tensor.extract_slice %wide[0, 0, 0, 0] [1, 2, 4, 6] [1, 1, 1, 1] : tensor<1x2x4x8xf32> to tensor<1x2x4x6xf32>
  %e = tensor.empty() : tensor<1x2x4x6xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%kept : tensor<1x2x4x6xf32>) outs(%e : tensor<1x2x4x6xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = arith.maximumf %a, %zero : f32
    linalg.yield %v : f32
  } -> tensor<1x2x4x6xf32>
  return %r : tensor<1x2x4x6xf32>
}

// -----

// A projection reading an image times a squeeze-excite gate: one GEMM
// generic over A, the gate as a row scale of B and the image itself; the
// product's pass over the image goes.
// CHECK-LABEL: func @gate_into_gemm
// CHECK-DAG: %[[ROWS:.+]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2, 3]] : tensor<1x6x4x4xf32> into tensor<6x16xf32>
// CHECK-DAG: %[[SCALE:.+]] = tensor.collapse_shape %arg1 {{\[\[}}0, 1, 2, 3]] : tensor<1x6x1x1xf32> into tensor<6xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #{{.+}}, #{{.+}}, #{{.+}}], iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg2, %[[SCALE]], %[[ROWS]] : tensor<3x6xf32>, tensor<6xf32>, tensor<6x16xf32>) outs(%arg3 : tensor<3x16xf32>) attrs = {lwcc.kind = "pointwise"}
// CHECK: %[[S:.+]] = arith.mulf %{{.+}}, %{{.+}} : f32
// CHECK: %[[P:.+]] = arith.mulf %{{.+}}, %[[S]] : f32
// CHECK: arith.addf %{{.+}}, %[[P]] : f32
// CHECK-NOT: linalg.matmul
func.func @gate_into_gemm(%x: tensor<1x6x4x4xf32>, %g: tensor<1x6x1x1xf32>, %w: tensor<3x6xf32>, %init: tensor<3x16xf32>) -> tensor<3x16xf32> {
  %e = tensor.empty() : tensor<1x6x4x4xf32>
  %p = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, 0, 0)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x, %g : tensor<1x6x4x4xf32>, tensor<1x6x1x1xf32>) outs(%e : tensor<1x6x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %v = arith.mulf %a, %b : f32
    linalg.yield %v : f32
  } -> tensor<1x6x4x4xf32>
  %b = tensor.collapse_shape %p [[0, 1], [2, 3]] : tensor<1x6x4x4xf32> into tensor<6x16xf32>
  %c = linalg.matmul {lwcc.kind = "pointwise"} ins(%w, %b : tensor<3x6xf32>, tensor<6x16xf32>) outs(%init : tensor<3x16xf32>) -> tensor<3x16xf32>
  return %c : tensor<3x16xf32>
}
