"""lwcc against ONNX Runtime on the issue-4 model set: a command, not a test.

    python3 bench/run.py --bin build/bin [--models a,b] [--threads 1,2]
                         [--runs 50] [--rounds 10] [--work /tmp/lwcc-bench]
                         [--profile]

For each model: export it (torchvision zoo models via models/export_zoo.py,
MobileNetV1 / RepVGG-A0 / MobileOne-S0 via bench/models.py), compile it with
`lwcc -O3` for the host (compile time measured), then time lwcc-run and
ONNX Runtime 1.30 (scripts/ort_run.js) on the same seeded input with the
same thread count: median of --runs runs after warm-up. The runs are
taken in --rounds rounds (default 10) that alternate between the two (a
fresh process each, warmed up each time), and the median is over all of a
side's runs. The ratio pairs the rounds: the median over rounds of the
round's lwcc median / ORT median, the two measured within a second of
each other. On a shared or virtual machine the cores slow down for
seconds at a time (bench/fma_peak itself reads 116-230 GFLOP/s with 2
threads on the 2-vCPU VM lwcc is developed on): a slow phase that hit
one side's 50 back-to-back runs and not the other's swung ratios by 20%
and more, and one that spans most of a model's rounds still moves the
pooled medians, less the paired ratio. The row shows both ratios
("pooled": lwcc ms / ORT ms), and under "machine" the median over its
rounds of bench/fma_peak with that many threads, run at each round's
start, as a share of the best: a row measured well below 100% was
measured on a slowed machine. GFLOP/s counts
2 x the multiply-accumulates of Conv/Gemm/MatMul in the graph as exported
(train-time branches included); % peak divides by the FMA peak bench/fma_peak.c
measures with that many threads (the best of 5 measurements: a peak
is what the machine can do). Prints one row per model and thread count
and the geometric mean of lwcc/ORT per thread count. With --profile, each
model is also compiled with `lwcc --profile` and run single-threaded under
`lwcc-run --profile`: the pointwise-convolution layers' combined GFLOP/s and
% of the 1-thread peak, and the slowest pointwise layer's.
"""
import argparse
import math
import os
import re
import statistics
import subprocess
import sys
import time

import numpy as np
import onnx
from onnx import shape_inference

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "models"))
sys.path.insert(0, os.path.join(ROOT, "bench"))

ZOO_MODELS = ["mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large",
              "shufflenet_v2_x1_0", "squeezenet1_1", "mnasnet1_0", "efficientnet_b0",
              "regnet_x_400mf", "resnet18"]
OWN_MODELS = ["mobilenet_v1", "repvgg_a0_train", "mobileone_s0_train"]


def run(cmd, timeout=1800):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{proc.stdout}{proc.stderr}")
    return proc.stdout + proc.stderr


def export(name, work):
    path = os.path.join(work, name + ".onnx")
    if os.path.exists(path):
        return path
    if name in OWN_MODELS:
        import models as own  # bench/models.py
        return own.export(name, work)
    import export_zoo
    exported = export_zoo.export(name, 13, work)
    os.replace(exported, path)
    return path


def graph_flops(path):
    model = shape_inference.infer_shapes(onnx.load(path))
    shapes = {}
    for v in list(model.graph.value_info) + list(model.graph.input) + list(model.graph.output):
        shapes[v.name] = [d.dim_value for d in v.type.tensor_type.shape.dim]
    for t in model.graph.initializer:
        shapes[t.name] = list(t.dims)
    macs = 0
    for node in model.graph.node:
        out = shapes.get(node.output[0])
        if not out:
            continue
        if node.op_type == "Conv":
            w = shapes[node.input[1]]
            macs += math.prod(out) * math.prod(w[1:])
        elif node.op_type in ("Gemm", "MatMul"):
            a = shapes[node.input[0]]
            trans_a = any(x.name == "transA" and x.i for x in node.attribute)
            macs += math.prod(out) * (a[0] if trans_a else a[-1])
    return 2 * macs


def pointwise_rate(output):
    """(combined GFLOP/s, slowest layer GFLOP/s) of the pointwise entries of
    an `lwcc-run --profile` table."""
    total = re.search(r"^\s*[0-9.]+\s+[0-9.]+\s+([0-9.]+)\s+pointwise\s*$", output, re.M)
    layers = [float(m.group(1)) for m in
              re.finditer(r"^\s*[0-9.]+\s+[0-9.]+\s+([0-9.]+)\s+pointwise\s+\S", output, re.M)]
    if not total or not layers:
        return None
    return float(total.group(1)), min(layers)


def run_times(output):
    """Every timed run's ms from a --bench --times output."""
    return [float(t) for t in re.search(r"^times:(.*)$", output, re.M).group(1).split()]


def gflops_of(output):
    return float(re.search(r"([0-9.]+) GFLOP/s", output).group(1))


