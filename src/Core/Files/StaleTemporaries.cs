namespace ClipLit.Core.Files;

/// <summary>A temporary file that <see cref="StaleTemporaries.Remove"/> removed, and whose it was.</summary>
/// <param name="Path">The file removed.</param>
/// <param name="Name">Its parts: the final name it was for and the process that left it.</param>
public sealed record StaleTemporary(string Path, TemporaryName Name);

/// <summary>
/// Removes the hidden temporaries (<see cref="TemporaryName"/>) that writers left behind when they
/// died before renaming them (kill -9, a crash, a power loss).
/// <para>
/// When is a temporary stale? When nobody holds its lock. A writer holds an exclusive advisory
/// lock on its temporary for the temporary's whole life (<see cref="TemporaryFile"/>), and the
/// kernel drops it when the writer dies, however it dies. So a temporary is removed only while
/// this process holds its lock itself: a live writer's never is, whatever its process id means
/// here. Process ids and host names cannot tell that: a process id means something only in its
/// own PID namespace, and containers on one host (a retried Kubernetes pod is PID 1 again, with
/// the same host name) share folders. Temporaries named for another host are left alone all the
/// same: a network file system mounted without its lock service keeps locks on each client, so
/// another host's lock cannot be seen from here. Where the file system has no locks at all,
/// nothing is removed.
/// </para>
/// Thread-safety: stateless; several processes may clean one folder at once.
/// </summary>
public static class StaleTemporaries
{
    // Hidden files are listed too (on Unix a leading dot makes a file hidden, which the default options skip).
    private static readonly EnumerationOptions TopLevelFiles = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = true,
        MatchType = MatchType.Simple,
        RecurseSubdirectories = false,
    };

    /// <summary>
    /// Removes the stale temporaries directly in <paramref name="folder"/>, only those for
    /// <paramref name="finalName"/> when given. A file that cannot be locked or removed (a live
    /// writer, permissions, a read-only mount) is left and not reported; a folder that is missing
    /// or unreadable has none.
    /// </summary>
    /// <param name="folder">The folder to clean (not its subfolders).</param>
    /// <param name="finalName">The final file name (no folder) whose temporaries alone to remove; null for all.</param>
    /// <returns>What was removed.</returns>
    public static IReadOnlyList<StaleTemporary> Remove(string folder, string? finalName = null)
    {
        var removed = new List<StaleTemporary>();
        foreach (string path in Candidates(folder))
        {
            var name = TemporaryName.Parse(Path.GetFileName(path));
            if (name is null || (finalName is not null && name.FinalName != finalName) || name.Host != TemporaryName.ThisHost) continue;
            if (TryRemoveUnlocked(path)) removed.Add(new StaleTemporary(path, name));
        }
        return removed;
    }

    private static string[] Candidates(string folder)
    {
        try
        {
            return Directory.GetFiles(folder, ".*.partial", TopLevelFiles);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return []; // missing or unreadable: nothing to clean
        }
    }

    /// <summary>Deletes the file if its lock can be taken (so no writer holds it), while holding that lock.</summary>
    private static bool TryRemoveUnlocked(string path)
    {
        FileStream handle;
        try
        {
            // FileShare.None: .NET asks for the same lock as it opens, and refuses if a writer holds it.
            handle = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // held by a writer, gone meanwhile, or not ours to open: leave it
        }
        using (handle)
        {
            try
            {
                if (UnixFiles.TryLockExclusive(handle.SafeFileHandle, path) != LockAttempt.Acquired) return false;
                if (!File.Exists(path)) return false; // another sweep removed it first
                File.Delete(path);
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false; // not ours to remove after all (permissions, a read-only mount): leave it
            }
        }
    }
}
