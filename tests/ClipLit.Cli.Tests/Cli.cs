using ClipLit.TestSupport;

namespace ClipLit.Cli.Tests;

/// <summary>Runs the cliplit command line in process and captures what it prints.</summary>
public static class Cli
{
    /// <summary>A run's exit code and output (LiveTests makes them for runs of the built app too).</summary>
    public sealed record Result(int ExitCode, string Out, string Error) : CommandResult(ExitCode, Out, Error);

    public static Result Run(params string[] args) => Run(CancellationToken.None, args);

    public static Result Run(CancellationToken cancellation, params string[] args) => Run(cancellation, error: null, args);

    /// <summary>A run whose standard error a test watches while it runs (<see cref="WatchedWriter"/>).</summary>
    public static Result Run(CancellationToken cancellation, TextWriter? error, params string[] args)
    {
        var result = CommandRunner.Run("cliplit", Program.Run, cancellation, args, error);
        return new Result(result.ExitCode, result.Out, result.Error);
    }

    /// <summary>The paper's checkpoint as a --model argument.</summary>
    public static string[] WithModel(params string[] args) => [.. args, "--model", SharedData.EnhancementCheckpoint];
}
