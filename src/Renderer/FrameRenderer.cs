using ClipLit.Renderer.Passes;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer;

/// <summary>
/// The frame engine's Vulkan side for one stream of same-size frames: the per-pixel stages as
/// compute passes over a fixed set of <see cref="FrameSlot"/>s.
/// <see cref="PreProcess"/>: the frame to the network's input (full size: unpack; fast: downscale)
/// and its luminance thumbnail (scene cuts).
/// <see cref="Compose"/>: the network's light map into the temporal average, then the division
/// into the enhanced frame (in fast quality, compose brings the light map up to full size per pixel,
/// within bounds found from the light map on the GPU). The network's tensors live where the
/// <see cref="ITensorMemory"/> puts them; nothing here reads them on the host. Where they are shared
/// with CUDA, the pre-process and compose each take the tensors they use from the external queue
/// family first and hand them back at the end (the ownership transfers the spec asks for around
/// every use by another API).
/// Thread-safety: PreProcess may run on one thread while Compose runs on another (different slots);
/// Compose must be called in frame order, from one thread (it owns the temporal history).
/// Ownership: owns the passes, the slots and the shared buffers; Dispose waits for and frees them
/// (safe twice; PreProcess and Compose throw ObjectDisposedException afterwards).
/// </summary>
public sealed class FrameRenderer : IDisposable
{
    /// <summary>
    /// Guided filter window radius at the network's size (pixels). 2 (5x5 windows) scored best on the
    /// shared 720p clip at the default fast size among radii 1-2 and epsilons 1e-4-1e-2, over the whole
    /// frame and near edges; the benchmark's fast-against-full table shows the result.
    /// </summary>
    public const int GuidedRadius = 2;

    /// <summary>Guided filter regularization: larger values smooth more, smaller follow edges more.</summary>
    public const float GuidedEpsilon = 1e-4f;

    /// <summary>
    /// Radius of the neighbourhood of the new light map whose min/max a reprojected average is
    /// clamped to: 1 (3x3) kept the shared pan clip 0.2 dB nearer the paper than 2 at the same
    /// stability (docs/benchmarks.md, "Light maps that follow motion").
    /// </summary>
    public const int ReprojectRadius = 1;

    private readonly VkComputeDevice _device;
    private readonly Unit8Table _table;
    private readonly UnpackPass? _unpack;
    private readonly DownscalePass? _downscale;
    private readonly TemporalPass _temporal;
    private readonly ReprojectPass _reproject;
    private readonly GuidedCoefficientsPass? _guided;
    private readonly BoxMeanPass? _boxMean;
    private readonly ComposePass _compose;
    private readonly ThumbnailPass _thumbnail;
    private readonly LightRangePass _lightRange;
    private readonly VkHostBuffer _history;
    private readonly VkHostBuffer _blended;
    private readonly VkHostBuffer _range;
    private readonly VkHostBuffer? _coefficients;
    private readonly VkHostBuffer? _meanCoefficients;
    private readonly Dictionary<FrameSlot, SlotBindings> _bindings = new();
    private readonly List<FrameSlot> _slots = [];
    private readonly VkComputePass<BoxMeanPush>.VkBindingSet? _meanBindings;
    private bool _coefficientsCurrent;
    private bool _disposed;

