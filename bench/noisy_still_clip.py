#!/usr/bin/env python3
"""A still scene as a webcam films it: one real photo, the same in every frame but for fresh sensor
noise (Poisson-Gaussian: shot noise of a sensor that counts PEAK photons at white, plus read noise
of standard deviation READ in [0, 1] units, in linear light) and H.264 compression (CRF 23), so
every frame differs the way a camera's do while nothing moves. What the low-frequency flicker of
an enhanced still scene is measured on (bench/video_stability.py).

Usage: noisy_still_clip.py --photo PHOTO --frames N --width W --height H [--peak 120] [--read 0.01] [--seed 7] OUTPUT.mp4
"""
import argparse
import subprocess

import numpy as np
from PIL import Image


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--photo", required=True)
    parser.add_argument("--frames", type=int, required=True)
    parser.add_argument("--width", type=int, required=True)
    parser.add_argument("--height", type=int, required=True)
    parser.add_argument("--peak", type=float, default=120.0, help="photons counted at white (lower: noisier)")
    parser.add_argument("--read", type=float, default=0.01, help="read noise, standard deviation in [0, 1]")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("output")
    args = parser.parse_args()

    photo = Image.open(args.photo).convert("RGB")
    # Cover the frame (crop the photo's excess), then take it to linear light.
    scale = max(args.width / photo.width, args.height / photo.height)
    resized = photo.resize((max(args.width, round(photo.width * scale)), max(args.height, round(photo.height * scale))), Image.LANCZOS)
    left, top = (resized.width - args.width) // 2, (resized.height - args.height) // 2
    srgb = np.asarray(resized.crop((left, top, left + args.width, top + args.height)), np.float64) / 255.0
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)

    rng = np.random.default_rng(args.seed)
    encoder = subprocess.Popen(["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{args.width}x{args.height}",
                                "-r", "30", "-i", "-", "-c:v", "libx264", "-crf", "23", "-pix_fmt", "yuv420p", args.output],
                               stdin=subprocess.PIPE)
    for _ in range(args.frames):
        noisy = rng.poisson(linear * args.peak) / args.peak + rng.normal(0.0, args.read, linear.shape)
        noisy = np.clip(noisy, 0.0, 1.0)
        encoded = np.where(noisy <= 0.0031308, noisy * 12.92, 1.055 * noisy ** (1 / 2.4) - 0.055)
        encoder.stdin.write(np.clip(np.round(encoded * 255.0), 0, 255).astype(np.uint8).tobytes())
    encoder.stdin.close()
    if encoder.wait() != 0:
        raise SystemExit(f"error: {args.output}: ffmpeg could not encode it")


if __name__ == "__main__":
    main()
