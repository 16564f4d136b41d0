using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ClipLit.Renderer.Cpu;

/// <summary>
/// shaders/compose.comp (with light_upsample.glsl) on the CPU: out = floor(clamp(I / L, 0, 1)·M + 0.5)
/// per RGB channel, alpha copied, the split view's left part the input. L is the light map at the
/// frame's size (full quality) or brought up from the network's size per pixel: bilinear, or
/// edge-aware (the guided filter's mean a and b planes, bilinear, applied as a·max(R, G, B) + b),
/// kept within the light map's range, raised to the strength (<see cref="CorrectionStrength"/>); the
/// gain-aware denoise (<see cref="GainAwareDenoise"/>) blends noisy brightened pixels towards their 3x3 neighbours. As the shader, each small row is first interpolated across
/// (once a frame, to the frame's width: a gather per tap, on a fifth of the rows or fewer), then each
/// frame row blends the two wide rows it lies between with plain vector loads; 8-bit frames go 8
/// pixels a vector (AVX2).
/// Thread-safety: one frame at a time (it owns the wide rows); bands of rows run in parallel.
/// </summary>
internal sealed unsafe partial class ComposeCpu
{
    private readonly FrameLayout _layout;
    private readonly int[] _left = [];
    private readonly int[] _right = [];
    private readonly float[] _fraction = [];
    private readonly float[] _wide = [];
    private readonly int[] _motionCellOf; // each column's motion field column (a vector's room past the end)

    public ComposeCpu(FrameLayout layout)
    {
        _layout = layout;
        _motionCellOf = new int[layout.Width + 8];
        for (int x = 0; x < _motionCellOf.Length; x++) _motionCellOf[x] = Math.Min(x / layout.MotionFactor, layout.MotionWidth - 1);
        if (!layout.IsDownscaled) return;
        // Each column's two taps in the small map and its weight, as light_upsample.glsl finds them.
        int width = layout.Width + 8;
        _left = new int[width];
        _right = new int[width];
        _fraction = new float[width];
        float scale = (float)layout.NetworkWidth / layout.Width;
        for (int x = 0; x < layout.Width; x++)
        {
            var (left, right, fraction) = Taps(x, scale, layout.NetworkWidth);
            (_left[x], _right[x], _fraction[x]) = (left, right, fraction);
        }
        // Two planes (edge-aware: a and b), each small row at the frame's width, a vector's room past the end.
        _wide = new float[2 * layout.NetworkHeight * layout.Width + 8];
    }

    /// <summary>
    /// What the light map is: at the frame's size, or the network's (bilinear or edge-aware) within
    /// [Lo, Hi]; the strength it is raised to; the frame's noise the denoise works against (0: off),
    /// and its history (<see cref="DenoiseHistory"/>; written whenever the denoise is on).
    /// </summary>
    public readonly record struct Light(ReadOnlyMemory<float> Planes, bool EdgeAware, float Lo, float Hi, float Strength = CorrectionStrength.Paper, NoiseModel Noise = default,
        DenoiseHistory History = default);

