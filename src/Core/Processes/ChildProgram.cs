using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace ClipLit.Core.Processes;

/// <summary>What a child program printed and how it ended.</summary>
/// <param name="ExitCode">Its exit status.</param>
/// <param name="Output">Its standard output.</param>
/// <param name="Error">Its standard error.</param>
public sealed record ChildProgramResult(int ExitCode, string Output, string Error)
{
    /// <summary>The last non-empty line of standard error, or null.</summary>
    public string? LastErrorLine => Error.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);
}

/// <summary>A program could not be started (not installed, not executable).</summary>
public sealed class ChildProgramException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Runs another program to its end and captures what it prints: ffprobe, ffmpeg's listings and
/// trial encodes, sbatch, the benchmarks' references. Every argument is one element of the
/// program's argument vector (<see cref="ProcessStartInfo.ArgumentList"/>), never a command line
/// that a shell or a parser splits: a file name or an option value with spaces, quotes or a
/// leading dash stays one argument, whatever it holds.
/// Thread-safety: stateless.
/// </summary>
public static class ChildProgram
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/>; stops it (with its children) on cancellation or past <paramref name="timeout"/>.</summary>
    /// <param name="program">The program: a path, or a name found on PATH.</param>
    /// <param name="arguments">Its arguments, each passed as one.</param>
    /// <param name="timeout">How long it may run; null: as long as it takes.</param>
    /// <param name="cancellation">Stops it.</param>
    /// <param name="configure">Sets more of the start (environment, working folder) before it starts.</param>
    /// <exception cref="ChildProgramException">It could not be started.</exception>
    /// <exception cref="TimeoutException">It ran past the timeout (it was stopped).</exception>
    /// <exception cref="OperationCanceledException">Cancelled (it was stopped).</exception>
    public static ChildProgramResult Run(string program, IEnumerable<string> arguments, TimeSpan? timeout = null,
        CancellationToken cancellation = default, Action<ProcessStartInfo>? configure = null)
    {
        cancellation.ThrowIfCancellationRequested();
        var start = StartInfo(program, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        configure?.Invoke(start);
        using var process = Start(start);
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        bool exited;
        using (cancellation.Register(() => Stop(process)))
            exited = process.WaitForExit(timeout ?? Timeout.InfiniteTimeSpan);
        if (!exited) Stop(process);
        process.WaitForExit();
        cancellation.ThrowIfCancellationRequested();
        if (!exited) throw new TimeoutException($"{program} did not finish within {timeout!.Value.TotalSeconds:0} s and was stopped");
        return new ChildProgramResult(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    /// <summary>A start for <paramref name="program"/> with each of <paramref name="arguments"/> as one argument; no shell.</summary>
    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { UseShellExecute = false };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        return start;
    }

    /// <summary>Starts a prepared start.</summary>
    /// <exception cref="ChildProgramException">It could not be started.</exception>
    public static Process Start(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new ChildProgramException($"{start.FileName} could not be started");
        }
        catch (Win32Exception e)
        {
            throw new ChildProgramException($"{start.FileName} could not be started ({e.Message})", e);
        }
    }

    /// <summary>How a program was called, for messages and logs: each argument that needs it quoted (never run as such).</summary>
    public static string Describe(string program, IEnumerable<string> arguments)
    {
        var text = new StringBuilder(program);
        foreach (string argument in arguments)
        {
            text.Append(' ');
            bool plain = argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,+%@".Contains(c));
            text.Append(plain ? argument : "'" + argument.Replace("'", @"'\''", StringComparison.Ordinal) + "'");
        }
        return text.ToString();
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }
}
