using System.Runtime.Intrinsics;
using ClipLit.Renderer.Passes;

namespace ClipLit.Renderer.Cpu;

/// <summary>
/// shaders/thumbnail.comp on the CPU: the 32x18 grid of Rec. 709 luminance means over the network's
/// planar RGB input (pixel (x, y) in cell (x·32/width, y·18/height): each cell a run of whole
/// columns, so a row adds each cell's run 8 pixels a vector), for scene-cut detection.
/// Thread-safety: stateless.
/// </summary>
internal static class ThumbnailCpu
{
    public static void Run(ReadOnlySpan<float> planar, int width, int height, Span<float> thumbnail)
    {
        const int columns = ThumbnailPass.Columns, rows = ThumbnailPass.Rows;
        int n = width * height;
        Span<double> sums = stackalloc double[columns * rows];
        Span<int> counts = stackalloc int[columns * rows];
        sums.Clear();
        counts.Clear();
        var red = Vector256.Create(0.2126f);
        var green = Vector256.Create(0.7152f);
        var blue = Vector256.Create(0.0722f);
        for (int y = 0; y < height; y++)
        {
            int cellRow = y * rows / height * columns;
            for (int cx = 0; cx < columns; cx++)
            {
                // The columns x with x·32/width == cx.
                int x0 = (cx * width + columns - 1) / columns, x1 = ((cx + 1) * width + columns - 1) / columns;
                int x = x0, i = y * width;
                var vector = Vector256<float>.Zero;
                for (; x <= x1 - 8; x += 8)
                    vector += red * Vector256.Create(planar.Slice(i + x, 8)) + green * Vector256.Create(planar.Slice(n + i + x, 8)) + blue * Vector256.Create(planar.Slice(2 * n + i + x, 8));
                double sum = Vector256.Sum(vector);
                for (; x < x1; x++) sum += 0.2126f * planar[i + x] + 0.7152f * planar[n + i + x] + 0.0722f * planar[2 * n + i + x];
                sums[cellRow + cx] += sum;
                counts[cellRow + cx] += x1 - x0;
            }
        }
        for (int cell = 0; cell < columns * rows; cell++) thumbnail[cell] = counts[cell] > 0 ? (float)(sums[cell] / counts[cell]) : 0f;
    }
}
