using ClipLit.Cli.CommandLine;
using ClipLit.Core.Processes;
using ClipLit.VideoIO.Live;
using ClipLit.VideoIO.Video;

namespace ClipLit.Cli.Commands;

/// <summary><c>cliplit cameras</c>: the capture devices FFmpeg sees, with their modes, for <c>live --camera</c>.</summary>
public sealed class CamerasCommand : AppCommand
{
    public CamerasCommand(CliContext context) : base("cameras", "list the cameras live --camera can use")
    {
        Explain("Details", """
            Lists the cameras FFmpeg can capture from, with their pixel formats, sizes and rates
            (Linux: /dev/video* through v4l2; Windows: dshow; macOS: avfoundation). Pass one to
            'cliplit live --camera DEVICE'.
            """);
        SetAction(_ => Run(context));
    }

    private static int Run(CliContext context)
    {
        if (FfmpegTools.Problem() is { } problem)
        {
            return context.Fail(problem);
        }
        string format = CameraSpec.PlatformFormat;
        if (format == "v4l2")
        {
            var devices = Directory.Exists("/dev") ? Directory.GetFiles("/dev", "video*").Order(StringComparer.Ordinal).ToList() : [];
            if (devices.Count == 0)
            {
                context.Out.WriteLine("no cameras found (no /dev/video* devices). A generated test camera: --camera lavfi:testsrc2=size=1280x720:rate=30");
                return ExitCodes.Success;
            }
            foreach (string device in devices)
            {
                context.Out.WriteLine(device);
                foreach (string line in FfmpegLines(["-f", "v4l2", "-list_formats", "all", "-i", device]))
                    context.Out.WriteLine($"  {line}");
            }
            return ExitCodes.Success;
        }
        string[] list = format == "dshow" ? ["-list_devices", "true", "-f", "dshow", "-i", "dummy"] : ["-f", "avfoundation", "-list_devices", "true", "-i", ""];
        foreach (string line in FfmpegLines(list)) context.Out.WriteLine(line);
        return ExitCodes.Success;
    }

    /// <summary>What ffmpeg prints (to standard error) for a listing, without its own prefixes and the final "no input" complaint.</summary>
    private static IEnumerable<string> FfmpegLines(IReadOnlyList<string> arguments)
    {
        string text;
        try
        {
            text = ChildProgram.Run(FfmpegTools.Ffmpeg, ["-hide_banner", .. arguments], TimeSpan.FromSeconds(30)).Error;
        }
        catch (Exception e) when (e is ChildProgramException or TimeoutException)
        {
            text = $"ffmpeg could not list it ({e.Message})";
        }
        foreach (string raw in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // "[video4linux2,v4l2 @ 0x55...] Raw : yuyv422 : YUYV 4:2:2 : 640x480 ..." -> the part after the bracket.
            string line = raw.StartsWith('[') && raw.IndexOf("] ", StringComparison.Ordinal) is int end and > 0 ? raw[(end + 2)..] : raw;
            if (line.Contains("Immediate exit requested", StringComparison.Ordinal) || line.EndsWith("Input/output error", StringComparison.Ordinal)) continue;
            yield return line;
        }
    }
}
