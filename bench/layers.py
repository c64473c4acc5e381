"""Layer by layer, where lwcc spends its time against ONNX Runtime: a
diagnosis command, not a test.

    python3 bench/layers.py MODEL.onnx --bin build/bin [--input X.npy]
                            [--threads 1] [--runs 50] [--top 25]

Compiles MODEL with `lwcc -O3 --profile`, runs it under `lwcc-run
--profile`, and runs ONNX Runtime (scripts/ort_run.js --profile) on the
same input with the same thread count. ORT's trace gives every node's
kernel time per run (median over the runs after the first 10); lwcc's
profile every kernel's mean time. Both are summed per layer: a layer is
the ONNX node name up to its last "/" (so a conv and the activation,
batch-norm or QuickGelu ORT fused after it land together; lwcc names its
kernels after the node they came from). Prints the layers where lwcc is
furthest behind first, with what each side ran.

Names join for the torchvision models (a conv and its activation share the
block's prefix). Where ORT names a fused node after an activation that is
a layer of its own (regnet's ".../f/b/b.2/Relu" for the conv ".../f/b/b.0",
bench/models.py's MobileNetV1: ".../features.53/Relu" for the conv of
features.52), its time joins the closest lwcc layer before it in the same
block that ORT has no node for.
"""
import argparse
import collections
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def layer_of(name):
    """The layer a node (lwcc) or node output (ORT) belongs to."""
    name = re.sub(r"_output_\d+(_nchwc)?$", "", name)
    # ORT's fused x * sigmoid(x): ".../block.0.2/Mul/QuickGeluFusion/"
    # belongs to the conv ".../block.0.0" before it.
    fused = re.match(r"(.*)\.\d+/Mul/QuickGeluFusion/?$", name)
    if fused:
        return fused.group(1) + ".0"
    return name.rsplit("/", 1)[0] if "/" in name else name


def ort_layers(trace, skip=10):
    runs = collections.defaultdict(list)
    ops = collections.defaultdict(set)
    with open(trace) as f:
        for event in json.load(f):
            if event.get("cat") != "Node" or not event["name"].endswith("_kernel_time"):
                continue
            node = event["name"][: -len("_kernel_time")]
            runs[node].append(event["dur"] / 1000.0)
            ops[layer_of(node)].add(event["args"].get("op_name", "?"))
    totals = collections.Counter()
    for node, times in runs.items():
        kept = times[skip:] if len(times) > skip else times
        totals[layer_of(node)] += statistics.median(kept)
    return totals, ops


def lwcc_layers(output):
    totals = collections.Counter()
    kernels = collections.defaultdict(set)
    row = re.compile(r"^\s+([0-9.]+)\s+[0-9.]+\s+[0-9.]+\s+(\S+)\s+(\S+)\s+(\S+)\s*(\S*)$")
    for line in output.splitlines():
        m = row.match(line)
        if not m:
            continue
        ms, kind, node, _, shape = m.groups()
        if float(ms) == 0.0:
            continue
        totals[layer_of(node)] += float(ms)
        kernels[layer_of(node)].add(f"{kind} {shape}".strip())
    return totals, kernels


def join_siblings(mine, theirs, ops):
    """Moves an ORT layer that lwcc does not have onto the lwcc layer before
    it in the same block: ORT names a conv it fused with its activation
    after the activation (".../b.2/Relu" for torchvision's conv ".../b.0",
    ".../features.53/Relu" for bench/models.py's ".../features.52")."""
    numbered = re.compile(r"^(.*)\.(\d+)$")

    def index_under(layer, prefix):
        """N where `layer` is prefix.N or prefix.N/..., else None."""
        rest = layer[len(prefix) + 1:] if layer.startswith(prefix + ".") else ""
        head = rest.split("/")[0]
        return int(head) if head.isdigit() else None

    for layer in [k for k in theirs if k not in mine]:
        m = numbered.match(layer)
        if not m:
            continue
        prefix, index = m.group(1), int(m.group(2))
        before = [(index_under(k, prefix), k) for k in mine if k not in theirs]
        before = [(n, k) for n, k in before if n is not None and n < index]
        if not before:
            continue
        target = max(before)[1]
        theirs[target] += theirs.pop(layer)
        ops[target] |= ops.pop(layer, set())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model")
    parser.add_argument("--bin", required=True)
    parser.add_argument("--input", help=".npy input (default: uniform(-1, 1), seed 0, as "
                        "bench/run.py; single-input models only)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="lwcc-layers-")
    lib = os.path.join(work, "model.so")
    subprocess.run([os.path.join(args.bin, "lwcc"), args.model, "-O3", "--profile", "-o", lib],
                   check=True)
    x = args.input
    if not x:
        import numpy as np
        import onnx
        dims = onnx.load(args.model).graph.input[0].type.tensor_type.shape.dim
        x = os.path.join(work, "input.npy")
        np.save(x, np.random.default_rng(0).uniform(-1, 1, [d.dim_value for d in dims])
                .astype(np.float32))
    lwcc = subprocess.run([os.path.join(args.bin, "lwcc-run"), lib, "--input", x, "--profile",
                           "--bench", str(args.runs), "--threads", str(args.threads)],
                          check=True, capture_output=True, text=True).stdout
    ort = subprocess.run(["node", os.path.join(ROOT, "scripts", "ort_run.js"), args.model,
                          os.path.join(work, "ort"), "--threads", str(args.threads),
                          "--bench", str(args.runs), "--profile", os.path.join(work, "trace"),
                          x], check=True, capture_output=True, text=True).stdout
    trace = re.search(r"^profile: (.+)$", ort, re.M).group(1)

    theirs, ops = ort_layers(trace)
    mine, kernels = lwcc_layers(lwcc)
    join_siblings(mine, theirs, ops)
    print(f"sum of layers: lwcc {sum(mine.values()):.3f} ms, ORT {sum(theirs.values()):.3f} ms "
          f"({args.threads} thread(s); profiled runs are slower than unprofiled ones)")
    print(f"{'lwcc-ORT':>9} {'lwcc':>7} {'ORT':>7}  layer | lwcc kernels | ORT ops")
    layers = sorted(set(mine) | set(theirs), key=lambda k: theirs[k] - mine[k])
    for layer in layers[: args.top]:
        print(f"{mine[layer] - theirs[layer]:+9.3f} {mine[layer]:7.3f} {theirs[layer]:7.3f}  "
              f"{layer} | {', '.join(sorted(kernels[layer]))} | {', '.join(sorted(ops[layer]))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
