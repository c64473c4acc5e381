"""Exports torchvision's lightweight CNNs to ONNX for lwcc's model-zoo tests.

Weights are torchvision's random initialisation (this machine has no network
to fetch pretrained ones); the graphs are exactly what the exporter emits for
the pretrained models. Batch-norm statistics are then measured on random
batches, so activations keep a realistic scale through the network and the
outputs are O(1) rather than vanishing: a numerical comparison with a
reference is only meaningful on values that are not all ~0. A fixed seed
makes every export reproducible.

    python3 models/export_zoo.py OUT_DIR [--opsets 11,13] [--models a,b]

writes OUT_DIR/<model>_op<opset>.onnx and prints one line per file.
"""
import argparse
import os
import sys

import torch
import torchvision

# name -> input resolution. resnet18 is the dense reference.
ZOO = {
    "mobilenet_v2": 224,
    "mobilenet_v3_small": 224,
    "mobilenet_v3_large": 224,
    "shufflenet_v2_x0_5": 224,
    "shufflenet_v2_x1_0": 224,
    "squeezenet1_0": 224,
    "squeezenet1_1": 224,
    "mnasnet0_5": 224,
    "mnasnet1_0": 224,
    "efficientnet_b0": 224,
    "regnet_x_400mf": 224,
    "resnet18": 224,
}


def calibrate_batch_norm(model, size):
    """Sets every BatchNorm's running statistics to those of random inputs."""
    for m in model.modules():
        if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
            m.reset_running_stats()
            m.momentum = None  # cumulative average over the batches below
    model.train()
    with torch.no_grad():
        for _ in range(2):
            model(torch.randn(4, 3, size, size))


def export(name, opset, out_dir):
    torch.manual_seed(0)
    model = getattr(torchvision.models, name)(weights=None)
    size = ZOO[name]
    calibrate_batch_norm(model, size)
    model.eval()
    x = torch.randn(1, 3, size, size)
    path = os.path.join(out_dir, f"{name}_op{opset}.onnx")
    with torch.no_grad():
        torch.onnx.export(model, x, path, opset_version=opset,
                          input_names=["input"], output_names=["output"],
                          do_constant_folding=True)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--opsets", default="11,13")
    parser.add_argument("--models", default=",".join(ZOO))
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    torch.set_num_threads(1)
    for name in args.models.split(","):
        if name not in ZOO:
            sys.exit(f"unknown model '{name}'; known: {', '.join(ZOO)}")
        for opset in args.opsets.split(","):
            print(export(name, int(opset), args.out_dir), flush=True)


if __name__ == "__main__":
    main()
