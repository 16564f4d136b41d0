using ClipLit.Cli.Commands;

namespace ClipLit.Cli.Tests;

/// <summary>
/// train and bench run in executables of their own (cliplit-train, cliplit-bench), which this test
/// project does not build: without them the command says in one line how to build them. That they
/// start and pass their output and exit code back is tested where they are built
/// (ClipLit.TrainerApp.Tests, ClipLit.Bench.Tests).
/// </summary>
[TestFixture]
public sealed class SiblingAppTests
{
    [TestCase("train", "cliplit-train", "CLIPLIT_TRAIN", "src/TrainerApp/ClipLit.TrainerApp.csproj")]
    [TestCase("bench", "cliplit-bench", "CLIPLIT_BENCH", "src/Bench/ClipLit.Bench.csproj")]
    public void WithoutItsExecutableTheCommandSaysHowToBuildIt(string command, string executable, string variable, string project)
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable))) Assert.Ignore($"${variable} is set, so {executable} is looked for there");
        var result = Cli.Run(command, "--help");
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Out, Is.Empty);
        Assert.That(result.ErrorLines, Is.EqualTo(new[]
        {
            $"error: 'cliplit {command}' runs in {executable}, which is not built (not beside cliplit, not in ../{command}, ${variable} not set): "
            + $"run it through the repository's ./cliplit, which builds it, or build it: dotnet build {project} -c Release -o .cliplit-build/{command}",
        }));
    }

    [Test]
    public void TheTrainerIsFoundThroughItsVariableThenBesideTheAppThenInTheLaunchersFolder()
    {
        string root = Directory.CreateTempSubdirectory("cliplit-sibling-").FullName;
        try
        {
            string bin = Directory.CreateDirectory(Path.Combine(root, "bin")).FullName;
            string launcherLayout = Path.Combine(Directory.CreateDirectory(Path.Combine(root, "train")).FullName, "cliplit-train");
            File.WriteAllText(launcherLayout, "");
            Assert.That(SiblingApp.Trainer.Find(bin, null, out _), Is.EqualTo(launcherLayout));

            string beside = Path.Combine(bin, "cliplit-train");
            File.WriteAllText(beside, "");
            Assert.That(SiblingApp.Trainer.Find(bin, "", out _), Is.EqualTo(beside));
            Assert.That(SiblingApp.Trainer.Find(bin, launcherLayout, out _), Is.EqualTo(launcherLayout));

            string nowhere = Path.Combine(root, "nowhere", "cliplit-train");
            Assert.That(SiblingApp.Trainer.Find(bin, nowhere, out string problem), Is.Null);
            Assert.That(problem, Is.EqualTo($"$CLIPLIT_TRAIN is {nowhere}: no such file (it should name the cliplit-train executable)"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
