using System.Diagnostics;

namespace ClipLit.Core.Tests;

/// <summary>
/// Another process holding an advisory lock on a file, as a writer does for its whole life:
/// util-linux's <c>flock FILE sleep 600</c>, optionally in a PID namespace of its own
/// (<c>unshare --pid --fork --mount-proc</c>, as a second container on this host). Killed on Dispose.
/// </summary>
public sealed class LockHolder : IDisposable
{
    private readonly Process _process;

    private LockHolder(Process process) => _process = process;

    /// <summary>Starts the holder and waits until the lock is held (a second <c>flock -n</c> fails).</summary>
    public static LockHolder Start(string file, bool ownPidNamespace = false)
    {
        string[] command = ownPidNamespace
            ? ["unshare", "--pid", "--fork", "--mount-proc", "flock", file, "sleep", "600"]
            : ["flock", file, "sleep", "600"];
        var start = new ProcessStartInfo(command[0]) { UseShellExecute = false };
        foreach (string argument in command.Skip(1)) start.ArgumentList.Add(argument);
        var holder = new LockHolder(Process.Start(start)!);
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

    /// <summary>Kills the holder (its lock goes with it, as a killed writer's does).</summary>
    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }
}
