using System.Diagnostics;

namespace ClipLit.Bench;

/// <summary>A whole-process measurement: wall time from exec to exit, and the process's peak memory.</summary>
public sealed record ProcessResult(string CommandLine, Timings Wall, double PeakMiB);

/// <summary>Times complete runs of a command (start-up, model loading, decoding and encoding included).</summary>
public static class ProcessBenchmark
{
    public static ProcessResult Measure(string executable, IReadOnlyList<string> arguments, int repeat)
    {
        var seconds = new List<double>();
        double peak = 0;
        for (int i = 0; i < repeat; i++)
        {
            var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string argument in arguments) start.ArgumentList.Add(argument);
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {executable}");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            // The launcher execs the app in place, so this PID's VmHWM is the app's peak.
            while (!process.WaitForExit(20))
            {
                double now = MemoryProbe.PeakMiB(process.Id);
                if (!double.IsNaN(now)) peak = Math.Max(peak, now);
            }
            seconds.Add(watch.Elapsed.TotalSeconds);
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"{executable} {string.Join(' ', arguments)} failed (exit {process.ExitCode}): {stderr.Result.Trim()} {stdout.Result.Trim()}");
        }
        return new ProcessResult($"{Path.GetFileName(executable)} {string.Join(' ', arguments)}", new Timings(seconds), peak);
    }
}
