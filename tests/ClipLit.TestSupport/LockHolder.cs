using System.Diagnostics;

namespace ClipLit.TestSupport;

/// <summary>
/// Another process holding an advisory lock on a file, as a writer does for its whole life:
/// util-linux's <c>flock --no-fork FILE sleep 600</c> (the process that locks is the one that sleeps),
/// optionally in a PID namespace of its own (<c>unshare --pid --fork --mount-proc</c>, as a second
/// container on this host). Dispose kills it and returns once the lock is free.
/// </summary>
public sealed class LockHolder : IDisposable
{
    private readonly Process _process;
    private readonly string _file;

    private LockHolder(Process process, string file)
    {
        _process = process;
        _file = file;
    }

    /// <summary>Starts the holder and waits until the lock is held (a second <c>flock -n</c> fails).</summary>
    public static LockHolder Start(string file, bool ownPidNamespace = false)
    {
        string[] command = ownPidNamespace
            ? ["unshare", "--pid", "--fork", "--mount-proc", "flock", "--no-fork", file, "sleep", "600"]
            : ["flock", "--no-fork", file, "sleep", "600"];
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (string argument in command.Skip(1)) start.ArgumentList.Add(argument);
        var holder = new LockHolder(Process.Start(start)!, file);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!IsLocked(file))
        {
            if (holder._process.HasExited || DateTime.UtcNow > deadline)
            {
                holder.Dispose();
                throw new InvalidOperationException($"{string.Join(' ', command)} did not take the lock");
            }
            Thread.Sleep(20);
        }
        return holder;
    }

    /// <summary>Whether some process holds a lock on <paramref name="file"/> (util-linux's flock -n fails on it).</summary>
    public static bool IsLocked(string file)
    {
        var start = new ProcessStartInfo("flock") { UseShellExecute = false };
        foreach (string argument in new[] { "-n", "-E", "75", file, "true" }) start.ArgumentList.Add(argument);
        using var probe = Process.Start(start)!;
        probe.WaitForExit();
        return probe.ExitCode == 75;
    }

    /// <summary>Kills the holder (its lock goes with it, as a killed writer's does) and waits until the lock is free.</summary>
    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        // A process of the tree may outlive the one waited for by a moment: the lock is the signal.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (IsLocked(_file) && DateTime.UtcNow < deadline) Thread.Sleep(20);
    }
}
