using System.Collections.Concurrent;
using System.Diagnostics;
using ClipLit.Inference.Model;
using ClipLit.Inference.Runtime;

namespace ClipLit.Cli.Live;

/// <summary>A model loaded in the background, ready to swap in: its file, its estimator (graphs already built) and how long loading took.</summary>
public sealed record LoadedModel(string Path, LightMapEstimator Estimator, TimeSpan LoadTime);

/// <summary>
/// Watches a folder (a trainer's output) for newly completed checkpoints (.onnx, or .pth converted
/// on the fly) and loads each on a background task: weights, ONNX Runtime session and graphs for
/// the live view's network size, so the swap itself costs nothing. A file counts as complete once
/// its size and time stop changing between two looks; hidden and temporary files (".name",
/// "*.tmp", "*.partial") are never taken, so a trainer that writes to a temporary name and renames
/// is picked up exactly once. A file that does not load is reported and skipped until it changes;
/// the running model stays.
/// Thread-safety: Poll and TakeLoaded from one thread (the live loop's); loading runs on the thread pool.
/// Ownership: owns models it loaded until they are taken; Dispose frees untaken ones.
/// </summary>
public sealed class ModelWatcher(string folder, EnhancerOptions options, int networkHeight, int networkWidth) : IDisposable
{
    private readonly ConcurrentQueue<string> _messages = new();
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly Dictionary<string, (long Length, DateTime Written)> _lastLook = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Length, DateTime Written)> _handled = new(StringComparer.Ordinal);
    private readonly Stopwatch _sincePoll = Stopwatch.StartNew();
    private Task<LoadedModel?>? _loading;
    private bool _started;

    /// <summary>Files present when watching starts are the past; only files written afterwards are loaded.</summary>
    public void Start()
    {
        foreach (var (path, state) in Look()) _handled[path] = state;
        _started = true;
    }

    /// <summary>Looks at the folder (at most every 250 ms) and starts loading a newly completed checkpoint when none is loading.</summary>
    public void Poll()
    {
        if (!_started) Start();
        if (_loading is not null || _sincePoll.Elapsed < PollInterval) return;
        _sincePoll.Restart();
        var now = Look();
        string? ready = null;
        foreach (var (path, state) in now.OrderBy(f => f.Value.Written))
        {
            bool stable = _lastLook.TryGetValue(path, out var before) && before == state;
            bool handled = _handled.TryGetValue(path, out var done) && done == state;
            if (stable && !handled) ready = path; // the newest stable one wins
        }
        _lastLook.Clear();
        foreach (var (path, state) in now) _lastLook[path] = state;
        if (ready is null) return;
        _handled[ready] = now[ready];
        _loading = Task.Run(() => Load(ready));
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
        try
        {
            var weights = ModelLoader.Load(path);
            estimator = new LightMapEstimator(weights, options);
            estimator.Preload(estimator.Plan(networkHeight, networkWidth));
            return new LoadedModel(path, estimator, watch.Elapsed);
        }
        catch (Exception e)
        {
            // Anything a half-written or foreign file can cause: report it, keep the running model.
            estimator?.Dispose();
            _messages.Enqueue("ignored " + (e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message : $"{path}: {e.Message}"));
            return null;
        }
    }

    private Dictionary<string, (long Length, DateTime Written)> Look()
    {
        var files = new Dictionary<string, (long Length, DateTime Written)>(StringComparer.Ordinal);
        if (!Directory.Exists(folder)) return files;
        foreach (var file in new DirectoryInfo(folder).EnumerateFiles())
        {
            string name = file.Name;
            if (name.StartsWith('.') || name.EndsWith(".tmp", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".partial", StringComparison.OrdinalIgnoreCase)) continue;
            if (!name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) && !name.EndsWith(".pth", StringComparison.OrdinalIgnoreCase)) continue;
            files[file.FullName] = (file.Length, file.LastWriteTimeUtc);
        }
        return files;
    }

    public void Dispose()
    {
        if (_loading is null) return;
        try
        {
            _loading.Wait();
            _loading.Result?.Estimator.Dispose();
        }
        catch (AggregateException)
        {
            // Load reports its own failures; nothing else to free.
        }
    }
}
