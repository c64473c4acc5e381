// RUN: lwcc-opt %s --lwcc-cpu-flatten-constants | FileCheck %s

// A rank-4 weight becomes one flat blob, viewed back in its shape.
// CHECK: memref.global "private" constant @w : memref<8xf32> = dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00]>
// CHECK-LABEL: func @read
// CHECK: %[[G:.+]] = memref.get_global @w : memref<8xf32>
// CHECK: %[[V:.+]] = memref.expand_shape %[[G]] {{\[}}[0, 1, 2, 3]] output_shape [2, 1, 2, 2] : memref<8xf32> into memref<2x1x2x2xf32>
// CHECK: return %[[V]]
memref.global "private" constant @w : memref<2x1x2x2xf32> = dense<[[[[1.0, 2.0], [3.0, 4.0]]], [[[5.0, 6.0], [7.0, 8.0]]]]>
func.func @read() -> memref<2x1x2x2xf32> {
  %0 = memref.get_global @w : memref<2x1x2x2xf32>
  return %0 : memref<2x1x2x2xf32>
}
