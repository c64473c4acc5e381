// RUN: lwcc-opt %s --lwcc-cpu-pack-weights | FileCheck %s
// RUN: lwcc-opt %s --lwcc-cpu-pack-weights --lwcc-cpu-emit-kernels --lwcc-cpu-flatten-constants | FileCheck %s --check-prefix=EMIT
// RUN: lwcc-opt %s --lwcc-cpu-pack-weights='vector-bits=512 vector-registers=32' --lwcc-cpu-emit-kernels='vector-bits=512 vector-registers=32' --canonicalize | FileCheck %s --check-prefix=EXTRA

// An 8x3 weight matrix for 6-row register blocks (AVX2), C 16 wide: one K
// block of 3, two row blocks, the second's four missing rows zero. Packed
// [K blocks, row blocks, K_c, 6]: per k, the 6 rows' values side by side.
// Both products reading @w share one packed copy; @v is not a constant and
// stays.
// CHECK: memref.global "private" constant @w_packed : memref<1x2x3x6xf32> = dense<{{\[\[\[}}[0.000000e+00, 3.000000e+00, 6.000000e+00, 9.000000e+00, 1.200000e+01, 1.500000e+01], [1.000000e+00, 4.000000e+00, 7.000000e+00, 1.000000e+01, 1.300000e+01, 1.600000e+01], [2.000000e+00, 5.000000e+00, 8.000000e+00, 1.100000e+01, 1.400000e+01, 1.700000e+01]], {{\[\[}}1.800000e+01, 2.100000e+01, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [1.900000e+01, 2.200000e+01, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00], [2.000000e+01, 2.300000e+01, 0.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]]]> {alignment = 64 : i64}
// CHECK-NOT: memref.global "private" constant @w_packed_
// CHECK-LABEL: func @pack
// CHECK: linalg.matmul {lwcc.packed_a = @w_packed}
// CHECK: linalg.matmul {lwcc.packed_a = @w_packed}
// CHECK: linalg.matmul ins
//
// The kernel then reads A from the packed global (tile (K block, row
// block), k within the block, row within the block) and prefetches 512
// elements ahead along it; the row-major @w, read by nothing, goes.
// EMIT-NOT: memref.global "private" constant @w :
// EMIT-LABEL: func @pack
// EMIT: memref.get_global @w_packed : memref<36xf32>
// EMIT: memref.prefetch %{{.+}}[%{{.+}}], read, locality<3>, data : memref<36xf32>
// EMIT: memref.load %{{.+}}[%{{.+}}, %{{.+}}, %{{.+}}, %c0{{.*}}] : memref<1x2x3x6xf32>
memref.global "private" constant @w : memref<8x3xf32> = dense<[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0], [9.0, 10.0, 11.0], [12.0, 13.0, 14.0], [15.0, 16.0, 17.0], [18.0, 19.0, 20.0], [21.0, 22.0, 23.0]]>
memref.global "private" @v : memref<8x3xf32> = dense<1.0>
func.func @pack(%b: memref<3x16xf32>, %c: memref<8x16xf32>, %d: memref<8x16xf32>, %e: memref<8x16xf32>) {
  %w = memref.get_global @w : memref<8x3xf32>
  linalg.matmul ins(%w, %b : memref<8x3xf32>, memref<3x16xf32>) outs(%c : memref<8x16xf32>)
  linalg.matmul ins(%w, %b : memref<8x3xf32>, memref<3x16xf32>) outs(%d : memref<8x16xf32>)
  %v = memref.get_global @v : memref<8x3xf32>
  linalg.matmul ins(%v, %b : memref<8x3xf32>, memref<3x16xf32>) outs(%e : memref<8x16xf32>)
  return
}

