using System.Diagnostics;
using ClipLit.TestSupport;
using ClipLit.VideoIO.Video;

namespace ClipLit.Cli.Tests;

/// <summary>
/// A running enhance's temporary is its own until it renames it: another enhance into the same
/// folder from a second PID namespace on this host (a second container, a retried Kubernetes pod
/// that is PID 1 again) leaves it alone, and the first finishes; a file that appears under the
/// output's name while a run writes is never replaced without --overwrite.
/// </summary>
[TestFixture]
public sealed class TemporaryOwnershipTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void CreateWorkspace() => _workspace = new Workspace();

    [TearDown]
    public void DeleteWorkspace() => _workspace.Dispose();

    [Test]
    public void ARunInAnotherPidNamespaceKeepsItsTemporaryWhileAnotherRunSweepsTheFolder()
    {
        if (ChildProcess.Run("unshare", "--pid", "--fork", "--mount-proc", "true").ExitCode != 0)
            Assert.Ignore("cannot make a PID namespace here (unshare needs root; CI runs as root)");
        string slow = TestClips.Cut(_workspace.PathOf("slow.mp4"), seconds: 3), quick = TestClips.Cut(_workspace.PathOf("quick.mp4"));
        string folder = Directory.CreateDirectory(_workspace.PathOf("out")).FullName;

        // The first run in a PID namespace of its own, where it is PID 2 or so: a process id that, here, is some other process or none.
        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])["--pid", "--fork", "--mount-proc", SiblingAppChecks.Cliplit, "enhance", slow, "-o", folder + "/",
                     "--quality", "full", "--preset", "ultrafast", "--model", SharedData.EnhancementCheckpoint])
            start.ArgumentList.Add(argument);
        using var first = Process.Start(start)!;
        var firstError = first.StandardError.ReadToEndAsync();
        var firstOutput = first.StandardOutput.ReadToEndAsync();
        string? temporary = null;
        var deadline = Stopwatch.StartNew();
        while (temporary is null && !first.HasExited && deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            temporary = Directory.GetFiles(folder, ".slow.mp4.*.partial").FirstOrDefault();
            Thread.Sleep(20);
        }
        Assert.That(temporary, Is.Not.Null, $"the first run writes its temporary\n{(first.HasExited ? firstError.Result : "")}");

        // The second run sweeps the folder for stale temporaries before it writes: the first's is not stale.
        var second = Cli.Run(Cli.WithModel("enhance", quick, "-o", folder + "/", "--quality", "fast", "--preset", "ultrafast"));
        Assert.That(second.ExitCode, Is.Zero, second.ToString());
        Assert.That(second.Error, Does.Not.Contain("removed stale temporary"));
        Assert.That(File.Exists(temporary) || File.Exists(Path.Combine(folder, "slow.mp4")), "the first run's temporary was left alone");

        Assert.That(first.WaitForExit(TimeSpan.FromMinutes(5)), "the first run ends");
        Assert.That(first.ExitCode, Is.Zero, firstError.Result + firstOutput.Result);
        Assert.That(VideoProbe.Probe(Path.Combine(folder, "slow.mp4")).FrameCount, Is.EqualTo(VideoProbe.Probe(slow).FrameCount), "and its output is complete");
        Assert.That(Directory.GetFiles(folder, ".*"), Is.Empty, "no temporary left");
    }

    [Test]
    public void AFileThatAppearsWhileARunWritesIsNotReplaced()
    {
        // A video: its temporary lives while every frame is enhanced and encoded, seconds even on an idle machine,
        // so another program's file surely appears meanwhile. (AtomicFileTests prove the same of every write, photos' included.)
        const string name = "out.mp4";
        string input = TestClips.Cut(_workspace.PathOf("clip.mp4"), seconds: 2);
        string output = _workspace.PathOf(name);
        using var done = new CancellationTokenSource();
        // Whoever else writes there: the file appears once the run's temporary does.
        var other = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                if (Directory.GetFiles(_workspace.Root, $".{name}.*.partial").Length > 0)
                {
                    File.WriteAllText(output, "another program's file");
                    return true;
                }
                Thread.Sleep(5);
            }
            return false;
        });

        var result = Cli.Run(Cli.WithModel("enhance", input, "-o", output, "--quality", "full", "--preset", "ultrafast"));
        done.Cancel();

        Assert.That(other.Result, "the other file appeared while the run wrote");
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines, Has.One.Contain($"{output}: a file of that name appeared while it was being written; it was not replaced (--overwrite replaces it)"));
        Assert.That(File.ReadAllText(output), Is.EqualTo("another program's file"));
        Assert.That(_workspace.PartialFiles(), Is.Empty);
    }
}
