namespace ClipLit.Core;

/// <summary>
/// Writes files so that a reader never sees a partial result under the final name: the content
/// goes to a hidden temporary file in the same folder, which is renamed over the final name only
/// once complete. A failed or cancelled write removes the temporary file; one left by a process
/// that was killed is removed by <see cref="StaleTemporaries"/>.
/// Thread-safety: stateless.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// The temporary name a write to <paramref name="finalPath"/> uses: hidden, in the same folder,
    /// unique, naming this host and process (<see cref="TemporaryName"/>) so that
    /// <see cref="StaleTemporaries"/> can remove it if this process dies before renaming it.
    /// </summary>
    public static string TemporaryPathFor(string finalPath)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(finalPath))!;
        return Path.Combine(folder, TemporaryName.ForThisProcess(Path.GetFileName(finalPath)).FileName);
    }

    /// <summary>Runs <paramref name="write"/> on a temporary file, flushes it to disk, then renames it to <paramref name="finalPath"/>.</summary>
    public static void Write(string finalPath, Action<Stream> write)
    {
        string temporary = TemporaryPathFor(finalPath);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, finalPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    /// <summary>Flushes a completed temporary file (another process wrote it) to disk, then renames it over <paramref name="finalPath"/>.</summary>
    public static void CommitDurably(string temporaryPath, string finalPath)
    {
        using (var stream = new FileStream(temporaryPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read))
            stream.Flush(flushToDisk: true);
        Commit(temporaryPath, finalPath);
    }

    /// <summary>Renames a completed temporary file over <paramref name="finalPath"/>.</summary>
    public static void Commit(string temporaryPath, string finalPath) => File.Move(temporaryPath, finalPath, overwrite: true);

    /// <summary>Deletes <paramref name="path"/> if it exists, ignoring failures (used on error paths).</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort on an error path; the original exception matters more.
        }
    }
}