// AVX-512, C 49 wide (a 7x7 output): 8 x 3 blocks, A packed 8 rows to a k,
// and the 49th column rides along with the 48 of the tile as a 25th
// accumulator: a vector over the block's 8 rows, times A's column for k
// (8 contiguous floats of packed A) and a broadcast of B[k, 48]; C's column
// read and written a row at a time. No tile of its own for the column.
// EXTRA-LABEL: func @extra_column
// EXTRA: memref.get_global @x_packed : memref<1x8x8x8xf32>
// EXTRA: %[[COL:.+]] = memref.load %arg1[%{{.+}}, %c48] : memref<64x49xf32>
// EXTRA: %[[INIT:.+]] = vector.from_elements {{.+}} : vector<8xf32>
// EXTRA: scf.for {{.+}} iter_args({{.+}}, %[[ACC:.+]] = %[[INIT]]) -> ({{.+}}, vector<8xf32>)
// EXTRA-COUNT-24: vector.fma {{.+}} : vector<16xf32>
// EXTRA: %[[A:.+]] = vector.load %{{.+}}[%c0, %{{.+}}, %{{.+}}, %c0] : memref<1x8x8x8xf32>, vector<8xf32>
// EXTRA: %[[B:.+]] = memref.load %arg0[%{{.+}}, %c48] : memref<8x49xf32>
// EXTRA: %[[SPLAT:.+]] = vector.broadcast %[[B]] : f32 to vector<8xf32>
// EXTRA: vector.fma %[[A]], %[[SPLAT]], %[[ACC]] : vector<8xf32>
// EXTRA-COUNT-8: memref.store {{.+}}, %arg1[%{{.+}}, %c48] : memref<64x49xf32>
// EXTRA-NOT: vector<1xf32>
// EXTRA: return
memref.global "private" constant @x : memref<64x8xf32> = dense<1.0>
func.func @extra_column(%b: memref<8x49xf32>, %c: memref<64x49xf32>) {
  %x = memref.get_global @x : memref<64x8xf32>
  linalg.matmul ins(%x, %b : memref<64x8xf32>, memref<8x49xf32>) outs(%c : memref<64x49xf32>)
  return
}

// -----

// AVX-512, C 100 wide: two full 8 x 3 tiles and 4 ragged columns, too many
// to ride along. They run as a tile of column accumulators of their own,
// two row blocks at a time: per k one vector of A's column over 16 rows
// (the two blocks' 8 contiguous floats of packed A, joined) times a
// broadcast of B[k, col], 4 FMAs instead of 8 + 8 in a 4-lane strip. C's
// columns are read and written a row at a time.
// EXTRA-LABEL: func @column_tile
// EXTRA: memref.get_global @y_packed : memref<1x8x8x8xf32>
// EXTRA: scf.for %{{.+}} = %c0 to %c96 step %c48
// EXTRA: scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %c2 {
// EXTRA: vector.from_elements {{.+}} : vector<16xf32>
// EXTRA: scf.for {{.+}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>) {
// EXTRA: %[[LO:.+]] = vector.load %{{.+}}[%c0, %{{.+}}, %{{.+}}, %c0] : memref<1x8x8x8xf32>, vector<8xf32>
// EXTRA: %[[HI:.+]] = vector.load %{{.+}}[%c0, %{{.+}}, %{{.+}}, %c0] : memref<1x8x8x8xf32>, vector<8xf32>
// EXTRA: %[[COL:.+]] = vector.shuffle %[[LO]], %[[HI]] [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
// EXTRA: memref.load %arg0[%{{.+}}, %c96] : memref<8x100xf32>
// EXTRA: vector.fma %[[COL]], %{{.+}}, %{{.+}} : vector<16xf32>
// EXTRA-COUNT-3: vector.fma %[[COL]], %{{.+}}, %{{.+}} : vector<16xf32>
// EXTRA: memref.store {{.+}}, %arg1[%{{.+}}, %c96] : memref<64x100xf32>
// EXTRA-NOT: vector<4xf32>
// EXTRA: return
memref.global "private" constant @y : memref<64x8xf32> = dense<1.0>
func.func @column_tile(%b: memref<8x100xf32>, %c: memref<64x100xf32>) {
  %y = memref.get_global @y : memref<64x8xf32>
  linalg.matmul ins(%y, %b : memref<64x8xf32>, memref<8x100xf32>) outs(%c : memref<64x100xf32>)
  return
}

// -----

