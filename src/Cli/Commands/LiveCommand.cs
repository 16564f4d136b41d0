using System.CommandLine;
using System.Globalization;
using ClipLit.Cli.CommandLine;
using ClipLit.Core;
using ClipLit.Core.Files;
using ClipLit.Engine.Live;
using ClipLit.Engine.Models;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;
using ClipLit.Jobs.Options;
using ClipLit.Renderer;
using ClipLit.VideoIO.Live;
using ClipLit.VideoIO.Video;

namespace ClipLit.Cli.Commands;

/// <summary><c>cliplit live</c>: the enhanced feed of a video in a window (or headless).</summary>
public sealed class LiveCommand : AppCommand
{
    private readonly Option<string?> _input = Define.Text("--input", "FILE|URL",
        "the video to show: a file, or a network stream (udp://, rtsp://, http://...; retried when it ends, like a camera)", "-i");
    private readonly Option<string?> _camera = Define.Text("--camera", "DEVICE",
        "a camera: /dev/video0 (v4l2; dshow on Windows, avfoundation on macOS), or FORMAT:DEVICE for any FFmpeg input device, "
        + "e.g. lavfi:testsrc2=size=640x360:rate=30 (a generated test camera). 'cliplit cameras' lists them. "
        + "A camera that goes away is retried every second", "-c");
    private readonly Option<(int Height, int Width)?> _cameraSize = ValueParsers.Size("--camera-size", "capture mode: picture size (one 'cliplit cameras' lists)");
    private readonly Option<double?> _cameraFps = Define.Parsed<double>("--camera-fps", "N", "capture mode: frames per second",
        (string text, out double rate) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out rate) && rate is > 0 and <= 1000,
        "a rate from 0 to 1000");
    private readonly Option<string?> _cameraFormat = Define.Text("--camera-format", "F", "capture mode: the camera's pixel format (mjpeg, yuyv422, nv12...)",
        format => format.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'), "a pixel format name like mjpeg or yuyv422");
    private readonly Option<bool> _loop = Define.Flag("--loop", "start again at the end");
    private readonly NetworkOptions _network = new();
    private readonly Option<string?> _compare = Define.Text("--compare", "PATH",
        "a second model for the side-by-side view (B): PATH left of the divider, --model right of it");
    private readonly Option<bool> _sideBySide = Define.Flag("--side-by-side", "start side by side (with --compare)");
    private readonly Option<bool> _hud = Define.Flag("--hud", "start with the heads-up display shown");
    private readonly Option<string?> _watch = Define.Text("--watch", "DIR",
        "hot reload: swap in each checkpoint (.onnx or .pth) completed in DIR while running (a trainer's output folder); "
        + "files that do not load are reported and the running model stays");
    private readonly Option<int?> _frames = Define.Integer("--frames", "N", 1, int.MaxValue, "stop after presenting N frames");
    private readonly Option<string?> _screenshot = Define.Text("--screenshot", "PATH", "save the last presented image (read back from the swapchain) as PNG");
    private readonly Option<(int Height, int Width)?> _windowSize = ValueParsers.Size("--window-size",
        "the window's initial size (default: the video's, fitted to 1600x900); the picture keeps its aspect ratio, with black bars");
    private readonly Option<bool> _noWindow = Define.Flag("--no-window", "run the same loop headless (servers)");
    private readonly Option<string?> _virtualCamera = Define.Text("--virtual-camera", "DEV",
        "also write the enhanced frames to a v4l2loopback device, so video calls see them (sudo modprobe v4l2loopback video_nr=10 "
        + "card_label=ClipLit exclusive_caps=1, then --virtual-camera /dev/video10)");
    private readonly Option<string?> _outputStream = Define.Text("--output-stream", "URL",
        "also send the enhanced frames to any FFmpeg output as low-latency H.264: udp://HOST:PORT, rtmp://..., srt://..., or a file");
    private readonly Option<double?> _split = Define.Parsed<double>("--split", "F",
        "start in split view, input left of the divider at fraction F of the width (0-1), enhanced right of it",
        (string text, out double fraction) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out fraction) && fraction is >= 0 and <= 1,
        "a fraction from 0 to 1");
    private readonly Option<bool> _lockstep = Define.Flag("--lockstep", "every frame waits for its own light map (slower; shows exactly what enhance writes)");

    /// <summary>What the last run measured (null when it did not run), for benchmarks.</summary>
    private LiveStatistics? _statistics;

    public LiveCommand(CliContext context)
        : base("live", "show a video or camera enhanced in a window: cliplit live --input FILE")
    {
        foreach (Option option in (Option[])[_input, _camera, _cameraSize, _cameraFps, _cameraFormat, _loop, _network.Quality, _network.FastSize,
                     _network.Smoothing, _network.NoSmoothing, _network.Strength, _network.Denoise, _network.Model, _network.FastModel, _compare, _sideBySide, _hud, _watch, _network.Device, _frames, _screenshot, _windowSize,
                     _noWindow, _virtualCamera, _outputStream, _split, _lockstep])
            Options.Add(option);
        Validators.Add(result =>
        {
            string? screenshot = result.GetValue(_screenshot);
            if ((result.GetResult(_input) is null) == (result.GetResult(_camera) is null)) result.AddError("name either --input FILE or --camera DEVICE");
            else if (screenshot is not null && result.GetValue(_noWindow)) result.AddError("--screenshot needs the window (drop --no-window)");
            else if (screenshot is not null && !screenshot.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) result.AddError("--screenshot must name a .png file");
            else if (result.GetValue(_sideBySide) && result.GetResult(_compare) is null) result.AddError("--side-by-side needs --compare PATH");
            else _network.CheckSmoothing(result);
        });
        Explain("Details", """
            Name what to show with either --input or --camera.
            Shows the enhanced video in a window (GLFW, presented through a Vulkan swapchain) at the
            source's frame rate. The network runs beside it on the newest frame whenever it is free,
            and every shown frame gets the newest light map (temporally averaged), so the picture stays
            fluid when the network is slower than the video. Esc or closing the window quits.
            """);
        Explain("Keys", """
            S      split view before|after (drag the divider with the mouse)
            B      side by side of two models (--compare, or the model before the last swap; the
                   divider drags too)
            H      heads-up display (display fps, the network's rate and milliseconds, how old the
                   light map is, latency, CPU, device, quality, strength, model and its load time)
            Space  pause
            Q      quality fast|full
            F      fullscreen
            R      reload the model from its file
            P      screenshot (cliplit-DATE-TIME.png in the current folder)
            [ ]    weaker / stronger correction, by 0.1 (0 the input, 1 the paper's output, up to 2)
            Esc    quit
            Messages (a checkpoint that did not load, no signal) show on screen.
            """);
        Explain("Examples", """
            cliplit live --input clip.mp4 --loop --quality full
            cliplit live --input clip.mp4 --frames 100 --screenshot last.png --window-size 1280x720
            cliplit live --camera /dev/video0 --camera-size 1280x720 --camera-fps 30
            cliplit live --camera lavfi:testsrc2=size=640x360:rate=30 --no-window --frames 60
            """);
        Explain("Exit status", """
            0 done (end of input, --frames reached or window closed), 1 failure, 2 usage error,
            130 interrupted.
            """);
        SetAction(result => Run(result, context));
    }

    /// <summary>
    /// Runs the live view on a command line of its options alone (no "live" first), as the live
    /// bench does; <paramref name="statistics"/> is what it measured (null when it did not run).
    /// </summary>
    internal static int Run(IReadOnlyList<string> arguments, CliContext context, out LiveStatistics? statistics)
    {
        var command = new LiveCommand(context);
        int exit = CommandLineApp.Run(command, arguments, context);
        statistics = command._statistics;
        return exit;
    }

    private int Run(ParseResult args, CliContext context)
    {
        _statistics = null;
        string? file = args.GetValue(_input);
        string? camera = args.GetValue(_camera);
        string input = file ?? camera!;
        string? screenshot = args.GetValue(_screenshot);
        bool windowed = !args.GetValue(_noWindow);
        var device = args.GetValue(_network.Device) ?? ExecutionDevice.Auto;
        string? watch = args.GetValue(_watch);
        if (watch is not null && !Directory.Exists(watch)) throw new UsageException($"live: --watch {watch} is not a folder");
        var cameraMode = new CameraMode(args.GetValue(_cameraSize) is (int height, int width) ? (width, height) : null, args.GetValue(_cameraFps), args.GetValue(_cameraFormat));
        var cameraSpec = camera is null ? null : CameraSpec.Parse(camera) with { Mode = cameraMode };
        if (cameraSpec is { HasModes: false, Mode.IsDefault: false })
            throw new UsageException($"live: --camera-size, --camera-fps and --camera-format apply to capture devices (v4l2, dshow, avfoundation), not {cameraSpec.Format}");
        if (cameraSpec is null && !cameraMode.IsDefault) throw new UsageException("live: --camera-size, --camera-fps and --camera-format need --camera");

        LiveInput info;
        IFrameSource first;
        try
        {
            FfmpegTools.EnsureAvailable(input);
            (info, first) = cameraSpec is not null ? LiveSources.OpenCamera(cameraSpec) : LiveSources.OpenFileOrStream(file!, context.Cancellation);
        }
        catch (VideoFileException e)
        {
            return context.Fail(e.Message);
        }
        using var firstSource = new Owned<IFrameSource>(first); // freed here unless the live view takes it
        // Model files are read before the window opens, so a bad one is reported without it.
        var model = NetworkOptions.LoadModel(args.GetValue(_network.Model), context);
        if (model is null) return ExitCodes.SomeFailed;
        var compared = args.GetValue(_compare) is { } comparePath ? NetworkOptions.LoadModel(comparePath, context) : null;
        if (args.GetValue(_compare) is not null && compared is null) return ExitCodes.SomeFailed;
        // Always: full quality lights the frames at scene cuts with it too.
        StudentModel? fast;
        try
        {
            fast = FastModelChoice.Resolve(model, args.GetValue(_network.FastModel), line => context.Error.WriteLine($"note: {line}"));
        }
        catch (ModelLoadException e)
        {
            return context.Fail($"{e.Message} (--fast-model)");
        }

        var settings = new LiveViewSettings(model, compared,
            EnhancerOptions.Default with { Device = device, SpinWhileWaiting = false }, // the cores are shared: idle threads sleep
            args.GetValue(_network.Quality), args.GetValue(_network.FastSize) ?? FrameLayout.DefaultFastLongSide,
            // In lockstep every frame shows what enhance writes: the file default.
            _network.Temporal(args, live: !args.GetValue(_lockstep)),
            windowed, args.GetValue(_windowSize) is (int windowHeight, int windowWidth) ? (windowWidth, windowHeight) : null,
            new LiveOptions(args.GetValue(_frames), screenshot, args.GetValue(_loop), args.GetValue(_lockstep), watch, args.GetValue(_split),
                args.GetValue(_outputStream), args.GetValue(_virtualCamera), Compare: null, args.GetValue(_sideBySide), args.GetValue(_hud),
                Strength: args.GetValue(_network.Strength) ?? CorrectionStrength.Paper, Denoise: args.GetValue(_network.Denoise) ?? 0f), fast);
        try
        {
            var run = LiveView.Run(info, firstSource.Take(), settings, context.Error, context.Cancellation);
            var measured = _statistics = run.Statistics;
            if (run.ValidationEnabled)
            {
                context.Error.WriteLine($"Vulkan validation: {run.ValidationErrors} errors");
                foreach (string message in run.ValidationMessages.Take(3)) context.Error.WriteLine($"  {message}");
            }
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"presented {measured.Presented} frames ({measured.PresentedPerSecond:F1} fps); {measured.LightMaps} light maps ({measured.LightMapsPerSecond:F1} Hz), on average {measured.MeanLightMapAgeFrames:F1} frames old{(measured.EveryFrameMilliseconds is { } student ? $", with the student's map of each frame ({student:F1} ms a frame)" : "")}; latency p50 {measured.LatencyP50Milliseconds:F0} ms, p99 {measured.LatencyP99Milliseconds:F0} ms; "
                + $"{measured.Skipped} skipped to keep pace, the first shown {measured.FirstFrameSeconds:F2} s after the start; per frame: decode {measured.MeanFrameTimes.Decode:F1} ms, render {measured.MeanFrameTimes.Render:F1} ms, present {measured.MeanFrameTimes.Present:F1} ms, waiting for its time {measured.MeanFrameTimes.Due:F1} ms; "
                + $"CPU {measured.CpuCores:F2} cores (process and children), {measured.CpuMillisecondsPerFrame:F1} ms a shown frame; strength {CorrectionStrength.Describe(measured.Strength)}"));
            if (watch is not null) context.Error.WriteLine($"models swapped in: {measured.ModelsSwapped}");
            if (context.Cancellation.IsCancellationRequested) return ExitCodes.Interrupted;
            return run.ValidationErrors > 0 ? ExitCodes.SomeFailed : ExitCodes.Success;
        }
        catch (InvalidOperationException e) when (device == ExecutionDevice.Cuda)
        {
            return context.Fail($"--device cuda: {e.Message}");
        }
        catch (Exception e) when (LiveView.IsRunFailure(e))
        {
            return context.Fail(e is FileProblemException ? e.Message : $"{input}: {e.Message}");
        }
    }
}
