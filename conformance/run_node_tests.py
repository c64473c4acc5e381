"""Runs ONNX's backend node tests (Debian's libonnx-testdata) through lwcc.

    python3 conformance/run_node_tests.py --bin build/bin [--targets x86_64,aarch64]
        [--data /usr/share/libonnx-testdata/data] [--filter REGEX] [--jobs 2] [--verbose]

A case is in scope when every op of its model is one lwcc imports (the
foundation issue's list). Each in-scope case is compiled per target and run
by lwcc-run (aarch64 under qemu-aarch64) on every test_data_set, comparing
with the shipped outputs at ONNX's backend-test tolerance (rtol 1e-3,
atol 1e-7). Outcomes:
  pass         every output of every data set matches;
  frozen       passes once the run-time parameter inputs (shapes, axes, scales:
               every input after the first, or the only one) are frozen with
               `lwcc --freeze-input`, one compile per data set; lwcc compiles
               static shapes, so it cannot take these at run time;
  fail         a mismatch, a crash, or an unexpected compile error;
  unsupported  lwcc rejects a documented out-of-scope variant of an in-scope op
               with a diagnostic (e.g. 3-D convolutions, training-mode Dropout,
               float64 values); listed, not hidden;
  out-of-scope the model uses an op lwcc does not target (not compiled).
Prints a per-case table (--verbose) and totals per target; exits 1 if any
in-scope case fails.
"""
import argparse
import concurrent.futures
import glob
import os
import re
import subprocess
import sys
import tempfile

import onnx

IN_SCOPE_OPS = {
    "Conv", "ConvTranspose", "BatchNormalization", "Relu", "Clip", "PRelu", "LeakyRelu",
    "HardSigmoid", "HardSwish", "Sigmoid", "Tanh", "Add", "Sub", "Mul", "Div", "Pow", "Sqrt",
    "Neg", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "ReduceMean",
    "Concat", "Split", "Slice", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose",
    "Gather", "Shape", "Cast", "Constant", "ConstantOfShape", "Identity", "Dropout", "Gemm",
    "MatMul", "Softmax", "Resize", "Upsample", "Pad", "Expand", "QuantizeLinear",
    "DequantizeLinear", "QLinearConv", "QLinearMatMul", "ConvInteger", "MatMulInteger",
}
# Diagnostics that mean "a variant lwcc documents as out of scope", not a
# bug, grouped into the reasons the summary reports.
UNSUPPORTED_REASONS = [
    ("opset outside 1-17", r"ONNX opset \d+ is not supported"),
    ("run-time shape or quantisation parameter", r"must be a compile-time constant"),
    ("float64/bfloat16/string/sequence types", r"float64|bfloat16|element type|target type|"
                                              r"sequence, map and optional"),
    ("zero-size tensors", r"zero-size"),
    ("training mode", r"training-mode"),
    
    ("3-D conv and pool", r"only 1-D and 2-D|expects 4-D|NCHW"),
    ("other documented variant", r"not supported|unsupported|not lowered by this backend yet"),
]
QEMU = ["qemu-aarch64", "-L", "/usr/aarch64-linux-gnu"]


def model_ops(path):
    try:
        model = onnx.load(path, load_external_data=False)
    except Exception:  # a corrupt model is the importer's problem; let lwcc see it
        return None
    ops = set()

    def walk(graph):
        for node in graph.node:
            ops.add(node.op_type if node.domain in ("", "ai.onnx") else node.domain + "." + node.op_type)
            for attr in node.attribute:
                if attr.g.node:
                    walk(attr.g)
    walk(model.graph)
    return ops


def run(cmd, timeout=600):
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return proc.returncode, proc.stdout + proc.stderr
    except subprocess.TimeoutExpired:
        return -1, "timeout"


def graph_inputs(path):
    model = onnx.load(path, load_external_data=False)
    inits = {i.name for i in model.graph.initializer}
    return [i.name for i in model.graph.input if i.name not in inits]


def numbered(files):
    return sorted(files, key=lambda p: int(re.findall(r"\d+", os.path.basename(p))[0]))


