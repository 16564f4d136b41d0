using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace ClipLit.Core.Files;

/// <summary>
/// One process of this host, as a temporary's name records its writer for people reading a folder:
/// its id and its start time in clock ticks since boot (field 22 of <c>/proc/PID/stat</c> on Linux;
/// 0 where there is no <c>/proc</c>). It decides nothing: an id means something only in its own PID
/// namespace, so whether a writer still runs is told by its lock (<see cref="TemporaryFile"/>).
/// Thread-safety: immutable.
/// </summary>
/// <param name="Id">The process id.</param>
/// <param name="StartTicks">When it started, in clock ticks since boot; 0 where unknown.</param>
public readonly record struct ProcessIdentity(int Id, long StartTicks)
{
    private const int StartTimeField = 22;

    /// <summary>This process.</summary>
    public static ProcessIdentity Current { get; } = Find(Environment.ProcessId) ?? new ProcessIdentity(Environment.ProcessId, 0);

    /// <summary>The process running under <paramref name="id"/> in this PID namespace now, or null when none does (an ended process not yet reaped counts as ended).</summary>
    public static ProcessIdentity? Find(int id)
    {
        if (id <= 0) return null;
        if (!Directory.Exists("/proc/self")) return ExistsWithoutProc(id) ? new ProcessIdentity(id, 0) : null;
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{id}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // no such process (or it ended while being read)
        }
        // "PID (COMMAND) STATE PPID ...": the command may hold spaces and parentheses, so fields count from the last ')'.
        int end = stat.LastIndexOf(')');
        if (end < 0) return null;
        string[] fields = stat[(end + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        const int firstField = 3; // fields[0] is field 3, the state
        if (fields.Length <= StartTimeField - firstField) return null;
        if (fields[0] is "Z" or "X") return null; // a zombie: it ended, its parent has not reaped it yet
        return long.TryParse(fields[StartTimeField - firstField], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks)
            ? new ProcessIdentity(id, ticks)
            : null;
    }

    private static bool ExistsWithoutProc(int id)
    {
        try
        {
            using var process = Process.GetProcessById(id);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false; // no process with that id
        }
        catch (Win32Exception)
        {
            return true; // it exists, but may not be looked into (another user's)
        }
    }
}
