using System.Globalization;
using NUnit.Framework;

namespace ClipLit.TestSupport;

/// <summary>
/// What to cut from a shared real video for a test: where to start (seeking before decoding, frame-exact
/// as it re-encodes), how long (seconds or frames), the size, the codec (H.264 ultrafast, or lossless
/// FFV1 where the test compares pixels), the audio (copied, or none), the keyframe interval, and how
/// many times the source loops first (long clips), and a frame rate to re-time it to (every frame
/// kept, played that much faster).
/// </summary>
public sealed record ClipCut(double? Start = null, double? Seconds = null, int? Frames = null, int? Width = 320, int? Height = 180,
    bool Lossless = false, bool Audio = true, int? KeyframeInterval = null, int Loops = 0, string Source = "backlit_720p30.mp4", int? FramesPerSecond = null);

/// <summary>Short clips cut from the shared real videos for tests, the one place tests make them, with an argument list so any file name works.</summary>
public static class TestClips
{
    /// <summary>Writes the first <paramref name="seconds"/> of a shared clip, scaled to <paramref name="width"/>x<paramref name="height"/>, to <paramref name="target"/>; returns it.</summary>
    public static string Cut(string target, double seconds = 1, int width = 320, int height = 180, string source = "backlit_720p30.mp4") =>
        Make(target, new ClipCut(Seconds: seconds, Width: width, Height: height, Source: source));

    /// <summary>Writes <paramref name="cut"/> of a shared clip to <paramref name="target"/>; returns it.</summary>
    public static string Make(string target, ClipCut cut)
    {
        static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
        var arguments = new List<string> { "-v", "error", "-y" };
        if (cut.Loops > 0) arguments.AddRange(["-stream_loop", cut.Loops.ToString(CultureInfo.InvariantCulture)]);
        if (cut.Start is { } start) arguments.AddRange(["-ss", Number(start)]);
        arguments.AddRange(["-i", SharedData.Path("data", "video", cut.Source)]);
        if (cut.Seconds is { } seconds) arguments.AddRange(["-t", Number(seconds)]);
        if (cut.Frames is { } frames) arguments.AddRange(["-frames:v", frames.ToString(CultureInfo.InvariantCulture)]);
        var filters = new List<string>();
        if (cut.Width is { } width && cut.Height is { } height) filters.Add($"scale={width}:{height}");
        // Re-timed: every frame kept, each a 1/rate after the one before (a video played faster).
        if (cut.FramesPerSecond is { } rate) filters.Add($"setpts=N/({rate}*TB)");
        if (filters.Count > 0) arguments.AddRange(["-vf", string.Join(",", filters)]);
        if (cut.FramesPerSecond is { } outputRate) arguments.AddRange(["-r", outputRate.ToString(CultureInfo.InvariantCulture)]);
        arguments.AddRange(cut.Lossless ? ["-c:v", "ffv1"] : ["-c:v", "libx264", "-preset", "ultrafast"]);
        if (cut.KeyframeInterval is { } interval) arguments.AddRange(["-g", interval.ToString(CultureInfo.InvariantCulture)]);
        arguments.AddRange(cut.Audio ? ["-c:a", "copy"] : ["-an"]);
        arguments.Add(target);
        var result = ChildProcess.RunFfmpeg(arguments, TimeSpan.FromSeconds(90));
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        return target;
    }
}
