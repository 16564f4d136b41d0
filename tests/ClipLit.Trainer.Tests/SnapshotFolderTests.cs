using ClipLit.TestSupport;
using ClipLit.Trainer.Model;
using ClipLit.Trainer.Training;

namespace ClipLit.Trainer.Tests;

/// <summary>Resume snapshots on a real full disk: the half-written one goes, the previous one stands.</summary>
[TestFixture]
public sealed class SnapshotFolderTests
{
    [Test]
    public void ASnapshotThatDoesNotFitLeavesNothingAndThePreviousOneStands()
    {
        using var disk = TmpfsMount.Create(2_000_000);
        var run = new RunFolder(Path.Combine(disk.Path, "run"));
        run.Create();
        using var network = new EnhancementNetwork();
        EnhancementCheckpointFile.Load(network, SharedData.EnhancementCheckpoint);
        SnapshotFolder.Save(run, 1, folder => EnhancementCheckpointFile.Save(network, Path.Combine(folder, "network.pth")));

        disk.FillLeaving(4096);
        Assert.Throws<IOException>(() => SnapshotFolder.Save(run, 2, folder => EnhancementCheckpointFile.Save(network, Path.Combine(folder, "network.pth"))));

        Assert.That(Directory.GetFileSystemEntries(run.States).Select(Path.GetFileName), Is.EqualTo(new[] { "step-1" }), "no half-written snapshot, hidden or not");
        Assert.That(run.LatestState(), Is.EqualTo(run.StateFolder(1)));
        using var reloaded = new EnhancementNetwork();
        Assert.DoesNotThrow(() => EnhancementCheckpointFile.Load(reloaded, Path.Combine(run.StateFolder(1), "network.pth")));
    }
}
