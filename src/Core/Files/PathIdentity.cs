namespace ClipLit.Core.Files;

/// <summary>
/// Which file a path means, so that two spellings of one file compare equal: absolute, with every
/// symbolic link resolved (the file's own, for a file that exists; its folder's, for one that does
/// not yet). Used to refuse an output that is an input under another name (through a link, a
/// linked folder or <c>..</c>).
/// Thread-safety: stateless.
/// </summary>
public static class PathIdentity
{
    /// <summary>The identity of <paramref name="path"/>.</summary>
    public static string Of(string path)
    {
        string full = Path.GetFullPath(path);
        if (UnixFiles.RealPath(full) is { } existing) return existing;
        string? folder = Path.GetDirectoryName(full);
        return folder is not null && UnixFiles.RealPath(folder) is { } resolvedFolder
            ? Path.Combine(resolvedFolder, Path.GetFileName(full))
            : full;
    }

    /// <summary>Whether <paramref name="path"/> is itself a symbolic link (to anything, or dangling).</summary>
    public static bool IsLink(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget is not null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
