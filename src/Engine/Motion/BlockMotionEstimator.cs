using System.Runtime.Intrinsics;

namespace ClipLit.Engine.Motion;

/// <summary>
/// Dense backward motion between two small luma images (the light map's motion field): for each
/// pixel of the current image, where it was in the previous one. Coarse to fine block matching
/// over an image pyramid (sum of absolute differences over 8x8 blocks, a small penalty for leaving
/// the coarser level's prediction, sub-pixel by a parabola through the best cost and its
/// neighbours, a 3x3 vector median against outliers), then block vectors interpolated bilinearly
/// to every pixel. Coarse is enough: the light map is smooth, and where the motion is wrong the
/// reprojected average is clamped to what the new map holds there.
/// Thread-safety: not thread-safe (it reuses its pyramids' memory from call to call: a frame's worth,
/// which would otherwise be allocated per frame on the large-object heap); one per stream.
/// </summary>
public sealed class BlockMotionEstimator
{
    /// <summary>Block side, in pixels of each level.</summary>
    public const int BlockSize = 8;

    // Search reach: at the coarsest level around no motion, at the others around the prediction.
    // With four levels, up to 4·8 pixels of the finest level a frame (about 150 px of 720p).
    private const int CoarseRadius = 4;
    private const int FineRadius = 2;

    // Cost per pixel of the block per pixel of departure from the prediction: keeps flat areas,
    // where any vector matches, on the motion around them.
    private const float DeparturePenalty = 0.004f;

    private const int MinimumLevelSide = 32;
    private const int MaximumLevels = 4;

    /// <summary>The motion of <paramref name="current"/> from <paramref name="previous"/> (both width x height, row by row): (dx, dy) per pixel into <paramref name="motion"/>.</summary>
    public void Estimate(ReadOnlySpan<float> previous, ReadOnlySpan<float> current, int width, int height, Span<float> motion)
    {
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"{width}x{height} has no pixels");
        int pixels = width * height;
        if (previous.Length < pixels || current.Length < pixels) throw new ArgumentException($"the images hold fewer than {width}x{height} values");
        if (motion.Length < 2 * pixels) throw new ArgumentException($"the motion field needs {2 * pixels} values", nameof(motion));

