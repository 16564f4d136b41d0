using System.ComponentModel;
using System.Diagnostics;

namespace ClipLit.TestSupport;

/// <summary>Runs a program to its end and captures its output (a built app, python3).</summary>
public static class ChildProcess
{
    /// <returns>Its exit code and output; exit code -1 with the reason as the error output when it cannot be started.</returns>
    public static CommandResult Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program);
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        return Run(start, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Runs ffmpeg to make a test's input: Debian's ffmpeg was seen spinning forever on a 2-second cut
    /// (a livelock among its encoder threads, output never written), which held a whole CI run; past
    /// <paramref name="timeout"/> it is killed and tried once more.
    /// </summary>
    public static CommandResult RunFfmpeg(IReadOnlyList<string> arguments, TimeSpan timeout)
    {
        ProcessStartInfo Start()
        {
            var start = new ProcessStartInfo("ffmpeg");
            foreach (string argument in (string[])["-nostdin", .. arguments]) start.ArgumentList.Add(argument);
            return start;
        }
        try
        {
            return Run(Start(), timeout);
        }
        catch (TimeoutException e)
        {
            NUnit.Framework.TestContext.Out.WriteLine($"retrying once: {e.Message}");
            return Run(Start(), timeout);
        }
    }

    /// <summary>Runs a prepared start (its environment, its working folder), killing it past <paramref name="timeout"/>.</summary>
    /// <param name="start">The program, its arguments and environment; its output is redirected here.</param>
    /// <param name="timeout">How long it may run; <see cref="Timeout.InfiniteTimeSpan"/> for no limit.</param>
    /// <returns>Its exit code and output; exit code -1 with the reason as the error output when it cannot be started.</returns>
    /// <exception cref="TimeoutException">It ran past the timeout (it is killed; the message holds what it printed).</exception>
    public static CommandResult Run(ProcessStartInfo start, TimeSpan timeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} ran past {timeout.TotalSeconds:0} s and was killed\n"
                    + new CommandResult(-1, output.Result, error.Result));
            }
            process.WaitForExit();
            return new CommandResult(process.ExitCode, output.Result, error.Result);
        }
        catch (Win32Exception e)
        {
            return new CommandResult(-1, "", e.Message);
        }
    }
}
