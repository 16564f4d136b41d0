using System.Diagnostics;

namespace ClipLit.Bench.Gpu;

/// <summary>
/// The GPU proof's log: each step a line with the seconds since the proof began, "bench gpu [ 12 s] ...",
/// so a run cut short by bench/gpu_check.sh's budget shows where the time went.
/// Thread-safety: not thread-safe; one proof writes it.
/// </summary>
public sealed class GpuProofLog(TextWriter log)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Step(FormattableString line) => log.WriteLine($"bench gpu [{_clock.Elapsed.TotalSeconds,5:F0} s] {line.ToString(CultureInfo.InvariantCulture)}");
}
