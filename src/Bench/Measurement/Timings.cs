namespace ClipLit.Bench.Measurement;

/// <summary>
/// Repeated measurements of one thing, in seconds.
/// Thread-safety: immutable.
/// </summary>
public sealed record Timings(IReadOnlyList<double> Seconds)
{
    public double Min => Seconds.Min();

    public double Max => Seconds.Max();

    public double Median
    {
        get
        {
            var sorted = Seconds.Order().ToArray();
            int mid = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        }
    }

    public string Summary => Seconds.Count == 1 ? $"{Min:F3}" : $"{Min:F3} / {Median:F3} / {Max:F3}";
}
