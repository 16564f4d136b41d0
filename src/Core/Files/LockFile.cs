namespace ClipLit.Core.Files;

/// <summary>
/// An exclusive advisory lock on a small file that exists only to be locked (a job shard's
/// <c>worker.lock</c>): held while its owner works, dropped by the kernel when the owner dies,
/// however it dies, so a lock that can be taken means its last owner is gone. The file is never
/// deleted (deleting a lock file others may have open would let two owners hold two files of one
/// name). Others may test it (<see cref="Probe"/>), which holds it for an instant: an owner that
/// starts just then waits a moment for it.
/// Thread-safety: one thread. Ownership: owns the open file; Dispose releases the lock (safe twice).
/// </summary>
public sealed class LockFile : IDisposable
{
    private readonly FileStream _handle;

    private LockFile(string path, FileStream handle, bool locked)
    {
        Path = path;
        _handle = handle;
        Locked = locked;
    }

    public string Path { get; }

    /// <summary>Whether the lock is held; false where the file system has no locks (ownership then cannot be told).</summary>
    public bool Locked { get; }

    /// <summary>
    /// Takes the lock on <paramref name="path"/> (creating the file), waiting up to
    /// <paramref name="patience"/> for someone merely testing it; null when another owner holds it.
    /// </summary>
    /// <exception cref="IOException">The file cannot be created or opened (permissions, a read-only mount).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder may not be written.</exception>
    public static LockFile? TryAcquire(string path, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        while (true)
        {
            switch (TryOpen(path, out var handle))
            {
                case LockAttempt.Acquired: return new LockFile(path, handle!, locked: true);
                case LockAttempt.Unsupported: return new LockFile(path, handle!, locked: false);
            }
            if (DateTime.UtcNow >= deadline) return null;
            Thread.Sleep(50);
        }
    }

    /// <summary>Whether another owner holds the lock on <paramref name="path"/> now (Held), nobody does (Acquired, released again at once), or it cannot be told (Unsupported; also for a file that cannot be opened).</summary>
    public static LockAttempt Probe(string path)
    {
        if (!File.Exists(path)) return LockAttempt.Acquired;
        try
        {
            var attempt = TryOpen(path, out var handle);
            handle?.Dispose();
            return attempt;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return LockAttempt.Unsupported;
        }
    }

    private static LockAttempt TryOpen(string path, out FileStream? handle)
    {
        try
        {
            // FileShare.None: .NET takes the same lock as it opens, and refuses (a sharing violation) while another owner holds it.
            handle = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
        }
        catch (IOException) when (File.Exists(path) && IsSharingViolation(path))
        {
            handle = null;
            return LockAttempt.Held;
        }
        var attempt = UnixFiles.TryLockExclusive(handle.SafeFileHandle, path);
        if (attempt == LockAttempt.Held)
        {
            handle.Dispose();
            handle = null;
        }
        return attempt;
    }

    /// <summary>Whether opening failed because of a lock (an open for reading alone, which needs no lock, succeeds).</summary>
    private static bool IsSharingViolation(string path)
    {
        try
        {
            using var reading = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Releases the lock; safe twice.</summary>
    public void Dispose() => _handle.Dispose();
}
