//===- Winograd.h - minimal filtering transforms F(m x m, 3x3) --*- C++ -*-===//
//
// Lavin and Gray's F(m x m, 3x3): an (m+2) x (m+2) input tile d and a 3x3
// filter g give the m x m outputs of their cross-correlation as
// Y = A^T [(G g G^T) . (B^T d B)] A, (m+2)^2 multiplications where the
// direct form takes 9 m^2. F(4x4, 3x3) (interpolation points 0, +-1, +-2,
// infinity) saves 4x, F(2x2, 3x3) (0, +-1, infinity) 2.25x with 16/9 the
// filters' size instead of 4x. lwcc-cpu-conv-to-gemm builds its reference
// generics from these tables, and the kernels emit the same tables as
// constant-coefficient vector arithmetic.
//
//===----------------------------------------------------------------------===//

#ifndef LWCC_BACKEND_CPU_WINOGRAD_H
#define LWCC_BACKEND_CPU_WINOGRAD_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>

namespace lwcc::cpu::winograd {

inline constexpr int64_t kTaps = 3;

/// One F(m x m, 3x3): its tile sizes and row-major tables.
struct Transforms {
  /// m, and the input tile's side m + 2.
  int64_t outputTile, inputTile;
  /// B^T [inputTile, inputTile], G [inputTile, 3], A^T [outputTile,
  /// inputTile].
  const double *inputTable, *filterTable, *outputTable;

  llvm::ArrayRef<double> inputRow(int64_t a) const {
    return {inputTable + a * inputTile, static_cast<size_t>(inputTile)};
  }
  double filterAt(int64_t a, int64_t i) const {
    return filterTable[a * kTaps + i];
  }
  llvm::ArrayRef<double> outputRow(int64_t p) const {
    return {outputTable + p * inputTile, static_cast<size_t>(inputTile)};
  }
};

// One row per line: B^T, G and A^T as written in the paper.
// clang-format off
inline constexpr double kInput4[] = {
    4,  0, -5,  0, 1, 0,
    0, -4, -4,  1, 1, 0,
    0,  4, -4, -1, 1, 0,
    0, -2, -1,  2, 1, 0,
    0,  2, -1, -2, 1, 0,
    0,  4,  0, -5, 0, 1};
inline constexpr double kFilter4[] = {
     1.0 / 4,          0,        0,
    -1.0 / 6,   -1.0 / 6, -1.0 / 6,
    -1.0 / 6,    1.0 / 6, -1.0 / 6,
     1.0 / 24,  1.0 / 12,  1.0 / 6,
     1.0 / 24, -1.0 / 12,  1.0 / 6,
           0,          0,        1};
inline constexpr double kOutput4[] = {
    1, 1,  1, 1,  1, 0,
    0, 1, -1, 2, -2, 0,
    0, 1,  1, 4,  4, 0,
    0, 1, -1, 8, -8, 1};

inline constexpr double kInput2[] = {
    1,  0, -1,  0,
    0,  1,  1,  0,
    0, -1,  1,  0,
    0,  1,  0, -1};
inline constexpr double kFilter2[] = {
      1,    0,   0,
    0.5,  0.5, 0.5,
    0.5, -0.5, 0.5,
      0,    0,   1};
inline constexpr double kOutput2[] = {
    1, 1,  1,  0,
    0, 1, -1, -1};
// clang-format on

inline constexpr Transforms kF4x4{4, 6, kInput4, kFilter4, kOutput4};
inline constexpr Transforms kF2x2{2, 4, kInput2, kFilter2, kOutput2};

/// The transforms whose input tile is `inputTile` wide, if any.
inline const Transforms *transformsForInputTile(int64_t inputTile) {
  if (inputTile == kF4x4.inputTile)
    return &kF4x4;
  if (inputTile == kF2x2.inputTile)
    return &kF2x2;
  return nullptr;
}

/// lwcc.kind of the three ops a Winograd convolution becomes.
inline constexpr llvm::StringLiteral kInputKind = "winograd-input";
inline constexpr llvm::StringLiteral kGemmKind = "winograd-gemm";
inline constexpr llvm::StringLiteral kOutputKind = "winograd-output";

/// Convolutions with fewer input or output channels keep their image
/// products: the batched products' K (or M) would be too short to pay for
/// the transforms (a guess, not measured below 16).
inline constexpr int64_t kMinChannels = 16;

} // namespace lwcc::cpu::winograd

#endif // LWCC_BACKEND_CPU_WINOGRAD_H
