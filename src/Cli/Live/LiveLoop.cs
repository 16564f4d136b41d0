using System.Diagnostics;
using ClipLit.Engine;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Presentation;
using ClipLit.Renderer.Vulkan;
using ClipLit.VideoIO.Images;
using ClipLit.VideoIO.Streams;
using ClipLit.VideoIO.Video;

namespace ClipLit.Cli.Live;

/// <summary>
/// What the live loop measured: frames shown, their rate, the network's rate, how old the shown
/// light maps were, the latency from a frame's arrival to its presentation (waiting for the
/// frame's time at the source's pace left out) and model swaps.
/// </summary>
public sealed record LiveStatistics(int Presented, double PresentedPerSecond, int LightMaps, double LightMapsPerSecond, double MeanLightMapAgeFrames,
    double LatencyP50Milliseconds, double LatencyP99Milliseconds, int ModelsSwapped, DateTime? FirstFrameOfLastModelUtc);

/// <summary>
/// What the live view shows: a name for messages, the picture's size and frame rate, and how to
/// open (and, for cameras, reopen) the source. A file's source ends at its end; a camera's ending
/// means it went away, and it is retried.
/// </summary>
public sealed record LiveInput(string Name, int Width, int Height, double FramesPerSecond, Func<IFrameSource> Open, bool IsCamera);

/// <summary>Options of the live loop.</summary>
/// <param name="FrameLimit">Stop after presenting this many frames; null: run to the end (or forever with <paramref name="Loop"/>).</param>
/// <param name="ScreenshotPath">Save the last presented frame (read back from the swapchain) here as PNG.</param>
/// <param name="Loop">Start the source again at its end.</param>
/// <param name="Lockstep">Every frame waits for its own light map (deterministic: equals <c>enhance</c>); default off: the newest light map is used.</param>
/// <param name="WatchFolder">Swap in checkpoints completed in this folder while running (hot reload); null: no watching.</param>
/// <param name="Split">Start in split view with the divider at this fraction of the width (0..1); null: no split.</param>
/// <param name="OutputStream">Also send the shown frames to this FFmpeg output (udp://..., rtmp://..., a file); null: none.</param>
/// <param name="VirtualCamera">Also write the shown frames to this v4l2loopback device; null: none.</param>
public sealed record LiveOptions(int? FrameLimit, string? ScreenshotPath, bool Loop, bool Lockstep, string? WatchFolder = null, double? Split = null,
    string? OutputStream = null, string? VirtualCamera = null);

