using ClipLit.Cli.CommandLine;

namespace ClipLit.Cli;

/// <summary>
/// The process side of the command-line apps (cliplit, cliplit-train, cliplit-bench): runs a
/// command line on the console with Ctrl+C as its cancellation.
/// </summary>
public static class ConsoleApp
{
    /// <summary>
    /// Runs <paramref name="run"/> on standard output and error. The first Ctrl+C or SIGTERM (what
    /// a scheduler sends first: Slurm's scancel, Kubernetes, systemd) cancels the context's token,
    /// so the command stops cleanly, leaving no partial outputs; a second one ends the process.
    /// </summary>
    public static int Main(string[] args, Func<IReadOnlyList<string>, CliContext, int> run)
    {
        // A failure on a thread no command waits for would end the process with a stack trace (exit 134): one line instead.
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            Console.Error.WriteLine(e.ExceptionObject is Exception exception
                ? CommandLineApp.UnexpectedFailureLine(exception)
                : "error: an unexpected failure (please report it with the command that led to it)");
            Console.Error.Flush();
            Environment.Exit(ExitCodes.SomeFailed);
        };
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            if (cancellation.IsCancellationRequested) return;
            e.Cancel = true;
            cancellation.Cancel();
        };
        using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, signal =>
        {
            if (cancellation.IsCancellationRequested) return;
            signal.Cancel = true;
            cancellation.Cancel();
        });
        return run(args, new CliContext(Console.Out, Console.Error, !Console.IsErrorRedirected, cancellation.Token));
    }

    /// <summary>Whether the context writes to this process's own standard output and error (not to writers a caller substituted).</summary>
    public static bool WritesToConsole(CliContext context) =>
        ReferenceEquals(context.Out, Console.Out) && ReferenceEquals(context.Error, Console.Error);
}
