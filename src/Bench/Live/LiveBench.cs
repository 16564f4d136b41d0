using System.Diagnostics;
using ClipLit.Engine;
using ClipLit.Engine.Live;
using ClipLit.Engine.Models;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.VideoIO.Live;
using ClipLit.VideoIO.Video;

namespace ClipLit.Bench.Live;

/// <summary>
/// <c>cliplit bench live</c>: the live view on the shared 720p clip, in a window when a display
/// is available (run under xvfb-run on servers) and headless otherwise: presented frames per
/// second, the network's refresh rate, light-map age, latency p50/p99, peak memory; full quality's
/// network rate; the hot-swap time of a checkpoint written into a watched folder; and, with
/// a soak time, resident memory over a long run.
/// Thread-safety: stateless; one benchmark at a time per process (peak memory is the process's).
/// </summary>
public static class LiveBench
{
    /// <summary>What to measure. Student: the student fast quality runs (the shipped default); null or missing: none, the teacher on a 256-pixel copy.</summary>
    public sealed record Settings(string Shared, string Checkpoint, int SoakMinutes, string? Student = null);

    /// <summary>Measures; null, with an error line, when a live run failed.</summary>
    public static LiveBenchResult? Run(Settings settings, CliContext context)
    {
        var log = context.Error;
        string clip = Path.Combine(settings.Shared, "data", "video", "backlit_720p30.mp4");
        bool windowed = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"));
        var machine = MachineDescription.Detect(cancellation: context.Cancellation);
        var model = ModelFile.Load(settings.Checkpoint);
        var initial = ModelFile.Load(Path.Combine(settings.Shared, "models", "clip-lit", "init_enhancement_model.pth"));
        var student = settings.Student is { } studentPath && File.Exists(studentPath) ? ModelFile.LoadStudent(studentPath) : null;
        var rows = new List<LiveRunRow>();

        // Fast quality as a user gets it (the student, when one is installed), and without a student for comparison.
        string fast = student is null ? "fast (teacher at 256, no student)" : "fast: student (default on CPU)";
        var shown = View(model, EnhanceQuality.Fast, windowed, Frames(240)) with { FastModel = student };
        var headless = shown with { Windowed = false };
        var denoised = Frames(240) with { Denoise = GainAwareDenoise.Auto };
        string folder = Directory.CreateTempSubdirectory("cliplit-bench-live-").FullName;
        try
        {
            var runs = new List<LiveBenchRun> { new(fast, shown, clip) };
            if (windowed) runs.Add(new(fast + ", headless (--no-window)", headless, clip));
            // A webcam's path: the clip as a 30 fps camera (FFmpeg decoding it in real time), the newest frame
            // taken and shown as it arrives; its latency is what a video call sees. 220 frames: the clip's 240
            // less those that pass while the first light map is made (a camera that ends is retried).
            runs.Add(new(fast + ", headless, the clip as a camera", headless with { Options = Frames(220) }, clip, AsCamera: true));
            runs.Add(new(fast + ", headless, 1080p (the clip scaled up)", headless, Scaled(clip, folder, 1920, 1080)));
            // What a video call with --denoise auto costs (the clip's own noise is low: mostly the clean-picture cost),
            // headless and in the window, as a video call shows it (the window thread shares the cores with the X server).
            runs.Add(new(fast + ", headless, --denoise auto", headless with { Options = denoised }, clip));
            if (windowed) runs.Add(new(fast + ", --denoise auto", shown with { Options = denoised }, clip));
            if (student is not null) runs.Add(new("fast: teacher at 256 (no student)", View(model, EnhanceQuality.Fast, windowed, Frames(240)), clip));
            runs.Add(new("full" + (student is null ? "" : " (the student places the paper's maps on each frame)"),
                View(model, EnhanceQuality.Full, windowed, Frames(60)) with { FastModel = student }, clip));
            runs.Add(new("fast, side by side (two models)", View(model, EnhanceQuality.Fast, windowed, Frames(120) with { SideBySide = true }) with { Compare = initial }, clip));
            foreach (var run in runs)
            {
                log.WriteLine($"bench live: {run.Name}...");
                MemoryProbe.ResetPeak();
                var stats = Live(context, run.Clip, run.View, asCamera: run.AsCamera)?.Statistics;
                if (stats is null) return null;
                rows.Add(new LiveRunRow(run.Name, stats, MemoryProbe.PeakMiB()));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
        log.WriteLine("bench live: hot swap...");
        var swap = HotSwap(settings, context, initial, windowed, clip);
        if (swap is null) return null;

        LiveSoak? soak = null;
        if (settings.SoakMinutes > 0)
        {
            log.WriteLine($"bench live: soak, {settings.SoakMinutes} minutes...");
            soak = Soak(settings, context, clip);
        }
        return new LiveBenchResult(machine, DateTime.UtcNow, windowed, rows, swap.Value, soak);
    }

    /// <summary>The live view as `cliplit live --device cpu` runs it, with these choices.</summary>
    private static LiveViewSettings View(LightMapModel model, EnhanceQuality quality, bool windowed, LiveOptions options) =>
        new(model, Compare: null, EnhancerOptions.Default with { Device = ExecutionDevice.Cpu, SpinWhileWaiting = false }, quality,
            FrameLayout.DefaultFastLongSide, TemporalOptions.For(FramePlan.DefaultSmoothing, live: true), windowed, WindowSize: null, options);

    private static LiveOptions Frames(int? count, bool loop = false) => new(count, ScreenshotPath: null, loop, Lockstep: false);

    /// <summary>
    /// One live run of the clip through the engine (what `cliplit live` runs), <paramref name="asCamera"/>
    /// as `cliplit live --camera lavfi:movie=CLIP` shows it; null, with an error line, when it failed.
    /// </summary>
    private static LiveRun? Live(CliContext context, string clip, LiveViewSettings view, CancellationToken cancellation = default, bool asCamera = false)
    {
        try
        {
            var (input, first) = asCamera ? LiveSources.OpenCamera(ClipAsCamera(clip)) : LiveSources.OpenFile(clip, cancellation);
            return LiveView.Run(input, first, view, context.Error, cancellation);
        }
        catch (Exception e) when (LiveView.IsRunFailure(e))
        {
            context.Error.WriteLine($"error: bench live: {e.Message}");
            return null;
        }
    }

    /// <summary>One row: a live run of <paramref name="Clip"/> with these settings, as a file or as a camera.</summary>
    private sealed record LiveBenchRun(string Name, LiveViewSettings View, string Clip, bool AsCamera = false);

    /// <summary>The clip scaled to <paramref name="width"/>x<paramref name="height"/> (H.264, near-lossless) in <paramref name="folder"/>.</summary>
    private static string Scaled(string clip, string folder, int width, int height)
    {
        string scaled = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"clip-{width}x{height}.mp4"));
        BenchProcess.Ffmpeg("-v", "error", "-y", "-i", clip, "-vf", string.Create(CultureInfo.InvariantCulture, $"scale={width}:{height}"),
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "18", "-an", scaled);
        return scaled;
    }

