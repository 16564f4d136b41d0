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
    for path in (args.input, args.checkpoint):
        if not os.path.isfile(path):
            raise SystemExit(f"error: {path}: no such file")
    if args.frames < 2:
        raise SystemExit("usage error: --frames must be at least 2 (warping error compares pairs)")
    try:
        sizes = [int(s) for s in args.sizes.split(",")]
    except ValueError:
        raise SystemExit(f"usage error: --sizes {args.sizes}: not a list of widths such as 256,384")
    if any(w < 2 for w in sizes):
        raise SystemExit(f"usage error: --sizes {args.sizes}: widths must be at least 2")
    try:
        width, height = probe_size(args.input)
    except (subprocess.CalledProcessError, ValueError, IndexError):
        raise SystemExit(f"error: {args.input}: not a video ffprobe can read")
    try:
        os.makedirs(args.out, exist_ok=True)
        network = load_network(args.checkpoint, args.threads)
    except OSError as e:
        raise SystemExit(f"error: {e.filename or args.out}: {e.strerror}")
    except Exception as e:  # torch.load raises several kinds for a file that is not a checkpoint
        raise SystemExit(f"error: {args.checkpoint}: cannot be loaded as the paper's checkpoint ({type(e).__name__})")
    outputs = {"full": encoder(os.path.join(args.out, "map_full.mp4"), width, height)}
    for w in sizes:
        outputs[w] = encoder(os.path.join(args.out, f"map_{w}.mp4"), width, height)
    written = 0
    try:
        written = write_outputs(args, network, outputs, sizes, width, height)
    except BrokenPipeError:
        pass  # an encoder stopped (a full disk, say): the check below says so
    failed = False
    for name, process in outputs.items():
        try:
            process.stdin.close()
        except BrokenPipeError:
            pass
        path = os.path.join(args.out, f"map_{name}.mp4")
        # An output counts once it reads back whole: ffmpeg exits 0 even when the disk filled at its trailer.
        if process.wait() != 0 or written == 0 or frame_count(path) != written:
            failed = True
            if os.path.exists(path):
                os.remove(path)
            print(f"error: {path}: not written whole (see ffmpeg's message above); removed", file=sys.stderr)
    if failed:
        raise SystemExit(1)


def frame_count(path):
    """Frames ffprobe decodes from path; 0 where it cannot read it."""
    result = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames",
                             "-of", "csv=p=0", path], capture_output=True, text=True)
    try:
        return int(result.stdout.strip()) if result.returncode == 0 else 0
    except ValueError:
        return 0


def write_outputs(args, network, outputs, sizes, width, height):
    """Each frame's light map from the paper's network, then each output's frame to its encoder; the frames written."""
    count = 0
    with torch.no_grad():
        for frame in frames(args.input, width, height, args.frames):
            count += 1
            light = network(torch.from_numpy(frame.astype(np.float32) / 255.0).permute(2, 0, 1)[None])[0, 0].numpy()
            outputs["full"].stdin.write(enhanced(frame, light).tobytes())
            for w in sizes:
                h = max(1, round(w * height / width))
                small = cv2.resize(light, (w, h), interpolation=cv2.INTER_AREA)  # area mean: the student's target
                outputs[w].stdin.write(enhanced(frame, cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)).tobytes())
    return count


if __name__ == "__main__":
    main()
