using System.Diagnostics;
using System.Globalization;
using ClipLit.Cli.CommandLine;
using ClipLit.Core;
using ClipLit.Engine;
using ClipLit.Engine.Live;
using ClipLit.Engine.Models;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Presentation;
using ClipLit.Renderer.Vulkan;
using ClipLit.VideoIO.Images;
using ClipLit.VideoIO.Live;
using ClipLit.VideoIO.Video;

namespace ClipLit.Cli.Commands;

/// <summary><c>cliplit live</c>: the enhanced feed of a video in a window (or headless).</summary>
public static class LiveCommand
{
    public const string Help = """
        Usage: cliplit live (--input FILE | --camera DEVICE) [options]

        Shows the enhanced video in a window (GLFW, presented through a Vulkan swapchain) at the
        source's frame rate. The network runs beside it on the newest frame whenever it is free,
        and every shown frame gets the newest light map (temporally averaged), so the picture stays
        fluid when the network is slower than the video. Esc or closing the window quits.

        Options:
          -i, --input FILE|URL     the video to show: a file, or a network stream (udp://, rtsp://,
                                   http://...; retried when it ends, like a camera)
          -c, --camera DEVICE      a camera: /dev/video0 (v4l2; dshow on Windows, avfoundation on
                                   macOS), or FORMAT:DEVICE for any FFmpeg input device, e.g.
                                   lavfi:testsrc2=size=640x360:rate=30 (a generated test camera).
                                   'cliplit cameras' lists them. A camera that goes away is
                                   retried every second.
              --camera-size WxH    capture mode: picture size (one 'cliplit cameras' lists)
              --camera-fps N       capture mode: frames per second
              --camera-format F    capture mode: the camera's pixel format (mjpeg, yuyv422, nv12...)
              --loop               start again at the end
              --quality Q          fast (default on CPU) or full, as for enhance
              --fast-size N        long side of the network's input in fast quality (default 256)
              --no-smoothing       no temporal smoothing of the light map
          -m, --model PATH         .pth checkpoint or .onnx model (default as for enhance)
              --compare PATH       a second model for the side-by-side view (B): PATH left of the
                                   divider, --model right of it
              --side-by-side       start side by side (with --compare)
              --hud                start with the heads-up display shown
              --watch DIR          hot reload: swap in each checkpoint (.onnx or .pth) completed in
                                   DIR while running (a trainer's output folder); files that do
                                   not load are reported and the running model stays
          -d, --device DEVICE      auto (default), cpu or cuda
              --frames N           stop after presenting N frames
              --screenshot PATH    save the last presented image (read back from the swapchain) as PNG
              --window-size WxH    the window's initial size (default: the video's, fitted to 1600x900);
                                   the picture keeps its aspect ratio, with black bars
              --no-window          run the same loop headless (servers)
              --virtual-camera DEV also write the enhanced frames to a v4l2loopback device, so video
                                   calls see them (sudo modprobe v4l2loopback video_nr=10
                                   card_label=ClipLit exclusive_caps=1, then --virtual-camera /dev/video10)
              --output-stream URL  also send the enhanced frames to any FFmpeg output as low-latency
                                   H.264: udp://HOST:PORT, rtmp://..., srt://..., or a file
              --split F            start in split view, input left of the divider at fraction F of
                                   the width (0-1), enhanced right of it
              --lockstep           every frame waits for its own light map (slower; shows exactly
                                   what enhance writes)
          -h, --help               show this help

        Keys: S split view before|after (drag the divider with the mouse), B side by side of two
        models (--compare, or the model before the last swap; the divider drags too), H heads-up
        display (display fps, the network's rate and milliseconds, how old the light map is,
        latency, device, model and its load time), Space pause, Q quality fast|full, F fullscreen,
        R reload the model from its file, P screenshot (cliplit-DATE-TIME.png in the current
        folder), Esc quit. Messages (a checkpoint that did not load, no signal) show on screen.

        Exit status: 0 done (end of input, --frames reached or window closed), 1 failure,
        2 usage error, 130 interrupted.
        """;

