namespace ClipLit.TestSupport;

/// <summary>
/// A named pipe (mkfifo) where a test wants a path that is no regular file: it reports 0 bytes, and
/// opening it for reading waits until something writes to it.
/// </summary>
public static class NamedPipe
{
    /// <summary>Makes the pipe at <paramref name="path"/>; returns the path.</summary>
    public static string Make(string path)
    {
        var made = ChildProcess.Run("mkfifo", path);
        if (made.ExitCode != 0) throw new InvalidOperationException($"mkfifo {path}: {made}");
        return path;
    }
}
