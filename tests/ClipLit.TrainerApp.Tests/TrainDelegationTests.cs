using ClipLit.TestSupport;

namespace ClipLit.TrainerApp.Tests;

/// <summary>
/// <c>cliplit train</c> runs in cliplit-train: the runtime app (which does not load libtorch) starts
/// it with the same command line and returns its exit code.
/// </summary>
[TestFixture]
public sealed class TrainDelegationTests
{
    [Test]
    public void TheBuiltAppStartsTheTrainerWhichWritesToTheSameStandardStreams() =>
        SiblingAppChecks.BuiltAppRunsTheCommandInItsSibling("train", TrainCommand.Help);

    [Test]
    public void TheTrainersErrorLineAndExitCodeComeBack()
    {
        string run = Path.Combine(Path.GetTempPath(), $"cliplit-no-run-{Guid.NewGuid():N}");
        var missing = ChildProcess.Run(SiblingAppChecks.Cliplit, "train", "--out", run, "--resume");
        Assert.That(missing.ExitCode, Is.EqualTo(1), missing.ToString());
        Assert.That(missing.ErrorLines, Is.EqualTo(new[] { $"error: {Path.Combine(run, "options.json")}: no run to resume (missing)" }));
    }

    [Test]
    public void InProcessTheTrainersOutputGoesToTheCallersWriters()
    {
        var help = Cliplit.Run("train", "--help");
        Assert.That(help.ExitCode, Is.EqualTo(0), help.ToString());
        Assert.That(help.Out, Is.EqualTo(TrainCommand.Help + "\n"));
    }
}