    private static readonly OptionSpec Options = new OptionSpec()
        .Value("input", "-i", "--input")
        .Value("camera", "-c", "--camera")
        .Value("camera-size", "--camera-size")
        .Value("camera-fps", "--camera-fps")
        .Value("camera-format", "--camera-format")
        .Value("quality", "--quality")
        .Value("fast-size", "--fast-size")
        .Value("model", "-m", "--model")
        .Value("compare", "--compare")
        .Flag("side-by-side", "--side-by-side")
        .Flag("hud", "--hud")
        .Value("device", "-d", "--device")
        .Value("frames", "--frames")
        .Value("screenshot", "--screenshot")
        .Value("window-size", "--window-size")
        .Value("watch", "--watch")
        .Value("split", "--split")
        .Value("output-stream", "--output-stream")
        .Value("virtual-camera", "--virtual-camera")
        .Flag("loop", "--loop")
        .Flag("no-smoothing", "--no-smoothing")
        .Flag("no-window", "--no-window")
        .Flag("lockstep", "--lockstep");

    public static int Run(IReadOnlyList<string> arguments, CliContext context) => Run(arguments, context, out _);

    /// <summary>Runs the live view; <paramref name="statistics"/> is what it measured (null when it did not run), for benchmarks.</summary>
    internal static int Run(IReadOnlyList<string> arguments, CliContext context, out LiveStatistics? statistics)
    {
        statistics = null;
        var args = ParsedArguments.ParseOrShowHelp("live", arguments, Options, Help, context.Out);
        if (args is null) return ExitCodes.Success;
        string? file = args.Value("input");
        string? camera = args.Value("camera");
        if ((file is null) == (camera is null)) throw new UsageException("live: name either --input FILE or --camera DEVICE");
        string input = file ?? camera!;
        int? frameLimit = args.Value("frames") is null ? null : args.Int("frames", 0, 1, int.MaxValue);
        string? screenshot = args.Value("screenshot");
        bool windowed = !args.Has("no-window");
        if (screenshot is not null && !windowed) throw new UsageException("live: --screenshot needs the window (drop --no-window)");
        if (screenshot is not null && !screenshot.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new UsageException("live: --screenshot must name a .png file");
        var quality = args.Value("quality") switch
        {
            null => (EnhanceQuality?)null,
            "fast" => EnhanceQuality.Fast,
            "full" => EnhanceQuality.Full,
            var other => throw new UsageException($"live: --quality must be fast or full, got '{other}'"),
        };
        var device = ValueParsers.Device("live", args.Value("device"));
        double? split = args.Value("split") is { } fraction
            ? double.TryParse(fraction, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && f is >= 0 and <= 1 ? f
                : throw new UsageException($"live: --split must be a fraction from 0 to 1, got '{fraction}'")
            : null;
        string? watch = args.Value("watch");
        if (watch is not null && !Directory.Exists(watch)) throw new UsageException($"live: --watch {watch} is not a folder");
        (int Height, int Width)? windowSize = args.Value("window-size") is { } size ? ValueParsers.Size("live", "--window-size", size) : null;
        var cameraSpec = camera is null ? null : CameraSpec.Parse(camera) with { Mode = CameraModeOptions(args) };
        if (cameraSpec is { HasModes: false, Mode.IsDefault: false })
            throw new UsageException($"live: --camera-size, --camera-fps and --camera-format apply to capture devices (v4l2, dshow, avfoundation), not {cameraSpec.Format}");
        if (cameraSpec is null && !CameraModeOptions(args).IsDefault) throw new UsageException("live: --camera-size, --camera-fps and --camera-format need --camera");

        LiveInput info;
        IFrameSource first;
        try
        {
            FfmpegTools.EnsureAvailable(input);
            (info, first) = cameraSpec is not null ? OpenCamera(cameraSpec) : OpenFileOrStream(file!, context.Cancellation);
        }
        catch (VideoFileException e)
        {
            context.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.SomeFailed;
        }
        if (args.Has("side-by-side") && args.Value("compare") is null) throw new UsageException("live: --side-by-side needs --compare PATH");
        using var firstSource = new Owned<IFrameSource>(first);
        // Model files are read before the window opens, so a bad one is reported without it.
        var loading = Stopwatch.StartNew();
        var model = EnhanceCommand.LoadModel(args.Value("model"), context);
        if (model is null) return ExitCodes.SomeFailed;
        var modelReadTime = loading.Elapsed;
        LightMapModel? compared = null;
        var comparedReadTime = TimeSpan.Zero;
        if (args.Value("compare") is { } comparePath)
        {
            loading.Restart();
            compared = EnhanceCommand.LoadModel(comparePath, context);
            if (compared is null) return ExitCodes.SomeFailed;
            comparedReadTime = loading.Elapsed;
        }

        try
        {
            using var window = windowed ? OpenWindow(info, windowSize) : null;
            var deviceOptions = VkDeviceOptions.Default with
            {
                InstanceExtensions = window is null ? [] : GlfwWindow.RequiredInstanceExtensions(),
                Presentation = window is not null,
            };
            loading.Restart();
            using var session = OpenSession(model, device, deviceOptions, context);
            if (session is null) return ExitCodes.SomeFailed;
            var options = VideoEnhanceOptions.Default with
            {
                Quality = quality ?? (session.RunsOnCuda ? EnhanceQuality.Full : EnhanceQuality.Fast),
                FastLongSide = args.Int("fast-size", FrameLayout.DefaultFastLongSide, 16, 4096),
                Temporal = args.Has("no-smoothing") ? TemporalOptions.Off : TemporalOptions.Default,
            };
            // The network's tensors at the first network size: zero-copy on CUDA when the network runs there and the chain works.
            var startLayout = FrameLayout.For(info.Width, info.Height, options.Quality, options.FastLongSide, options.Upsample);
            session.TensorsFor(startLayout.NetworkWidth, startLayout.NetworkHeight);
            var running = new LoadedModel(session, modelReadTime + loading.Elapsed);
            loading.Restart();
            using var compare = compared is null ? null : new LoadedModel(session.OpenSibling(compared), comparedReadTime + loading.Elapsed);
            if (compare is not null) context.Error.WriteLine($"model {compared!.Source}, running on {compare.Session.Provider.Description}");
            var vulkan = session.Device;
            using var presenter = window is null ? null : new VkPresenter(vulkan, window);
            var loop = new LiveLoop(window, presenter, running, options,
                new LiveOptions(frameLimit, screenshot, args.Has("loop"), args.Has("lockstep"), watch, split, args.Value("output-stream"), args.Value("virtual-camera"),
                    compare, args.Has("side-by-side"), args.Has("hud")), context.Error)
            { StartupNotice = session.FallbackReason is { } why ? $"frames take a round trip through host memory, not zero-copy on CUDA: {why}" : null };
            var measured = loop.Run(info, firstSource.Take(), context.Cancellation);
            statistics = measured;
            if (vulkan.ValidationEnabled)
            {
                context.Error.WriteLine($"Vulkan validation: {vulkan.ValidationErrorCount} errors");
                foreach (string message in vulkan.ValidationMessages.Take(3)) context.Error.WriteLine($"  {message}");
            }
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"presented {measured.Presented} frames ({measured.PresentedPerSecond:F1} fps); {measured.LightMaps} light maps ({measured.LightMapsPerSecond:F1} Hz), on average {measured.MeanLightMapAgeFrames:F1} frames old; latency p50 {measured.LatencyP50Milliseconds:F0} ms, p99 {measured.LatencyP99Milliseconds:F0} ms; "
                + $"{measured.Skipped} skipped to keep pace; per frame: decode {measured.MeanFrameTimes.Decode:F1} ms, render {measured.MeanFrameTimes.Render:F1} ms, present {measured.MeanFrameTimes.Present:F1} ms"));
            if (watch is not null) context.Error.WriteLine($"models swapped in: {measured.ModelsSwapped}");
            if (context.Cancellation.IsCancellationRequested) return ExitCodes.Interrupted;
            return vulkan.ValidationErrorCount > 0 ? ExitCodes.SomeFailed : ExitCodes.Success;
        }
        catch (Exception e) when (e is PresentationException or VulkanException or VideoFileException or ImageFileException or InferenceException)
        {
            context.Error.WriteLine($"error: {(e is VideoFileException or ImageFileException ? e.Message : $"{input}: {e.Message}")}");
            return ExitCodes.SomeFailed;
        }
    }

