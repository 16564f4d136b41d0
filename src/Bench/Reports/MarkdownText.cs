using System.Text;

namespace ClipLit.Bench.Reports;

/// <summary>
/// The markdown every report writes the same way: a table's header row with its separator, and a
/// heading with the blank line after it.
/// Thread-safety: stateless (the builder is the caller's).
/// </summary>
public static class MarkdownText
{
    /// <summary>Appends "| a | b |" and "|---|---|" for the <paramref name="columns"/> given.</summary>
    public static StringBuilder TableHeader(this StringBuilder md, params string[] columns)
    {
        md.Append('|');
        foreach (string column in columns) md.Append(' ').Append(column).Append(" |");
        md.AppendLine();
        md.Append('|');
        foreach (string _ in columns) md.Append("---|");
        return md.AppendLine();
    }

    /// <summary>Appends a heading line (its hashes included) and a blank line.</summary>
    public static StringBuilder Heading(this StringBuilder md, string heading) => md.AppendLine(heading).AppendLine();
}
