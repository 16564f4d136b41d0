using FFMpegCore;

namespace ClipLit.VideoIO.Video;

/// <summary>
/// Finds the ffmpeg and ffprobe programs and says how to install them when missing. FFMpegCore's
/// options name the binaries (its configured folder, else PATH); FFMpegCore builds no command line
/// here: every ffmpeg and ffprobe ClipLit starts gets an argument list (<see cref="FfmpegProcess"/>,
/// <see cref="Core.Processes.ChildProgram"/>), so no file name or option value can become a second argument.
/// </summary>
public static class FfmpegTools
{
    /// <summary>The ffmpeg program to start.</summary>
    public static string Ffmpeg => GlobalFFOptions.GetFFMpegBinaryPath();

    /// <summary>The ffprobe program to start.</summary>
    public static string Ffprobe => GlobalFFOptions.GetFFProbeBinaryPath();

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

    /// <summary>
    /// A file path as ffmpeg must be given it: absolute, so that it can neither start with '-'
    /// (an option) nor with a protocol name such as <c>concat:</c> or <c>http:</c> (another source).
    /// </summary>
    public static string FileArgument(string path) => Path.GetFullPath(path);

    /// <summary>A stream's URL as it is (udp://, rtmp://...), anything else as a file path (<see cref="FileArgument"/>).</summary>
    public static string UrlOrFileArgument(string target) => target.Contains("://", StringComparison.Ordinal) ? target : FileArgument(target);

    /// <summary>Whether <paramref name="path"/> holds a control character (a line break): ffmpeg's list files cannot carry one, and no real file name does.</summary>
    public static bool HasControlCharacters(string path) => path.Any(char.IsControl);
}