    /// <summary>
    /// The model's session in the live view (frames keep their memory; threads sleep rather than spin, the cores are shared);
    /// on failure prints the one-line error and returns null.
    /// </summary>
    private static EnhancerSession? OpenSession(LightMapModel model, ExecutionDevice device, VkDeviceOptions deviceOptions, CliContext context)
    {
        try
        {
            var session = new EnhancerSession(model, EnhancerOptions.Default with { Device = device, SpinWhileWaiting = false }, deviceOptions,
                note => context.Error.WriteLine($"note: {note}"));
            context.Error.WriteLine($"model {model.Source}, running on {session.Provider.Description}");
            return session;
        }
        catch (InvalidOperationException e) when (device == ExecutionDevice.Cuda)
        {
            context.Error.WriteLine($"error: --device cuda: {e.Message}");
            return null;
        }
    }

    private static (LiveInput, IFrameSource) OpenFile(string path, CancellationToken cancellation)
    {
        var video = VideoProbe.Probe(path, cancellation);
        return (new LiveInput(Path.GetFileName(path), video.Width, video.Height, video.NominalFrameRate, () => new VideoFrameReader(video), IsCamera: false),
            new VideoFrameReader(video));
    }

    /// <summary>A network stream is shown like a camera (retried when it ends); anything else is a file.</summary>
    private static (LiveInput, IFrameSource) OpenFileOrStream(string input, CancellationToken cancellation) =>
        CameraSpec.IsUrl(input) && !File.Exists(input) ? OpenCamera(CameraSpec.ForUrl(input)) : OpenFile(input, cancellation);

