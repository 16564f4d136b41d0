#!/usr/bin/env bash
# The proof of the NVIDIA path in one command, on a machine with an NVIDIA GPU and no .NET SDK,
# from the bundle bench/gpu_bundle.sh wrote (docs/gpu.md, "On a lent GPU machine"):
#
#   bash bench/gpu_check.sh [--rehearse] DIR
#
# 1. gathers the bundle's pieces (.gpu/K folders in the working tree, and what earlier calls left in
#    $CLIPLIT_GPU_PIECES, default /tmp/cl) and unpacks the app once;
# 2. finds the libraries: the Vulkan loader and GLVND (from .gpu/gl when the machine has no loader),
#    CUDA 13 and cuDNN 9 from the Python packages' nvidia/*/lib folders, prepended to
#    LD_LIBRARY_PATH (never replacing it: the driver may be found through it), NVIDIA's Vulkan ICD;
# 3. `cliplit doctor` (DIR/doctor.txt), stopping at the first broken link unless it says zero-copy;
# 4. `cliplit bench gpu` at 1080p, full quality (DIR/proof.log, DIR/benchmarks.md,
#    DIR/zero-copy-frame.png): the CUDA light map, a frame, a stale frame and the frame engine
#    against the CPU path, then enhancer ms, engine fps, file-to-file fps, copy nodes, TF32 on/off.
# Also DIR/environment.txt: the GPU, the library path, and what the CUDA provider cannot resolve.
# Exits non-zero at the first failure, naming it; the whole run is held under 8 minutes.
#
# --rehearse: the same on a machine without a GPU (CUDA replaced by the CPU path in the bench,
# doctor's verdict not required, small frames) to try everything but CUDA before GPU time is spent.
set -euo pipefail

rehearse=0
if [ "${1:-}" = "--rehearse" ]; then rehearse=1; shift; fi
if [ $# -ne 1 ]; then echo "usage: bash bench/gpu_check.sh [--rehearse] DIR" >&2; exit 2; fi
root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
dir=$(mkdir -p "$1" && cd "$1" && pwd)
pieces=${CLIPLIT_GPU_PIECES:-/tmp/cl}
app=$pieces/app
start=$(date +%s)
budget=${CLIPLIT_GPU_CHECK_SECONDS:-470}  # under 8 minutes in all
log() { echo "gpu_check [$(( $(date +%s) - start )) s] $*" | tee -a "$dir/proof.log" >&2; }
fail() { log "FAILED: $*"; exit 1; }
: > "$dir/proof.log"

# 1. The app.
mkdir -p "$pieces"
for carried in "$root"/.gpu/[0-9]*; do
  [ -d "$carried" ] && cp "$carried"/app.tar.xz.* "$pieces/"
done
if [ ! -x "$app/cliplit" ]; then
  ls "$pieces"/app.tar.xz.* > /dev/null 2>&1 || fail "no bundle pieces in $pieces or .gpu/K: run bench/gpu_bundle.sh and carry them (docs/gpu.md)"
  rm -rf "$app.partial" && mkdir -p "$app.partial"
  if command -v xz > /dev/null; then
    cat "$pieces"/app.tar.xz.* | xz -d -T0 | tar -x -C "$app.partial" || fail "the bundle does not unpack (a piece missing or cut short?)"
  else
    cat "$pieces"/app.tar.xz.* | python3 -c "import sys, tarfile; tarfile.open(fileobj=sys.stdin.buffer, mode='r|xz').extractall(sys.argv[1])" "$app.partial" \
      || fail "the bundle does not unpack (a piece missing or cut short?)"
  fi
  mv "$app.partial" "$app"
  log "unpacked the app into $app"
fi

# 2. Libraries.
# NVIDIA's Vulkan driver (libGLX_nvidia) loads the GLVND libraries too: any one missing, unpack them all.
missing_gl=""
libraries=$(ldconfig -p)  # read once: grep -q on a pipe could end it early (SIGPIPE under pipefail) and count a present library missing
for soname in libvulkan.so.1 libGLdispatch.so.0 libEGL.so.1 libGLX.so.0 libGL.so.1 libOpenGL.so.0 libXext.so.6; do
  grep -q "^[[:space:]]*$soname " <<< "$libraries" || missing_gl="$missing_gl $soname"
done
if [ -n "$missing_gl" ] && [ "$rehearse" = 1 ]; then
  log "would install the carried Vulkan loader and GLVND libraries (missing:$missing_gl); not in a rehearsal"
elif [ -n "$missing_gl" ]; then
  ls "$root"/.gpu/gl/*.deb > /dev/null 2>&1 || fail "this machine lacks$missing_gl and none were carried (.gpu/gl)"
  for deb in "$root"/.gpu/gl/*.deb; do dpkg -x "$deb" /; done
  ldconfig
  log "installed the carried Vulkan loader and GLVND libraries (missing:$missing_gl)"
fi
nvidia_libs=""
if command -v python3 > /dev/null; then
  for site in $(python3 -c 'import site; print(" ".join(site.getsitepackages()))' 2>/dev/null); do
    [ -d "$site/nvidia" ] || continue
    for lib in "$site"/nvidia/*/lib; do [ -d "$lib" ] && nvidia_libs="$nvidia_libs${nvidia_libs:+:}$lib"; done
  done
fi
[ -n "$nvidia_libs" ] && export LD_LIBRARY_PATH="$nvidia_libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -z "${VK_DRIVER_FILES:-}" ] && [ -e "$icd" ]; then export VK_DRIVER_FILES=$icd; fi
done
egl=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
if [ -z "${__EGL_VENDOR_LIBRARY_FILENAMES:-}" ] && [ -e "$egl" ]; then export __EGL_VENDOR_LIBRARY_FILENAMES=$egl; fi
# The carried ffmpeg where the machine has none; always in a rehearsal, which tries what the GPU machine will run.
if [ "$rehearse" = 1 ] || ! command -v ffmpeg > /dev/null; then export PATH="$app/ffmpeg/bin:$PATH"; fi
export CLIPLIT_SHARED=${CLIPLIT_SHARED:-$root/.gpu/shared}
[ -d "$CLIPLIT_SHARED/data/backlit" ] || CLIPLIT_SHARED=$root/../shared
[ -d "$CLIPLIT_SHARED/data/backlit" ] || fail "no shared data (.gpu/shared or ../shared): carry .gpu/shared"
export CLIPLIT_MODEL=$CLIPLIT_SHARED/models/clip-lit/enhancement_model.pth
{
  echo "date: $(date -u +%FT%TZ)"
  if command -v nvidia-smi > /dev/null; then echo "GPU: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1)"; else echo "GPU: no nvidia-smi"; fi
  echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
  echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-}"
  echo "ffmpeg: $(command -v ffmpeg) ($(ffmpeg -version 2>&1 | head -1))"
  echo "libraries the CUDA provider cannot resolve (none listed: all found):"
  ldd "$app/libonnxruntime_providers_cuda.so" 2>&1 | grep 'not found' || true
} > "$dir/environment.txt"
log "environment: $(head -2 "$dir/environment.txt" | tail -1)"

