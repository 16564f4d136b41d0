using System.Globalization;

namespace ClipLit.Trainer.Distillation;

/// <summary>
/// When a distillation run ends: after <see cref="Minutes"/> of training or <see cref="Iterations"/>,
/// whichever comes first. With neither given the run takes <see cref="DefaultIterations"/>; that
/// default is applied here only, so the end, the learning-rate schedule, the ETA and the budget line
/// cannot disagree about it.
/// Thread-safety: immutable.
/// </summary>
public sealed class DistillationBudget
{
    public const int DefaultIterations = 2000;

    // Stands for "no budget bounds the ETA" (an iteration budget but no rate yet, and no minutes): none is shown.
    private const double UnboundedSeconds = 1e9;

    public DistillationBudget(double? minutes, int? iterations)
    {
        Minutes = minutes;
        Iterations = iterations ?? (minutes is null ? DefaultIterations : null);
    }

    /// <summary>Training time in minutes (labelling not counted), or null.</summary>
    public double? Minutes { get; }

    /// <summary>The iterations given, <see cref="DefaultIterations"/> when no budget is given, null with minutes alone.</summary>
    public int? Iterations { get; }

    public bool IsSpent(int iteration, double elapsedSeconds) =>
        (Iterations is { } iterations && iteration >= iterations) || (Minutes is { } minutes && elapsedSeconds >= minutes * 60);

    /// <summary>
    /// How far the run is through its budget, 0 to 1: the larger of the iteration and the time
    /// fractions (with minutes alone, a resumed run's position follows the time it trained, so it is
    /// exact only with iterations).
    /// </summary>
    public double Progress(int iteration, double elapsedSeconds)
    {
        double progress = 0;
        if (Iterations is { } iterations) progress = Math.Max(progress, (double)iteration / iterations);
        if (Minutes is { } minutes) progress = Math.Max(progress, elapsedSeconds / (minutes * 60));
        return Math.Clamp(progress, 0, 1);
    }

    /// <summary>"ETA 3m07s" to whichever budget ends first at <paramref name="rate"/> iterations per second; empty when none bounds it.</summary>
    public string Eta(int iteration, double elapsedSeconds, double rate)
    {
        double seconds = UnboundedSeconds;
        if (Iterations is { } iterations && rate > 0) seconds = Math.Min(seconds, (iterations - iteration) / rate);
        if (Minutes is { } minutes) seconds = Math.Min(seconds, minutes * 60 - elapsedSeconds);
        if (seconds >= UnboundedSeconds) return "";
        var span = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return $"ETA {(int)span.TotalMinutes}m{span.Seconds:D2}s";
    }

    /// <summary>"budget 10 min or 2000 iterations", as the run's first line says it.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (Minutes is { } minutes) parts.Add($"{minutes.ToString("G4", CultureInfo.InvariantCulture)} min");
        if (Iterations is { } iterations) parts.Add($"{iterations} iterations");
        return "budget " + string.Join(" or ", parts);
    }
}
