using System.Diagnostics;
using ClipLit.Engine.Gpu;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Engine;

/// <summary>A light map the network finished: which frame it came from, its weight in the temporal average, how long it took.</summary>
public readonly record struct FinishedLightMap(int FrameIndex, float TemporalWeight, double Milliseconds);

/// <summary>
/// Runs the network on its own thread, on the newest frame it is offered ("latest frame wins", as
/// a game engine schedules slow work): a frame offered while the network is busy is refused, so no
/// queue builds up, and the picture never waits for the network. Finished light maps are published
/// for the compose stage to pick up; only the newest is kept.
/// Its buffers come from the <see cref="IEnhancerTensors"/> (host-mapped, or device memory CUDA
/// imports) and frames move in and out of them by GPU copies, so on the CUDA path nothing crosses
/// the host here either; each copy takes the buffers shared with CUDA from the external queue
/// family and hands them back in its own submission (VkCommandRecorder.Copy). Two light-map
/// buffers alternate: the network writes one while the newest finished one waits in the other.
/// Thread-safety: one thread offers and takes; the network runs on the internal worker.
/// Ownership: owns the worker, its buffers and its copy commands; not the tensors. Dispose stops the worker.
/// </summary>
public sealed class LatestFrameEnhancer : IDisposable
{
    /// <summary>The network and where its tensors live.</summary>
    public IEnhancerTensors Tensors { get; }
    private readonly FrameLayout _layout;
    private readonly IVkStorageBuffer _input;
    private readonly IVkStorageBuffer[] _lightMaps = new IVkStorageBuffer[2];
    private readonly VkCommandRecorder _copies;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _work = new(0, 1);
    private readonly ManualResetEventSlim _idle = new(true);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _worker;
    private (int FrameIndex, float Weight) _job;
    private int _writing;
    private FinishedLightMap? _newest;
    private int _notBefore;
    private Exception? _failure;
    private bool _disposed;

    public LatestFrameEnhancer(VkComputeDevice device, IEnhancerTensors tensors, FrameLayout layout)
    {
        Tensors = tensors;
        _layout = layout;
        try
        {
            _input = tensors.Allocate(device, InputBytes, "network worker input");
            _lightMaps[0] = tensors.Allocate(device, LightMapBytes, "network worker light map 0");
            _lightMaps[1] = tensors.Allocate(device, LightMapBytes, "network worker light map 1");
            _copies = new VkCommandRecorder(device, "network worker copies");
            tensors.Prepare(layout.NetworkWidth, layout.NetworkHeight);
        }
        catch
        {
            DisposeBuffers();
            throw;
        }
        _worker = new Thread(Work) { Name = "ClipLit network", IsBackground = true };
        _worker.Start();
    }

    /// <summary>The network is free: an offered frame would be taken.</summary>
    public bool IsIdle => _idle.IsSet;

    private ulong InputBytes => (ulong)(3 * _layout.NetworkPixels) * sizeof(float);

    private ulong LightMapBytes => (ulong)_layout.NetworkPixels * sizeof(float);

    /// <summary>
    /// Hands <paramref name="slot"/>'s network input (pre-processed) to the network when it is free;
    /// returns false, taking nothing, when it is busy.
    /// </summary>
    /// <exception cref="InferenceException">The network failed on an earlier frame.</exception>
    public bool TryOffer(FrameSlot slot, int frameIndex, float temporalWeight)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfFailed();
        if (!_idle.IsSet) return false;
        _copies.CopyNow(slot.Network, _input, InputBytes);
        _job = (frameIndex, temporalWeight);
        _idle.Reset();
        _work.Release();
        return true;
    }

    /// <summary>Blocks until the network is free (lockstep runs: every frame gets its own light map).</summary>
    public void WaitUntilIdle(CancellationToken cancellation)
    {
        _idle.Wait(cancellation);
        ThrowIfFailed();
    }

    /// <summary>Light maps of frames before a scene cut that were dropped, never taken (<see cref="DropOlderThan"/>).</summary>
    public int Dropped { get; private set; }

    /// <summary>
    /// A scene cut at <paramref name="frameIndex"/>: light maps of earlier frames (finished, or still
    /// being computed) belong to the old scene and are never handed out.
    /// </summary>
    public void DropOlderThan(int frameIndex)
    {
        lock (_gate) _notBefore = Math.Max(_notBefore, frameIndex);
    }

    /// <summary>
    /// Copies the newest finished light map into <paramref name="slot"/>'s light map if one arrived
    /// since the last call (and it is not of a frame before the last <see cref="DropOlderThan"/>).
    /// </summary>
    public bool TryTakeNewest(FrameSlot slot, out FinishedLightMap finished)
    {
        ThrowIfFailed();
        lock (_gate)
        {
            if (_newest is { } stale && stale.FrameIndex < _notBefore)
            {
                _newest = null;
                Dropped++;
            }
            if (_newest is not { } newest)
            {
                finished = default;
                return false;
            }
            // The worker may be writing the other buffer meanwhile; it cannot publish (and then
            // write this one) before the lock is released, after the copy has finished.
            _copies.CopyNow(_lightMaps[1 - _writing], slot.LightMap, LightMapBytes);
            finished = newest;
            _newest = null;
            return true;
        }
    }

    private void Work()
    {
        var watch = new Stopwatch();
        try
        {
            while (true)
            {
                _work.Wait(_stop.Token);
                var (frameIndex, weight) = _job;
                watch.Restart();
                Tensors.Estimate(_input, _lightMaps[_writing], _layout.NetworkWidth, _layout.NetworkHeight, _stop.Token);
                lock (_gate)
                {
                    _writing = 1 - _writing;
                    // A newer light map replaces one nobody took yet, but a restart (cut) must not be lost.
                    float effective = _newest is { } skipped && skipped.TemporalWeight >= 1f ? 1f : weight;
                    _newest = new FinishedLightMap(frameIndex, effective, watch.Elapsed.TotalMilliseconds);
                }
                _idle.Set();
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
        catch (Exception e)
        {
            _failure = e;
            _idle.Set();
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
            throw failure as InferenceException ?? new InferenceException($"the network failed: {failure.Message}", failure);
    }

    private void DisposeBuffers()
    {
        _copies?.Dispose();
        _input?.Dispose();
        foreach (var lightMap in _lightMaps) lightMap?.Dispose();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Cancel();
        _worker.Join();
        _stop.Dispose();
        _work.Dispose();
        _idle.Dispose();
        DisposeBuffers();
    }
}
