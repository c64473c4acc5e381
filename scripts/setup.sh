#!/usr/bin/env bash
# Installs every dependency lwcc needs from Debian's archive (and npm for the
# ONNX Runtime reference). Idempotent: when everything is present it only checks
# and returns. Run as root (or with sudo available).
set -euo pipefail

# Build toolchain and the LLVM/MLIR 22 development packages.
PKGS=(
  cmake ninja-build ccache git
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools lld-22 liblld-22-dev clang-22
  # ONNX import.
  libonnx-dev libprotobuf-dev protobuf-compiler
  # Conformance data and the model zoo (Debian's python3, not pyenv's).
  libonnx-testdata python3 python3-numpy python3-onnx python3-torch python3-torchvision
  python3-sklearn
  # Cross testing.
  qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi

# ONNX Runtime, the reference for model tests and benchmarks: npm's
# onnxruntime-node carries its CPU binary, so --ignore-scripts is enough.
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing nodejs and npm"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
REPO="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -f "$REPO/node_modules/onnxruntime-node/package.json" ]; then
  echo "setup: installing onnxruntime-node (npm, --ignore-scripts)"
  (cd "$REPO" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error)
else
  echo "setup: onnxruntime-node present"
fi