    private static CameraMode CameraModeOptions(ParsedArguments args)
    {
        (int Width, int Height)? size = args.Value("camera-size") is { } text ? ValueParsers.Size("live", "--camera-size", text) is var (h, w) ? (w, h) : null : null;
        double? rate = args.Value("camera-fps") is { } fps
            ? double.TryParse(fps, NumberStyles.Float, CultureInfo.InvariantCulture, out double r) && r is > 0 and <= 1000 ? r
                : throw new UsageException($"live: --camera-fps must be a rate from 0 to 1000, got '{fps}'")
            : null;
        string? format = args.Value("camera-format");
        if (format is not null && !format.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            throw new UsageException($"live: --camera-format must be a pixel format name like mjpeg or yuyv422, got '{format}'");
        return new CameraMode(size, rate, format);
    }

    private static (LiveInput, IFrameSource) OpenCamera(CameraSpec camera)
    {
        var source = CameraSource.Open(camera);
        // A camera's rate is whatever arrives; the asked-for rate (else 30) is what outputs declare.
        return (new LiveInput(camera.ToString(), source.Width, source.Height, camera.Mode.FramesPerSecond ?? 30, () => CameraSource.Open(camera), IsCamera: true), source);
    }

    /// <summary>A window of the given size, else the frame's size scaled down to fit 1600x900 (it can be resized).</summary>
    private static GlfwWindow OpenWindow(LiveInput info, (int Height, int Width)? size)
    {
        string title = $"ClipLit - {info.Name}";
        if (size is { } given) return new GlfwWindow(given.Width, given.Height, title);
        double scale = Math.Min(1.0, Math.Min(1600.0 / info.Width, 900.0 / info.Height));
        return new GlfwWindow(Math.Max(1, (int)(info.Width * scale)), Math.Max(1, (int)(info.Height * scale)), title);
    }
}
