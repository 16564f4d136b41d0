using ClipLit.Engine.Models;

namespace ClipLit.Engine.Live;

/// <summary>
/// Hot reload for the live view: loads checkpoints in the background (each one completed in a
/// watched folder, or the running one again on request) and keeps the models it loaded until no
/// lane can need them. The loop asks for a ready model at a frame boundary, when its networks are
/// between frames, so swapping costs the picture nothing.
/// Thread-safety: the window thread; loading runs on the thread pool.
/// Ownership: owns the loader, the watcher and every model it loaded (disposed once no lane runs
/// them, or on Dispose); not the first model.
/// </summary>
public sealed class ModelSwapper : IDisposable
{
    private readonly BackgroundModelLoader _loader;
    private readonly ModelWatcher? _watcher;
    private readonly List<LoadedModel> _loaded = [];
    private LoadedModel? _pending;   // loaded, waiting for the networks to be between frames
    private bool _disposed;

    /// <param name="first">The running model: new ones are siblings of its session (same device, tensors where its are).</param>
    /// <param name="watchFolder">Swap in checkpoints completed here; null: swaps only on request.</param>
    /// <param name="networkSize">The network size the live view will run a model at (it changes with the quality and the kind of model).</param>
    public ModelSwapper(LoadedModel first, string? watchFolder, Func<LightMapModel, (int Width, int Height)> networkSize)
    {
        _loader = new BackgroundModelLoader(first.Session, networkSize);
        if (watchFolder is not null)
        {
            _watcher = new ModelWatcher(watchFolder, _loader);
            _watcher.Start();
        }
    }

    /// <summary>The model before the last swap (side by side without --compare shows it); null before the first swap.</summary>
    public LoadedModel? Previous { get; private set; }

    /// <summary>Models swapped in so far.</summary>
    public int Swaps { get; private set; }

    /// <summary>Loads <paramref name="path"/> again (R); false while another load runs.</summary>
    public bool Reload(string path) => _loader.Start(path);

    /// <summary>
    /// At a frame boundary: looks at the watched folder, reports files that did not load to
    /// <paramref name="note"/>, and returns a newly loaded model when <paramref name="lanesIdle"/>
    /// (else keeps it for a later frame). The caller runs it and then calls <see cref="Swapped"/>.
    /// </summary>
    public LoadedModel? TakeReady(bool lanesIdle, Action<string> note)
    {
        _watcher?.Poll();
        foreach (string message in _loader.TakeMessages()) note($"{message}; the running model stays");
        if (_loader.TakeLoaded() is { } loaded)
        {
            _pending?.Dispose();
            _pending = loaded;
        }
        if (_pending is null || !lanesIdle) return null;
        var ready = _pending;
        _pending = null;
        _loaded.Add(ready);
        return ready;
    }

    /// <summary>
    /// <paramref name="incoming"/> (from <see cref="TakeReady"/>) now runs instead of <paramref name="outgoing"/>;
    /// then frees the loaded models that <paramref name="inUse"/> says no lane needs (memory stays bounded over many swaps).
    /// </summary>
    public void Swapped(LoadedModel incoming, LoadedModel outgoing, Func<LoadedModel, bool> inUse)
    {
        Previous = outgoing;
        Swaps++;
        ReleaseUnused(model => model == incoming || model == Previous || inUse(model));
    }

    /// <summary><paramref name="model"/> (from <see cref="TakeReady"/>) did not start: it is freed.</summary>
    public void Failed(LoadedModel model)
    {
        _loaded.Remove(model);
        model.Dispose();
    }

    private void ReleaseUnused(Func<LoadedModel, bool> keep)
    {
        foreach (var loaded in _loaded.Where(loaded => !keep(loaded)).ToList())
        {
            loaded.Dispose();
            _loaded.Remove(loaded);
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _loader.Dispose();
        _pending?.Dispose();
        foreach (var loaded in _loaded) loaded.Dispose();
        _loaded.Clear();
    }
}
