using System.Runtime.Versioning;
using ClipLit.Core.Files;
using ClipLit.TestSupport;

namespace ClipLit.Core.Tests;

/// <summary>
/// A temporary is stale when nobody holds its lock: those whose writer died are removed, those a
/// live writer holds are kept whatever process ids say (a writer in another PID namespace, as a
/// second container on this host, included), and so are other hosts' and every file that is not
/// exactly a temporary's name. Writers are real processes holding real locks (util-linux's flock).
/// </summary>
[TestFixture]
public sealed class StaleTemporariesTests : TemporaryFolderFixture
{
    [Test]
    public void ATemporaryNobodyHoldsIsRemoved()
    {
        var writer = new ProcessIdentity(Environment.ProcessId + 1, 12345);
        string stale = Temporary("out.mp4", writer);
        using (LockHolder.Start(stale))
        {
            // The writer runs: it holds the lock.
            Assert.That(StaleTemporaries.Remove(Folder), Is.Empty);
        }

        // Killed (kill -9 would do the same: the kernel drops its locks).
        var removed = StaleTemporaries.Remove(Folder);

        Assert.That(File.Exists(stale), Is.False);
        Assert.That(removed.Select(r => r.Path), Is.EqualTo(new[] { stale }));
        Assert.That(removed[0].Name.Writer, Is.EqualTo(writer));
        Assert.That(removed[0].Name.FinalName, Is.EqualTo("out.mp4"));
    }

    [Test]
    public void ATemporaryOfAWriterInAnotherPidNamespaceIsKeptWhileItRuns()
    {
        // A second container on this host: its writer is PID 1 there, a process id that means something else (or nothing) here.
        string live = Temporary("out.mp4", new ProcessIdentity(1, 1));
        using (LockHolder.Start(live, ownPidNamespace: true))
        {
            Assert.That(StaleTemporaries.Remove(Folder), Is.Empty);
            Assert.That(File.Exists(live));
        }
        Assert.That(StaleTemporaries.Remove(Folder).Select(r => r.Path), Is.EqualTo(new[] { live }), "once it is gone, its temporary is");
    }

    [Test]
    public void ThisProcesssOwnTemporaryIsKept()
    {
        using var ours = TemporaryFile.Create(Path.Combine(Folder, "photo.jpg"));
        Assert.That(StaleTemporaries.Remove(Folder), Is.Empty);
        Assert.That(File.Exists(ours.Path));
    }

    [Test]
    public void AnotherHostsTemporaryIsKeptEvenWhenNobodyHoldsIt()
    {
        // Without the network file system's lock service, another host's locks cannot be seen from here.
        string elsewhere = Temporary("out.mp4", new ProcessIdentity(4242, 1), host: "another-host");

        Assert.That(StaleTemporaries.Remove(Folder), Is.Empty);
        Assert.That(File.Exists(elsewhere));
    }

    [Test]
    public void FilesThatAreNotExactlyATemporarysNameAreKept()
    {
        var writer = new ProcessIdentity(4242, 1);
        string unique = Guid.NewGuid().ToString("N");
        string[] unrelated =
        [
            "out.mp4",
            ".out.mp4.partial",
            $".out.mp4.{writer.Id}.{unique}.partial", // the name before hosts were named
            $".out.mp4.{TemporaryName.ThisHost}.{writer.Id}.{writer.StartTicks}.{unique.ToUpperInvariant()}.partial",
            $".out.mp4.{TemporaryName.ThisHost}.{writer.Id}.{writer.StartTicks}.{unique}.partial.bak",
            $"out.mp4.{TemporaryName.ThisHost}.{writer.Id}.{writer.StartTicks}.{unique}.partial",
            $"..{TemporaryName.ThisHost}.{writer.Id}.{writer.StartTicks}.{unique}.partial",
        ];
        foreach (string name in unrelated) File.WriteAllText(Path.Combine(Folder, name), "not a temporary of ours");
        string folderNamedLikeOne = Directory.CreateDirectory(Path.Combine(Folder, new TemporaryName("state", TemporaryName.ThisHost, writer, unique).FileName)).FullName;

        Assert.That(StaleTemporaries.Remove(Folder), Is.Empty);
        Assert.That(unrelated.Select(name => File.Exists(Path.Combine(Folder, name))), Is.All.True);
        Assert.That(Directory.Exists(folderNamedLikeOne));
    }

    [Test]
    public void AFinalNameLimitsTheCleaningToItsOwnTemporaries()
    {
        var writer = new ProcessIdentity(4242, 1);
        string mine = Temporary("a.mp4", writer), other = Temporary("b.mp4", writer);

        Assert.That(StaleTemporaries.Remove(Folder, "a.mp4").Select(r => r.Path), Is.EqualTo(new[] { mine }));
        Assert.That(File.Exists(other));
    }

    [Test]
    public void AMissingFolderHasNone() =>
        Assert.That(StaleTemporaries.Remove(Path.Combine(Folder, "missing")), Is.Empty);

    [Test]
    [SupportedOSPlatform("linux")]
    public void ATemporaryThatCannotBeRemovedIsLeftWithoutAnError()
    {
        string stuck = Temporary("out.mp4", new ProcessIdentity(4242, 1));
        using var undeletable = Undeletable.Make(stuck);
        if (undeletable is null) Assert.Ignore("cannot make a file undeletable here (neither a read-only folder nor chattr +i stops this user)");

        IReadOnlyList<StaleTemporary> removed = [];
        Assert.DoesNotThrow(() => removed = StaleTemporaries.Remove(Folder));
        Assert.That(removed, Is.Empty);
        Assert.That(File.Exists(stuck));
    }

    [Test]
    public void ProcessIdentityNamesThisProcess()
    {
        Assert.That(ProcessIdentity.Current.Id, Is.EqualTo(Environment.ProcessId));
        Assert.That(ProcessIdentity.Current.StartTicks, Is.GreaterThan(0), "start ticks come from /proc on Linux");
        Assert.That(ProcessIdentity.Find(ProcessIdentity.Current.Id), Is.EqualTo(ProcessIdentity.Current));
    }

    /// <summary>An empty temporary in the test folder, named as the given process on the given host would name it.</summary>
    private string Temporary(string finalName, ProcessIdentity writer, string? host = null)
    {
        var name = new TemporaryName(finalName, host ?? TemporaryName.ThisHost, writer, Guid.NewGuid().ToString("N"));
        string path = Path.Combine(Folder, name.FileName);
        File.WriteAllText(path, "");
        return path;
    }
}
