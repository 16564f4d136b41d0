using ClipLit.TestSupport;

namespace ClipLit.Cli.Tests;

/// <summary>Runs the cliplit command line in process and captures what it prints.</summary>
public static class Cli
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
    }

    public static Result Run(params string[] args) => Run(CancellationToken.None, args);

    public static Result Run(CancellationToken cancellation, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = Program.Run(args, new CliContext(output, error, ErrorIsTerminal: false, cancellation));
        var result = new Result(exit, output.ToString(), error.ToString());
        TestContext.Out.WriteLine($"cliplit {string.Join(' ', args)}\n{result}");
        return result;
    }

    /// <summary>The paper's checkpoint as a --model argument.</summary>
    public static string[] WithModel(params string[] args) => [.. args, "--model", SharedData.EnhancementCheckpoint];
}
