namespace ClipLit.Bench.Commands;

/// <summary>
/// The options of a benchmark that takes <see cref="TeacherStudentBenchSettings"/>: --model, --fast-model,
/// --threads, --python and --quick.
/// Thread-safety: build and parse on one thread.
/// </summary>
/// <param name="quick">What --quick shortens, for its help line.</param>
public sealed class TeacherStudentBenchOptions(string quick)
{
    private readonly BenchModelOptions _models = new(withStudent: true);
    private readonly BenchRuntimeOptions _runtimes = new();
    private readonly Option<bool> _quick = BenchOptions.Quick(quick);

    /// <summary>The options, in help order.</summary>
    public Option[] Options => [.. _models.Options, .. _runtimes.Options, _quick];

    public TeacherStudentBenchSettings Settings(ParseResult args, BenchLocations at) =>
        new(at.Root, at.Shared, _models.Checkpoint(args, at), _models.Student(args, at), _runtimes.Python(args), _runtimes.Threads(args), args.GetValue(_quick));
}
