using System.Diagnostics;
using ClipLit.Core.Processes;

namespace ClipLit.Bench.Processes;

/// <summary>
/// How a benchmark's child program runs, beyond its arguments.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Timeout">How long it may run; null: as long as it takes.</param>
/// <param name="Environment">Variables set for it; a null value removes one it would inherit.</param>
/// <param name="WorkingDirectory">Its working folder; null: this process's.</param>
/// <param name="SamplePeakMemory">Sample its peak resident memory (VmHWM) while it runs.</param>
public sealed record BenchProcessOptions(TimeSpan? Timeout = null, IReadOnlyDictionary<string, string?>? Environment = null,
    string? WorkingDirectory = null, bool SamplePeakMemory = false)
{
    public static BenchProcessOptions Default { get; } = new();
}

/// <summary>
/// How a benchmark's child program ended, what it printed and what it cost.
/// Thread-safety: immutable.
/// </summary>
/// <param name="ExitCode">Its exit status.</param>
/// <param name="Output">Its standard output.</param>
/// <param name="Error">Its standard error.</param>
/// <param name="Wall">From just before it started to its exit.</param>
/// <param name="PeakMiB">Its peak resident memory as sampled; NaN when not sampled or never read.</param>
public sealed record BenchProcessResult(int ExitCode, string Output, string Error, TimeSpan Wall, double PeakMiB);

/// <summary>
/// The one way the benchmarks run other programs (ffmpeg, the PyTorch references, the cliplit app,
/// nvidia-smi): through <see cref="ChildProgram"/>, so every argument is one element of the argument
/// vector and a program that cannot start is a <see cref="ChildProgramException"/>, with the
/// environment a measurement needs (allocator or BLAS settings), a timeout, cancellation that stops
/// the program with its children, its wall time and, when asked, its peak resident memory.
/// Thread-safety: stateless.
/// </summary>
public static class BenchProcess
{
    /// <summary>How often a child's peak memory is read while it runs.</summary>
    private static readonly TimeSpan SamplePeriod = TimeSpan.FromMilliseconds(20);

    /// <summary>Runs <paramref name="program"/> to its end.</summary>
    /// <exception cref="ChildProgramException">It could not be started.</exception>
    /// <exception cref="TimeoutException">It ran past the timeout (it was stopped).</exception>
    /// <exception cref="OperationCanceledException">Cancelled (it was stopped).</exception>
    public static BenchProcessResult Run(string program, IEnumerable<string> arguments, BenchProcessOptions? options = null,
        CancellationToken cancellation = default)
    {
        options ??= BenchProcessOptions.Default;
        if (options.SamplePeakMemory) return RunSampled(program, arguments, options, cancellation);
        var clock = Stopwatch.StartNew();
        var result = ChildProgram.Run(program, arguments, options.Timeout, cancellation, start => Configure(start, options));
        return new BenchProcessResult(result.ExitCode, result.Output, result.Error, clock.Elapsed, double.NaN);
    }

    /// <summary>Runs ffmpeg for a benchmark's set-up (cutting, scaling, decoding clips).</summary>
    /// <param name="arguments">ffmpeg's arguments, one element each.</param>
    /// <exception cref="InvalidOperationException">ffmpeg exited with an error: the message names the command and what ffmpeg said.</exception>
    public static void Ffmpeg(params string[] arguments)
    {
        var result = Run("ffmpeg", arguments);
        if (result.ExitCode != 0) throw new InvalidOperationException($"{ChildProgram.Describe("ffmpeg", arguments)}: {result.Error.Trim()}");
    }

    /// <summary>
    /// The run <see cref="ChildProgram.Run"/> would make, waiting in short steps to read the child's
    /// VmHWM from /proc as it goes (ChildProgram.Run keeps its process to itself, and once the
    /// child has exited its memory figures are gone). The launcher execs the app in place, so the
    /// peak of a run through ./cliplit is the app's.
    /// </summary>
    private static BenchProcessResult RunSampled(string program, IEnumerable<string> arguments, BenchProcessOptions options, CancellationToken cancellation)
    {
        cancellation.ThrowIfCancellationRequested();
        var start = ChildProgram.StartInfo(program, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        Configure(start, options);
        var clock = Stopwatch.StartNew();
        using var process = ChildProgram.Start(start);
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        double peak = double.NaN;
        bool timedOut = false;
        using (cancellation.Register(() => Stop(process)))
        {
            while (!process.WaitForExit(SamplePeriod))
            {
                double now = MemoryProbe.PeakMiB(process.Id);
                if (!double.IsNaN(now)) peak = double.IsNaN(peak) ? now : Math.Max(peak, now);
                if (clock.Elapsed > options.Timeout)
                {
                    timedOut = true;
                    Stop(process);
                    break;
                }
            }
        }
        process.WaitForExit();
        var wall = clock.Elapsed;
        cancellation.ThrowIfCancellationRequested();
        if (timedOut) throw new TimeoutException($"{program} did not finish within {options.Timeout!.Value.TotalSeconds:0} s and was stopped");
        return new BenchProcessResult(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult(), wall, peak);
    }

    private static void Configure(ProcessStartInfo start, BenchProcessOptions options)
    {
        if (options.WorkingDirectory is { } folder) start.WorkingDirectory = folder;
        foreach (var (name, value) in options.Environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name);
            else start.Environment[name] = value;
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }
}
