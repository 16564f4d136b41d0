using System.Security.Cryptography;
using System.Text;

namespace ClipLit.Jobs.Schedulers;

/// <summary>
/// A job folder's name as a Kubernetes object name: a DNS-1123 label (lower-case a-z, 0-9 and '-',
/// starting and ending with a letter or digit) short enough that the Jobs' names, this plus
/// <see cref="LongestSuffix"/>, stay within 63 characters (a Job's name becomes a label value).
/// Thread-safety: stateless.
/// </summary>
public static class KubernetesName
{
    /// <summary>The longest suffix a manifest adds to the name.</summary>
    public const string LongestSuffix = "-shards";

    /// <summary>The longest a name may be.</summary>
    public static int MaxLength { get; } = 63 - LongestSuffix.Length;

    private const int HashLength = 6;
    private const string Fallback = "cliplit-job";

    /// <summary>
    /// The name for <paramref name="folderName"/>: lower case, every run of other characters as one
    /// '-'. A name cut to <see cref="MaxLength"/> ends in a hash of the whole folder name, so two long
    /// names that differ only at the end stay apart.
    /// </summary>
    public static string ForFolder(string folderName)
    {
        var name = new StringBuilder(folderName.Length);
        foreach (char c in folderName.ToLowerInvariant())
        {
            if (c is (>= 'a' and <= 'z') or (>= '0' and <= '9')) name.Append(c);
            else if (name.Length > 0 && name[^1] != '-') name.Append('-');
        }
        string text = name.ToString().Trim('-');
        if (text.Length == 0) return Fallback;
        if (text.Length <= MaxLength) return text;
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(folderName)))[..HashLength];
        return $"{text[..(MaxLength - HashLength - 1)].TrimEnd('-')}-{hash}";
    }
}
