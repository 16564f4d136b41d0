using System.Diagnostics;
using ClipLit.Engine.Models;
using ClipLit.Renderer;

namespace ClipLit.Engine.Live;

/// <summary>
/// Which model gives each lane of the live view its light maps, asked of a <see cref="FramePlan"/>:
/// the model the user runs (<see cref="Main"/>: --model, then each one swapped in), served in fast
/// quality by the student where it serves that model; another model (side by side) runs alone. Also
/// what lights the scene cuts of a slow lane (<see cref="FramePlan.CutFrameEstimator"/>): the serving
/// student, else the model on the fast quality's small copy in a session of its own (the lane's is
/// busy for seconds), kept until no lane uses it.
/// Thread-safety: the window thread; <see cref="Quality"/> is also read by the model loader's thread.
/// Ownership: owns the cut-frame sessions it opened; not the models it was given.
/// </summary>
public sealed class LightMapRouting : IDisposable
{
    private readonly LoadedModel _first;
    private readonly LiveInput _info;
    private readonly VideoEnhanceOptions _options;
    private readonly LoadedModel? _student;
    private readonly bool _lockstep;
    private readonly Dictionary<LightMapModel, LoadedModel> _cutSessions = [];
    private int _quality;
    private bool _disposed;

    /// <param name="main">The model the user runs; its session's device is the one everything runs on.</param>
    /// <param name="student">The student given for fast quality (--fast-model, or the installed one); null: none.</param>
    /// <param name="info">The source (its size).</param>
    /// <param name="options">Quality, fast size and upsampler.</param>
    /// <param name="lockstep">Every frame waits for its own light map: no lane needs a cut-frame estimator.</param>
    public LightMapRouting(LoadedModel main, LoadedModel? student, LiveInput info, VideoEnhanceOptions options, bool lockstep)
    {
        Main = _first = main;
        _student = student;
        _info = info;
        _options = options;
        _lockstep = lockstep;
        _quality = (int)options.Quality;
        // A student given at the start serves the model it was given with (a note says so when it was distilled from another file).
        StudentServesMain = student is not null;
    }

    /// <summary>The model the user runs.</summary>
    public LoadedModel Main { get; private set; }

    /// <summary>The student gives <see cref="Main"/> its fast-quality light maps.</summary>
    public bool StudentServesMain { get; private set; }

    /// <summary>The quality shown.</summary>
    public EnhanceQuality Quality
    {
        get => (EnhanceQuality)Volatile.Read(ref _quality);
        set => Volatile.Write(ref _quality, (int)value);
    }

    /// <summary>The plan of <paramref name="model"/>: the main model with its serving student, another model alone.</summary>
    public FramePlan PlanOf(LoadedModel model, EnhanceQuality quality) => PlanOf(model.Session.Model, model == Main && StudentServesMain, quality);

    private FramePlan PlanOf(LightMapModel model, bool served, EnhanceQuality quality) =>
        new(model, served ? _student?.Session.Model as StudentModel : null, quality, _options.FastLongSide, _options.Upsample);

    /// <summary>The network size a model loaded in the background will first run at, alone, in the quality shown now (the loader's thread asks).</summary>
    public (int Width, int Height) NetworkSizeOf(LightMapModel loaded)
    {
        var layout = PlanOf(loaded, served: false, Quality).LayoutFor(_info.Width, _info.Height);
        return (layout.NetworkWidth, layout.NetworkHeight);
    }

    /// <summary>A lane showing <paramref name="model"/> in <paramref name="quality"/>: the model whose network runs, at its layout, with its cut-frame estimator.</summary>
    public EnhancerLane NewLane(LoadedModel model, EnhanceQuality quality)
    {
        var (running, layout) = Route(model, quality);
        return new EnhancerLane(layout, running, _options.Temporal, CutFrameEstimatorFor(model, quality));
    }

    /// <summary>The model whose network lights <paramref name="model"/>'s frames in <paramref name="quality"/>, and at what layout.</summary>
    public (LoadedModel Running, FrameLayout Layout) Route(LoadedModel model, EnhanceQuality quality)
    {
        var plan = PlanOf(model, quality);
        return (plan.RunsStudent ? _student! : model, plan.LayoutFor(_info.Width, _info.Height));
    }

    /// <summary>
    /// <paramref name="incoming"/> is the model the user runs from now on; the student keeps serving
    /// it only if it was distilled from that file. Returns what to undo if it does not start.
    /// </summary>
    public (LoadedModel Main, bool StudentServed) Adopt(LoadedModel incoming)
    {
        var before = (Main, StudentServesMain);
        StudentServesMain = _student?.Session.Model is StudentModel student && FramePlan.Serves(student, incoming.Session.Model);
        Main = incoming;
        return before;
    }

    /// <summary>Undoes <see cref="Adopt"/> (the incoming model did not start).</summary>
    public void Restore((LoadedModel Main, bool StudentServed) before) => (Main, StudentServesMain) = before;

    /// <summary>The student's name, when a swap left it no longer serving the model the user runs.</summary>
    public string? StudentName => _student?.Name;

    /// <summary>What lights the cut frames of a lane showing <paramref name="model"/> in <paramref name="quality"/>; null where its own network does.</summary>
    public (FrameLayout Layout, LoadedModel Model)? CutFrameEstimatorFor(LoadedModel model, EnhanceQuality quality)
    {
        if (_lockstep || PlanOf(model, quality).CutFrameEstimator(_info.Width, _info.Height) is not { } estimator) return null;
        if (_student is not null && ReferenceEquals(estimator.Model, _student.Session.Model)) return (estimator.Layout, _student);
        if (!_cutSessions.TryGetValue(estimator.Model, out var cheap))
        {
            var watch = Stopwatch.StartNew();
            // A sibling of the first session, as every model loaded later: it runs where that one does.
            var session = _first.Session.OpenSibling(estimator.Model);
            try
            {
                session.TensorsFor(estimator.Layout.NetworkWidth, estimator.Layout.NetworkHeight);
            }
            catch
            {
                session.Dispose();
                throw;
            }
            _cutSessions[estimator.Model] = cheap = new LoadedModel(session, watch.Elapsed);
        }
        return (estimator.Layout, cheap);
    }

    /// <summary>Frees the cut-frame sessions no lane uses any more (after a swap or a quality change).</summary>
    public void ReleaseUnused(IEnumerable<EnhancerLane?> lanes)
    {
        var used = lanes.Select(lane => lane?.RefinerModel).ToHashSet();
        foreach (var (key, session) in _cutSessions.Where(entry => !used.Contains(entry.Value)).ToList())
        {
            session.Dispose();
            _cutSessions.Remove(key);
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var session in _cutSessions.Values) session.Dispose();
        _cutSessions.Clear();
    }
}
