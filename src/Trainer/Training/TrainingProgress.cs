using System.Diagnostics;
using System.Globalization;

namespace ClipLit.Trainer.Training;

/// <summary>
/// The console side of a run: one line per display interval with the stage, its iteration, the
/// losses, iterations per second over the last interval and the stage's ETA; one line per stage
/// change, snapshot folder and best model.
/// </summary>
public sealed class TrainingProgress(TextWriter output)
{
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private int _iterationsSinceLast;

    public void StageStarted(TrainingSchedule schedule) =>
        output.WriteLine($"== {schedule.StageName}: {schedule.StageLength} iterations (run iteration {schedule.TotalIteration})");

    public void Extended(TrainingSchedule schedule, double loss, double threshold) =>
        output.WriteLine($"   {schedule.StageName}: loss {Format(loss)} above {Format(threshold)}, extended to {schedule.StageLength} iterations");

    public void Iteration() => _iterationsSinceLast++;

    /// <summary>A progress line: the schedule position and the named losses.</summary>
    public void Report(TrainingSchedule schedule, IReadOnlyList<(string Name, double Value)> losses)
    {
        double seconds = Math.Max(_sinceLast.Elapsed.TotalSeconds, 1e-9);
        double rate = _iterationsSinceLast / seconds;
        _sinceLast.Restart();
        _iterationsSinceLast = 0;
        int left = Math.Max(0, schedule.StageLength - schedule.StageIteration);
        string eta = rate > 0 ? FormatDuration(TimeSpan.FromSeconds(left / rate)) : "?";
        string parts = string.Join("  ", losses.Select(l => $"{l.Name} {Format(l.Value)}"));
        output.WriteLine($"   {schedule.StageName} {schedule.StageIteration}/{schedule.StageLength}  {parts}  {rate.ToString("F2", CultureInfo.InvariantCulture)} it/s  ETA {eta}");
    }

    public void Note(string line) => output.WriteLine("   " + line);

    private static string Format(double value) => value.ToString("G5", CultureInfo.InvariantCulture);

    private static string FormatDuration(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{(int)span.TotalHours}h{span.Minutes:D2}m" : $"{span.Minutes}m{span.Seconds:D2}s";
}
