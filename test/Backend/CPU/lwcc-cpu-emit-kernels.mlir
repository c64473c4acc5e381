// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-emit-kernels,canonicalize))' -split-input-file | FileCheck %s --check-prefix=AVX2
// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-emit-kernels{vector-bits=128 vector-registers=32},canonicalize))' -split-input-file | FileCheck %s --check-prefix=NEON
// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-emit-kernels{vector-bits=512 vector-registers=32},canonicalize))' -split-input-file | FileCheck %s --check-prefix=AVX512

// GEMM 12x32x5: 6 rows x two 8-lane vectors per register block on AVX2 (12
// accumulators carried through the k loop; per k two loads of B, 6 scalar
// loads of A, 12 multiply-adds). Threads get 2 row groups x 2 column panels
// of 16, so the parallel loop has 4 iterations. On NEON 8 rows x 3 vectors
// of 4 lanes.
// AVX2-LABEL: func @gemm
// AVX2: scf.for %[[T:.+]] = %c0 to %c4 step %c1 {
// AVX2: arith.divui %[[T]], %c2
// AVX2: arith.remui %[[T]], %c2
// AVX2-COUNT-12: vector.load %arg2{{.*}} : memref<12x32xf32>, vector<8xf32>
// AVX2: scf.for %{{.+}} = %c0 to %c5 step %c1 iter_args(
// AVX2-COUNT-2: vector.load %arg1{{.*}} : memref<5x32xf32>, vector<8xf32>
// AVX2-COUNT-12: vector.fma
// AVX2: scf.yield
// AVX2-COUNT-12: vector.store {{.*}} : memref<12x32xf32>, vector<8xf32>
// AVX2: } {lwcc.parallel}
// AVX2-NOT: linalg.matmul
// NEON-LABEL: func @gemm
// NEON-COUNT-24: vector.fma {{.*}} : vector<4xf32>
// NEON-NOT: linalg.matmul
func.func @gemm(%a: memref<12x5xf32>, %b: memref<5x32xf32>, %c: memref<12x32xf32>) {
  linalg.matmul ins(%a, %b : memref<12x5xf32>, memref<5x32xf32>) outs(%c : memref<12x32xf32>)
  return
}

// -----

// 2 row blocks and 136 columns, C wider than tall: the 8 parallel
// iterations split the columns (a thread reads only its columns of B). The
// 8 full 16-column tiles and the ragged 8 columns count as 9 units, shared
// out evenly: iteration t takes units [t*9/8, (t+1)*9/8), each over both
// row blocks; the last iteration ends with the ragged columns (8-lane
// vectors).
// AVX2-LABEL: func @wide
// AVX2: scf.for %[[T:.+]] = %c0 to %c8 step %c1 {
// AVX2: %[[NEXT:.+]] = arith.addi %[[T]], %c1
// AVX2: %[[T9:.+]] = arith.muli %[[T]], %c9
// AVX2: %[[FROM:.+]] = arith.divui %[[T9]], %c8
// AVX2: %[[NEXT9:.+]] = arith.muli %[[NEXT]], %c9
// AVX2: %[[TO:.+]] = arith.divui %[[NEXT9]], %c8
// AVX2: %[[LAST:.+]] = arith.cmpi eq, %[[NEXT]], %c8
// AVX2: scf.if %[[LAST]] {
// AVX2: %[[FULL:.+]] = arith.addi %[[TO]], %c-1
// AVX2: scf.for %[[J:.+]] = %[[FROM]] to %[[FULL]] step %c1 {
// AVX2: arith.muli %[[J]], %c16
// AVX2: scf.for %[[R:.+]] = %c0 to %c2 step %c1 {
// AVX2: arith.muli %[[R]], %c6
// AVX2: scf.for %{{.+}} = %c0 to %c2 step %c1 {
// AVX2: scf.for {{.*}} -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>)
// AVX2: } else {
// AVX2: scf.for %{{.+}} = %[[FROM]] to %[[TO]] step %c1 {
// AVX2: } {lwcc.parallel}
func.func @wide(%a: memref<12x4xf32>, %b: memref<4x136xf32>, %c: memref<12x136xf32>) {
  linalg.matmul ins(%a, %b : memref<12x4xf32>, memref<4x136xf32>) outs(%c : memref<12x136xf32>)
  return
}

// -----

// C taller than wide, 16 row blocks: the 8 parallel iterations split the
// rows, iteration t taking blocks [t*16/8, (t+1)*16/8). The end comes from
// lwcc.range_end, so a thread running several iterations runs them as one
// group of row blocks (each tile of B read once per thread).
// AVX2-LABEL: func @row_runs
// AVX2: scf.for %[[T:.+]] = %c0 to %c8 step %c1 {
// AVX2: %[[END:.+]] = arith.addi %[[T]], %c1 {lwcc.range_end}
// AVX2: %[[T16:.+]] = arith.muli %[[T]], %c16
// AVX2: %[[FIRST:.+]] = arith.divui %[[T16]], %c8
// AVX2: %[[END16:.+]] = arith.muli %[[END]], %c16
// AVX2: %[[LAST:.+]] = arith.divui %[[END16]], %c8
// AVX2: scf.for %{{.+}} = %[[FIRST]] to %[[LAST]] step %c1 {
// AVX2: } {lwcc.parallel}
func.func @row_runs(%a: memref<96x5xf32>, %b: memref<5x32xf32>, %c: memref<96x32xf32>) {
  linalg.matmul ins(%a, %b : memref<96x5xf32>, memref<5x32xf32>) outs(%c : memref<96x32xf32>)
  return
}

// -----

// K = 600 runs in 3 blocks of 200 (a 200 x 16 panel of B fits in L1). The
// first block starts from the bias, the others from the partial sums in C;
// only the last applies the absorbed relu and stores to its result.
// AVX2-LABEL: func @kblocks
// AVX2: %[[PARTIAL:.+]] = memref.collapse_shape %alloc {{\[}}[0, 1], [2, 3]]
// AVX2: %[[RESULT:.+]] = memref.collapse_shape %alloc_0 {{\[}}[0, 1], [2, 3]]
// AVX2: scf.for %[[KB:.+]] = %c0 to %c3 step %c1 {
// AVX2: %[[BEGIN:.+]] = arith.muli %[[KB]], %c200
// AVX2: %[[END:.+]] = arith.minui %{{.+}}, %c600
// AVX2: %[[FIRST:.+]] = arith.cmpi eq, %[[KB]], %c0
// AVX2: %[[LAST:.+]] = arith.cmpi eq, %[[KB]], %c2
// AVX2: scf.if %[[FIRST]] -> (vector<8xf32>
// AVX2: } else {
// AVX2: vector.load %[[PARTIAL]]
// AVX2: scf.for %{{.+}} = %[[BEGIN]] to %[[END]] step %c1 iter_args(
// AVX2: scf.if %[[LAST]] {
// AVX2: arith.maximumf
// AVX2: vector.store {{.*}}, %[[RESULT]][
// AVX2: } else {
// AVX2-NOT: arith.maximumf
// AVX2: vector.store {{.*}}, %[[PARTIAL]][
// AVX2-NOT: linalg.generic
func.func @kblocks(%a: memref<6x600xf32>, %b: memref<600x16xf32>, %c: memref<6x16xf32>,
                   %bias: memref<6xf32>, %r: memref<6x16xf32>) {
  %out = memref.alloc() : memref<1x6x4x4xf32>
  %res = memref.alloc() : memref<1x6x4x4xf32>
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : memref<6xf32>) outs(%out : memref<1x6x4x4xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  %cm = memref.collapse_shape %out [[0, 1], [2, 3]] : memref<1x6x4x4xf32> into memref<6x16xf32>
  linalg.matmul ins(%a, %b : memref<6x600xf32>, memref<600x16xf32>) outs(%cm : memref<6x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%out : memref<1x6x4x4xf32>) outs(%res : memref<1x6x4x4xf32>) {
  ^bb0(%in: f32, %o: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %z : f32
    linalg.yield %m : f32
  }
  %rm = memref.collapse_shape %res [[0, 1], [2, 3]] : memref<1x6x4x4xf32> into memref<6x16xf32>
  memref.copy %rm, %r : memref<6x16xf32> to memref<6x16xf32>
  return
}

// -----

// Ragged N = 13 = 8 + 4 + 1 and M = 7 = 6 + 1: no masks, narrower vectors.
// The 8- and 4-lane chunks form one strip (two vectors), the 1-lane chunk
// another. Two row groups: the first has the full block, the second only
// the ragged row; each strip runs over the group's row blocks, then (in
// a run of groups that ends with the last) the ragged row.
// AVX2-LABEL: func @ragged
// NEON-LABEL: func @ragged
// AVX2: scf.for %[[G:.+]] = %c0 to %c2 step %c1 {
// AVX2: %[[END:.+]] = arith.addi %[[G]], %c1 {lwcc.range_end}
// AVX2: scf.for {{.*}} -> (vector<8xf32>, vector<4xf32>, vector<8xf32>, vector<4xf32>, vector<8xf32>, vector<4xf32>, vector<8xf32>, vector<4xf32>, vector<8xf32>, vector<4xf32>, vector<8xf32>, vector<4xf32>)
// AVX2: %[[LASTG:.+]] = arith.cmpi eq, %[[END]], %c2
// AVX2: scf.if %[[LASTG]] {
// AVX2: scf.for {{.*}} -> (vector<8xf32>, vector<4xf32>)
// AVX2: scf.for {{.*}} -> (vector<1xf32>, vector<1xf32>, vector<1xf32>, vector<1xf32>, vector<1xf32>, vector<1xf32>)
// AVX2: %[[LASTG1:.+]] = arith.cmpi eq, %[[END]], %c2
// AVX2: scf.if %[[LASTG1]] {
// AVX2: scf.for {{.*}} -> (vector<1xf32>)
// AVX2: } {lwcc.parallel}
// AVX2-NOT: vector.maskedload
func.func @ragged(%a: memref<7x3xf32>, %b: memref<3x13xf32>, %c: memref<7x13xf32>) {
  linalg.matmul ins(%a, %b : memref<7x3xf32>, memref<3x13xf32>) outs(%c : memref<7x13xf32>)
  return
}

// -----

// Long rows of B (2 KiB) read by several row blocks per iteration, with
// AVX-512's 8 x 3 blocks (96 rows, a multiple of 8, and C wider than one
// 6 x 4 tile): each iteration packs its K_c x 48 tiles of B (10 full, the
// 32 ragged columns an 11th unit; K in two blocks of 128) into a stack buffer, rows one after the other, and the row blocks
// read it from there. AVX2 reads B in place.
// AVX512-LABEL: func @packed
// AVX512: scf.for
// AVX512: %[[TILE:.+]] = memref.alloca() {alignment = 64 : i64} : memref<128x48xf32>
// AVX512: arith.muli %{{.+}}, %c11
// AVX512: scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step %c1 {
// AVX512: arith.muli %[[J]], %c48
// AVX512: scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step %c1 {
// AVX512: %[[ROW:.+]] = vector.load %arg1[%[[K]], %{{.+}}] : memref<256x512xf32>, vector<16xf32>
// AVX512: vector.store %[[ROW]], %[[TILE]][%{{.+}}, %c0]
// AVX512: scf.for {{.*}} -> (vector<16xf32>
// AVX512: vector.load %[[TILE]][%{{.+}}, %c0] : memref<128x48xf32>, vector<16xf32>
// AVX512: vector.load %[[TILE]][%{{.+}}, %c32] : memref<128x48xf32>, vector<16xf32>
// AVX512: } {lwcc.parallel}
// AVX2-LABEL: func @packed
// AVX2-NOT: memref.alloca
// AVX2: } {lwcc.parallel}
func.func @packed(%a: memref<96x256xf32>, %b: memref<256x512xf32>, %c: memref<96x512xf32>) {
  linalg.matmul ins(%a, %b : memref<96x256xf32>, memref<256x512xf32>) outs(%c : memref<96x512xf32>)
  return
}

// -----

// Rows of B of 256 bytes and more are packed (each thread packs a tile
// once for all its row blocks); shorter ones are read in place, and so are
// those of a GEMM with fewer than eight row blocks in all (two here).
// AVX512-LABEL: func @packed_256_byte_rows
// AVX512: memref.alloca() {alignment = 64 : i64} : memref<{{[0-9]+}}x64xf32>
// AVX512: } {lwcc.parallel}
// AVX512-LABEL: func @unpacked_252_byte_rows
// AVX512-NOT: memref.alloca
// AVX512: } {lwcc.parallel}
// AVX512-LABEL: func @unpacked_two_blocks
// AVX512-NOT: memref.alloca
// AVX512-NOT: memref.prefetch %arg1
// AVX512: vector.load %arg1
// AVX512-NOT: memref.prefetch %arg1
// AVX512: } {lwcc.parallel}
func.func @packed_256_byte_rows(%a: memref<96x256xf32>, %b: memref<256x64xf32>, %c: memref<96x64xf32>) {
  linalg.matmul ins(%a, %b : memref<96x256xf32>, memref<256x64xf32>) outs(%c : memref<96x64xf32>)
  return
}
func.func @unpacked_252_byte_rows(%a: memref<96x256xf32>, %b: memref<256x63xf32>, %c: memref<96x63xf32>) {
  linalg.matmul ins(%a, %b : memref<96x256xf32>, memref<256x63xf32>) outs(%c : memref<96x63xf32>)
  return
}
func.func @unpacked_two_blocks(%a: memref<16x32xf32>, %b: memref<32x512xf32>, %c: memref<16x512xf32>) {
  linalg.matmul ins(%a, %b : memref<16x32xf32>, memref<32x512xf32>) outs(%c : memref<16x512xf32>)
  return
}

// -----

// A B read in place of 512 KiB or more (from L3 or memory: its K rows are
// too many streams for the hardware prefetcher) is prefetched a tile
// ahead, row by row, in the K loop; the smaller one above is not.
// AVX512-LABEL: func @prefetched_b
// AVX512-NOT: memref.alloca
// AVX512: memref.prefetch %arg1[%[[K:[a-z0-9]+]], %{{.+}}], read, locality<3>, data : memref<32x4096xf32>
// AVX512: vector.load %arg1[%[[K]], %{{.+}}] : memref<32x4096xf32>, vector<16xf32>
// AVX512: } {lwcc.parallel}
func.func @prefetched_b(%a: memref<16x32xf32>, %b: memref<32x4096xf32>, %c: memref<16x4096xf32>) {
  linalg.matmul ins(%a, %b : memref<16x32xf32>, memref<32x4096xf32>) outs(%c : memref<16x4096xf32>)
  return
}

// -----

// A grouped conv's GEMM (batched) packs B only for three row blocks or
// more: two blocks of 8 rows read it in place, three pack it.
// AVX512-LABEL: func @batched_two_blocks
// AVX512-NOT: memref.alloca
// AVX512: } {lwcc.parallel}
// AVX512-LABEL: func @batched_three_blocks
// AVX512: memref.alloca() {alignment = 64 : i64} : memref<8x48xf32>
// AVX512: } {lwcc.parallel}
func.func @batched_two_blocks(%a: memref<2x16x8xf32>, %b: memref<2x8x512xf32>, %c: memref<2x16x512xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<2x16x8xf32>, memref<2x8x512xf32>) outs(%c : memref<2x16x512xf32>)
  return
}
func.func @batched_three_blocks(%a: memref<2x24x8xf32>, %b: memref<2x8x512xf32>, %c: memref<2x24x512xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<2x24x8xf32>, memref<2x8x512xf32>) outs(%c : memref<2x24x512xf32>)
  return
}

