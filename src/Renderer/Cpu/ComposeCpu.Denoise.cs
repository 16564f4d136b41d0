using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ClipLit.Renderer.Cpu;

/// <summary>
/// compose.comp's gain-aware denoise on the CPU (<see cref="GainAwareDenoise"/>): the 3x3 blend, the
/// history's part over time (fetched through the frame's motion), and the denoised input kept as the
/// next frame's history; one pixel at a time (16 bits, an 8-bit row's last pixels past whole vectors) or 8 with vectors.
/// </summary>
internal sealed unsafe partial class ComposeCpu
{
    /// <summary>
    /// The denoise's history for one compose: the last frame's denoised input (read) and this
    /// frame's (written), each 2·W·H words at 16 bits a channel (R | G &lt;&lt; 16, then B: the twins, a
    /// last bit apart, then differ by a fraction of a level once the gain multiplies it); what the
    /// last one is to this frame; the frame's motion field, which it is fetched through (empty: none).
    /// </summary>
    public readonly record struct DenoiseHistory(ReadOnlyMemory<uint> Last, Memory<uint> Next, TemporalDenoise Temporal, ReadOnlyMemory<float> Motion);

    /// <summary>How much of the denoised pixel to take (compose.comp's denoiseMix): 0 up to two levels of noise shown (the tolerance), 1 from four.</summary>
    private static float DenoiseMix(float l, float sigma)
    {
        if (!(l > 0f)) return 0f;
        float shown = sigma / (l * GainAwareDenoise.Tolerance);
        return Math.Clamp(shown - 1f, 0f, 1f);
    }

