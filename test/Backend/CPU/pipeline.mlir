// The three CPU stages run one by one as lwcc-opt pipelines.
// RUN: lwcc-opt %s --lwcc-cpu-to-linalg | FileCheck %s --check-prefix=LINALG
// RUN: lwcc-opt %s --lwcc-cpu-to-linalg --lwcc-cpu-bufferize | FileCheck %s --check-prefix=BUFFERS
// RUN: lwcc-opt %s --lwcc-cpu-lower | FileCheck %s --check-prefix=LLVM
// RUN: lwcc-opt %s --lwcc-cpu-lower | FileCheck %s --check-prefix=NOLIBM

// Conv (as im2col + GEMM), bias and relu6 epilogue; the two element-wise
// ops fuse into one.
// LINALG: linalg.matmul
// LINALG-COUNT-1: linalg.generic {{.*}} ins(%{{.+}} : tensor<1x8x4x4xf32>)

// Inputs are read-only, the result is written in place into the caller's
// output buffer, the intermediates live in the arena.
// BUFFERS: func.func @main(%{{.+}}: memref<1x3x8x8xf32> {lwnn.name = "x"}, %{{.+}}: memref<1x8x4x4xf32> {lwnn.name = "y"}, %{{.+}}: memref<{{[0-9]+}}xi8> {lwcc.arena}) attributes {lwcc.arena_bytes = {{[0-9]+}} : i64}
// BUFFERS-NOT: memref.alloc

// Every loop nest (the GEMM kernel's vector multiply-adds, the padding and
// the im2col copy) runs as a task over the entry's pointers (x, y, arena,
// context) and an iteration range; the entry hands each to the thread pool
// and calls nothing else. Bare pointers in, nothing from libm out.
// LLVM: llvm.func @lwcc_task_0(%{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: !llvm.ptr, %{{.+}}: i64, %{{.+}}: i64)
// LLVM: llvm.intr.fmuladd({{.*}}) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
// LLVM: llvm.func @main(%{{.+}}: !llvm.ptr{{.*}}, %{{.+}}: !llvm.ptr{{.*}}, %{{.+}}: !llvm.ptr{{.*}}, %{{.+}}: !llvm.ptr {lwcc.context})
// LLVM-NOT: llvm.call @{{[^l]}}
// LLVM: llvm.call @lwcc_dispatch_
// LLVM-NOT: llvm.call @{{[^l]}}
// LLVM: llvm.return
// NOLIBM-NOT: llvm.call @{{(exp|expf|tanhf|logf|powf|floorf|fmaf|memrefCopy|malloc)}}
func.func @main(%x: tensor<1x3x8x8xf32> {lwnn.name = "x"}) -> (tensor<1x8x4x4xf32> {lwnn.name = "y"}) {
  %w = lwnn.constant dense<0.5> : tensor<8x3x3x3xf32>
  %b = lwnn.constant dense<0.1> : tensor<8xf32>
  %0 = lwnn.conv2d %x, %w, %b {strides = array<i64: 2, 2>, pads = array<i64: 1, 1, 1, 1>, dilations = array<i64: 1, 1>, groups = 1 : i64, act = #lwnn.act<relu6>} : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  %1 = lwnn.sigmoid %0 : tensor<1x8x4x4xf32>
  return %1 : tensor<1x8x4x4xf32>
}
