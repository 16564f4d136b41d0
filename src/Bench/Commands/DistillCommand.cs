using System.CommandLine;
using ClipLit.Bench.Distill;
using ClipLit.Bench.Reports;
using ClipLit.Cli;
using ClipLit.Cli.CommandLine;

namespace ClipLit.Bench.Commands;

/// <summary>
/// <c>cliplit bench distill</c>: <see cref="DistillBench"/>, written by <see cref="DistillReport"/>.
/// Thread-safety: build and parse on one thread.
/// </summary>
public sealed class DistillCommand : AppCommand
{
    private readonly Option<string?> _model = BenchOptions.Model();
    private readonly Option<string?> _fastModel = BenchOptions.FastModel();
    private readonly Option<string?> _run = Define.Text("--run", "RUN_DIR", "the distillation run whose history.csv is plotted");
    private readonly Option<string?> _section = Define.Text("--section", "NAME", "the report section written (default distill)");
    private readonly Option<int?> _threads = BenchOptions.Threads();
    private readonly Option<string?> _python = BenchOptions.Python();
    private readonly Option<bool> _quick = BenchOptions.Quick("fewer clip frames, network runs and baseline frames");
    private readonly Option<string?> _output = BenchOptions.Output();

    public DistillCommand(CliContext context) : base("distill", "a distilled student against the teacher at 256 and at full resolution")
    {
        foreach (Option option in (Option[])[_model, _fastModel, _run, _section, _threads, _python, _quick, _output]) Options.Add(option);
        Explain("Details", """
            Measures a student (--fast-model, default the shipped one) against the teacher at 256 and at
            full resolution: quality on the backlit photos and the clip, network rate, flicker, fps, a
            2048x1536 photo as a process; --run RUN_DIR plots its distillation. Replaces the --section
            section of docs/benchmarks.md (or --output FILE; '-' prints it) and writes its pictures into
            images/ beside it.
            """);
        SetAction(result => Run(result, context));
    }

    private int Run(ParseResult args, CliContext context)
    {
        var at = BenchLocations.FromCheckout();
        string report = at.Report(args.GetValue(_output));
        if (!at.HasSharedData(context.Error)) return ExitCodes.SomeFailed;
        var result = DistillBench.Run(new DistillBench.Settings(at.Root, at.Shared, at.Checkpoint(args.GetValue(_model)), at.Student(args.GetValue(_fastModel)),
            args.GetValue(_run), BenchOptions.PythonOrDefault(args.GetValue(_python)), BenchOptions.ThreadsOrDefault(args.GetValue(_threads)), args.GetValue(_quick),
            args.GetValue(_section) ?? "distill"), context);
        ReportFile.Publish(report, DistillReport.Write(result), context, "bench distill");
        return ExitCodes.Success;
    }
}
