using ClipLit.Engine.Gpu;
using ClipLit.Engine.Motion;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Engine;

/// <summary>
/// The steps every frame takes, whoever drives them: <see cref="PreProcess"/> (shader: the
/// network's input and a thumbnail; scene-cut detection decides the frame's weight in the light
/// map's temporal average) → <see cref="Estimate"/> (the network, in place on the frame slot's
/// tensors) → <see cref="Compose"/> (shaders: temporal average, upsampling in fast quality,
/// clamp(I / L, 0, 1)). Photos call the three in a row (<see cref="Enhance"/>), videos from their
/// pipeline's stages, the live view around its network worker.
/// Thread-safety: a slot is in one step at a time; PreProcess is called in frame order.
/// Ownership: owns the renderer (and its slots) and the scene-cut state; not the device or the tensors.
/// </summary>
public sealed class FramePath : IDisposable
{
    private readonly IEnhancerTensors _tensors;
    private readonly LightMapHistory _history;
    private readonly bool _followMotion;
    private MotionTracker? _motion;

    /// <param name="device">The Vulkan device the shaders run on.</param>
    /// <param name="tensors">The network, and where its tensors live.</param>
    /// <param name="layout">The frames' size and the network's.</param>
    /// <param name="slotCount">Frames in flight at once.</param>
    /// <param name="temporal">The light map's temporal average and cut detection (off for photos).</param>
    /// <param name="slotTensors">Where the slots' network input and light map live; default: where <paramref name="tensors"/> wants them.</param>
    /// <param name="stages">Where the per-pixel stages run; default auto (<see cref="FrameStagesChoice"/>).</param>
    public FramePath(VkComputeDevice device, IEnhancerTensors tensors, FrameLayout layout, int slotCount, TemporalOptions temporal, ITensorMemory? slotTensors = null,
        FrameStages stages = FrameStages.Auto)
    {
        _tensors = tensors;
        _history = new LightMapHistory(temporal);
        Renderer = new FrameRenderer(device, layout, slotCount, slotTensors ?? tensors, stages);
        _followMotion = temporal.FollowMotion;
        if (_followMotion) _motion = new MotionTracker(layout);
    }

    public FrameRenderer Renderer { get; }

    public FrameLayout Layout => Renderer.Layout;

    public IReadOnlyList<FrameSlot> Slots => Renderer.Slots;

    /// <summary>The network's tensors this path runs on.</summary>
    public IEnhancerTensors Tensors => _tensors;

    /// <summary>Frames where a scene cut restarted the temporal average.</summary>
    public IReadOnlyList<int> Cuts => _history.Cuts;

    /// <summary>
    /// The input frame (in the slot) to the network's input and its thumbnail; the frame's own light
    /// map (the next <see cref="Estimate"/>) is handed to the history with the frame's weight (1 at a cut).
    /// </summary>
    /// <returns>What the history saw: the frame's weight and whether it cuts (a live lane decides from it).</returns>
    public FrameObservation PreProcess(FrameSlot slot)
    {
        Renderer.PreProcess(slot);
        var seen = Observe(slot);
        LightMapHistory.Hand(slot, seen.Weight);
        return seen;
    }

    /// <summary>Whether the light map's average follows motion (then every frame's motion is tracked: <see cref="TrackMotion"/>).</summary>
    public bool FollowsMotion => _followMotion;

    /// <summary>Whether every frame's motion is tracked (<see cref="TrackMotion"/>): the light map's average or the denoise's history follows it.</summary>
    public bool TracksMotion => _followMotion || Renderer.Denoise > 0f;

    /// <summary>
    /// The decoded frame's motion from the frame tracked before it, into the slot, for the average
    /// (where smoothing follows motion) and the denoise's history to follow when the slot is
    /// composed. Call in frame order, once the frame is in the slot and before it is composed; a
    /// slot never tracked is blended where the average lies (the live view's lanes).
    /// </summary>
    public void TrackMotion(FrameSlot slot)
    {
        // The denoise turned on mid-stream starts tracking then; its first frame has no motion.
        if (_motion is null && TracksMotion) _motion = new MotionTracker(Layout);
        if (_motion is null)
        {
            slot.HasMotion = false;
            slot.MotionKnown = false;
            return;
        }
        _motion.Track(slot);
        // Tracked for the denoise alone: the light map's average stays where it lies.
        if (!_followMotion) slot.HasMotion = false;
    }

    /// <summary>The pre-process as commands for the frame's one submission (<see cref="Compose"/>'s <c>first</c>); <see cref="Observe"/> once it is done.</summary>
    public RecordCommands PreProcessCommands(FrameSlot slot) => recorder => Renderer.RecordPreProcess(recorder, slot);

    /// <summary>What the history sees in a slot pre-processed by <see cref="PreProcessCommands"/> (its thumbnail); the slot's weight is left as it is.</summary>
    public FrameObservation Observe(FrameSlot slot)
    {
        var seen = _history.Observe(slot);
        // Another scene may be another camera or another light: the denoise estimates its noise afresh.
        if (seen.IsCut) Renderer.NewPicture();
        return seen;
    }

    /// <summary>The network on the slot's input, writing its light map in place.</summary>
    public void Estimate(FrameSlot slot, CancellationToken cancellation) =>
        _tensors.Estimate(slot.Network, slot.LightMap, Layout.NetworkWidth, Layout.NetworkHeight, cancellation);

    /// <summary>
    /// The light map (averaged with the earlier ones by the slot's weight) divided out of the input:
    /// the slot's output. <paramref name="first"/>: commands that share the submission, ahead of the passes.
    /// </summary>
    public void Compose(FrameSlot slot, RecordCommands? first = null) => Renderer.Compose(slot, first);

    /// <summary>All three steps on one slot (a photo, or a frame in lockstep).</summary>
    public void Enhance(FrameSlot slot, CancellationToken cancellation)
    {
        PreProcess(slot);
        Estimate(slot, cancellation);
        Compose(slot);
    }

    public void Dispose() => Renderer.Dispose();
}
