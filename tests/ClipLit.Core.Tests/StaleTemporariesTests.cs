using System.Diagnostics;
using System.Runtime.Versioning;
using ClipLit.TestSupport;

namespace ClipLit.Core.Tests;

/// <summary>
/// Temporaries left by processes of this host that ended are removed; those of running processes,
/// of other hosts, and every file that is not exactly a temporary's name are kept. The processes
/// are real children (sleep), killed or left running.
/// </summary>
[TestFixture]
public sealed class StaleTemporariesTests : TemporaryFolderFixture
{
    private readonly List<Process> _children = [];

    [TearDown]
    public void KillChildren()
    {
        foreach (var child in _children)
        {
            if (!child.HasExited) child.Kill();
            child.WaitForExit();
            child.Dispose();
        }
        _children.Clear();
    }

    [Test]
    public void ATemporaryOfAnEndedProcessIsRemoved()
    {
        var ended = EndedProcess();
        string stale = Temporary("out.mp4", ended);

        var removed = StaleTemporaries.Remove(Folder);

        Assert.That(File.Exists(stale), Is.False);
        Assert.That(removed.Select(r => r.Path), Is.EqualTo(new[] { stale }));
        Assert.That(removed[0].Name.Writer, Is.EqualTo(ended));
        Assert.That(removed[0].Name.FinalName, Is.EqualTo("out.mp4"));
    }

    [Test]
    public void ATemporaryOfARunningProcessIsKept()
    {
        var running = RunningProcess();
        string live = Temporary("out.mp4", running);
        string ours = AtomicFile.TemporaryPathFor(Path.Combine(Folder, "photo.jpg"));
        File.WriteAllText(ours, "this process is writing it");

        Assert.That(StaleTemporaries.Remove(Folder), Is.Empty);
        Assert.That(File.Exists(live) && File.Exists(ours));
    }

    [Test]
    public void AReusedProcessIdDoesNotKeepATemporaryAlive()
    {
        // The running process has the id, but not the start ticks, of the one named: it is not the writer.
        var running = RunningProcess();
        string stale = Temporary("out.mp4", running with { StartTicks = running.StartTicks - 1 });

        Assert.That(StaleTemporaries.Remove(Folder).Select(r => r.Path), Is.EqualTo(new[] { stale }));
    }

    [Test]
    public void AnotherHostsTemporaryIsKeptEvenForAnIdThatEndedHere()
    {
        string elsewhere = Temporary("out.mp4", EndedProcess(), host: "another-host");

        Assert.That(StaleTemporaries.Remove(Folder), Is.Empty);
        Assert.That(File.Exists(elsewhere));
    }

    [Test]
    public void FilesThatAreNotExactlyATemporarysNameAreKept()
    {
        var ended = EndedProcess();
        string unique = Guid.NewGuid().ToString("N");
        string[] unrelated =
        [
            "out.mp4",
            ".out.mp4.partial",
            $".out.mp4.{ended.Id}.{unique}.partial", // the name before hosts were named
            $".out.mp4.{TemporaryName.ThisHost}.{ended.Id}.{ended.StartTicks}.{unique.ToUpperInvariant()}.partial",
            $".out.mp4.{TemporaryName.ThisHost}.{ended.Id}.{ended.StartTicks}.{unique}.partial.bak",
            $"out.mp4.{TemporaryName.ThisHost}.{ended.Id}.{ended.StartTicks}.{unique}.partial",
            $"..{TemporaryName.ThisHost}.{ended.Id}.{ended.StartTicks}.{unique}.partial",
        ];
        foreach (string name in unrelated) File.WriteAllText(Path.Combine(Folder, name), "not a temporary of ours");
        string folderNamedLikeOne = Directory.CreateDirectory(Path.Combine(Folder, new TemporaryName("state", TemporaryName.ThisHost, ended, unique).FileName)).FullName;

        Assert.That(StaleTemporaries.Remove(Folder), Is.Empty);
        Assert.That(unrelated.Select(name => File.Exists(Path.Combine(Folder, name))), Is.All.True);
        Assert.That(Directory.Exists(folderNamedLikeOne));
    }

    [Test]
    public void AFinalNameLimitsTheCleaningToItsOwnTemporaries()
    {
        var ended = EndedProcess();
        string mine = Temporary("a.mp4", ended), other = Temporary("b.mp4", ended);

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
        string stuck = Temporary("out.mp4", EndedProcess());
        using var undeletable = Undeletable.Make(stuck);
        if (undeletable is null) Assert.Ignore("cannot make a file undeletable here (neither a read-only folder nor chattr +i stops this user)");

        IReadOnlyList<StaleTemporary> removed = [];
        Assert.DoesNotThrow(() => removed = StaleTemporaries.Remove(Folder));
        Assert.That(removed, Is.Empty);
        Assert.That(File.Exists(stuck));
    }

    [Test]
    public void ProcessIdentityTellsARunningProcessFromAnEndedOne()
    {
        Assert.That(ProcessIdentity.Current.IsRunning);
        Assert.That(RunningProcess().IsRunning);
        Assert.That(EndedProcess().IsRunning, Is.False);
    }

    /// <summary>An empty temporary in the test folder, named as the given process on the given host would name it.</summary>
    private string Temporary(string finalName, ProcessIdentity writer, string? host = null)
    {
        var name = new TemporaryName(finalName, host ?? TemporaryName.ThisHost, writer, Guid.NewGuid().ToString("N"));
        string path = Path.Combine(Folder, name.FileName);
        File.WriteAllText(path, "");
        return path;
    }

    /// <summary>A child (sleep 30) that runs until the test ends.</summary>
    private ProcessIdentity RunningProcess()
    {
        var child = Process.Start("sleep", "30");
        _children.Add(child);
        return ProcessIdentity.Find(child.Id) ?? throw new InvalidOperationException($"sleep (pid {child.Id}) is not in /proc");
    }

    /// <summary>A child that ran, was killed with SIGKILL and reaped: its identity names no running process.</summary>
    private static ProcessIdentity EndedProcess()
    {
        using var child = Process.Start("sleep", "30");
        var identity = ProcessIdentity.Find(child.Id) ?? throw new InvalidOperationException($"sleep (pid {child.Id}) is not in /proc");
        child.Kill();
        child.WaitForExit();
        return identity;
    }
}
