#!/usr/bin/env bash
# Packs what a lent NVIDIA machine (the device tool) needs to run `cliplit doctor` and
# `cliplit bench --gpu` (which also checks the zero-copy frame against the CPU path). That machine
# has no .NET, no ffmpeg and no network, and one call carries at most 64 MiB, so this writes, under
# the ignored folder .gpu/:
#   .gpu/1 .. .gpu/N  the self-contained runtime app and, beside it, the bench app (cliplit bench
#                     starts cliplit-bench from its own folder); libtorch left out (training is not
#                     what runs there); tar + xz, split into pieces under 60 MiB, one folder per call's carry;
#   .gpu/shared       the model, the backlit photos and the clip (CLIPLIT_SHARED there);
#   .gpu/gl           the Vulkan loader's Debian package (the machine has the NVIDIA ICD, maybe no loader).
# docs/gpu.md ("On a lent GPU machine") gives the calls that carry and run it.
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
shared=${CLIPLIT_SHARED:-$root/../shared}
out="$root/.gpu"
rm -rf "$out"
mkdir -p "$out/publish" "$out/gl" "$out/shared/models/clip-lit" "$out/shared/data/video"

# The bench first: it carries a copy of the runtime app, whose own publish then has the last word.
for project in src/Bench/ClipLit.Bench.csproj src/Cli/ClipLit.Cli.csproj; do
  dotnet publish "$root/$project" -c Release -r linux-x64 --self-contained -o "$out/publish" --nologo -v quiet
done
rm -f "$out/publish"/libtorch*.so "$out/publish"/libc10*.so "$out/publish"/libLibTorchSharp*.so "$out/publish"/libonnxruntime_providers_tensorrt.so
tar -C "$out/publish" -cf - . | xz -6 -T0 | split -b 55M -d -a 1 - "$out/app.tar.xz."
rm -rf "$out/publish"
n=0
for piece in "$out"/app.tar.xz.*; do
  n=$((n + 1))
  mkdir -p "$out/$n"
  mv "$piece" "$out/$n/"
done

cp "$shared/models/clip-lit/enhancement_model.pth" "$out/shared/models/clip-lit/"
cp -r "$shared/data/backlit" "$out/shared/data/"
cp "$shared/data/video/backlit_720p30.mp4" "$out/shared/data/video/"

# amd64 package lists of their own, so the system's apt state is left alone.
lists=$(mktemp -d)
mkdir -p "$lists/partial"
apt_options=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 "-oDir::State::Lists=$lists")
apt-get "${apt_options[@]}" -qq update
(cd "$out/gl" && apt-get "${apt_options[@]}" -qq download libvulkan1)
rm -rf "$lists"

echo "gpu bundle: $n app pieces in .gpu/1 .. .gpu/$n; $(du -sh "$out" | cut -f1) in all; see docs/gpu.md"
