using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ClipLit.Renderer.Cpu;

/// <summary>
/// shaders/unpack.comp on the CPU: the RGBA frame to the network's planar RGB in [0, 1], the same
/// floats as the shader (<see cref="Unit8"/>); 8-bit frames 8 pixels a vector.
/// Thread-safety: stateless; bands of rows run in parallel.
/// </summary>
internal static class UnpackCpu
{
    public static void Run(ReadOnlyMemory<uint> frame, FrameLayout layout, Memory<float> planar)
    {
        int width = layout.Width, n = layout.Pixels;
        bool deep = layout.BitsPerChannel == 16;
        RowBands.For(layout.Height, (first, end) =>
        {
            var words = frame.Span;
            var planes = planar.Span;
            int i = first * width, stop = end * width;
            if (!deep && Vector256.IsHardwareAccelerated)
            {
                ref uint pixels = ref MemoryMarshal.GetReference(words);
                ref float red = ref MemoryMarshal.GetReference(planes);
                ref float green = ref Unsafe.Add(ref red, n);
                ref float blue = ref Unsafe.Add(ref red, 2 * n);
                var mask = Vector256.Create(0xFFu);
                var unit = Vector256.Create(255f);
                for (; i <= stop - 8; i += 8)
                {
                    var v = Vector256.LoadUnsafe(ref pixels, (nuint)i);
                    (Vector256.ConvertToSingle((v & mask).AsInt32()) / unit).StoreUnsafe(ref red, (nuint)i);
                    (Vector256.ConvertToSingle((Vector256.ShiftRightLogical(v, 8) & mask).AsInt32()) / unit).StoreUnsafe(ref green, (nuint)i);
                    (Vector256.ConvertToSingle((Vector256.ShiftRightLogical(v, 16) & mask).AsInt32()) / unit).StoreUnsafe(ref blue, (nuint)i);
                }
            }
            var unit8 = Unit8.Values;
            for (; i < stop; i++)
            {
                if (deep)
                {
                    uint rg = words[2 * i], ba = words[2 * i + 1];
                    planes[i] = Unit8.Of16(rg & 0xFFFF);
                    planes[n + i] = Unit8.Of16(rg >> 16);
                    planes[2 * n + i] = Unit8.Of16(ba & 0xFFFF);
                }
                else
                {
                    uint v = words[i];
                    planes[i] = unit8[v & 255];
                    planes[n + i] = unit8[(v >> 8) & 255];
                    planes[2 * n + i] = unit8[(v >> 16) & 255];
                }
            }
        });
    }
}
