"""The benchmark's own models, written from their papers: MobileNetV1
(Howard et al. 2017) and, in their train-time multi-branch form, RepVGG-A0
(Ding et al. 2021) and MobileOne-S0 (Vasu et al. 2023). The multi-branch
graphs are what a re-parameterising compiler must merge at compile time.

    python3 bench/models.py OUT_DIR

writes OUT_DIR/{mobilenet_v1,repvgg_a0_train,mobileone_s0_train}.onnx (opset
13, 224x224, batch-norm statistics measured on random batches as the zoo
does, seed 0).
"""
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "models"))
from export_zoo import calibrate_batch_norm  # noqa: E402


def conv_bn(cin, cout, k, stride, groups=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
                         nn.BatchNorm2d(cout))


class MobileNetV1(nn.Module):
    # (output channels, stride) of the 13 depthwise-separable blocks.
    BLOCKS = [(64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2)] + \
             [(512, 1)] * 5 + [(1024, 2), (1024, 1)]

    def __init__(self, classes=1000):
        super().__init__()
        layers = [conv_bn(3, 32, 3, 2), nn.ReLU(inplace=True)]
        cin = 32
        for cout, stride in self.BLOCKS:
            layers += [conv_bn(cin, cin, 3, stride, groups=cin), nn.ReLU(inplace=True),
                       conv_bn(cin, cout, 1, 1), nn.ReLU(inplace=True)]
            cin = cout
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(1024, classes)

    def forward(self, x):
        x = self.features(x).mean((2, 3))
        return self.classifier(x)


class RepVGGBlock(nn.Module):
    """Train-time RepVGG block: 3x3 conv-BN + 1x1 conv-BN (+ identity BN),
    summed, then ReLU."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.dense = conv_bn(cin, cout, 3, stride)
        self.one = conv_bn(cin, cout, 1, stride)
        self.identity = nn.BatchNorm2d(cin) if cin == cout and stride == 1 else None

    def forward(self, x):
        y = self.dense(x) + self.one(x)
        if self.identity is not None:
            y = y + self.identity(x)
        return torch.relu(y)


class RepVGG(nn.Module):
    def __init__(self, blocks=(1, 2, 4, 14, 1), a=0.75, b=2.5, classes=1000):
        super().__init__()
        widths = [min(64, int(64 * a)), int(64 * a), int(128 * a), int(256 * a), int(512 * b)]
        layers, cin = [], 3
        for count, width in zip(blocks, widths):
            for i in range(count):
                layers.append(RepVGGBlock(cin, width, 2 if i == 0 else 1))
                cin = width
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(cin, classes)

    def forward(self, x):
        return self.classifier(self.features(x).mean((2, 3)))


class MobileOneBlock(nn.Module):
    """Train-time MobileOne block: k over-parameterised conv-BN branches,
    a 1x1 conv-BN scale branch (k x k convs only) and an identity BN when
    shapes allow, summed, then ReLU."""

    def __init__(self, cin, cout, kernel, stride, groups, branches):
        super().__init__()
        self.convs = nn.ModuleList(conv_bn(cin, cout, kernel, stride, groups)
                                   for _ in range(branches))
        self.scale = conv_bn(cin, cout, 1, stride, groups) if kernel > 1 else None
        self.identity = nn.BatchNorm2d(cin) if cin == cout and stride == 1 else None

    def forward(self, x):
        y = sum(conv(x) for conv in self.convs)
        if self.scale is not None:
            y = y + self.scale(x)
        if self.identity is not None:
            y = y + self.identity(x)
        return torch.relu(y)


class MobileOne(nn.Module):
    def __init__(self, blocks=(2, 8, 10, 1), widths=(0.75, 1.0, 1.0, 2.0), branches=4,
                 classes=1000):
        super().__init__()
        cin = min(64, int(64 * widths[0]))
        layers = [MobileOneBlock(3, cin, 3, 2, 1, 1)]
        for count, base, mult in zip(blocks, (64, 128, 256, 512), widths):
            cout = int(base * mult)
            for i in range(count):
                stride = 2 if i == 0 else 1
                layers.append(MobileOneBlock(cin, cin, 3, stride, cin, branches))  # depthwise
                layers.append(MobileOneBlock(cin, cout, 1, 1, 1, branches))  # pointwise
                cin = cout
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(cin, classes)

    def forward(self, x):
        return self.classifier(self.features(x).mean((2, 3)))


MODELS = {"mobilenet_v1": MobileNetV1, "repvgg_a0_train": RepVGG,
          "mobileone_s0_train": MobileOne}


def export(name, out_dir, size=224):
    torch.manual_seed(0)
    model = MODELS[name]()
    calibrate_batch_norm(model, size)
    model.eval()
    path = os.path.join(out_dir, name + ".onnx")
    with torch.no_grad():
        torch.onnx.export(model, torch.randn(1, 3, size, size), path, opset_version=13,
                          input_names=["input"], output_names=["output"],
                          do_constant_folding=True)
    return path


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    os.makedirs(sys.argv[1], exist_ok=True)
    torch.set_num_threads(1)
    for name in MODELS:
        print(export(name, sys.argv[1]), flush=True)


if __name__ == "__main__":
    main()
