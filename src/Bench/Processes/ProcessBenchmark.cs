using ClipLit.Core.Processes;

namespace ClipLit.Bench.Processes;

/// <summary>
/// A whole-process measurement: wall time from exec to exit, and the process's peak memory.
/// Thread-safety: immutable.
/// </summary>
/// <param name="CommandLine">The program's file name and arguments, as measured.</param>
/// <param name="Wall">Each run's wall time.</param>
/// <param name="PeakMiB">The highest peak resident memory of the runs.</param>
public sealed record ProcessResult(string CommandLine, Timings Wall, double PeakMiB);

/// <summary>
/// Times complete runs of a command (start-up, model loading, decoding and encoding included) through <see cref="BenchProcess"/>.
/// Thread-safety: stateless; one benchmark at a time per process (peak memory is the process's).
/// </summary>
public static class ProcessBenchmark
{
    /// <exception cref="InvalidOperationException">A run failed: the message has its exit status and what it printed.</exception>
    public static ProcessResult Measure(string executable, IReadOnlyList<string> arguments, int repeat, CancellationToken cancellation = default)
    {
        var seconds = new List<double>();
        double peak = 0;
        for (int i = 0; i < repeat; i++)
        {
            var run = BenchProcess.Run(executable, arguments, new BenchProcessOptions(SamplePeakMemory: true), cancellation);
            seconds.Add(run.Wall.TotalSeconds);
            if (!double.IsNaN(run.PeakMiB)) peak = Math.Max(peak, run.PeakMiB);
            if (run.ExitCode != 0)
                throw new InvalidOperationException($"{ChildProgram.Describe(executable, arguments)} failed (exit {run.ExitCode}): {run.Error.Trim()} {run.Output.Trim()}");
        }
        return new ProcessResult($"{Path.GetFileName(executable)} {string.Join(' ', arguments)}", new Timings(seconds), peak);
    }
}
