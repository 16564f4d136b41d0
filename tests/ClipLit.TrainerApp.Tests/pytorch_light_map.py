#!/usr/bin/env python3
"""The light map of a checkpoint in PyTorch (the paper's network, bench/pytorch_reference.py).

Usage: pytorch_light_map.py CHECKPOINT.pth INPUT.f32 HEIGHT WIDTH OUTPUT.f32
INPUT holds 3 x HEIGHT x WIDTH float32 RGB in [0, 1]; OUTPUT receives HEIGHT x WIDTH float32.
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from pytorch_reference import load_network  # noqa: E402


def main():
    checkpoint, source, height, width, target = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    network = load_network(checkpoint, 2)
    pixels = np.fromfile(source, dtype=np.float32).reshape(1, 3, height, width)
    with torch.no_grad():
        light = network(torch.from_numpy(pixels)).numpy().astype(np.float32)
    light.tofile(target)
    print(f"torch {torch.__version__}: light map {light.shape}")


if __name__ == "__main__":
    main()
