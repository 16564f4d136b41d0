using System.Diagnostics;

namespace ClipLit.TestSupport;

/// <summary>
/// A daemon a test fixture runs in the foreground as its own child (munged -F, slurmctld -D): its
/// output is kept as a short tail for error messages, and Dispose kills it if it still runs.
/// </summary>
public sealed class DaemonProcess : IDisposable
{
    private const int KeptLines = 60;
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private bool _disposed;

    private DaemonProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    /// <summary>What it is called in messages.</summary>
    public string Name { get; }

    /// <summary>Its process id (kept after it exits).</summary>
    public int Id { get; private set; }

    public bool HasExited => _disposed || _process.HasExited;

    /// <summary>Starts it with its output captured (the caller's settings for everything else).</summary>
    /// <param name="name">What it is called in messages.</param>
    /// <param name="start">The program, its arguments and environment.</param>
    public static DaemonProcess Start(string name, ProcessStartInfo start)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        // Its own empty stdin: a daemon must never read the test runner's.
        start.RedirectStandardInput = true;
        var process = new Process { StartInfo = start };
        var daemon = new DaemonProcess(name, process);
        process.OutputDataReceived += (_, line) => daemon.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => daemon.Keep(line.Data);
        process.Start();
        daemon.Id = process.Id;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return daemon;
    }

    /// <returns>Whether it exited within <paramref name="timeout"/>.</returns>
    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    /// <summary>Its state and the last lines it printed, for an error message.</summary>
    /// <param name="lines">How many of the last lines.</param>
    public string Report(int lines = 25)
    {
        string state = _disposed ? "stopped" : _process.HasExited ? $"exited with status {_process.ExitCode}" : $"running as pid {Id}";
        lock (_tail) return $"--- {Name} ({state}), its last lines:\n{string.Join('\n', _tail.TakeLast(lines))}";
    }

    /// <summary>Kills it (and its children) if it still runs and waits for it; safe to call twice.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(ExitWait);
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > KeptLines) _tail.Dequeue();
        }
    }
}
