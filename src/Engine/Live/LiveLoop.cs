using System.Diagnostics;
using System.Globalization;
using ClipLit.Core;
using ClipLit.Renderer.Presentation;
using ClipLit.VideoIO.Video;

namespace ClipLit.Engine.Live;

/// <summary>
/// The window thread's loop, scheduled like a game engine: every decoded frame is composed and
/// presented at the source's pace, while each lane's network runs on its own thread on the newest
/// frame whenever it is free (<see cref="EnhancerLane"/>); each presented frame gets the newest
/// light map, temporally averaged. When the network is slower than the source, the picture stays
/// fluid and the light map is a few frames old. Window events are handled between frames.
/// One frame: decode (<see cref="SourcePlayback"/>) → swap in a loaded model and step the lanes
/// (<see cref="LiveLanes"/>, routed by <see cref="LightMapRouting"/>) → outputs
/// (<see cref="LiveOutputs"/>) → wait for the frame's time → present; keys between frames
/// (<see cref="LiveActions"/>), measurements throughout (<see cref="LiveMetrics"/>).
/// Thread-safety: the window thread. Ownership: owns the lanes, the models it loaded and the
/// decoder; not the device, window, presenter or the models it was given.
/// </summary>
/// <param name="window">The window; null runs headless.</param>
/// <param name="presenter">Presents into the window; null when headless.</param>
/// <param name="model">The first model (its session's device is the one everything runs on).</param>
/// <param name="enhanceOptions">Quality, fast size, upsampling and temporal smoothing.</param>
/// <param name="options">What the live view does (frame limit, outputs, split, side by side...).</param>
/// <param name="log">Receives the lines a user reads (notes, swaps, screenshots); standard error in the app.</param>
public sealed class LiveLoop(GlfwWindow? window, VkPresenter? presenter, LoadedModel model,
    VideoEnhanceOptions enhanceOptions, LiveOptions options, TextWriter log)
{
    /// <summary>Shown on the heads-up display at the start, e.g. why the network's tensors are not zero-copy on CUDA.</summary>
    public string? StartupNotice { get; init; }

    /// <summary>
    /// Runs until the source ends (files, unless looping), the frame limit, the window closing or
    /// cancellation. Takes ownership of <paramref name="first"/>: the decoder loop takes it over, or
    /// it is freed here when the loop never starts.
    /// </summary>
    public LiveStatistics Run(LiveInput info, IFrameSource first, CancellationToken cancellation)
    {
        using var source = new Owned<IFrameSource>(first);
        var hud = new LiveHud { Visible = options.Hud };
        if (StartupNotice is { } notice) hud.Message(notice);
        using var routing = new LightMapRouting(model, options.FastModel, info, enhanceOptions, options.Lockstep);
        // Models loaded later run where the first one does (CUDA-imported tensors when it does, if they work for them too).
        using var swapper = new ModelSwapper(model, options.WatchFolder, routing.NetworkSizeOf);
        using var lanes = new LiveLanes(routing, info, options.Compare, swapper, options.Lockstep, hud, log) { Split = options.Split, Strength = options.Strength, Denoise = options.Denoise };
        lanes.Start(options.SideBySide);
        using var outputs = new LiveOutputs(info, options, log);
        var frame = new Frame(info, lanes, routing, swapper, hud, outputs);
        var statistics = Play(frame, source, cancellation);
        outputs.Finish();
        return statistics;
    }

    /// <summary>What one run's frames go through (the parts above, put together once).</summary>
    private sealed record Frame(LiveInput Info, LiveLanes Lanes, LightMapRouting Routing, ModelSwapper Swapper, LiveHud Hud, LiveOutputs Outputs);

    private LiveStatistics Play(Frame run, Owned<IFrameSource> first, CancellationToken cancellation)
    {
        var (info, lanes, _, swapper, _, outputs) = run;
        var metrics = new LiveMetrics();
        LiveActions? actions = null;
        if (window is not null && presenter is not null)
            actions = new LiveActions(window, presenter, lanes, run.Routing, swapper, run.Hud, outputs, screenshot => Present(run, metrics, actions, screenshot), log);
        var playback = new SourcePlayback(info, options.Loop, window, () => Present(run, metrics, actions, screenshot: false), run.Hud, log);
        var pacer = new FramePacer(info.FramesPerSecond, arrivesOnTime: info.IsCamera, window is null ? null : window.PollEvents);
        int frameIndex = 0;
        ReadAheadSource? reader = playback.ReadAhead(first.Take()); // the read-ahead owns the source; the loop below disposes it
        LiveStatistics Statistics() => metrics.Statistics(lanes, swapper.Swaps, reader?.Dropped ?? 0);
        do
        {
            try
            {
                pacer.Restart();
                while (!cancellation.IsCancellationRequested)
                {
                    window?.PollEvents();
                    if (window?.ShouldClose == true) return Statistics();
                    actions?.Handle(info);
                    if (metrics.NextSecond(lanes.LightMaps) && window is not null) window.Title = Title(info, lanes, metrics, actions);
                    if (actions?.Paused == true && lanes.Primary.LightMapFrame is not null)
                    {
                        // Hold the picture (the divider can still move): compose the same frame again, no new light map.
                        lanes.Hold();
                        Present(run, metrics, actions, screenshot: false);
                        Thread.Sleep(15);
                        pacer.Restart();
                        continue;
                    }
                    // Decode.
                    long reading = Stopwatch.GetTimestamp();
                    var decoded = reader.ReadAsync(lanes.Primary.Input, cancellation).AsTask().GetAwaiter().GetResult();
                    if (!decoded.HasFrame) break;
                    long received = Stopwatch.GetTimestamp();
                    long arrived = reader.LastArrival; // decoded (read ahead): where latency starts
                    // As a video player does: a file's frame already past its time is not rendered when
                    // the next one is decoded (cameras need no such test: their read-ahead keeps the newest).
                    // The decoder keeps one frame ahead while the loop keeps pace (each frame waiting there
                    // waits on screen too) and two while it is late, so that the next is mostly there.
                    bool late = !options.Lockstep && !info.IsCamera && pacer.IsLate(decoded.Timestamp);
                    if (!info.IsCamera) reader.FramesAhead = late ? 2 : 1;
                    if (late && reader.HasWaitingFrame)
                    {
                        metrics.Dropped++;
                        frameIndex++;
                        continue;
                    }
                    // Pick the lanes' models, then every lane's pre-process, network hand-over and compose.
                    if (swapper.TakeReady(lanes.Idle, lanes.Note) is { } incoming && lanes.SwapIn(incoming) is { } running) metrics.AwaitFirstFrameOf(running);
                    bool firstLightMap = lanes.Primary.LightMapFrame is null;
                    if (!lanes.Step(frameIndex, cancellation)) continue;
                    long rendered = Stopwatch.GetTimestamp();
                    if (firstLightMap) metrics.FirstLightMapAt(rendered);
                    outputs.Offer(frameIndex, decoded.Timestamp, lanes.Shown);
                    // Present at the frame's time.
                    long waitStart = Stopwatch.GetTimestamp();
                    pacer.WaitFor(decoded.Timestamp, cancellation);
                    long waited = Stopwatch.GetTimestamp() - waitStart;
                    bool last = options.FrameLimit is { } limit && metrics.Presented + 1 >= limit;
                    var pixels = Present(run, metrics, actions, screenshot: last && options.ScreenshotPath is not null);
                    metrics.FramePresented(reading, received, rendered, waitStart, waited, arrived, frameIndex - lanes.Primary.LightMapFrame!.Value, lanes.Primary);
                    frameIndex++;
                    if (last)
                    {
                        if (options.ScreenshotPath is not null) outputs.SaveScreenshot(pixels, presenter!, options.ScreenshotPath);
                        return Statistics();
                    }
                }
                playback.Ended(reader, cancellation);
            }
            finally
            {
                metrics.Dropped += reader.Dropped;
                reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
                reader = null;
            }
            reader = playback.Next(cancellation);
        }
        while (reader is not null);
        return Statistics();
    }

    /// <summary>Presents what is shown, with the heads-up display; the presented pixels when <paramref name="screenshot"/>.</summary>
    private byte[]? Present(Frame run, LiveMetrics metrics, LiveActions? actions, bool screenshot)
    {
        if (presenter is null || window is null) return null;
        var readings = metrics.Readings(run.Lanes, run.Routing.Main, actions?.Paused == true);
        var overlay = run.Hud.Panel(readings, Math.Max(2, (int)Math.Round(2 * window.ContentScale)));
        return presenter.Present(run.Lanes.Shown, run.Info.Width, run.Info.Height, screenshot, overlay);
    }

    private static string Title(LiveInput info, LiveLanes lanes, LiveMetrics metrics, LiveActions? actions) =>
        string.Create(CultureInfo.InvariantCulture, $"ClipLit - {info.Name} - {metrics.Rates.DisplayFps:F1} fps, light map {metrics.Rates.EnhancerHz:F1} Hz - "
            + $"{lanes.Primary.Description}{(actions?.Paused == true ? " - paused" : "")} - H: heads-up display");
}
