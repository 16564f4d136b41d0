#!/usr/bin/env bash
# Packs what a lent NVIDIA machine (the device tool) needs to run the GPU proof, bench/gpu_check.sh:
# `cliplit doctor` and `cliplit bench gpu`. That machine has no .NET, no ffmpeg and no network,
# and one call carries at most 64 MiB (the repository's working tree included), so this writes,
# under the ignored folder .gpu/:
#   .gpu/1 .. .gpu/N  one tar + xz stream in pieces of at most 40 MiB, a folder per call's carry:
#                     the self-contained runtime app with the bench app beside it (cliplit bench
#                     starts cliplit-bench from its own folder; libtorch left out: training is not
#                     what runs there), and ffmpeg/ffprobe with the libraries they load (for the
#                     file-to-file run), behind wrappers that give them their own library path;
#   .gpu/shared       the model, the backlit photos and the clip (CLIPLIT_SHARED there);
#   .gpu/gl           the Vulkan loader and the GLVND libraries NVIDIA's Vulkan driver loads
#                     (libglvnd0, libegl1, libgl1, libglx0, libgles2, libopengl0, libxext6).
# docs/gpu.md ("On a lent GPU machine") gives the calls that carry it and run the proof.
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
shared=${CLIPLIT_SHARED:-$root/../shared}
out="$root/.gpu"
piece_mib=40
rm -rf "$out"
mkdir -p "$out/publish" "$out/gl" "$out/shared/models/clip-lit" "$out/shared/data/video"

# The bench first: it carries a copy of the runtime app, whose own publish then has the last word.
for project in src/Bench/ClipLit.Bench.csproj src/Cli/ClipLit.Cli.csproj; do
  dotnet publish "$root/$project" -c Release -r linux-x64 --self-contained -o "$out/publish" --nologo -v quiet
done
rm -f "$out/publish"/libtorch*.so "$out/publish"/libc10*.so "$out/publish"/libLibTorchSharp*.so "$out/publish"/libonnxruntime_providers_tensorrt.so

# ffmpeg and ffprobe with every library they load but the C library's own (which the machine has):
# the programs go to ffmpeg/libexec, their libraries to ffmpeg/lib, and ffmpeg/bin holds wrappers
# that set the library path for them alone, so the app's own libraries never meet Debian's.
ff="$out/publish/ffmpeg"
mkdir -p "$ff/bin" "$ff/lib" "$ff/libexec"
for program in ffmpeg ffprobe; do
  cp "$(command -v $program)" "$ff/libexec/"
  ldd "$(command -v $program)" | awk '$3 ~ /^\// {print $3}' \
    | grep -Ev '/(libc|libm|libpthread|libdl|librt|ld-linux-x86-64)\.so' \
    | xargs -r -I{} cp -L -n {} "$ff/lib/"
  cat > "$ff/bin/$program" <<EOF
#!/bin/sh
here=\$(dirname "\$(readlink -f "\$0")")/..
LD_LIBRARY_PATH="\$here/lib\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "\$here/libexec/$program" "\$@"
EOF
  chmod +x "$ff/bin/$program"
done

tar -C "$out/publish" -cf - . | xz -6 -T0 | split -b "${piece_mib}M" -d -a 2 - "$out/app.tar.xz."
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
(cd "$out/gl" && apt-get "${apt_options[@]}" -qq download libvulkan1 libglvnd0 libegl1 libgl1 libglx0 libgles2 libopengl0 libxext6)
rm -rf "$lists"

# Every call carries the working tree too: say what each carry weighs with it.
tree_mib=$(( ($(git -C "$root" ls-files -z --cached --others --exclude-standard | (cd "$root" && xargs -0 stat -c %s 2>/dev/null || true) | awk '{s += $1} END {print s}') + 1048575) / 1048576 ))
last_mib=$(( ($(du -bc "$out/$n" "$out/shared" "$out/gl" | tail -1 | cut -f1) + 1048575) / 1048576 + tree_mib ))
echo "gpu bundle: $n pieces in .gpu/1 .. .gpu/$n (at most ${piece_mib} MiB each, + ${tree_mib} MiB of working tree per call);" \
  "the last call (.gpu/$n, .gpu/shared, .gpu/gl) carries about ${last_mib} MiB of 64; $(du -sh "$out" | cut -f1) in all; see docs/gpu.md"
if [ "$last_mib" -gt 56 ]; then
  echo "gpu bundle: error: the last call would carry ${last_mib} MiB, too close to the 64 MiB limit" >&2
  exit 1
fi
