namespace ClipLit.Bench.Commands;

/// <summary>
/// How a benchmark runs its two runtimes side by side: --threads (ONNX Runtime's and PyTorch's) and
/// --python (the Python whose PyTorch is the reference).
/// Thread-safety: build and parse on one thread.
/// </summary>
public sealed class BenchRuntimeOptions
{
    private readonly Option<int?> _threads = BenchOptions.Threads();
    private readonly Option<string?> _python = BenchOptions.Python();

    /// <summary>The options, in help order.</summary>
    public Option[] Options => [_threads, _python];

    /// <summary>The threads both runtimes get (default: all cores).</summary>
    public int Threads(ParseResult args) => args.GetValue(_threads) ?? Environment.ProcessorCount;

    /// <summary>The Python the references run with.</summary>
    public string Python(ParseResult args) => args.GetValue(_python) ?? "/usr/bin/python3";
}
