namespace ClipLit.Renderer.Cpu;

/// <summary>
/// shaders/box_mean.comp on the CPU: each plane averaged over its (2r+1)² window, clipped at the borders.
/// Thread-safety: one instance per renderer (it owns its window sums); not thread-safe.
/// </summary>
internal sealed class BoxMeanCpu(int width, int height, int radius)
{
    private readonly BoxSums _sums = new(width, height, radius);

    public void Run(ReadOnlySpan<float> source, int planes, Span<float> target)
    {
        int n = width * height;
        for (int p = 0; p < planes; p++)
        {
            var sums = target.Slice(p * n, n);
            _sums.Run(source.Slice(p * n, n), sums);
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                    sums[y * width + x] /= _sums.Count(x, y);
        }
    }
}
