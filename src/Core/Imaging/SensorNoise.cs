namespace ClipLit.Core.Imaging;

/// <summary>
/// Camera-like noise for tests and benchmarks (a denoiser's calibrated input): the Poisson-Gaussian model, σ²(I) = A·I + B per
/// channel of a value I in [0, 1] (photon noise grows with the light, read noise does not), drawn as
/// a Gaussian of that variance (the Poisson part's normal approximation), from a seed.
/// Thread-safety: stateless.
/// </summary>
public static class SensorNoise
{
    /// <summary>The levels the tests use, weakest first: σ at mid-grey about 1.8, 3.6, 7.3 and 14.6 8-bit levels.</summary>
    public static readonly (double A, double B)[] Levels = [(1e-4, 1e-6), (4e-4, 4e-6), (1.6e-3, 1.6e-5), (6.4e-3, 6.4e-5)];

    /// <summary>RGBA8 <paramref name="rgba"/> with noise of (<paramref name="a"/>, <paramref name="b"/>) on R, G and B (alpha kept).</summary>
    public static byte[] Add(ReadOnlySpan<byte> rgba, double a, double b, int seed)
    {
        var random = new Random(seed);
        var noisy = rgba.ToArray();
        for (int i = 0; i < noisy.Length; i++)
        {
            if (i % 4 == 3) continue;
            double value = noisy[i] / 255.0;
            double sigma = Math.Sqrt(a * value + b);
            noisy[i] = (byte)Math.Clamp(Math.Round(255 * (value + sigma * Gaussian(random))), 0, 255);
        }
        return noisy;
    }

    /// <summary>A standard normal draw (Box-Muller).</summary>
    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
