using System.Collections.Concurrent;
using System.Diagnostics;
using ClipLit.Engine.Gpu;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;

namespace ClipLit.Cli.Live;

/// <summary>
/// A model ready to run: its file, its estimator (graphs already built), the tensors the live view
/// runs it on (host-mapped over the estimator, or CUDA-imported), how long loading took, and why its
/// tensors are not zero-copy on CUDA when they were meant to be.
/// Ownership: <see cref="Dispose"/> frees the estimator and the tensors, for models the live loop
/// loaded itself (the command disposes the ones it opened).
/// </summary>
public sealed record LoadedModel(string Path, LightMapEstimator Estimator, IEnhancerTensors Tensors, TimeSpan LoadTime, string? TensorsNotice = null) : IDisposable
{
    public string Name => System.IO.Path.GetFileName(Path);

    public void Dispose()
    {
        Tensors.Dispose();
        Estimator.Dispose();
    }
}

/// <summary>
/// Loads checkpoints (.onnx, or .pth converted on the fly) on a background task, one at a time:
/// weights, ONNX Runtime session and graphs for the live view's network size, so swapping the
/// result in costs nothing. A file that does not load becomes a message; nothing throws.
/// Thread-safety: Start and Take* from one thread (the live loop's); loading runs on the thread pool.
/// Ownership: owns a loaded model until it is taken; Dispose frees an untaken one.
/// </summary>
/// <param name="options">The estimators' settings.</param>
/// <param name="openTensors">The tensors a new model runs on at a network size (what the running model's run on, where that works).</param>
/// <param name="networkSize">The live view's network size when a load starts (it changes with the quality).</param>
public sealed class BackgroundModelLoader(EnhancerOptions options,
    Func<EnhancementWeights, LightMapEstimator, (int Width, int Height), EnhancerTensorsChoice> openTensors,
    Func<(int Width, int Height)> networkSize) : IDisposable
{
    private readonly ConcurrentQueue<string> _messages = new();
    private Task<LoadedModel?>? _loading;

    public bool IsLoading => _loading is not null;

    /// <summary>Starts loading <paramref name="path"/>; false (nothing started) while another load runs.</summary>
    public bool Start(string path)
    {
        if (_loading is not null) return false;
        _loading = Task.Run(() => Load(path));
        return true;
    }

    /// <summary>Messages for the user (files that did not load), oldest first, each returned once.</summary>
    public IEnumerable<string> TakeMessages()
    {
        while (_messages.TryDequeue(out string? message)) yield return message;
    }

    /// <summary>A model that finished loading since the last call, or null.</summary>
    public LoadedModel? TakeLoaded()
    {
        if (_loading is not { IsCompleted: true } loading) return null;
        _loading = null;
        return loading.Result;
    }

    private LoadedModel? Load(string path)
    {
        var watch = Stopwatch.StartNew();
        LightMapEstimator? estimator = null;
        IEnhancerTensors? tensors = null;
        try
        {
            var weights = ModelLoader.Load(path);
            estimator = new LightMapEstimator(weights, options);
            var size = networkSize();
            var choice = openTensors(weights, estimator, size);
            tensors = choice.Tensors;
            tensors.Prepare(size.Width, size.Height);
            return new LoadedModel(path, estimator, tensors, watch.Elapsed, choice.FallbackReason);
        }
        catch (Exception e)
        {
            // Anything a half-written or foreign file can cause: report it, keep the running model.
            tensors?.Dispose();
            estimator?.Dispose();
            _messages.Enqueue("ignored " + (e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}"));
            return null;
        }
    }

    public void Dispose()
    {
        if (_loading is null) return;
        try
        {
            _loading.Wait();
            _loading.Result?.Dispose();
        }
        catch (AggregateException)
        {
            // Load reports its own failures; nothing else to free.
        }
        _loading = null;
    }
}
