#!/usr/bin/env python3
"""Temporal stability and fidelity of enhanced videos, measured the standard way and independently of
ClipLit's own code: warping error (Lai et al., ECCV 2018, "Learning Blind Video Temporal Consistency")
with optical flow from a reference implementation (OpenCV's DIS, medium preset) estimated on the
*input* video, PSNR of each output against a reference output frame by frame, and the low-frequency
flicker of the output (temporal standard deviation of 16x16 block means of luma, for still scenes).

Warping error of an output O over frame pairs (t, t+1):
  E = mean over pairs of  sum_i M_t(i) * ||O_t(i) - warp(O_t+1)(i)||^2 / sum_i M_t(i)     (x1000, RGB in [0, 1])
where warp(O_t+1)(p) = O_t+1(p + F(p)), F the input's flow t -> t+1, and M_t masks the pixels that
fail the forward-backward check (occlusions, disocclusions, flow failures):
  |F(p) + B(p + F(p))|^2 <= 0.01 (|F(p)|^2 + |B(p + F(p))|^2) + 0.5, B the flow t+1 -> t.
Pairs across a scene cut (fewer than half the pixels pass the check) are left out and counted.

Prints one JSON object: {"pairs", "cut_pairs", "outputs": {NAME: {"warping_error", "flicker",
"psnr_mean", "psnr_min"}}} (PSNR only with --reference).

Usage: video_stability.py --input IN.mp4 [--reference REF.mp4] [--frames N] NAME=OUT.mp4 ...
"""
import argparse
import json
import subprocess
import sys

import cv2
import numpy as np


def probe_size(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                          "-of", "csv=p=0", path], capture_output=True, text=True, check=True).stdout.strip().split(",")
    return int(out[0]), int(out[1])


def frames(path, width, height, limit):
    """RGB frames as uint8 arrays, decoded by ffmpeg (each frame in display order)."""
    args = ["ffmpeg", "-v", "error", "-i", path]
    if limit:
        args += ["-frames:v", str(limit)]
    args += ["-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    decoder = subprocess.Popen(args, stdout=subprocess.PIPE)
    size = width * height * 3
    try:
        while True:
            data = decoder.stdout.read(size)
            if len(data) < size:
                break
            yield np.frombuffer(data, np.uint8).reshape(height, width, 3)
    finally:
        decoder.stdout.close()
        if decoder.wait() != 0:
            raise SystemExit(f"error: {path}: ffmpeg could not decode it")


def warp(image, flow):
    """image(p + flow(p)), bilinear, edges clamped."""
    h, w = flow.shape[:2]
    grid_x, grid_y = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return cv2.remap(image, grid_x + flow[..., 0], grid_y + flow[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def consistent(forward, backward):
    """Lai et al.'s mask: the pixels whose forward flow the backward flow undoes."""
    back = warp(backward, forward)
    total = forward + back
    bound = 0.01 * ((forward ** 2).sum(-1) + (back ** 2).sum(-1)) + 0.5
    return (total ** 2).sum(-1) <= bound


def luma(rgb):
    return rgb.astype(np.float32) @ np.array([0.2126, 0.7152, 0.0722], np.float32) / 255.0


def block_means(rgb, block=16):
    y = luma(rgb)
    h, w = (y.shape[0] // block) * block, (y.shape[1] // block) * block
    return y[:h, :w].reshape(h // block, block, w // block, block).mean(axis=(1, 3))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True, help="the video the outputs were made from (flow is estimated on it)")
    parser.add_argument("--reference", help="a reference output (e.g. the paper's network per frame) for PSNR")
    parser.add_argument("--frames", type=int, default=0, help="only the first N frames")
    parser.add_argument("outputs", nargs="+", help="NAME=PATH of each output")
    args = parser.parse_args()
    cv2.setNumThreads(1)

    width, height = probe_size(args.input)
    named = [o.split("=", 1) for o in args.outputs]
    if any(len(n) != 2 for n in named):
        raise SystemExit("usage error: outputs are NAME=PATH")
    for name, path in named:
        if probe_size(path) != (width, height):
            raise SystemExit(f"error: {path}: not {width}x{height} like the input")

    dis = cv2.DISOpticalFlow_create(cv2.DISOPTICAL_FLOW_PRESET_MEDIUM)
    streams = [frames(args.input, width, height, args.frames)] + [frames(p, width, height, args.frames) for _, p in named]
    reference = frames(args.reference, width, height, args.frames) if args.reference else None

    sums = {name: 0.0 for name, _ in named}
    psnrs = {name: [] for name, _ in named}
    blocks = {name: [] for name, _ in named}
    pairs = cut_pairs = 0
    previous = None
    for index, current in enumerate(zip(*streams)):
        source, outputs = current[0], current[1:]
        ref = next(reference) if reference is not None else None
        for (name, _), out in zip(named, outputs):
            blocks[name].append(block_means(out))
            if ref is not None:
                mse = np.mean((out.astype(np.float64) - ref.astype(np.float64)) ** 2)
                psnrs[name].append(99.0 if mse == 0 else 10 * np.log10(255.0 ** 2 / mse))
        if previous is not None:
            gray_before = cv2.cvtColor(previous[0], cv2.COLOR_RGB2GRAY)
            gray_now = cv2.cvtColor(source, cv2.COLOR_RGB2GRAY)
            forward = dis.calc(gray_before, gray_now, None)
            backward = dis.calc(gray_now, gray_before, None)
            mask = consistent(forward, backward)
            if mask.mean() < 0.5:
                cut_pairs += 1
            else:
                pairs += 1
                for (name, _), before, now in zip(named, previous[1:], outputs):
                    warped = warp(now.astype(np.float32) / 255.0, forward)
                    difference = ((before.astype(np.float32) / 255.0 - warped) ** 2).sum(-1)
                    sums[name] += float(difference[mask].mean())
        previous = current

    if pairs == 0:
        raise SystemExit(f"error: {args.input}: no frame pairs to compare (too short, or every pair is a cut)")
    result = {"pairs": pairs, "cut_pairs": cut_pairs, "outputs": {}}
    for name, _ in named:
        entry = {"warping_error": 1000.0 * sums[name] / pairs,
                 "flicker": 1000.0 * float(np.std(np.stack(blocks[name]), axis=0).mean())}
        if psnrs[name]:
            entry["psnr_mean"] = float(np.mean(psnrs[name]))
            entry["psnr_min"] = float(np.min(psnrs[name]))
        result["outputs"][name] = entry
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()
