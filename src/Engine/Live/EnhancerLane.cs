using ClipLit.Engine.Gpu;
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
/// Thread-safety: the window thread. Ownership: owns the frame path and the worker; not the model.
/// </summary>
public sealed class EnhancerLane : IDisposable
{
    private readonly VkComputeDevice _device;
    private readonly FramePath _path;
    private readonly FrameSlot _slot;
    private LatestFrameEnhancer _network;
    private bool _restartAverage;
    private bool _disposed;

    public EnhancerLane(FrameLayout layout, LoadedModel model, TemporalOptions temporal)
    {
        _device = model.Session.Device;
        var tensors = model.Session.TensorsFor(layout.NetworkWidth, layout.NetworkHeight);
        // The worker's buffers are the tensors; the slot's stay on the GPU where those are CUDA's (GPU copies between them).
        var slotTensors = tensors.Residence == EnhancerResidence.CudaImported ? DeviceTensorMemory.Instance : (ITensorMemory)HostTensorMemory.Instance;
        _path = new FramePath(_device, tensors, layout, slotCount: 1, temporal, slotTensors);
        try
        {
            _slot = _path.Slots[0];
            _network = new LatestFrameEnhancer(_device, tensors, layout);
            Model = model;
        }
        catch
        {
            _path.Dispose();
            throw;
        }
    }

    public LoadedModel Model { get; private set; }

    public FrameLayout Layout => _path.Layout;

    /// <summary>Where this lane's network runs and its tensors live, for the title bar and the heads-up display.</summary>
    public string Description => _network.Tensors.Description;

    /// <summary>Where the next frame is decoded to (the renderer's input buffer).</summary>
    public Memory<byte> Input => _slot.InputBytes;

    /// <summary>The composed frame after <see cref="Step"/> or <see cref="Hold"/>.</summary>
    public ReadOnlyMemory<byte> Output => _slot.OutputBytes;

    /// <summary>Split view: columns left of this one show the input; 0 turns the split off.</summary>
    public int SplitColumn
    {
        set => _path.Renderer.SplitColumn = value;
    }

    /// <summary>The frame the shown light map came from; null before the first.</summary>
    public int? LightMapFrame { get; private set; }

    /// <summary>Light maps taken so far.</summary>
    public int LightMaps { get; private set; }

    /// <summary>How long the network took for the newest light map.</summary>
    public double NetworkMilliseconds { get; private set; }

    public bool IsIdle => _network.IsIdle;

    /// <summary>
    /// Frame <paramref name="frameIndex"/> (in <see cref="Input"/>) through the lane: offered to the
    /// network when it is free (and waited for with <paramref name="lockstep"/>), then composed with
    /// the newest light map. Returns false, composing nothing, while the lane has no light map yet:
    /// with <paramref name="waitForFirst"/> it first waits for the network's first one.
    /// </summary>
    public bool Step(int frameIndex, bool lockstep, bool waitForFirst, CancellationToken cancellation)
    {
        if (lockstep || _network.IsIdle)
        {
            _slot.FrameIndex = frameIndex;
            _path.PreProcess(_slot);
            // A new model's first light map restarts the average rather than blending into the old model's.
            float weight = _restartAverage ? 1f : _slot.TemporalWeight;
            _restartAverage = false;
            _network.TryOffer(_slot, frameIndex, weight);
            if (lockstep) _network.WaitUntilIdle(cancellation);
        }
        if (!TakeNewest())
        {
            _slot.TemporalWeight = 0f;
            if (LightMapFrame is null)
            {
                if (!waitForFirst) return false;
                // Nothing to divide by yet: the very first light map is still being computed.
                _network.WaitUntilIdle(cancellation);
                if (!TakeNewest()) return false;
            }
        }
        _path.Compose(_slot);
        return true;
    }

    /// <summary>Composes the same frame again with no new light map (paused; the split may have moved).</summary>
    public void Hold()
    {
        _slot.TemporalWeight = 0f;
        _path.Compose(_slot);
    }

    /// <summary>
    /// Runs <paramref name="model"/> from now on; the temporal average restarts with its first light map.
    /// Call between frames while <see cref="IsIdle"/>, so nothing waits.
    /// </summary>
    public void Swap(LoadedModel model)
    {
        var network = new LatestFrameEnhancer(_device, model.Session.TensorsFor(Layout.NetworkWidth, Layout.NetworkHeight), Layout);
        _network.Dispose();
        _network = network;
        Model = model;
        _restartAverage = true;
    }

    private bool TakeNewest()
    {
        if (!_network.TryTakeNewest(_slot, out var finished)) return false;
        _slot.TemporalWeight = finished.TemporalWeight;
        LightMapFrame = finished.FrameIndex;
        NetworkMilliseconds = finished.Milliseconds;
        LightMaps++;
        return true;
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _network.Dispose();
        _path.Dispose();
    }
}
