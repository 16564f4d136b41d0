#!/usr/bin/env bash
# Installs the Debian packages ClipLit needs, and nothing when they are all present (idempotent).
#   build:   gcc, libc6-dev, binutils, patchelf  (TorchSharp's libstdc++ patch, see build/torchsharp-glibcxx)
#   video:   ffmpeg
#   GPU:     libvulkan1, mesa-vulkan-drivers (lavapipe: a real Vulkan device on CPU-only machines),
#            vulkan-validationlayers, vulkan-tools, glslc (shaders to SPIR-V)
#   window:  libglfw3 and the X libraries it loads at run time (libxrandr2, libxcursor1, libxi6,
#            libxinerama1, libx11-xcb1), xvfb, xauth (windows under a virtual X server in tests),
#            xdotool (tests press the live window's keys)
#   bench:   python3-torch (PyTorch 1.13, the paper's version and the speed reference), python3-pil, python3-numpy,
#            libopenblas0-pthread (an optimized BLAS for the training reference; python3-torch alone uses reference BLAS),
#            python3-opencv (DIS optical flow for the warping error of bench/video_stability.py, independent of ClipLit's code)
#   jobs:    slurm-wlm (slurmctld, slurmd and the client commands sbatch, squeue, scontrol, scancel, sinfo),
#            munge (Slurm's authentication); the tests start their own private single-node cluster
set -euo pipefail

packages=(
  ca-certificates curl gcc libc6-dev binutils patchelf
  ffmpeg
  libvulkan1 mesa-vulkan-drivers vulkan-validationlayers vulkan-tools glslc
  libglfw3 libxrandr2 libxcursor1 libxi6 libxinerama1 libx11-xcb1 xvfb xauth xdotool
  python3 python3-torch python3-pil python3-numpy libopenblas0-pthread python3-opencv
  slurm-wlm munge
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "installed" ]] || missing+=("$package")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "system packages: all ${#packages[@]} present"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "error: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi

echo "system packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: done"
