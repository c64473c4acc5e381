"""Prints the accuracy of saved logits against the held-back labels.

    python3 examples/digits/accuracy.py LOGITS.npy LABELS.npy NAME
"""
import sys

import numpy as np

logits, labels, name = np.load(sys.argv[1]), np.load(sys.argv[2]), sys.argv[3]
correct = int((logits.argmax(1) == labels).sum())
print(f"{name}: {correct}/{len(labels)} held-back digits correct, "
      f"accuracy {correct / len(labels):.4f}")
