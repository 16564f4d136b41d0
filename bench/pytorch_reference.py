#!/usr/bin/env python3
"""PyTorch reference timings of the CLIP-LIT enhancement network (UNet_emb_oneBranch_symmetry).

Written from the architecture described in shared/README.md, not copied from the paper's code.
Run with Debian's python3-torch (PyTorch 1.13, the paper's version). For each image it reports
the network's forward time (light map only, torch.no_grad, float32, CPU) as one JSON object per
line: {"name", "width", "height", "seconds": [...], "peak_rss_mib"}.

Usage: pytorch_reference.py --checkpoint enhancement_model.pth --threads 2 --repeat 3 IMAGE...
"""
import argparse
import json
import resource
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image


def conv3x3(cin, cout, bias, padding_mode):
    return nn.Conv2d(cin, cout, 3, 1, 1, bias=bias, padding_mode=padding_mode)


class ResidualBlock(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.conv1 = conv3x3(channels, channels, False, "reflect")
        self.conv2 = conv3x3(channels, channels, False, "reflect")

    def forward(self, x):
        out = F.leaky_relu(self.conv1(x), 0.2)
        out = self.conv2(out) + x
        return F.leaky_relu(out, 0.2)


class PyramidPooling(nn.Module):
    def __init__(self, channels=32, reduced=8, bins=(1, 2, 3, 6)):
        super().__init__()
        self.features = nn.ModuleList(
            nn.Sequential(nn.AdaptiveAvgPool2d(b), nn.Conv2d(channels, reduced, 1, bias=False), nn.PReLU())
            for b in bins)
        self.fuse = nn.Sequential(nn.Conv2d(channels + reduced * len(bins), channels, 3, padding=1, bias=False), nn.PReLU())

    def forward(self, x):
        size = x.shape[2:]
        out = [x] + [F.interpolate(f(x), size, mode="bilinear", align_corners=True) for f in self.features]
        return self.fuse(torch.cat(out, 1))


class EnhancementNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.cond1 = conv3x3(3, 32, True, "reflect")
        self.ResidualBlock1 = ResidualBlock(32)
        self.ResidualBlock2 = ResidualBlock(32)
        self.PPM1 = PyramidPooling()
        self.condx = conv3x3(32, 64, True, "reflect")
        self.ResidualBlock3 = ResidualBlock(64)
        self.ResidualBlock4 = ResidualBlock(64)
        self.condy = conv3x3(64, 32, True, "reflect")
        self.ResidualBlock5 = ResidualBlock(32)
        self.ResidualBlock6 = ResidualBlock(32)
        self.cond_add1 = conv3x3(32, 1, True, "reflect")

    def forward(self, x):
        x = F.leaky_relu(self.cond1(x), 0.2)
        x = self.ResidualBlock2(self.ResidualBlock1(x))
        x = self.condx(self.PPM1(x))
        x = self.condy(self.ResidualBlock4(self.ResidualBlock3(x)))
        x = self.ResidualBlock6(self.ResidualBlock5(x))
        return F.relu(self.cond_add1(x))


def load_network(checkpoint, threads):
    """The paper's network with a checkpoint's weights (DataParallel's module. prefix stripped), in eval mode."""
    torch.set_num_threads(threads)
    network = EnhancementNetwork()
    state = torch.load(checkpoint, map_location="cpu")
    network.load_state_dict({k[len("module."):] if k.startswith("module.") else k: v for k, v in state.items()})
    return network.eval()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("images", nargs="+")
    args = parser.parse_args()
    network = load_network(args.checkpoint, args.threads)

    for path in args.images:
        pixels = np.asarray(Image.open(path).convert("RGB")) / 255.0
        x = torch.from_numpy(pixels).float().permute(2, 0, 1).unsqueeze(0).contiguous()
        seconds = []
        with torch.no_grad():
            for _ in range(args.repeat):
                start = time.perf_counter()
                network(x)
                seconds.append(time.perf_counter() - start)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        print(json.dumps({"name": path, "width": x.shape[3], "height": x.shape[2], "seconds": seconds,
                          "peak_rss_mib": peak, "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
