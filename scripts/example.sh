#!/usr/bin/env bash
# Builds lwcc and imports the bundled example model, printing the lwnn IR.
# (Compiling it to a shared library arrives with the CPU backend.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
./"${BUILD_DIR:-build}"/bin/lwcc examples/mobilenet_v3_block.onnxtxt --emit=mlir