// A dense layer (C one row): the constant is B, each element read once.
// Packed in column tiles of one register tile's width (AVX2: 16), [tiles,
// K, 16], the last tile's missing columns zero: a tile's walk
// over K is one contiguous run instead of a row of B per k. B[r, c] =
// 100r + c. The kernel reads B's vectors from the tiles; the row-major @wt
// goes. C of 8 rows (more than one row block) keeps B as it is.
// CHECK: memref.global "private" constant @wt_tiles : memref<3x2x16xf32> = dense<{{\[\[\[}}0.000000e+00, 1.000000e+00, {{.+}}, 1.500000e+01], [1.000000e+02, 1.010000e+02, {{.+}}, 1.150000e+02]], {{\[\[}}1.600000e+01, {{.+}}]], {{\[\[}}3.200000e+01, 3.300000e+01, 0.000000e+00, {{.+}}, 0.000000e+00], [1.320000e+02, 1.330000e+02, 0.000000e+00, {{.+}}]]]>
// CHECK-LABEL: func @dense_tiles
// CHECK: linalg.matmul {lwcc.packed_b_tiles = @wt_tiles}
// CHECK-LABEL: func @dense_rows
// CHECK-NOT: lwcc.packed_b_tiles
// CHECK: return
// EMIT-NOT: memref.global "private" constant @wt :
// EMIT-LABEL: func @dense_tiles
// EMIT: memref.get_global @wt_tiles : memref<96xf32>
// EMIT: vector.load %{{.+}}[%{{.+}}] : memref<96xf32>, vector<8xf32>
// EMIT-LABEL: func @dense_rows
// EMIT-NOT: _tiles
// EMIT: return
memref.global "private" constant @wt : memref<2x34xf32> = dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0], [100.0, 101.0, 102.0, 103.0, 104.0, 105.0, 106.0, 107.0, 108.0, 109.0, 110.0, 111.0, 112.0, 113.0, 114.0, 115.0, 116.0, 117.0, 118.0, 119.0, 120.0, 121.0, 122.0, 123.0, 124.0, 125.0, 126.0, 127.0, 128.0, 129.0, 130.0, 131.0, 132.0, 133.0]]>
memref.global "private" constant @wr : memref<2x34xf32> = dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 21.0, 22.0, 23.0, 24.0, 25.0, 26.0, 27.0, 28.0, 29.0, 30.0, 31.0, 32.0, 33.0], [100.0, 101.0, 102.0, 103.0, 104.0, 105.0, 106.0, 107.0, 108.0, 109.0, 110.0, 111.0, 112.0, 113.0, 114.0, 115.0, 116.0, 117.0, 118.0, 119.0, 120.0, 121.0, 122.0, 123.0, 124.0, 125.0, 126.0, 127.0, 128.0, 129.0, 130.0, 131.0, 132.0, 133.0]]>
func.func @dense_tiles(%x: memref<1x2xf32>, %y: memref<1x34xf32>) {
  %wt = memref.get_global @wt : memref<2x34xf32>
  linalg.matmul ins(%x, %wt : memref<1x2xf32>, memref<2x34xf32>) outs(%y : memref<1x34xf32>)
  return
}
func.func @dense_rows(%x: memref<8x2xf32>, %y: memref<8x34xf32>) {
  %wr = memref.get_global @wr : memref<2x34xf32>
  linalg.matmul ins(%x, %wr : memref<8x2xf32>, memref<2x34xf32>) outs(%y : memref<8x34xf32>)
  return
}

// -----

// A batched product with a constant A [2, 7, 2] (a Winograd conv's
// transformed filters): each batch's matrix packed in turn, 6-row blocks
// (AVX2), rows 6 and 7 of the second block zero: [2, 1, 2, 2, 6]. The
// kernel reads each batch's tile through a view of the batch's packed
// matrix.
// CHECK: memref.global "private" constant @u_packed : memref<2x1x2x2x6xf32> = dense<{{\[\[\[\[}}[0.000000e+00, 2.000000e+00, 4.000000e+00, 6.000000e+00, 8.000000e+00, 1.000000e+01], [1.000000e+00, 3.000000e+00, 5.000000e+00, 7.000000e+00, 9.000000e+00, 1.100000e+01]], {{\[\[}}1.200000e+01, 0.000000e+00, {{.+}}]]]], {{\[\[\[}}[1.400000e+01, 1.600000e+01,
// CHECK-LABEL: func @batched
// CHECK: linalg.batch_matmul {lwcc.packed_a = @u_packed}
// EMIT-LABEL: func @batched
// EMIT: scf.for %[[BATCH:.+]] = %c0 to %c2 step %c1
// EMIT: %[[VIEW:.+]] = memref.subview %{{.+}}[%[[BATCH]], 0, 0, 0, 0] [1, 1, 2, 2, 6] [1, 1, 1, 1, 1] : memref<2x1x2x2x6xf32> to memref<1x2x2x6xf32, strided<[24, 12, 6, 1], offset: ?>>
// EMIT: memref.load %[[VIEW]]
memref.global "private" constant @u : memref<2x7x2xf32> = dense<[[[0.0, 1.0], [2.0, 3.0], [4.0, 5.0], [6.0, 7.0], [8.0, 9.0], [10.0, 11.0], [12.0, 13.0]], [[14.0, 15.0], [16.0, 17.0], [18.0, 19.0], [20.0, 21.0], [22.0, 23.0], [24.0, 25.0], [26.0, 27.0]]]>
func.func @batched(%b: memref<2x2x16xf32>, %c: memref<2x7x16xf32>) {
  %u = memref.get_global @u : memref<2x7x2xf32>
  linalg.batch_matmul ins(%u, %b : memref<2x7x2xf32>, memref<2x2x16xf32>) outs(%c : memref<2x7x16xf32>)
  return
}