# 3. doctor: the chain link by link.
"$app/cliplit" doctor > "$dir/doctor.txt" 2>&1 || fail "cliplit doctor did not run: $(tail -1 "$dir/doctor.txt")"
cat "$dir/doctor.txt" >> "$dir/proof.log"
verdict=$(grep '^enhancer:' "$dir/doctor.txt" || echo "enhancer: (no verdict)")
log "doctor: $verdict"
if [ "$rehearse" = 0 ] && ! grep -q '^enhancer: CUDA, tensors in Vulkan memory' "$dir/doctor.txt"; then
  fail "not zero-copy on CUDA; first broken link: $(grep -m1 '^\[missing\]' "$dir/doctor.txt" || echo "$verdict")"
fi

# 4. The bench: checks first (it stops at the first one off), then the figures.
left=$(( budget - ($(date +%s) - start) ))
[ "$left" -ge 60 ] || fail "only $left s of the ${budget} s budget left for the bench"
bench=(gpu --proof "$dir" --output "$dir/benchmarks.md")
[ "$rehearse" = 1 ] && bench+=(--rehearse --size 320x180 --frames 30)
log "cliplit bench ${bench[*]} (at most $left s)"
set +e
# SIGTERM asks the bench to stop; 20 s later it is killed, so the budget holds either way.
timeout -k 20 "$left" "$app/cliplit" bench "${bench[@]}" 2>&1 | tee -a "$dir/proof.log"
status=${PIPESTATUS[0]}
set -e
[ "$status" = 124 ] || [ "$status" = 137 ] && fail "bench gpu ran past the time left ($left s)"
[ "$status" = 0 ] || fail "bench gpu: $(grep -m1 '^error:' "$dir/proof.log" || echo "exit status $status")"
log "passed: doctor, checks and figures in $dir (benchmarks.md, zero-copy-frame.png, doctor.txt, environment.txt, proof.log)"