    /// <param name="device">The Vulkan device (created to share memory when <paramref name="tensors"/> is the CUDA path's).</param>
    /// <param name="layout">The frames' and the network's sizes.</param>
    /// <param name="slotCount">Frames in flight.</param>
    /// <param name="tensors">Where the slots' network input and light map live; null: host-mapped memory.</param>
    public FrameRenderer(VkComputeDevice device, FrameLayout layout, int slotCount, ITensorMemory? tensors = null)
    {
        _device = device;
        Layout = layout;
        try
        {
            _table = new Unit8Table(device);
            _temporal = new TemporalPass(device);
            _reproject = new ReprojectPass(device);
            _compose = new ComposePass(device);
            _thumbnail = new ThumbnailPass(device);
            _lightRange = new LightRangePass(device);
            _history = new VkHostBuffer(device, (ulong)layout.NetworkPixels * sizeof(float), "temporal light map");
            _blended = new VkHostBuffer(device, (ulong)layout.NetworkPixels * sizeof(float), "reprojected light map");
            _range = new VkHostBuffer(device, LightRangePass.RangeBytes, "light map range");
            if (layout.IsDownscaled)
            {
                _downscale = new DownscalePass(device);
                if (layout.Upsample == UpsampleMode.EdgeAware)
                {
                    _guided = new GuidedCoefficientsPass(device);
                    _boxMean = new BoxMeanPass(device);
                    _coefficients = new VkHostBuffer(device, (ulong)(2 * layout.NetworkPixels) * sizeof(float), "guided coefficients");
                    _meanCoefficients = new VkHostBuffer(device, (ulong)(2 * layout.NetworkPixels) * sizeof(float), "guided coefficient means");
                }
            }
            else
            {
                _unpack = new UnpackPass(device);
            }
            _meanBindings = _boxMean?.Bind(_coefficients!, _meanCoefficients!);
            for (int i = 0; i < slotCount; i++)
            {
                var slot = new FrameSlot(device, layout, i, tensors ?? HostTensorMemory.Instance);
                _slots.Add(slot);
                _bindings[slot] = Bind(slot);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public FrameLayout Layout { get; }

    public IReadOnlyList<FrameSlot> Slots => _slots;

    /// <summary>
    /// Split view (before|after) for the live window: columns left of this one show the input as it
    /// is, with a white divider; 0 (the default) shows the enhanced frame everywhere. 8-bit frames only.
    /// </summary>
    public int SplitColumn
    {
        get;
        set => field = Math.Clamp(value, 0, Layout.Width);
    }

    private FrameFormat Format => new((uint)Layout.Width, (uint)Layout.Height, (uint)Layout.BitsPerChannel);

    /// <summary>
    /// Runs the pre-process on the slot's input: afterwards <see cref="FrameSlot.Network"/> holds the
    /// network's input and <see cref="FrameSlot.Thumbnail"/> its luminance thumbnail.
    /// </summary>
    public void PreProcess(FrameSlot slot)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var recorder = slot.PreRecorder;
        recorder.Begin();
        RecordPreProcess(recorder, slot);
        recorder.Submit();
        recorder.Wait();
    }

    /// <summary>
    /// Records the pre-process into <paramref name="recorder"/> (between its Begin and Submit, e.g.
    /// ahead of the same frame's compose in one submission), ending with a barrier: once that
    /// submission is done, the slot holds what <see cref="PreProcess"/> leaves.
    /// </summary>
    public void RecordPreProcess(VkCommandRecorder recorder, FrameSlot slot)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var bindings = _bindings[slot];
        var commands = recorder.CommandBuffer;
        // Shared with CUDA, the network input is the network's between frames: take it back, write
        // it, and hand it over once the thumbnail (the last reader here) is done with it.
        recorder.AcquireFromExternal(slot.Network);
        if (_unpack is not null) _unpack.Record(commands, bindings.Unpack!, Format);
        else _downscale!.Record(commands, bindings.Downscale!,
            new DownscalePush((uint)Layout.Width, (uint)Layout.Height, (uint)Layout.NetworkWidth, (uint)Layout.NetworkHeight, (uint)Layout.BitsPerChannel));
        recorder.Barrier();
        _thumbnail.Record(commands, bindings.Thumbnail, new ThumbnailPush((uint)Layout.NetworkWidth, (uint)Layout.NetworkHeight));
        recorder.ReleaseToExternal(slot.Network);
        recorder.Barrier();
    }

    /// <summary>
    /// Blends the slot's light map into the temporal average (weight <see cref="FrameSlot.TemporalWeight"/>; 0 keeps the average as it is;
    /// with <see cref="FrameSlot.HasMotion"/> the average first follows the frame's motion, <see cref="ReprojectPass"/>, every frame,
    /// and a map of an earlier frame (<see cref="FrameSlot.HasMapMotion"/>) is fetched where its frame's content is now),
    /// brings it to full size and divides: afterwards <see cref="FrameSlot.OutputBytes"/> holds the enhanced frame.
    /// </summary>
    /// <param name="slot">The frame.</param>
    /// <param name="first">
    /// Commands that go to the GPU in the same submission, ahead of the compose passes (each ends
    /// with a barrier): e.g. the live view's hand-over copies to and from its network worker, so a
    /// frame takes one submission and one wait here, not one per copy.
    /// </param>
    public void Compose(FrameSlot slot, RecordCommands? first = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var bindings = _bindings[slot];
        var recorder = slot.PostRecorder;
        var commands = recorder.CommandBuffer;
        recorder.Begin();
        first?.Invoke(recorder);
        // The guided coefficients depend only on the average light map (and the network-sized
        // frame next to it), so frames without a new light map reuse them: in the live view
        // that is most frames, and these two passes cost as much as a full-size one on lavapipe.
        // (A frame with motion moves the average, new light map or not.)
        bool moves = slot.HasMotion && !slot.MotionIsStill;
        bool guide = _guided is not null && (slot.TemporalWeight > 0f || moves || !_coefficientsCurrent);
        // Shared with CUDA, the light map (and the network input, the guided filter's guide) is the
        // network's between frames: take what the passes below read, hand it back at the end.
        ReadOnlySpan<IVkStorageBuffer> tensors = guide ? [slot.LightMap, slot.Network] : [slot.LightMap];
        recorder.AcquireFromExternal(tensors);
        // Weight 0: no new light map for this frame (the live view's network is still busy); the average stands.
        // With motion the average follows it every frame, a frame without a new map included; a
        // restart takes the new map as it stands, unless that map belongs to an earlier frame.
        if (slot.HasMotion && (slot.TemporalWeight > 0f ? slot.TemporalWeight < 1f || slot.HasMapMotion : moves))
        {
            _reproject.Record(commands, bindings.Reproject, new ReprojectPush((uint)Layout.NetworkWidth, (uint)Layout.NetworkHeight,
                (uint)Layout.MotionWidth, (uint)Layout.MotionHeight, slot.TemporalWeight, ReprojectRadius, slot.HasMapMotion ? 1u : 0u));
            recorder.Barrier();
            recorder.Copy(_blended, _history, (ulong)Layout.NetworkPixels * sizeof(float));
        }
        else if (slot.TemporalWeight > 0f)
        {
            _temporal.Record(commands, bindings.Temporal, new TemporalPush((uint)Layout.NetworkPixels, slot.TemporalWeight));
            recorder.Barrier();
        }
        var push = new ComposePush((uint)Layout.Width, (uint)Layout.Height, (uint)Layout.BitsPerChannel, (uint)SplitColumn);
        if (Layout.IsDownscaled)
        {
            push = push with
            {
                SmallWidth = (uint)Layout.NetworkWidth,
                SmallHeight = (uint)Layout.NetworkHeight,
                LightMode = Layout.Upsample == UpsampleMode.EdgeAware ? LightMode.EdgeAware : LightMode.Bilinear,
            };
            // The upsampled light map's bounds, from the slot's (newest) light map.
            _lightRange.Record(commands, bindings.LightRange, new LightRangePush((uint)Layout.NetworkPixels));
            recorder.Barrier();
            if (guide)
            {
                _guided!.Record(commands, bindings.Guided!, new GuidedCoefficientsPush((uint)Layout.NetworkWidth, (uint)Layout.NetworkHeight, GuidedRadius, GuidedEpsilon));
                recorder.Barrier();
                _boxMean!.Record(commands, _meanBindings!, new BoxMeanPush((uint)Layout.NetworkWidth, (uint)Layout.NetworkHeight, 2, GuidedRadius));
                recorder.Barrier();
                _coefficientsCurrent = true;
            }
        }
        _compose.Record(commands, bindings.Compose, push);
        recorder.ReleaseToExternal(tensors);
        recorder.Submit();
        recorder.Wait();
    }

    /// <summary>Runs <paramref name="commands"/> on the slot's compose recorder alone (a frame that is not composed this time), and waits for them.</summary>
    public void Run(FrameSlot slot, RecordCommands commands)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        slot.PostRecorder.RunNow(commands);
    }

