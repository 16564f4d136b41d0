using System.Security.Cryptography;

namespace ClipLit.Core.Files;

/// <summary>
/// A hidden temporary file beside its final name (<see cref="TemporaryName"/>), written completely
/// and only then renamed to that name. Its writer is known by a lock, not by its name: from
/// creation until it is renamed or deleted, this object holds an exclusive advisory lock on the
/// file (flock), which the kernel drops when the process dies, however it dies. So
/// <see cref="StaleTemporaries"/> removes exactly the temporaries it can lock, whatever process ids
/// say: that holds across PID namespaces (containers, a retried Kubernetes pod that is PID 1
/// again), and across hosts where the shared file system carries locks (NFS with its lock service).
/// Another program may write the content (ffmpeg is given <see cref="Path"/>): the lock stays with
/// this object, as advisory locks do not stop writers. In this process the file is read and
/// written only through <see cref="Stream"/>, as .NET's own implicit locks would refuse a second
/// handle on it.
/// Thread-safety: one thread. Ownership: owns the file and its handle until <see cref="Commit"/>;
/// Dispose before that deletes the file (safe twice).
/// </summary>
public sealed class TemporaryFile : IDisposable
{
    private const int CreateAttempts = 5;
    private readonly FileStream _handle;
    private bool _committed;
    private bool _disposed;

    private TemporaryFile(string path, string finalPath, FileStream handle, bool locked)
    {
        Path = path;
        FinalPath = finalPath;
        _handle = handle;
        Locked = locked;
    }

    /// <summary>The temporary's path: hidden, in the final name's folder (so the rename is atomic).</summary>
    public string Path { get; }

    /// <summary>The name it gets when committed.</summary>
    public string FinalPath { get; }

    /// <summary>Whether the lock is held; false where the file system has no locks (such a temporary is never swept).</summary>
    public bool Locked { get; }

    /// <summary>The file's content, open for reading and writing (position 0 when created).</summary>
    public Stream Stream
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _handle;
        }
    }

    /// <summary>Creates a new, empty temporary for <paramref name="finalPath"/> and takes its lock.</summary>
    /// <exception cref="FileWriteException">The folder is missing, full, read-only or may not be written; the message names the file.</exception>
    public static TemporaryFile Create(string finalPath)
    {
        string full = System.IO.Path.GetFullPath(finalPath);
        string folder = System.IO.Path.GetDirectoryName(full)!;
        for (int attempt = 1; ; attempt++)
        {
            string path = System.IO.Path.Combine(folder, TemporaryName.ForThisProcess(System.IO.Path.GetFileName(full)).FileName);
            FileStream handle;
            try
            {
                // CreateNew: the name is new, so nobody else has it open; FileShare.None: .NET takes the lock as it opens.
                handle = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16);
            }
            catch (IOException) when (attempt < CreateAttempts && File.Exists(path))
            {
                continue; // a sweep locked the brand-new file before we did: it will remove it; take another name
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new FileWriteException(full, FileProblem.Reason(e), e);
            }
            var attemptResult = UnixFiles.TryLockExclusive(handle.SafeFileHandle, path);
            // A sweep that locked and removed the file between its creation and our lock leaves us an unlinked file: start again.
            if (attemptResult == LockAttempt.Held || !File.Exists(path))
            {
                handle.Dispose();
                if (attempt < CreateAttempts) continue;
                throw new IOException($"{path}: could not be created and locked (something removes new files in {folder})");
            }
            return new TemporaryFile(path, full, handle, attemptResult == LockAttempt.Acquired);
        }
    }

    /// <summary>SHA-256 of the content as it is now (lower-case hex), read through this object's handle.</summary>
    public string Sha256()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _handle.Flush();
        _handle.Position = 0;
        return Convert.ToHexStringLower(SHA256.HashData(_handle));
    }

    /// <summary>The content's size in bytes now.</summary>
    public long Length
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _handle.Length;
        }
    }

    /// <summary>
    /// Flushes the content to disk (whoever wrote it), then renames the file to its final name:
    /// over an existing file only when <paramref name="replace"/>, else never, not even over one
    /// that appeared while it was written. Releases the lock afterwards.
    /// </summary>
    /// <exception cref="OutputExistsException">Not replacing, and a file has the final name; the temporary is kept for Dispose to remove.</exception>
    /// <exception cref="IOException">Flushing or renaming failed (a full disk, a read-only mount).</exception>
    public void Commit(bool replace) => CommitAs(FinalPath, replace);

    /// <summary>As <see cref="Commit"/>, to another name in the same folder (a <c>.partial</c> name for a cut-short source).</summary>
    public void CommitAs(string finalPath, bool replace)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_committed) throw new InvalidOperationException($"{Path} was committed already");
        _handle.Flush(flushToDisk: true);
        if (replace) File.Move(Path, finalPath, overwrite: true);
        else UnixFiles.RenameNoReplace(Path, finalPath);
        _committed = true;
        Release();
    }

    /// <summary>Deletes the temporary unless it was committed, and releases its lock; safe twice.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        // Deleted while still locked, so no sweep can take it meanwhile.
        if (!_committed) AtomicFile.TryDelete(Path);
        Release();
    }

    private void Release()
    {
        _disposed = true;
        _handle.Dispose();
    }
}
