using System.Diagnostics;
using ClipLit.Renderer;

namespace ClipLit.Engine.Live;

/// <summary>
/// Progressive refinement at scene cuts for a lane whose network is slow (full quality): the cheap
/// estimator (the student, else the teacher on the fast quality's small copy) runs synchronously on
/// the cut frame, so the first frame of the new scene is divided by a light map of its own scene,
/// and the frames after it reuse that map until the lane's own network delivers one of the new scene.
/// Thread-safety: the window thread. Ownership: owns its frame path (one slot); not the model,
/// whose session may be shared with other lanes (its tensors serialize the runs).
/// </summary>
public sealed class CutRefiner : IDisposable
{
    private readonly FramePath _path;
    private readonly FrameSlot _slot;
    private bool _disposed;

    /// <param name="layout">The cheap estimator's layout for the lane's frames (downscaled).</param>
    /// <param name="model">The cheap estimator.</param>
    public CutRefiner(FrameLayout layout, LoadedModel model)
    {
        var tensors = model.Session.TensorsFor(layout.NetworkWidth, layout.NetworkHeight);
        // One frame at a time, each standing alone: the light map shown is the cut frame's own.
        _path = new FramePath(model.Session.Device, tensors, layout, slotCount: 1, TemporalOptions.Off);
        _slot = _path.Slots[0];
        Model = model;
    }

    public LoadedModel Model { get; }

    /// <summary>How long the last <see cref="EstimateMap"/> took (pre-process and network): the heads-up display's figure where it runs on every frame.</summary>
    public double MapMilliseconds { get; private set; }

    public FrameLayout Layout => _path.Layout;

    /// <summary>The frame composed by <see cref="Estimate"/> or <see cref="Hold"/>.</summary>
    public ReadOnlyMemory<byte> Output => _slot.OutputBytes;

    /// <summary>Split view, as the lane's.</summary>
    public int SplitColumn
    {
        set => _path.Renderer.SplitColumn = value;
    }

    /// <summary>The denoise's amount, as the lane's.</summary>
    public float Denoise
    {
        set => _path.Renderer.Denoise = value;
    }

    /// <summary>The correction's strength, as the lane's.</summary>
    public float Strength
    {
        set => _path.Renderer.Strength = value;
    }

    /// <summary>The cut frame's own light map, computed now (the caller waits for it), and the frame composed with it.</summary>
    public void Estimate(ReadOnlySpan<byte> frame, int frameIndex, CancellationToken cancellation)
    {
        EstimateMap(frame, frameIndex, cancellation);
        ComposeEstimated();
    }

    /// <summary>
    /// The frame's own light map, computed now (the caller waits for it), not yet composed: a slow
    /// lane's <see cref="FreshLightMap"/> reads it (<see cref="LightMap"/>) on every frame.
    /// </summary>
    public void EstimateMap(ReadOnlySpan<byte> frame, int frameIndex, CancellationToken cancellation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long start = Stopwatch.GetTimestamp();
        frame.CopyTo(_slot.InputBytes.Span);
        _slot.FrameIndex = frameIndex;
        _path.PreProcess(_slot);
        _path.Estimate(_slot, cancellation);
        MapMilliseconds = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>The frame of the last <see cref="EstimateMap"/> composed with its own light map.</summary>
    public void ComposeEstimated()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        LightMapHistory.Hand(_slot, LightMapHistory.Restart);
        _path.Compose(_slot);
    }

    /// <summary>The light map of the last <see cref="EstimateMap"/>, at <see cref="Layout"/>'s network size, where it lives in host memory.</summary>
    /// <exception cref="InvalidOperationException">The tensors live in device memory (the CUDA path).</exception>
    public ReadOnlySpan<float> LightMap => _slot.NetworkLightMap.Span;

    /// <summary>Whether <see cref="LightMap"/> can be read on the host (the estimator's tensors are host memory).</summary>
    public bool MapOnHost => _path.Tensors.Residence != Gpu.EnhancerResidence.CudaImported;

    /// <summary>A later frame of the same scene (or the same frame again, paused) composed with the cut frame's light map.</summary>
    /// <param name="frame">The frame.</param>
    /// <param name="frameIndex">Its index: the denoise's history serves the next frame, or the same one again.</param>
    public void Hold(ReadOnlySpan<byte> frame, int frameIndex)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        frame.CopyTo(_slot.InputBytes.Span);
        _slot.FrameIndex = frameIndex;
        LightMapHistory.Hold(_slot);
        _path.Compose(_slot);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _path.Dispose();
    }
}
