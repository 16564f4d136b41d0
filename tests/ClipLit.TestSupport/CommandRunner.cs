using ClipLit.Cli;
using NUnit.Framework;

namespace ClipLit.TestSupport;

/// <summary>What a command line printed and returned.</summary>
public record CommandResult(int ExitCode, string Out, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public sealed override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}

/// <summary>Runs a command-line app's <c>Program.Run</c> (cliplit, cliplit-train, cliplit-bench) in process and captures what it prints.</summary>
public static class CommandRunner
{
    /// <param name="app">The app's name, for the test's log.</param>
    /// <param name="program">Its Program.Run.</param>
    /// <param name="cancellation">Ctrl+C.</param>
    /// <param name="args">The command line.</param>
    /// <param name="error">Receives standard error as it is written (a test waits on it); null: a writer of its own.</param>
    public static CommandResult Run(string app, Func<IReadOnlyList<string>, CliContext, int> program, CancellationToken cancellation, string[] args,
        TextWriter? error = null)
    {
        var output = new StringWriter();
        error ??= new StringWriter();
        int exit = program(args, new CliContext(output, error, ErrorIsTerminal: false, cancellation));
        var result = new CommandResult(exit, output.ToString(), error.ToString() ?? "");
        TestContext.Out.WriteLine($"{app} {string.Join(' ', args)}\n{result}");
        return result;
    }
}
