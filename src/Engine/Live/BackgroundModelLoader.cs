using System.Collections.Concurrent;
using System.Diagnostics;
using ClipLit.Engine.Models;

namespace ClipLit.Engine.Live;

/// <summary>
/// A model the live view runs: its session (model, estimator, where its tensors live, why not
/// zero-copy when it was meant to be) and how long loading it took.
/// Thread-safety: immutable; the session follows its own rules (<see cref="EnhancerSession"/>).
/// Ownership: takes ownership of the session; <see cref="Dispose"/> frees it.
/// </summary>
public sealed record LoadedModel(EnhancerSession Session, TimeSpan LoadTime) : IDisposable
{
    public string Path => Session.Model.Source;

    public string Name => Session.Model.Name;

    public void Dispose() => Session.Dispose();
}

/// <summary>
/// Loads checkpoints (.onnx, or .pth converted on the fly) on a background task, one at a time,
/// as sibling sessions of the running model (same device, tensors where its tensors are), readied
/// for the live view's network size, so swapping the result in costs nothing. A file that does not
/// load becomes a message; nothing throws.
/// Thread-safety: Start and Take* from one thread (the live loop's); loading runs on the thread pool.
/// Ownership: owns a loaded model until it is taken; Dispose frees an untaken one.
/// </summary>
/// <param name="running">The session new models are siblings of (the first model's: it owns the device).</param>
/// <param name="networkSize">The network size the live view will run a model at (it changes with the quality and the kind of model).</param>
public sealed class BackgroundModelLoader(EnhancerSession running, Func<LightMapModel, (int Width, int Height)> networkSize) : IDisposable
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
        EnhancerSession? session = null;
        try
        {
            session = running.OpenSibling(ModelFile.Load(path));
            var size = networkSize(session.Model);
            session.TensorsFor(size.Width, size.Height);
            return new LoadedModel(session, watch.Elapsed);
        }
        catch (Exception e)
        {
            // Anything a half-written or foreign file can cause: report it, keep the running model.
            session?.Dispose();
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
