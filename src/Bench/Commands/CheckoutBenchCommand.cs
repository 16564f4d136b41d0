using ClipLit.VideoIO.Video;

namespace ClipLit.Bench.Commands;

/// <summary>
/// A benchmark run from a checkout with the shared data folder beside it: the report's place is
/// checked before anything is measured (--output, default docs/benchmarks.md), the shared folder is
/// required, and what <see cref="Measure"/> returns is published as the report. A subcommand names
/// its options (<see cref="Take"/>; --output comes last) and measures.
/// Thread-safety: build and parse on one thread.
/// </summary>
public abstract class CheckoutBenchCommand : AppCommand
{
    private readonly Option<string?> _output = BenchOptions.Output();

    protected CheckoutBenchCommand(string name, string description, string details, CliContext context) : base(name, description)
    {
        Explain("Details", details);
        SetAction(args => Run(args, context));
    }

    /// <summary>A measured benchmark: its report, and whether every check it makes passed (the exit code).</summary>
    protected sealed record Measured(ReportSection Report, bool Passed = true);

    /// <summary>Adds the subcommand's options, in help order, then --output.</summary>
    protected void Take(params Option[] options)
    {
        foreach (var option in options) Options.Add(option);
        Options.Add(_output);
    }

    /// <returns>The report, or null where the benchmark could not run (it has said why).</returns>
    protected abstract Measured? Measure(ParseResult args, BenchLocations at, CliContext context);

    private int Run(ParseResult args, CliContext context)
    {
        var at = BenchLocations.FromCheckout();
        string report = at.Report(args.GetValue(_output));
        if (!at.HasSharedData(context.Error)) return ExitCodes.SomeFailed;
        Measured? measured;
        try
        {
            measured = Measure(args, at, context);
        }
        catch (Exception e) when (e is IOException or VideoFileException)
        {
            // The machine, not the benchmark: a full disk for its scratch files, an encode that failed.
            return context.Fail($"bench {Name}: {e.Message.ReplaceLineEndings(" ")}");
        }
        if (measured is null) return ExitCodes.SomeFailed;
        ReportFile.Publish(report, measured.Report, context, $"bench {Name}");
        return measured.Passed ? ExitCodes.Success : ExitCodes.SomeFailed;
    }
}
