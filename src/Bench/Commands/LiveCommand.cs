using ClipLit.Bench.Live;

namespace ClipLit.Bench.Commands;

/// <summary>
/// <c>cliplit bench live</c>: <see cref="LiveBench"/>, written by <see cref="LiveReport"/>.
/// Thread-safety: build and parse on one thread.
/// </summary>
public sealed class LiveCommand : CheckoutBenchCommand
{
    private readonly BenchModelOptions _models = new(withStudent: true);
    private readonly Option<int?> _soakMinutes = Define.Integer("--soak-minutes", "N", 0, 24 * 60, "also a long headless run, memory sampled every 30 s");

    public LiveCommand(CliContext context) : base("live", "the live view: shown fps, network rate, latency, hot-swap time", """
                Measures the live view on the shared 720p clip: shown fps, network rate, latency, hot-swap
                time; in a window when DISPLAY is set (e.g. under xvfb-run), headless otherwise. With
                --soak-minutes N, also resident memory over a long headless run. Replaces the live section
                of docs/benchmarks.md (or --output FILE; '-' prints it).
                """, context) =>
        Take([.. _models.Options, _soakMinutes]);

    protected override Measured? Measure(ParseResult args, BenchLocations at, CliContext context)
    {
        var result = LiveBench.Run(new LiveBench.Settings(at.Shared, _models.Checkpoint(args, at), args.GetValue(_soakMinutes) ?? 0,
            _models.Student(args, at)), context);
        if (result is null) return null;
        return new Measured(LiveReport.Write(result));
    }
}
