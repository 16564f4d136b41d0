namespace ClipLit.Renderer.Cpu;

/// <summary>
/// shaders/guided_coefficients.comp on the CPU: over each (2r+1)² window of the guidance g (the
/// fourth plane of the network's input) and the light map p, the linear model p ≈ a·g + b with
/// a = cov(g, p) / (var(g) + ε) and b = mean(p) − a·mean(g); two planes, a then b. The window sums
/// add in the shader's order (<see cref="BoxSums"/>).
/// Thread-safety: one instance per renderer (it owns its planes); not thread-safe.
/// </summary>
internal sealed class GuidedCoefficientsCpu(int width, int height, int radius)
{
    private readonly int _n = width * height;
    private readonly BoxSums _window = new(width, height, radius);
    private readonly float[] _products = new float[2 * width * height];
    private readonly float[] _sums = new float[4 * width * height];

    public void Run(ReadOnlySpan<float> planes, ReadOnlySpan<float> light, float epsilon, Span<float> coefficients)
    {
        int n = _n;
        var guide = planes.Slice(3 * n, n);
        var squares = _products.AsSpan(0, n);
        var crossed = _products.AsSpan(n, n);
        for (int i = 0; i < n; i++)
        {
            squares[i] = guide[i] * guide[i];
            crossed[i] = guide[i] * light[i];
        }
        var sumGuide = _sums.AsSpan(0, n);
        var sumLight = _sums.AsSpan(n, n);
        var sumSquares = _sums.AsSpan(2 * n, n);
        var sumCrossed = _sums.AsSpan(3 * n, n);
        _window.Run(guide, sumGuide);
        _window.Run(light[..n], sumLight);
        _window.Run(squares, sumSquares);
        _window.Run(crossed, sumCrossed);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int i = y * width + x;
                float count = _window.Count(x, y);
                float mg = sumGuide[i] / count, mp = sumLight[i] / count;
                float a = (sumCrossed[i] / count - mg * mp) / (sumSquares[i] / count - mg * mg + epsilon);
                coefficients[i] = a;
                coefficients[n + i] = mp - a * mg;
            }
    }
}
