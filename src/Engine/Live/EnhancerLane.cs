using ClipLit.Engine.Gpu;
using ClipLit.Engine.Motion;
using ClipLit.Engine.Models;
using ClipLit.Renderer;
using ClipLit.Renderer.Interop;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Engine.Live;

/// <summary>
/// One model's way through the live view: its frame path (pre-process, temporal average of the
/// light map, compose) and its network worker, which runs on the newest frame whenever it is free.
/// The slot's network input and light map stay on the GPU when the model runs on CUDA-imported
/// tensors (device-local memory, GPU copies to and from the worker), else in host-mapped memory.
/// The live view has one lane, or two side by side (B) to compare models on the same frames.
/// A light map is never shown on a frame of another scene: every frame is checked for a scene cut;
/// at a cut, light maps of earlier frames (in flight or waiting) are dropped, and the cut frame gets
/// a light map of its own before it is composed: a slow lane (full quality) shows its
/// <see cref="CutRefiner"/>'s cheap estimate until its own network has one of the new scene, a cheap
/// lane waits for its network on the cut frame.
/// Thread-safety: the window thread. Ownership: owns the frame path, the worker and the refiner; not the models.
/// </summary>
public sealed partial class EnhancerLane : IDisposable
{
    private readonly VkComputeDevice _device;
    private readonly FramePath _path;
    private readonly FrameSlot _slot;
    private LatestFrameEnhancer _network;
    private readonly MotionAccumulator? _mapMotion;  // following motion: where the shown frame's pixels were when each offered frame was taken
    private CutRefiner? _refiner;
    private readonly TemporalOptions _temporal;
    private FreshLightMap? _fresh;  // a slow lane on the CPU: each shown frame lit by the teacher's newest map and the student's of the frame itself
    private bool _restartAverage;
    private bool _refined;          // the refiner's picture is shown: no light map of this scene from the network yet
    private int _sceneStart;        // the frame the current scene starts at
    private int _lastOffered = -1;  // the newest frame handed to the network
    private int _droppedBefore;     // stale light maps dropped by workers replaced since
    private bool _disposed;

    /// <param name="layout">The frames' size and the network's.</param>
    /// <param name="model">The model whose light maps the lane shows.</param>
    /// <param name="temporal">Temporal smoothing and cut detection.</param>
    /// <param name="refiner">
    /// A cheap estimator and its layout for the frames at scene cuts (a slow lane: full quality);
    /// null: the lane's own network gives the cut frame its light map (it is cheap enough to wait for).
    /// </param>
    public EnhancerLane(FrameLayout layout, LoadedModel model, TemporalOptions temporal, (FrameLayout Layout, LoadedModel Model)? refiner = null)
    {
        _device = model.Session.Device;
        var tensors = model.Session.TensorsFor(layout.NetworkWidth, layout.NetworkHeight);
        // The worker's buffers are the tensors; the slot's stay on the GPU where those are CUDA's (GPU copies between them).
        var slotTensors = tensors.Residence == EnhancerResidence.CudaImported ? DeviceTensorMemory.Instance : (ITensorMemory)HostTensorMemory.Instance;
        _path = new FramePath(_device, tensors, layout, slotCount: 1, temporal, slotTensors);
        try
        {
            _slot = _path.Slots[0];
            if (_path.FollowsMotion) _mapMotion = new MotionAccumulator(layout.MotionWidth, layout.MotionHeight);
            _network = new LatestFrameEnhancer(_device, tensors, layout);
            _refiner = refiner is { } cheap ? new CutRefiner(cheap.Layout, cheap.Model) : null;
            _temporal = temporal;
            _fresh = FreshFor(_refiner);
            Model = model;
        }
        catch
        {
            _network?.Dispose();
            _path.Dispose();
            throw;
        }
    }

    public LoadedModel Model { get; private set; }

    public FrameLayout Layout => _path.Layout;

    /// <summary>The cheap estimator that lights the frames at scene cuts; null where the lane's own network does.</summary>
    public LoadedModel? RefinerModel => _refiner?.Model;

    /// <summary>Where this lane's network runs and its tensors live, for the title bar and the heads-up display.</summary>
    public string Description => _network.Tensors.Description;

    /// <summary>Which model gives the shown light maps, and at what size (the heads-up display, statistics).</summary>
    public string LightMapSource => (_refined, _refiner, _fresh) switch
    {
        (true, { } refiner, null) => $"{Source(refiner.Model, refiner.Layout)} (scene cut; {Source(Model, Layout)} follows)",
        (_, { } refiner, { TeacherFrame: null }) => $"{Source(refiner.Model, refiner.Layout)} ({Source(Model, Layout)} follows)",
        (_, { } refiner, { }) => $"{Source(Model, Layout)}, placed on each frame by {Source(refiner.Model, refiner.Layout)}",
        _ => Source(Model, Layout),
    };

    /// <summary>Where the next frame is decoded to (the renderer's input buffer).</summary>
    public Memory<byte> Input => _slot.InputBytes;

    /// <summary>The composed frame after <see cref="Step"/> or <see cref="Hold"/>.</summary>
    public ReadOnlyMemory<byte> Output => _refined ? _refiner!.Output : _slot.OutputBytes;

    /// <summary>Split view: columns left of this one show the input; 0 turns the split off.</summary>
    public int SplitColumn
    {
        set
        {
            _path.Renderer.SplitColumn = value;
            if (_refiner is not null) _refiner.SplitColumn = value;
        }
    }

