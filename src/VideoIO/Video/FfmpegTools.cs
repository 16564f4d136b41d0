using FFMpegCore;

namespace ClipLit.VideoIO.Video;

/// <summary>Finds the ffmpeg and ffprobe programs (through FFMpegCore's options) and says how to install them when missing.</summary>
public static class FfmpegTools
{
    /// <summary>Null when ffmpeg and ffprobe can be run, else a one-line explanation with the fix.</summary>
    public static string? Problem()
    {
        var options = GlobalFFOptions.Current;
        foreach (var program in new[] { "ffmpeg", "ffprobe" })
        {
            string folder = options.BinaryFolder;
            bool found = string.IsNullOrEmpty(folder)
                ? (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
                    .Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, program)))
                : File.Exists(Path.Combine(folder, program));
            if (!found)
                return $"{program} not found on PATH: install FFmpeg (Debian/Ubuntu: sudo apt-get install ffmpeg; or run scripts/install-system-packages.sh)";
        }
        return null;
    }

    /// <exception cref="VideoFileException">ffmpeg or ffprobe is missing.</exception>
    public static void EnsureAvailable(string forPath)
    {
        if (Problem() is { } problem) throw new VideoFileException(forPath, problem);
    }
}
