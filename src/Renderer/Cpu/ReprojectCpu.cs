namespace ClipLit.Renderer.Cpu;

/// <summary>
/// shaders/reproject.comp on the CPU: the light map's average fetched where each pixel was a frame
/// ago (motion bilinear, the average Catmull-Rom), clamped to the new map's (2r+1)² min/max (the new
/// map fetched through the map's own motion when it belongs to an earlier frame), then blended:
/// out = mix(clamp(history(p + m)), current(p'), weight); weight 0 only moves the average, weight 1
/// (the live view carrying each new map to the shown frame) only fetches the new map. The shader's
/// comments say why each step is there.
/// Thread-safety: stateless; bands of rows run in parallel.
/// </summary>
internal static class ReprojectCpu
{
    public readonly record struct Sizes(int Width, int Height, int MotionWidth, int MotionHeight);

    public static void Run(ReadOnlyMemory<float> current, ReadOnlyMemory<float> history, ReadOnlyMemory<float> motion, ReadOnlyMemory<float> mapMotion, bool mapMoved,
        Memory<float> blended, Sizes sizes, float weight, int radius)
    {
        RowBands.For(sizes.Height, (first, end) =>
        {
            var now = current.Span;
            var before = history.Span;
            var moved = motion.Span;
            var mapField = mapMotion.Span;
            var output = blended.Span;
            float scaleX = (float)sizes.MotionWidth / sizes.Width, scaleY = (float)sizes.MotionHeight / sizes.Height;
            for (int y = first; y < end; y++)
                for (int x = 0; x < sizes.Width; x++)
                {
                    float mx = (x + 0.5f) * scaleX - 0.5f, my = (y + 0.5f) * scaleY - 0.5f;
                    int i = y * sizes.Width + x;
                    // The new map where this pixel was when the map's frame was taken (the live view's maps are of earlier frames).
                    float ax = x, ay = y;
                    if (mapMoved && weight > 0f)
                    {
                        var (mdx, mdy) = MotionAt(mapField, sizes, mx, my);
                        ax += mdx / scaleX;
                        ay += mdy / scaleY;
                    }
                    if (weight >= 1f)
                    {
                        // The new map replaces the average (each frame its own, carried by its motion): what the
                        // blend below gives at weight 1, without fetching and clamping a history it would drop.
                        output[i] = Bilinear(now, 1, 0, sizes.Width, sizes.Height, ax, ay);
                        continue;
                    }
                    var (dx, dy) = MotionAt(moved, sizes, mx, my);
                    float previous = HistoryAt(before, sizes, x + dx / scaleX, y + dy / scaleY);
                    if (weight <= 0f)
                    {
                        output[i] = previous;
                        continue;
                    }
                    float lo = 3.0e38f, hi = -3.0e38f;
                    for (int oy = -radius; oy <= radius; oy++)
                        for (int ox = -radius; ox <= radius; ox++)
                        {
                            float v = Bilinear(now, 1, 0, sizes.Width, sizes.Height, ax + ox, ay + oy);
                            lo = Math.Min(lo, v);
                            hi = Math.Max(hi, v);
                        }
                    float clamped = Math.Clamp(previous, lo, hi);
                    output[i] = Mix(clamped, Bilinear(now, 1, 0, sizes.Width, sizes.Height, ax, ay), weight);
                }
        });
    }

    private static (float X, float Y) MotionAt(ReadOnlySpan<float> field, Sizes sizes, float x, float y) =>
        (Bilinear(field, 2, 0, sizes.MotionWidth, sizes.MotionHeight, x, y), Bilinear(field, 2, 1, sizes.MotionWidth, sizes.MotionHeight, x, y));

    /// <summary>Bilinear at (x, y) clamped into the plane; <paramref name="stride"/> values a pixel, the <paramref name="component"/>th.</summary>
    private static float Bilinear(ReadOnlySpan<float> plane, int stride, int component, int width, int height, float x, float y)
    {
        x = Math.Clamp(x, 0f, width - 1);
        y = Math.Clamp(y, 0f, height - 1);
        int x0 = (int)x, y0 = (int)y;
        int x1 = Math.Min(x0 + 1, width - 1), y1 = Math.Min(y0 + 1, height - 1);
        float fx = x - x0, fy = y - y0;
        float top = Mix(plane[stride * (y0 * width + x0) + component], plane[stride * (y0 * width + x1) + component], fx);
        float bottom = Mix(plane[stride * (y1 * width + x0) + component], plane[stride * (y1 * width + x1) + component], fx);
        return Mix(top, bottom, fy);
    }

    /// <summary>Catmull-Rom over the 4x4 texels around (x, y), coordinates clamped into the plane: sharp, so a history resampled every frame does not blur.</summary>
    private static float HistoryAt(ReadOnlySpan<float> history, Sizes sizes, float x, float y)
    {
        x = Math.Clamp(x, 0f, sizes.Width - 1);
        y = Math.Clamp(y, 0f, sizes.Height - 1);
        int x0 = (int)x, y0 = (int)y;
        Span<float> wx = stackalloc float[4];
        Span<float> wy = stackalloc float[4];
        CatmullRom(x - x0, wx);
        CatmullRom(y - y0, wy);
        float sum = 0f;
        for (int j = 0; j < 4; j++)
        {
            int row = Math.Clamp(y0 - 1 + j, 0, sizes.Height - 1) * sizes.Width;
            float across = 0f;
            for (int i = 0; i < 4; i++) across += wx[i] * history[row + Math.Clamp(x0 - 1 + i, 0, sizes.Width - 1)];
            sum += wy[j] * across;
        }
        return sum;
    }

    private static void CatmullRom(float t, Span<float> weights)
    {
        float t2 = t * t, t3 = t2 * t;
        weights[0] = -0.5f * t3 + t2 - 0.5f * t;
        weights[1] = 1.5f * t3 - 2.5f * t2 + 1f;
        weights[2] = -1.5f * t3 + 2f * t2 + 0.5f * t;
        weights[3] = 0.5f * t3 - 0.5f * t2;
    }

    private static float Mix(float a, float b, float t) => a * (1f - t) + b * t;
}
