using ClipLit.Core.Processes;

namespace ClipLit.Bench;

/// <summary>Runs ffmpeg for a benchmark's set-up (cutting, scaling, decoding clips); a failure names the command and ffmpeg's message.</summary>
public static class FfmpegRun
{
    /// <param name="arguments">ffmpeg's arguments, one element each (file names stay one argument whatever they hold).</param>
    /// <exception cref="InvalidOperationException">ffmpeg exited with an error.</exception>
    public static void Run(params string[] arguments)
    {
        var result = ChildProgram.Run("ffmpeg", arguments);
        if (result.ExitCode != 0) throw new InvalidOperationException($"{ChildProgram.Describe("ffmpeg", arguments)}: {result.Error.Trim()}");
    }
}