    private SlotBindings Bind(FrameSlot slot) =>
        new(
            _unpack?.Bind(slot.Input, _table, slot.Network),
            _downscale?.Bind(slot.Input, _table, slot.Network),
            _thumbnail.Bind(slot.Network, slot.ThumbnailBuffer),
            _temporal.Bind(slot.LightMap, _history),
            _reproject.Bind(slot.LightMap, _history, slot.MotionBuffer, _blended, slot.MapMotionBuffer),
            _lightRange.Bind(slot.LightMap, _range),
            _guided?.Bind(slot.Network, _history, _coefficients!),
            // Compose reads the guided coefficients (edge-aware) or the averaged light map (full size, bilinear).
            _compose.Bind(slot.Input, _table, _meanCoefficients ?? _history, slot.Output, _range));

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var slot in _slots) slot.Dispose();
        foreach (var bindings in _bindings.Values) bindings.Dispose();
        _meanBindings?.Dispose();
        _boxMean?.Dispose();
        _meanCoefficients?.Dispose();
        _unpack?.Dispose();
        _downscale?.Dispose();
        _temporal?.Dispose();
        _reproject?.Dispose();
        _blended?.Dispose();
        _guided?.Dispose();
        _compose?.Dispose();
        _thumbnail?.Dispose();
        _lightRange?.Dispose();
        _history?.Dispose();
        _range?.Dispose();
        _coefficients?.Dispose();
        _table?.Dispose();
    }

    private sealed record SlotBindings(
        VkComputePass<FrameFormat>.VkBindingSet? Unpack,
        VkComputePass<DownscalePush>.VkBindingSet? Downscale,
        VkComputePass<ThumbnailPush>.VkBindingSet Thumbnail,
        VkComputePass<TemporalPush>.VkBindingSet Temporal,
        VkComputePass<ReprojectPush>.VkBindingSet Reproject,
        VkComputePass<LightRangePush>.VkBindingSet LightRange,
        VkComputePass<GuidedCoefficientsPush>.VkBindingSet? Guided,
        VkComputePass<ComposePush>.VkBindingSet Compose) : IDisposable
    {
        public void Dispose()
        {
            Unpack?.Dispose();
            Downscale?.Dispose();
            Thumbnail.Dispose();
            Temporal.Dispose();
            Reproject.Dispose();
            LightRange.Dispose();
            Guided?.Dispose();
            Compose.Dispose();
        }
    }
}
