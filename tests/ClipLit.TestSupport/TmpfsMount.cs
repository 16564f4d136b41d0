using System.Globalization;
using NUnit.Framework;

namespace ClipLit.TestSupport;

/// <summary>
/// A small tmpfs mounted for one test: a real full disk (a few kilobytes) or a real read-only file
/// system. Needs root (CI runs as root); elsewhere the test is ignored with the reason. Dispose
/// unmounts it and removes its folder.
/// </summary>
public sealed class TmpfsMount : IDisposable
{
    private bool _mounted;

    private TmpfsMount(string path) => Path = path;

    /// <summary>Where it is mounted.</summary>
    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/> (rounded up to pages), read-only when asked; ignores the test where mounting is not allowed.</summary>
    public static TmpfsMount Create(long bytes, bool readOnly = false)
    {
        var mount = new TmpfsMount(Directory.CreateTempSubdirectory("cliplit-tmpfs-").FullName);
        string options = $"size={bytes.ToString(CultureInfo.InvariantCulture)}" + (readOnly ? ",ro" : "");
        var result = ChildProcess.Run("mount", "-t", "tmpfs", "-o", options, "tmpfs", mount.Path);
        if (result.ExitCode != 0)
        {
            Directory.Delete(mount.Path);
            Assert.Ignore($"cannot mount a tmpfs here (needs root; CI runs as root): {result.Error.Trim()}");
        }
        mount._mounted = true;
        return mount;
    }

    /// <summary>Sets the size again (e.g. after filling it); the content stays.</summary>
    public void Resize(long bytes)
    {
        var result = ChildProcess.Run("mount", "-o", $"remount,size={bytes.ToString(CultureInfo.InvariantCulture)}", Path);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
    }

    /// <summary>Bytes free on it now.</summary>
    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>Writes a file taking all but <paramref name="leave"/> bytes of the free space; returns its path.</summary>
    public string FillLeaving(long leave)
    {
        string filler = System.IO.Path.Combine(Path, "filler");
        long size = Math.Max(0, FreeBytes - leave);
        using (var stream = new FileStream(filler, FileMode.CreateNew)) stream.Write(new byte[size]);
        return filler;
    }

    public void Dispose()
    {
        if (!_mounted) return;
        _mounted = false;
        ChildProcess.Run("umount", "--lazy", Path);
        Directory.Delete(Path, recursive: true);
    }
}
