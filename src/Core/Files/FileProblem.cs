using System.Text.RegularExpressions;

namespace ClipLit.Core.Files;

/// <summary>The reason in a file-system exception's message, without the path .NET appends to it ("No space left on device").</summary>
public static partial class FileProblem
{
    /// <summary>What went wrong, in the system's words.</summary>
    public static string Reason(Exception e) => e switch
    {
        FileWriteException write => write.Reason,
        UnauthorizedAccessException => "permission denied",
        _ => PathSuffix().Replace(e.Message.ReplaceLineEndings(" "), "").TrimEnd('.', ' '),
    };

    // .NET writes "<reason> : '<path>'" for errno failures.
    [GeneratedRegex(@"\s*:\s*'[^']*'\s*$")]
    private static partial Regex PathSuffix();
}

/// <summary>A file could not be written where it was asked for (a full disk, a read-only mount, no permission); the message names it.</summary>
/// <param name="path">The file that was to be written.</param>
/// <param name="reason">Why not, in the system's words.</param>
/// <param name="inner">The failure behind it.</param>
public sealed class FileWriteException(string path, string reason, Exception? inner = null) : IOException($"{path}: cannot be written there ({reason})", inner)
{
    public string Path { get; } = path;

    public string Reason { get; } = reason;
}
