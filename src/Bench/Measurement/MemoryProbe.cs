namespace ClipLit.Bench.Measurement;

/// <summary>
/// Peak resident memory of this process from /proc (Linux): VmHWM, which <see cref="ResetPeak"/>
/// resets by writing 5 to /proc/self/clear_refs, so each measurement sees only its own peak.
/// Thread-safety: stateless; the peak is the whole process's, so measurements that reset it must not overlap.
/// </summary>
public static class MemoryProbe
{
    public static bool Available => File.Exists("/proc/self/status");

    /// <summary>Resets the peak to the current resident size; false where the kernel does not allow it.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Peak resident memory in MiB since start or the last reset; NaN if unknown.</summary>
    public static double PeakMiB() => ReadKiB("/proc/self/status", "VmHWM:") / 1024.0;

    /// <summary>Resident memory in MiB now; NaN if unknown.</summary>
    public static double CurrentMiB() => ReadKiB("/proc/self/status", "VmRSS:") / 1024.0;

    /// <summary>Peak resident memory in MiB of another running process; NaN if unknown.</summary>
    public static double PeakMiB(int processId) => ReadKiB($"/proc/{processId}/status", "VmHWM:") / 1024.0;

    private static double ReadKiB(string path, string field)
    {
        try
        {
            foreach (string line in File.ReadLines(path))
                if (line.StartsWith(field, StringComparison.Ordinal))
                    return double.Parse(line[field.Length..].Trim().Split(' ')[0]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // The process ended or /proc is absent.
        }
        return double.NaN;
    }
}
