// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-elide-concat))' -split-input-file | FileCheck %s
// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-elide-concat),one-shot-bufferize{bufferize-function-boundaries},func.func(cse,canonicalize))' -split-input-file | FileCheck %s --check-prefix=BUF

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>

// Two activations concatenated along channels: each writes its slice of the
// concat's buffer, which moves to the top; the chain is rebuilt in the
// order the inputs are produced (%b before %a here).
// CHECK-LABEL: func @channels
// CHECK-NEXT: %[[CAT:.+]] = tensor.empty() : tensor<1x6x4x4xf32>
// CHECK: %[[SB:.+]] = tensor.extract_slice %[[CAT]][0, 2, 0, 0] [1, 4, 4, 4] [1, 1, 1, 1]
// CHECK: %[[B:.+]] = linalg.generic {{.*}} outs(%[[SB]] : tensor<1x4x4x4xf32>)
// CHECK: %[[C1:.+]] = tensor.insert_slice %[[B]] into %[[CAT]][0, 2, 0, 0]
// CHECK: %[[SA:.+]] = tensor.extract_slice %[[C1]][0, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1]
// CHECK: %[[A:.+]] = linalg.generic {{.*}} outs(%[[SA]] : tensor<1x2x4x4xf32>)
// CHECK: %[[C2:.+]] = tensor.insert_slice %[[A]] into %[[C1]][0, 0, 0, 0]
// CHECK: return %[[C2]]
// One-shot bufferisation then writes both in place: no copy, no other buffer.
// BUF-LABEL: func @channels
// BUF: memref.subview %{{.+}}[0, 2, 0, 0] [1, 4, 4, 4]
// BUF: memref.subview %{{.+}}[0, 0, 0, 0] [1, 2, 4, 4]
// BUF-NOT: memref.copy
// BUF-NOT: memref.alloc() {{.*}} : memref<1x2x4x4xf32>
// BUF: return
func.func @channels(%x: tensor<1x4x4x4xf32>, %y: tensor<1x2x4x4xf32>) -> tensor<1x6x4x4xf32> {
  %e0 = tensor.empty() : tensor<1x4x4x4xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x4x4x4xf32>) outs(%e0 : tensor<1x4x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.exp %in : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x4xf32>
  %e1 = tensor.empty() : tensor<1x2x4x4xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%y : tensor<1x2x4x4xf32>) outs(%e1 : tensor<1x2x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.absf %in : f32
    linalg.yield %r : f32
  } -> tensor<1x2x4x4xf32>
  %buf = tensor.empty() : tensor<1x6x4x4xf32>
  %c1 = tensor.insert_slice %a into %buf[0, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : tensor<1x2x4x4xf32> into tensor<1x6x4x4xf32>
  %c2 = tensor.insert_slice %b into %c1[0, 2, 0, 0] [1, 4, 4, 4] [1, 1, 1, 1] : tensor<1x4x4x4xf32> into tensor<1x6x4x4xf32>
  return %c2 : tensor<1x6x4x4xf32>
}

// -----

#id = affine_map<(n, c, h, w) -> (n, c, h, w)>

// Not taken: a concat along rows of a 2-channel tensor (its slices are
// strided), an input also used elsewhere, and an input that is not an
// element-wise op's result (a block argument).
// CHECK-LABEL: func @kept
// CHECK-NOT: tensor.extract_slice
// CHECK: return
func.func @kept(%x: tensor<1x2x4x4xf32>) -> (tensor<1x2x8x4xf32>, tensor<1x4x4x4xf32>, tensor<1x2x4x4xf32>) {
  %e0 = tensor.empty() : tensor<1x2x4x4xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x2x4x4xf32>) outs(%e0 : tensor<1x2x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.exp %in : f32
    linalg.yield %r : f32
  } -> tensor<1x2x4x4xf32>
  %rows = tensor.empty() : tensor<1x2x8x4xf32>
  %r1 = tensor.insert_slice %a into %rows[0, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : tensor<1x2x4x4xf32> into tensor<1x2x8x4xf32>
  %r2 = tensor.insert_slice %x into %r1[0, 0, 4, 0] [1, 2, 4, 4] [1, 1, 1, 1] : tensor<1x2x4x4xf32> into tensor<1x2x8x4xf32>
  %e1 = tensor.empty() : tensor<1x2x4x4xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x2x4x4xf32>) outs(%e1 : tensor<1x2x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.absf %in : f32
    linalg.yield %r : f32
  } -> tensor<1x2x4x4xf32>
  %chans = tensor.empty() : tensor<1x4x4x4xf32>
  %c1 = tensor.insert_slice %b into %chans[0, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : tensor<1x2x4x4xf32> into tensor<1x4x4x4xf32>
  %c2 = tensor.insert_slice %x into %c1[0, 2, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1] : tensor<1x2x4x4xf32> into tensor<1x4x4x4xf32>
  return %r2, %c2, %b : tensor<1x2x8x4xf32>, tensor<1x4x4x4xf32>, tensor<1x2x4x4xf32>
}
