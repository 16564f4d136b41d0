namespace ClipLit.Bench.Measurement;

/// <summary>
/// Temporal stability figures of one run over a video.
/// Thread-safety: immutable.
/// </summary>
/// <param name="InputChange">Mean absolute frame-to-frame change of the input's luma (0..1), cuts excluded.</param>
/// <param name="OutputChange">The same for the output.</param>
/// <param name="StaticWarpError">
/// On static stretches (pairs whose input luma changes by less than <see cref="FlickerMeter.StaticThreshold"/>
/// on average, so the identity is the right warp), the output's mean absolute change: flicker the
/// input does not explain.
/// </param>
/// <param name="StaticPairs">Frame pairs counted as static.</param>
/// <param name="GainJitter">
/// How much the enhancement's local gain (output over input luma, in a 16x9 grid of blocks) departs
/// from the mean of its neighbours in time: |g(t) - (g(t-1) + g(t+1)) / 2|, averaged. Smooth changes
/// (pans, fades) cost nothing; frame-to-frame flicker of the light map does.
/// </param>
public sealed record FlickerFigures(double InputChange, double OutputChange, double StaticWarpError, int StaticPairs, double GainJitter)
{
    /// <summary>Output change relative to input change (1: the enhancement adds no flicker).</summary>
    public double ChangeRatio => InputChange > 0 ? OutputChange / InputChange : double.NaN;
}

/// <summary>
/// Measures how much an enhanced video's brightness moves from frame to frame compared with its
/// input, on 4x-subsampled luma, skipping pairs that straddle a scene cut. Frames are kept
/// (subsampled) until <see cref="Figures"/>, because cuts are known only after the run.
/// Thread-safety: not thread-safe; feed frames in order.
/// </summary>
public sealed class FlickerMeter(int width, int height)
{
    /// <summary>Mean input luma change below which a frame pair counts as static.</summary>
    public const double StaticThreshold = 0.004;

    private readonly List<(int Index, float[] Input, float[] Output)> _frames = [];

    /// <summary>Adds frame <paramref name="index"/> (RGBA8 input and output of the same size).</summary>
    public void Add(int index, ReadOnlySpan<byte> input, ReadOnlySpan<byte> output) =>
        _frames.Add((index, Subsampled(input), Subsampled(output)));

    /// <summary>The figures, excluding pairs whose second frame starts a new scene.</summary>
    public FlickerFigures Figures(IReadOnlyCollection<int> cuts)
    {
        double inputSum = 0, outputSum = 0, staticSum = 0;
        int pairs = 0, staticPairs = 0;
        for (int k = 1; k < _frames.Count; k++)
        {
            if (cuts.Contains(_frames[k].Index)) continue;
            double dIn = MeanAbsoluteDifference(_frames[k].Input, _frames[k - 1].Input);
            double dOut = MeanAbsoluteDifference(_frames[k].Output, _frames[k - 1].Output);
            inputSum += dIn;
            outputSum += dOut;
            pairs++;
            if (dIn < StaticThreshold)
            {
                staticSum += dOut;
                staticPairs++;
            }
        }
        return new FlickerFigures(
            pairs > 0 ? inputSum / pairs : 0,
            pairs > 0 ? outputSum / pairs : 0,
            staticPairs > 0 ? staticSum / staticPairs : double.NaN,
            staticPairs,
            GainJitter(cuts));
    }

    private double GainJitter(IReadOnlyCollection<int> cuts)
    {
        var gains = _frames.Select(f => BlockGains(f.Input, f.Output)).ToList();
        double sum = 0;
        int count = 0;
        for (int k = 1; k + 1 < _frames.Count; k++)
        {
            if (cuts.Contains(_frames[k].Index) || cuts.Contains(_frames[k + 1].Index)) continue;
            for (int b = 0; b < gains[k].Length; b++)
            {
                sum += Math.Abs(gains[k][b] - (gains[k - 1][b] + gains[k + 1][b]) / 2);
                count++;
            }
        }
        return count > 0 ? sum / count : double.NaN;
    }

    /// <summary>Output over input luma per block of a 16x9 grid.</summary>
    private double[] BlockGains(float[] input, float[] output)
    {
        int w = width / 4, h = height / 4;
        var sumIn = new double[16 * 9];
        var sumOut = new double[16 * 9];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int b = (y * 9 / h) * 16 + x * 16 / w;
                sumIn[b] += input[y * w + x];
                sumOut[b] += output[y * w + x];
            }
        return sumIn.Select((v, b) => v > 1e-6 ? sumOut[b] / v : 1.0).ToArray();
    }

    private float[] Subsampled(ReadOnlySpan<byte> rgba)
    {
        var y = new float[(width / 4) * (height / 4)];
        for (int row = 0; row < height / 4; row++)
            for (int col = 0; col < width / 4; col++)
            {
                int i = 4 * ((row * 4) * width + col * 4);
                y[row * (width / 4) + col] = (0.2126f * rgba[i] + 0.7152f * rgba[i + 1] + 0.0722f * rgba[i + 2]) / 255f;
            }
        return y;
    }

    private static double MeanAbsoluteDifference(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += Math.Abs(a[i] - b[i]);
        return sum / Math.Max(1, a.Length);
    }
}
