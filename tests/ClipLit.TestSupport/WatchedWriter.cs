namespace ClipLit.TestSupport;

/// <summary>
/// A text writer that tests can wait on: <see cref="WhenWritten"/> completes once the text written so
/// far contains a given string (a log line saying the watcher started, a note, a swap), so a test
/// acts on what the program says it did rather than after a guessed delay.
/// Thread-safety: writes from any thread (each is locked); waiters from any thread.
/// </summary>
public sealed class WatchedWriter : StringWriter
{
    private readonly Lock _gate = new();
    private readonly List<(string Text, TaskCompletionSource Written)> _waiters = [];

    /// <summary>Completes once <paramref name="text"/> has been written (at once if it was already).</summary>
    public Task WhenWritten(string text)
    {
        lock (_gate)
        {
            var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (base.ToString().Contains(text, StringComparison.Ordinal)) written.SetResult();
            else _waiters.Add((text, written));
            return written.Task;
        }
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            base.Write(value);
            Release();
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            base.Write(value);
            Release();
        }
    }

    public override void Write(char[] buffer, int index, int count)
    {
        lock (_gate)
        {
            base.Write(buffer, index, count);
            Release();
        }
    }

    public override string ToString()
    {
        lock (_gate) return base.ToString();
    }

    private void Release()
    {
        if (_waiters.Count == 0) return;
        string written = base.ToString();
        foreach (var waiter in _waiters.Where(w => written.Contains(w.Text, StringComparison.Ordinal)).ToList())
        {
            waiter.Written.SetResult();
            _waiters.Remove(waiter);
        }
    }
}