def alternate(commands, runs, rounds, probe):
    """Runs each command (`--bench N --times` appended) for `runs` runs in
    all, taken in `rounds` rounds that alternate between the commands, and
    `probe` (bench/fma_peak) at the start of each round. Returns each
    command's median ms over all its runs, each round's medians (one per
    command), and the median of the probe's GFLOP/s."""
    per_round = -(-runs // rounds)
    pooled = [[] for _ in commands]
    by_round, probed = [], []
    for _ in range(rounds):
        probed.append(gflops_of(run(probe)))
        medians = []
        for i, command in enumerate(commands):
            times = run_times(run(command + ["--bench", str(per_round), "--times"]))
            pooled[i] += times
            medians.append(statistics.median(times))
        by_round.append(medians)
    return [statistics.median(t) for t in pooled], by_round, statistics.median(probed)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bin", required=True)
    parser.add_argument("--models", default=",".join(ZOO_MODELS + OWN_MODELS))
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10,
                        help="alternating rounds the runs are split into")
    parser.add_argument("--work", default="/tmp/lwcc-bench")
    parser.add_argument("--profile", action="store_true",
                        help="also report the pointwise layers' share of the FMA peak")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    threads = [int(t) for t in args.threads.split(",")]

    peak_exe = os.path.join(args.work, "fma_peak")
    # Clang splits 512-bit vectors in two on cores it prefers 256-bit
    # vectors for (Intel's AVX-512 parts): that would measure half the peak.
    run(["clang-22", "-O3", "-march=native", "-mprefer-vector-width=512",
         "-ffp-contract=fast", "-pthread",
         os.path.join(ROOT, "bench", "fma_peak.c"), "-o", peak_exe])
    peaks = {t: max(gflops_of(run([peak_exe, str(t)])) for _ in range(5))
             for t in set(threads) | {1}}
    for t in threads:
        print(f"measured FMA peak, {t} thread(s): {peaks[t]:.1f} GFLOP/s")

    print(f"\n{'model':22} {'thr':>3} {'lwcc ms':>9} {'ORT ms':>9} {'ratio':>6} {'pooled':>6} "
          f"{'GFLOP/s':>8} {'% peak':>7} {'compile s':>9} {'machine':>7}")
    ratios = {t: [] for t in threads}
    for name in args.models.split(","):
        try:
            path = export(name, args.work)
            flops = graph_flops(path)
            lib = os.path.join(args.work, name + ".so")
            start = time.monotonic()
            run([os.path.join(args.bin, "lwcc"), path, "-O3", "-o", lib])
            compile_s = time.monotonic() - start
            shape = [d.dim_value for d in onnx.load(path).graph.input[0].type.tensor_type.shape.dim]
            x = os.path.join(args.work, name + ".input.npy")
            np.save(x, np.random.default_rng(0).uniform(-1, 1, shape).astype(np.float32))
            for t in threads:
                (ours, theirs), by_round, probed = alternate(
                    [[os.path.join(args.bin, "lwcc-run"), lib, "--input", x, "--threads", str(t)],
                     ["node", os.path.join(ROOT, "scripts", "ort_run.js"), path,
                      os.path.join(args.work, name + ".ort"), "--threads", str(t), x]],
                    args.runs, args.rounds, [peak_exe, str(t)])
                gflops = flops / (ours * 1e-3) / 1e9
                ratio = statistics.median(a / b for a, b in by_round)
                ratios[t].append(ratio)
                print(f"{name:22} {t:3} {ours:9.2f} {theirs:9.2f} {ratio:6.2f} "
                      f"{ours / theirs:6.2f} {gflops:8.1f} {100 * gflops / peaks[t]:6.1f}% "
                      f"{compile_s:9.1f} {100 * probed / peaks[t]:6.0f}%", flush=True)
            if args.profile:
                profiled = os.path.join(args.work, name + ".profile.so")
                run([os.path.join(args.bin, "lwcc"), path, "-O3", "--profile", "-o", profiled])
                rates = pointwise_rate(run([os.path.join(args.bin, "lwcc-run"), profiled,
                                            "--input", x, "--bench", str(args.runs),
                                            "--threads", "1", "--profile"]))
                if rates:
                    print(f"{'':22} pointwise layers: {rates[0]:.1f} GFLOP/s "
                          f"({100 * rates[0] / peaks[1]:.1f}% of peak), slowest layer "
                          f"{rates[1]:.1f} GFLOP/s ({100 * rates[1] / peaks[1]:.1f}%)", flush=True)
        except Exception as e:  # one broken model must not hide the others
            print(f"{name:22} error: {str(e).strip().splitlines()[0][:120]}", flush=True)
    for t in threads:
        if ratios[t]:
            gm = math.exp(sum(math.log(r) for r in ratios[t]) / len(ratios[t]))
            print(f"geometric mean lwcc/ORT, {t} thread(s): {gm:.2f} over {len(ratios[t])} models")


if __name__ == "__main__":
    main()