// -----

// A batched GEMM loops over the batch (split across threads) outside the
// blocks.
// AVX2-LABEL: func @batched
// AVX2: scf.for %[[G:.+]] = %c0 to %c3 step %c1 {
// AVX2: vector.load %arg1[%[[G]], %{{.+}}, %{{.+}}] : memref<3x4x16xf32>, vector<8xf32>
// AVX2: } {lwcc.parallel}
// AVX2-NOT: linalg.batch_matmul
func.func @batched(%a: memref<3x6x4xf32>, %b: memref<3x4x16xf32>, %c: memref<3x6x16xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<3x6x4xf32>, memref<3x4x16xf32>) outs(%c : memref<3x6x16xf32>)
  return
}

// -----

// Depthwise 3x3 stride 1 over a padded 10x18 input, 16 outputs a row: one
// segment of two vectors, 9 taps each, loads straight from the input row.
// Threads split the channels.
// AVX2-LABEL: func @depthwise
// AVX2: scf.for %{{.+}} = %c0 to %c4 step %c1 {
// AVX2-COUNT-9: memref.load %arg1
// AVX2: scf.for %{{.+}} = %c0 to %c8 step %c1 {
// AVX2-COUNT-18: vector.fma {{.*}} : vector<8xf32>
// AVX2: } {lwcc.parallel}
// AVX2-NOT: vector.shuffle
// AVX2-NOT: linalg.depthwise
func.func @depthwise(%x: memref<1x4x10x18xf32>, %w: memref<4x3x3xf32>, %y: memref<1x4x8x16xf32>) {
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x4x10x18xf32>, memref<4x3x3xf32>) outs(%y : memref<1x4x8x16xf32>)
  return
}

// -----

// Stride 2: each tap loads twice the lanes and keeps the even ones. The row
// holds 2*7+1 = 15 inputs, so the 7 outputs are 4 + 2 + 1 lanes: a 4-lane
// chunk at column 0 reads 8 (<= 15 for kw <= 2), a 2-lane chunk at 4 reads
// 8..11 +2, the last lane one element.
// AVX2-LABEL: func @strided
// AVX2: vector.load %arg0{{.*}} : memref<1x2x15x15xf32>, vector<8xf32>
// AVX2: vector.shuffle {{.*}} [0, 2, 4, 6] : vector<8xf32>, vector<8xf32>
// AVX2: vector.shuffle {{.*}} [0, 2] : vector<4xf32>, vector<4xf32>
// AVX2: vector.load %arg0{{.*}} : memref<1x2x15x15xf32>, vector<1xf32>
func.func @strided(%x: memref<1x2x15x15xf32>, %w: memref<2x3x3xf32>, %y: memref<1x2x7x7xf32>) {
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : memref<1x2x15x15xf32>, memref<2x3x3xf32>) outs(%y : memref<1x2x7x7xf32>)
  return
}

// -----

// A zero pad lwcc-cpu-mark-implicit-pads kept the source of: the kernel
// reads the 9 x 40 source and the fill, the copy and the tag go. Rows 0 and
// 8 are peeled (their top / bottom taps skipped), rows 1..7 loop. In a row,
// the head segment's left taps load columns 0..7 and shift a zero in; the
// middle segment loads straight; the tail's right taps load 32..39 and
// shift a zero in at the end.
// AVX2-LABEL: func @implicit_pad
// AVX2-NOT: memref.copy
// AVX2: scf.for %{{.+}} = %c0 to %c2 step %c1 {
// AVX2: vector.load %arg0[%c0, %{{.+}}, %c0, %c0] : memref<1x2x9x40xf32>, vector<8xf32>
// AVX2: vector.shuffle {{.*}} [8, 0, 1, 2, 3, 4, 5, 6] : vector<8xf32>, vector<8xf32>
// AVX2: vector.shuffle {{.*}} [1, 2, 3, 4, 5, 6, 7, 8] : vector<8xf32>, vector<8xf32>
// AVX2: scf.for %{{.+}} = %c1 to %c8 step %c1 {
// AVX2: } {lwcc.parallel}
// AVX2-NOT: memref.alloc
// AVX2-NOT: linalg.
// AVX2-NOT: lwcc.keep_alive
func.func @implicit_pad(%x: memref<1x2x9x40xf32>, %w: memref<2x3x3xf32>, %y: memref<1x2x9x40xf32>) {
  %cst = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x2x11x42xf32>
  linalg.fill ins(%cst : f32) outs(%p : memref<1x2x11x42xf32>)
  %interior = memref.subview %p[0, 0, 1, 1] [1, 2, 9, 40] [1, 1, 1, 1] : memref<1x2x11x42xf32> to memref<1x2x9x40xf32, strided<[924, 462, 42, 1], offset: 43>>
  memref.copy %x, %interior : memref<1x2x9x40xf32> to memref<1x2x9x40xf32, strided<[924, 462, 42, 1], offset: 43>>
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : memref<1x2x11x42xf32>, memref<2x3x3xf32>) outs(%y : memref<1x2x9x40xf32>)
  %c0 = arith.constant 0 : index
  %k = memref.load %x[%c0, %c0, %c0, %c0] {lwcc.keep_alive} : memref<1x2x9x40xf32>
  return
}

// -----

// A 3x3 stride-2 max pool with its -inf padding supplied by the kernel: the
// same window kernel combining taps with maximumf, the padded lanes shuffled
// in as -inf, the accumulators starting from the output's -inf fill (which
// goes, and the first max with it folds away) instead of a load.
// AVX2-LABEL: func @max_pool
// AVX2-NOT: linalg.fill
// AVX2: scf.for %{{.+}} = %c0 to %c3 step %c1 {
// AVX2: vector.load %arg0{{.*}} : memref<1x3x16x16xf32>, vector<16xf32>
// AVX2: vector.shuffle {{.*}} [16, 1, 3, 5, 7, 9, 11, 13] : vector<16xf32>, vector<16xf32>
// AVX2: arith.maximumf {{.*}} : vector<8xf32>
// AVX2: } {lwcc.parallel}
// AVX2-NOT: vector.load %arg1
// AVX2-NOT: linalg.
func.func @max_pool(%x: memref<1x3x16x16xf32>, %y: memref<1x3x8x8xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %window = memref.alloc() : memref<3x3xf32>
  %p = memref.alloc() : memref<1x3x18x18xf32>
  linalg.fill ins(%ninf : f32) outs(%p : memref<1x3x18x18xf32>)
  %interior = memref.subview %p[0, 0, 1, 1] [1, 3, 16, 16] [1, 1, 1, 1] : memref<1x3x18x18xf32> to memref<1x3x16x16xf32, strided<[972, 324, 18, 1], offset: 19>>
  memref.copy %x, %interior : memref<1x3x16x16xf32> to memref<1x3x16x16xf32, strided<[972, 324, 18, 1], offset: 19>>
  linalg.fill ins(%ninf : f32) outs(%y : memref<1x3x8x8xf32>)
  linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%p, %window : memref<1x3x18x18xf32>, memref<3x3xf32>) outs(%y : memref<1x3x8x8xf32>)
  %c0 = arith.constant 0 : index
  %k = memref.load %x[%c0, %c0, %c0, %c0] {lwcc.keep_alive} : memref<1x3x16x16xf32>
  return
}

