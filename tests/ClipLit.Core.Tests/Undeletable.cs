using System.Runtime.Versioning;
using ClipLit.TestSupport;

namespace ClipLit.Core.Tests;

/// <summary>
/// Makes a file impossible to delete for this user until disposed: its folder read-only, or, for
/// root (whom folder permissions do not stop), the file immutable (chattr +i, where the file system
/// has it).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class Undeletable : IDisposable
{
    private readonly string _file;
    private readonly UnixFileMode _folderMode;
    private bool _immutable;

    private Undeletable(string file)
    {
        _file = file;
        _folderMode = File.GetUnixFileMode(Folder);
    }

    private string Folder => Path.GetDirectoryName(_file)!;

    /// <returns>The guard, or null when neither way stops this user here.</returns>
    public static Undeletable? Make(string file)
    {
        var guard = new Undeletable(file);
        File.SetUnixFileMode(guard.Folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        if (guard.Holds()) return guard;
        guard._immutable = ChildProcess.Run("chattr", "+i", file).ExitCode == 0;
        if (guard._immutable) return guard;
        guard.Dispose();
        return null;
    }

    public void Dispose()
    {
        if (_immutable && ChildProcess.Run("chattr", "-i", _file).ExitCode != 0)
            throw new InvalidOperationException($"chattr -i {_file} failed: the test folder cannot be deleted");
        _immutable = false;
        File.SetUnixFileMode(Folder, _folderMode);
    }

    /// <summary>Whether the read-only folder stops this user: a new file cannot be made in it.</summary>
    private bool Holds()
    {
        string probe = Path.Combine(Folder, "probe");
        try
        {
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }
}
