#!/usr/bin/env bash
# Builds lwcc, compiles the bundled digits CNN (examples/digits, trained on
# scikit-learn's digits by train.py) for x86_64 and aarch64, runs both on the
# 360 held-back digits (aarch64 under qemu) and prints their accuracy.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
BIN="${BUILD_DIR:-build}/bin"
OUT="${BUILD_DIR:-build}/example"
EX=examples/digits
rm -rf "$OUT" && mkdir -p "$OUT/x86_64" "$OUT/aarch64"

for target in x86_64 aarch64; do
  "$BIN/lwcc" "$EX/digits.onnx" -target=$target --input-shape=image:360,1,8,8 \
    -o "$OUT/$target/digits.so" --report | sed "s/^/$target: /"
done
"$BIN/lwcc-run" "$OUT/x86_64/digits.so" --input "$EX/test_images.npy" --save "$OUT/x86_64" >/dev/null
/usr/bin/python3 "$EX/accuracy.py" "$OUT/x86_64/logits.npy" "$EX/test_labels.npy" x86_64
if command -v qemu-aarch64 >/dev/null; then
  qemu-aarch64 -L /usr/aarch64-linux-gnu "$BIN/aarch64/lwcc-run" "$OUT/aarch64/digits.so" \
    --input "$EX/test_images.npy" --save "$OUT/aarch64" >/dev/null
  /usr/bin/python3 "$EX/accuracy.py" "$OUT/aarch64/logits.npy" "$EX/test_labels.npy" "aarch64 (qemu)"
else
  echo "aarch64: qemu-aarch64 not found; library built at $OUT/aarch64/digits.so"
fi
