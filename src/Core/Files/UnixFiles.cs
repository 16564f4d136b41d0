using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ClipLit.Core.Files;

/// <summary>
/// The two file-system calls .NET does not offer, from the C library: an advisory whole-file lock
/// (<c>flock</c>) and a rename that fails rather than replace an existing file
/// (<c>renameat2(RENAME_NOREPLACE)</c>, else <c>link</c> + <c>unlink</c>). Every call's result is
/// checked here; a failure becomes an <see cref="IOException"/> naming the call and the file.
/// Thread-safety: stateless.
/// </summary>
internal static partial class UnixFiles
{
    private const string Libc = "libc";
    private const int AtCurrentFolder = -100;
    private const uint NoReplaceFlag = 1;
    private const int LockExclusive = 2, LockNonBlocking = 4;

    // errno values of Linux (x86-64 and arm64 alike).
    internal const int NoPermission = 1, NoSuchFile = 2, Interrupted = 4, Access = 13, Exists = 17, CrossDevice = 18, Invalid = 22,
        TooManyLinks = 31, WouldBlock = 11, NoLocks = 37, NotImplemented = 38, NotSupported = 95;

    /// <summary>Takes an exclusive advisory lock on the open file, without waiting.</summary>
    /// <returns>Acquired; Held when another open file holds a lock on it; Unsupported where the file system has no locks.</returns>
    /// <exception cref="IOException">The call failed for another reason.</exception>
    public static LockAttempt TryLockExclusive(SafeFileHandle handle, string path)
    {
        int fd = (int)handle.DangerousGetHandle();
        while (true)
        {
            if (flock(fd, LockExclusive | LockNonBlocking) == 0) return LockAttempt.Acquired;
            int error = Marshal.GetLastPInvokeError();
            switch (error)
            {
                case Interrupted: continue;
                case WouldBlock: return LockAttempt.Held;
                case NoLocks or NotSupported or Invalid: return LockAttempt.Unsupported;
                default: throw Failure("flock", error, path);
            }
        }
    }

    /// <summary>
    /// Renames <paramref name="source"/> to <paramref name="target"/> unless a file of that name
    /// exists, in one step: renameat2 with RENAME_NOREPLACE where the file system has it, else a
    /// hard link (which also fails on an existing name) and the source's unlink. Only where the
    /// file system has neither (FAT, some FUSE mounts) is the name checked before a plain rename,
    /// which leaves a moment in which a file created elsewhere would be replaced.
    /// </summary>
    /// <exception cref="OutputExistsException">A file named <paramref name="target"/> exists.</exception>
    /// <exception cref="IOException">The rename failed (the message names the reason).</exception>
    public static void RenameNoReplace(string source, string target)
    {
        if (renameat2(AtCurrentFolder, source, AtCurrentFolder, target, NoReplaceFlag) == 0) return;
        int error = Marshal.GetLastPInvokeError();
        if (error == Exists) throw new OutputExistsException(target);
        if (error is not (Invalid or NotImplemented or NotSupported)) throw Failure("rename", error, target);

        if (link(source, target) == 0)
        {
            if (unlink(source) != 0) throw Failure("unlink", Marshal.GetLastPInvokeError(), source);
            return;
        }
        error = Marshal.GetLastPInvokeError();
        if (error == Exists) throw new OutputExistsException(target);
        if (error is not (NoPermission or NotSupported or TooManyLinks)) throw Failure("link", error, target);

        if (Path.Exists(target)) throw new OutputExistsException(target);
        File.Move(source, target, overwrite: false);
    }

    /// <summary>The absolute path of an existing file or folder with every link and <c>..</c> resolved, or null when it does not exist (or cannot be resolved).</summary>
    public static string? RealPath(string path)
    {
        nint resolved = realpath(path, 0);
        if (resolved == 0) return null;
        try
        {
            return Marshal.PtrToStringUTF8(resolved);
        }
        finally
        {
            free(resolved);
        }
    }

    /// <summary>The C library's text for an errno value ("No space left on device").</summary>
    public static string Describe(int error) => Marshal.GetPInvokeErrorMessage(error);

    private static IOException Failure(string call, int error, string path) => new($"{path}: {Describe(error)} ({call})", error);

    [LibraryImport(Libc, SetLastError = true)]
    private static partial int flock(int fd, int operation);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint realpath(string path, nint resolved);

    [LibraryImport(Libc)]
    private static partial void free(nint pointer);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int renameat2(int oldFolder, string oldPath, int newFolder, string newPath, uint flags);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string oldPath, string newPath);

    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int unlink(string path);
}

/// <summary>How a try for a lock went.</summary>
public enum LockAttempt
{
    /// <summary>This open file holds the lock now.</summary>
    Acquired,

    /// <summary>Another open file (another process, container or host) holds it.</summary>
    Held,

    /// <summary>The file system has no locks (some network mounts): nothing can be told from it.</summary>
    Unsupported,
}

/// <summary>A file was not written under a name because a file of that name exists (it may have appeared meanwhile).</summary>
public sealed class OutputExistsException(string path) : IOException($"{path}: a file of that name exists (it was not replaced)")
{
    /// <summary>The name that is taken.</summary>
    public string Path { get; } = path;
}
