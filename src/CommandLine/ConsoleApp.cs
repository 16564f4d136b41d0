using ClipLit.Cli.CommandLine;

namespace ClipLit.Cli;

/// <summary>
/// The process side of the command-line apps (cliplit, cliplit-train, cliplit-bench): runs a
/// command line on the console with Ctrl+C as its cancellation, and maps a command's
/// <see cref="UsageException"/> to its one line and exit code 2.
/// </summary>
public static class ConsoleApp
{
    /// <summary>
    /// Runs <paramref name="run"/> on standard output and error. The first Ctrl+C cancels the
    /// context's token (the command stops cleanly, leaving no partial outputs); a second one kills
    /// the process.
    /// </summary>
    public static int Main(string[] args, Func<IReadOnlyList<string>, CliContext, int> run)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (cancellation.IsCancellationRequested) return;
            e.Cancel = true;
            cancellation.Cancel();
        };
        return run(args, new CliContext(Console.Out, Console.Error, !Console.IsErrorRedirected, cancellation.Token));
    }

    /// <summary>Runs one command; a <see cref="UsageException"/> becomes "usage error: ..." and exit code 2.</summary>
    public static int Guarded(CliContext context, Func<int> command)
    {
        try
        {
            return command();
        }
        catch (UsageException e)
        {
            context.Error.WriteLine($"usage error: {e.Message}");
            return ExitCodes.Usage;
        }
    }

    /// <summary>
    /// For an executable that runs some of cliplit's commands (cliplit-train, cliplit-bench): runs the
    /// one named first in <paramref name="args"/> with the rest, as cliplit would have.
    /// </summary>
    public static int Dispatch(string app, IReadOnlyList<string> args, CliContext context,
        params (string Name, Func<IReadOnlyList<string>, CliContext, int> Run)[] commands) => Guarded(context, () =>
    {
        foreach (var (name, run) in commands)
            if (args.Count > 0 && args[0] == name) return run(args.Skip(1).ToList(), context);
        string names = string.Join(", ", commands.Select(c => c.Name));
        throw new UsageException($"{app} runs {names}, named first as in 'cliplit {commands[0].Name} ...' (which starts it), got '{string.Join(' ', args)}'");
    });

    /// <summary>Whether the context writes to this process's own standard output and error (not to writers a caller substituted).</summary>
    public static bool WritesToConsole(CliContext context) =>
        ReferenceEquals(context.Out, Console.Out) && ReferenceEquals(context.Error, Console.Error);
}
