using System.Numerics;

namespace ClipLit.Inference.Imaging;

/// <summary>
/// The network's pre- and post-processing on the CPU, matching the paper's test script exactly:
/// interleaved RGBA (8 or 16 bit) to planar float RGB in [0, 1] (numpy's <c>v / 255.0</c> in double,
/// then float32), the enhanced image <c>clamp(I / L, 0, 1)</c> in float32, and back to integers as
/// torchvision's <c>save_image</c> rounds: <c>floor(v · 255 + 0.5)</c>. Alpha is never touched.
/// Loops are per row over spans (SIMD for the division), with no allocations per pixel.
/// Thread-safety: stateless (the lookup tables are immutable).
/// </summary>
public static class PlanarConversion
{
    private static readonly float[] Unit8 = Enumerable.Range(0, 256).Select(v => (float)(v / 255.0)).ToArray();

    /// <summary>RGBA bytes (4·W·H) to planar RGB floats (3·W·H).</summary>
    public static void ToPlanar(ReadOnlySpan<byte> rgba, Span<float> planar, int pixelCount)
    {
        CheckLengths(rgba.Length, planar.Length, pixelCount);
        var lut = Unit8.AsSpan();
        var r = planar[..pixelCount];
        var g = planar.Slice(pixelCount, pixelCount);
        var b = planar.Slice(2 * pixelCount, pixelCount);
        for (int i = 0; i < pixelCount; i++)
        {
            r[i] = lut[rgba[4 * i]];
            g[i] = lut[rgba[4 * i + 1]];
            b[i] = lut[rgba[4 * i + 2]];
        }
    }

    /// <summary>RGBA 16-bit words (4·W·H) to planar RGB floats (3·W·H), value / 65535.</summary>
    public static void ToPlanar(ReadOnlySpan<ushort> rgba, Span<float> planar, int pixelCount)
    {
        CheckLengths(rgba.Length, planar.Length, pixelCount);
        for (int c = 0; c < 3; c++)
        {
            var plane = planar.Slice(c * pixelCount, pixelCount);
            for (int i = 0; i < pixelCount; i++) plane[i] = (float)(rgba[4 * i + c] / 65535.0);
        }
    }

    /// <summary>
    /// In place: each planar RGB value I becomes clamp(I / L, 0, 1) with L the light map (W·H).
    /// 0/0 (a black pixel where the light map is 0) gives 0, as PyTorch's NaN becomes 0 in uint8.
    /// </summary>
    public static void Compose(Span<float> planar, ReadOnlySpan<float> lightMap, int pixelCount)
    {
        if (planar.Length < 3 * pixelCount || lightMap.Length < pixelCount)
            throw new ArgumentException($"buffers too small for {pixelCount} pixels");
        var zero = Vector<float>.Zero;
        var one = Vector<float>.One;
        int width = Vector<float>.Count;
        for (int c = 0; c < 3; c++)
        {
            var plane = planar.Slice(c * pixelCount, pixelCount);
            int i = 0;
            for (; i <= pixelCount - width; i += width)
            {
                var v = new Vector<float>(plane[i..]) / new Vector<float>(lightMap[i..]);
                v = Vector.ConditionalSelect(Vector.Equals(v, v), v, zero); // NaN -> 0
                Vector.Min(Vector.Max(v, zero), one).CopyTo(plane[i..]);
            }
            for (; i < pixelCount; i++) plane[i] = ComposeOne(plane[i], lightMap[i]);
        }
    }

    /// <summary>clamp(i / l, 0, 1) for one value, NaN as 0.</summary>
    public static float ComposeOne(float i, float l)
    {
        float v = i / l;
        return float.IsNaN(v) ? 0f : Math.Clamp(v, 0f, 1f);
    }

    /// <summary>Planar RGB floats in [0, 1] into the RGB bytes of RGBA pixels, floor(v·255 + 0.5); alpha untouched.</summary>
    public static void ToRgba(ReadOnlySpan<float> planar, Span<byte> rgba, int pixelCount)
    {
        CheckLengths(rgba.Length, planar.Length, pixelCount);
        for (int c = 0; c < 3; c++)
        {
            var plane = planar.Slice(c * pixelCount, pixelCount);
            for (int i = 0; i < pixelCount; i++) rgba[4 * i + c] = (byte)Quantize(plane[i], 255f);
        }
    }

    /// <summary>Planar RGB floats in [0, 1] into the RGB words of 16-bit RGBA pixels, floor(v·65535 + 0.5); alpha untouched.</summary>
    public static void ToRgba(ReadOnlySpan<float> planar, Span<ushort> rgba, int pixelCount)
    {
        CheckLengths(rgba.Length, planar.Length, pixelCount);
        for (int c = 0; c < 3; c++)
        {
            var plane = planar.Slice(c * pixelCount, pixelCount);
            for (int i = 0; i < pixelCount; i++) rgba[4 * i + c] = (ushort)Quantize(plane[i], 65535f);
        }
    }

    /// <summary>floor(v·max + 0.5) clamped to [0, max], in float32 like torchvision.</summary>
    public static int Quantize(float v, float max)
    {
        float scaled = v * max;
        scaled += 0.5f;
        if (!(scaled >= 0f)) return 0; // also NaN
        return scaled >= max ? (int)max : (int)scaled;
    }

    private static void CheckLengths(int interleaved, int planar, int pixelCount)
    {
        if (interleaved < 4L * pixelCount || planar < 3L * pixelCount)
            throw new ArgumentException($"buffers too small for {pixelCount} pixels (RGBA {interleaved}, planar {planar})");
    }
}
