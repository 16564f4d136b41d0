namespace ClipLit.Renderer;

/// <summary>
/// A frame's sensor noise as a function of brightness, σ²(Y) = A·Y + B per channel (in [0, 1]
/// units): photon noise grows with the light, read noise does not (the Poisson-Gaussian model).
/// Thread-safety: a value.
/// </summary>
public readonly record struct NoiseModel(float A, float B)
{
    public static NoiseModel None => default;

    public bool IsNone => A <= 0f && B <= 0f;

    /// <summary>The noise's standard deviation at luma <paramref name="luma"/>.</summary>
    public float Sigma(float luma) => MathF.Sqrt(Math.Max(A * luma + B, 0f));

    /// <summary>The same noise scaled by <paramref name="amount"/> (its standard deviation times it).</summary>
    public NoiseModel Times(float amount) => new(A * amount * amount, B * amount * amount);
}

/// <summary>
/// Estimates a frame's <see cref="NoiseModel"/> from the frame itself. In 16x16 blocks, Immerkær's
/// operator (1996: the 3x3 difference of Laplacians, blind to planes and ramps) on luma
/// (R + 2G + B) / 4, sampled every 2nd pixel, gives each block a noise estimate from its mean
/// absolute response (a Gaussian σ responds with standard deviation 6·(√6/4)·σ for independent
/// channel noise; its mean absolute value is √(2/π) of that), and texture only adds to it. Blocks
/// are grouped by their mean luma in eighths; the quietest quarter of each group (where the picture
/// is flat, the noise alone) gives that brightness's σ², and a line through those (weighted by how
/// many blocks each group has) gives A and B. About 1 ms for 720p.
/// Thread-safety: stateless.
/// </summary>
public static class NoiseLevel
{
    private const int Block = 16;
    private const int Groups = 8;
    private const int MinimumBlocks = 8;
    private const float Quietest = 0.1f;
    private static readonly float Scale = 1f / (MathF.Sqrt(2f / MathF.PI) * 6f * MathF.Sqrt(6f) / 4f);

    /// <summary>The noise of the frame (RGBA, 8 or 16 bits per channel, as a frame slot holds it); none for a frame too small to tell.</summary>
    public static NoiseModel Estimate(ReadOnlySpan<uint> frame, int width, int height, int bitsPerChannel)
    {
        int across = (width - 2) / Block, down = (height - 2) / Block;
        if (across < 1 || down < 1) return NoiseModel.None;
        var groups = new List<float>[Groups];
        for (int i = 0; i < Groups; i++) groups[i] = [];
        var rows = new float[3 * width];
        var sums = new (float Luma, float Response)[across];
        for (int by = 0; by < down; by++)
        {
            Array.Clear(sums);
            for (int y = 1 + by * Block; y < 1 + (by + 1) * Block; y += 2)
            {
                for (int r = 0; r < 3; r++) Luma(frame, width, y - 1 + r, bitsPerChannel, rows.AsSpan(r * width, width));
                ReadOnlySpan<float> above = rows.AsSpan(0, width), row = rows.AsSpan(width, width), below = rows.AsSpan(2 * width, width);
                for (int bx = 0; bx < across; bx++)
                    for (int x = 1 + bx * Block; x < 1 + (bx + 1) * Block; x += 2)
                    {
                        float response = above[x - 1] - 2 * above[x] + above[x + 1]
                            - 2 * (row[x - 1] - 2 * row[x] + row[x + 1])
                            + below[x - 1] - 2 * below[x] + below[x + 1];
                        sums[bx] = (sums[bx].Luma + row[x], sums[bx].Response + MathF.Abs(response));
                    }
            }
            const float samples = Block / 2 * (Block / 2);
            foreach (var (luma, response) in sums)
            {
                float sigma = response / samples * Scale;
                groups[Math.Min((int)(luma / samples * Groups), Groups - 1)].Add(sigma * sigma);
            }
        }
        return Fit(groups);
    }

    /// <summary>The line σ² = A·Y + B through each group's quiet quarter (A and B at least 0).</summary>
    private static NoiseModel Fit(List<float>[] groups)
    {
        double weight = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        foreach (var (variances, index) in groups.Select((g, i) => (g, i)))
        {
            if (variances.Count < MinimumBlocks) continue;
            variances.Sort();
            double variance = variances[(int)(Quietest * (variances.Count - 1))];
            double luma = (index + 0.5) / Groups, w = variances.Count;
            (weight, sx, sy, sxx, sxy) = (weight + w, sx + w * luma, sy + w * variance, sxx + w * luma * luma, sxy + w * luma * variance);
        }
        if (weight == 0) return NoiseModel.None;
        double spread = sxx * weight - sx * sx;
        double a = spread > 1e-12 ? (sxy * weight - sx * sy) / spread : 0;
        double b = (sy - a * sx) / weight;
        if (a < 0) (a, b) = (0, sy / weight);               // brighter is never quieter: one level for all
        if (b < 0) (a, b) = (sxx > 0 ? sxy / sxx : 0, 0);  // the line through the origin
        return new NoiseModel((float)a, (float)b);
    }

    private static void Luma(ReadOnlySpan<uint> frame, int width, int y, int bitsPerChannel, Span<float> luma)
    {
        if (bitsPerChannel == 16)
        {
            var words = frame.Slice(2 * y * width, 2 * width);
            for (int x = 0; x < width; x++)
            {
                uint rg = words[2 * x], ba = words[2 * x + 1];
                luma[x] = ((rg & 0xFFFF) + 2 * (rg >> 16) + (ba & 0xFFFF)) / (4f * 65535f);
            }
            return;
        }
        var pixels = frame.Slice(y * width, width);
        for (int x = 0; x < width; x++)
        {
            uint v = pixels[x];
            luma[x] = ((v & 255) + 2 * ((v >> 8) & 255) + ((v >> 16) & 255)) / (4f * 255f);
        }
    }
}
