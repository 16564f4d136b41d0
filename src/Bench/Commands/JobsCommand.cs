using ClipLit.Bench.Jobs;

namespace ClipLit.Bench.Commands;

/// <summary>
/// <c>cliplit bench jobs</c>: <see cref="JobBench"/>, written by <see cref="JobReport"/>.
/// Thread-safety: build and parse on one thread.
/// </summary>
public sealed class JobsCommand : CheckoutBenchCommand
{
    private readonly BenchModelOptions _models = new(withStudent: true);
    private readonly Option<int?> _seconds = Define.Integer("--seconds", "N", 4, 36_000, "the looped clip's length (default 120)");
    private readonly Option<int?> _shards = Define.Integer("--shards", "N", 2, 1000, "the job's shards (default 2)");

    public JobsCommand(CliContext context) : base("jobs", "a job's split and join against one plain run, and hours on N nodes on paper", """
                Measures a job (create, shards one after another, join) against one plain enhance of the same
                looped clip in the same run, each step a run of the built cliplit app: the overhead of
                splitting and joining, whether the timestamps match, the frames' PSNR, and how long an hour
                of video takes on N nodes at the measured speeds. Replaces the jobs section of
                docs/benchmarks.md (or --output FILE; '-' prints it).
                """, context) =>
        Take([.. _models.Options, _seconds, _shards]);

    protected override Measured? Measure(ParseResult args, BenchLocations at, CliContext context)
    {
        var result = JobBench.Run(new JobBench.Settings(at.Shared, _models.Checkpoint(args, at), _models.Student(args, at),
            args.GetValue(_seconds) ?? 120, args.GetValue(_shards) ?? 2), context);
        // A joined video whose timestamps differ from the plain run's is a failure, reported first.
        return new Measured(JobReport.Write(result), result.SameTimestamps);
    }
}
