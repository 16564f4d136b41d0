using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ClipLit.Core.Files;

/// <summary>
/// The name of a hidden temporary file (<see cref="TemporaryFile"/>) written before it is renamed to
/// its final name: <c>.{final}.{host}.{pid}.{start}.{unique}.partial</c>. The host and the process
/// (id and start ticks, <see cref="ProcessIdentity"/>) say who wrote it, for people reading a folder;
/// whether its writer still runs is told by its lock, not by these (a process id means something only
/// in its own PID namespace). The host also keeps <see cref="StaleTemporaries"/> to this host's files.
/// Thread-safety: immutable.
/// </summary>
/// <param name="FinalName">The file name it is renamed to when complete.</param>
/// <param name="Host">The writing host, in <see cref="HostToken"/>'s form.</param>
/// <param name="Writer">The writing process.</param>
/// <param name="Unique">32 lower-case hex digits that keep a process's writes to one name apart.</param>
public sealed partial record TemporaryName(string FinalName, string Host, ProcessIdentity Writer, string Unique)
{
    private const int MaxHostLength = 63;

    /// <summary>This host's name as it appears in temporary names.</summary>
    public static string ThisHost { get; } = HostToken(Environment.MachineName);

    /// <summary>The file name: hidden (a leading dot), ending in <c>.partial</c>.</summary>
    public string FileName => string.Create(CultureInfo.InvariantCulture, $".{FinalName}.{Host}.{Writer.Id}.{Writer.StartTicks}.{Unique}.partial");

    /// <summary>A new name for a write to <paramref name="finalName"/> by this process.</summary>
    public static TemporaryName ForThisProcess(string finalName) => new(finalName, ThisHost, ProcessIdentity.Current, Guid.NewGuid().ToString("N"));

    /// <summary>The parts of <paramref name="fileName"/>, or null when it is not exactly a temporary's name.</summary>
    public static TemporaryName? Parse(string fileName)
    {
        var match = Pattern().Match(fileName);
        if (!match.Success) return null;
        if (!int.TryParse(match.Groups["pid"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
            || !long.TryParse(match.Groups["start"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out long start))
            return null;
        return new TemporaryName(match.Groups["final"].Value, match.Groups["host"].Value, new ProcessIdentity(pid, start), match.Groups["unique"].Value);
    }

    /// <summary>
    /// A host name as a short, file-name-safe token without dots (so that names parse from the end):
    /// lower case, anything but a-z, 0-9 and '-' as '-', at most 63 characters.
    /// </summary>
    public static string HostToken(string machineName)
    {
        var token = new StringBuilder(machineName.Length);
        foreach (char c in machineName.ToLowerInvariant())
            token.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' ? c : '-');
        if (token.Length == 0) token.Append("unknown-host");
        return token.Length > MaxHostLength ? token.ToString(0, MaxHostLength) : token.ToString();
    }

    // The final name may hold dots; the fields after it may not, so the pattern is anchored at both ends.
    [GeneratedRegex(@"^\.(?<final>.+)\.(?<host>[a-z0-9-]{1,63})\.(?<pid>[0-9]{1,10})\.(?<start>[0-9]{1,19})\.(?<unique>[0-9a-f]{32})\.partial\z",
        RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Pattern();
}
