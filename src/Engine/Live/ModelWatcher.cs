using System.Diagnostics;

namespace ClipLit.Engine.Live;

/// <summary>
/// Watches a folder (a trainer's output) for newly completed checkpoints (.onnx, or .pth converted
/// on the fly) and hands each to the <see cref="BackgroundModelLoader"/>. A file counts as complete once
/// its size and time stop changing between two looks; hidden and temporary files (".name",
/// "*.tmp", "*.partial") are never taken, so a trainer that writes to a temporary name and renames
/// is picked up exactly once. A file that does not load is reported (by the loader) and skipped
/// until it changes; the running model stays.
/// Thread-safety: Poll from one thread (the live loop's). Ownership: none (the loader is the caller's).
/// </summary>
public sealed class ModelWatcher(string folder, BackgroundModelLoader loader)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly Dictionary<string, (long Length, DateTime Written)> _lastLook = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Length, DateTime Written)> _handled = new(StringComparer.Ordinal);
    private readonly Stopwatch _sincePoll = Stopwatch.StartNew();
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
        if (loader.IsLoading || _sincePoll.Elapsed < PollInterval) return;
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
        loader.Start(ready);
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
}
