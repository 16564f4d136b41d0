namespace ClipLit.Core;

/// <summary>A temporary file that <see cref="StaleTemporaries.Remove"/> removed, and whose it was.</summary>
/// <param name="Path">The file removed.</param>
/// <param name="Name">Its parts: the final name it was for and the process that left it.</param>
public sealed record StaleTemporary(string Path, TemporaryName Name);

/// <summary>
/// Removes the hidden temporaries (<see cref="TemporaryName"/>) that processes of this host left
/// behind when they died before renaming them (kill -9, a crash, a power loss).
/// <para>
/// When is a temporary stale? Only when it names this host, and the process it names, its id
/// together with its start ticks since boot, no longer runs. The start ticks make a reused id
/// harmless: a new process under the old id has other start ticks, so the temporary is removed;
/// and the writer itself always matches, so its file is never taken from under it. Comparing the
/// file's last write time with the process's start time instead would mix clocks: on shared
/// storage the write time comes from the file server's clock, and a process's start time in wall
/// clock terms moves when NTP steps this host's clock, so a live writer's file could look stale.
/// Another host's temporaries are never touched: whether its processes run cannot be seen from here.
/// A writer's child that outlives it (ffmpeg finishing a video after cliplit was killed) may still
/// be writing; removing the file then is harmless, as nothing will rename it any more.
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
    /// <paramref name="finalName"/> when given. A file that cannot be removed (permissions) is
    /// left and not reported; a folder that is missing or unreadable has none.
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
            if (name is null || (finalName is not null && name.FinalName != finalName)) continue;
            if (name.Host != TemporaryName.ThisHost || name.Writer.IsRunning) continue;
            if (TryDelete(path)) removed.Add(new StaleTemporary(path, name));
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

    private static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path)) return false; // another process cleaned it first
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false; // not ours to remove after all (permissions, a read-only mount): leave it
        }
    }
}