    /// <summary>FFmpeg's movie source reading <paramref name="clip"/> at its own pace, as a camera delivers frames.</summary>
    private static CameraSpec ClipAsCamera(string clip)
    {
        string path = Path.GetFullPath(clip);
        // Quoted for FFmpeg's filter graph, where a quote or a backslash would need escaping of its own.
        if (path.Contains('\'') || path.Contains('\\')) throw new VideoFileException(clip, "a path with a quote or a backslash cannot be played as a camera");
        return CameraSpec.Parse($"lavfi:movie='{path}'");
    }

    /// <summary>From renaming a complete checkpoint into the watched folder to the first frame the new model lit.</summary>
    private static TimeSpan? HotSwap(Settings settings, CliContext context, LightMapModel initial, bool windowed, string clip)
    {
        string folder = Directory.CreateTempSubdirectory("cliplit-bench-watch-").FullName;
        try
        {
            var run = Task.Run(() => Live(context, clip, View(initial, EnhanceQuality.Fast, windowed, Frames(300, loop: true) with { WatchFolder = folder })));
            Thread.Sleep(4000);
            string temporary = Path.Combine(folder, ".next.pth.tmp");
            File.Copy(settings.Checkpoint, temporary);
            var renamed = DateTime.UtcNow;
            File.Move(temporary, Path.Combine(folder, "next.pth"));
            var stats = run.GetAwaiter().GetResult()?.Statistics;
            if (stats?.FirstFrameOfLastModelUtc is not { } shown)
            {
                context.Error.WriteLine("error: bench live: the new checkpoint was not swapped in during the run");
                return null;
            }
            return shown - renamed;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Resident memory through a long headless run on the looping clip, sampled every 30 s.</summary>
    private static LiveSoak Soak(Settings settings, CliContext context, string clip)
    {
        // Stopped a little after the last sample, so that sample is of the running loop, not of its teardown.
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(settings.SoakMinutes) + TimeSpan.FromSeconds(10));
        var samples = new List<(double Minutes, double MiB)>();
        var clock = Stopwatch.StartNew();
        using var sampler = new Timer(_ =>
        {
            lock (samples) samples.Add((clock.Elapsed.TotalMinutes, MemoryProbe.CurrentMiB()));
        }, null, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        var soakContext = new CliContext(context.Out, TextWriter.Null, false, stop.Token);
        var run = Live(soakContext, clip, View(ModelFile.Load(settings.Checkpoint), EnhanceQuality.Fast, windowed: false, Frames(null, loop: true)), stop.Token);
        sampler.Dispose();
        var stats = run?.Statistics;
        List<(double Minutes, double MiB)> taken;
        lock (samples) taken = [.. samples];
        return new LiveSoak(settings.SoakMinutes, stats?.Presented ?? 0, stats?.PresentedPerSecond ?? 0,
            run is { ValidationEnabled: true } ? run.ValidationErrors : null, taken);
    }
}