    /// <summary>How strongly the light map corrects (<see cref="CorrectionStrength"/>), the cut refiner's too.</summary>
    public float Strength
    {
        set
        {
            _path.Renderer.Strength = value;
            if (_refiner is not null) _refiner.Strength = value;
        }
    }

    /// <summary>The gain-aware denoise's amount (<see cref="FrameRenderer.Denoise"/>), the cut refiner's too.</summary>
    public float Denoise
    {
        set
        {
            _path.Renderer.Denoise = value;
            if (_refiner is not null) _refiner.Denoise = value;
        }
    }

    /// <summary>The frame the shown light map came from; null before the first.</summary>
    public int? LightMapFrame { get; private set; }

    /// <summary>Light maps taken so far (the network's; the cut frames' own are counted in <see cref="CutFramesLit"/>).</summary>
    public int LightMaps { get; private set; }

    /// <summary>Light maps taken from the model running now (since the last <see cref="Swap"/>).</summary>
    public int LightMapsOfModel { get; private set; }

    /// <summary>Scene cuts found (every frame is checked).</summary>
    public int Cuts { get; private set; }

    /// <summary>Cut frames given a light map of their own before being shown (the refiner's, or the network's waited for).</summary>
    public int CutFramesLit { get; private set; }

    /// <summary>Light maps of an earlier scene dropped at a cut, never shown.</summary>
    public int StaleLightMapsDropped => _droppedBefore + _network.Dropped;

    /// <summary>How long the network took for the newest light map.</summary>
    public double NetworkMilliseconds { get; private set; }

    /// <summary>
    /// Where the student runs on every shown frame to place the network's slower map on it (full
    /// quality with a student, <see cref="FreshLightMap"/>): its time on the last frame; null elsewhere.
    /// </summary>
    public double? EveryFrameMilliseconds => _fresh is not null && _refiner is not null ? _refiner.MapMilliseconds : null;

    public bool IsIdle => _network.IsIdle;

    /// <summary>Composes the same frame again with no new light map (paused; the split may have moved).</summary>
    public void Hold()
    {
        if (_refined)
        {
            _refiner!.Hold(Input.Span, _slot.FrameIndex); // the same frame again
            return;
        }
        LightMapHistory.Hold(_slot);
        // The same frame again: nothing moved since it was composed (the average must not move twice).
        _slot.HasMotion = false;
        _slot.HasMapMotion = false;
        _path.Compose(_slot);
    }

    /// <summary>
    /// Runs <paramref name="model"/> from now on (at the same layout), with <paramref name="refiner"/>
    /// at scene cuts; the temporal average restarts with its first light map.
    /// Call between frames while <see cref="IsIdle"/>, so nothing waits.
    /// </summary>
    public void Swap(LoadedModel model, (FrameLayout Layout, LoadedModel Model)? refiner)
    {
        var network = new LatestFrameEnhancer(_device, model.Session.TensorsFor(Layout.NetworkWidth, Layout.NetworkHeight), Layout);
        CutRefiner? cheap = null;
        try
        {
            // A cut frame on screen keeps its refiner (and the light map it shows) until the network has one of that scene;
            // a lane placing maps with the student estimates every frame afresh, so it takes the refiner given.
            if (_refined && _fresh is null) cheap = _refiner;
            else if (refiner is { } given)
                cheap = given.Model == _refiner?.Model && given.Layout == _refiner.Layout ? _refiner : new CutRefiner(given.Layout, given.Model);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        _droppedBefore += _network.Dropped;
        network.DropOlderThan(_sceneStart);
        _network.Dispose();
        _network = network;
        if (cheap != _refiner)
        {
            _refiner?.Dispose();
            _refiner = cheap;
        }
        // Another teacher: its maps start afresh (the student's own light the frames meanwhile). A student's
        // picture shown by a lane that no longer places maps gives way to the lane's own (the next frame composes it).
        if (_fresh is not null) _refined = false;
        _fresh = FreshFor(_refiner);
        Model = model;
        LightMapsOfModel = 0;
        _restartAverage = true;
    }

    /// <summary>
    /// A <see cref="FreshLightMap"/> where the lane is slow (its cut frames have a cheap estimator,
    /// a student), carries its newest map without averaging (the live default), and both networks'
    /// maps are in host memory; else null (an average, lockstep, no student, or CUDA: there the
    /// paper's network keeps up).
    /// </summary>
    private FreshLightMap? FreshFor(CutRefiner? refiner)
    {
        // The teacher on a small copy as the estimator would cost a frame's time on every frame: only a student.
        // The slot's map too: it was placed once, by the first model's tensors, and a model swapped in may run elsewhere.
        if (refiner is not { MapOnHost: true, Model.Session.Model: StudentModel } || Layout.IsDownscaled || _slot.LightMap is not VkHostBuffer
            || !FreshLightMap.Applies(_temporal, _network.Tensors.Residence)) return null;
        return new FreshLightMap(Layout, refiner.Layout.NetworkWidth, refiner.Layout.NetworkHeight);
    }

    private static string Source(LoadedModel model, FrameLayout layout) =>
        $"{(model.Session.Model is StudentModel ? "student" : "teacher")} {model.Name} at {layout.NetworkWidth}x{layout.NetworkHeight}";

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _network.Dispose();
        _refiner?.Dispose();
        _path.Dispose();
    }
}
