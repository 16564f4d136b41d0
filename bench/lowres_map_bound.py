#!/usr/bin/env python3
"""What a light map at the student's size can give at best on moving video, independently of ClipLit.

Fast quality lights a frame with a light map made at a fraction of its size (the student's 256x144 for
720p), upsampled bilinearly. However good the student, the map cannot be better than the paper's own
full-resolution map area-averaged to that size (what the student is trained to match). This script
makes those "perfect student" outputs for a clip and encodes them as ClipLit does (H.264, CRF 18,
4:2:0), so bench/video_stability.py can measure their warping error and PSNR against the paper's
output beside ClipLit's own:

  lowres_map_bound.py --input CLIP --frames N --out FOLDER [--sizes 256,384,512]
  -> FOLDER/map_full.mp4 (the paper per frame, from this script's maps) and FOLDER/map_W.mp4 per size

The paper's network is bench/pytorch_reference.py's (PyTorch 1.13, Debian's python3-torch): about
10-15 s a 720p frame on two cores.
"""
import argparse
import os
import subprocess
import sys

import cv2
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_reference import load_network  # noqa: E402
from video_stability import frames, probe_size  # noqa: E402


def encoder(path, width, height):
    """ffmpeg encoding RGB frames from its stdin as ClipLit's default does (argument list, no shell)."""
    return subprocess.Popen(["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", "30",
                             "-i", "-", "-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p", path], stdin=subprocess.PIPE)


def enhanced(frame, light):
    """clamp(I / L, 0, 1), rounded as torchvision saves it."""
    out = np.clip(frame.astype(np.float32) / 255.0 / np.maximum(light, 1e-6)[..., None], 0.0, 1.0)
    return np.floor(out * 255.0 + 0.5).astype(np.uint8)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    parser.add_argument("--frames", type=int, required=True, help="the first N frames")
    parser.add_argument("--out", required=True, help="a folder for the outputs")
    parser.add_argument("--sizes", default="256,384,512", help="map widths (the height keeps the frame's aspect)")
    parser.add_argument("--checkpoint", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "models", "clip-lit", "enhancement_model.pth"))
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()

    width, height = probe_size(args.input)
    sizes = [int(s) for s in args.sizes.split(",")]
    os.makedirs(args.out, exist_ok=True)
    network = load_network(args.checkpoint, args.threads)
    outputs = {"full": encoder(os.path.join(args.out, "map_full.mp4"), width, height)}
    for w in sizes:
        outputs[w] = encoder(os.path.join(args.out, f"map_{w}.mp4"), width, height)
    with torch.no_grad():
        for frame in frames(args.input, width, height, args.frames):
            light = network(torch.from_numpy(frame.astype(np.float32) / 255.0).permute(2, 0, 1)[None])[0, 0].numpy()
            outputs["full"].stdin.write(enhanced(frame, light).tobytes())
            for w in sizes:
                h = max(1, round(w * height / width))
                small = cv2.resize(light, (w, h), interpolation=cv2.INTER_AREA)  # area mean: the student's target
                outputs[w].stdin.write(enhanced(frame, cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)).tobytes())
    for process in outputs.values():
        process.stdin.close()
        if process.wait() != 0:
            raise SystemExit("error: ffmpeg failed to encode an output")


if __name__ == "__main__":
    main()
