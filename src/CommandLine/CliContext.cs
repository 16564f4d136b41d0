namespace ClipLit.Cli;

/// <summary>What a command writes to and how it is interrupted; tests substitute their own writers.</summary>
/// <param name="Out">Standard output: help text and machine-readable results only.</param>
/// <param name="Error">Standard error: progress, notes and error lines.</param>
/// <param name="ErrorIsTerminal">Error is an interactive terminal (progress bars redraw in place).</param>
/// <param name="Cancellation">Fires on Ctrl+C.</param>
public sealed record CliContext(TextWriter Out, TextWriter Error, bool ErrorIsTerminal, CancellationToken Cancellation)
{
    /// <summary>Writes nothing and is never cancelled: for building commands only to read their definitions (help).</summary>
    public static CliContext Silent { get; } = new(TextWriter.Null, TextWriter.Null, false, CancellationToken.None);

    /// <summary>How a command ends on a failure it can name: one line "error: <paramref name="message"/>", then <see cref="ExitCodes.SomeFailed"/> to return.</summary>
    public int Fail(string message)
    {
        Error.WriteLine($"error: {message}");
        return ExitCodes.SomeFailed;
    }
}

/// <summary>Process exit codes.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int SomeFailed = 1;
    public const int Usage = 2;
    public const int Interrupted = 130;
}