def compile_and_run(model, target, lib, data_sets, args, freeze_names=None):
    """Compiles (once, or per data set when freezing) and runs every data set.
    Returns (status, detail) where status is pass/fail/unsupported-reason."""
    runner = [os.path.join(args.bin, "lwcc-run")]
    if target == "aarch64":
        runner = QEMU + [os.path.join(args.bin, "aarch64", "lwcc-run")]
    compiled = False
    # Every input after the first is a parameter; a model whose only input
    # is one (ConstantOfShape's shape) has it frozen too and runs without.
    first_frozen = 1 if freeze_names is not None and len(freeze_names) > 1 else 0
    for data_set in data_sets:
        inputs = numbered(glob.glob(os.path.join(data_set, "input_*.pb")))
        outputs = numbered(glob.glob(os.path.join(data_set, "output_*.pb")))
        if freeze_names is not None or not compiled:
            cmd = [os.path.join(args.bin, "lwcc"), model, f"-target={target}", "-o", lib]
            if freeze_names is not None:
                for name, file in zip(freeze_names[first_frozen:], inputs[first_frozen:]):
                    cmd.append(f"--freeze-input={name}={file}")
            rc, out = run(cmd)
            if rc != 0:
                first = next((l for l in out.splitlines() if "error" in l), out.strip()[:200])
                reason = next((r for r, pattern in UNSUPPORTED_REASONS
                               if re.search(pattern, first)), None) if rc == 1 else None
                return ("unsupported", first.strip(), reason) if reason else ("fail", first.strip(), None)
            compiled = True
        run_inputs = inputs[:first_frozen] if freeze_names is not None else inputs
        cmd = runner + [lib, "--rtol", "1e-3", "--atol", "1e-7"]
        for f in run_inputs:
            cmd += ["--input", f]
        for f in outputs:
            cmd += ["--expect", f]
        rc, out = run(cmd)
        if rc != 0:
            lines = [l for l in out.splitlines() if "MISMATCH" in l or "error" in l]
            return "fail", (lines[0] if lines else out.strip()[-200:]).strip(), None
    return ("frozen" if freeze_names is not None else "pass"), "", None


def check_case(case_dir, args, work):
    name = os.path.basename(case_dir)
    model = os.path.join(case_dir, "model.onnx")
    ops = model_ops(model)
    if ops is not None and not ops <= IN_SCOPE_OPS:
        return name, {t: ("out-of-scope", ",".join(sorted(ops - IN_SCOPE_OPS)), None)
                      for t in args.targets}
    data_sets = sorted(glob.glob(os.path.join(case_dir, "test_data_set_*")))
    results = {}
    for target in args.targets:
        lib = os.path.join(work, f"{name}-{target}.so")
        result = compile_and_run(model, target, lib, data_sets, args)
        if result[2] == "run-time shape or quantisation parameter":
            result = compile_and_run(model, target, lib, data_sets, args, graph_inputs(model))
        results[target] = result
        if os.path.exists(lib):
            os.remove(lib)
    return name, results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--data", default="/usr/share/libonnx-testdata/data")
    parser.add_argument("--targets", default="x86_64,aarch64")
    parser.add_argument("--filter", default="")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    args.targets = args.targets.split(",")
    cases = sorted(glob.glob(os.path.join(args.data, "node", "test_*")) +
                   glob.glob(os.path.join(args.data, "pytorch-converted", "test_*")))
    if args.filter:
        cases = [c for c in cases if re.search(args.filter, os.path.basename(c))]
    with tempfile.TemporaryDirectory(prefix="lwcc-conformance-") as work:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            rows = list(pool.map(lambda c: check_case(c, args, work), cases))
    totals = {t: {} for t in args.targets}
    reasons = {}
    for name, results in rows:
        for t in args.targets:
            totals[t][results[t][0]] = totals[t].get(results[t][0], 0) + 1
        reason = results[args.targets[0]][2]
        if reason:
            reasons[reason] = reasons.get(reason, 0) + 1
        show = args.verbose or any(results[t][0] in ("fail", "unsupported", "frozen")
                                   for t in args.targets)
        if show and any(results[t][0] != "out-of-scope" for t in args.targets):
            cells = " ".join(f"{results[t][0]:>12}" for t in args.targets)
            detail = next((results[t][1] for t in args.targets if results[t][1]), "")
            print(f"{name:60} {cells}  {detail[:150]}")
    print()
    print(f"unsupported cases by reason ({args.targets[0]}):")
    for reason, _ in UNSUPPORTED_REASONS:
        if reason in reasons:
            print(f"  {reasons[reason]:4}  {reason}")
    print()
    print(f"{'target':10} {'pass':>6} {'frozen':>7} {'fail':>6} {'unsupported':>12} "
          f"{'out-of-scope':>13} {'total':>6}")
    failed = False
    for t in args.targets:
        c = totals[t]
        print(f"{t:10} {c.get('pass', 0):6} {c.get('frozen', 0):7} {c.get('fail', 0):6} "
              f"{c.get('unsupported', 0):12} {c.get('out-of-scope', 0):13} {len(rows):6}")
        failed |= c.get("fail", 0) > 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
