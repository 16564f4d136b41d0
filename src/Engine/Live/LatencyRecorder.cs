namespace ClipLit.Engine.Live;

/// <summary>
/// The most recent frame latencies (a fixed ring, so a run of any length uses the same memory),
/// and their percentiles.
/// Thread-safety: one thread.
/// </summary>
public sealed class LatencyRecorder(int capacity = 4096)
{
    private readonly double[] _milliseconds = new double[capacity];
    private int _count;
    private int _next;

    public void Add(double milliseconds)
    {
        _milliseconds[_next] = milliseconds;
        _next = (_next + 1) % _milliseconds.Length;
        _count = Math.Min(_count + 1, _milliseconds.Length);
    }

    /// <summary>The <paramref name="percent"/>th percentile (nearest rank) of the recorded latencies; 0 when none.</summary>
    public double Percentile(double percent)
    {
        if (_count == 0) return 0;
        var sorted = _milliseconds[.._count].Order().ToArray();
        int rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
