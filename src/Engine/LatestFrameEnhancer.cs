using System.Diagnostics;
using ClipLit.Engine.Gpu;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;
using ClipLit.Renderer.Vulkan;

namespace ClipLit.Engine;

/// <summary>
/// A light map the network finished: which frame it came from, its weight in the temporal average, how long it took.
/// Thread-safety: immutable.
/// </summary>
public readonly record struct FinishedLightMap(int FrameIndex, float TemporalWeight, double Milliseconds);

/// <summary>
/// Runs the network on its own thread, on the newest frame it is offered ("latest frame wins", as
/// a game engine schedules slow work): a frame offered while the network is busy is refused, so no
/// queue builds up, and the picture never waits for the network. Finished light maps are published
/// for the compose stage to pick up; only the newest is kept.
/// Its buffers come from the <see cref="IEnhancerTensors"/> (host-mapped, or device memory CUDA
/// imports) and frames move in and out of them by GPU copies, so on the CUDA path nothing crosses
/// the host here either; each copy takes the buffers shared with CUDA from the external queue
/// family and hands them back (VkCommandRecorder.Copy). The copies go to the GPU either alone
/// (<see cref="TryOffer"/>, <see cref="TryTakeNewest"/>: submitted and waited for here) or inside
/// the caller's frame submission (<see cref="OfferInto"/>, <see cref="TakeNewestInto"/>: the caller
/// records them ahead of its compose passes and calls <see cref="Submitted()"/> once that submission
/// is done; the offered frame's network run starts then). Two light-map buffers alternate: the
/// network writes one while the newest finished one waits in the other; the worker starts writing
/// the buffer a recorded copy reads only with a new job, and a job starts only after the submission
/// that carried the copies has finished, so a copy never races the network.
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
    private bool _jobAwaitsSubmission;
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
        if (!OfferInto(slot, frameIndex, temporalWeight, out var copy)) return false;
        _copies.RunNow(copy);
        Submitted();
        return true;
    }

    /// <summary>
    /// Takes <paramref name="slot"/>'s frame when the network is free, its input copy recorded by the
    /// caller (<paramref name="copy"/>) into a submission of its own; the network starts on it at
    /// <see cref="Submitted()"/>. False, taking nothing, when busy.
    /// </summary>
    /// <exception cref="InferenceException">The network failed on an earlier frame.</exception>
    public bool OfferInto(FrameSlot slot, int frameIndex, float temporalWeight, out RecordCommands copy)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfFailed();
        copy = null!;
        if (!_idle.IsSet) return false;
        var network = slot.Network;
        copy = recorder => recorder.Copy(network, _input, InputBytes);
        _job = (frameIndex, temporalWeight);
        _idle.Reset();
        _jobAwaitsSubmission = true;
        return true;
    }

    /// <summary>
    /// As <see cref="Submitted()"/>, the offered frame's weight in the temporal average decided only
    /// now (the submission that carried its input copy also found whether it starts a new scene).
    /// </summary>
    public void Submitted(float offeredWeight)
    {
        if (_jobAwaitsSubmission) _job = (_job.FrameIndex, offeredWeight);
        Submitted();
    }

    /// <summary>
    /// A light map taken with <see cref="TakeNewestInto"/> turned out to be of a scene that has
    /// ended (the frame it was taken for starts a new one): it counts as dropped, not taken.
    /// </summary>
    public void Untake() => Dropped++;

    /// <summary>The submission holding the copies recorded from <see cref="OfferInto"/> and <see cref="TakeNewestInto"/> has finished: an offered frame's network run starts.</summary>
    public void Submitted()
    {
        if (!_jobAwaitsSubmission) return;
        _jobAwaitsSubmission = false;
        _work.Release();
    }

    /// <summary>Blocks until the network is free (lockstep runs: every frame gets its own light map).</summary>
    /// <exception cref="InvalidOperationException">An offered frame waits for its submission (<see cref="Submitted()"/>): waiting would never end.</exception>
    public void WaitUntilIdle(CancellationToken cancellation)
    {
        if (_jobAwaitsSubmission) throw new InvalidOperationException("the offered frame's copy was not submitted yet (call Submitted first)");
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
        if (!TakeNewestInto(slot, out finished, out var copy)) return false;
        _copies.RunNow(copy);
        return true;
    }

    /// <summary>
    /// As <see cref="TryTakeNewest"/>, with the copy into the slot recorded by the caller
    /// (<paramref name="copy"/>) into the submission that composes the slot. The buffer it reads is
    /// not written again before a new job starts, which <see cref="Submitted()"/> allows only after that submission.
    /// </summary>
    public bool TakeNewestInto(FrameSlot slot, out FinishedLightMap finished, out RecordCommands copy)
    {
        ThrowIfFailed();
        copy = null!;
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
            // The worker may be writing the other buffer meanwhile; it writes this one only with a
            // job started later by this thread (Submitted, TryOffer), after the copy is done: no lock while copying.
            var newestBuffer = _lightMaps[1 - _writing];
            var lightMap = slot.LightMap;
            copy = recorder => recorder.Copy(newestBuffer, lightMap, LightMapBytes);
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
                    float effective = _newest is { } skipped ? LightMapHistory.Replacing(skipped.TemporalWeight, weight) : weight;
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
