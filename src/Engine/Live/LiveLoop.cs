using System.Diagnostics;
using System.Globalization;
using ClipLit.Core;
using ClipLit.Engine.Gpu;
using ClipLit.Engine.Models;
using ClipLit.Renderer;
using ClipLit.Renderer.Presentation;
using ClipLit.VideoIO.Images;
using ClipLit.VideoIO.Streams;
using ClipLit.VideoIO.Video;

namespace ClipLit.Engine.Live;

/// <summary>
/// The window thread's loop, scheduled like a game engine: every decoded frame is composed and
/// presented at the source's pace, while the network runs on its own thread on the newest frame
/// whenever it is free (<see cref="EnhancerLane"/>); each presented frame gets the newest light
/// map, temporally averaged. When the network is slower than the source, the picture stays
/// fluid and the light map is a few frames old. Window events are handled between frames.
/// Side by side (B) runs a second lane with another model on the same frames. A lane being
/// replaced (quality toggle, a swapped-in model of another layout) keeps running until its
/// successor has a light map, so the picture never freezes. Fast quality runs the student
/// (<see cref="LiveOptions.FastModel"/>) where one serves the model, full quality the model; each
/// model at its own layout (<see cref="LightMapModel.LayoutFor"/>). At scene cuts, full-quality lanes
/// show the cheap estimator's light map of the cut frame until their own arrives (<see cref="CutRefiner"/>).
/// Ownership: owns the lanes, the models it loaded and the decoder; not the device, window,
/// presenter or the models it was given.
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
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>Shown on the heads-up display at the start, e.g. why the network's tensors are not zero-copy on CUDA.</summary>
    public string? StartupNotice { get; init; }

    private readonly List<LiveStreamWriter> _outputs = [];
    private readonly LiveControls? _controls = window is null ? null : new LiveControls(window);
    private readonly LiveHud _hud = new() { Visible = options.Hud };
    private readonly LatencyRecorder _latencies = new();
    private EnhanceQuality _quality = enhanceOptions.Quality;
    private EnhancerLane? _primary;
    private EnhancerLane? _nextPrimary;   // quality toggle: takes over once it has a light map
    private int _loaderQuality;           // the shown quality, read by the model loader's thread
    private LiveInput? _info;
    private LoadedModel _main = null!;    // the model the user runs: --model, then each one swapped in
    private bool _fastServesMain;         // the student serves the main model (else fast quality runs the main model itself)
    private readonly Dictionary<LightMapModel, LoadedModel> _refiners = [];   // teachers at the fast size, for cut frames
    private LoadedModel? _awaitingFirstFrameOf;
    private EnhancerLane? _left;          // side by side: the other model, left of the divider
    private byte[] _sideBySidePicture = [];
    private ModelSwapper? _swapper;
    private bool _sideBySide;
    private bool _paused;
    private double? _split;
    private DateTime? _firstFrameOfLastModel;
    private int _presented;
    private int _lightMapsOfRetiredLanes;
    private (int Cuts, int Lit, int Dropped) _cutsOfRetiredLanes;
    private long _ageSum;
    private (double DisplayFps, double EnhancerHz) _rates;
    private (long Decode, long Render, long Present) _ticks;
    private int _dropped;
    private long _firstLightMapAt = long.MaxValue;
    private byte[][] _readAheadRing = [];   // Stopwatch ticks spent per stage, over shown frames

    private LoadedModel? LeftModel => options.Compare ?? _swapper!.Previous;

    /// <summary>
    /// Runs until the source ends (files, unless looping), the frame limit, the window closing or
    /// cancellation. Takes ownership of <paramref name="first"/>: the decoder loop takes it over, or
    /// it is freed here when the loop never starts.
    /// </summary>
    public LiveStatistics Run(LiveInput info, IFrameSource first, CancellationToken cancellation)
    {
        using var source = new Owned<IFrameSource>(first);
        return RunOwned(info, source, cancellation);
    }

    private LiveStatistics RunOwned(LiveInput info, Owned<IFrameSource> first, CancellationToken cancellation)
    {
        _main = model;
        _info = info;
        _fastServesMain = options.FastModel is not null;
        var running = Running(_quality);
        var layout = LayoutOf(info, running, _quality);
        // Models loaded later run where the first one does (CUDA-imported tensors when it does, if they work for them too).
        Volatile.Write(ref _loaderQuality, (int)_quality);
        _swapper = new ModelSwapper(model, options.WatchFolder, loaded =>
        {
            var shown = LayoutOf(info, loaded, (EnhanceQuality)Volatile.Read(ref _loaderQuality));
            return (shown.NetworkWidth, shown.NetworkHeight);
        });
        if (StartupNotice is { } notice) _hud.Message(notice);
        try
        {
            _primary = new EnhancerLane(layout, running, enhanceOptions.Temporal, RefinerFor(info, running, layout));
            log.WriteLine($"light maps from {_primary.LightMapSource}");
            if (options.SideBySide && options.Compare is not null) SetSideBySide(true);
            if (options.OutputStream is { } url) _outputs.Add(LiveStreamWriter.ForStream(url, info.Width, info.Height, info.FramesPerSecond));
            if (options.VirtualCamera is { } camera) _outputs.Add(LiveStreamWriter.ForVirtualCamera(camera, info.Width, info.Height, info.FramesPerSecond));
            var statistics = Play(info, first, cancellation);
            foreach (var output in _outputs)
            {
                output.Dispose();
                if (output.Problem is { } problem) throw new VideoFileException(output.Url, $"the output failed: {problem}");
                log.WriteLine($"streamed {output.FramesSent} frames to {output.Url}");
            }
            return statistics;
        }
        finally
        {
            foreach (var output in _outputs) output.Dispose();
            _primary?.Dispose();
            _nextPrimary?.Dispose();
            _left?.Dispose();
            foreach (var refiner in _refiners.Values) refiner.Dispose();
            _swapper.Dispose();
        }
    }

    /// <summary>The model whose light maps <paramref name="quality"/> shows: the student in fast quality where one serves the main model, else the main model.</summary>
    private LoadedModel Running(EnhanceQuality quality) =>
        quality == EnhanceQuality.Fast && _fastServesMain && options.FastModel is { } student && _main.Session.Model is not StudentModel ? student : _main;

    /// <summary>The frame's layout for <paramref name="model"/>: a student at its own scale, the paper's network full or at the fast size.</summary>
    private FrameLayout LayoutOf(LiveInput info, LoadedModel model, EnhanceQuality quality) => LayoutOf(info, model.Session.Model, quality);

    private FrameLayout LayoutOf(LiveInput info, LightMapModel model, EnhanceQuality quality) =>
        model.LayoutFor(info.Width, info.Height, quality, enhanceOptions.FastLongSide, enhanceOptions.Upsample);

    /// <summary>
    /// What lights the cut frames of a lane running <paramref name="running"/> at <paramref name="layout"/>:
    /// where the lane is slow (not downscaled), the student serving it, else the model itself on the
    /// fast quality's small copy (a session of its own: the lane's is busy for seconds); null where the
    /// lane is cheap already (its own network lights the cut frame).
    /// </summary>
    private (FrameLayout Layout, LoadedModel Model)? RefinerFor(LiveInput info, LoadedModel running, FrameLayout layout)
    {
        if (layout.IsDownscaled || options.Lockstep) return null;
        var cheap = running == _main && _fastServesMain && options.FastModel is { } student && running.Session.Model is not StudentModel ? student : null;
        var cheapLayout = LayoutOf(info, cheap ?? running, EnhanceQuality.Fast);
        if (!cheapLayout.IsDownscaled) return null;
        if (cheap is null && !_refiners.TryGetValue(running.Session.Model, out cheap))
        {
            var watch = Stopwatch.StartNew();
            var session = model.Session.OpenSibling(running.Session.Model);
            try
            {
                session.TensorsFor(cheapLayout.NetworkWidth, cheapLayout.NetworkHeight);
            }
            catch
            {
                session.Dispose();
                throw;
            }
            _refiners[running.Session.Model] = cheap = new LoadedModel(session, watch.Elapsed);
        }
        return (cheapLayout, cheap);
    }

    /// <summary>Frees the cut-frame sessions no lane uses any more (after a swap).</summary>
    private void ReleaseUnusedRefiners()
    {
        var used = new[] { _primary, _nextPrimary, _left }.Select(lane => lane?.RefinerModel).ToHashSet();
        foreach (var (key, refiner) in _refiners.Where(entry => !used.Contains(entry.Value)).ToList())
        {
            refiner.Dispose();
            _refiners.Remove(key);
        }
    }

    /// <summary>What is on screen: the primary lane's picture, or both lanes' assembled side by side.</summary>
    private ReadOnlySpan<byte> Shown => _sideBySide && _left?.LightMapFrame is not null ? _sideBySidePicture : _primary!.Output.Span;

    private LiveStatistics Play(LiveInput info, Owned<IFrameSource> first, CancellationToken cancellation)
    {
        _split = options.Split;
        var clock = Stopwatch.StartNew();
        var pacer = new FramePacer(info.FramesPerSecond, window is null ? null : window.PollEvents);
        var second = Stopwatch.StartNew();
        (int Presented, int LightMaps) lastSecond = (0, 0);
        int frameIndex = 0;

        ReadAheadSource? reader = ReadAhead(first.Take(), info); // the read-ahead owns the source; the loop below disposes it
        do
        {
            try
            {
                pacer.Restart();
                while (!cancellation.IsCancellationRequested)
                {
                    window?.PollEvents();
                    if (window?.ShouldClose == true) return Statistics();
                    HandleInput(info);
                    if (second.Elapsed.TotalSeconds >= 1)
                    {
                        _rates = ((_presented - lastSecond.Presented) / second.Elapsed.TotalSeconds, (LightMaps - lastSecond.LightMaps) / second.Elapsed.TotalSeconds);
                        lastSecond = (_presented, LightMaps);
                        second.Restart();
                        if (window is not null)
                            window.Title = string.Create(CultureInfo.InvariantCulture, $"ClipLit - {info.Name} - {_rates.DisplayFps:F1} fps, light map {_rates.EnhancerHz:F1} Hz - "
                                + $"{_primary!.Description}{(_paused ? " - paused" : "")} - H: heads-up display");
                    }
                    if (_paused && _primary!.LightMapFrame is not null)
                    {
                        // Hold the picture (the divider can still move): compose the same frame again, no new light map.
                        _primary.Hold();
                        if (_sideBySide && _left?.LightMapFrame is not null)
                        {
                            _left.Hold();
                            AssembleSideBySide(info);
                        }
                        presenter?.Present(Shown, info.Width, info.Height, overlay: Overlay(info));
                        Thread.Sleep(15);
                        pacer.Restart();
                        continue;
                    }
                    long reading = Stopwatch.GetTimestamp();
                    var frame = reader.ReadAsync(_primary!.Input, cancellation).AsTask().GetAwaiter().GetResult();
                    if (!frame.HasFrame) break;
                    long received = Stopwatch.GetTimestamp();
                    long arrived = reader.LastArrival; // decoded (read ahead): where latency starts
                    // Cameras need no such test: their read-ahead keeps only the newest frame.
                    if (!options.Lockstep && !info.IsCamera && reader.HasWaitingFrame && pacer.IsLate(frame.Timestamp))
                    {
                        // As a video player does: a frame already past its time is not rendered
                        // when the next one is decoded, so playback keeps the video's pace.
                        _dropped++;
                        frameIndex++;
                        continue;
                    }

                    SwapInLoadedModel();
                    bool firstLightMap = _primary.LightMapFrame is null;
                    if (!StepLanes(frameIndex, info, cancellation)) continue;
                    long rendered = Stopwatch.GetTimestamp();
                    if (firstLightMap) _firstLightMapAt = rendered;
                    foreach (var output in _outputs) output.Offer(Shown);
                    options.FrameTap?.Invoke(frameIndex, Shown);
                    _ageSum += frameIndex - _primary.LightMapFrame!.Value;

                    long waitStart = Stopwatch.GetTimestamp();
                    pacer.WaitFor(frame.Timestamp, cancellation);
                    long waited = Stopwatch.GetTimestamp() - waitStart;
                    bool last = options.FrameLimit is { } limit && _presented + 1 >= limit;
                    var pixels = presenter?.Present(Shown, info.Width, info.Height, screenshot: last && options.ScreenshotPath is not null, Overlay(info));
                    _ticks = (_ticks.Decode + received - reading, _ticks.Render + rendered - received, _ticks.Present + Stopwatch.GetTimestamp() - waitStart - waited);
                    _presented++;
                    frameIndex++;
                    // Frames decoded before the first light map existed waited for it (seconds in full quality): no steady-state latency.
                    if (arrived >= _firstLightMapAt) _latencies.Add(Stopwatch.GetElapsedTime(arrived + waited).TotalMilliseconds);
                    if (_awaitingFirstFrameOf is not null && _primary.Model == _awaitingFirstFrameOf && _primary.LightMapsOfModel > 0)
                    {
                        _firstFrameOfLastModel = DateTime.UtcNow; // the first shown frame lit by the new model
                        _awaitingFirstFrameOf = null;
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
                {
                    log.WriteLine($"note: {info.Name} stopped ({problem}); retrying every {RetryInterval.TotalSeconds:F0} s");
                    _hud.Message($"{info.Name}: no signal, retrying");
                }
            }
            finally
            {
                _dropped += reader.Dropped;
                reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
                reader = null;
            }
            if (cancellation.IsCancellationRequested || (!info.IsCamera && !options.Loop)) break;
            var reopened = info.IsCamera ? Reopen(info, cancellation) : info.Open();
            reader = reopened is null ? null : ReadAhead(reopened, info);
        }
        while (reader is not null);
        return Statistics();

        LiveStatistics Statistics()
        {
            double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            double perFrame = 1000.0 / Stopwatch.Frequency / Math.Max(1, _presented);
            return new LiveStatistics(_presented, _presented / seconds, LightMaps, LightMaps / seconds, _presented > 0 ? (double)_ageSum / _presented : 0,
                _latencies.Percentile(50), _latencies.Percentile(99), _swapper!.Swaps, _firstFrameOfLastModel, _dropped + (reader?.Dropped ?? 0),
                new FrameTimes(_ticks.Decode * perFrame, _ticks.Render * perFrame, _ticks.Present * perFrame),
                _cutsOfRetiredLanes.Cuts + _primary!.Cuts, _cutsOfRetiredLanes.Lit + _primary.CutFramesLit,
                _cutsOfRetiredLanes.Dropped + _primary.StaleLightMapsDropped, _primary.LightMapSource);
        }
    }

    /// <summary>
    /// The decoder runs a few frames ahead of the window thread; a camera or stream the loop fell
    /// behind skips to its newest frame (latest wins), a file delivers every frame.
    /// </summary>
    private ReadAheadSource ReadAhead(IFrameSource source, LiveInput info)
    {
        // One ring for the whole run: a looping file or a returning camera reopens its source often.
        if (_readAheadRing.Length == 0) _readAheadRing = [new byte[4 * info.Width * info.Height], new byte[4 * info.Width * info.Height]];
        return new ReadAheadSource(source, _readAheadRing, latestWins: info.IsCamera);
    }

    private int LightMaps => _lightMapsOfRetiredLanes + _primary!.LightMaps;

    /// <summary>
    /// The frame (in the primary lane's input) through every lane; false when it cannot be shown
    /// (the first light map never came). Lanes still waiting for their first light map do not hold
    /// the picture up: the primary lane is shown meanwhile.
    /// </summary>
    private bool StepLanes(int frameIndex, LiveInput info, CancellationToken cancellation)
    {
        var primary = _primary!;
        if (_nextPrimary is { } next)
        {
            primary.Input.Span.CopyTo(next.Input.Span);
            if (next.Step(frameIndex, options.Lockstep, waitForFirst: false, cancellation))
            {
                // The new quality has its first light map: it takes over from this frame on.
                log.WriteLine($"quality now {QualityName(next)}");
                _hud.Message($"quality {QualityName(next)}");
                _lightMapsOfRetiredLanes += primary.LightMaps;
                _cutsOfRetiredLanes = (_cutsOfRetiredLanes.Cuts + primary.Cuts, _cutsOfRetiredLanes.Lit + primary.CutFramesLit,
                    _cutsOfRetiredLanes.Dropped + primary.StaleLightMapsDropped);
                primary.Dispose();
                _primary = primary = next;
                _nextPrimary = null;
                _left?.Dispose();
                _left = null;
                if (_sideBySide) SetSideBySide(true);
                ReleaseUnusedRefiners();
                return true;
            }
        }
        if (_sideBySide && _left is { } left)
        {
            primary.Input.Span.CopyTo(left.Input.Span);
            left.Step(frameIndex, options.Lockstep, waitForFirst: false, cancellation);
        }
        if (!primary.Step(frameIndex, options.Lockstep, waitForFirst: true, cancellation)) return false;
        if (_sideBySide && _left?.LightMapFrame is not null) AssembleSideBySide(info);
        return true;
    }

    /// <summary>Side by side: the left lane's picture left of the divider, the primary lane's right of it, and a white divider.</summary>
    private void AssembleSideBySide(LiveInput info)
    {
        int column = Math.Clamp((int)Math.Round((_split ?? 0.5) * info.Width), 2, info.Width);
        var left = _left!.Output.Span;
        var right = _primary!.Output.Span;
        if (_sideBySidePicture.Length != left.Length) _sideBySidePicture = new byte[left.Length];
        var into = _sideBySidePicture.AsSpan();
        for (int y = 0; y < info.Height; y++)
        {
            int row = 4 * y * info.Width;
            left.Slice(row, 4 * column).CopyTo(into[row..]);
            right.Slice(row + 4 * column, 4 * (info.Width - column)).CopyTo(into[(row + 4 * column)..]);
            into.Slice(row + 4 * (column - 2), 8).Fill(0xFF);
        }
    }

    /// <summary>
    /// Opens a camera that went away again, once a second, keeping the window responsive and
    /// showing the last picture with a message; null when the user quits or the run is cancelled first.
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
                presenter?.Present(Shown, info.Width, info.Height, overlay: Overlay(info));
                Thread.Sleep(15);
            }
            try
            {
                var source = info.Open();
                if (source.Width == info.Width && source.Height == info.Height)
                {
                    log.WriteLine($"note: {info.Name} is back");
                    _hud.Message($"{info.Name} is back");
                    return source;
                }
                source.DisposeAsync().AsTask().GetAwaiter().GetResult();
                log.WriteLine($"note: {info.Name} came back at {source.Width}x{source.Height}, not {info.Width}x{info.Height}; still retrying");
            }
            catch (VideoFileException)
            {
                _hud.Message($"{info.Name}: no signal, retrying");
            }
        }
        return null;
    }

    /// <summary>Carries out what the keys and the mouse ask (<see cref="LiveControls"/>).</summary>
    private void HandleInput(LiveInput info)
    {
        if (_controls is null || presenter is null) return;
        foreach (var action in _controls.Pressed())
        {
            switch (action)
            {
                case LiveAction.Split:
                    _split = _split is null || _sideBySide ? 0.5 : null;
                    SetSideBySide(false);
                    break;
                case LiveAction.SideBySide when LeftModel is null:
                    _hud.Message("side by side needs a second model: --compare PATH, or a swap (--watch, R)");
                    break;
                case LiveAction.SideBySide:
                    SetSideBySide(!_sideBySide);
                    _split = _sideBySide ? 0.5 : null;
                    // The right is the model the user runs (its student may give it its light maps in fast quality).
                    log.WriteLine(_sideBySide ? $"side by side: {LeftModel!.Name} | {_main.Name}" : "side by side off");
                    break;
                case LiveAction.Hud:
                    _hud.Visible = !_hud.Visible;
                    break;
                case LiveAction.Pause:
                    _paused = !_paused;
                    break;
                case LiveAction.Quality:
                    ToggleQuality(info);
                    break;
                case LiveAction.Fullscreen:
                    ToggleFullscreen();
                    break;
                case LiveAction.Reload:
                    // The model the user runs, not the lane's: in fast quality that may be the student serving it.
                    string message = _swapper!.Reload(_main.Path) ? $"reloading {_main.Path}" : "a model is loading already";
                    log.WriteLine($"note: {message}");
                    _hud.Message(message);
                    break;
                case LiveAction.Screenshot:
                    string path = Path.GetFullPath($"cliplit-{DateTime.Now:yyyyMMdd-HHmmss-fff}.png");
                    SaveScreenshot(presenter.Present(Shown, info.Width, info.Height, screenshot: true, Overlay(info)), presenter, path);
                    _hud.Message($"screenshot {Path.GetFileName(path)}");
                    break;
            }
        }
        if (_split is not null && _controls.DividerFraction(info.Width, info.Height, presenter) is { } dragged) _split = dragged;
        _primary!.SplitColumn = _split is { } fraction && !_sideBySide ? Math.Max(1, (int)Math.Round(fraction * info.Width)) : 0;
    }

    private void ToggleFullscreen()
    {
        try
        {
            window!.ToggleFullscreen();
            log.WriteLine(window.IsFullscreen ? "fullscreen" : "windowed");
        }
        catch (PresentationException e)
        {
            _hud.Message(e.Message);
        }
    }

    /// <summary>Side by side on (a left lane for the other model, built unless it runs already) or off.</summary>
    private void SetSideBySide(bool on)
    {
        _sideBySide = on && LeftModel is not null;
        if (_sideBySide && _left?.Model == LeftModel) return;
        _left?.Dispose();
        _left = null;
        if (!_sideBySide) return;
        var leftModel = LeftModel!;
        var quality = _quality;
        _left = TryLane(() =>
        {
            // Each model at its own layout (a student beside the paper's network: each as it runs alone).
            var layout = LayoutOf(_info!, leftModel, quality);
            return new EnhancerLane(layout, leftModel, enhanceOptions.Temporal, RefinerFor(_info!, leftModel, layout));
        }, "side by side");
        _sideBySide = _left is not null;
        _split ??= 0.5;
    }

    /// <summary>
    /// A new lane, or null with a note and a HUD message when its network cannot start (e.g. the
    /// GPU has too little memory at that size): the running picture carries on, nothing hangs.
    /// </summary>
    private EnhancerLane? TryLane(Func<EnhancerLane> create, string what)
    {
        try
        {
            return create();
        }
        catch (Exception e) when (EnhancerTensorsChoice.IsBrokenLink(e))
        {
            Note($"{what} did not start: {e.Message}");
            return null;
        }
    }

    private void Note(string message)
    {
        log.WriteLine($"note: {message}");
        _hud.Message(message);
    }

    /// <summary>Q: the other quality; the current lane keeps running until the new one has its first light map.</summary>
    private void ToggleQuality(LiveInput info)
    {
        _quality = _quality == EnhanceQuality.Fast ? EnhanceQuality.Full : EnhanceQuality.Fast;
        _nextPrimary?.Dispose();
        _nextPrimary = null;
        var running = Running(_quality);
        var layout = LayoutOf(info, running, _quality);
        _nextPrimary = TryLane(() => new EnhancerLane(layout, running, enhanceOptions.Temporal, RefinerFor(info, running, layout)), $"quality {QualityName(_quality, running, layout)}");
        if (_nextPrimary is null)
        {
            _quality = _quality == EnhanceQuality.Fast ? EnhanceQuality.Full : EnhanceQuality.Fast;
            return;
        }
        Volatile.Write(ref _loaderQuality, (int)_quality);
        _hud.Message($"quality {QualityName(_quality, running, layout)}: starting");
    }

    private string QualityName(EnhancerLane lane) => $"{(_quality == EnhanceQuality.Fast ? "fast" : "full")}: light maps from {lane.LightMapSource}";

    private static string QualityName(EnhanceQuality quality, LoadedModel model, FrameLayout layout) =>
        $"{(quality == EnhanceQuality.Fast ? "fast" : "full")}: {(model.Session.Model is StudentModel ? "student" : "teacher")} {model.Name} at {layout.NetworkWidth}x{layout.NetworkHeight}";

    /// <summary>
    /// At a frame boundary: once a newly loaded model is ready and the networks are between frames
    /// (so nothing waits), runs the new model from now on. Side by side without --compare, the
    /// replaced model moves to the left.
    /// </summary>
    private void SwapInLoadedModel()
    {
        var primary = _primary!;
        var info = _info!;
        bool idle = primary.IsIdle && _nextPrimary is null && _left is not { IsIdle: false };
        if (_swapper!.TakeReady(idle, Note) is not { } incoming) return;
        var outgoing = _main;
        bool fastServed = _fastServesMain;
        // A student serves the model it was distilled from; a teacher of another file runs itself in fast quality.
        _fastServesMain = options.FastModel?.Session.Model is StudentModel student && incoming.Session.Model is not StudentModel && student.IsStudentOf(incoming.Session.Model);
        _main = incoming;
        var running = Running(_quality);
        var layout = LayoutOf(info, running, _quality);
        try
        {
            if (layout == primary.Layout) primary.Swap(running, RefinerFor(info, running, layout));
            else
            {
                // Another layout (a student in place of the paper's network, or back): a lane of its own takes over once it has a light map.
                _nextPrimary = new EnhancerLane(layout, running, enhanceOptions.Temporal, RefinerFor(info, running, layout));
            }
        }
        catch (Exception e) when (EnhancerTensorsChoice.IsBrokenLink(e))
        {
            (_main, _fastServesMain) = (outgoing, fastServed);
            _swapper.Failed(incoming);
            Note($"{incoming.Name} did not start: {e.Message}; the running model stays");
            return;
        }
        if (fastServed && !_fastServesMain && options.FastModel is { } fast)
            Note($"{fast.Name} was not distilled from {incoming.Name}: fast quality runs {incoming.Name} itself");
        // The session's note went to the log when its tensors fell back; the picture says it too.
        if (incoming.Session.FallbackReason is { } why) _hud.Message($"{incoming.Name}: {EnhancerSession.RoundTrip}: {why}");
        bool leftFollows = _left is not null && options.Compare is null;
        if (leftFollows)
        {
            _left!.Dispose();
            _left = null;
        }
        _swapper.Swapped(incoming, outgoing, model => model == _left?.Model || model == _nextPrimary?.Model || model == _primary?.Model);
        // Side by side without --compare: the replaced model moves to the left.
        if (leftFollows) SetSideBySide(true);
        ReleaseUnusedRefiners();
        _awaitingFirstFrameOf = running;
        log.WriteLine($"model swapped in: {incoming.Path} (loaded in {incoming.LoadTime.TotalSeconds:F1} s); light maps from {QualityName(_quality, running, layout)}");
        _hud.Message(string.Create(CultureInfo.InvariantCulture, $"model {incoming.Name} swapped in (loaded in {incoming.LoadTime.TotalSeconds:F1} s)"));
    }

    private HudPanel? Overlay(LiveInput info)
    {
        if (window is null) return null;
        var primary = _primary!;
        var readings = new HudReadings(_rates.DisplayFps, _rates.EnhancerHz, primary.NetworkMilliseconds,
            _presented > 0 ? (double)_ageSum / _presented : 0, _latencies.Percentile(50), _latencies.Percentile(99),
            primary.Description, QualityName(primary), _main, _sideBySide ? _left?.Model : null, _paused);
        return _hud.Panel(readings, Math.Max(2, (int)Math.Round(2 * window.ContentScale)));
    }

    private void SaveScreenshot(byte[]? pixels, VkPresenter presenter, string path)
    {
        if (pixels is null) throw new PresentationException($"{path}: the frame could not be presented (window minimized?)");
        var (width, height) = presenter.Extent;
        using var image = StillImage.FromRgba(path, pixels, width, height);
        StillImageWriter.Write(image, path, StillImageWriteOptions.Default);
        log.WriteLine($"screenshot {width}x{height} written to {path}");
    }
}
