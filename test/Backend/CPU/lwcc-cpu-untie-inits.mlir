// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-untie-inits))' -split-input-file | FileCheck %s
// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-untie-inits),one-shot-bufferize{bufferize-function-boundaries},func.func(canonicalize))' -split-input-file | FileCheck %s --check-prefix=BUF

#id = affine_map<(i, j) -> (i, j)>

// Two GEMMs start from one zero-filled tensor (CSE merged their fills and
// the reshapes of them): each gets its own reshape, fill and empty tensor.
// CHECK-LABEL: func @shared_zero
// CHECK: %[[E1:.+]] = tensor.empty() : tensor<1x4x4xf32>
// CHECK: %[[E2:.+]] = tensor.empty() : tensor<1x4x4xf32>
// CHECK: %[[Z2:.+]] = linalg.generic {{.*}} outs(%[[E2]] :
// CHECK: %[[Z1:.+]] = linalg.generic {{.*}} outs(%[[E1]] :
// CHECK: %[[R1:.+]] = tensor.collapse_shape %[[Z1]]
// CHECK: %[[R2:.+]] = tensor.collapse_shape %[[Z2]]
// CHECK: linalg.matmul {{.*}} outs(%[[R2]] :
// CHECK: linalg.matmul {{.*}} outs(%[[R1]] :
// Without untying, one-shot bufferisation copies the zeros for the second.
// BUF-LABEL: func @shared_zero
// BUF-NOT: memref.copy
// BUF: return
func.func @shared_zero(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4xf32>
  %z = linalg.generic {indexing_maps = [affine_map<(n, i, j) -> (n, i, j)>],
                       iterator_types = ["parallel", "parallel", "parallel"]}
      outs(%e : tensor<1x4x4xf32>) {
  ^bb0(%out: f32):
    linalg.yield %zero : f32
  } -> tensor<1x4x4xf32>
  %r = tensor.collapse_shape %z [[0, 1], [2]] : tensor<1x4x4xf32> into tensor<4x4xf32>
  %m1 = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%r : tensor<4x4xf32>) -> tensor<4x4xf32>
  %m2 = linalg.matmul ins(%b, %a : tensor<4x4xf32>, tensor<4x4xf32>) outs(%r : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %m1, %m2 : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// A fill that reads a tensor is no destination: %x keeps its one producer.
// CHECK-LABEL: func @computed
// CHECK-COUNT-1: linalg.generic
// CHECK-NOT: linalg.generic
func.func @computed(%x: tensor<4xf32>, %a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                       iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.exp %in : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %s1 = linalg.add ins(%a, %a : tensor<4xf32>, tensor<4xf32>) outs(%y : tensor<4xf32>) -> tensor<4xf32>
  %s2 = linalg.sub ins(%a, %a : tensor<4xf32>, tensor<4xf32>) outs(%y : tensor<4xf32>) -> tensor<4xf32>
  return %s1, %s2 : tensor<4xf32>, tensor<4xf32>
}
