namespace ClipLit.Core.Imaging;

/// <summary>
/// Image comparison figures for benchmarks and tests: PSNR over 8-bit RGB and SSIM (Wang et al.
/// 2004) on Rec. 709 luma with the usual 11x11 Gaussian window (σ 1.5) and constants (K1 0.01,
/// K2 0.03). GPU-free maths, so in the bottom tier rather than the engine.
/// Thread-safety: stateless.
/// </summary>
public static class FrameMetrics
{
    /// <summary>PSNR in dB between two RGBA8 images (alpha ignored); infinity when identical.</summary>
    public static double Psnr(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("images differ in size");
        double sum = 0;
        long count = 0;
        for (int i = 0; i < a.Length; i++)
        {
            if ((i & 3) == 3) continue;
            double d = a[i] - b[i];
            sum += d * d;
            count++;
        }
        return sum == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 * count / sum);
    }

    /// <summary>
    /// PSNR in dB between two float maps (a light map: <paramref name="peak"/> is the reference's
    /// largest value, as it is not in [0, 1]); infinity when identical, NaN when either holds a NaN.
    /// </summary>
    public static double Psnr(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double peak)
    {
        if (actual.Length != expected.Length) throw new ArgumentException("maps differ in size");
        double sum = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = actual[i] - expected[i];
            sum += d * d;
        }
        return sum == 0 ? double.PositiveInfinity : 10 * Math.Log10(peak * peak * actual.Length / sum);
    }

    /// <summary>PSNR in dB over the pixels where <paramref name="mask"/> is set (alpha ignored).</summary>
    public static double Psnr(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<bool> mask)
    {
        if (a.Length != b.Length || mask.Length != a.Length / 4) throw new ArgumentException("images and mask differ in size");
        double sum = 0;
        long count = 0;
        for (int p = 0; p < mask.Length; p++)
        {
            if (!mask[p]) continue;
            for (int c = 0; c < 3; c++)
            {
                double d = a[4 * p + c] - b[4 * p + c];
                sum += d * d;
            }
            count += 3;
        }
        if (count == 0) throw new ArgumentException("the mask selects no pixels");
        return sum == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 * count / sum);
    }

    /// <summary>
    /// The pixels near strong edges of the guidance max(R, G, B) (Sobel gradient magnitude above
    /// <paramref name="threshold"/>, on values in [0, 1]), widened by <paramref name="reach"/> pixels:
    /// silhouettes and their surroundings, where a light map brought up from a small size halos.
    /// </summary>
    public static bool[] EdgeBand(ReadOnlySpan<byte> rgba, int width, int height, float threshold = 0.15f, int reach = 4)
    {
        var guide = new float[width * height];
        for (int i = 0; i < guide.Length; i++) guide[i] = Math.Max(rgba[4 * i], Math.Max(rgba[4 * i + 1], rgba[4 * i + 2])) / 255f;
        float At(int x, int y) => guide[Math.Clamp(y, 0, height - 1) * width + Math.Clamp(x, 0, width - 1)];
        var edge = new bool[guide.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                // Sobel, normalized so a unit step gives 1.
                float gx = (At(x + 1, y - 1) + 2 * At(x + 1, y) + At(x + 1, y + 1) - At(x - 1, y - 1) - 2 * At(x - 1, y) - At(x - 1, y + 1)) / 8;
                float gy = (At(x - 1, y + 1) + 2 * At(x, y + 1) + At(x + 1, y + 1) - At(x - 1, y - 1) - 2 * At(x, y - 1) - At(x + 1, y - 1)) / 8;
                edge[y * width + x] = gx * gx + gy * gy > threshold * threshold;
            }
        // Widen by a square of the given reach: a horizontal pass, then a vertical one.
        var rows = new bool[edge.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int k = Math.Max(0, x - reach); k <= Math.Min(width - 1, x + reach) && !rows[y * width + x]; k++)
                    rows[y * width + x] = edge[y * width + k];
        var band = new bool[edge.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int k = Math.Max(0, y - reach); k <= Math.Min(height - 1, y + reach) && !band[y * width + x]; k++)
                    band[y * width + x] = rows[k * width + x];
        return band;
    }

    /// <summary>Rec. 709 luma of RGBA8 pixels in [0, 1].</summary>
    public static float[] Luma(ReadOnlySpan<byte> rgba)
    {
        var y = new float[rgba.Length / 4];
        for (int i = 0; i < y.Length; i++)
            y[i] = (0.2126f * rgba[4 * i] + 0.7152f * rgba[4 * i + 1] + 0.0722f * rgba[4 * i + 2]) / 255f;
        return y;
    }

    /// <summary>Mean SSIM between two RGBA8 images of <paramref name="width"/> x <paramref name="height"/> on luma.</summary>
    public static double Ssim(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int width, int height)
    {
        var x = Luma(a);
        var y = Luma(b);
        const double c1 = 0.01 * 0.01, c2 = 0.03 * 0.03;
        var muX = Blur(x, width, height);
        var muY = Blur(y, width, height);
        var xx = Blur(x.Select(v => v * v).ToArray(), width, height);
        var yy = Blur(y.Select(v => v * v).ToArray(), width, height);
        var xy = Blur(x.Zip(y, (p, q) => p * q).ToArray(), width, height);
        double total = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double mx = muX[i], my = muY[i];
            double vx = xx[i] - mx * mx, vy = yy[i] - my * my, cxy = xy[i] - mx * my;
            total += (2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2));
        }
        return total / x.Length;
    }

    /// <summary>Separable 11-tap Gaussian (σ 1.5), edges clamped.</summary>
    private static double[] Blur(float[] values, int width, int height)
    {
        var kernel = Enumerable.Range(-5, 11).Select(k => Math.Exp(-k * k / (2 * 1.5 * 1.5))).ToArray();
        double norm = kernel.Sum();
        var horizontal = new double[values.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double s = 0;
                for (int k = -5; k <= 5; k++) s += kernel[k + 5] * values[y * width + Math.Clamp(x + k, 0, width - 1)];
                horizontal[y * width + x] = s / norm;
            }
        var result = new double[values.Length];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double s = 0;
                for (int k = -5; k <= 5; k++) s += kernel[k + 5] * horizontal[Math.Clamp(y + k, 0, height - 1) * width + x];
                result[y * width + x] = s / norm;
            }
        return result;
    }
}
