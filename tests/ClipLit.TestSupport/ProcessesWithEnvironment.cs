using System.Diagnostics;
using System.Text;

namespace ClipLit.TestSupport;

/// <summary>
/// Finds and ends the processes whose environment holds a variable with a given value (Linux,
/// /proc): a fixture's mark on everything it started, children of its children included.
/// </summary>
public static class ProcessesWithEnvironment
{
    private static readonly TimeSpan ExitWait = TimeSpan.FromSeconds(10);

    /// <returns>The ids of the live processes (this one excepted) whose environment has <paramref name="name"/>=<paramref name="value"/>.</returns>
    /// <param name="name">The variable.</param>
    /// <param name="value">Its exact value.</param>
    public static List<int> Find(string name, string value)
    {
        string entry = $"{name}={value}";
        var found = new List<int>();
        foreach (string folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out int id) || id == Environment.ProcessId) continue;
            try
            {
                // A zombie's environment reads empty, so only live processes match.
                string environment = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(folder, "environ")));
                if (environment.Split('\0').Contains(entry)) found.Add(id);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }
        return found;
    }

    /// <summary>Kills every such process and waits for them to go.</summary>
    /// <param name="name">The variable.</param>
    /// <param name="value">Its exact value.</param>
    /// <returns>The ids it killed.</returns>
    public static List<int> Kill(string name, string value)
    {
        var killed = Find(name, value);
        foreach (int id in killed)
        {
            try
            {
                using var process = Process.GetProcessById(id);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // Exited meanwhile.
            }
        }
        var deadline = Stopwatch.StartNew();
        while (Find(name, value).Count > 0 && deadline.Elapsed < ExitWait) Thread.Sleep(50);
        return killed;
    }
}
