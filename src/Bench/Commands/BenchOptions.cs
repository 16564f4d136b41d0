namespace ClipLit.Bench.Commands;

/// <summary>
/// The options several benchmarks take, each defined here once; a subcommand adds those it uses
/// (each call builds a new option, as System.CommandLine wants one parent per option).
/// Thread-safety: each call builds new options.
/// </summary>
public static class BenchOptions
{
    public static Option<string?> Output() => Define.Text("--output", "FILE", "where to write the report (default docs/benchmarks.md; '-' prints it)");

    public static Option<string?> Model() => Define.Text("--model", "PATH", "the checkpoint measured (default: the paper's, in the shared data folder)", IsPath, "a file");

    public static Option<string?> FastModel() => Define.Text("--fast-model", "PATH", "the student measured (default: the one shipped in models/student)", IsPath, "a file");

    public static Option<int?> Threads() => Define.Integer("--threads", "N", 1, 1024, "threads for both ONNX Runtime and PyTorch (default: all cores)");

    public static Option<string?> Python() => Define.Text("--python", "PATH", "Python with torch 1.13 (default /usr/bin/python3)", IsPath, "the path of a Python executable");

    /// <summary>An empty or blank path names nothing: a usage error, not a failure deep in a run.</summary>
    private static bool IsPath(string text) => text.Trim().Length > 0;

    /// <param name="defaults">What the description says the default is, e.g. "default 3; 1 with --quick".</param>
    public static Option<int?> Repeat(string defaults) => Define.Integer("--repeat", "N", 1, 100, $"runs per measurement ({defaults})");

    /// <param name="what">What --quick leaves out or shortens.</param>
    public static Option<bool> Quick(string what) => Define.Flag("--quick", what);
}
