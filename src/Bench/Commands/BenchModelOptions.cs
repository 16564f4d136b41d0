namespace ClipLit.Bench.Commands;

/// <summary>
/// The models a benchmark measures: --model (the paper's checkpoint) and, where it measures fast
/// quality, --fast-model (the student), each read and checked before anything is measured.
/// Thread-safety: build and parse on one thread.
/// </summary>
public sealed class BenchModelOptions
{
    private readonly Option<string?> _model = BenchOptions.Model();
    private readonly Option<string?>? _fastModel;

    /// <param name="withStudent">Whether the benchmark also measures fast quality (adds --fast-model).</param>
    public BenchModelOptions(bool withStudent) => _fastModel = withStudent ? BenchOptions.FastModel() : null;

    /// <summary>The options, in help order.</summary>
    public Option[] Options => _fastModel is null ? [_model] : [_model, _fastModel];

    /// <summary>The checkpoint given, or the paper's in the shared folder.</summary>
    public string Checkpoint(ParseResult args, BenchLocations at) => at.Checkpoint(args.GetValue(_model));

    /// <summary>The student given, or the shipped one.</summary>
    public string Student(ParseResult args, BenchLocations at) =>
        at.Student(_fastModel is null ? throw new InvalidOperationException("this benchmark takes no --fast-model") : args.GetValue(_fastModel));
}