// -----

// The im2col copy in front of a 3x3 conv's GEMM runs on the window kernel
// too: per channel and output row, each tap's inputs go to the tap's own
// row of the column matrix; the zero padding is supplied (row 0's top taps
// store zeros, the left tap's head segment shifts a zero in) and the fill,
// the copy and the tag go.
// AVX2-LABEL: func @im2col
// AVX2: scf.for %[[C:.+]] = %c0 to %c2 step %c1 {
// AVX2: vector.store %[[ZERO:.+]], %arg1[%[[C]], %c0, %c0, %c0, %c0] : memref<2x3x3x9x20xf32>, vector<8xf32>
// AVX2: vector.shuffle {{.*}} [8, 0, 1, 2, 3, 4, 5, 6] : vector<8xf32>, vector<8xf32>
// AVX2: vector.store {{.*}}, %arg1[%[[C]], %c1, %c0, %c0, %c0] : memref<2x3x3x9x20xf32>, vector<8xf32>
// AVX2: } {lwcc.parallel}
// AVX2-NOT: linalg.
// AVX2-NOT: memref.copy
func.func @im2col(%x: memref<1x2x9x20xf32>, %col: memref<2x3x3x9x20xf32>) {
  %cst = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x2x11x22xf32>
  linalg.fill ins(%cst : f32) outs(%p : memref<1x2x11x22xf32>)
  %interior = memref.subview %p[0, 0, 1, 1] [1, 2, 9, 20] [1, 1, 1, 1] : memref<1x2x11x22xf32> to memref<1x2x9x20xf32, strided<[484, 242, 22, 1], offset: 23>>
  memref.copy %x, %interior : memref<1x2x9x20xf32> to memref<1x2x9x20xf32, strided<[484, 242, 22, 1], offset: 23>>
  linalg.generic {indexing_maps = [affine_map<(c, y, x, oh, ow) -> (0, c, oh + y, ow + x)>, affine_map<(c, y, x, oh, ow) -> (c, y, x, oh, ow)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%p : memref<1x2x11x22xf32>) outs(%col : memref<2x3x3x9x20xf32>) attrs = {lwcc.kind = "im2col"} {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %c0 = arith.constant 0 : index
  %k = memref.load %x[%c0, %c0, %c0, %c0] {lwcc.keep_alive} : memref<1x2x9x20xf32>
  return
}

// -----

// On narrow planes (rows of 7) the im2col runs on the flattened plane
// instead: each tap's row of the column matrix, [C, 9, 49] flattened, is
// four vectors, each one shifted read of the channel's plane (a shuffle
// with zeros at the plane's start) with the lanes whose tap leaves the
// image zeroed, the last vector a masked store; the padded copy goes.
// AVX512-LABEL: func @im2col_flat
// AVX512: scf.for %[[C:.+]] = %c0 to %c2 step %c1 {
// AVX512-DAG: %[[COL:.+]] = memref.collapse_shape %arg1 {{\[}}[0], [1, 2], [3, 4]] : memref<2x3x3x7x7xf32> into memref<2x9x49xf32>
// AVX512-DAG: %[[X:.+]] = memref.collapse_shape %arg0 {{\[}}[0], [1], [2, 3]] : memref<1x2x7x7xf32> into memref<1x2x49xf32>
// AVX512: %[[FIRST:.+]] = vector.load %[[X]][%c0, %[[C]], %c0] : memref<1x2x49xf32>, vector<16xf32>
// AVX512: %[[UP_LEFT:.+]] = vector.shuffle %[[ZERO:.+]], %[[FIRST]] [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]
// AVX512: %[[MASKED:.+]] = arith.select %{{.+}}, %[[UP_LEFT]], %[[ZERO]]
// AVX512: vector.store %[[MASKED]], %[[COL]][%[[C]], %c0, %c0] : memref<2x9x49xf32>, vector<16xf32>
// AVX512: vector.maskedstore %[[COL]][%[[C]], %c0, %c48]
// AVX512: %[[CENTRE:.+]] = vector.load %[[X]][%c0, %[[C]], %c16] : memref<1x2x49xf32>, vector<16xf32>
// AVX512-NEXT: vector.store %[[CENTRE]], %[[COL]][%[[C]], %c4, %c16] : memref<2x9x49xf32>, vector<16xf32>
// AVX512: } {lwcc.parallel}
// AVX512-NEXT: return
func.func @im2col_flat(%x: memref<1x2x7x7xf32>, %col: memref<2x3x3x7x7xf32>) {
  %cst = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x2x9x9xf32>
  linalg.fill ins(%cst : f32) outs(%p : memref<1x2x9x9xf32>)
  %interior = memref.subview %p[0, 0, 1, 1] [1, 2, 7, 7] [1, 1, 1, 1] : memref<1x2x9x9xf32> to memref<1x2x7x7xf32, strided<[162, 81, 9, 1], offset: 10>>
  memref.copy %x, %interior : memref<1x2x7x7xf32> to memref<1x2x7x7xf32, strided<[162, 81, 9, 1], offset: 10>>
  linalg.generic {indexing_maps = [affine_map<(c, y, x, oh, ow) -> (0, c, oh + y, ow + x)>, affine_map<(c, y, x, oh, ow) -> (c, y, x, oh, ow)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%p : memref<1x2x9x9xf32>) outs(%col : memref<2x3x3x7x7xf32>) attrs = {lwcc.kind = "im2col"} {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %c0 = arith.constant 0 : index
  %k = memref.load %x[%c0, %c0, %c0, %c0] {lwcc.keep_alive} : memref<1x2x7x7xf32>
  return
}

// -----

// An im2col whose column matrix only a GEMM reads runs with it in bands of
// output rows (column-bands): per band the window kernel copies the band's
// columns [C, KH, KW, rows, OW] to a stack buffer and the GEMM computes the
// band's 128 output columns from it. Band 0's windows reach above the image
// (the zero padding the window kernel supplies): it gets code of its own.
// AVX512-LABEL: func @column_bands
// AVX512-NOT: linalg.
// AVX512: scf.for %[[BAND:.+]] = %c0 to %c2 step %c1 {
// AVX512: %[[COLS:.+]] = memref.alloca() {alignment = 64 : i64} : memref<2x3x3x8x16xf32>
// AVX512: scf.if
// AVX512: vector.store %{{.+}}, %[[COLS]][%{{.+}}, %c1, %c0, %c0, %c0] : memref<2x3x3x8x16xf32>, vector<16xf32>
// AVX512: memref.collapse_shape %[[COLS]] {{\[}}[0, 1, 2], [3, 4]] : memref<2x3x3x8x16xf32> into memref<18x128xf32>
// AVX512: vector.fma
// AVX512: } else {
// AVX512: memref.collapse_shape %[[COLS]] {{\[}}[0, 1, 2], [3, 4]] : memref<2x3x3x8x16xf32> into memref<18x128xf32>
// AVX512: vector.fma
// AVX512: } {lwcc.parallel}
// AVX512-NEXT: return
func.func @column_bands(%x: memref<1x2x32x32xf32>, %w: memref<4x18xf32>, %y: memref<1x4x16x16xf32>) {
  %cst = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x2x34x34xf32>
  linalg.fill ins(%cst : f32) outs(%p : memref<1x2x34x34xf32>)
  %interior = memref.subview %p[0, 0, 1, 1] [1, 2, 32, 32] [1, 1, 1, 1] : memref<1x2x34x34xf32> to memref<1x2x32x32xf32, strided<[2312, 1156, 34, 1], offset: 35>>
  memref.copy %x, %interior : memref<1x2x32x32xf32> to memref<1x2x32x32xf32, strided<[2312, 1156, 34, 1], offset: 35>>
  %cols = memref.alloc() : memref<2x3x3x16x16xf32>
  linalg.generic {indexing_maps = [affine_map<(c, y, x, oh, ow) -> (0, c, oh * 2 + y, ow * 2 + x)>, affine_map<(c, y, x, oh, ow) -> (c, y, x, oh, ow)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%p : memref<1x2x34x34xf32>) outs(%cols : memref<2x3x3x16x16xf32>) attrs = {lwcc.kind = "im2col"} {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %b = memref.collapse_shape %cols [[0, 1, 2], [3, 4]] : memref<2x3x3x16x16xf32> into memref<18x256xf32>
  %c = memref.collapse_shape %y [[0, 1], [2, 3]] : memref<1x4x16x16xf32> into memref<4x256xf32>
  linalg.matmul ins(%w, %b : memref<4x18xf32>, memref<18x256xf32>) outs(%c : memref<4x256xf32>)
  %c0 = arith.constant 0 : index
  %k = memref.load %x[%c0, %c0, %c0, %c0] {lwcc.keep_alive} : memref<1x2x32x32xf32>
  return
}


// -----

// Not where the conv's output shares bytes with its image (the arena gave
// the image's bytes to the output once the im2col had read it): the bands
// would overwrite rows later bands still read. The im2col keeps its buffer.
// AVX512-LABEL: func @column_bands_shared_bytes
// AVX512-NOT: memref.alloca
// AVX512: vector.store {{.*}} : memref<2x3x3x16x16xf32>, vector<16xf32>
// AVX512: } {lwcc.parallel}
// AVX512: memref.collapse_shape %{{.+}} {{\[}}[0, 1, 2], [3, 4]] : memref<2x3x3x16x16xf32> into memref<18x256xf32>
// AVX512-NOT: memref.alloca
// AVX512: return
func.func @column_bands_shared_bytes(%arena: memref<65536xi8>, %w: memref<4x18xf32>) {
  %c0 = arith.constant 0 : index
  %c16384 = arith.constant 16384 : index
  %c4096 = arith.constant 4096 : index
  %x = memref.view %arena[%c0][] : memref<65536xi8> to memref<1x2x33x33xf32>
  %y = memref.view %arena[%c4096][] : memref<65536xi8> to memref<1x4x16x16xf32>
  %cols = memref.view %arena[%c16384][] : memref<65536xi8> to memref<2x3x3x16x16xf32>
  linalg.generic {indexing_maps = [affine_map<(c, y, x, oh, ow) -> (0, c, oh * 2 + y, ow * 2 + x)>, affine_map<(c, y, x, oh, ow) -> (c, y, x, oh, ow)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%x : memref<1x2x33x33xf32>) outs(%cols : memref<2x3x3x16x16xf32>) attrs = {lwcc.kind = "im2col"} {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %b = memref.collapse_shape %cols [[0, 1, 2], [3, 4]] : memref<2x3x3x16x16xf32> into memref<18x256xf32>
  %c = memref.collapse_shape %y [[0, 1], [2, 3]] : memref<1x4x16x16xf32> into memref<4x256xf32>
  linalg.matmul ins(%w, %b : memref<4x18xf32>, memref<18x256xf32>) outs(%c : memref<4x256xf32>)
  return
}

// -----

// Kernels only take static f32 memrefs: integers and dynamic shapes stay.
// AVX2-LABEL: func @declined
// AVX2: linalg.matmul ins(%arg0, %arg1 : memref<4x4xi32>
// AVX2: linalg.matmul ins(%arg3, %arg4 : memref<?x4xf32>
func.func @declined(%a: memref<4x4xi32>, %b: memref<4x4xi32>, %c: memref<4x4xi32>,
                    %d: memref<?x4xf32>, %e: memref<4x4xf32>, %f: memref<?x4xf32>) {
  linalg.matmul ins(%a, %b : memref<4x4xi32>, memref<4x4xi32>) outs(%c : memref<4x4xi32>)
  linalg.matmul ins(%d, %e : memref<?x4xf32>, memref<4x4xf32>) outs(%f : memref<?x4xf32>)
  return
}

// -----

// A global average pool's sum over H x W = 7 x 7 = 49: per channel (split
// across threads) two 8-lane accumulators over 48 elements, the last one as
// a 1-lane vector, one horizontal reduction, added to the output's value.
// AVX2-LABEL: func @pool_sum
// AVX2: memref.collapse_shape %arg0 {{\[}}[0, 1], [2, 3]] : memref<1x6x7x7xf32> into memref<6x49xf32>
// AVX2: scf.for %[[C:.+]] = %c0 to %c6 step %c1 {
// AVX2: scf.for {{.*}} = %c0 to %c48 step %c16 iter_args({{.*}}) -> (vector<8xf32>, vector<8xf32>)
// AVX2: vector.reduction <add>
// AVX2: vector.load {{.*}} : memref<6x49xf32>, vector<1xf32>
// AVX2: memref.load {{.*}}[%[[C]]]
// AVX2: memref.store {{.*}}[%[[C]]]
// AVX2: } {lwcc.parallel}
// AVX2-NOT: linalg.generic
// Max pools reduce with maximumf.
// AVX2-LABEL: func @pool_max
// AVX2: vector.reduction <maximumf>
#pool_in = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#pool_out = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
func.func @pool_sum(%x: memref<1x6x7x7xf32>, %y: memref<1x6xf32>) {
  linalg.generic {indexing_maps = [#pool_in, #pool_out], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%x : memref<1x6x7x7xf32>) outs(%y : memref<1x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %out, %in : f32
    linalg.yield %s : f32
  }
  return
}
func.func @pool_max(%x: memref<1x6x7x7xf32>, %y: memref<1x6xf32>) {
  linalg.generic {indexing_maps = [#pool_in, #pool_out], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%x : memref<1x6x7x7xf32>) outs(%y : memref<1x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.maximumf %out, %in : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A conv whose bias folded to zero: C starts as a constant fill, which the
// kernel absorbs (its accumulators start from the constant, C is never
// loaded). The activation writes a slice of a concat's buffer (strided
// rows) and is absorbed too: the kernel stores into the slice. C's buffer
// is overwritten whole afterwards (the arena reuses it), which does not
// keep the activation out of the kernel.
// AVX2-LABEL: func @zero_fill_into_slice
// AVX2: %[[ZERO:.+]] = arith.constant dense<0.000000e+00> : vector<8xf32>
// AVX2: %[[SLICE:.+]] = memref.subview %{{.+}}[0, 6, 0, 0] [1, 6, 4, 4]
// AVX2: %[[RESULT:.+]] = memref.collapse_shape %[[SLICE]] {{\[\[}}0, 1], [2, 3]] : memref<1x6x4x4xf32, strided<[192, 16, 4, 1], offset: 96>>
// AVX2-NOT: vector.load %{{.+}} : memref<6x16xf32>
// AVX2: scf.for {{.*}} iter_args(%{{.+}} = %[[ZERO]], %{{.+}} = %[[ZERO]]
// AVX2: arith.maximumf
// AVX2: vector.store {{.*}}, %[[RESULT]][
// AVX2: linalg.generic
// AVX2-SAME: ins(%{{.+}} : memref<6xf32>)
// AVX2-NOT: linalg.generic
// AVX2: return
func.func @zero_fill_into_slice(%a: memref<6x4xf32>, %b: memref<4x16xf32>,
                                %bias: memref<6xf32>, %r: memref<1x6x4x4xf32>,
                                %cat_out: memref<1x12x4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %out = memref.alloc() : memref<1x6x4x4xf32>
  %cat = memref.alloc() : memref<1x12x4x4xf32>
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%out : memref<1x6x4x4xf32>) {
  ^bb0(%o: f32):
    linalg.yield %zero : f32
  }
  %cm = memref.collapse_shape %out [[0, 1], [2, 3]] : memref<1x6x4x4xf32> into memref<6x16xf32>
  linalg.matmul ins(%a, %b : memref<6x4xf32>, memref<4x16xf32>) outs(%cm : memref<6x16xf32>)
  %slice = memref.subview %cat[0, 6, 0, 0] [1, 6, 4, 4] [1, 1, 1, 1] : memref<1x12x4x4xf32> to memref<1x6x4x4xf32, strided<[192, 16, 4, 1], offset: 96>>
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%out : memref<1x6x4x4xf32>) outs(%slice : memref<1x6x4x4xf32, strided<[192, 16, 4, 1], offset: 96>>) {
  ^bb0(%in: f32, %o: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  }
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : memref<6xf32>) outs(%out : memref<1x6x4x4xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  memref.copy %out, %r : memref<1x6x4x4xf32> to memref<1x6x4x4xf32>
  memref.copy %cat, %cat_out : memref<1x12x4x4xf32> to memref<1x12x4x4xf32>
  return
}

// -----

// A grouped conv (one GEMM per group): the batched kernel absorbs the 2-D
// bias [G, C/G] and the activation on the 5-D output, like the plain one.
// AVX2-LABEL: func @grouped_epilogue
// AVX2: %[[RESULT:.+]] = memref.collapse_shape %{{.+}} {{\[\[}}0, 1], [2], [3, 4]] : memref<1x2x6x4x4xf32> into memref<2x6x16xf32>
// AVX2: scf.for %[[G:.+]] = %c0 to %c2 step %c1 {
// AVX2: memref.load %{{.+}}[%[[G]], %{{.+}}] : memref<2x6xf32>
// AVX2: arith.maximumf
// AVX2: vector.store {{.*}}, %[[RESULT]][%[[G]],
// AVX2-NOT: linalg.generic
// AVX2: return
func.func @grouped_epilogue(%a: memref<2x6x4xf32>, %b: memref<2x4x16xf32>,
                            %bias: memref<2x6xf32>, %r: memref<1x2x6x4x4xf32>) {
  %out = memref.alloc() : memref<1x2x6x4x4xf32>
  %res = memref.alloc() : memref<1x2x6x4x4xf32>
  linalg.generic {indexing_maps = [affine_map<(n, g, c, h, w) -> (g, c)>, affine_map<(n, g, c, h, w) -> (n, g, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%bias : memref<2x6xf32>) outs(%out : memref<1x2x6x4x4xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  %cm = memref.collapse_shape %out [[0, 1], [2], [3, 4]] : memref<1x2x6x4x4xf32> into memref<2x6x16xf32>
  linalg.batch_matmul ins(%a, %b : memref<2x6x4xf32>, memref<2x4x16xf32>) outs(%cm : memref<2x6x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, g, c, h, w) -> (n, g, c, h, w)>, affine_map<(n, g, c, h, w) -> (n, g, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%out : memref<1x2x6x4x4xf32>) outs(%res : memref<1x2x6x4x4xf32>) {
  ^bb0(%in: f32, %o: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %z : f32
    linalg.yield %m : f32
  }
  memref.copy %res, %r : memref<1x2x6x4x4xf32> to memref<1x2x6x4x4xf32>
  return
}

// -----

// An image product (lwcc-cpu-conv-to-gemm): B's rows are shifted runs of
// the image, so the kernel always packs, each row of a tile read from
// image row kk / 9 at (kk mod 9) / 3 * 16 + kk mod 3, and absorbs the bias
// broadcast. The activation reads only the first 14 of every 16 columns
// of C (a view): it stays a loop of its own.
// AVX512-LABEL: func @image_product
// AVX512: %[[TILE:.+]] = memref.alloca() {alignment = 64 : i64} : memref<18x64xf32>
// AVX512: arith.divui %{{.+}}, %c9 : index
// AVX512: affine.apply
// AVX512: vector.load %arg1[%{{.+}}, %{{.+}}] : memref<2x272xf32>, vector<16xf32>
// AVX512: vector.store %{{.+}}, %[[TILE]][
// AVX512: vector.load %[[TILE]]
// AVX512: vector.fma
// AVX512: vector.store
// AVX512: linalg.generic
// AVX512-SAME: ins(%{{.+}} : memref<1x4x14x14xf32, strided<[896, 224, 16, 1]>>)
// AVX512-NOT: linalg.generic
// AVX512: return
func.func @image_product(%w: memref<4x2x3x3xf32>, %img: memref<2x272xf32>, %bias: memref<4xf32>, %r: memref<1x4x14x14xf32>) {
  %out = memref.alloc() : memref<1x4x14x16xf32>
  %res = memref.alloc() : memref<1x4x14x14xf32>
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : memref<4xf32>) outs(%out : memref<1x4x14x16xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  %c = memref.collapse_shape %out [[0, 1], [2, 3]] : memref<1x4x14x16xf32> into memref<4x224xf32>
  linalg.generic {indexing_maps = [affine_map<(m, n, c, ky, kx) -> (m, c, ky, kx)>, affine_map<(m, n, c, ky, kx) -> (c, n + ky * 16 + kx)>, affine_map<(m, n, c, ky, kx) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%w, %img : memref<4x2x3x3xf32>, memref<2x272xf32>) outs(%c : memref<4x224xf32>) attrs = {lwcc.kind = "conv-gemm"} {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  %kept = memref.subview %out[0, 0, 0, 0] [1, 4, 14, 14] [1, 1, 1, 1] : memref<1x4x14x16xf32> to memref<1x4x14x14xf32, strided<[896, 224, 16, 1]>>
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%kept : memref<1x4x14x14xf32, strided<[896, 224, 16, 1]>>) outs(%res : memref<1x4x14x14xf32>) {
  ^bb0(%in: f32, %o: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %z : f32
    linalg.yield %m : f32
  }
  memref.copy %res, %r : memref<1x4x14x14xf32> to memref<1x4x14x14xf32>
  return
}

// -----

// 25 columns, less than one tile: AVX-512 takes a full vector and a masked
// one (9 lanes) where AVX2 takes 16 + 8 + 1 lanes.
// AVX512-LABEL: func @masked_tail
// AVX512-DAG: %[[MASK:.+]] = arith.constant dense<[true, true, true, true, true, true, true, true, true, false, false, false, false, false, false, false]> : vector<16xi1>
// AVX512: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>
// AVX512: vector.load %arg1[%{{.+}}, %c0] : memref<32x25xf32>, vector<16xf32>
// AVX512: vector.maskedload %arg1[%{{.+}}, %c16], %[[MASK]], %{{.+}} : memref<32x25xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// AVX512-NOT: vector<8xf32>
// AVX512-NOT: vector<1xf32>
// AVX512: vector.store %{{.+}}, %arg2[%{{.+}}, %c0] : memref<16x25xf32>, vector<16xf32>
// AVX512: vector.maskedstore %arg2[%{{.+}}, %c16], %[[MASK]], %{{.+}} : memref<16x25xf32>, vector<16xi1>, vector<16xf32>
// AVX2-LABEL: func @masked_tail
// AVX2-NOT: vector.maskedload
// AVX2: vector.load %arg1[{{.+}}] : memref<32x25xf32>, vector<1xf32>
func.func @masked_tail(%a: memref<16x32xf32>, %b: memref<32x25xf32>, %c: memref<16x25xf32>) {
  linalg.matmul ins(%a, %b : memref<16x32xf32>, memref<32x25xf32>) outs(%c : memref<16x25xf32>)
  return
}

// -----

// C one register tile wide (49 columns; AVX-512 tiles are 64): each row of
// A is read by one tile only, so the tile prefetches it 64 elements ahead
// along K (clamped to K's end). AVX2's 16-column tiles share A's rows;
// each prefetches, for writing, the lines of C the tile to its right will
// store (clamped to C's last column).
// AVX512-LABEL: func @narrow
// AVX512: scf.for %[[K:.+]] = %c0 to %c80 step %c1
// AVX512: %[[AHEAD:.+]] = arith.minui %{{.+}}, %c79 : index
// AVX512: memref.prefetch %arg0[%{{.+}}, %[[AHEAD]]], read, locality<3>, data : memref<12x80xf32>
// AVX512: memref.load %arg0[%{{.+}}, %[[K]]] : memref<12x80xf32>
// AVX2-LABEL: func @narrow
// AVX2: %[[NEXT:.+]] = arith.minui %{{.+}}, %c48 : index
// AVX2: memref.prefetch %arg2[%{{.+}}, %[[NEXT]]], write, locality<3>, data : memref<12x49xf32>
// AVX2-NOT: memref.prefetch %arg0
// AVX2: return
func.func @narrow(%a: memref<12x80xf32>, %b: memref<80x49xf32>, %c: memref<12x49xf32>) {
  linalg.matmul ins(%a, %b : memref<12x80xf32>, memref<80x49xf32>) outs(%c : memref<12x49xf32>)
  return
}

// -----

// Rows of 14 take 8 + 4 + 2 lanes: the conv runs on the flattened plane,
// 196 pixels in 25 vectors of 8. Seven vectors are four rows, so vectors
// that read alike recur every seven: the first two (row 0's, whose taps
// above the image are skipped; the first's left taps a shuffle bringing in
// zeros) are unrolled, vectors 2..15 are a loop of two groups of seven
// (pixels 16..127), each tap one load at the loop's offset with the lanes
// whose tap wraps to another row zeroed, and the rest unrolled.
// AVX2-LABEL: func @flat_loop
// AVX2-NOT: memref.copy
// AVX2: scf.for %[[C:.+]] = %c0 to %c2 step %c1 {
// AVX2-DAG: %[[OUT:.+]] = memref.collapse_shape %arg2 {{\[\[}}0], [1], [2, 3]] : memref<1x2x14x14xf32> into memref<1x2x196xf32>
// AVX2-DAG: %[[IN:.+]] = memref.collapse_shape %arg0 {{\[\[}}0], [1], [2, 3]] : memref<1x2x14x14xf32> into memref<1x2x196xf32>
// AVX2: %[[V0:.+]] = vector.load %[[IN]][%c0, %[[C]], %c0] : memref<1x2x196xf32>, vector<8xf32>
// AVX2: vector.shuffle %{{.+}}, %[[V0]] [1, 2, 3, 4, 5, 6, 7, 8]
// AVX2: scf.for %[[P:.+]] = %c0 to %c112 step %c56 {
// AVX2: %[[AT:.+]] = arith.addi %[[P]], %c16 : index
// AVX2: vector.load %[[OUT]][%c0, %[[C]], %[[AT]]] : memref<1x2x196xf32>, vector<8xf32>
// AVX2: vector.load %[[IN]][%c0, %[[C]], %{{.+}}] : memref<1x2x196xf32>, vector<8xf32>
// AVX2: arith.select
// AVX2: vector.fma
// AVX2-COUNT-7: vector.store %{{.+}}, %[[OUT]][%c0, %[[C]], %{{.+}}] : memref<1x2x196xf32>, vector<8xf32>
// AVX2: }
// AVX2: vector.maskedstore %[[OUT]][%c0, %[[C]], %c192]
// AVX2: } {lwcc.parallel}
// AVX2-NOT: linalg.
func.func @flat_loop(%x: memref<1x2x14x14xf32>, %w: memref<2x3x3xf32>, %y: memref<1x2x14x14xf32>) {
  %cst = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x2x16x16xf32>
  linalg.fill ins(%cst : f32) outs(%p : memref<1x2x16x16xf32>)
  %interior = memref.subview %p[0, 0, 1, 1] [1, 2, 14, 14] [1, 1, 1, 1] : memref<1x2x16x16xf32> to memref<1x2x14x14xf32, strided<[512, 256, 16, 1], offset: 17>>
  memref.copy %x, %interior : memref<1x2x14x14xf32> to memref<1x2x14x14xf32, strided<[512, 256, 16, 1], offset: 17>>
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : memref<1x2x16x16xf32>, memref<2x3x3xf32>) outs(%y : memref<1x2x14x14xf32>)
  %c0 = arith.constant 0 : index
  %k = memref.load %x[%c0, %c0, %c0, %c0] {lwcc.keep_alive} : memref<1x2x14x14xf32>
  return
}

// -----

// A 3x3 depthwise conv on 7x7 planes, padding supplied by the kernel, runs
// on the flattened plane (49 pixels: four vectors on AVX-512, the last one
// lane; rows of 7 would take three vectors each, 4 + 2 + 1 lanes). Without
// a bias the accumulators start from the output. Tap (0, 0) of the first
// vector reads 8 pixels before the plane: lanes 8..23 of a zero vector and
// the first; of the second, one load from pixel 8. The lanes whose tap
// leaves the image are zeroed by a constant mask; the last vector is read
// and written with a one-lane mask.
// AVX512-LABEL: func @flat_depthwise
// AVX512-DAG: %[[LAST:.+]] = arith.constant dense<[true, false, false, false, false, false, false, false, false, false, false, false, false, false, false, false]> : vector<16xi1>
// AVX512: scf.for %[[C:.+]] = %c0 to %c4 step %c1 {
// AVX512-DAG: %[[IN:.+]] = memref.collapse_shape %arg0 {{\[\[}}0], [1], [2, 3]] : memref<1x4x7x7xf32> into memref<1x4x49xf32>
// AVX512-DAG: %[[OUT:.+]] = memref.collapse_shape %arg2 {{\[\[}}0], [1], [2, 3]] : memref<1x4x7x7xf32> into memref<1x4x49xf32>
// AVX512: vector.maskedload %[[OUT]][%c0, %[[C]], %c48], %[[LAST]]
// AVX512: %[[V0:.+]] = vector.load %[[IN]][%c0, %[[C]], %c0] : memref<1x4x49xf32>, vector<16xf32>
// AVX512: vector.shuffle %{{.+}}, %[[V0]] [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]
// AVX512: arith.select
// AVX512: vector.fma
// AVX512: vector.load %[[IN]][%c0, %[[C]], %c8] : memref<1x4x49xf32>, vector<16xf32>
// AVX512: vector.store %{{.+}}, %[[OUT]][%c0, %[[C]], %c0] : memref<1x4x49xf32>, vector<16xf32>
// AVX512: vector.maskedstore %[[OUT]][%c0, %[[C]], %c48], %[[LAST]]
// AVX512: } {lwcc.parallel}
// AVX512-NOT: linalg.
func.func @flat_depthwise(%x: memref<1x4x7x7xf32>, %w: memref<4x3x3xf32>, %y: memref<1x4x7x7xf32>) {
  %cst = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x4x9x9xf32>
  linalg.fill ins(%cst : f32) outs(%p : memref<1x4x9x9xf32>)
  %interior = memref.subview %p[0, 0, 1, 1] [1, 4, 7, 7] [1, 1, 1, 1] : memref<1x4x9x9xf32> to memref<1x4x7x7xf32, strided<[324, 81, 9, 1], offset: 10>>
  memref.copy %x, %interior : memref<1x4x7x7xf32> to memref<1x4x7x7xf32, strided<[324, 81, 9, 1], offset: 10>>
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : memref<1x4x9x9xf32>, memref<4x3x3xf32>) outs(%y : memref<1x4x7x7xf32>)
  %c0 = arith.constant 0 : index
  %k = memref.load %x[%c0, %c0, %c0, %c0] {lwcc.keep_alive} : memref<1x4x7x7xf32>
  return
}

// -----

// A 5x5 stride-2 depthwise conv, 14x14 -> 7x7, padding supplied by the
// kernel: each channel's input is first split into its 2 x 2 phases (7 x 7
// each) in a stack buffer, row by row (a row's even columns to one phase,
// its odd ones to the other). Every tap then reads its phase like a
// stride-1 conv its plane: tap (0, 0) (two rows and columns before the
// image) phase (0, 0) one row and column back, at the buffer's start (the
// 8-element margin); tap (0, 1) phase (0, 1), which starts at 8 + 49.
// AVX512-LABEL: func @flat_strided
// AVX512-NOT: memref.copy
// AVX512: scf.for %[[C:.+]] = %c0 to %c2 step %c1 {
// AVX512: %[[Q:.+]] = memref.alloca() {alignment = 64 : i64} : memref<228xf32>
// AVX512: scf.for %{{.+}} = %c0 to %c7 step %c1 {
// AVX512: %[[ROW:.+]] = vector.load %arg0[%c0, %[[C]], %{{.+}}, %c0] : memref<1x2x14x14xf32>, vector<14xf32>
// AVX512: %[[EVEN:.+]] = vector.shuffle %[[ROW]], %[[ROW]] [0, 2, 4, 6, 8, 10, 12]
// AVX512: vector.store %[[EVEN]], %[[Q]][%{{.+}}] : memref<228xf32>, vector<7xf32>
// AVX512: %[[ODD:.+]] = vector.shuffle %[[ROW]], %[[ROW]] [1, 3, 5, 7, 9, 11, 13]
// AVX512: vector.store %[[ODD]], %[[Q]][%{{.+}}] : memref<228xf32>, vector<7xf32>
// AVX512: }
// AVX512: vector.load %[[Q]][%c0] : memref<228xf32>, vector<16xf32>
// AVX512: arith.select
// AVX512: vector.fma
// AVX512: vector.load %[[Q]][%c49] : memref<228xf32>, vector<16xf32>
// AVX512: vector.maskedstore %{{.+}}[%c0, %[[C]], %c48]
// AVX512: } {lwcc.parallel}
// AVX512-NOT: linalg.
func.func @flat_strided(%x: memref<1x2x14x14xf32>, %w: memref<2x5x5xf32>, %y: memref<1x2x7x7xf32>) {
  %cst = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x2x18x18xf32>
  linalg.fill ins(%cst : f32) outs(%p : memref<1x2x18x18xf32>)
  %interior = memref.subview %p[0, 0, 2, 2] [1, 2, 14, 14] [1, 1, 1, 1] : memref<1x2x18x18xf32> to memref<1x2x14x14xf32, strided<[648, 324, 18, 1], offset: 38>>
  memref.copy %x, %interior : memref<1x2x14x14xf32> to memref<1x2x14x14xf32, strided<[648, 324, 18, 1], offset: 38>>
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%p, %w : memref<1x2x18x18xf32>, memref<2x5x5xf32>) outs(%y : memref<1x2x7x7xf32>)
  %c0 = arith.constant 0 : index
  %k = memref.load %x[%c0, %c0, %c0, %c0] {lwcc.keep_alive} : memref<1x2x14x14xf32>
  return
}

// -----

// A GEMM whose B rows are scaled (a squeeze-excite gate folded in by
// lwcc-cpu-fuse-elementwise). B unpacked (12 x 32): per k the loaded
// vectors of B's row are multiplied by the broadcast scale before the
// FMAs.
// AVX512-LABEL: func @scaled_rows
// AVX512: scf.for %[[K:.+]] = %c0 to %c5 step %c1 iter_args(
// AVX512: %[[B0:.+]] = vector.load %arg2[%[[K]], %c0] : memref<5x32xf32>, vector<16xf32>
// AVX512: %[[S:.+]] = memref.load %arg1[%[[K]]] : memref<5xf32>
// AVX512: %[[SPLAT:.+]] = vector.broadcast %[[S]] : f32 to vector<16xf32>
// AVX512: %[[SB0:.+]] = arith.mulf %[[B0]], %[[SPLAT]] : vector<16xf32>
// AVX512: vector.fma %{{.+}}, %[[SB0]], %{{.+}} : vector<16xf32>
// AVX512-NOT: linalg.generic
func.func @scaled_rows(%a: memref<12x5xf32>, %s: memref<5xf32>, %b: memref<5x32xf32>, %c: memref<12x32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %s, %b : memref<12x5xf32>, memref<5xf32>, memref<5x32xf32>) outs(%c : memref<12x32xf32>) attrs = {lwcc.kind = "pointwise"} {
  ^bb0(%x: f32, %y: f32, %z: f32, %o: f32):
    %0 = arith.mulf %z, %y : f32
    %1 = arith.mulf %x, %0 : f32
    %2 = arith.addf %o, %1 : f32
    linalg.yield %2 : f32
  }
  return
}

// -----

// The same with B packed (rows of 2 KiB, 16 row blocks per column panel):
// the rows are scaled as they are packed, the micro-kernel reads them as
// they are.
// AVX512-LABEL: func @scaled_rows_packed
// AVX512: %[[TILE:.+]] = memref.alloca() {alignment = 64 : i64} : memref<32x64xf32>
// AVX512: scf.for %[[K:.+]] = %c0 to %c32 step %c1 {
// AVX512: %[[S:.+]] = memref.load %arg1[%[[K]]] : memref<32xf32>
// AVX512: %[[ROW:.+]] = vector.load %arg2[%[[K]], %{{.+}}] : memref<32x512xf32>, vector<16xf32>
// AVX512: %[[SPLAT:.+]] = vector.broadcast %[[S]] : f32 to vector<16xf32>
// AVX512: %[[SCALED:.+]] = arith.mulf %[[ROW]], %[[SPLAT]] : vector<16xf32>
// AVX512: vector.store %[[SCALED]], %[[TILE]][%[[K]], %c0]
// AVX512: scf.for {{.+}} iter_args(
// AVX512-NOT: arith.mulf
// AVX512: vector.fma
// AVX512: scf.yield
func.func @scaled_rows_packed(%a: memref<64x32xf32>, %s: memref<32xf32>, %b: memref<32x512xf32>, %c: memref<64x512xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %s, %b : memref<64x32xf32>, memref<32xf32>, memref<32x512xf32>) outs(%c : memref<64x512xf32>) attrs = {lwcc.kind = "pointwise"} {
  ^bb0(%x: f32, %y: f32, %z: f32, %o: f32):
    %0 = arith.mulf %z, %y : f32
    %1 = arith.mulf %x, %0 : f32
    %2 = arith.addf %o, %1 : f32
    linalg.yield %2 : f32
  }
  return
}

// -----

// The transforms of a Winograd F(2x2, 3x3) conv (lwcc-cpu-conv-to-gemm) with
// 5x5 outputs: rows of 3 tiles, one vector of 4 lanes (a tile each, the
// fourth masked off) whatever the target's width; 16 channels x 3 rows of
// tiles split across threads. The input transform loads each of the
// window's 4 image rows as two vectors (the 9th element is past the 8-wide
// image: zeros), picks each tap's lanes (elements 2l + j) by shuffles and
// stores the 16 transformed rows; its zero fill goes. The output transform
// loads a run's 16 product rows, starts from the channel's bias, applies
// the relu, and interleaves each output row's 2 per-tile vectors into
// columns 0-3 (stored whole) and 4 (masked); the second row of the last
// tile row, past the 5x5 output, is masked off at run time.
// AVX512-LABEL: func @winograd
// AVX512-DAG: %[[COL4:.+]] = arith.constant dense<[true, false, false, false]> : vector<4xi1>
// AVX512-DAG: %[[TILES:.+]] = arith.constant dense<[true, true, true, false]> : vector<4xi1>
// AVX512: scf.for %{{.+}} = %c0 to %c48 step %c1 {
// AVX512: %[[C:.+]] = arith.divui
// AVX512: %[[ROW0:.+]] = vector.load %arg0[%c0, %[[C]], %{{.+}}, %c0] : memref<1x16x8x8xf32>, vector<4xf32>
// AVX512: %[[ROW4:.+]] = vector.load %arg0[%c0, %[[C]], %{{.+}}, %c4] : memref<1x16x8x8xf32>, vector<4xf32>
// AVX512: vector.shuffle %[[ROW0]], %[[ROW4]] [0, 2, 4, 6]
// AVX512: vector.shuffle %[[ROW0]], %[[ROW4]] [1, 3, 5, 7]
// AVX512-COUNT-16: vector.maskedstore %alloc[%{{.+}}, %{{.+}}, %[[C]], %{{.+}}, %c0], %[[TILES]], %{{.+}} : memref<4x4x16x3x3xf32>
// AVX512: } {lwcc.parallel}
// AVX512: scf.for %{{.+}} = %c0 to %c48 step %c1 {
// AVX512: %[[F:.+]] = arith.divui
// AVX512: %[[BIAS:.+]] = memref.load %arg1[%[[F]]] : memref<16xf32>
// AVX512: vector.broadcast %[[BIAS]] : f32 to vector<4xf32>
// AVX512: %[[INSIDE:.+]] = arith.cmpi ule, %{{.+}}, %c4 : index
// AVX512-COUNT-16: vector.maskedload %arg3[{{.+}}], %[[TILES]], %{{.+}} : memref<4x4x16x3x3xf32>
// AVX512: vector.shuffle %{{.+}}, %{{.+}} [0, 4, 1, 5]
// AVX512: arith.maximumf
// AVX512: vector.store %{{.+}}, %arg2[%c0, %[[F]], %{{.+}}, %c0] : memref<1x16x5x5xf32>, vector<4xf32>
// AVX512: vector.shuffle %{{.+}}, %{{.+}} [2, 6, 3, 7]
// AVX512: vector.maskedstore %arg2[%c0, %[[F]], %{{.+}}, %c4], %[[COL4]]
// AVX512: %[[ROWMASK:.+]] = vector.broadcast %[[INSIDE]] : i1 to vector<4xi1>
// AVX512: vector.maskedstore %arg2[%c0, %[[F]], %{{.+}}, %c0], %[[ROWMASK]]
// AVX512: arith.andi %{{.+}}, %[[COL4]]
// AVX512: vector.maskedstore %arg2
// AVX512: } {lwcc.parallel}
// AVX512-NOT: linalg
// AVX512: return
// NEON-LABEL: func @winograd
// NEON-NOT: linalg.fill
// NEON: scf.for %{{.+}} = %c0 to %c48 step %c1 {
// NEON-COUNT-2: vector.load %arg0{{.+}} : memref<1x16x8x8xf32>, vector<4xf32>
#bt_rows = affine_map<(a, b, c, ty, tx, i, j) -> (a, i)>
#bt_cols = affine_map<(a, b, c, ty, tx, i, j) -> (b, j)>
#taps = affine_map<(a, b, c, ty, tx, i, j) -> (0, c, ty * 2 + i, tx * 2 + j)>
#v = affine_map<(a, b, c, ty, tx, i, j) -> (a, b, c, ty, tx)>
#at_rows = affine_map<(n, f, y, x, a, b) -> (y mod 2, a)>
#at_cols = affine_map<(n, f, y, x, a, b) -> (x mod 2, b)>
#m = affine_map<(n, f, y, x, a, b) -> (a, b, f, y floordiv 2, x floordiv 2)>
#o = affine_map<(n, f, y, x, a, b) -> (n, f, y, x)>
#bias = affine_map<(n, c, h, w) -> (c)>
#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
memref.global "private" constant @bt : memref<4x4xf32> = dense<[[1.0, 0.0, -1.0, 0.0], [0.0, 1.0, 1.0, 0.0], [0.0, -1.0, 1.0, 0.0], [0.0, 1.0, 0.0, -1.0]]>
memref.global "private" constant @at : memref<2x4xf32> = dense<[[1.0, 1.0, 1.0, 0.0], [0.0, 1.0, -1.0, -1.0]]>
func.func @winograd(%image: memref<1x16x8x8xf32>, %b: memref<16xf32>, %res: memref<1x16x5x5xf32>, %m: memref<4x4x16x3x3xf32>) -> memref<4x4x16x3x3xf32> {
  %bt = memref.get_global @bt : memref<4x4xf32>
  %at = memref.get_global @at : memref<2x4xf32>
  %zero = arith.constant 0.0 : f32
  %v = memref.alloc() : memref<4x4x16x3x3xf32>
  linalg.fill ins(%zero : f32) outs(%v : memref<4x4x16x3x3xf32>)
  linalg.generic {indexing_maps = [#bt_rows, #bt_cols, #taps, #v], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%bt, %bt, %image : memref<4x4xf32>, memref<4x4xf32>, memref<1x16x8x8xf32>) outs(%v : memref<4x4x16x3x3xf32>) attrs = {lwcc.kind = "winograd-input"} {
  ^bb0(%p: f32, %q: f32, %d: f32, %o: f32):
    %c = arith.mulf %p, %q : f32
    %t = arith.mulf %c, %d : f32
    %s = arith.addf %o, %t : f32
    linalg.yield %s : f32
  }
  %out = memref.alloc() : memref<1x16x5x5xf32>
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : memref<16xf32>) outs(%out : memref<1x16x5x5xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [#at_rows, #at_cols, #m, #o], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%at, %at, %m : memref<2x4xf32>, memref<2x4xf32>, memref<4x4x16x3x3xf32>) outs(%out : memref<1x16x5x5xf32>) attrs = {lwcc.kind = "winograd-output"} {
  ^bb0(%p: f32, %q: f32, %x: f32, %o: f32):
    %c = arith.mulf %p, %q : f32
    %t = arith.mulf %c, %x : f32
    %s = arith.addf %o, %t : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%out : memref<1x16x5x5xf32>) outs(%res : memref<1x16x5x5xf32>) {
  ^bb0(%in: f32, %o: f32):
    %r = arith.maximumf %in, %zero : f32
    linalg.yield %r : f32
  }
  return %v : memref<4x4x16x3x3xf32>
}

// -----

#bias = affine_map<(a, b, c, d) -> (b)>
#id = affine_map<(a, b, c, d) -> (a, b, c, d)>

// A pair lwcc-cpu-fuse-depthwise-pointwise tagged, the conv's zero padding
// folded: one parallel loop over 4 bands of 4 rows, each with its rows of
// the depthwise output in a stack buffer [1, 8, 4, 16] (bias and relu
// applied) that the GEMM reads as B [8, 64]; the first band (reading the
// row above the image) and the last (the row below) get code of their own.
// AVX2-LABEL: func @band
// AVX2-NOT: linalg.
// AVX2: scf.for %[[BAND:.+]] = %c0 to %c4 step %c1 {
// AVX2-NEXT: %[[SCRATCH:.+]] = memref.alloca() {alignment = 64 : i64} : memref<1x8x4x16xf32>
// AVX2-NEXT: %[[FIRST:.+]] = arith.cmpi eq, %[[BAND]], %c0
// AVX2-NEXT: scf.if %[[FIRST]] {
// AVX2-NEXT: memref.subview %arg0[0, 0, 0, 0] [1, 8, 5, 16]
// AVX2: vector.fma
// AVX2: vector.store %{{.+}}, %[[SCRATCH]]
// AVX2: memref.collapse_shape %[[SCRATCH]] {{\[\[}}0, 1], [2, 3]] : memref<1x8x4x16xf32> into memref<8x64xf32>
// AVX2: memref.subview %arg6[0, 0, 0, 0] [1, 4, 4, 16]
// AVX2: vector.fma
// AVX2: } else {
// AVX2: scf.if
// AVX2-NEXT: memref.subview %arg0[0, 0, 11, 0] [1, 8, 5, 16]
// AVX2: memref.subview %arg6[0, 0, 12, 0] [1, 4, 4, 16]
// AVX2: } else {
// AVX2-NEXT: %[[ROW:.+]] = affine.apply #{{.+}}(%[[BAND]])
// AVX2-NEXT: memref.subview %arg0[0, 0, %[[ROW]], 0] [1, 8, 6, 16]
// AVX2: } {lwcc.parallel}
// AVX2-NOT: linalg.
// AVX2-NOT: keep_alive
// AVX2: return
func.func @band(%x: memref<1x8x16x16xf32>, %w: memref<8x3x3xf32>, %b: memref<8xf32>, %pw: memref<4x8xf32>, %pb: memref<4xf32>, %res: memref<1x4x16x16xf32>, %r: memref<1x4x16x16xf32>) {
  %cst = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x8x18x18xf32>
  linalg.fill ins(%cst : f32) outs(%p : memref<1x8x18x18xf32>)
  %interior = memref.subview %p[0, 0, 1, 1] [1, 8, 16, 16] [1, 1, 1, 1] : memref<1x8x18x18xf32> to memref<1x8x16x16xf32, strided<[2592, 324, 18, 1], offset: 19>>
  memref.copy %x, %interior : memref<1x8x16x16xf32> to memref<1x8x16x16xf32, strided<[2592, 324, 18, 1], offset: 19>>
  %d = memref.alloc() : memref<1x8x16x16xf32>
  %e = memref.alloc() : memref<1x8x16x16xf32>
  %c = memref.alloc() : memref<1x4x16x16xf32>
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%pb : memref<4xf32>) outs(%c : memref<1x4x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  %bm = memref.collapse_shape %e [[0, 1], [2, 3]] : memref<1x8x16x16xf32> into memref<8x256xf32>
  %cm = memref.collapse_shape %c [[0, 1], [2, 3]] : memref<1x4x16x16xf32> into memref<4x256xf32>
  linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : memref<8xf32>) outs(%d : memref<1x8x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, lwcc.band_rows = 4 : i64, strides = dense<1> : tensor<2xi64>} ins(%p, %w : memref<1x8x18x18xf32>, memref<8x3x3xf32>) outs(%d : memref<1x8x16x16xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%d : memref<1x8x16x16xf32>) outs(%e : memref<1x8x16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %cst : f32
    linalg.yield %m : f32
  }
  linalg.matmul ins(%pw, %bm : memref<4x8xf32>, memref<8x256xf32>) outs(%cm : memref<4x256xf32>)
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %res : memref<1x4x16x16xf32>, memref<1x4x16x16xf32>) outs(%r : memref<1x4x16x16xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %a = arith.addf %in, %in2 : f32
    %m = arith.maximumf %a, %cst : f32
    linalg.yield %m : f32
  }
  %c0 = arith.constant 0 : index
  %k0 = memref.load %p[%c0, %c0, %c0, %c0] {lwcc.keep_alive} : memref<1x8x18x18xf32>
  %k1 = memref.load %x[%c0, %c0, %c0, %c0] {lwcc.keep_alive} : memref<1x8x16x16xf32>
  return
}

// -----

#map = affine_map<(d0, d1, d2, d3) -> (d1)>
#map1 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// A pair tagged with its expansion (lwcc-cpu-fuse-depthwise-pointwise's
// inverted residual): per band the expansion's GEMM computes the band's
// input rows (6, or 5 at the image's top and bottom edges) into a second
// stack buffer [1, 8, 6, 16] that the window kernel reads; no expanded
// tensor, padded copy or linalg op is left.
// AVX2-LABEL: func @band_expand
// AVX2: scf.for %[[BAND:.+]] = %c0 to %c4 step %c1 {
// AVX2-NEXT: %[[DW:.+]] = memref.alloca() {alignment = 64 : i64} : memref<1x8x4x16xf32>
// AVX2-NEXT: %[[EXP:.+]] = memref.alloca() {alignment = 64 : i64} : memref<1x8x6x16xf32>
// AVX2: scf.if
// AVX2-NEXT: %[[ROWS:.+]] = memref.subview %[[EXP]][0, 0, 0, 0] [1, 8, 5, 16]
// AVX2-NEXT: %[[X:.+]] = memref.subview %arg0[0, 0, 0, 0] [1, 4, 5, 16]
// AVX2-NEXT: memref.collapse_shape %[[X]] {{\[\[}}0, 1], [2, 3]] {{.*}} into memref<4x80xf32, strided<[256, 1]>>
// AVX2-NEXT: %[[OUT:.+]] = memref.collapse_shape %[[ROWS]] {{\[\[}}0, 1], [2, 3]] {{.*}} into memref<8x80xf32, strided<[96, 1]>>
// AVX2: vector.fma
// AVX2: vector.store %{{.+}}, %[[OUT]]
// AVX2: vector.load %[[ROWS]]
// AVX2: vector.store %{{.+}}, %[[DW]]
// AVX2: } else {
// AVX2: memref.subview %arg0[0, 0, 11, 0] [1, 4, 5, 16]
// AVX2: } else {
// AVX2: memref.subview %arg0[0, 0, %{{.+}}, 0] [1, 4, 6, 16]
// AVX2: } {lwcc.parallel}
// AVX2-NOT: linalg.
// AVX2-NOT: keep_alive
// AVX2: return
module {
  func.func @band_expand(%arg0: memref<1x4x16x16xf32>, %arg1: memref<8x4xf32>, %arg2: memref<8xf32>, %arg3: memref<8x3x3xf32>, %arg4: memref<8xf32>, %arg5: memref<2x8xf32>, %arg6: memref<2xf32>, %arg7: memref<16xf32>, %arg8: memref<16xf32>, %arg9: memref<1x2x16x16xf32>) {
    %cst = arith.constant 0.000000e+00 : f32
    %alloc = memref.alloc() : memref<1x8x16x16xf32>
    %collapse_shape = memref.collapse_shape %arg0 [[0, 1], [2, 3]] : memref<1x4x16x16xf32> into memref<4x256xf32>
    %collapse_shape_0 = memref.collapse_shape %alloc [[0, 1], [2, 3]] : memref<1x8x16x16xf32> into memref<8x256xf32>
    %alloc_1 = memref.alloc() : memref<1x8x16x16xf32>
    memref.copy %arg7, %arg8 : memref<16xf32> to memref<16xf32>
    %alloc_2 = memref.alloc() : memref<1x8x18x18xf32>
    %subview = memref.subview %alloc_2[0, 0, 1, 1] [1, 8, 16, 16] [1, 1, 1, 1] : memref<1x8x18x18xf32> to memref<1x8x16x16xf32, strided<[2592, 324, 18, 1], offset: 19>>
    %alloc_3 = memref.alloc() : memref<1x8x16x16xf32>
    %alloc_4 = memref.alloc() : memref<1x8x16x16xf32>
    %alloc_5 = memref.alloc() : memref<1x2x16x16xf32>
    linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg6 : memref<2xf32>) outs(%alloc_5 : memref<1x2x16x16xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    }
    %collapse_shape_6 = memref.collapse_shape %alloc_4 [[0, 1], [2, 3]] : memref<1x8x16x16xf32> into memref<8x256xf32>
    %collapse_shape_7 = memref.collapse_shape %alloc_5 [[0, 1], [2, 3]] : memref<1x2x16x16xf32> into memref<2x256xf32>
    linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg2 : memref<8xf32>) outs(%alloc : memref<1x8x16x16xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    }
    linalg.matmul ins(%arg1, %collapse_shape : memref<8x4xf32>, memref<4x256xf32>) outs(%collapse_shape_0 : memref<8x256xf32>)
    linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%alloc : memref<1x8x16x16xf32>) outs(%alloc_1 : memref<1x8x16x16xf32>) {
    ^bb0(%in: f32, %out: f32):
      %3 = arith.maximumf %in, %cst : f32
      linalg.yield %3 : f32
    }
    linalg.fill ins(%cst : f32) outs(%alloc_2 : memref<1x8x18x18xf32>)
    memref.copy %alloc_1, %subview : memref<1x8x16x16xf32> to memref<1x8x16x16xf32, strided<[2592, 324, 18, 1], offset: 19>>
    linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg4 : memref<8xf32>) outs(%alloc_3 : memref<1x8x16x16xf32>) {
    ^bb0(%in: f32, %out: f32):
      linalg.yield %in : f32
    }
    linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, lwcc.band_expand, lwcc.band_rows = 4 : i64, strides = dense<1> : tensor<2xi64>} ins(%alloc_2, %arg3 : memref<1x8x18x18xf32>, memref<8x3x3xf32>) outs(%alloc_3 : memref<1x8x16x16xf32>)
    linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%alloc_3 : memref<1x8x16x16xf32>) outs(%alloc_4 : memref<1x8x16x16xf32>) {
    ^bb0(%in: f32, %out: f32):
      %3 = arith.maximumf %in, %cst : f32
      linalg.yield %3 : f32
    }
    linalg.matmul ins(%arg5, %collapse_shape_6 : memref<2x8xf32>, memref<8x256xf32>) outs(%collapse_shape_7 : memref<2x256xf32>)
    linalg.generic {indexing_maps = [#map1, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%alloc_5 : memref<1x2x16x16xf32>) outs(%arg9 : memref<1x2x16x16xf32>) {
    ^bb0(%in: f32, %out: f32):
      %3 = arith.maximumf %in, %cst : f32
      linalg.yield %3 : f32
    }
    %c0 = arith.constant 0 : index
    %0 = memref.load %alloc_1[%c0, %c0, %c0, %c0] {lwcc.keep_alive} : memref<1x8x16x16xf32>
    %c0_8 = arith.constant 0 : index
    %1 = memref.load %alloc_2[%c0_8, %c0_8, %c0_8, %c0_8] {lwcc.keep_alive} : memref<1x8x18x18xf32>
    %2 = memref.load %arg0[%c0_8, %c0_8, %c0_8, %c0_8] {lwcc.keep_alive} : memref<1x4x16x16xf32>
    return
  }
}

// -----

// A long epilogue (a SiLU's) is not applied to all the tile's accumulators
// at once: they are parked in a stack tile [rows, vectors, lanes] and
// finished one row per iteration, so the registers hold one row's chains
// and the epilogue's constants.
// AVX2-LABEL: func @staged_epilogue
// AVX2: %[[OUT:.+]] = memref.collapse_shape
// AVX2: scf.for
// AVX2: vector.fma
// AVX2: scf.yield
// AVX2: %[[PARKED:.+]] = memref.alloca() : memref<6x2x8xf32>
// AVX2-COUNT-12: vector.store %{{.+}}, %[[PARKED]]
// AVX2-NOT: math.exp
// AVX2: scf.for %[[ROW:.+]] = %c0 to %c6 step %c1 {
// AVX2: %[[SUM:.+]] = vector.load %[[PARKED]][%[[ROW]], %c0, %c0]
// AVX2: math.exp
// AVX2: arith.divf %[[SUM]]
// AVX2: vector.store %{{.+}}, %[[OUT]][%[[ROW]], %c0]
// AVX2: vector.load %[[PARKED]][%[[ROW]], %c1, %c0]
// AVX2: math.exp
// AVX2: vector.store %{{.+}}, %[[OUT]][%[[ROW]], %c8]
// AVX2-NEXT: }
// AVX2-NOT: math.exp
// AVX2: return
func.func @staged_epilogue(%a: memref<6x4xf32>, %b: memref<4x16xf32>,
                           %bias: memref<6xf32>, %r: memref<1x6x4x4xf32>) {
  %out = memref.alloc() : memref<1x6x4x4xf32>
  %res = memref.alloc() : memref<1x6x4x4xf32>
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (c)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%bias : memref<6xf32>) outs(%out : memref<1x6x4x4xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  %cm = memref.collapse_shape %out [[0, 1], [2, 3]] : memref<1x6x4x4xf32> into memref<6x16xf32>
  linalg.matmul ins(%a, %b : memref<6x4xf32>, memref<4x16xf32>) outs(%cm : memref<6x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%out : memref<1x6x4x4xf32>) outs(%res : memref<1x6x4x4xf32>) {
  ^bb0(%in: f32, %o: f32):
    %one = arith.constant 1.0 : f32
    %lo = arith.constant -87.0 : f32
    %hi = arith.constant 87.0 : f32
    %n = arith.negf %in : f32
    %l = arith.maximumf %n, %lo : f32
    %h = arith.minimumf %l, %hi : f32
    %e = math.exp %h : f32
    %d = arith.addf %e, %one : f32
    %s = arith.divf %in, %d : f32
    linalg.yield %s : f32
  }
  memref.copy %res, %r : memref<1x6x4x4xf32> to memref<1x6x4x4xf32>
  return
}

// -----

// A channels-last depthwise conv (lwcc-cpu-choose-layout) reading the source
// of an implicit zero pad, with its bias along the channels and a relu: the
// kernel vectorises along the 32 channels (two vectors per pixel on
// AVX-512, in one strip of channels), starts from the bias vectors and
// clamps before the store. Rows 0 and 7 (their top / bottom taps in the
// padding) get code of their own; in a row, pixels 1..4 loop in a group of
// four and the edge columns 0 and 7 and the rest (5, 6) run as one more
// group with the edges' outer taps skipped. The pad's fill and copy, the
// bias broadcast and the relu go.
// AVX512-LABEL: func @channels_last_depthwise
// AVX512-NOT: memref.copy
// AVX512: scf.for %[[Y:.+]] = %c0 to %c8 step %c1 {
// AVX512: scf.if
// AVX512: vector.load %arg2[%c0] : memref<32xf32>, vector<16xf32>
// AVX512: vector.load %arg0[%c0, %{{.+}}, %{{.+}}, %c0] : memref<1x8x8x32xf32>, vector<16xf32>
// AVX512: vector.fma {{.*}} : vector<16xf32>
// AVX512: arith.maximumf {{.*}} : vector<16xf32>
// AVX512: vector.store {{.*}}, %arg3[%c0, {{.*}}] : memref<1x8x8x32xf32>, vector<16xf32>
// AVX512: } {lwcc.parallel}
// AVX512-NOT: memref.alloc
// AVX512-NOT: linalg.
// AVX512-NOT: lwcc.keep_alive
// The same for NEON (4-lane vectors): two per strip, a loop over the
// strips of 8 channels.
// NEON-LABEL: func @channels_last_depthwise
// NEON: scf.for %{{.+}} = %c0 to %c32 step %c8 {
// NEON: vector.fma {{.*}} : vector<4xf32>
// NEON: } {lwcc.parallel}
// NEON-NOT: linalg.
func.func @channels_last_depthwise(%x: memref<1x8x8x32xf32>, %w: memref<3x3x32xf32>, %bias: memref<32xf32>, %y: memref<1x8x8x32xf32>) {
  %cst = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<1x10x10x32xf32>
  linalg.fill ins(%cst : f32) outs(%p : memref<1x10x10x32xf32>)
  %interior = memref.subview %p[0, 1, 1, 0] [1, 8, 8, 32] [1, 1, 1, 1] : memref<1x10x10x32xf32> to memref<1x8x8x32xf32, strided<[3200, 320, 32, 1], offset: 352>>
  memref.copy %x, %interior : memref<1x8x8x32xf32> to memref<1x8x8x32xf32, strided<[3200, 320, 32, 1], offset: 352>>
  %acc = memref.alloc() : memref<1x8x8x32xf32>
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%bias : memref<32xf32>) outs(%acc : memref<1x8x8x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : memref<1x10x10x32xf32>, memref<3x3x32xf32>) outs(%acc : memref<1x8x8x32xf32>)
  %c0 = arith.constant 0 : index
  %k = memref.load %x[%c0, %c0, %c0, %c0] {lwcc.keep_alive} : memref<1x8x8x32xf32>
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%acc : memref<1x8x8x32xf32>) outs(%y : memref<1x8x8x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %cst : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A channels-last pointwise conv: C [H*W, M] viewed from the [1, H, W, M]
// output, so its bias runs along C's columns: the accumulators start from
// vector loads of the bias at the tile's columns, and the broadcast goes.
// AVX512-LABEL: func @bias_on_columns
// AVX512-NOT: linalg.generic
// AVX512: vector.load %arg2[%{{.+}}] : memref<64xf32>, vector<16xf32>
// AVX512: vector.fma
// AVX512: } {lwcc.parallel}
// AVX512-NOT: linalg.
func.func @bias_on_columns(%a: memref<196x32xf32>, %b: memref<32x64xf32>, %bias: memref<64xf32>, %out: memref<1x14x14x64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%bias : memref<64xf32>) outs(%out : memref<1x14x14x64xf32>) {
  ^bb0(%in: f32, %o: f32):
    linalg.yield %in : f32
  }
  %c = memref.collapse_shape %out [[0, 1, 2], [3]] : memref<1x14x14x64xf32> into memref<196x64xf32>
  linalg.matmul ins(%a, %b : memref<196x32xf32>, memref<32x64xf32>) outs(%c : memref<196x64xf32>)
  return
}

// -----

// A GEMM reading A transposed (a channels-last pointwise conv reading an
// NCHW image in place): the kernel reads A one element at a time through a
// transposed view.
// AVX512-LABEL: func @transposed_a
// AVX512: %[[AT:.+]] = memref.transpose %arg0 (d0, d1) -> (d1, d0) : memref<32x196xf32> to memref<196x32xf32, strided<[1, 196]>>
// AVX512: memref.load %[[AT]]
// AVX512: vector.fma
// AVX512: } {lwcc.parallel}
// AVX512-NOT: linalg.
func.func @transposed_a(%a: memref<32x196xf32>, %b: memref<32x64xf32>, %c: memref<196x64xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : memref<32x196xf32>, memref<32x64xf32>) outs(%c : memref<196x64xf32>)
  return
}

// -----

// NCHW -> NHWC of 16 channels of 3x3 pixels: [16, 9] -> [9, 16] in 8x8
// blocks (two row blocks, in parallel), each 8 row loads, three rounds of
// shuffles, 8 row stores; the ninth column element by element.
// AVX2-LABEL: func @transpose_to_channels_last
// AVX2: scf.for %{{.+}} = %c0 to %c2 step %c1 {
// AVX2: vector.load {{.*}} : memref<16x9xf32>, vector<8xf32>
// AVX2: vector.shuffle {{.*}} [0, 8, 1, 9, 4, 12, 5, 13] : vector<8xf32>, vector<8xf32>
// AVX2: vector.shuffle {{.*}} [0, 1, 8, 9, 4, 5, 12, 13] : vector<8xf32>, vector<8xf32>
// AVX2: vector.shuffle {{.*}} [0, 1, 2, 3, 8, 9, 10, 11] : vector<8xf32>, vector<8xf32>
// AVX2: vector.store {{.*}} : memref<9x16xf32>, vector<8xf32>
// AVX2: memref.load {{.*}} : memref<16x9xf32>
// AVX2: memref.store {{.*}} : memref<9x16xf32>
// AVX2: } {lwcc.parallel}
// AVX2-NOT: linalg.transpose
func.func @transpose_to_channels_last(%x: memref<1x16x3x3xf32>, %y: memref<1x3x3x16xf32>) {
  linalg.transpose ins(%x : memref<1x16x3x3xf32>) outs(%y : memref<1x3x3x16xf32>) permutation = [0, 2, 3, 1]
  return
}
