// RUN: lwcc-opt %s --pass-pipeline='builtin.module(func.func(lwcc-cpu-expand-math))' | FileCheck %s

// Nothing that LLVM would turn into a libm call survives.
// CHECK-LABEL: func @libm_free
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK-NOT: math.powf
// CHECK-NOT: math.floor
// CHECK-NOT: math.ceil
// CHECK-NOT: math.fma
// CHECK: math.sqrt
// CHECK: return
func.func @libm_free(%x: f32, %y: f32) -> (f32, f32, f32, f32, f32, f32) {
  %0 = math.exp %x : f32
  %1 = math.tanh %x : f32
  %2 = math.powf %x, %y : f32
  %3 = math.floor %x : f32
  %4 = math.ceil %x : f32
  %5 = math.sqrt %x : f32
  return %0, %1, %2, %3, %4, %5 : f32, f32, f32, f32, f32, f32
}

// bf16 conversions would call compiler-rt.
// CHECK-LABEL: func @bf16
// CHECK-NOT: arith.truncf
// CHECK: arith.shrui
func.func @bf16(%x: f32) -> bf16 {
  %0 = arith.truncf %x : f32 to bf16
  return %0 : bf16
}

// fma becomes a multiply and an add LLVM may contract back into one FMA
// instruction (exp's polynomial is a chain of them: separate mul and add
// doubled its latency).
// CHECK-LABEL: func @fma
// CHECK: %[[P:.+]] = arith.mulf %{{.+}}, %{{.+}} fastmath<contract> : vector<16xf32>
// CHECK: arith.addf %[[P]], %{{.+}} fastmath<contract> : vector<16xf32>
func.func @fma(%a: vector<16xf32>, %b: vector<16xf32>, %c: vector<16xf32>) -> vector<16xf32> {
  %0 = math.fma %a, %b, %c : vector<16xf32>
  return %0 : vector<16xf32>
}
