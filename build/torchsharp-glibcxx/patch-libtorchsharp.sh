#!/usr/bin/env bash
# Makes TorchSharp 0.107's libLibTorchSharp.so load on systems whose libstdc++ predates GCC 13
# (Debian 12): it requires GLIBCXX_3.4.32 for one symbol, std::ios_base_library_init(). We
#   1. clear that symbol's version binding,
#   2. mark the GLIBCXX_3.4.32 requirement weak (VER_FLG_WEAK) so the loader tolerates its absence,
#   3. add a NEEDED shim library (same folder, found through the $ORIGIN runpath) defining it.
# Idempotent; does nothing when the system libstdc++ already has GLIBCXX_3.4.32.
# Usage: patch-libtorchsharp.sh OUTPUT_DIR [INTERMEDIATE_DIR]
set -euo pipefail
out=$1
work=${2:-$out}
here=$(cd "$(dirname "$0")" && pwd)
lib="$out/libLibTorchSharp.so"
shim=libcliplit_glibcxx_shim.so

[ -f "$lib" ] || exit 0

libstdcxx=$(/sbin/ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')
if [ -n "$libstdcxx" ] && grep -qa 'GLIBCXX_3\.4\.32' "$libstdcxx"; then
  exit 0  # the system library is new enough
fi

if readelf -d "$lib" | grep -q "\[$shim\]" && [ -f "$out/$shim" ]; then
  exit 0  # already patched
fi

for tool in patchelf gcc readelf; do
  command -v "$tool" >/dev/null || { echo "error: $tool is required to patch $lib (run scripts/install-system-packages.sh)" >&2; exit 1; }
done

mkdir -p "$work"
gcc -O2 -shared -fPIC -o "$out/$shim" "$here/glibcxx_shim.c"
gcc -O2 -o "$work/mark_version_weak" "$here/mark_version_weak.c"

tmp="$lib.patching"
cp "$lib" "$tmp"
patchelf --clear-symbol-version _ZSt21ios_base_library_initv "$tmp"
"$work/mark_version_weak" "$tmp" GLIBCXX_3.4.32
patchelf --add-needed "$shim" "$tmp"
mv "$tmp" "$lib"
echo "patched $lib for the system libstdc++ (GLIBCXX_3.4.32 shim)"
