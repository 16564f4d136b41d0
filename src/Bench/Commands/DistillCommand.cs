using ClipLit.Bench.Distill;

namespace ClipLit.Bench.Commands;

/// <summary>
/// <c>cliplit bench distill</c>: <see cref="DistillBench"/>, written by <see cref="DistillReport"/>.
/// Thread-safety: build and parse on one thread.
/// </summary>
public sealed class DistillCommand : CheckoutBenchCommand
{
    private readonly BenchModelOptions _models = new(withStudent: true);
    private readonly Option<string?> _run = Define.Text("--run", "RUN_DIR", "the distillation run whose history.csv is plotted");
    private readonly Option<string?> _section = Define.Text("--section", "NAME", "the report section written (default distill)");
    private readonly BenchRuntimeOptions _runtimes = new();
    private readonly Option<bool> _quick = BenchOptions.Quick("fewer clip frames, network runs and baseline frames");

    public DistillCommand(CliContext context) : base("distill", "a distilled student against the teacher at 256 and at full resolution", """
                Measures a student (--fast-model, default the shipped one) against the teacher at 256 and at
                full resolution: quality on the backlit photos and the clip, network rate, flicker, fps, a
                2048x1536 photo as a process; --run RUN_DIR plots its distillation. Replaces the --section
                section of docs/benchmarks.md (or --output FILE; '-' prints it) and writes its pictures into
                images/ beside it.
                """, context) =>
        Take([.. _models.Options, _run, _section, .. _runtimes.Options, _quick]);

    protected override Measured? Measure(ParseResult args, BenchLocations at, CliContext context)
    {
        var result = DistillBench.Run(new DistillBench.Settings(at.Root, at.Shared, _models.Checkpoint(args, at), _models.Student(args, at),
            args.GetValue(_run), _runtimes.Python(args), _runtimes.Threads(args), args.GetValue(_quick),
            args.GetValue(_section) ?? "distill"), context);
        return new Measured(DistillReport.Write(result));
    }
}
