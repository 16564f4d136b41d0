using System.Globalization;
using NUnit.Framework;

namespace ClipLit.TestSupport;

/// <summary>Short clips cut from the shared real video for tests (H.264, the audio copied), made with an argument list so any file name works.</summary>
public static class TestClips
{
    /// <summary>Writes the first <paramref name="seconds"/> of a shared clip, scaled to <paramref name="width"/>x<paramref name="height"/>, to <paramref name="target"/>; returns it.</summary>
    public static string Cut(string target, double seconds = 1, int width = 320, int height = 180, string source = "backlit_720p30.mp4")
    {
        var result = ChildProcess.Run("ffmpeg", "-v", "error", "-y", "-i", SharedData.Path("data", "video", source),
            "-t", seconds.ToString(CultureInfo.InvariantCulture), "-vf", $"scale={width}:{height}", "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "copy", target);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return target;
    }
}