        var before = Fill(ref _before, previous[..pixels], width, height);
        var now = Fill(ref _now, current[..pixels], width, height);
        BlockField? coarser = null;
        for (int level = now.Count - 1; level >= 0; level--)
        {
            var field = Match(before[level], now[level], coarser, coarser is null ? CoarseRadius : FineRadius);
            coarser = field.Median();
        }
        coarser!.Interpolate(width, height, motion);
    }

    private List<Plane>? _before;
    private List<Plane>? _now;

    /// <summary>The pyramid of <paramref name="image"/>, in <paramref name="levels"/>' memory (made anew only when the size changes).</summary>
    private static List<Plane> Fill(ref List<Plane>? levels, ReadOnlySpan<float> image, int width, int height)
    {
        if (levels is null || levels[0].Width != width || levels[0].Height != height)
        {
            levels = [new Plane(new float[width * height], width, height)];
            while (levels.Count < MaximumLevels && Math.Min(levels[^1].Width, levels[^1].Height) >= MinimumLevelSide)
                levels.Add(new Plane(new float[levels[^1].Width / 2 * (levels[^1].Height / 2)], levels[^1].Width / 2, levels[^1].Height / 2));
        }
        image.CopyTo(levels[0].Values);
        for (int level = 1; level < levels.Count; level++) levels[level - 1].HalveInto(levels[level]);
        return levels;
    }

    private static BlockField Match(Plane before, Plane now, BlockField? coarser, int radius)
    {
        var field = new BlockField((now.Width + BlockSize - 1) / BlockSize, (now.Height + BlockSize - 1) / BlockSize);
        int side = 2 * radius + 3;
        var costs = new float[side * side];
        for (int by = 0; by < field.Rows; by++)
        {
            for (int bx = 0; bx < field.Columns; bx++)
            {
                int x0 = bx * BlockSize, y0 = by * BlockSize;
                // The coarser level's vector at this block's centre, in this level's pixels.
                var (px, py) = coarser is null ? (0f, 0f) : coarser.At((x0 + BlockSize / 2f) / 2f / BlockSize - 0.5f, (y0 + BlockSize / 2f) / 2f / BlockSize - 0.5f);
                px *= 2;
                py *= 2;
                int cx = (int)MathF.Round(px), cy = (int)MathF.Round(py);
                int pixelsIn = Math.Min(BlockSize, now.Width - x0) * Math.Min(BlockSize, now.Height - y0);
                float Cost(int dx, int dy)
                {
                    ref float cost = ref costs[(dy + radius + 1) * side + dx + radius + 1];
                    if (float.IsNaN(cost))
                        cost = Difference(before, now, x0, y0, cx + dx, cy + dy) + DeparturePenalty * pixelsIn * (MathF.Abs(cx + dx - px) + MathF.Abs(cy + dy - py));
                    return cost;
                }
                // The window is one wider than the search each way, so the sub-pixel fit has both neighbours (computed when needed).
                Array.Fill(costs, float.NaN);
                float best = float.MaxValue;
                int bestX = 0, bestY = 0;
                for (int dy = -radius; dy <= radius; dy++)
                    for (int dx = -radius; dx <= radius; dx++)
                    {
                        float cost = Cost(dx, dy);
                        if (cost < best)
                        {
                            best = cost;
                            bestX = dx;
                            bestY = dy;
                        }
                    }
                float subX = Vertex(Cost(bestX - 1, bestY), best, Cost(bestX + 1, bestY));
                float subY = Vertex(Cost(bestX, bestY - 1), best, Cost(bestX, bestY + 1));
                field.Set(bx, by, cx + bestX + subX, cy + bestY + subY);
            }
        }
        return field;
    }

    /// <summary>Sum of absolute differences between the block at (x0, y0) now and the block displaced by (vx, vy) before (edges clamped).</summary>
    private static float Difference(Plane before, Plane now, int x0, int y0, int vx, int vy)
    {
        int sx = x0 + vx, sy = y0 + vy;
        // Most blocks are whole and land inside the previous image: eight floats a row, one vector.
        if (BlockSize == Vector256<float>.Count && Vector256.IsHardwareAccelerated && x0 + BlockSize <= now.Width && y0 + BlockSize <= now.Height
            && sx >= 0 && sy >= 0 && sx + BlockSize <= before.Width && sy + BlockSize <= before.Height)
        {
            var total = Vector256<float>.Zero;
            for (int y = 0; y < BlockSize; y++)
                total += Vector256.Abs(Vector256.Create<float>(now.Values.AsSpan((y0 + y) * now.Width + x0, BlockSize))
                    - Vector256.Create<float>(before.Values.AsSpan((sy + y) * before.Width + sx, BlockSize)));
            return Vector256.Sum(total);
        }
        float sum = 0;
        int x1 = Math.Min(x0 + BlockSize, now.Width), y1 = Math.Min(y0 + BlockSize, now.Height);
        for (int y = y0; y < y1; y++)
        {
            var rowNow = now.Row(y);
            var rowBefore = before.Row(Math.Clamp(y + vy, 0, before.Height - 1));
            for (int x = x0; x < x1; x++)
                sum += MathF.Abs(rowNow[x] - rowBefore[Math.Clamp(x + vx, 0, before.Width - 1)]);
        }
        return sum;
    }

    /// <summary>The offset (within ±0.5) of the minimum of the parabola through three equally spaced costs.</summary>
    private static float Vertex(float left, float middle, float right)
    {
        float curvature = left - 2 * middle + right;
        return curvature > 1e-6f ? Math.Clamp(0.5f * (left - right) / curvature, -0.5f, 0.5f) : 0f;
    }

    /// <summary>A luma image.</summary>
    private sealed record Plane(float[] Values, int Width, int Height)
    {
        public ReadOnlySpan<float> Row(int y) => Values.AsSpan(y * Width, Width);

        /// <summary>2x2 means into <paramref name="half"/>, of half the size (a last odd row or column is left out).</summary>
        public void HalveInto(Plane half)
        {
            for (int y = 0; y < half.Height; y++)
                for (int x = 0; x < half.Width; x++)
                {
                    int i = 2 * y * Width + 2 * x;
                    half.Values[y * half.Width + x] = 0.25f * (Values[i] + Values[i + 1] + Values[i + Width] + Values[i + Width + 1]);
                }
        }
    }

    /// <summary>One vector per block, at the block's centre.</summary>
    private sealed class BlockField(int columns, int rows)
    {
        private readonly float[] _vectors = new float[2 * columns * rows];

        public int Columns => columns;

        public int Rows => rows;

        public void Set(int column, int row, float dx, float dy)
        {
            _vectors[2 * (row * columns + column)] = dx;
            _vectors[2 * (row * columns + column) + 1] = dy;
        }

        /// <summary>Bilinear between block centres; (u, v) in blocks, centres at whole numbers, clamped at the edges.</summary>
        public (float Dx, float Dy) At(float u, float v) => VectorField.Sample(_vectors, columns, rows, u, v);

        /// <summary>Each vector replaced by the component-wise median of its 3x3 neighbourhood.</summary>
        public BlockField Median()
        {
            var result = new BlockField(columns, rows);
            Span<float> xs = stackalloc float[9];
            Span<float> ys = stackalloc float[9];
            for (int row = 0; row < rows; row++)
                for (int column = 0; column < columns; column++)
                {
                    int n = 0;
                    for (int r = Math.Max(0, row - 1); r <= Math.Min(rows - 1, row + 1); r++)
                        for (int c = Math.Max(0, column - 1); c <= Math.Min(columns - 1, column + 1); c++)
                        {
                            xs[n] = _vectors[2 * (r * columns + c)];
                            ys[n++] = _vectors[2 * (r * columns + c) + 1];
                        }
                    xs[..n].Sort();
                    ys[..n].Sort();
                    result.Set(column, row, xs[n / 2], ys[n / 2]);
                }
            return result;
        }

        /// <summary>The dense field at the finest level: every pixel's vector from the block centres around it.</summary>
        public void Interpolate(int width, int height, Span<float> motion)
        {
            for (int y = 0; y < height; y++)
            {
                float v = (y + 0.5f) / BlockSize - 0.5f;
                for (int x = 0; x < width; x++)
                {
                    var (dx, dy) = At((x + 0.5f) / BlockSize - 0.5f, v);
                    motion[2 * (y * width + x)] = dx;
                    motion[2 * (y * width + x) + 1] = dy;
                }
            }
        }
    }
}