/// <summary>
/// The window thread's loop, scheduled like a game engine: every decoded frame is composed and
/// presented at the source's pace, while the network runs on its own thread on the newest frame
/// whenever it is free (<see cref="LatestFrameEnhancer"/>); each presented frame gets the newest
/// light map, temporally averaged. When the network is slower than the source, the picture stays
/// fluid and the light map is a few frames old. Window events are handled between frames.
/// Ownership: owns the frame renderer, the network worker and the decoder; not the device, window or presenter.
/// </summary>
public sealed class LiveLoop(VkComputeDevice device, GlfwWindow? window, VkPresenter? presenter, LightMapEstimator estimator,
    VideoEnhanceOptions enhanceOptions, LiveOptions options, CliContext context)
{
    private LatestFrameEnhancer? _network;
    private LightMapEstimator? _swappedIn;
    private LoadedModel? _pending;
    private int _swaps;
    private bool _restartAverage;
    private bool _paused;
    private double? _split;
    private ReadOnlyMemory<byte> _lastFrame;
    private readonly List<LiveStreamWriter> _outputs = [];
    private bool _firstTaken;
    private int? _swapFrameIndex;
    private DateTime? _firstFrameOfLastModel;

    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>Runs until the source ends (files, unless looping), the frame limit, the window closing or cancellation; owns <paramref name="first"/> from the call on.</summary>
    public LiveStatistics Run(LiveInput info, IFrameSource first, CancellationToken cancellation)
    {
        try
        {
            return RunOwned(info, first, cancellation);
        }
        finally
        {
            if (!_firstTaken) first.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private LiveStatistics RunOwned(LiveInput info, IFrameSource first, CancellationToken cancellation)
    {
        var layout = FrameLayout.For(info.Width, info.Height, enhanceOptions.Quality, enhanceOptions.FastLongSide, enhanceOptions.Upsample);
        using var renderer = new FrameRenderer(device, layout, slotCount: 1);
        using var watcher = options.WatchFolder is null ? null
            : new ModelWatcher(options.WatchFolder, EnhancerOptions.Default with { Device = estimator.Device.Device, KeepMemoryBetweenImages = true },
                layout.NetworkHeight, layout.NetworkWidth);
        watcher?.Start();
        _network = new LatestFrameEnhancer(estimator, layout);
        try
        {
            if (options.OutputStream is { } url) _outputs.Add(LiveStreamWriter.ForStream(url, info.Width, info.Height, info.FramesPerSecond));
            if (options.VirtualCamera is { } camera) _outputs.Add(LiveStreamWriter.ForVirtualCamera(camera, info.Width, info.Height, info.FramesPerSecond));
            var statistics = Run(info, first, layout, renderer, watcher, cancellation);
            foreach (var output in _outputs)
            {
                output.Dispose();
                if (output.Problem is { } problem) throw new VideoFileException(output.Url, $"the output failed: {problem}");
                context.Error.WriteLine($"streamed {output.FramesSent} frames to {output.Url}");
            }
            return statistics;
        }
        finally
        {
            foreach (var output in _outputs) output.Dispose();
            _network.Dispose();
            _swappedIn?.Dispose();
            _pending?.Estimator.Dispose();
        }
    }

    private LiveStatistics Run(LiveInput info, IFrameSource first, FrameLayout layout, FrameRenderer renderer, ModelWatcher? watcher, CancellationToken cancellation)
    {
        var slot = renderer.Slots[0];
        _lastFrame = slot.OutputBytes;
        _split = options.Split;
        var title = Stopwatch.StartNew();
        var smoother = new TemporalSmoother(enhanceOptions.Temporal);
        var clock = Stopwatch.StartNew();
        int presented = 0, lightMaps = 0, frameIndex = 0;
        long ageSum = 0;
        int? lightMapFrame = null;
        var latencies = new LatencyRecorder();

        IFrameSource? reader = first;
        _firstTaken = true;
        do
        {
            try
            {
                long? origin = null; // wall-clock microseconds minus the first frame's timestamp
                while (!cancellation.IsCancellationRequested)
                {
                    window?.PollEvents();
                    if (window?.ShouldClose == true) return Statistics();
                    HandleInput(renderer, layout, info);
                    if (title.Elapsed.TotalSeconds >= 1 && window is not null)
                    {
                        var now = Statistics();
                        window.Title = $"ClipLit - {info.Name} - {now.PresentedPerSecond:F1} fps, light map {now.LightMapsPerSecond:F1} Hz, "
                                       + $"{now.MeanLightMapAgeFrames:F1} frames old - {estimator.Device.Description}{(_paused ? " - paused" : "")}";
                        title.Restart();
                    }
                    if (_paused && lightMapFrame is not null)
                    {
                        // Hold the picture (the split can still move): compose the same frame again, no new light map.
                        slot.TemporalWeight = 0f;
                        renderer.Compose(slot);
                        presenter?.Present(slot.OutputBytes.Span, info.Width, info.Height);
                        Thread.Sleep(15);
                        origin = null;
                        continue;
                    }
                    var frame = reader.ReadAsync(slot.InputBytes, cancellation).AsTask().GetAwaiter().GetResult();
                    if (!frame.HasFrame) break;
                    long arrived = Stopwatch.GetTimestamp();

                    if (watcher is not null) SwapInNewModel(watcher, layout, frameIndex);
                    var network = _network!;
                    if (options.Lockstep || network.IsIdle)
                    {
                        renderer.PreProcess(slot);
                        float weight = smoother.Observe(frameIndex, slot.NetworkInput.Span, layout.NetworkWidth, layout.NetworkHeight);
                        // A new model's first light map restarts the average rather than blending into the old model's.
                        if (_restartAverage) weight = 1f;
                        _restartAverage = false;
                        network.TryOffer(slot.NetworkInput.Span, frameIndex, weight);
                        if (options.Lockstep) network.WaitUntilIdle(cancellation);
                    }
                    if (network.TryTakeNewest(slot.NetworkLightMap.Span, out var finished))
                    {
                        slot.TemporalWeight = finished.TemporalWeight;
                        lightMapFrame = finished.FrameIndex;
                        lightMaps++;
                    }
                    else
                    {
                        slot.TemporalWeight = 0f;
                    }
                    if (lightMapFrame is null)
                    {
                        // Nothing to divide by yet: the very first light map is still being computed.
                        network.WaitUntilIdle(cancellation);
                        if (!network.TryTakeNewest(slot.NetworkLightMap.Span, out finished)) continue;
                        slot.TemporalWeight = finished.TemporalWeight;
                        lightMapFrame = finished.FrameIndex;
                        lightMaps++;
                    }
                    renderer.Compose(slot);
                    foreach (var output in _outputs) output.Offer(slot.OutputBytes.Span);
                    ageSum += frameIndex - lightMapFrame.Value;

                    long waitStart = Stopwatch.GetTimestamp();
                    origin = WaitForPresentationTime(frame.Timestamp, origin, clock, cancellation);
                    long waited = Stopwatch.GetTimestamp() - waitStart;
                    bool last = options.FrameLimit is { } limit && presented + 1 >= limit;
                    var pixels = presenter?.Present(slot.OutputBytes.Span, info.Width, info.Height, screenshot: last && options.ScreenshotPath is not null);
                    presented++;
                    frameIndex++;
                    latencies.Add(Stopwatch.GetElapsedTime(arrived + waited).TotalMilliseconds);
                    if (_swapFrameIndex is { } swapped && lightMapFrame >= swapped)
                    {
                        _firstFrameOfLastModel = DateTime.UtcNow; // the first shown frame lit by the new model
                        _swapFrameIndex = null;
                    }
                    if (last)
                    {
                        if (options.ScreenshotPath is not null) SaveScreenshot(pixels, presenter!, options.ScreenshotPath);
                        return Statistics();
                    }
                }
                string? problem = cancellation.IsCancellationRequested ? null : reader.FinishAsync().GetAwaiter().GetResult();
                if (problem is not null && !info.IsCamera) throw new VideoFileException(info.Name, problem);
                if (info.IsCamera && !cancellation.IsCancellationRequested)
                    context.Error.WriteLine($"note: {info.Name} stopped ({problem}); retrying every {RetryInterval.TotalSeconds:F0} s");
            }
            finally
            {
                reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
                reader = null;
            }
            if (cancellation.IsCancellationRequested || (!info.IsCamera && !options.Loop)) break;
            reader = info.IsCamera ? Reopen(info, cancellation) : info.Open();
        }
        while (reader is not null);
        return Statistics();

        LiveStatistics Statistics()
        {
            double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            return new LiveStatistics(presented, presented / seconds, lightMaps, lightMaps / seconds, presented > 0 ? (double)ageSum / presented : 0,
                latencies.Percentile(50), latencies.Percentile(99), _swaps, _firstFrameOfLastModel);
        }
    }

    /// <summary>
    /// Opens a camera that went away again, once a second, keeping the window responsive and
    /// showing the last picture; null when the user quits or the run is cancelled first.
    /// </summary>
    private IFrameSource? Reopen(LiveInput info, CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested && window?.ShouldClose != true)
        {
            if (window is not null) window.Title = $"ClipLit - {info.Name} - no signal, retrying";
            var wait = Stopwatch.StartNew();
            while (wait.Elapsed < RetryInterval && !cancellation.IsCancellationRequested)
            {
                window?.PollEvents();
                if (!_lastFrame.IsEmpty) presenter?.Present(_lastFrame.Span, info.Width, info.Height);
                Thread.Sleep(15);
            }
            try
            {
                var source = info.Open();
                if (source.Width == info.Width && source.Height == info.Height)
                {
                    context.Error.WriteLine($"note: {info.Name} is back");
                    return source;
                }
                source.DisposeAsync().AsTask().GetAwaiter().GetResult();
                context.Error.WriteLine($"note: {info.Name} came back at {source.Width}x{source.Height}, not {info.Width}x{info.Height}; still retrying");
            }
            catch (VideoFileException)
            {
                // Still gone: try again in a second.
            }
        }
        return null;
    }

    /// <summary>Keys and mouse: S split view, drag the divider, Space pause, P screenshot (Esc is the window's).</summary>
    private void HandleInput(FrameRenderer renderer, FrameLayout layout, LiveInput info)
    {
        if (window is null || presenter is null) return;
        if (window.WasPressed(WindowKey.S)) _split = _split is null ? 0.5 : null;
        if (window.WasPressed(WindowKey.Space)) _paused = !_paused;
        if (window.WasPressed(WindowKey.P))
        {
            string path = Path.GetFullPath($"cliplit-{DateTime.Now:yyyyMMdd-HHmmss-fff}.png");
            SaveScreenshot(presenter.Present(_lastFrame.Span, info.Width, info.Height, screenshot: true), presenter, path);
        }
        if (_split is not null && window.DragPosition is { } cursor)
        {
            var (x, _, width, _) = VkPresenter.Letterbox(layout.Width, layout.Height, presenter.Extent.Width, presenter.Extent.Height);
            _split = Math.Clamp((cursor.X - x) / width, 0, 1);
        }
        renderer.SplitColumn = _split is { } fraction ? Math.Max(1, (int)Math.Round(fraction * layout.Width)) : 0;
    }

    /// <summary>
    /// At a frame boundary: reports the watcher's messages and, once a newly loaded model is ready
    /// and the running network is between frames (so nothing waits), replaces the network with one
    /// running the new model.
    /// </summary>
    private void SwapInNewModel(ModelWatcher watcher, FrameLayout layout, int frameIndex)
    {
        watcher.Poll();
        foreach (string message in watcher.TakeMessages()) context.Error.WriteLine($"note: {message}; the running model stays");
        if (watcher.TakeLoaded() is { } loaded)
        {
            _pending?.Estimator.Dispose();
            _pending = loaded;
        }
        if (_pending is null || !_network!.IsIdle) return;
        _network.Dispose();
        _swappedIn?.Dispose();
        _swappedIn = _pending.Estimator;
        _network = new LatestFrameEnhancer(_swappedIn, layout);
        _restartAverage = true;
        _swaps++;
        _swapFrameIndex = frameIndex;
        context.Error.WriteLine($"model swapped in: {_pending.Path} (loaded in {_pending.LoadTime.TotalSeconds:F1} s)");
        _pending = null;
    }

    /// <summary>
    /// Waits, handling window events, until the frame is due at the source's pace; returns the
    /// (possibly reset) origin. Behind by more than 100 ms, frames are shown as they come.
    /// </summary>
    private long WaitForPresentationTime(long timestamp, long? origin, Stopwatch clock, CancellationToken cancellation)
    {
        long now = clock.Elapsed.Ticks / 10;
        long start = origin ?? now - timestamp;
        if (start + timestamp < now - 100_000) start = now - timestamp;
        while (start + timestamp > clock.Elapsed.Ticks / 10 && !cancellation.IsCancellationRequested)
        {
            window?.PollEvents();
            Thread.Sleep(1);
        }
        return start;
    }

    private void SaveScreenshot(byte[]? pixels, VkPresenter presenter, string path)
    {
        if (pixels is null) throw new PresentationException($"{path}: the frame could not be presented (window minimized?)");
        var (width, height) = presenter.Extent;
        using var image = StillImage.FromRgba(path, pixels, width, height);
        StillImageWriter.Write(image, path, StillImageWriteOptions.Default);
        context.Error.WriteLine($"screenshot {width}x{height} written to {path}");
    }
}
