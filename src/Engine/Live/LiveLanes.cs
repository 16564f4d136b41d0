using System.Globalization;
using ClipLit.Engine.Gpu;
using ClipLit.Engine.Models;
using ClipLit.Renderer;

namespace ClipLit.Engine.Live;

/// <summary>
/// The live view's lanes and their hand-overs: the primary lane (what is shown), the one replacing
/// it (a quality toggle, a swapped-in model of another layout), which keeps the old one running
/// until it has a light map so the picture never freezes, and side by side (B) a left lane with
/// the other model on the same frames. Counts what retired lanes measured, for the statistics.
/// Thread-safety: the window thread. Ownership: owns the lanes; not the models (see <see cref="LightMapRouting"/>).
/// </summary>
/// <param name="routing">Which model each lane runs.</param>
/// <param name="info">The source (its size).</param>
/// <param name="compare">The second model of the side-by-side view; null: the model before the last swap.</param>
/// <param name="swapper">Hot reload (the model before the last swap).</param>
/// <param name="lockstep">Every frame waits for its own light map.</param>
/// <param name="hud">Where messages show on the picture.</param>
/// <param name="log">The lines a user reads.</param>
public sealed class LiveLanes(LightMapRouting routing, LiveInput info, LoadedModel? compare, ModelSwapper swapper, bool lockstep,
    LiveHud hud, TextWriter log) : IDisposable
{
    private readonly SideBySidePicture _sideBySidePicture = new(info.Width, info.Height);
    private EnhancerLane? _next;    // takes over once it has a light map
    private EnhancerLane? _left;    // side by side: the other model, left of the divider
    private int _lightMapsOfRetired;
    private (int Cuts, int Lit, int Dropped) _cutsOfRetired;
    private bool _disposed;

    public EnhancerLane Primary { get; private set; } = null!;

    /// <summary>Side by side is on.</summary>
    public bool SideBySide { get; private set; }

    /// <summary>The model left of the divider side by side: --compare, else the one before the last swap.</summary>
    public LoadedModel? LeftModel => compare ?? swapper.Previous;

    /// <summary>The left lane's model while side by side shows it.</summary>
    public LoadedModel? ShownLeftModel => SideBySide ? _left?.Model : null;

    /// <summary>Split view (or the side-by-side divider) at this fraction of the width; null: none.</summary>
    public double? Split { get; set; }

    /// <summary>How strongly every lane corrects (<see cref="CorrectionStrength"/>; [ and ] in the window), applied at each frame.</summary>
    public float Strength
    {
        get;
        set => field = CorrectionStrength.IsValid(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, $"a strength is from 0 to {CorrectionStrength.Max}");
    } = CorrectionStrength.Paper;

    /// <summary>The gain-aware denoise's amount on every lane (<see cref="FrameRenderer.Denoise"/>; 0 off), applied at each frame.</summary>
    public float Denoise { get; init; }

    /// <summary>Light maps taken by every lane shown so far.</summary>
    public int LightMaps => _lightMapsOfRetired + Primary.LightMaps;

    /// <summary>Scene cuts, cut frames lit, and stale light maps dropped, over every lane shown so far.</summary>
    public (int Cuts, int Lit, int Dropped) CutCounts =>
        (_cutsOfRetired.Cuts + Primary.Cuts, _cutsOfRetired.Lit + Primary.CutFramesLit, _cutsOfRetired.Dropped + Primary.StaleLightMapsDropped);

    /// <summary>No lane's network is busy (a model can be swapped in without waiting).</summary>
    public bool Idle => Primary.IsIdle && _next is null && _left is not { IsIdle: false };

    /// <summary>What is on screen: the primary lane's picture, or both lanes' assembled side by side.</summary>
    public ReadOnlySpan<byte> Shown => SideBySide && _left?.LightMapFrame is not null ? _sideBySidePicture.Pixels : Primary.Output.Span;

    /// <summary>The first lane, and side by side when asked for at the start.</summary>
    public void Start(bool sideBySide)
    {
        Primary = routing.NewLane(routing.Main, routing.Quality);
        log.WriteLine($"light maps from {Primary.LightMapSource}");
        if (sideBySide && compare is not null) SetSideBySide(true);
    }

    /// <summary>
    /// The frame (in the primary lane's input) through every lane; false when it cannot be shown
    /// (the first light map never came). Lanes still waiting for their first light map do not hold
    /// the picture up: the primary lane is shown meanwhile.
    /// </summary>
    public bool Step(int frameIndex, CancellationToken cancellation)
    {
        ApplyCorrection();
        var primary = Primary;
        if (_next is { } next)
        {
            primary.Input.Span.CopyTo(next.Input.Span);
            if (next.Step(frameIndex, lockstep, waitForFirst: false, cancellation))
            {
                // The new lane has its first light map: it takes over from this frame on.
                TakeOver(next);
                return true;
            }
        }
        if (SideBySide && _left is { } left)
        {
            primary.Input.Span.CopyTo(left.Input.Span);
            left.Step(frameIndex, lockstep, waitForFirst: false, cancellation);
        }
        if (!primary.Step(frameIndex, lockstep, waitForFirst: true, cancellation)) return false;
        AssembleSideBySide();
        return true;
    }

    /// <summary>Paused: the same frame composed again with no new light map (the divider may have moved).</summary>
    public void Hold()
    {
        ApplyCorrection();
        Primary.Hold();
        if (SideBySide && _left?.LightMapFrame is not null)
        {
            _left.Hold();
            AssembleSideBySide();
        }
    }

    /// <summary>The strength and the denoise on every running lane (a lane taking over, or side by side, corrects as the one shown).</summary>
    private void ApplyCorrection()
    {
        ApplyCorrection(Primary);
        if (_next is not null) ApplyCorrection(_next);
        if (_left is not null) ApplyCorrection(_left);
    }

    private void ApplyCorrection(EnhancerLane lane)
    {
        lane.Strength = Strength;
        lane.Denoise = Denoise;
    }

    /// <summary>Split view columns for the primary lane (none side by side).</summary>
    public void ApplySplit() =>
        Primary.SplitColumn = Split is { } fraction && !SideBySide ? Math.Max(1, (int)Math.Round(fraction * info.Width)) : 0;

    /// <summary>Side by side on (a left lane for the other model, built unless it runs already) or off.</summary>
    public void SetSideBySide(bool on)
    {
        SideBySide = on && LeftModel is not null;
        if (SideBySide && _left?.Model == LeftModel) return;
        _left?.Dispose();
        _left = null;
        if (!SideBySide) return;
        // Each model at its own layout (a student beside the paper's network: each as it runs alone).
        var leftModel = LeftModel!;
        _left = TryLane(() => routing.NewLane(leftModel, routing.Quality), "side by side");
        SideBySide = _left is not null;
        // The divider starts in the middle; a left lane that did not start leaves no split behind.
        if (SideBySide) Split ??= 0.5;
    }

    /// <summary>Q: the other quality; the current lane keeps running until the new one has its first light map.</summary>
    public void ToggleQuality()
    {
        var quality = routing.PlanOf(routing.Main, routing.Quality).Toggled().Quality;
        _next?.Dispose();
        _next = null;
        var (running, layout) = routing.Route(routing.Main, quality);
        _next = TryLane(() => routing.NewLane(routing.Main, quality), $"quality {QualityName(quality, running, layout)}");
        if (_next is null) return;
        routing.Quality = quality;
        hud.Message($"quality {QualityName(quality, running, layout)}: starting");
    }

    /// <summary>
    /// Runs <paramref name="incoming"/> from now on (it was loaded and the lanes are idle): in the
    /// primary lane where the layout stays, else in a lane of its own that takes over once it has a
    /// light map. Side by side without --compare, the replaced model moves to the left. False when it
    /// did not start (the running model stays).
    /// </summary>
    /// <returns>The model whose light maps now show; null when <paramref name="incoming"/> did not start.</returns>
    public LoadedModel? SwapIn(LoadedModel incoming)
    {
        var before = routing.Adopt(incoming);
        var (running, layout) = routing.Route(incoming, routing.Quality);
        try
        {
            if (layout == Primary.Layout) Primary.Swap(running, routing.CutFrameEstimatorFor(incoming, routing.Quality));
            else _next = routing.NewLane(incoming, routing.Quality);
        }
        catch (Exception e) when (EnhancerTensorsChoice.IsBrokenLink(e))
        {
            routing.Restore(before);
            swapper.Failed(incoming);
            Note($"{incoming.Name} did not start: {e.Message}; the running model stays");
            return null;
        }
        if (before.StudentServed && !routing.StudentServesMain)
            Note($"{routing.StudentName} was not distilled from {incoming.Name}: fast quality runs {incoming.Name} itself");
        // The session's note went to the log when its tensors fell back; the picture says it too.
        if (incoming.Session.FallbackReason is { } why) hud.Message($"{incoming.Name}: {EnhancerSession.RoundTrip}: {why}");
        bool leftFollows = _left is not null && compare is null;
        if (leftFollows)
        {
            _left!.Dispose();
            _left = null;
        }
        swapper.Swapped(incoming, before.Main, model => model == _left?.Model || model == _next?.Model || model == Primary.Model);
        if (leftFollows) SetSideBySide(true);
        routing.ReleaseUnused([Primary, _next, _left]);
        log.WriteLine($"model swapped in: {incoming.Path} (loaded in {incoming.LoadTime.TotalSeconds:F1} s); light maps from {QualityName(routing.Quality, running, layout)}");
        hud.Message(string.Create(CultureInfo.InvariantCulture, $"model {incoming.Name} swapped in (loaded in {incoming.LoadTime.TotalSeconds:F1} s)"));
        return running;
    }

    /// <summary>The quality shown and where its light maps come from (heads-up display).</summary>
    public string QualityName() => $"{Name(routing.Quality)}: light maps from {Primary.LightMapSource}";

    private void TakeOver(EnhancerLane next)
    {
        var primary = Primary;
        _lightMapsOfRetired += primary.LightMaps;
        _cutsOfRetired = (_cutsOfRetired.Cuts + primary.Cuts, _cutsOfRetired.Lit + primary.CutFramesLit, _cutsOfRetired.Dropped + primary.StaleLightMapsDropped);
        primary.Dispose();
        Primary = next;
        _next = null;
        log.WriteLine($"quality now {QualityName()}");
        hud.Message($"quality {QualityName()}");
        _left?.Dispose();
        _left = null;
        if (SideBySide) SetSideBySide(true);
        routing.ReleaseUnused([Primary, _next, _left]);
    }

    private void AssembleSideBySide()
    {
        if (SideBySide && _left?.LightMapFrame is not null)
            _sideBySidePicture.Assemble(_left.Output.Span, Primary.Output.Span, Split ?? 0.5);
    }

    /// <summary>
    /// A new lane, or null with a note when its network cannot start (e.g. the GPU has too little
    /// memory at that size): the running picture carries on, nothing hangs.
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

    /// <summary>A note in the log and on the picture.</summary>
    public void Note(string message)
    {
        log.WriteLine($"note: {message}");
        hud.Message(message);
    }

    private static string Name(EnhanceQuality quality) => quality == EnhanceQuality.Fast ? "fast" : "full";

    private static string QualityName(EnhanceQuality quality, LoadedModel model, FrameLayout layout) =>
        $"{Name(quality)}: {(model.Session.Model is StudentModel ? "student" : "teacher")} {model.Name} at {layout.NetworkWidth}x{layout.NetworkHeight}";

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Primary?.Dispose();
        _next?.Dispose();
        _left?.Dispose();
    }
}
