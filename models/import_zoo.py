"""Imports every exported zoo model with lwcc and round-trips it through lwcc-opt.

    python3 models/import_zoo.py ZOO_DIR --bin build/bin

For each ZOO_DIR/*.onnx: `lwcc --emit=mlir` must succeed (an unknown op is an
import error), `lwcc-opt` must re-verify the result, and printing the parsed
IR, in custom and in generic form, must give identical text. Prints one line
per model with its lwnn op histogram, then a total; exits 1 if any failed.
"""
import argparse
import collections
import glob
import os
import re
import subprocess
import sys


def run(cmd, stdin=None):
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stderr.strip()}")
    return proc.stdout


def check(model, lwcc, lwcc_opt):
    imported = run([lwcc, model, "--emit=mlir"])
    printed = run([lwcc_opt, "-"], imported)
    reprinted = run([lwcc_opt, "-"], printed)
    generic = run([lwcc_opt, "-", "--mlir-print-op-generic"], printed)
    from_generic = run([lwcc_opt, "-"], generic)
    if reprinted != printed or from_generic != printed:
        raise RuntimeError("lwcc-opt round trip changed the IR")
    ops = collections.Counter(re.findall(r"^\s*(?:%\S+ = )?lwnn\.(\w+)", printed, re.M))
    return ops


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zoo_dir")
    parser.add_argument("--bin", required=True, help="folder holding lwcc and lwcc-opt")
    args = parser.parse_args()
    lwcc = os.path.join(args.bin, "lwcc")
    lwcc_opt = os.path.join(args.bin, "lwcc-opt")
    models = sorted(glob.glob(os.path.join(args.zoo_dir, "*.onnx")))
    if not models:
        sys.exit(f"no .onnx models in {args.zoo_dir}")
    failed = 0
    for model in models:
        name = os.path.splitext(os.path.basename(model))[0]
        try:
            ops = check(model, lwcc, lwcc_opt)
        except RuntimeError as err:
            failed += 1
            print(f"{name}: FAIL {err}")
            continue
        histogram = " ".join(f"{op}={n}" for op, n in sorted(ops.items()) if op != "constant")
        print(f"{name}: ok {histogram}")
    print(f"zoo: {len(models) - failed} imported, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