    /// <summary>
    /// compose.comp's denoise of one pixel at 8 or 16 bits: its 3x3 neighbours (edges clamped)
    /// weighted by luma closeness blended in, then the history's part (withHistory()); or, for the same
    /// frame again, the history as it is. The result goes into the next history.
    /// </summary>
    private void Denoise(ReadOnlySpan<uint> input, int x, int y, float l, Light light, ref float r, ref float g, ref float b)
    {
        var history = light.History;
        int width = _layout.Width, height = _layout.Height, pixel = y * width + x;
        if (history.Temporal == TemporalDenoise.Repeat)
        {
            (r, g, b) = HistoryChannels(history.Last.Span, pixel);
            KeepInHistory(history.Next.Span, pixel, r, g, b);
            return;
        }
        var noise = light.Noise;
        float y0 = Luma(r, g, b);
        float sigma = MathF.Sqrt(Math.Max(noise.A * y0 + noise.B, 0f));
        float m = DenoiseMix(l, sigma);
        if (m > 0f)
        {
            float h = GainAwareDenoise.Range * sigma;
            float sumR = 0f, sumG = 0f, sumB = 0f, weights = 0f;
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++)
                {
                    int qx = Math.Clamp(x + dx, 0, width - 1), qy = Math.Clamp(y + dy, 0, height - 1);
                    var (nr, ng, nb) = Channels(input, qy * width + qx);
                    float d = (Luma(nr, ng, nb) - y0) / h;
                    float w = Math.Max(1f - d * d, 0f);
                    sumR += w * nr;
                    sumG += w * ng;
                    sumB += w * nb;
                    weights += w;
                }
            r += m * (sumR / weights - r);
            g += m * (sumG / weights - g);
            b += m * (sumB / weights - b);
            if (history.Temporal == TemporalDenoise.Blend)
            {
                var (hr, hg, hb) = HistoryChannels(history.Last.Span, HistoryPixel(x, y, history.Motion.Span));
                float change = (Luma(r, g, b) - Luma(hr, hg, hb)) / (GainAwareDenoise.TemporalRange * sigma);
                float k = GainAwareDenoise.TemporalWeight * m * Math.Max(1f - change * change, 0f);
                r += k * (hr - r);
                g += k * (hg - g);
                b += k * (hb - b);
            }
        }
        KeepInHistory(history.Next.Span, pixel, r, g, b);
    }

    /// <summary>compose.comp's historyPixel(): where pixel (x, y) was in the previous frame, its motion field pixel's vector rounded to frame pixels.</summary>
    private int HistoryPixel(int x, int y, ReadOnlySpan<float> motion)
    {
        var layout = _layout;
        if (motion.IsEmpty) return y * layout.Width + x;
        int cell = 2 * (Math.Min(y / layout.MotionFactor, layout.MotionHeight - 1) * layout.MotionWidth + Math.Min(x / layout.MotionFactor, layout.MotionWidth - 1));
        var (dx, dy) = Displacement(motion, cell);
        return Math.Clamp(y + dy, 0, layout.Height - 1) * layout.Width + Math.Clamp(x + dx, 0, layout.Width - 1);
    }

    /// <summary>A motion field pixel's vector in whole frame pixels: floor(v·factor + 0.5), as compose.comp rounds it.</summary>
    private (int Dx, int Dy) Displacement(ReadOnlySpan<float> motion, int cell)
    {
        float factor = _layout.MotionFactor;
        return ((int)MathF.Floor(motion[cell] * factor + 0.5f), (int)MathF.Floor(motion[cell + 1] * factor + 0.5f));
    }

    /// <summary>The denoised input of pixel <paramref name="pixel"/> into a history, as compose.comp keeps it.</summary>
    private void KeepInHistory(Span<uint> history, int pixel, float r, float g, float b)
    {
        history[pixel] = Quantize(r, 1f, 65535f) | (Quantize(g, 1f, 65535f) << 16);
        history[_layout.Pixels + pixel] = Quantize(b, 1f, 65535f);
    }

    private (float R, float G, float B) HistoryChannels(ReadOnlySpan<uint> history, int pixel)
    {
        uint rg = history[pixel];
        return (Unit8.Of16(rg & 0xFFFF), Unit8.Of16(rg >> 16), Unit8.Of16(history[_layout.Pixels + pixel]));
    }

    private (float R, float G, float B) Channels(ReadOnlySpan<uint> input, int pixel)
    {
        if (_layout.BitsPerChannel == 16)
        {
            uint rg = input[2 * pixel], ba = input[2 * pixel + 1];
            return (Unit8.Of16(rg & 0xFFFF), Unit8.Of16(rg >> 16), Unit8.Of16(ba & 0xFFFF));
        }
        var unit8 = Unit8.Values;
        uint v = input[pixel];
        return (unit8[v & 255], unit8[(v >> 8) & 255], unit8[(v >> 16) & 255]);
    }

    private static float Luma(float r, float g, float b) => 0.25f * r + 0.5f * g + 0.25f * b;

    /// <summary>
    /// The denoise of 8 pixels at column <paramref name="x"/> of the band's row with vectors, as
    /// <see cref="Denoise"/> does each, history included (the band's planes repeat the edge columns
    /// where the shader clamps).
    /// </summary>
    private void DenoiseRow8(ReadOnlySpan<uint> input, int x, Vector256<float> l, TemporalDenoise temporal, NoiseModel noise, DenoiseBand band,
        ref Vector256<float> r, ref Vector256<float> g, ref Vector256<float> b)
    {
        uint* last = band.LastRow + x, next = band.NextRow + x;
        int pixels = _layout.Pixels;
        if (temporal == TemporalDenoise.Repeat)
        {
            (r, g, b) = HistoryChannels8(Avx.LoadVector256(last), Avx.LoadVector256(last + pixels));
        }
        else
        {
            var (m, inverseH) = DenoiseSpatial8(input, x, l, noise, band, ref r, ref g, ref b);
            if (temporal == TemporalDenoise.Blend && !Vector256.EqualsAll(m, Vector256<float>.Zero))
            {
                var (hr, hg, hb) = band.FollowsMotion
                    ? MovedHistory8(band.Last, x, band.Y, band.Shifts)
                    : HistoryChannels8(Avx.LoadVector256(last), Avx.LoadVector256(last + pixels));
                var (quarter, half) = (Vector256.Create(0.25f), Vector256.Create(0.5f));
                // The shader divides by TemporalRange·σ; the spatial part's reciprocal serves (a last bit apart).
                var change = (quarter * r + half * g + quarter * b - (quarter * hr + half * hg + quarter * hb)) * inverseH * Vector256.Create(GainAwareDenoise.Range / GainAwareDenoise.TemporalRange);
                // maxps gives its second operand for NaN (σ 0, where m is 0 too): no history.
                var k = Vector256.Create(GainAwareDenoise.TemporalWeight) * m * Avx.Max(Vector256<float>.One - change * change, Vector256<float>.Zero);
                r += k * (hr - r);
                g += k * (hg - g);
                b += k * (hb - b);
            }
        }
        Avx.Store(next, (Quantize16(r) | (Quantize16(g) << 16)).AsUInt32());
        Avx.Store(next + pixels, Quantize16(b).AsUInt32());
    }

    /// <summary>8 history pixels as floats: R | G &lt;&lt; 16 words and B words (by a reciprocal where the shader divides: a last bit apart).</summary>
    private static (Vector256<float> R, Vector256<float> G, Vector256<float> B) HistoryChannels8(Vector256<uint> rg, Vector256<uint> blue)
    {
        var perUnit = Vector256.Create(1f / 65535);
        return (Avx.ConvertToVector256Single((rg & Vector256.Create(0xFFFFu)).AsInt32()) * perUnit,
            Avx.ConvertToVector256Single(Vector256.ShiftRightLogical(rg, 16).AsInt32()) * perUnit,
            Avx.ConvertToVector256Single(blue.AsInt32()) * perUnit);
    }

    /// <summary>The history of 8 pixels fetched where each was in the previous frame (<see cref="HistoryPixel"/>, by gathers).</summary>
    private (Vector256<float> R, Vector256<float> G, Vector256<float> B) MovedHistory8(uint* words, int x, int y, (int[] Dx, int[] Dy) row)
    {
        var layout = _layout;
        var columns = Vector256.Create(x) + Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
        fixed (int* cellOf = _motionCellOf, dx = row.Dx, dy = row.Dy)
        {
            int firstCell = cellOf[x], lastCell = cellOf[x + 7];
            int shiftX = dx[firstCell], shiftY = dy[firstCell], sy0 = y + shiftY;
            // Usually the 8 pixels move alike and stay inside the frame: two plain loads, no gathers.
            if (dx[lastCell] == shiftX && dy[lastCell] == shiftY && (lastCell == firstCell || SameShift(dx, dy, firstCell, lastCell))
                && x + shiftX >= 0 && x + shiftX + 8 <= layout.Width && sy0 >= 0 && sy0 < layout.Height)
            {
                uint* at = words + sy0 * layout.Width + x + shiftX;
                return HistoryChannels8(Avx.LoadVector256(at), Avx.LoadVector256(at + layout.Pixels));
            }
            var cells = Avx.LoadVector256(cellOf + x);
            var sx = Avx2.Min(Avx2.Max(columns + Avx2.GatherVector256(dx, cells, 4), Vector256<int>.Zero), Vector256.Create(layout.Width - 1));
            var sy = Avx2.Min(Avx2.Max(Vector256.Create(y) + Avx2.GatherVector256(dy, cells, 4), Vector256<int>.Zero), Vector256.Create(layout.Height - 1));
            var pixels = Avx2.MultiplyLow(sy, Vector256.Create(layout.Width)) + sx;
            return HistoryChannels8(Avx2.GatherVector256(words, pixels, 4), Avx2.GatherVector256(words + layout.Pixels, pixels, 4));
        }
    }

    /// <summary>Whether motion field pixels <paramref name="first"/> to <paramref name="last"/> all move by the same whole pixels.</summary>
    private static bool SameShift(int* dx, int* dy, int first, int last)
    {
        for (int cell = first + 1; cell < last; cell++)
            if (dx[cell] != dx[first] || dy[cell] != dy[first]) return false;
        return true;
    }

    /// <summary>
    /// The spatial part of <see cref="DenoiseRow8"/>; each
    /// pixel's mix and 1 / (<see cref="GainAwareDenoise.Range"/>·σ) (unset where no pixel mixes).
    /// </summary>
    private static (Vector256<float> Mix, Vector256<float> InverseH) DenoiseSpatial8(ReadOnlySpan<uint> input, int x, Vector256<float> l, NoiseModel noise, DenoiseBand band,
        ref Vector256<float> r, ref Vector256<float> g, ref Vector256<float> b)
    {
        var (quarter, half) = (Vector256.Create(0.25f), Vector256.Create(0.5f));
        var y0 = quarter * r + half * g + quarter * b;
        var sigma = Vector256.Sqrt(Avx.Max(Vector256.Create(noise.A) * y0 + Vector256.Create(noise.B), Vector256<float>.Zero));
        // DenoiseMix per lane; lanes with l <= 0 or NaN take none.
        var shown = sigma / (l * Vector256.Create(GainAwareDenoise.Tolerance));
        var m = Avx.Min(Avx.Max(shown - Vector256<float>.One, Vector256<float>.Zero), Vector256<float>.One);
        m = Vector256.ConditionalSelect(Vector256.GreaterThan(l, Vector256<float>.Zero), m, Vector256<float>.Zero);
        if (Vector256.EqualsAll(m, Vector256<float>.Zero)) return (m, Vector256<float>.Zero);
        // Multiplications by reciprocals where the shader divides: a last-bit difference in a
        // neighbour's weight moves no output level, and divisions are most of this loop's cost.
        var inverseH = Vector256<float>.One / (Vector256.Create(GainAwareDenoise.Range) * sigma);
        if (!band.Unpacked) band.UnpackAround(input);
        int stride = band.Stride;
        // The 3x3 written out (the JIT does not unroll loops); the pixel itself has luma y0, weight 1.
        float* up = band.Up + x - 1, middle = band.Middle + x - 1, down = band.Down + x - 1;
        var (sumR, sumG, sumB, weights) = (r, g, b, Vector256<float>.One);
        Tap(up, stride, y0, inverseH, ref sumR, ref sumG, ref sumB, ref weights);
        Tap(up + 1, stride, y0, inverseH, ref sumR, ref sumG, ref sumB, ref weights);
        Tap(up + 2, stride, y0, inverseH, ref sumR, ref sumG, ref sumB, ref weights);
        Tap(middle, stride, y0, inverseH, ref sumR, ref sumG, ref sumB, ref weights);
        Tap(middle + 2, stride, y0, inverseH, ref sumR, ref sumG, ref sumB, ref weights);
        Tap(down, stride, y0, inverseH, ref sumR, ref sumG, ref sumB, ref weights);
        Tap(down + 1, stride, y0, inverseH, ref sumR, ref sumG, ref sumB, ref weights);
        Tap(down + 2, stride, y0, inverseH, ref sumR, ref sumG, ref sumB, ref weights);
        // One division for the three (the shader divides each: a last bit apart).
        var perWeight = Vector256<float>.One / weights;
        r += m * (sumR * perWeight - r);
        g += m * (sumG * perWeight - g);
        b += m * (sumB * perWeight - b);
        return (m, inverseH);
    }

    /// <summary>One neighbour of the 3x3 (its R plane at <paramref name="tap"/>, G, B and luma a stride apart each) weighted by its luma's closeness and summed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tap(float* tap, int stride, Vector256<float> y0, Vector256<float> inverseH,
        ref Vector256<float> sumR, ref Vector256<float> sumG, ref Vector256<float> sumB, ref Vector256<float> weights)
    {
        var d = (Avx.LoadVector256(tap + 3 * stride) - y0) * inverseH;
        var w = Avx.Max(Vector256<float>.One - d * d, Vector256<float>.Zero);
        sumR += w * Avx.LoadVector256(tap);
        sumG += w * Avx.LoadVector256(tap + stride);
        sumB += w * Avx.LoadVector256(tap + 2 * stride);
        weights += w;
    }

    /// <summary>Quantize's rounding to 16 bits, 8 channels at once (the history's depth).</summary>
    private static Vector256<int> Quantize16(Vector256<float> v)
    {
        v = Avx.Min(Avx.Max(v, Vector256<float>.Zero), Vector256<float>.One);
        return Avx.ConvertToVector256Int32WithTruncation(v * Vector256.Create(65535f) + Vector256.Create(0.5f));
    }
}
