using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ClipLit.Core.Processes;

/// <summary>
/// The CPU time this process and its children have used (user + system, every thread): what a live
/// filter costs the machine, its decoder and encoder processes (ffmpeg) included. Children still
/// running are read from /proc (their stat lines); children that ended and were reaped from
/// getrusage(RUSAGE_CHILDREN). On systems without /proc only this process counts.
/// Thread-safety: stateless; any thread (each call reads the system anew).
/// </summary>
public static partial class ProcessTreeCpu
{
    private const int RusageChildren = -1;
    private const int ClockTicksName = 2; // _SC_CLK_TCK

    private static readonly Lazy<double> TicksPerSecond = new(() =>
    {
        long ticks = OperatingSystem.IsLinux() ? sysconf(ClockTicksName) : -1;
        return ticks > 0 ? ticks : 100;
    });

    /// <summary>CPU time used so far by this process and its descendants (running or reaped).</summary>
    public static TimeSpan Used()
    {
        using var self = Process.GetCurrentProcess();
        var used = self.TotalProcessorTime;
        if (!OperatingSystem.IsLinux()) return used;
        if (getrusage(RusageChildren, out var children) == 0)
            used += TimeSpan.FromMicroseconds(children.UserSeconds * 1e6 + children.UserMicroseconds + children.SystemSeconds * 1e6 + children.SystemMicroseconds);
        return used + TimeSpan.FromSeconds(RunningDescendantTicks(Environment.ProcessId) / TicksPerSecond.Value);
    }

    /// <summary>utime + stime (clock ticks) of every process below <paramref name="root"/> still running.</summary>
    private static long RunningDescendantTicks(int root)
    {
        var parents = new Dictionary<int, (int Parent, long Ticks)>();
        try
        {
            foreach (string folder in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(folder), out int pid) || pid == root) continue;
                if (ReadStat(folder) is { } stat) parents[pid] = stat;
            }
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
        long total = 0;
        foreach (var (pid, (_, ticks)) in parents)
            if (Descends(pid, root, parents)) total += ticks;
        return total;
    }

    private static bool Descends(int pid, int root, Dictionary<int, (int Parent, long Ticks)> parents)
    {
        for (int step = 0; step < 64 && parents.TryGetValue(pid, out var entry); step++)
        {
            if (entry.Parent == root) return true;
            pid = entry.Parent;
        }
        return false;
    }

    /// <summary>The parent and utime + stime of /proc/PID/stat; null when the process ended meanwhile or the line is not understood.</summary>
    private static (int Parent, long Ticks)? ReadStat(string folder)
    {
        string line;
        try
        {
            line = File.ReadAllText(Path.Combine(folder, "stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // pid (comm) state ppid ... utime(14) stime(15): comm may hold spaces and parentheses, so split after the last ')'.
        int close = line.LastIndexOf(')');
        if (close < 0) return null;
        var fields = line[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 13 || !int.TryParse(fields[1], out int parent) || !long.TryParse(fields[11], out long user) || !long.TryParse(fields[12], out long system))
            return null;
        return (parent, user + system);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceUsage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        // The rest of struct rusage: fourteen longs nobody here reads.
        public long R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11, R12, R13;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getrusage(int who, out ResourceUsage usage);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long sysconf(int name);
}
