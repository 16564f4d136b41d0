using System.ComponentModel;
using System.Diagnostics;

namespace ClipLit.TestSupport;

/// <summary>Runs a program to its end and captures its output (a built app, python3).</summary>
public static class ChildProcess
{
    /// <returns>Its exit code and output; exit code -1 with the reason as the error output when it cannot be started.</returns>
    public static CommandResult Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return new CommandResult(process.ExitCode, output, error.Result);
        }
        catch (Win32Exception e)
        {
            return new CommandResult(-1, "", e.Message);
        }
    }
}
