namespace ClipLit.Cli;

/// <summary>
/// The process side of the command-line apps (cliplit, cliplit-train, cliplit-bench): runs a
/// command line on the console with Ctrl+C as its cancellation.
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

    /// <summary>Whether the context writes to this process's own standard output and error (not to writers a caller substituted).</summary>
    public static bool WritesToConsole(CliContext context) =>
        ReferenceEquals(context.Out, Console.Out) && ReferenceEquals(context.Error, Console.Error);
}
