#!/usr/bin/env python3
"""The naive video baseline ClipLit's video benchmark compares against: ffmpeg decodes frames to a
pipe, the paper's network runs on each frame in PyTorch (as in the paper's test script:
clamp(I / L, 0, 1), rounded like torchvision), and ffmpeg encodes the results (H.264, CRF 18).
One process, one frame at a time, no overlap. Prints one JSON object: frames, seconds, fps.

Usage: pytorch_video_baseline.py --checkpoint CKPT --threads N --frames N INPUT OUTPUT
"""
import argparse
import json
import subprocess
import sys
import time

import numpy as np
import torch

from pytorch_reference import load_network


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--frames", type=int, required=True)
    parser.add_argument("input")
    parser.add_argument("output")
    args = parser.parse_args()

    network = load_network(args.checkpoint, args.threads)

    probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height,r_frame_rate",
                            "-of", "csv=p=0", args.input], capture_output=True, text=True, check=True).stdout.strip().split(",")
    width, height, rate = int(probe[0]), int(probe[1]), probe[2]

    start = time.perf_counter()
    decoder = subprocess.Popen(["ffmpeg", "-v", "error", "-i", args.input, "-frames:v", str(args.frames), "-f", "rawvideo",
                                "-pix_fmt", "rgb24", "-"], stdout=subprocess.PIPE)
    encoder = subprocess.Popen(["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}",
                                "-r", rate, "-i", "-", "-c:v", "libx264", "-crf", "18", "-pix_fmt", "yuv420p", args.output],
                               stdin=subprocess.PIPE)
    frame_bytes = width * height * 3
    frames = 0
    with torch.no_grad():
        while True:
            raw = decoder.stdout.read(frame_bytes)
            if len(raw) < frame_bytes:
                break
            image = np.frombuffer(raw, dtype=np.uint8).reshape(height, width, 3) / 255.0
            x = torch.from_numpy(image).float().permute(2, 0, 1).unsqueeze(0).contiguous()
            enhanced = torch.clamp(x / network(x), 0, 1)
            out = enhanced[0].mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to(torch.uint8).numpy()
            encoder.stdin.write(out.tobytes())
            frames += 1
    encoder.stdin.close()
    encoder.wait()
    decoder.wait()
    seconds = time.perf_counter() - start
    print(json.dumps({"frames": frames, "seconds": seconds, "fps": frames / seconds, "width": width, "height": height}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
