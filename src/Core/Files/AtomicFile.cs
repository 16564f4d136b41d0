namespace ClipLit.Core.Files;

/// <summary>
/// Writes files so that a reader never sees a partial result under the final name: the content
/// goes to a locked temporary file in the same folder (<see cref="TemporaryFile"/>), which is
/// flushed to disk and renamed to the final name only once complete. A failed or cancelled write
/// removes the temporary file; one left by a process that was killed is removed by
/// <see cref="StaleTemporaries"/>.
/// Thread-safety: stateless.
/// </summary>
public static class AtomicFile
{
    /// <summary>Runs <paramref name="write"/> on a temporary file, flushes it to disk, then renames it to <paramref name="finalPath"/>.</summary>
    /// <param name="finalPath">The file written.</param>
    /// <param name="write">Writes the whole content.</param>
    /// <param name="replace">Replace a file of that name; false: never (not even one that appeared while writing).</param>
    /// <exception cref="OutputExistsException">Not replacing, and a file has the name; nothing was written.</exception>
    /// <exception cref="IOException">Writing failed (a full disk, a read-only folder); nothing is left behind.</exception>
    public static void Write(string finalPath, Action<Stream> write, bool replace = true)
    {
        using var temporary = TemporaryFile.Create(finalPath);
        write(temporary.Stream);
        temporary.Commit(replace);
    }

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
