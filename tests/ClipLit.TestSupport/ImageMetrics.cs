namespace ClipLit.TestSupport;

/// <summary>Comparison figures between a result and its reference.</summary>
public static class ImageMetrics
{
    /// <summary>Peak signal-to-noise ratio in dB for values with the given peak (1 for [0, 1] floats).</summary>
    public static double Psnr(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double peak = 1.0) =>
        ClipLit.Core.Imaging.FrameMetrics.Psnr(actual, expected, peak);

    public static double MaxAbsDifference(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double max = 0;
        for (int i = 0; i < actual.Length; i++) max = Math.Max(max, Math.Abs(actual[i] - (double)expected[i]));
        return max;
    }

    /// <summary>Fraction of equal values and the largest difference between two byte arrays.</summary>
    public static (double EqualFraction, int MaxDifference) CompareBytes(ReadOnlySpan<byte> actual, ReadOnlySpan<byte> expected)
    {
        if (actual.Length != expected.Length) throw new ArgumentException($"lengths differ: {actual.Length} vs {expected.Length}");
        long equal = 0;
        int max = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            int d = Math.Abs(actual[i] - expected[i]);
            if (d == 0) equal++;
            max = Math.Max(max, d);
        }
        return ((double)equal / actual.Length, max);
    }
}
