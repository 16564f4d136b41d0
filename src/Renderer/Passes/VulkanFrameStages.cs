using ClipLit.Renderer.Vulkan;

namespace ClipLit.Renderer.Passes;

/// <summary>
/// A frame's stages as compute passes on the Vulkan device, over a renderer's slots. Where the
/// tensors are shared with CUDA, the pre-process and compose each take the tensors they use from
/// the external queue family first and hand them back at the end (the ownership transfers the spec
/// asks for around every use by another API).
/// Thread-safety: as <see cref="FrameRenderer"/>.
/// Ownership: owns the passes, their bindings and the history buffers (the light map's and the denoise's); Dispose frees them (safe
/// twice; the slots, disposed first by the renderer, have waited for their submissions).
/// </summary>
internal sealed class VulkanFrameStages : IFrameStages
{
    private readonly FrameLayout _layout;
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
    private readonly VkHostBuffer _denoiseHistory;
    private readonly VkHostBuffer? _coefficients;
    private readonly VkHostBuffer? _meanCoefficients;
    private readonly Dictionary<FrameSlot, SlotBindings> _bindings = new();
    private readonly VkComputePass<BoxMeanPush>.VkBindingSet? _meanBindings;
    private bool _coefficientsCurrent;
    private uint _historyFlip; // the denoise history's half that holds the last frame's
    private bool _disposed;

    public VulkanFrameStages(VkComputeDevice device, FrameLayout layout, IReadOnlyList<FrameSlot> slots)
    {
        _layout = layout;
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
            // Two halves (read the last frame's, write this one's), each 16 bits a channel.
            _denoiseHistory = new VkHostBuffer(device, (ulong)layout.Pixels * 4 * sizeof(uint), "denoise history");
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
            foreach (var slot in slots) _bindings[slot] = Bind(slot);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public FrameStages Kind => FrameStages.Vulkan;

    private FrameFormat Format => new((uint)_layout.Width, (uint)_layout.Height, (uint)_layout.BitsPerChannel);

    public void PreProcess(FrameSlot slot)
    {
        var recorder = slot.PreRecorder;
        recorder.Begin();
        RecordPreProcess(recorder, slot);
        recorder.Submit();
        recorder.Wait();
    }

    public void RecordPreProcess(VkCommandRecorder recorder, FrameSlot slot)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var bindings = _bindings[slot];
        var commands = recorder.CommandBuffer;
        var layout = _layout;
        // Shared with CUDA, the network input is the network's between frames: take it back, write
        // it, and hand it over once the thumbnail (the last reader here) is done with it.
        recorder.AcquireFromExternal(slot.Network);
        if (_unpack is not null) _unpack.Record(commands, bindings.Unpack!, Format);
        else _downscale!.Record(commands, bindings.Downscale!,
            new DownscalePush((uint)layout.Width, (uint)layout.Height, (uint)layout.NetworkWidth, (uint)layout.NetworkHeight, (uint)layout.BitsPerChannel));
        recorder.Barrier();
        _thumbnail.Record(commands, bindings.Thumbnail, new ThumbnailPush((uint)layout.NetworkWidth, (uint)layout.NetworkHeight));
        recorder.ReleaseToExternal(slot.Network);
        recorder.Barrier();
    }

    public void Compose(FrameSlot slot, RecordCommands? first, ComposeSettings settings)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var bindings = _bindings[slot];
        var layout = _layout;
        var recorder = slot.PostRecorder;
        var commands = recorder.CommandBuffer;
        recorder.Begin();
        first?.Invoke(recorder);
        var steps = ComposeSteps.For(slot, _guided is not null, _coefficientsCurrent);
        // Shared with CUDA, the light map (and the network input, the guided filter's guide) is the
        // network's between frames: take what the passes below read, hand it back at the end.
        ReadOnlySpan<IVkStorageBuffer> tensors = steps.Guide ? [slot.LightMap, slot.Network] : [slot.LightMap];
        recorder.AcquireFromExternal(tensors);
        if (steps.Reproject)
        {
            _reproject.Record(commands, bindings.Reproject, new ReprojectPush((uint)layout.NetworkWidth, (uint)layout.NetworkHeight,
                (uint)layout.MotionWidth, (uint)layout.MotionHeight, slot.TemporalWeight, FrameRenderer.ReprojectRadius, slot.HasMapMotion ? 1u : 0u));
            recorder.Barrier();
            recorder.Copy(_blended, _history, (ulong)layout.NetworkPixels * sizeof(float));
        }
        else if (steps.Blend)
        {
            _temporal.Record(commands, bindings.Temporal, new TemporalPush((uint)layout.NetworkPixels, slot.TemporalWeight));
            recorder.Barrier();
        }
        var push = new ComposePush((uint)layout.Width, (uint)layout.Height, (uint)layout.BitsPerChannel, (uint)settings.SplitColumn, Strength: settings.Strength, NoiseA: settings.Noise.A, NoiseB: settings.Noise.B,
            TemporalDenoise: (uint)settings.TemporalDenoise, HistoryFlip: _historyFlip, DenoiseMotion: slot.MotionKnown && !slot.MotionIsStill ? 1u : 0u,
            MotionWidth: (uint)layout.MotionWidth, MotionHeight: (uint)layout.MotionHeight, MotionFactor: (uint)layout.MotionFactor);
        if (layout.IsDownscaled)
        {
            push = push with
            {
                SmallWidth = (uint)layout.NetworkWidth,
                SmallHeight = (uint)layout.NetworkHeight,
                LightMode = layout.Upsample == UpsampleMode.EdgeAware ? LightMode.EdgeAware : LightMode.Bilinear,
            };
            // The upsampled light map's bounds, from the slot's (newest) light map.
            _lightRange.Record(commands, bindings.LightRange, new LightRangePush((uint)layout.NetworkPixels));
            recorder.Barrier();
            if (steps.Guide)
            {
                _guided!.Record(commands, bindings.Guided!, new GuidedCoefficientsPush((uint)layout.NetworkWidth, (uint)layout.NetworkHeight, FrameRenderer.GuidedRadius, FrameRenderer.GuidedEpsilon));
                recorder.Barrier();
                _boxMean!.Record(commands, _meanBindings!, new BoxMeanPush((uint)layout.NetworkWidth, (uint)layout.NetworkHeight, 2, FrameRenderer.GuidedRadius));
                recorder.Barrier();
                _coefficientsCurrent = true;
            }
        }
        _compose.Record(commands, bindings.Compose, push, settings.Noise.IsNone ? ComposePass.Plain : ComposePass.Denoising);
        if (!settings.Noise.IsNone) _historyFlip ^= 1u; // what it wrote is the next frame's to read
        recorder.ReleaseToExternal(tensors);
        recorder.Submit();
        recorder.Wait();
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
            _compose.Bind(slot.Input, _table, _meanCoefficients ?? _history, slot.Output, _range, _denoiseHistory, slot.MotionBuffer));

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
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
        _denoiseHistory?.Dispose();
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
