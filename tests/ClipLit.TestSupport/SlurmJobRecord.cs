using System.Globalization;
using System.Text.RegularExpressions;

namespace ClipLit.TestSupport;

/// <summary>
/// One line of <c>scontrol show job -o</c>: a job, or one task of an array job (or an array's
/// tasks still pending together, ArrayTaskId <c>3-5</c>).
/// </summary>
public sealed partial record SlurmJobRecord(IReadOnlyDictionary<string, string> Fields)
{
    // Slurm's states for a job that has left the queue (COMPLETING is shown until it has).
    private static readonly HashSet<string> FinalStates =
        ["COMPLETED", "CANCELLED", "FAILED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE", "OUT_OF_MEMORY"];

    public string JobId => Fields["JobId"];

    /// <summary>The array's job id, or null for a job that is not part of an array.</summary>
    public string? ArrayJobId => Fields.GetValueOrDefault("ArrayJobId");

    /// <summary>The task's index (<c>2</c>), tasks still pending together (<c>3-5</c>), or null outside an array.</summary>
    public string? ArrayTaskId => Fields.GetValueOrDefault("ArrayTaskId");

    /// <summary>PENDING, RUNNING, COMPLETING, COMPLETED, CANCELLED, FAILED, ...</summary>
    public string State => Fields["JobState"];

    /// <summary>Why it waits or ended (<c>None</c>, <c>Dependency</c>, <c>DependencyNeverSatisfied</c>, ...).</summary>
    public string Reason => Fields.GetValueOrDefault("Reason", "");

    /// <summary>Exit status and signal, <c>status:signal</c> (<c>0:0</c>).</summary>
    public string ExitCode => Fields.GetValueOrDefault("ExitCode", "");

    public DateTime? StartTime => Time("StartTime");

    public DateTime? EndTime => Time("EndTime");

    /// <summary>Whether it has left the queue for good.</summary>
    public bool IsFinished => FinalStates.Contains(State);

    /// <summary>Reads each non-empty line of <c>scontrol show job -o</c>'s output.</summary>
    /// <param name="output">What scontrol printed.</param>
    public static List<SlurmJobRecord> ParseAll(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Parse)];

    /// <summary>Reads one line: space-separated <c>Key=Value</c> pairs (the first of a repeated key wins).</summary>
    /// <param name="line">The line.</param>
    public static SlurmJobRecord Parse(string line)
    {
        var fields = new Dictionary<string, string>();
        foreach (Match pair in FieldPattern().Matches(line)) fields.TryAdd(pair.Groups[1].Value, pair.Groups[2].Value);
        if (!fields.ContainsKey("JobId") || !fields.ContainsKey("JobState")) throw new FormatException($"not a job record from scontrol: {line}");
        return new SlurmJobRecord(fields);
    }

    public override string ToString() =>
        $"{JobId}{(ArrayTaskId is null ? "" : $" (task {ArrayTaskId} of {ArrayJobId})")} {State} reason {Reason} exit {ExitCode}";

    // Slurm prints times as local ISO 8601 without a zone, "Unknown" or "None" when there is none.
    private DateTime? Time(string key) =>
        DateTime.TryParseExact(Fields.GetValueOrDefault(key), "yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time) ? time : null;

    [GeneratedRegex(@"(?:^|\s)([A-Za-z][A-Za-z0-9_:/]*)=(\S*)")]
    private static partial Regex FieldPattern();
}
