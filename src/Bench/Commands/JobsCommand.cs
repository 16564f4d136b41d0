using System.CommandLine;
using ClipLit.Bench.Jobs;
using ClipLit.Bench.Reports;
using ClipLit.Cli;
using ClipLit.Cli.CommandLine;

namespace ClipLit.Bench.Commands;

/// <summary>
/// <c>cliplit bench jobs</c>: <see cref="JobBench"/>, written by <see cref="JobReport"/>.
/// Thread-safety: build and parse on one thread.
/// </summary>
public sealed class JobsCommand : AppCommand
{
    private readonly Option<string?> _model = BenchOptions.Model();
    private readonly Option<string?> _fastModel = BenchOptions.FastModel();
    private readonly Option<int?> _seconds = Define.Integer("--seconds", "N", 4, 36_000, "the looped clip's length (default 120)");
    private readonly Option<int?> _shards = Define.Integer("--shards", "N", 2, 1000, "the job's shards (default 2)");
    private readonly Option<string?> _output = BenchOptions.Output();

    public JobsCommand(CliContext context) : base("jobs", "a job's split and join against one plain run, and hours on N nodes on paper")
    {
        foreach (Option option in (Option[])[_model, _fastModel, _seconds, _shards, _output]) Options.Add(option);
        Explain("Details", """
            Measures a job (create, shards one after another, join) against one plain enhance of the same
            looped clip in the same run, each step a run of the built cliplit app: the overhead of
            splitting and joining, whether the timestamps match, the frames' PSNR, and how long an hour
            of video takes on N nodes at the measured speeds. Replaces the jobs section of
            docs/benchmarks.md (or --output FILE; '-' prints it).
            """);
        SetAction(result => Run(result, context));
    }

    private int Run(ParseResult args, CliContext context)
    {
        var at = BenchLocations.FromCheckout();
        string report = at.Report(args.GetValue(_output));
        if (!at.HasSharedData(context.Error)) return ExitCodes.SomeFailed;
        var result = JobBench.Run(new JobBench.Settings(at.Shared, at.Checkpoint(args.GetValue(_model)), at.Student(args.GetValue(_fastModel)),
            args.GetValue(_seconds) ?? 120, args.GetValue(_shards) ?? 2), context);
        ReportFile.Publish(report, JobReport.Write(result), context, "bench jobs");
        // A joined video whose timestamps differ from the plain run's is a failure, reported first.
        return result.SameTimestamps ? ExitCodes.Success : ExitCodes.SomeFailed;
    }
}