    public void Run(ReadOnlyMemory<uint> frame, Light light, int splitColumn, Memory<uint> output)
    {
        var layout = _layout;
        if (layout.IsDownscaled) RowBands.For(layout.NetworkHeight, (first, end) => Widen(light, first, end));
        RowBands.For(layout.Height, (first, end) =>
        {
            int width = layout.Width;
            var rows = ArrayPool<float>.Shared.Rent(2 * width + 8);
            // The denoise's vector path: the band's unpacked rows, pinned histories and motion rows.
            using var denoise = !light.Noise.IsNone && layout.BitsPerChannel == 8 && Avx2.IsSupported ? new DenoiseBand(this, light.History) : null;
            try
            {
                for (int y = first; y < end; y++)
                {
                    var input = frame.Span;
                    var result = output.Span;
                    var rowLight = RowLight(light, y, rows.AsSpan(0, 2 * width + 8));
                    if (layout.BitsPerChannel == 16) Row16(input, y, light, rowLight, result);
                    else Row8(input, y, light, rowLight, denoise, result);
                    if (splitColumn > 0 && layout.BitsPerChannel == 8) Split(input, y, splitColumn, result, light);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(rows);
            }
        });
    }

    /// <summary>Small rows [<paramref name="first"/>, <paramref name="end"/>) of each plane interpolated across to the frame's width.</summary>
    private void Widen(Light light, int first, int end)
    {
        var layout = _layout;
        int width = layout.Width, small = layout.NetworkWidth, n = layout.NetworkPixels;
        var planes = light.Planes.Span;
        for (int plane = 0; plane < (light.EdgeAware ? 2 : 1); plane++)
            for (int sy = first; sy < end; sy++)
            {
                var row = planes.Slice(plane * n + sy * small, small);
                var wide = _wide.AsSpan((plane * layout.NetworkHeight + sy) * width, width + 8);
                int x = 0;
                if (Avx2.IsSupported)
                {
                    fixed (float* taps = row)
                    fixed (int* left = _left, right = _right)
                    fixed (float* fraction = _fraction)
                    fixed (float* target = wide)
                        for (; x <= width - 8; x += 8)
                        {
                            var f = Avx.LoadVector256(fraction + x);
                            var value = Avx2.GatherVector256(taps, Avx.LoadVector256(left + x), 4) * (Vector256<float>.One - f) + Avx2.GatherVector256(taps, Avx.LoadVector256(right + x), 4) * f;
                            Avx.Store(target + x, value);
                        }
                }
                for (; x < width; x++) wide[x] = row[_left[x]] * (1f - _fraction[x]) + row[_right[x]] * _fraction[x];
            }
    }

    /// <summary>
    /// The light of row <paramref name="y"/>: at the frame's size, its row of the map; brought up, the
    /// two wide rows it lies between blended (plane a, then b) into <paramref name="rows"/>.
    /// </summary>
    private ReadOnlySpan<float> RowLight(Light light, int y, Span<float> rows)
    {
        var layout = _layout;
        int width = layout.Width;
        if (!layout.IsDownscaled) return light.Planes.Span.Slice(y * width, width);
        var (top, bottom, fraction) = Taps(y, (float)layout.NetworkHeight / layout.Height, layout.NetworkHeight);
        var keep = Vector256.Create(1f - fraction);
        var take = Vector256.Create(fraction);
        for (int plane = 0; plane < (light.EdgeAware ? 2 : 1); plane++)
        {
            var upper = _wide.AsSpan((plane * layout.NetworkHeight + top) * width, width + 8);
            var lower = _wide.AsSpan((plane * layout.NetworkHeight + bottom) * width, width + 8);
            var blended = rows.Slice(plane * width, width + 8);
            for (int x = 0; x < width; x += 8)
                (Vector256.Create(upper.Slice(x, 8)) * keep + Vector256.Create(lower.Slice(x, 8)) * take).CopyTo(blended.Slice(x, 8));
        }
        return rows;
    }

    private void Row8(ReadOnlySpan<uint> input, int y, in Light light, ReadOnlySpan<float> rowLight, DenoiseBand? denoise, Span<uint> output)
    {
        var layout = _layout;
        int width = layout.Width;
        var pixels = input.Slice(y * width, width);
        var result = output.Slice(y * width, width);
        int x = 0;
        denoise?.BeginRow(y, light.History.Motion.Span);
        if (Avx2.IsSupported)
        {
            {
                var mask = Vector256.Create(0xFFu);
                var unit = Vector256.Create(255f);
                var lo = Vector256.Create(light.Lo);
                var hi = Vector256.Create(light.Hi);
                ref uint first = ref MemoryMarshal.GetReference(pixels);
                ref uint target = ref MemoryMarshal.GetReference(result);
                for (; x <= width - 8; x += 8)
                {
                    var v = Vector256.LoadUnsafe(ref first, (nuint)x);
                    var r = Avx.ConvertToVector256Single((v & mask).AsInt32()) / unit;
                    var g = Avx.ConvertToVector256Single((Vector256.ShiftRightLogical(v, 8) & mask).AsInt32()) / unit;
                    var b = Avx.ConvertToVector256Single((Vector256.ShiftRightLogical(v, 16) & mask).AsInt32()) / unit;
                    var l = Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(rowLight), (nuint)x);
                    if (layout.IsDownscaled)
                    {
                        if (light.EdgeAware) l = l * Avx.Max(r, Avx.Max(g, b)) + Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(rowLight), (nuint)(width + x));
                        l = Avx.Min(Avx.Max(l, lo), hi);
                    }
                    if (light.Strength != CorrectionStrength.Paper) l = Strengthen(l, light.Strength);
                    if (denoise is not null) DenoiseRow8(input, x, l, light.History.Temporal, light.Noise, denoise, ref r, ref g, ref b);
                    var packed = Quantize(r / l) | (Quantize(g / l) << 8) | (Quantize(b / l) << 16);
                    (packed.AsUInt32() | (v & Vector256.Create(0xFF000000u))).StoreUnsafe(ref target, (nuint)x);
                }
            }
        }
        for (; x < width; x++) result[x] = Pixel8(input, x, y, light, rowLight);
    }

    /// <summary>One 8-bit pixel, as the shader composes it.</summary>
    private uint Pixel8(ReadOnlySpan<uint> input, int x, int y, Light light, ReadOnlySpan<float> rowLight)
    {
        var unit8 = Unit8.Values;
        uint v = input[y * _layout.Width + x];
        float r = unit8[v & 255], g = unit8[(v >> 8) & 255], b = unit8[(v >> 16) & 255];
        float l = LightAt(x, light, rowLight, r, g, b);
        if (!light.Noise.IsNone) Denoise(input, x, y, l, light, ref r, ref g, ref b);
        return Quantize(r, l, 255f) | (Quantize(g, l, 255f) << 8) | (Quantize(b, l, 255f) << 16) | (v & 0xFF000000u);
    }

    private void Row16(ReadOnlySpan<uint> input, int y, Light light, ReadOnlySpan<float> rowLight, Span<uint> output)
    {
        int width = _layout.Width;
        var words = input.Slice(2 * y * width, 2 * width);
        var result = output.Slice(2 * y * width, 2 * width);
        for (int x = 0; x < width; x++)
        {
            uint rg = words[2 * x], ba = words[2 * x + 1];
            float r = Unit8.Of16(rg & 0xFFFF), g = Unit8.Of16(rg >> 16), b = Unit8.Of16(ba & 0xFFFF);
            float l = LightAt(x, light, rowLight, r, g, b);
            if (!light.Noise.IsNone) Denoise(input, x, y, l, light, ref r, ref g, ref b);
            result[2 * x] = Quantize(r, l, 65535f) | (Quantize(g, l, 65535f) << 16);
            result[2 * x + 1] = Quantize(b, l, 65535f) | (ba & 0xFFFF0000u);
        }
    }

    /// <summary>
    /// The split view: columns left of the split show the input, with a 2-pixel white divider just
    /// left of it; with the denoise on, the input is their history (as compose.comp keeps it).
    /// </summary>
    private void Split(ReadOnlySpan<uint> input, int y, int splitColumn, Span<uint> output, Light light)
    {
        int start = y * _layout.Width, columns = Math.Min(splitColumn, _layout.Width);
        for (int x = 0; x < columns; x++) output[start + x] = x + 2 >= splitColumn ? 0xFFFFFFFFu : input[start + x];
        if (light.Noise.IsNone) return;
        for (int x = 0; x < columns; x++)
        {
            var (r, g, b) = Channels(input, start + x);
            KeepInHistory(light.History.Next.Span, start + x, r, g, b);
        }
    }

    private float LightAt(int x, Light light, ReadOnlySpan<float> rowLight, float r, float g, float b)
    {
        float l = rowLight[x];
        if (_layout.IsDownscaled)
        {
            if (light.EdgeAware) l = l * Math.Max(r, Math.Max(g, b)) + rowLight[_layout.Width + x];
            l = Math.Min(Math.Max(l, light.Lo), light.Hi);
        }
        if (light.Strength == CorrectionStrength.Paper) return l;
        return light.Strength == CorrectionStrength.None ? 1f : l > 0f ? MathF.Pow(l, light.Strength) : l;
    }

    /// <summary>L^S as the shader raises it: 0 gives 1 (the input), a map of 0 (or NaN) stays as it is.</summary>
    private static Vector256<float> Strengthen(Vector256<float> l, float strength)
    {
        if (strength == CorrectionStrength.None) return Vector256<float>.One;
        var raised = VectorPow.Pow(l, strength);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(l, Vector256<float>.Zero), raised, l);
    }

    /// <summary>Column (or row) <paramref name="p"/>'s two taps in a small map of <paramref name="size"/> and the weight of the second: half-pixel centres, edges clamped.</summary>
    private static (int First, int Second, float Fraction) Taps(int p, float scale, int size)
    {
        float source = Math.Max((p + 0.5f) * scale - 0.5f, 0f);
        int first = (int)source;
        return (Math.Min(first, size - 1), Math.Min(first + 1, size - 1), source - first);
    }

    /// <summary>Two roundings (multiply, then add), as torchvision's mul(255).add_(0.5) does; NaN (0/0) gives 0.</summary>
    private static uint Quantize(float channel, float light, float levels)
    {
        float v = channel / light;
        if (float.IsNaN(v)) return 0;
        v = Math.Clamp(v, 0f, 1f);
        float scaled = v * levels;
        float rounded = scaled + 0.5f;
        return Math.Min((uint)rounded, (uint)levels);
    }

    private static Vector256<int> Quantize(Vector256<float> v)
    {
        // maxps returns its second operand when either is NaN: 0/0 becomes 0, as in the shader.
        v = Avx.Min(Avx.Max(v, Vector256<float>.Zero), Vector256<float>.One);
        var scaled = v * Vector256.Create(255f);
        return Avx.ConvertToVector256Int32WithTruncation(scaled + Vector256.Create(0.5f));
    }
}
