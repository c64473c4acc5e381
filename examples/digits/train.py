"""Trains the bundled example: a tiny MobileNet-style CNN on scikit-learn's
8x8 digits (python3-sklearn ships the data; nothing is downloaded).

    /usr/bin/python3 examples/digits/train.py [OUT_DIR]

Writes digits.onnx (opset 13, symbolic batch), and the held-back test set:
test_images.npy (float32 [N,1,8,8], pixels / 16) and test_labels.npy (int64).
Deterministic: fixed seeds, one thread.
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn
from sklearn.datasets import load_digits

HELD_BACK = 360


class Block(nn.Module):
    """Depthwise 3x3 -> pointwise 1x1 with batch norm, as in MobileNet."""

    def __init__(self, cin, cout, act):
        super().__init__()
        self.dw = nn.Conv2d(cin, cin, 3, padding=1, groups=cin, bias=False)
        self.bn1 = nn.BatchNorm2d(cin)
        self.pw = nn.Conv2d(cin, cout, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.act = act()

    def forward(self, x):
        return self.act(self.bn2(self.pw(nn.functional.relu6(self.bn1(self.dw(x))))))


class DigitsNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1, bias=False),
                                  nn.BatchNorm2d(16), nn.ReLU6())
        self.block1 = Block(16, 32, nn.Hardswish)
        self.pool = nn.MaxPool2d(2)
        self.block2 = Block(32, 48, nn.Hardswish)
        self.head = nn.Linear(48, 10)

    def forward(self, x):
        x = self.block2(self.pool(self.block1(self.stem(x))))
        return self.head(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    torch.manual_seed(0)
    torch.set_num_threads(1)
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[:, None]
    labels = digits.target.astype(np.int64)
    order = np.random.default_rng(0).permutation(len(labels))
    test, train = order[:HELD_BACK], order[HELD_BACK:]
    x, y = torch.from_numpy(images[train]), torch.from_numpy(labels[train])

    model = DigitsNet()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    for epoch in range(40):
        model.train()
        perm = torch.randperm(len(y))
        for i in range(0, len(y), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(images[test])).argmax(1).numpy()
    print(f"torch accuracy on {HELD_BACK} held-back digits: {(pred == labels[test]).mean():.4f}")

    np.save(os.path.join(out, "test_images.npy"), images[test])
    np.save(os.path.join(out, "test_labels.npy"), labels[test])
    torch.onnx.export(model, torch.zeros(1, 1, 8, 8), os.path.join(out, "digits.onnx"),
                      opset_version=13, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}})


if __name__ == "__main__":
    main()
