using ClipLit.TestSupport;
using ClipLit.VideoIO.Video;

namespace ClipLit.Cli.Tests;

/// <summary>
/// Full disks and read-only file systems, real ones (small tmpfs mounts): every case ends with one
/// line naming the file and the reason, exit 1, nothing under a final name and no temporary left.
/// ffmpeg 5.1 exits 0 when it cannot write an MP4's index, so only reading the file back tells.
/// </summary>
[TestFixture]
[NonParallelizable] // mounts file systems
public sealed class FullDiskTests
{
    private Workspace _workspace = null!;

    [SetUp]
    public void CreateWorkspace() => _workspace = new Workspace();

    [TearDown]
    public void DeleteWorkspace() => _workspace.Dispose();

    // A disk that cannot hold the video, and one that can hold all of it but its index (the case that ended in a stack trace).
    [TestCase(60_000, 1, 320, 180)]
    [TestCase(1_000_000, 4, 640, 360)]
    public void AVideoOnAFullDiskFailsWithOneLineAndLeavesNothing(int diskBytes, int seconds, int width, int height)
    {
        string clip = TestClips.Cut(_workspace.PathOf("clip.mp4"), seconds, width, height);
        using var disk = TmpfsMount.Create(diskBytes);
        string output = Path.Combine(disk.Path, "out.mp4");

        var result = Cli.Run(Cli.WithModel("enhance", clip, "-o", output, "--preset", "ultrafast", "--crf", "5"));

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines, Has.One.StartsWith($"error: {output}: ffmpeg ").And.EndsWith("No space left on device)"));
        Assert.That(result.ErrorLines.Last(), Does.StartWith("processed 0, skipped 0, failed 1"));
        Assert.That(Directory.GetFileSystemEntries(disk.Path), Is.Empty, "nothing under the final name, no temporary");
    }

    [Test]
    public void APhotoOnAFullDiskFailsWithOneLineAndLeavesNothing()
    {
        using var disk = TmpfsMount.Create(40_000);
        string output = Path.Combine(disk.Path, "out.png");

        var result = Cli.Run(Cli.WithModel("enhance", Workspace.GoldenInput, "-o", output));

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines, Has.One.StartsWith($"error: {output}: cannot be written").And.Contain("No space left on device"));
        Assert.That(Directory.GetFileSystemEntries(disk.Path), Is.Empty);
    }

    [Test]
    public void OutputsOnAReadOnlyFileSystemFailWithOneLine()
    {
        string clip = TestClips.Cut(_workspace.PathOf("clip.mp4"));
        using var disk = TmpfsMount.Create(1_000_000, readOnly: true);
        string video = Path.Combine(disk.Path, "clip.mp4"), photo = Path.Combine(disk.Path, Path.GetFileName(Workspace.GoldenInput));

        var result = Cli.Run(Cli.WithModel("enhance", clip, Workspace.GoldenInput, "-o", disk.Path + "/", "--preset", "ultrafast"));

        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines, Has.One.EqualTo($"error: {clip}: {video}: cannot be written there (Read-only file system)"));
        Assert.That(result.ErrorLines, Has.One.EqualTo($"error: {photo}: cannot be written (Read-only file system)"));
        Assert.That(result.ErrorLines.Last(), Does.StartWith("processed 0, skipped 0, failed 2"));
        Assert.That(File.Exists(video) || File.Exists(photo), Is.False);
    }

    [Test]
    public void AShardOnAFullDiskFailsAndRunsAgainOnceThereIsRoom()
    {
        string clip = TestClips.Cut(_workspace.PathOf("clip.mp4"));
        using var disk = TmpfsMount.Create(4_000_000);
        string job = Path.Combine(disk.Path, "job"), output = _workspace.PathOf("out.mp4");
        Assert.That(Cli.Run(Cli.WithModel("job", "create", clip, "-o", output, "--dir", job, "--preset", "ultrafast", "-q")).ExitCode, Is.Zero);
        string filler = disk.FillLeaving(20_000);

        var run = Cli.Run("job", "run", job, "--shard", "0");

        Assert.That(run.ExitCode, Is.EqualTo(1), run.ToString());
        Assert.That(run.ErrorLines.Last(), Does.StartWith("error: shard 0: ").And.Contain("No space left on device"));
        string shard = Path.Combine(job, "shards", "0");
        Assert.That(Directory.GetFiles(shard).Select(Path.GetFileName), Has.None.StartWith("part-").And.None.StartWith(".part-").And.None.EqualTo("done.json"),
            "no part, no temporary, not done");
        Assert.That(Cli.Run("job", "status", job).Out, Does.Contain("shard 0: failed: ").And.Contain("No space left on device"));

        File.Delete(filler);
        var again = Cli.Run("job", "run", job, "--shard", "0");
        Assert.That(again.ExitCode, Is.Zero, again.ToString());
        Assert.That(Cli.Run("job", "join", job, "-q").ExitCode, Is.Zero);
        Assert.That(VideoProbe.Probe(output).FrameCount, Is.EqualTo(VideoProbe.Probe(clip).FrameCount));
    }

    [Test]
    public void AJoinOnAFullDiskFailsWithOneLineAndLeavesNothing()
    {
        string clip = TestClips.Cut(_workspace.PathOf("clip.mp4"));
        string job = _workspace.PathOf("job");
        using var disk = TmpfsMount.Create(60_000);
        string output = Path.Combine(disk.Path, "out.mp4");
        Assert.That(Cli.Run(Cli.WithModel("job", "create", clip, "-o", output, "--dir", job, "--preset", "ultrafast", "--crf", "5", "-q")).ExitCode, Is.Zero);
        Assert.That(Cli.Run("job", "run", job, "--shard", "0", "-q").ExitCode, Is.Zero);

        var join = Cli.Run("job", "join", job);

        Assert.That(join.ExitCode, Is.EqualTo(1), join.ToString());
        Assert.That(join.ErrorLines, Has.One.StartsWith($"error: {output}: ").And.Contain("No space left on device"));
        Assert.That(Directory.GetFileSystemEntries(disk.Path), Is.Empty);
        Assert.That(Cli.Run("job", "status", job).Out, Does.Contain("1 done of 1 shards"), "the shard's work is kept");
    }

    [Test]
    public void InstallingIntoAReadOnlyDataFolderFailsWithOneLine()
    {
        using var disk = TmpfsMount.Create(1_000_000, readOnly: true);
        string saved = Environment.GetEnvironmentVariable("XDG_DATA_HOME")!;
        Environment.SetEnvironmentVariable("XDG_DATA_HOME", disk.Path);
        try
        {
            var result = Cli.Run("models", "install", "--source", SharedData.Path("models", "clip-lit"));
            Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
            Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
            Assert.That(result.ErrorLines[0], Does.StartWith($"error: {Path.Combine(disk.Path, "cliplit", "models")}: cannot be written (").And.Contain("Read-only file system"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", saved);
        }
    }
}
