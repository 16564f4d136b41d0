using System.Diagnostics;

namespace ClipLit.Bench;

/// <summary>Runs ffmpeg for a benchmark's set-up (cutting, scaling, decoding clips); a failure names the command and ffmpeg's message.</summary>
public static class FfmpegRun
{
    /// <exception cref="InvalidOperationException">ffmpeg exited with an error.</exception>
    public static void Run(string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("ffmpeg", arguments) { RedirectStandardError = true })!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg {arguments}: {error}");
    }
}
