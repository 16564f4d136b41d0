namespace ClipLit.Bench.Reports;

/// <summary>
/// A picture a report links, written into the images folder beside the report.
/// Thread-safety: immutable.
/// </summary>
/// <param name="FileName">Its file name in that folder (the report links images/FILE).</param>
/// <param name="Png">The PNG file's bytes.</param>
public sealed record ReportImage(string FileName, byte[] Png);

/// <summary>
/// One benchmark's report, ready to publish: its section of docs/benchmarks.md and the pictures it
/// links. Report writers make it from a benchmark's result; <see cref="ReportFile"/> publishes it.
/// Thread-safety: immutable.
/// </summary>
/// <param name="Name">The section's name in the report file ("photos", "video", ...).</param>
/// <param name="Markdown">The section's text.</param>
/// <param name="Images">The pictures it links; none for most.</param>
public sealed record ReportSection(string Name, string Markdown, IReadOnlyList<ReportImage> Images)
{
    public ReportSection(string name, string markdown) : this(name, markdown, [])
    {
    }
}
