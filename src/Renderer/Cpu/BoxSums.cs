using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ClipLit.Renderer.Cpu;

/// <summary>
/// Sums over (2r+1)² windows clipped at the borders, for the guided filter's statistics and its box
/// mean. Each pixel adds its window's values in the shaders' order (rows of the window top to
/// bottom, each left to right), so its float sum rounds as the shader's does: a reordered sum (two
/// separable passes) moved a few pixels of small frames by two levels, where the window's variance
/// is tiny and the division by it amplifies every rounding. The plane is padded with zeros (adding
/// zero is what skipping a tap outside the frame does) and 8 pixels go a vector.
/// Thread-safety: one instance per plane size; not thread-safe (it owns the padded plane).
/// </summary>
internal sealed class BoxSums
{
    private readonly int _width, _height, _radius, _stride;
    private readonly float[] _padded;

    public BoxSums(int width, int height, int radius)
    {
        (_width, _height, _radius) = (width, height, radius);
        // Room for the window each side and for a whole vector past the last column.
        _stride = (width + 7) / 8 * 8 + 2 * radius;
        _padded = new float[(height + 2 * radius) * _stride];
    }

    /// <summary>Each pixel's window sum of <paramref name="plane"/> into <paramref name="sums"/>.</summary>
    public void Run(ReadOnlySpan<float> plane, Span<float> sums)
    {
        int width = _width, radius = _radius, stride = _stride, taps = 2 * radius + 1;
        for (int y = 0; y < _height; y++) plane.Slice(y * width, width).CopyTo(_padded.AsSpan((y + radius) * stride + radius, width));
        ref float padded = ref MemoryMarshal.GetArrayDataReference(_padded);
        Span<float> block = stackalloc float[8];
        for (int y = 0; y < _height; y++)
            for (int x = 0; x < width; x += 8)
            {
                var sum = Vector256<float>.Zero;
                for (int dy = 0; dy < taps; dy++)
                {
                    nuint row = (nuint)((y + dy) * stride + x);
                    for (int dx = 0; dx < taps; dx++) sum += Vector256.LoadUnsafe(ref padded, row + (nuint)dx);
                }
                int count = Math.Min(8, width - x);
                if (count == 8) sum.StoreUnsafe(ref MemoryMarshal.GetReference(sums), (nuint)(y * width + x));
                else
                {
                    sum.CopyTo(block);
                    block[..count].CopyTo(sums.Slice(y * width + x, count));
                }
            }
    }

    /// <summary>The number of pixels in the clipped window around (x, y).</summary>
    public int Count(int x, int y) =>
        (Math.Min(_width - 1, x + _radius) - Math.Max(0, x - _radius) + 1) * (Math.Min(_height - 1, y + _radius) - Math.Max(0, y - _radius) + 1);
}
