namespace ClipLit.Engine.Motion;

/// <summary>
/// Reads of a field of vectors: (dx, dy) per element, row by row, as motion fields are kept.
/// Thread-safety: stateless.
/// </summary>
internal static class VectorField
{
    /// <summary>The field at (u, v) in elements (centres at whole numbers), bilinear, clamped at the edges.</summary>
    public static (float Dx, float Dy) Sample(ReadOnlySpan<float> field, int width, int height, float u, float v)
    {
        u = Math.Clamp(u, 0, width - 1);
        v = Math.Clamp(v, 0, height - 1);
        int x0 = (int)u, y0 = (int)v;
        int x1 = Math.Min(x0 + 1, width - 1), y1 = Math.Min(y0 + 1, height - 1);
        float fx = u - x0, fy = v - y0;
        int a = 2 * (y0 * width + x0), b = 2 * (y0 * width + x1), c = 2 * (y1 * width + x0), d = 2 * (y1 * width + x1);
        float dx = (1 - fy) * ((1 - fx) * field[a] + fx * field[b]) + fy * ((1 - fx) * field[c] + fx * field[d]);
        float dy = (1 - fy) * ((1 - fx) * field[a + 1] + fx * field[b + 1]) + fy * ((1 - fx) * field[c + 1] + fx * field[d + 1]);
        return (dx, dy);
    }
}
