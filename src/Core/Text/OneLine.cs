using System.Text;

namespace ClipLit.Core.Text;

/// <summary>
/// A value from outside (an option's text, an environment variable) as a one-line error message
/// shows it: newlines, quotes and other control characters escaped, and cut short, so a value of a
/// megabyte or with a line break in it still makes one short line.
/// Thread-safety: stateless.
/// </summary>
public static class OneLine
{
    /// <summary>How many characters of a value a message shows.</summary>
    public const int Longest = 40;

    /// <summary><paramref name="value"/> with \, " and control characters escaped (JSON's way), cut to <see cref="Longest"/> characters and "..." after.</summary>
    public static string Escaped(string value)
    {
        var shown = new StringBuilder();
        foreach (char c in value.Length <= Longest ? value : value[..Longest]) Append(shown, c, escapeQuotes: true);
        if (value.Length > Longest) shown.Append("...");
        return shown.ToString();
    }

    /// <summary>
    /// A file's path as an error line names it: whole, and as it is unless it holds control characters
    /// (a line break in a file name), which are escaped, so the message stays one line.
    /// </summary>
    public static string Path(string path)
    {
        if (!path.Any(char.IsControl)) return path;
        var shown = new StringBuilder();
        foreach (char c in path) Append(shown, c, escapeQuotes: false);
        return shown.ToString();
    }

    private static void Append(StringBuilder shown, char c, bool escapeQuotes)
    {
        switch (c)
        {
            case '\\' when escapeQuotes: shown.Append(@"\\"); break;
            case '"' when escapeQuotes: shown.Append("\\\""); break;
            case '\n': shown.Append(@"\n"); break;
            case '\r': shown.Append(@"\r"); break;
            case '\t': shown.Append(@"\t"); break;
            default:
                if (char.IsControl(c)) shown.Append(@"\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                else shown.Append(c);
                break;
        }
    }
}
