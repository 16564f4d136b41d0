using System.Diagnostics;
using ClipLit.Inference.Runtime;
using ClipLit.Renderer;

namespace ClipLit.Engine;

/// <summary>A light map the network finished: which frame it came from, its weight in the temporal average, how long it took.</summary>
public readonly record struct FinishedLightMap(int FrameIndex, float TemporalWeight, double Milliseconds);

/// <summary>
/// Runs the network on its own thread, on the newest frame it is offered ("latest frame wins", as
/// a game engine schedules slow work): a frame offered while the network is busy is refused, so no
/// queue builds up, and the picture never waits for the network. Finished light maps are published
/// for the compose stage to pick up; only the newest is kept.
/// Thread-safety: one thread offers and takes; the network runs on the internal worker.
/// Ownership: owns the worker and its buffers; not the estimator. Dispose stops the worker.
/// </summary>
public sealed class LatestFrameEnhancer : IDisposable
{
    private readonly LightMapEstimator _estimator;
    private readonly FrameLayout _layout;
    private readonly ExecutionPlan _plan;
    private readonly float[] _input;
    private readonly float[] _output;
    private readonly float[] _published;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _work = new(0, 1);
    private readonly ManualResetEventSlim _idle = new(true);
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _worker;
    private (int FrameIndex, float Weight) _job;
    private FinishedLightMap? _newest;
    private Exception? _failure;
    private bool _disposed;

    public LatestFrameEnhancer(LightMapEstimator estimator, FrameLayout layout)
    {
        _estimator = estimator;
        _layout = layout;
        _plan = estimator.Plan(layout.NetworkHeight, layout.NetworkWidth);
        estimator.Preload(_plan);
        _input = new float[3 * layout.NetworkPixels];
        _output = new float[layout.NetworkPixels];
        _published = new float[layout.NetworkPixels];
        _worker = new Thread(Work) { Name = "ClipLit network", IsBackground = true };
        _worker.Start();
    }

    /// <summary>The network is free: an offered frame would be taken.</summary>
    public bool IsIdle => _idle.IsSet;

    /// <summary>
    /// Hands the frame's network input (planar RGB at the network's size) to the network when it is
    /// free; returns false, taking nothing, when it is busy.
    /// </summary>
    /// <exception cref="InferenceException">The network failed on an earlier frame.</exception>
    public bool TryOffer(ReadOnlySpan<float> networkInput, int frameIndex, float temporalWeight)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfFailed();
        if (!_idle.IsSet) return false;
        networkInput[.._input.Length].CopyTo(_input);
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

    /// <summary>Copies the newest finished light map into <paramref name="lightMap"/> if one arrived since the last call.</summary>
    public bool TryTakeNewest(Span<float> lightMap, out FinishedLightMap finished)
    {
        ThrowIfFailed();
        lock (_gate)
        {
            if (_newest is not { } newest)
            {
                finished = default;
                return false;
            }
            _published.CopyTo(lightMap);
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
                _estimator.Estimate(_input, _layout.NetworkHeight, _layout.NetworkWidth, _output, _plan, _stop.Token);
                lock (_gate)
                {
                    _output.CopyTo(_published, 0);
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

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _stop.Cancel();
        _worker.Join();
        _stop.Dispose();
        _work.Dispose();
        _idle.Dispose();
    }
}
