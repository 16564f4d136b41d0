using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ClipLit.Inference.Imaging;

/// <summary>
/// The network's pre- and post-processing on the CPU, matching the paper's test script exactly:
/// interleaved RGBA (8 or 16 bit) to planar float RGB in [0, 1] (numpy's <c>v / 255.0</c> in double,
/// then float32), the enhanced image <c>clamp(I / L, 0, 1)</c> in float32, and back to integers as
/// torchvision's <c>save_image</c> rounds: <c>floor(v · 255 + 0.5)</c>. Alpha is never touched.
/// The 8-bit paths and the division use AVX2 eight pixels at a time where the CPU has it (scalar
/// loops remain for the tails and other CPUs and define the results); nothing allocates per pixel.
/// Thread-safety: stateless (the lookup table is immutable).
/// </summary>
public static class PlanarConversion
{
    private static readonly float[] Unit8 = Enumerable.Range(0, 256).Select(v => (float)(v / 255.0)).ToArray();

    /// <summary>RGBA bytes (4·W·H) to planar RGB floats (3·W·H).</summary>
    public static unsafe void ToPlanar(ReadOnlySpan<byte> rgba, Span<float> planar, int pixelCount)
    {
        CheckLengths(rgba.Length, planar.Length, pixelCount);
        int i = 0;
        fixed (byte* source = rgba)
        fixed (float* target = planar)
        fixed (float* lut = Unit8)
        {
            if (Avx2.IsSupported)
            {
                // Eight pixels: the byte of each channel indexes the exact lookup table (a gather),
                // so vector and scalar results are identical.
                var mask = Vector256.Create(0xFF);
                for (; i <= pixelCount - 8; i += 8)
                {
                    var pixels = Avx.LoadVector256((int*)(source + 4 * i));
                    Avx.Store(target + i, Avx2.GatherVector256(lut, Avx2.And(pixels, mask), 4));
                    Avx.Store(target + pixelCount + i, Avx2.GatherVector256(lut, Avx2.And(Avx2.ShiftRightLogical(pixels, 8), mask), 4));
                    Avx.Store(target + 2 * pixelCount + i, Avx2.GatherVector256(lut, Avx2.And(Avx2.ShiftRightLogical(pixels, 16), mask), 4));
                }
            }
            for (; i < pixelCount; i++)
            {
                target[i] = lut[source[4 * i]];
                target[pixelCount + i] = lut[source[4 * i + 1]];
                target[2 * pixelCount + i] = lut[source[4 * i + 2]];
            }
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
    public static unsafe void ToRgba(ReadOnlySpan<float> planar, Span<byte> rgba, int pixelCount)
    {
        CheckLengths(rgba.Length, planar.Length, pixelCount);
        int i = 0;
        fixed (float* source = planar)
        fixed (byte* target = rgba)
        {
            if (Avx2.IsSupported)
            {
                var scale = Vector256.Create(255f);
                var half = Vector256.Create(0.5f);
                var max = Vector256.Create(255f);
                var alpha = Vector256.Create(unchecked((int)0xFF000000));
                for (; i <= pixelCount - 8; i += 8)
                {
                    var r = QuantizeEight(Avx.LoadVector256(source + i), scale, half, max);
                    var g = QuantizeEight(Avx.LoadVector256(source + pixelCount + i), scale, half, max);
                    var b = QuantizeEight(Avx.LoadVector256(source + 2 * pixelCount + i), scale, half, max);
                    var kept = Avx2.And(Avx.LoadVector256((int*)(target + 4 * i)), alpha);
                    var packed = Avx2.Or(Avx2.Or(r, Avx2.ShiftLeftLogical(g, 8)), Avx2.Or(Avx2.ShiftLeftLogical(b, 16), kept));
                    Avx.Store((int*)(target + 4 * i), packed);
                }
            }
            for (; i < pixelCount; i++)
                for (int c = 0; c < 3; c++) target[4 * i + c] = (byte)Quantize(source[c * pixelCount + i], 255f);
        }
    }

    /// <summary>Eight values of <see cref="Quantize"/>: multiply, add 0.5 (two roundings, as torchvision), clamp, truncate.</summary>
    private static Vector256<int> QuantizeEight(Vector256<float> v, Vector256<float> scale, Vector256<float> half, Vector256<float> max)
    {
        var scaled = Avx.Add(Avx.Multiply(v, scale), half);
        // MAXPS returns its second operand when the first is NaN, so NaN becomes 0 like the scalar path.
        var clamped = Avx.Min(Avx.Max(scaled, Vector256<float>.Zero), max);
        return Avx.ConvertToVector256Int32WithTruncation(clamped);
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
