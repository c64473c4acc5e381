"""Compiles zoo models with lwcc and compares them with ONNX Runtime.

    python3 models/check_zoo.py ZOO_DIR --bin build/bin [--targets x86_64,aarch64]
                                [--models a,b] [--rtol 1e-3] [--atol 1e-4] [--jobs 2]
                                [--threads 1]

For each ZOO_DIR/<model>.onnx: a seeded random input (numpy, seed 0, uniform
[-1, 1)), ONNX Runtime's output on it (scripts/ort_run.js, npm
onnxruntime-node), then `lwcc -target=T` and `lwcc-run --input --expect` for
each target (aarch64 under qemu-aarch64). Prints a table and a total; exits
1 if any model fails.
"""
import argparse
import concurrent.futures
import glob
import os
import re
import subprocess
import sys
import time

import numpy as np
import onnx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"]


def input_specs(path):
    model = onnx.load(path, load_external_data=False)
    inits = {i.name for i in model.graph.initializer}
    specs = []
    for value in model.graph.input:
        if value.name in inits:
            continue
        dims = [d.dim_value for d in value.type.tensor_type.shape.dim]
        specs.append((value.name, dims))
    return specs


def run(cmd, timeout=900):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout + proc.stderr


def check_model(path, args):
    name = os.path.splitext(os.path.basename(path))[0]
    work = os.path.join(args.work, name)
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(0)
    inputs = []
    for i, (_, dims) in enumerate(input_specs(path)):
        file = os.path.join(work, f"input{i}.npy")
        np.save(file, rng.uniform(-1, 1, dims).astype(np.float32))
        inputs.append(file)
    ref = os.path.join(work, "ort")
    rc, out = run(["node", os.path.join(ROOT, "scripts", "ort_run.js"), path, ref] + inputs)
    if rc != 0:
        return name, {t: ("ORT-FAIL", out.strip().splitlines()[-1:]) for t in args.targets}
    model = onnx.load(path, load_external_data=False)
    expects = [os.path.join(ref, re.sub(r"[^A-Za-z0-9_.-]", "_", o.name) + ".npy")
               for o in model.graph.output]
    results = {}
    for target in args.targets:
        lib = os.path.join(work, f"{name}-{target}.so")
        start = time.time()
        rc, out = run([os.path.join(args.bin, "lwcc"), path, f"-target={target}", "-o", lib]
                      + args.lwcc_arg)
        seconds = time.time() - start
        if rc != 0:
            results[target] = ("COMPILE-FAIL", out.strip().splitlines()[-1:])
            continue
        runner = [os.path.join(args.bin, "lwcc-run")]
        if target == "aarch64":
            runner = QEMU + [os.path.join(args.bin, "aarch64", "lwcc-run")]
        cmd = runner + [lib, "--rtol", str(args.rtol), "--atol", str(args.atol),
                        "--threads", str(args.threads)]
        for f in inputs:
            cmd += ["--input", f]
        for f in expects:
            cmd += ["--expect", f]
        rc, out = run(cmd)
        diffs = re.findall(r"max abs diff (\S+)", out)
        detail = f"max|diff| {max(float(d) for d in diffs):.2e}" if diffs else out.strip()[-200:]
        results[target] = ("ok" if rc == 0 else "MISMATCH", [f"{detail}, compile {seconds:.1f}s"])
    return name, results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zoo_dir")
    parser.add_argument("--bin", required=True)
    parser.add_argument("--targets", default="x86_64,aarch64")
    parser.add_argument("--models", default="")
    parser.add_argument("--rtol", type=float, default=1e-3)
    parser.add_argument("--atol", type=float, default=1e-4)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1,
                        help="threads each compiled model runs with")
    parser.add_argument("--work", default="")
    parser.add_argument("--lwcc-arg", action="append", default=[],
                        help="extra lwcc option (repeatable)")
    args = parser.parse_args()
    args.targets = args.targets.split(",")
    args.work = args.work or os.path.join(args.zoo_dir, "check")
    paths = sorted(glob.glob(os.path.join(args.zoo_dir, "*.onnx")))
    if args.models:
        wanted = set(args.models.split(","))
        paths = [p for p in paths if os.path.splitext(os.path.basename(p))[0] in wanted]
    if not paths:
        sys.exit("no models to check")
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        rows = list(pool.map(lambda p: check_model(p, args), paths))
    failed = 0
    print(f"{'model':28} " + " ".join(f"{t:>10}" for t in args.targets) + "  details")
    for name, results in rows:
        statuses = [results[t][0] for t in args.targets]
        failed += any(s != "ok" for s in statuses)
        details = "; ".join(f"{t}: {' '.join(results[t][1])}" for t in args.targets)
        print(f"{name:28} " + " ".join(f"{s:>10}" for s in statuses) + "  " + details)
    print(f"zoo vs ONNX Runtime: {len(rows) - failed} of {len(rows)} models match on "
          f"{', '.join(args.targets)} (rtol {args.rtol}, atol {args.atol})"
          + (f" with {args.threads} threads" if args.threads > 1 else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
